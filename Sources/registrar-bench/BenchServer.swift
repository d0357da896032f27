import ArgumentParser
import ChildProcess
import Directory
import Foundation
import Hummingbird
import Keys
import Logging
import RegistrarServer
import ServiceLifecycle
import Storage

/// A seeded Registrar serving on a loopback port from a fresh SQLite store in a scratch folder, for as
/// long as `body` runs: what every benchmark measures.
enum BenchServer {
    struct Running {
        let runtime: DirectoryRuntime
        let credentials: SandboxSeed.Credentials
        let base: String
        let folder: URL
        let store: SQLiteDirectoryStore
    }

    static func run(
        configure: (inout ServerConfiguration) throws -> Void = { _ in },
        prepare: (Running) async throws -> Void = { _ in },
        _ body: (Running) async throws -> Void
    ) async throws {
        var logger = Logger(label: "registrar.bench")
        logger.logLevel = .error
        let folder = FileManager.default.temporaryDirectory.appending(path: "registrar-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let store = try SQLiteDirectoryStore(path: folder.appending(path: "registrar.sqlite").path)
        var configuration = ServerConfiguration()
        configuration.port = try FreePort.loopback()
        configuration.publicURL = "http://127.0.0.1:\(configuration.port)"
        try configure(&configuration)
        let runtime = try await DirectoryRuntime(
            configuration: configuration, store: store, encryptionKey: KeyEncryptionKey.generate().key, logger: logger)
        guard let credentials = try await SandboxSeed.seedIfEmpty(runtime.directory) else { throw ValidationError("seeding failed") }
        let running = Running(runtime: runtime, credentials: credentials, base: configuration.publicURL, folder: folder, store: store)
        try await prepare(running)
        try await runtime.refreshRevision()

        let signal = ListeningSignal()
        let (application, _) = try RegistrarApplication.build(runtime: runtime, logger: logger) { signal.listening(on: $0) }
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await signal.run(services) }
            guard await signal.port() != nil else {
                try await group.waitForAll()
                throw ValidationError("the server stopped before it listened on port \(configuration.port); run the benchmark again")
            }
            defer { Task { await services.triggerGracefulShutdown() } }
            try await body(running)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
        try await store.close()
    }
}
