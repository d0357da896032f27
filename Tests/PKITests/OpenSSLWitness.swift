import ChildProcess
import Foundation
import Testing

/// The `openssl` command line as an independent judge of the certificates, CSRs and CRLs the PKI writes,
/// working in a scratch folder that disappears with the value.
final class OpenSSLWitness: Sendable {
    let folder: URL
    let executable: String

    init() throws {
        guard let executable = ChildProcess.locate("openssl", candidates: ["/usr/bin/openssl"]) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "openssl is not installed"])
        }
        self.executable = executable
        folder = FileManager.default.temporaryDirectory.appending(path: "registrar-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appending(path: name).path }

    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: folder.appending(path: name))
        return path(name)
    }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: folder.appending(path: name))
        return path(name)
    }

    func read(_ name: String) throws -> String { try String(contentsOf: folder.appending(path: name), encoding: .utf8) }

    @discardableResult
    func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess.run(executable, arguments, directory: folder)
    }

    /// A CSR made by openssl itself for a fresh key: `key` is an `openssl req -newkey` argument such as
    /// `rsa:2048` or `ec -pkeyopt ec_paramgen_curve:P-256`.
    func makeCSR(name: String, key: [String], subject: String = "/CN=requested-by-client") async throws -> String {
        let result = try await run(
            ["req", "-new", "-newkey"] + key + ["-nodes", "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject])
        #expect(result.status == 0, "openssl req failed: \(result.errors)")
        return try read("\(name).csr")
    }
}
