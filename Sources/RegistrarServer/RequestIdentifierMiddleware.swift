import HTTPTypes
import Hummingbird
import Logging

/// Every log line of a routed request carries one id (`hb.request.id`): the id a proxy or client sent in
/// `X-Request-Id` when it is a sane token (at most 128 characters of letters, digits and `-._:`), or the
/// server's own. Responses carry it back when the caller sent one, and always on errors, so that an
/// operator can find a user's failed request in the logs from the header alone. A successful answer to a
/// request without one carries none: the same bytes the event-loop fast paths send (they log nothing).
struct RequestIdentifierMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let given = request.headers[Self.header].map(Self.isSane) ?? false
        if given, let id = request.headers[Self.header] { context.logger[metadataKey: "hb.request.id"] = .string(id) }
        var response = try await next(request, context)
        if given || response.status.code >= 400 { response.headers[Self.header] = context.id }
        return response
    }

    static func isSane(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-._:".utf8.contains(byte)
            }
    }
}
