import Directory
import Foundation
import Hummingbird

/// The staff's audit trail page: newest first, narrowed by organisation (and everything it owns), by
/// person (or any actor), by kind of change and by time, fifty at a time. The same store query as
/// `GET /audit-events`.
struct ConsoleAuditQuery: Sendable {
    static let pageSize = 50
    static let names: Set<Substring> = ["organisation", "person", "kind", "since", "until", "before"]
    /// The kinds of change a person picks from: an action's first word.
    static let kinds = [
        "organisation", "software", "authorisation-server", "key", "certificate", "person", "invitation", "session", "token",
        "trust-anchor", "signing-key", "client",
    ]

    var organisation: String?
    /// An e-mail address (a person) or an actor as recorded (`operator:LABEL`, `cli:USER`, `system`).
    var person: String?
    var kind: String?
    var since: Date?
    var until: Date?
    var before: Int64?

    init(_ parameters: Parameters) throws {
        try ListingQuery.requireOnly(Self.names, in: parameters, taker: "the audit page")
        let given = { (name: String) in parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        organisation = try given("organisation").map { try Self.checked($0, "organisation") }
        person = try given("person").map { try Self.checked($0.trimmingCharacters(in: .whitespaces), "person") }
        if let kind = given("kind") {
            guard Self.kinds.contains(kind) else {
                throw DirectoryError.invalidInput("kind must be one of \(Self.kinds.joined(separator: ", "))")
            }
            self.kind = kind
        }
        since = try given("since").map { try Self.time($0, "since") }
        until = try given("until").map { try Self.time($0, "until") }
        if let text = given("before") {
            guard let value = Int64(text), value > 0 else { throw DirectoryError.invalidInput("before must be an event number") }
            before = value
        }
    }

    /// The store's query; `subjectIDs` are the organisation's records, which the route reads.
    func query(subjectIDs: [String]?) -> AuditQuery {
        var query = AuditQuery(limit: Self.pageSize)
        query.newestFirst = true
        query.before = before
        query.subjectIDs = subjectIDs
        query.actor = person.map { $0.contains(":") || $0 == "system" ? $0 : "person:\($0.lowercased())" }
        query.action = kind.map { "\($0)." }
        query.since = since
        query.until = until
        return query
    }

    /// The same filters for the next (older) page.
    func olderPage(before id: Int64) -> String {
        var parts: [String] = []
        for (name, value) in [
            ("organisation", organisation), ("person", person), ("kind", kind), ("since", since.map(Timestamp.format)),
            ("until", until.map(Timestamp.format)),
        ] {
            if let value { parts.append("\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
        }
        return (parts + ["before=\(id)"]).joined(separator: "&")
    }

    private static func checked(_ value: String, _ name: String) throws -> String {
        try InputRules.requireText(value, field: name, maximum: 256)
        return value
    }

    /// RFC 3339, or what a `datetime-local` field sends (`2026-12-08T09:30`), read as UTC.
    private static func time(_ text: String, _ name: String) throws -> Date {
        let candidate = text.count == 16 ? text + ":00Z" : text
        guard let date = Timestamp.parse(candidate) else {
            throw DirectoryError.invalidInput("\(name) must be a date and time, e.g. 2026-01-31T12:00")
        }
        return date
    }
}

enum AuditPages {
    static func page(_ events: [AuditEvent], query: ConsoleAuditQuery, organisations: [Organisation], signedInAs: String, directory: String)
        -> Data
    {
        var body = HTMLDocument()
        MemberPages.signedInBar(signedInAs, into: &body)
        body.tag("<p>")
        body.link(path: ["console", "operator"], "← Operator console")
        body.tag("</p><h1>Audit trail</h1><form method=\"get\" action=\"/console/operator/audit\"><p>")
        body.tag("<label>Organisation <select name=\"organisation\"><option value=\"\">any</option>")
        for organisation in organisations.sorted(by: { $0.legalName.lowercased() < $1.legalName.lowercased() }) {
            body.tag(organisation.id == query.organisation ? "<option selected value=\"" : "<option value=\"")
            body.text(organisation.id)
            body.tag("\">")
            body.text(organisation.legalName)
            body.tag("</option>")
        }
        body.tag("</select></label> <label>Person or actor <input name=\"person\" maxlength=\"256\" value=\"")
        body.text(query.person ?? "")
        body.tag("\"></label> <label>Kind <select name=\"kind\"><option value=\"\">any</option>")
        for kind in ConsoleAuditQuery.kinds {
            body.tag(kind == query.kind ? "<option selected>" : "<option>")
            body.text(kind)
            body.tag("</option>")
        }
        body.tag("</select></label></p><p><label>From (UTC) <input type=\"datetime-local\" name=\"since\" value=\"")
        body.text(query.since.map(localValue) ?? "")
        body.tag("\"></label> <label>Until (UTC) <input type=\"datetime-local\" name=\"until\" value=\"")
        body.text(query.until.map(localValue) ?? "")
        body.tag("\"></label> <button type=\"submit\">Show</button></p></form>")
        body.table(
            headings: ["#", "At", "Actor", "Action", "Subject"],
            rows: events.map { [String($0.id), Timestamp.format($0.at), $0.actor, $0.action, "\($0.subjectType) \($0.subjectID)"] },
            empty: "No event matches.")
        if events.count == ConsoleAuditQuery.pageSize, let last = events.last {
            body.tag("<p>")
            body.link(path: ["console", "operator", "audit"], query: query.olderPage(before: last.id), "Older events →")
            body.tag("</p>")
        }
        return ConsolePage.render(title: "Audit trail · \(directory)", body: body)
    }

    /// A date as a `datetime-local` field shows it: `2026-12-08T09:30`, in UTC.
    private static func localValue(_ date: Date) -> String { String(Timestamp.format(date).prefix(16)) }
}
