import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Keys
import Synchronization

/// Public documents built once per data revision and served as bytes with a strong ETag. When the
/// revision moves, the whole cache is dropped and documents are rebuilt on their next request.
final class DocumentCache: Sendable {
    struct Document: Sendable {
        let body: ByteBuffer
        let etag: String
        let contentType: String
        /// Headers that belong to this representation (e.g. pagination links).
        let headers: HTTPFields
    }

    /// Bounds memory when callers vary query parameters.
    static let maximumEntries = 512

    private let state = Mutex<(revision: Int64, documents: [String: Document])>((-1, [:]))

    func document(_ key: String, revision: Int64, contentType: String, build: () async throws -> Data) async throws -> Document {
        try await document(key, revision: revision, contentType: contentType) { (try await build(), HTTPFields()) }
    }

    func document(_ key: String, revision: Int64, contentType: String, build: () async throws -> (Data, HTTPFields)) async throws -> Document {
        if let hit = state.withLock({ $0.revision == revision ? $0.documents[key] : nil }) { return hit }
        let (bytes, headers) = try await build()
        let digest = Base64URL.encode(SHA256.hash(data: bytes))
        let document = Document(body: ByteBuffer(bytes: bytes), etag: "\"\(digest)\"", contentType: contentType, headers: headers)
        state.withLock { state in
            if revision > state.revision { state = (revision, [:]) }
            if revision == state.revision, state.documents.count < Self.maximumEntries { state.documents[key] = document }
        }
        return document
    }
}

/// Conditional GET (RFC 9110 §13.1.2): `If-None-Match` uses the weak comparison, and `*` matches.
enum ConditionalResponse {
    static func make(_ document: DocumentCache.Document, for request: Request, maxAge: Int) -> Response {
        var headers = document.headers
        headers[.eTag] = document.etag
        headers[.cacheControl] = "public, max-age=\(maxAge)"
        headers[.vary] = "Accept-Encoding"
        if let condition = request.headers[.ifNoneMatch], matches(condition, etag: document.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = document.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: document.body))
    }

    static func matches(_ condition: String, etag: String) -> Bool {
        let opaque = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        return condition.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            if trimmed == "*" { return true }
            return (trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed) == opaque
        }
    }
}
