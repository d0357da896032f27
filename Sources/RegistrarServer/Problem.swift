import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys
import NIOCore
import NIOHTTP1

/// An RFC 9457 problem document, the body of every error this API returns.
public struct Problem: Codable, Sendable, Equatable {
    public var type: String = "about:blank"
    public var title: String
    public var status: Int
    public var detail: String
    public var instance: String?
    /// A stable, machine-readable name for the failure (e.g. `invalid_transition`).
    public var code: String

    public init(status: HTTPResponse.Status, code: String, detail: String, instance: String? = nil) {
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.instance = instance
        self.code = code
    }

    public func response(extraHeaders: HTTPFields = [:]) -> Response {
        var headers = extraHeaders
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        let body = (try? JOSEJSON.encoder.encode(self)) ?? Data()
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The one mapping from any error to its problem document and status.
    static func from(_ error: any Error) -> (problem: Problem, headers: HTTPFields)? {
        switch error {
        case let error as DirectoryError:
            let status: HTTPResponse.Status
            let code: String
            switch error {
            case .notFound: (status, code) = (.notFound, "not_found")
            case .invalidInput: (status, code) = (.badRequest, "invalid_input")
            case .invalidTransition: (status, code) = (.conflict, "invalid_transition")
            case .forbidden: (status, code) = (.forbidden, "forbidden")
            case .notActive: (status, code) = (.forbidden, "not_active")
            case .incompleteData: (status, code) = (.unprocessableContent, "incomplete_data")
            case .conflict: (status, code) = (.conflict, "conflict")
            case .unauthenticated: (status, code) = (.unauthorized, "unauthenticated")
            }
            var headers: HTTPFields = [:]
            if status == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="registrar""# }
            return (Problem(status: status, code: code, detail: error.description), headers)
        case let error as StoreError:
            if case .unavailable = error {
                var headers = HTTPFields()
                headers[.retryAfter] = "5"
                return (
                    Problem(
                        status: .serviceUnavailable, code: "store_unavailable", detail: "the directory's store is unavailable; retry later"),
                    headers
                )
            }
            return (Problem(status: .conflict, code: "conflict", detail: error.description), [:])
        case let error as OAuthError:
            return (Problem(status: .init(code: error.status), code: error.code, detail: error.description), [:])
        case is NIOTooManyBytesError:
            return (
                Problem(status: .contentTooLarge, code: "body_too_large", detail: "the request body is larger than this endpoint accepts"),
                [:]
            )
        case let error as DecodingError:
            return (
                Problem(status: .badRequest, code: "invalid_json", detail: "the request body is not the expected JSON: \(describe(error))"),
                [:]
            )
        case let error as HTTPParserError:
            // The client stopped sending mid-request (a body shorter than its Content-Length, then EOF),
            // or sent bytes HTTP/1.1 does not allow: its fault, and nothing was read to act on.
            let detail =
                error == .invalidEOFState
                ? "the request ended before its body was complete (fewer bytes than Content-Length)"
                : "the request is not well-formed HTTP/1.1 (\(error))"
            return (Problem(status: .badRequest, code: "malformed_request", detail: detail), [:])
        case let error as JSONValue.ParseError:
            return (Problem(status: .badRequest, code: "invalid_json", detail: "the request body is not valid JSON: \(error)"), [:])
        case let error as HTTPError:
            let code = error.status == .contentTooLarge ? "body_too_large" : error.status == .notFound ? "not_found" : "http_error"
            let detail = error.body ?? (error.status == .notFound ? "no such resource" : error.status.reasonPhrase)
            return (Problem(status: error.status, code: code, detail: detail), error.headers)
        default:
            return nil
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "member '\(key.stringValue)' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "member '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty
                ? "malformed JSON" : "member '\(context.codingPath.map(\.stringValue).joined(separator: "."))' is invalid"
        @unknown default: "malformed JSON"
        }
    }
}
