import HTTPTypes
import Hummingbird
import Synchronization

/// Every route the server registers, as (method, path template). It answers "which methods exist for
/// this path" (for 405 responses) and lets a test compare the router with `Schemas/openapi.yaml`.
public final class RouteCatalogue: Sendable {
    public struct Route: Sendable, Hashable {
        public let method: HTTPRequest.Method
        /// OpenAPI style: `/organisations/{organisationId}`.
        public let path: String
    }

    private let storage: [Route]

    init(routes: [Route]) { storage = routes }

    public var routes: [Route] { storage }

    /// The methods of the path's route as the router resolves it: where a literal segment and a parameter
    /// both match (`/certificates/validate` and `/certificates/{serialNumber}`), the literal wins, so the
    /// parameter route's methods are not the path's.
    func methods(matching path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: [Bool] = []
        var methods: Set<HTTPRequest.Method> = []
        for route in storage {
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count, zip(template, segments).allSatisfy({ $0.first == "{" || $0 == $1 }) else { continue }
            let literals = template.map { $0.first != "{" }
            if literals.lexicographicallyPrecedes(best, by: { !$0 && $1 }) { continue }
            if best.lexicographicallyPrecedes(literals, by: { !$0 && $1 }) || best.isEmpty { (best, methods) = (literals, []) }
            methods.insert(route.method)
            if route.method == .get { methods.insert(.head) }
        }
        return methods
    }
}

/// Registers a route on the Hummingbird router and records it in the catalogue, so the two cannot drift.
struct RouteRegistrar {
    let router: Router<RegistrarRequestContext>
    private(set) var routes: [RouteCatalogue.Route] = []

    init(router: Router<RegistrarRequestContext>) { self.router = router }

    mutating func add(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, RegistrarRequestContext) async throws -> Response
    ) {
        routes.append(.init(method: method, path: path))
        // Hummingbird captures parameters as ":name"; the catalogue keeps OpenAPI's "{name}".
        let hummingbirdPath = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.first == "{" ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
        router.on(RouterPath(hummingbirdPath), method: method, use: handler)
        if method == .get {
            // HEAD answers with GET's status and headers and no body (RFC 9110 §9.3.2).
            router.on(RouterPath(hummingbirdPath), method: .head) { request, context in
                var response = try await handler(request, context)
                let length = response.headers[.contentLength]
                response.body = .init()
                response.headers[.contentLength] = length
                return response
            }
        }
    }
}

/// The middleware is installed before the routes exist; it reads the finished catalogue through this.
final class LateCatalogue: Sendable {
    private let value = Mutex<RouteCatalogue?>(nil)

    func set(_ catalogue: RouteCatalogue) { value.withLock { $0 = catalogue } }

    func methods(matching path: String) -> Set<HTTPRequest.Method> {
        value.withLock { $0 }?.methods(matching: path) ?? []
    }
}
