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
/// let (application, _) = try RegistrarApplication.build(runtime: runtime)
/// try await application.runService()
/// ```
public enum RegistrarApplication {
    static let serverName = "Registrar"

    public static func build(
        runtime: DirectoryRuntime, logger: Logger = Logger(label: "registrar.http"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> (application: some ApplicationProtocol, routes: RouteCatalogue) {
        let (router, catalogue) = makeRouter(runtime: runtime)
        let configuration = runtime.configuration
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            server = try .mutualTLS(tls, runtime: runtime) { await runtime.verifyHandshakeCertificates($0) }
        } else {
            server = .withFastPaths(runtime: runtime)
        }
        let application = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
            services: [RevisionPoller(runtime: runtime)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        return (application, catalogue)
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
        router.middlewares.add(ProblemMiddleware(catalogue: catalogue))
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

/// Follows the store's revision in the background for as long as the server runs.
struct RevisionPoller: Service {
    let runtime: DirectoryRuntime

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runtime.pollRevisions()
        }
    }
}
