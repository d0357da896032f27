import Directory
import Foundation
import HTTPTypes
import Hummingbird

/// The one way every list is paged: `limit` (1–1000) and `after`, a cursor. Items come in id order (ids
/// of organisations, software, servers, tokens and anchors grow with creation time); a page holds at
/// most `limit` items whose ids follow `after`, and when more follow, an RFC 8288
/// `Link: <…?after=LAST&limit=N>; rel="next"` names the next page. A cursor stays good when items are
/// added or removed meanwhile. The audit trail and the clients feed page the same way, their cursors
/// being event numbers (`AuditListing`, `ClientRoutes`).
struct ListPage: Sendable {
    static let names: Set<Substring> = ["after", "limit"]
    static let maximumLimit = 1000
    /// Lists of records answer this many without `limit`; public documents answer whole without it.
    static let defaultLimit = 100

    var after: String?
    var limit: Int?

    init(_ parameters: Parameters) throws {
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                throw DirectoryError.invalidInput("limit must be a whole number from 1 to \(Self.maximumLimit)")
            }
            limit = value
        }
        if let text = parameters.get("after") {
            try InputRules.requireText(text, field: "after", maximum: 256)
            after = text
        }
    }

    var isPaged: Bool { after != nil || limit != nil }

    /// The page of `all` (in id order), and the cursor of the next page when more follow.
    func page<T>(of all: [T], id: (T) -> String, limit defaultLimit: Int = Self.defaultLimit) -> (items: ArraySlice<T>, next: String?) {
        let start = after.map { after in all.partitioningIndex { id($0) > after } } ?? all.startIndex
        let end = min(start + (limit ?? defaultLimit), all.endIndex)
        return (all[start..<end], end < all.endIndex ? id(all[end - 1]) : nil)
    }

    /// `Link: <url?after=NEXT&limit=N&…>; rel="next"`, with the other parameters (`also`) as given.
    func nextLink(_ next: String?, url: String, also: [String] = [], limit defaultLimit: Int = Self.defaultLimit) -> HTTPFields {
        var headers = HTTPFields()
        guard let next else { return headers }
        let query = ["after=\(ListPage.encoded(next))", "limit=\(limit ?? defaultLimit)"] + also
        headers[HTTPField.Name("Link")!] = "<\(url)?\(query.joined(separator: "&"))>; rel=\"next\""
        return headers
    }

    /// RFC 3986 unreserved characters stay as they are (a UUID cursor reads as itself); all else is escaped.
    static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A list of records answered a page at a time: at most `limit` (100 by default) in id order, and
    /// the link to the next page.
    static func response<T: Encodable>(_ items: [T], id: (T) -> String, for request: Request, runtime: DirectoryRuntime) throws
        -> Response
    {
        let parameters = request.uri.queryParameters
        try ListingQuery.requireOnly(names, in: parameters, taker: "this list")
        let page = try ListPage(parameters)
        let (shown, next) = page.page(of: items.sorted { id($0) < id($1) }, id: id)
        return try HTTPExchange.json(
            Array(shown), headers: page.nextLink(next, url: runtime.configuration.keystore.baseURL + request.uri.path))
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, in an array where those that do all follow
    /// those that do not (binary search).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var (low, high) = (startIndex, endIndex)
        while low < high {
            let middle = low + (high - low) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// The public documents' query: `after`/`limit` (`ListPage`) and `updated-since`. Without `after` or
/// `limit` the whole document is returned (relying parties read it whole, as the Brasil participants
/// document is read); with them, one page, `Link` and `X-Total-Count`.
struct ListingQuery: Sendable {
    var page: ListPage
    var updatedSince: Date?

    static let parameterNames: Set<Substring> = ListPage.names.union(["updated-since"])

    init(_ parameters: Parameters) throws {
        try Self.requireOnly(Self.parameterNames, in: parameters, taker: "this list")
        page = try ListPage(parameters)
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
        if let after = page.after { parts.append("after=\(ListPage.encoded(after))") }
        if let limit = page.limit { parts.append("limit=\(limit)") }
        parts += updatedSinceQuery
        return parts.joined(separator: "&")
    }

    private var updatedSinceQuery: [String] { updatedSince.map { ["updated-since=\(ListPage.encoded(Timestamp.format($0)))"] } ?? [] }

    /// The page of `all` and its headers (`Link` to the next page, `X-Total-Count` of the whole list), or
    /// everything without a page asked for.
    func answer<T>(_ all: [T], id: (T) -> String, url: String) -> (items: [T], headers: HTTPFields) {
        guard page.isPaged else { return (all, [:]) }
        let (items, next) = page.page(of: all, id: id)
        var headers = page.nextLink(next, url: url, also: updatedSinceQuery)
        headers[HTTPField.Name("X-Total-Count")!] = String(all.count)
        return (Array(items), headers)
    }
}

/// The participant browser's query: `q`, words every shown participant's name, id, roles or servers
/// hold (at most 100 characters), and `page` (from 1). Anything else is refused, so that the cached
/// pages are one per question asked.
struct ParticipantBrowserQuery: Sendable {
    static let pageSize = 50
    static let maximumPage = 100_000

    var text = ""
    var page = 1

    init(_ parameters: Parameters) throws {
        for (name, _) in parameters where name != "q" && name != "page" {
            throw DirectoryError.invalidInput("/console takes q and page only (got \(name.prefix(40)))")
        }
        if let text = parameters.get("q") {
            guard text.count <= 100, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw DirectoryError.invalidInput("q is at most 100 characters of text")
            }
            self.text = text.trimmingCharacters(in: .whitespaces)
        }
        if let text = parameters.get("page") {
            guard let value = Int(text), (1...Self.maximumPage).contains(value) else {
                throw DirectoryError.invalidInput("page must be a whole number from 1 to \(Self.maximumPage)")
            }
            page = value
        }
    }

    /// The query in one spelling: the cache key, and the links to other pages.
    func canonical(page number: Int? = nil) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        var parts: [String] = []
        if !text.isEmpty { parts.append("q=\(text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")") }
        if (number ?? page) > 1 { parts.append("page=\(number ?? page)") }
        return parts.joined(separator: "&")
    }
}
