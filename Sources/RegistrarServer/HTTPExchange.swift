import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys

/// Reading request bodies and writing JSON responses, the same way for every route.
enum HTTPExchange {
    /// Reads at most `limit` bytes (413 beyond), requires a JSON media type (415 otherwise) and decodes.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws
        -> T
    {
        try requireMediaType(request, accepted: ["application/json"])
        let bytes = try await body(of: request, limit: limit)
        // Foundation's decoder takes one copy of a member named twice; the strict reader refuses such a
        // body, so that no two readers of a request can see different values (`{"role":"clients","role":"operator"}`).
        _ = try JSONValue.parse(bytes)
        return try RecordCoding.decoder.decode(T.self, from: bytes)
    }

    static func body(of request: Request, limit: Int) async throws -> Data {
        let buffer = try await request.body.collect(upTo: limit)
        return Data(buffer: buffer)
    }

    /// The media type without parameters, lower-cased; `+json` suffixes count as JSON.
    static func mediaType(of request: Request) -> String? {
        request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    static func requireMediaType(_ request: Request, accepted: Set<String>) throws {
        guard let type = mediaType(of: request) else {
            throw HTTPError(.unsupportedMediaType, message: "Content-Type is missing; send \(accepted.sorted().joined(separator: " or "))")
        }
        let isJSON = type.hasSuffix("+json") && accepted.contains("application/json")
        guard accepted.contains(type) || isJSON else {
            throw HTTPError(
                .unsupportedMediaType, message: "Content-Type \(type) is not accepted; send \(accepted.sorted().joined(separator: " or "))")
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) throws -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try RecordCoding.encode(value))))
    }

    static func parameter(_ name: String, in context: RegistrarRequestContext) throws -> String {
        guard let value = context.parameters.get(name) else { throw DirectoryError.invalidInput("missing path parameter \(name)") }
        return value
    }
}

/// The body of status-change requests.
struct StatusChange: Codable {
    var status: String
    /// Why (required for an organisation's Rejected; recorded with every organisation status change).
    var reason: String?
}

/// The body of `POST /applications`.
struct NewApplication: Codable {
    var legalName: String
    var country: String
    var applicantEmail: String
}

/// The body of key revocations.
struct KeyRevocation: Codable {
    var reason: String?
}
