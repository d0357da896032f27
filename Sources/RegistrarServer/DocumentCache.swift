import Crypto
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys

/// Public documents built once per data revision and served as bytes with a strong ETag, keyed by the
/// request target (path and canonical query) so that the event-loop fast paths can find them without any
/// routing: a request spelt canonically is answered there, any other spelling goes through the router.
final class DocumentCache: Sendable {
    struct Document: Sendable {
        let body: ByteBuffer
        let etag: String
        let contentType: String
        /// Headers that belong to this representation (e.g. pagination links).
        let headers: HTTPFields
    }

    private let cache = RevisionScopedCache<Document>(capacity: 512)

    func cached(_ target: String, revision: Int64) -> Document? {
        cache.value(for: target, at: revision)
    }

    func document(for request: Request, revision: Int64, contentType: String, build: () async throws -> Data) async throws -> Document {
        try await document(for: request, revision: revision, contentType: contentType) { (try await build(), HTTPFields()) }
    }

    /// The cached document for `request`, built when missing. `canonicalQuery` is the query the route
    /// understood, in one spelling; nil when the document takes none. Any other query is refused (400):
    /// an ignored `?v=1`, `?v=2`, … would cost a whole build and a cache entry each, for anyone.
    func document(
        for request: Request, canonicalQuery: String? = nil, revision: Int64, contentType: String,
        build: () async throws -> (Data, HTTPFields)
    ) async throws -> Document {
        let target = request.head.path ?? ""
        let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
        if canonicalQuery == nil, let parameter = request.uri.queryParameters.first?.key {
            throw DirectoryError.invalidInput("\(path) takes no query parameters (got \(parameter.prefix(40)))")
        }
        let key = canonicalQuery.flatMap { $0.isEmpty ? nil : "\(path)?\($0)" } ?? path
        return try await cache.value(for: key, at: revision) {
            let (bytes, headers) = try await build()
            let digest = Base64URL.encode(SHA256.hash(data: bytes))
            return Document(body: ByteBuffer(bytes: bytes), etag: "\"\(digest)\"", contentType: contentType, headers: headers)
        }
    }
}

/// Conditional GET (RFC 9110 §13.1.2): `If-None-Match` uses the weak comparison, and `*` matches.
enum ConditionalResponse {
    /// Status, headers and whether to send the body: the one decision both serving paths use.
    static func decide(_ document: DocumentCache.Document, ifNoneMatch: String?, maxAge: Int) -> (HTTPResponse.Status, HTTPFields, Bool) {
        var headers = document.headers
        headers[.eTag] = document.etag
        headers[.cacheControl] = "public, max-age=\(maxAge)"
        headers[.vary] = "Accept-Encoding"
        if let ifNoneMatch, matches(ifNoneMatch, etag: document.etag) {
            return (.notModified, headers, false)
        }
        headers[.contentType] = document.contentType
        return (.ok, headers, true)
    }

    /// What the fast paths send: the router's status and headers plus the framing and server headers
    /// the HTTP stack adds to a routed response.
    static func served(
        _ document: DocumentCache.Document, isHead: Bool, ifNoneMatch: String?, maxAge: Int
    ) -> (status: HTTPResponse.Status, headers: HTTPFields, sendsBody: Bool) {
        var (status, headers, withBody) = decide(document, ifNoneMatch: ifNoneMatch, maxAge: maxAge)
        headers[.contentLength] = withBody || isHead ? String(document.body.readableBytes) : nil
        headers[.date] = HTTPDate.now()
        headers[.server] = RegistrarApplication.serverName
        return (status, headers, withBody && !isHead)
    }

    static func make(_ document: DocumentCache.Document, for request: Request, maxAge: Int) -> Response {
        let (status, headers, withBody) = decide(document, ifNoneMatch: request.headers[.ifNoneMatch], maxAge: maxAge)
        return Response(status: status, headers: headers, body: withBody ? .init(byteBuffer: document.body) : .init())
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
