import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys

/// `GET /audit-events`: the query parameters an operator narrows the trail with, the page, and the
/// `Link` to the next page when the page is full (there may be more).
///
/// `after`/`before` (event ids, cursors), `order` (`oldest`, the default, or `newest`), `subject-type`,
/// `subject`, `organisation` (the organisation and everything it and its software own), `actor`, `action` (exact, or a kind ending in a dot: `organisation.`), `since`/`until`
/// (RFC 3339), `limit` (1–1000, default 100). Any other parameter is refused.
struct AuditListing {
    static let names: Set<Substring> = [
        "after", "before", "order", "subject-type", "subject", "organisation", "actor", "action", "since", "until", "limit",
    ]
    var query = AuditQuery()
    /// Resolved by the route into `query.subjectIDs` (it needs the store).
    var organisation: String?

    init(_ parameters: Parameters) throws {
        try ListingQuery.requireOnly(Self.names, in: parameters, taker: "the audit trail")
        query.after = try Self.cursor(parameters.get("after"), "after")
        query.before = try Self.cursor(parameters.get("before"), "before")
        switch parameters.get("order") {
        case nil, "oldest": query.newestFirst = false
        case "newest": query.newestFirst = true
        case let other?: throw DirectoryError.invalidInput("order must be oldest or newest, not \(other.prefix(40))")
        }
        query.subjectType = try Self.text(parameters.get("subject-type"), "subject-type")
        query.subjectID = try Self.text(parameters.get("subject"), "subject")
        organisation = try Self.text(parameters.get("organisation"), "organisation")
        query.actor = try Self.text(parameters.get("actor"), "actor")
        query.action = try Self.text(parameters.get("action"), "action")
        query.since = try Self.date(parameters.get("since"), "since")
        query.until = try Self.date(parameters.get("until"), "until")
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...AuditQuery.maximumLimit).contains(value) else {
                throw DirectoryError.invalidInput("limit must be from 1 to \(AuditQuery.maximumLimit)")
            }
            query.limit = value
        }
    }

    private static func cursor(_ text: String?, _ name: String) throws -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text), value >= 0 else { throw DirectoryError.invalidInput("\(name) must be a whole number") }
        return value
    }

    private static func text(_ value: String?, _ name: String) throws -> String? {
        guard let value else { return nil }
        try InputRules.requireText(value, field: name, maximum: 256)
        return value
    }

    private static func date(_ text: String?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw DirectoryError.invalidInput("\(name) must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z")
        }
        return date
    }

    /// The next page continues from the last event shown, in the same order, with the same filters.
    func nextLink(after page: [AuditEvent], url: String) -> HTTPFields {
        var headers = HTTPFields()
        guard page.count == query.boundedLimit, let last = page.last else { return headers }
        var parts = [query.newestFirst ? "before=\(last.id)" : "after=\(last.id)"]
        if query.newestFirst { parts.append("order=newest") }
        if let after = query.after, query.newestFirst { parts.append("after=\(after)") }
        if let before = query.before, !query.newestFirst { parts.append("before=\(before)") }
        for (name, value) in [
            ("subject-type", query.subjectType), ("subject", query.subjectID), ("organisation", organisation), ("actor", query.actor),
            ("action", query.action),
            ("since", query.since.map(Timestamp.format)), ("until", query.until.map(Timestamp.format)),
        ] {
            if let value { parts.append("\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
        }
        parts.append("limit=\(query.boundedLimit)")
        headers[HTTPField.Name("Link")!] = "<\(url)?\(parts.joined(separator: "&"))>; rel=\"next\""
        return headers
    }
}
