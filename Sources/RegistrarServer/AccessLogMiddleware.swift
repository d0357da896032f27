import Directory
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Keys

/// One JSON object per routed request on standard output, for log pipelines that want fields rather than
/// text: time, method, path (no query: it may carry cursors, never secrets, but is unbounded), status,
/// duration, request id and remote address (never a token or a body). Off unless
/// `--access-log json`. Answers of the event-loop fast paths are not logged (they are counted in
/// `registrar_fast_path_responses_total`).
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do { response = try await next(request, context) } catch {
            Self.write(request, context: context, status: 500, since: started)
            throw error
        }
        Self.write(request, context: context, status: response.status.code, since: started)
        return response
    }

    static func write(_ request: Request, context: Context, status: Int, since started: UInt64) {
        var entry: [String: JSONValue] = [
            "time": .string(Timestamp.format(Date())), "method": .string(request.method.rawValue), "path": .string(request.uri.path),
            "status": .integer(Int64(status)),
            "duration_ms": .number(Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000),
            "request_id": .string(context.id),
        ]
        if let remote = context.remoteAddress?.ipAddress { entry["remote"] = .string(remote) }
        var line = JSONValue.object(entry).serialized()
        line.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(line)
    }
}
