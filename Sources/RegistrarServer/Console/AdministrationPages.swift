import Directory
import Foundation

/// The directory's own administration on the operator page: its SSA signing keys (rotate, retire) and
/// every API token (revoke). Auditors see both; only those who administer get the forms.
enum AdministrationPages {
    struct View {
        var keys: [DirectorySigningKey]
        var tokens: [APIToken]
        var organisationNames: [String: String]
    }

    static func section(_ view: View, administers: Bool, into body: inout HTMLDocument) {
        body.tag("<h2 id=\"signing-keys\">Directory signing keys</h2><p class=\"muted\">The key that signs SSAs is ")
        body.tag("<em>current</em>; the <em>next</em> one is published ahead, so relying parties hold it before it signs.</p>")
        let keys = view.keys
        body.table(
            headings: ["Key id", "Algorithm", "State", "Created", "Signing since", "Retired"],
            rows: keys.map {
                [
                    $0.id, $0.algorithm.rawValue, $0.state.rawValue, Timestamp.format($0.createdAt),
                    $0.activatedAt.map(Timestamp.format) ?? "—",
                    $0.retiredAt.map(Timestamp.format) ?? "—",
                ]
            }, empty: "None: the directory cannot sign SSAs.",
            trailing: administers
                ? { index, cell in
                    guard keys[index].state == .retired else { return }
                    cell.form(posting: ["console", "operator", "signing-keys", keys[index].id, "retire"])
                    cell.tag("<button type=\"submit\">Stop publishing</button></form>")
                } : nil)
        if administers {
            body.form(posting: ["console", "operator", "signing-keys", "rotate"])
            body.tag("<p><label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> The next key signs SSAs from now; ")
            body.tag("the current one is retired (still published, so SSAs it signed still verify)</label> ")
            body.tag("<button type=\"submit\">Rotate the signing keys</button></p></form>")
        }

        body.tag("<h2 id=\"tokens\">API tokens</h2>")
        let tokens = view.tokens
        body.table(
            headings: ["Label", "Role", "Organisation", "Created", "Id"],
            rows: tokens.map {
                [
                    $0.label, $0.role.rawValue, $0.organisationID.map { view.organisationNames[$0] ?? $0 } ?? "—",
                    Timestamp.format($0.createdAt), String($0.id.prefix(12)),
                ]
            }, empty: "None.",
            trailing: administers
                ? { index, cell in
                    cell.form(posting: ["console", "operator", "tokens", tokens[index].id, "revoke"])
                    cell.tag("<button type=\"submit\">Revoke</button></form>")
                } : nil)
    }
}
