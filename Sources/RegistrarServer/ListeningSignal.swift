import ServiceLifecycle

/// For whoever starts a server in process and waits for it to listen (tests, benchmarks): the server
/// reports its port through `listening(on:)` (`RegistrarApplication.build(onServerRunning:)`), and the
/// wait ends without a port when the services stop first, e.g. because the port was taken meanwhile.
///
/// ```swift
/// let signal = ListeningSignal()
/// let (application, _) = try RegistrarApplication.build(runtime: runtime) { signal.listening(on: $0) }
/// group.addTask { try await signal.run(ServiceGroup(configuration: .init(services: [application], logger: logger))) }
/// guard await signal.port() != nil else { try await group.waitForAll(); throw … }
/// ```
public struct ListeningSignal: Sendable {
    private let ports: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    public init() { (ports, continuation) = AsyncStream.makeStream(of: Int.self) }

    public func listening(on port: Int) { continuation.yield(port) }

    /// Runs the services; when they end, so does any wait for the port.
    public func run(_ services: ServiceGroup) async throws {
        defer { continuation.finish() }
        try await services.run()
    }

    /// The port the server listens on, or nil when it stopped without listening.
    public func port() async -> Int? {
        for await port in ports { return port }
        return nil
    }
}
