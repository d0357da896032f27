import Crypto
import Foundation
import HTTPTypes
import Keys

/// An HTML page written by appending: constant markup goes in as it is, everything that comes from data
/// goes through `text` or `link`, which escape it. There is no way to add data unescaped, so a
/// participant named `<script>` is shown, never run.
struct HTMLDocument {
    private(set) var markup = ""

    /// Constant markup from this module's source, never data.
    mutating func tag(_ constant: StaticString) { markup += constant.description }

    /// Text content or an attribute value, escaped for both (HTML Living Standard §13.1.2.6 and §13.2.5.36).
    mutating func text(_ value: String) { markup += Self.escape(value) }

    /// A link whose target comes from data: `http(s)` targets only, so that a stored `javascript:` or
    /// `data:` URI is shown as text instead of becoming something a click runs.
    mutating func link(_ target: String, _ label: String) {
        guard Self.isWebAddress(target) else { return text(label) }
        markup += "<a href=\"\(Self.escape(target))\">\(Self.escape(label))</a>"
    }

    /// A link to one of this server's own pages or documents, built from path segments it escapes, and
    /// a query this module writes (any data in it percent-encoded); an empty query is none.
    mutating func link(path segments: [String], query: String? = nil, _ label: String) {
        let target = Self.path(segments) + (query.flatMap { $0.isEmpty ? nil : "?\($0)" } ?? "")
        markup += "<a href=\"\(Self.escape(target))\">\(Self.escape(label))</a>"
    }

    /// Opens a form that posts to one of this server's paths (closed with `tag("</form>")`).
    mutating func form(posting segments: [String]) {
        markup += "<form method=\"post\" action=\"\(Self.escape(Self.path(segments)))\">"
    }

    /// A labelled input on a line of its own: the label wraps the field, so every field has one and a
    /// click on the words focuses it. `value` (data) is escaped.
    mutating func field(
        _ label: StaticString, name: StaticString, type: StaticString = "text", attributes: StaticString = "", value: String? = nil
    ) {
        tag("<p><label>")
        tag(label)
        tag("<br><input type=\"")
        tag(type)
        tag("\" name=\"")
        tag(name)
        tag("\" ")
        tag(attributes)
        if let value {
            tag(" value=\"")
            text(value)
            tag("\"")
        }
        tag("></label></p>")
    }

    /// A labelled choice among `options` (shown and sent as they are, escaped), `selected` chosen.
    mutating func choice(_ label: StaticString, name: StaticString, options: [String], selected: String? = nil) {
        tag("<p><label>")
        tag(label)
        tag("<br><select name=\"")
        tag(name)
        tag("\">")
        for option in options {
            tag(option == selected ? "<option selected>" : "<option>")
            text(option)
            tag("</option>")
        }
        tag("</select></label></p>")
    }

    /// A labelled multi-line field (PEM, JWK, one URI per line); `value` (data) is escaped.
    mutating func textArea(_ label: StaticString, name: StaticString, attributes: StaticString = "", value: String = "") {
        tag("<p><label>")
        tag(label)
        tag("<br><textarea name=\"")
        tag(name)
        tag("\" rows=\"6\" cols=\"72\" ")
        tag(attributes)
        tag(">")
        text(value)
        tag("</textarea></label></p>")
    }

    /// A group of checkboxes sharing `name`, one per option, those in `checked` ticked; the group's
    /// legend names it for screen readers.
    mutating func checkboxes(_ legend: StaticString, name: StaticString, options: [String], checked: Set<String> = []) {
        tag("<fieldset><legend>")
        tag(legend)
        tag("</legend>")
        for option in options {
            tag("<label><input type=\"checkbox\" name=\"")
            tag(name)
            tag("\" value=\"")
            text(option)
            tag(checked.contains(option) ? "\" checked> " : "\"> ")
            text(option)
            tag("</label> ")
        }
        tag("</fieldset>")
    }

