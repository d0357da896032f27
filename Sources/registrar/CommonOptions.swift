import ArgumentParser
import Directory
import Foundation
import Keys
import PKI
import Storage

/// Where the data lives. Every option also reads an environment variable, so containers need no flags.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Data folder for the embedded SQLite store and the key-encryption key (env REGISTRAR_DATA).")
    var data: String?

    @Option(name: .long, help: "PostgreSQL URL, e.g. postgres://user:pass@host:5432/registrar (env REGISTRAR_DATABASE_URL).")
    var databaseURL: String?

    @Option(
        name: .long,
        help:
            "File holding the base64 key-encryption key (env REGISTRAR_KEK_FILE; default DATA/kek). REGISTRAR_KEK may hold the key itself.")
    var kekFile: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var dataFolder: String { data ?? environment["REGISTRAR_DATA"] ?? "registrar-data" }

    var location: StoreLocation {
        StoreLocation.resolve(databaseURL: databaseURL ?? environment["REGISTRAR_DATABASE_URL"], dataFolder: dataFolder)
    }

    /// The directory's store. Only `creating` commands (init, sandbox) may make a new SQLite file: any
    /// other command run where there is none would work on an empty directory and print empty tables.
    func openStore(creating: Bool = false) async throws -> any DirectoryStore {
        if !creating, case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw CLIError(
                "no directory at \(path); run `registrar init` (or `registrar sandbox`) first, or point at one with --data or --database-url"
            )
        }
        return try await location.open()
    }

    /// The KEK, or a one-line error and exit 1: what every command that touches private keys needs.
    func requireEncryptionKey(create: Bool = false) throws -> KeyEncryptionKey {
        do { return try encryptionKey(create: create) } catch { throw fail(error) }
    }

    /// The KEK from REGISTRAR_KEK, or from its file; `create` makes the file (0600) when it is missing.
    func encryptionKey(create: Bool) throws -> KeyEncryptionKey {
        if let inline = environment["REGISTRAR_KEK"], !inline.isEmpty {
            do { return try KeyEncryptionKey(base64: inline) } catch { throw CLIError("REGISTRAR_KEK must be 32 bytes in base64") }
        }
        let path = kekFile ?? environment["REGISTRAR_KEK_FILE"] ?? (dataFolder as NSString).appendingPathComponent("kek")
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw CLIError("no key-encryption key at \(path); run `registrar init` first, or set REGISTRAR_KEK")
        }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        do {
            return try KeyEncryptionKey.loadOrCreate(at: path)
        } catch KeyEncryptionKey.Failure.tooPermissive(let file) {
            throw CLIError("\(file) is readable by other users; run `chmod 600 \(file)`")
        } catch {
            throw CLIError("cannot read the key-encryption key at \(path): \(error)")
        }
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}

/// A failure the CLI reports as one line on standard error with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command body against the store and reports any failure as one clear line.
func withStore<T>(_ options: StoreOptions, creating: Bool = false, _ body: (any DirectoryStore) async throws -> T) async throws -> T {
    let store: any DirectoryStore
    do { store = try await options.openStore(creating: creating) } catch { throw fail(error) }
    do {
        let result = try await body(store)
        try? await store.close()
        return result
    } catch {
        try? await store.close()
        throw fail(error)
    }
}

/// Prints `registrar: error: …` and exits 1; argument-parser's own errors pass through untouched.
func fail(_ error: any Error) -> any Error {
    if error is ExitCode || error is CleanExit { return error }
    let message: String =
        switch error {
        case let error as CLIError: error.description
        case let error as DirectoryError: error.description
        case let error as StoreError: error.description
        case let error as PKIFailure: error.description
        case let error as DecodingError: "the input is not the expected JSON (\(error.localizedDescription))"
        default: String(describing: error)
        }
    FileHandle.standardError.write(Data("registrar: error: \(message)\n".utf8))
    return ExitCode.failure
}

/// The body's value, or its error printed as one line and exit 1.
func failingWithOneLine<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw fail(error) }
}

enum Output {
    static let encoder: JSONEncoder = {
        let encoder = RecordCoding.encoder
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        pretty.dateEncodingStrategy = encoder.dateEncodingStrategy
        return pretty
    }()

    static func json(_ value: some Encodable) throws {
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Aligned columns for humans.
    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            print(
                row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(
                    separator: "  "
                )
                .trimmingCharacters(in: .whitespaces))
        }
    }
}

extension Caller {
    static var cli: Caller { .commandLine(user: ProcessInfo.processInfo.environment["USER"] ?? "operator") }
}

/// Reads a JSON document from a file, or standard input for "-".
func readInput(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
    return data
}
