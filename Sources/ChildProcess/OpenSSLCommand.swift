import Foundation

/// The `openssl` command line in a scratch folder that disappears with the value: the independent judge
/// tests use for certificates, CSRs and CRLs, and the yardstick the benchmark measures against.
public final class OpenSSLCommand: Sendable {
    public let folder: URL
    public let executable: String

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "openssl is not installed (apt-get install openssl)" }
    }

    /// `openssl req -x509` / `x509 -req` options that sign with RSASSA-PSS (SHA-256, 32-byte salt).
    public static let rsassaPSSSigning = ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]

    public init() throws {
        guard let executable = ChildProcess.locate("openssl", candidates: ["/usr/bin/openssl"]) else { throw Unavailable() }
        self.executable = executable
        folder = FileManager.default.temporaryDirectory.appending(path: "registrar-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    public func path(_ name: String) -> String { folder.appending(path: name).path }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: folder.appending(path: name))
        return path(name)
    }

    @discardableResult
    public func write(_ name: String, bytes: some Sequence<UInt8>) throws -> String {
        try Data(bytes).write(to: folder.appending(path: name))
        return path(name)
    }

    public func read(_ name: String) throws -> String { try String(contentsOf: folder.appending(path: name), encoding: .utf8) }

    @discardableResult
    public func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess.run(executable, arguments, directory: folder)
    }

    /// Runs openssl and throws its error output when it fails.
    @discardableResult
    public func require(_ arguments: [String]) async throws -> ChildProcess.Result {
        let result = try await run(arguments)
        guard result.status == 0 else { throw Failed(arguments: arguments, errors: result.errors) }
        return result
    }

    /// A CSR made by openssl itself for a fresh key, returned as PEM; `key` is an `openssl req -newkey`
    /// argument such as `rsa:2048` or `ec -pkeyopt ec_paramgen_curve:P-256`. The key stays in `NAME.key`.
    public func makeCSR(name: String, key: [String], subject: String = "/CN=requested-by-client") async throws -> String {
        try await require(
            ["req", "-new", "-newkey"] + key + ["-nodes", "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject])
        return try read("\(name).csr")
    }

    public struct Failed: Error, CustomStringConvertible {
        public var arguments: [String]
        public var errors: String
        public var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(errors)" }
    }
}