    /// Terms and their descriptions (a record's details), all data escaped; empty descriptions are left out.
    mutating func details(_ pairs: [(String, String)]) {
        tag("<dl>")
        for (term, description) in pairs where !description.isEmpty {
            tag("<dt>")
            text(term)
            tag("</dt><dd>")
            text(description)
            tag("</dd>")
        }
        tag("</dl>")
    }

    /// A hidden form field carrying data back to the server.
    mutating func hidden(name: StaticString, value: String) {
        tag("<input type=\"hidden\" name=\"")
        tag(name)
        tag("\" value=\"")
        text(value)
        tag("\">")
    }

    /// A message about the page's form, read out by screen readers when the page loads.
    mutating func alert(_ message: String?) {
        guard let message else { return }
        tag("<p class=\"status\" role=\"alert\">")
        text(message)
        tag("</p>")
    }

    /// An absolute path from segments, each percent-encoded so that data cannot add a segment or a query.
    static func path(_ segments: [String]) -> String {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
        return "/" + segments.map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }.joined(separator: "/")
    }

    /// A table of text cells with a heading row, or the `empty` sentence when there are no rows;
    /// `linking` makes row `n`'s first cell a link to that path, and `trailing` writes one more cell's
    /// content for row `n` (a form, say).
    mutating func table(
        headings: [String], rows: [[String]], empty: String, trailing: ((Int, inout HTMLDocument) -> Void)? = nil,
        linking: ((Int) -> [String])? = nil
    ) {
        guard !rows.isEmpty else {
            tag("<p class=\"muted\">")
            text(empty)
            return tag("</p>")
        }
        tag("<table><thead><tr>")
        for heading in headings {
            tag("<th>")
            text(heading)
            tag("</th>")
        }
        if trailing != nil { tag("<th></th>") }
        tag("</tr></thead><tbody>")
        for (index, row) in rows.enumerated() {
            tag("<tr>")
            for (column, cell) in row.enumerated() {
                tag("<td>")
                // The first cell links to the row's own page when `linking` names one.
                if column == 0, let linking { link(path: linking(index), cell) } else { text(cell) }
                tag("</td>")
            }
            if let trailing {
                tag("<td>")
                trailing(index, &self)
                tag("</td>")
            }
            tag("</tr>")
        }
        tag("</tbody></table>")
    }

    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    static func isWebAddress(_ target: String) -> Bool {
        guard let components = URLComponents(string: target), let scheme = components.scheme?.lowercased(), components.host != nil else {
            return false
        }
        return scheme == "https" || scheme == "http"
    }
}

/// The frame every console page shares, and the headers that lock it down: no script at all, no
/// resource from anywhere, the one style sheet allowed by its hash, forms only to this server, no
/// framing, no referrer.
enum ConsolePage {
    static let styleSheet: StaticString = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1b1f24}
        h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
        table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
        th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
        th{background:#f6f8fa}a{color:#0b5cad}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}
        pre{background:#f6f8fa;padding:.6rem;white-space:pre-wrap;overflow-wrap:anywhere}fieldset{border:1px solid #d0d7de;margin:.5rem 0}
        .status{font-weight:600}.muted{color:#57606a}
        """

    /// `Content-Security-Policy` (W3C CSP Level 3): everything denied except the inline style sheet,
    /// allowed by its SHA-256 so that no other inline style can apply.
    static let headers: HTTPFields = {
        let digest = Data(SHA256.hash(data: Data(styleSheet.description.utf8))).base64EncodedString()
        var fields = HTTPFields()
        fields[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'sha256-\(digest)'; img-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return fields
    }()

    static let contentType = "text/html; charset=utf-8"

    /// A whole page: `title` escaped, `body` already built from escaped parts.
    static func render(title: String, body: HTMLDocument) -> Data {
        var page = HTMLDocument()
        page.tag("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        page.tag("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        page.text(title)
        page.tag("</title><style>")
        page.tag(styleSheet)
        page.tag("</style></head><body>")
        return Data((page.markup + body.markup + "</body></html>\n").utf8)
    }
}
