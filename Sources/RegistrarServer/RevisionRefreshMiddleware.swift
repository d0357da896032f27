import Directory
import Foundation
import HTTPTypes
import Hummingbird

/// After a successful write, pick up the new revision at once so this node's own
/// cached documents never lag behind its own writes.
struct RevisionRefreshMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    let runtime: DirectoryRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        // Only a successful request can have written (2xx, or the console's 303 after a form); a refused
        // one changed nothing. Registrations move their own ledger, never the directory's revision, so
        // they skip the read.
        if request.method != .get, request.method != .head, (200..<400).contains(response.status.code),
            !RegistrationRoutes.isRegistrationPath(request.uri.path)
        {
            try? await runtime.refreshRevision()
        }
        return response
    }
}
