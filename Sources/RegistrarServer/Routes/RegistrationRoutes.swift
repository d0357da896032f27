import Directory
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registration

/// The registration role over HTTP: RFC 7591 `POST /register` and RFC 7592 management of a client with
/// its registration access token. The client certificate comes from the request context (TLS handshake
/// or a trusted proxy's RFC 9440 header). Errors are RFC 7591 JSON (`OAuthErrorResponse`).
enum RegistrationRoutes {
    static let path = "/register"
    static let item = "/register/{clientId}"

    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let registry = runtime.registry

        routes.add(.post, path) { request, context in
            let response = try await counted(context) {
                try await registry.register(try await decode(request), certificate: context.clientCertificate?.leaf, at: Date())
            }
            RegistrarMetrics.registrations.increment()
            return try json(response, status: .created)
        }

        routes.add(.get, item) { request, context in
            let response = try await counted(context) {
                try await registry.read(
                    try HTTPExchange.parameter("clientId", in: context), token: bearer(request),
                    certificate: context.clientCertificate?.leaf,
                    at: Date())
            }
            return try json(response, status: .ok)
        }

        routes.add(.put, item) { request, context in
            let clientID = try HTTPExchange.parameter("clientId", in: context)
            let token = bearer(request)
            let decoded = try await decode(request)
            let response = try await counted(context) {
                try await registry.update(clientID, token: token, with: decoded, certificate: context.clientCertificate?.leaf, at: Date())
            }
            return try json(response, status: .ok)
        }

        routes.add(.delete, item) { request, context in
            try await counted(context) {
                try await registry.delete(
                    try HTTPExchange.parameter("clientId", in: context), token: bearer(request),
                    certificate: context.clientCertificate?.leaf,
                    at: Date())
            }
            var headers = HTTPFields()
            headers[.cacheControl] = "no-store"
            return Response(status: .noContent, headers: headers)
        }
    }

    /// Runs a registration-role call; a refusal by a named check is counted under that name and logged
    /// with it (`check`), so an operator sees which rule turns clients away.
    static func counted<T>(_ context: RegistrarRequestContext, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as OAuthError {
            if let check = refusal.check {
                RegistrarMetrics.registrationRefusals(check).increment()
                context.logger.info("registration refused", metadata: ["check": "\(check)", "error": "\(refusal.code)"])
            }
            throw refusal
        }
    }

    static func decode(_ request: Request) async throws -> RegistrationRequest {
        let body: Data
        do { body = try await HTTPExchange.body(of: request, limit: RegistrationRequest.maximumBytes) } catch is NIOTooManyBytesError {
            throw OAuthError.invalidClientMetadata("the registration request is larger than \(RegistrationRequest.maximumBytes) bytes")
        }
        return try RegistrationRequest.decode(body, mediaType: HTTPExchange.mediaType(of: request))
    }

    /// The registration access token from `Authorization: Bearer`, or nil.
    static func bearer(_ request: Request) -> String? {
        request.headers[.authorization].flatMap(AuthenticationMiddleware.bearerCredential)
    }

    static func json(_ response: ClientRegistry.Response, status: HTTPResponse.Status) throws -> Response {
        var headers = HTTPFields()
        headers[TokenRoutes.pragma] = "no-cache"
        return try HTTPExchange.json(response, status: status, headers: headers)
    }

    /// Management paths carry registration access tokens, which are not API tokens.
    static func isRegistrationPath(_ path: String) -> Bool { path == Self.path || path.hasPrefix(Self.path + "/") }
}
