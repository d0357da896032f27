import Directory
import Foundation
import HTTPTypes
import Hummingbird

/// Turns `Authorization: Bearer …` into the request's caller; a credential that is present but wrong is
/// refused at once rather than silently treated as anonymous.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    let runtime: DirectoryRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authorization = request.headers[.authorization] else { return try await next(request, context) }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let caller = try await runtime.authenticate(bearer: String(parts[1]).trimmingCharacters(in: .whitespaces))
        else {
            throw DirectoryError.unauthenticated("the bearer token is not valid")
        }
        var context = context
        context.caller = caller
        context.logger[metadataKey: "caller"] = "\(caller.auditName)"
        return try await next(request, context)
    }
}
