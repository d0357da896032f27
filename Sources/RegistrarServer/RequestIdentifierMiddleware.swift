import HTTPTypes
import Hummingbird
import Logging

/// Every routed response carries `X-Request-Id`, and every log line of the request carries the same id
/// (`hb.request.id`): the id a proxy or client sent when it is a sane token (at most 128 characters of
/// letters, digits and `-._:`), or the server's own. An operator can then find a user's failed request
/// in the logs from the header alone. Answers of the event-loop fast paths carry none: they log nothing.
struct RequestIdentifierMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let given = request.headers[Self.header], Self.isSane(given) {
            context.logger[metadataKey: "hb.request.id"] = .string(given)
        }
        var response = try await next(request, context)
        response.headers[Self.header] = context.id
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
