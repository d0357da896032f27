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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
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
            guard var (problem, headers) = Problem.from(error) else {
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
