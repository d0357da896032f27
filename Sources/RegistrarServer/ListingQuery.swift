import Directory
import Foundation
import HTTPTypes
import Hummingbird

/// `page`, `page-size` and `updated-since` on long lists. Without `page`/`page-size` the whole list is
/// returned (what the Brasil participants document does); with them, one page plus RFC 8288 `Link`
/// headers and `X-Total-Count`.
struct ListingQuery: Sendable {
    static let maximumPageSize = 1000
    static let defaultPageSize = 100

    var page: Int?
    var pageSize: Int?
    var updatedSince: Date?

    static let parameterNames: Set<Substring> = ["page", "page-size", "updated-since"]

    init(_ parameters: Parameters) throws {
        try Self.requireOnly(Self.parameterNames, in: parameters, taker: "this list")
        if let text = parameters.get("page") {
            guard let value = Int(text), value >= 1, value <= 1_000_000 else {
                throw DirectoryError.invalidInput("page must be a whole number from 1")
            }
            page = value
        }
        if let text = parameters.get("page-size") {
            guard let value = Int(text), (1...Self.maximumPageSize).contains(value) else {
                throw DirectoryError.invalidInput("page-size must be a whole number from 1 to \(Self.maximumPageSize)")
            }
            pageSize = value
        }
        if let text = parameters.get("updated-since") {
            guard let date = Timestamp.parse(text) else {
                throw DirectoryError.invalidInput("updated-since must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z")
            }
            updatedSince = date
        }
    }

    /// Refuses parameters not among `names` and parameters given twice: a request that carries one reads
    /// the same as another but would be cached apart (or silently mean something else).
    static func requireOnly(_ names: Set<Substring>, in parameters: Parameters, taker: String) throws {
        var seen = Set<Substring>()
        for (name, _) in parameters {
            guard names.contains(name) else {
                throw DirectoryError.invalidInput(
                    "unknown query parameter \(name.prefix(40)); \(taker) takes \(names.sorted().joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else { throw DirectoryError.invalidInput("query parameter \(name) is given twice") }
        }
    }

    /// The audit trail's `after` cursor: the id of the last event already seen, 0 (the default) for
    /// the start.
    static func auditCursor(_ parameters: Parameters) throws -> Int64 {
        guard let text = parameters.get("after") else { return 0 }
        guard let value = Int64(text), value >= 0 else { throw DirectoryError.invalidInput("after must be a whole number") }
        return value
    }

    /// The query in one spelling (fixed order, canonical numbers and date), the cache key's query part;
    /// the `Link` headers use the same spelling, so following them hits the cache and the fast paths.
    var canonicalQuery: String {
        var parts: [String] = []
        if let page { parts.append("page=\(page)") }
        if let pageSize { parts.append("page-size=\(pageSize)") }
        if let updatedSince { parts.append("updated-since=\(Self.encoded(updatedSince))") }
        return parts.joined(separator: "&")
    }

    static func encoded(_ date: Date) -> String {
        Timestamp.format(date).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    var isPaged: Bool { page != nil || pageSize != nil }
    var effectivePage: Int { page ?? 1 }
    var effectivePageSize: Int { pageSize ?? Self.defaultPageSize }

    func page<T>(of all: [T]) -> [T] {
        guard isPaged else { return all }
        let start = (effectivePage - 1) * effectivePageSize
        guard start < all.count else { return [] }
        return Array(all[start..<min(start + effectivePageSize, all.count)])
    }

    func headers(total: Int, url: String) -> HTTPFields {
        var headers = HTTPFields()
        guard isPaged else { return headers }
        headers[HTTPField.Name("X-Total-Count")!] = String(total)
        let lastPage = max(1, (total + effectivePageSize - 1) / effectivePageSize)
        func link(_ page: Int, _ relation: String) -> String {
            var query = "page=\(page)&page-size=\(effectivePageSize)"
            if let updatedSince { query += "&updated-since=\(ListingQuery.encoded(updatedSince))" }
            return "<\(url)?\(query)>; rel=\"\(relation)\""
        }
        var links = [link(1, "first"), link(lastPage, "last")]
        if effectivePage > 1 { links.append(link(min(effectivePage - 1, lastPage), "prev")) }
        if effectivePage < lastPage { links.append(link(effectivePage + 1, "next")) }
        headers[HTTPField.Name("Link")!] = links.joined(separator: ", ")
        return headers
    }
}
