import Directory
import Foundation
import HTTPTypes
import Hummingbird

/// Turns `Authorization: Bearer …` into the request's caller: an API token (operator or organisation)
/// or a certificate-bound access token of a software statement; a credential that is present but wrong is
/// refused at once rather than silently treated as anonymous.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    let runtime: DirectoryRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authorization = request.headers[.authorization], !RegistrationRoutes.isRegistrationPath(request.uri.path) else {
            return try await next(request, context)
        }
        guard let credential = Self.bearerCredential(authorization) else {
            throw DirectoryError.unauthenticated("the Authorization header must be Bearer <token>")
        }
        let caller: Caller
        if credential.contains(".") {
            // A JWT: an access token from POST /token, good only with the certificate it is bound to.
            guard credential.utf8.count <= 8192 else { throw DirectoryError.unauthenticated("the access token is too long") }
            caller = try await runtime.authenticate(accessToken: credential, certificate: context.clientCertificate)
        } else {
            guard let known = try await runtime.authenticate(bearer: credential) else {
                throw DirectoryError.unauthenticated("the bearer token is not valid")
            }
            caller = known
        }
        var context = context
        context.caller = caller
        context.logger[metadataKey: "caller"] = "\(caller.auditName)"
        return try await next(request, context)
    }

    /// The credential of an `Authorization: Bearer <credential>` header (RFC 6750 §2.1), or nil.
    static func bearerCredential(_ authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}
