import Directory
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the HTTP application for a runtime.
///
/// ```swift
/// let runtime = try await DirectoryRuntime(configuration: configuration, store: store, encryptionKey: kek)
/// let (listeners, _) = try RegistrarApplication.build(runtime: runtime)
/// try await ServiceGroup(configuration: .init(services: [listeners], logger: logger)).run()
/// ```
public enum RegistrarApplication {
    static let serverName = "Registrar"

    public static func build(
        runtime: DirectoryRuntime, logger: Logger = Logger(label: "registrar.http"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> (application: RegistrarListeners, routes: RouteCatalogue) {
        let (router, catalogue) = makeRouter(runtime: runtime)
        let configuration = runtime.configuration
        let main: HTTPServerBuilder
        if let tls = configuration.tls {
            main = try .mutualTLS(tls, runtime: runtime) { await runtime.verifyHandshakeCertificates($0) }
        } else {
            main = .withFastPaths(runtime: runtime)
        }
        // The main listener's port is reported once every listener accepts connections.
        let started = ListenersStarted(count: configuration.mutualTLSListener == nil ? 1 : 2, report: onServerRunning)
        var listeners: [any Service] = [
            Application(
                router: router, server: main,
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
                services: [RevisionPoller(runtime: runtime), CertificateExpiryNotices(runtime: runtime)],
                onServerRunning: { channel in await started.listening(main: channel.localAddress?.port ?? configuration.port) },
                logger: logger)
        ]
        if let listener = configuration.mutualTLSListener {
            let server = try HTTPServerBuilder.mutualTLS(listener.tls, runtime: runtime) { await runtime.verifyHandshakeCertificates($0) }
            listeners.append(
                Application(
                    router: router, server: server,
                    configuration: .init(address: .hostname(configuration.host, port: listener.port), serverName: serverName),
                    onServerRunning: { channel in
                        logger.info(
                            "registrar listening for mutual TLS",
                            metadata: [
                                "address": "\(configuration.host):\(channel.localAddress?.port ?? listener.port)",
                                "url": "\(listener.publicURL)",
                            ])
                        await started.listening(main: nil)
                    },
                    logger: logger))
        }
        return (RegistrarListeners(listeners: listeners), catalogue)
    }

    public static func makeRouter(runtime: DirectoryRuntime) -> (Router<RegistrarRequestContext>, RouteCatalogue) {
        let router = Router(context: RegistrarRequestContext.self)
        var routes = RouteRegistrar(router: router)
        let catalogue = LateCatalogue()
        RegistrarMetrics.bootstrap()
        router.middlewares.add(RequestIdentifierMiddleware())
        if runtime.configuration.jsonAccessLog { router.middlewares.add(AccessLogMiddleware()) }
        // Counts the status each client received, after errors became problem documents.
        router.middlewares.add(RequestMetricsMiddleware())
        router.middlewares.add(ProblemMiddleware(catalogue: catalogue, refusals: runtime.refusals))
        router.middlewares.add(ClientCertificateMiddleware(runtime: runtime))
        router.middlewares.add(AuthenticationMiddleware(runtime: runtime))
        router.middlewares.add(RevisionRefreshMiddleware(runtime: runtime))
        DiscoveryRoutes.register(on: &routes, runtime: runtime)
        PublicDirectoryRoutes.register(on: &routes, runtime: runtime)
        ConsoleRoutes.register(on: &routes, runtime: runtime)
        OrganisationRoutes.register(on: &routes, runtime: runtime)
        SoftwareStatementRoutes.register(on: &routes, runtime: runtime)
        AdministrationRoutes.register(on: &routes, runtime: runtime)
        CertificateRoutes.register(on: &routes, runtime: runtime)
        TrustRoutes.register(on: &routes, runtime: runtime)
        TokenRoutes.register(on: &routes, runtime: runtime)
        RegistrationRoutes.register(on: &routes, runtime: runtime)
        ClientRoutes.register(on: &routes, runtime: runtime)
        let finished = RouteCatalogue(routes: routes.routes)
        catalogue.set(finished)
        return (router, finished)
    }
}

/// The server's listeners, run together: the main one and, when configured, the mutual-TLS one
/// (`ServerConfiguration.mutualTLSListener`).
public struct RegistrarListeners: Service {
    let listeners: [any Service]

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for listener in listeners { group.addTask { try await listener.run() } }
            // One that fails (its port taken) stops the others: a server missing a listener is not the one
            // asked for. Otherwise they end together, on the graceful shutdown they all follow.
            do { try await group.waitForAll() } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

/// Counts listeners as they start and reports the main one's port when the last has started.
private actor ListenersStarted {
    private var waiting: Int
    private var mainPort: Int?
    private let report: @Sendable (Int) async -> Void

    init(count: Int, report: @escaping @Sendable (Int) async -> Void) {
        waiting = count
        self.report = report
    }

    func listening(main port: Int?) async {
        if let port { mainPort = port }
        waiting -= 1
        if waiting == 0, let mainPort { await report(mainPort) }
    }
}

/// Follows the store's revision in the background for as long as the server runs.
struct RevisionPoller: Service {
    let runtime: DirectoryRuntime

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runtime.pollRevisions()
        }
    }
}
