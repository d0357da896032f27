import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into an RFC 9457 response, in this one place. Unknown paths answer 404; known paths
/// asked with the wrong method answer 405 with `Allow`. An unexpected error is logged in full and
/// answered with a 500 that reveals nothing.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    let catalogue: LateCatalogue
    let refusals: RecentRefusals

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = Problem.from(error)
            if let (problem, _) = mapped {
                refusals.record(
                    status: problem.status, method: request.method.rawValue, path: request.uri.path, detail: problem.detail,
                    remote: context.remoteAddress?.ipAddress)
            }
            let path = request.uri.path
            if let http = error as? HTTPError, http.status == .notFound {
                let allowed = catalogue.methods(matching: path)
                if !allowed.isEmpty, !allowed.contains(request.method) {
                    var headers = HTTPFields()
                    headers[.allow] = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                    return Problem(
                        status: .methodNotAllowed, code: "method_not_allowed",
                        detail: "\(request.method.rawValue) is not supported on \(path)", instance: path
                    ).response(extraHeaders: headers)
                }
            }
            if path == TokenRoutes.path {
                return OAuthErrorResponse.make(
                    for: error, otherwise: "invalid_request", refusedCredential: OAuthError.invalidClient, logger: context.logger)
            }
            if RegistrationRoutes.isRegistrationPath(path) {
                // RFC 7591 has no invalid_client: a client certificate that cannot be accepted is refused metadata.
                return OAuthErrorResponse.make(
                    for: error, otherwise: "invalid_client_metadata", refusedCredential: OAuthError.invalidClientMetadata,
                    logger: context.logger)
            }
            guard var (problem, headers) = mapped else {
                context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(path)"])
                return Problem(
                    status: .internalServerError, code: "internal_error", detail: "the server could not complete the request",
                    instance: path
                ).response()
            }
            problem.instance = path
            headers[.contentLength] = nil
            return problem.response(extraHeaders: headers)
        }
    }
}

/// The OAuth endpoints answer every error in their own format (RFC 6749 §5.2), not as problem documents:
/// a refused credential (a client certificate that does not validate) is `refusedCredential`
/// (`invalid_client` at the token endpoint), anything else the client sent wrong is the endpoint's
/// general code (`invalid_request` at the token endpoint, `invalid_client_metadata` at registration).
enum OAuthErrorResponse {
    static func make(
        for error: any Error, otherwise generalCode: String, refusedCredential: (String) -> OAuthError, logger: Logger
    ) -> Response {
        let oauth: OAuthError
        switch error {
        case let known as OAuthError:
            oauth = known
        case DirectoryError.unauthenticated(let reason):
            oauth = refusedCredential(reason)
        default:
            guard let (problem, headers) = Problem.from(error) else {
                logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
                return Problem(status: .internalServerError, code: "internal_error", detail: "the server could not complete the request")
                    .response()
            }
            // The server's own trouble (a store outage) stays a problem document with its 5xx status.
            guard problem.status < 500 else { return problem.response(extraHeaders: headers) }
            oauth = OAuthError(generalCode, problem.detail)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        headers[TokenRoutes.pragma] = "no-cache"
        if oauth.code == "invalid_token" { headers[.wwwAuthenticate] = #"Bearer error="invalid_token""# }
        // A refusal by a named registration check says which one, so a provider knows what to fix.
        let description = oauth.check.map { "\(oauth.description) (check: \($0))" } ?? oauth.description
        let body = (try? JSONEncoder().encode(["error": oauth.code, "error_description": description])) ?? Data()
        return Response(status: .init(code: oauth.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
