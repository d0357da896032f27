import Directory
import Foundation

/// The public participant browser: the participants document (`/participants`) as pages a person
/// reads. It shows exactly what that document publishes, nothing more (no contacts, no software).
enum ParticipantPages {
    /// One page of the participants a search found, in name order, with the search form and the way to
    /// the other pages. Works without a script: the form is a GET to this page.
    static func list(_ page: ParticipantSearch.Page, query: ParticipantBrowserQuery, inDirectory count: Int, directory: String) -> Data {
        var body = HTMLDocument()
        body.tag("<h1>Participants</h1><form method=\"get\" action=\"/console\" role=\"search\"><p><label>Search participants ")
        body.tag("<input type=\"search\" name=\"q\" maxlength=\"100\" value=\"")
        body.text(query.text)
        body.tag("\"></label> <button type=\"submit\">Search</button></p></form><p class=\"muted\">")
        let organisations = { (n: Int) in "\(n) organisation\(n == 1 ? "" : "s")" }
        body.text(
            query.text.isEmpty
                ? "\(organisations(count)) in the directory at \(directory). Machine-readable: "
                : "\(organisations(page.total)) of \(count) match. Machine-readable, all of them: ")
        body.link(path: ["participants"], "/participants")
        body.tag("</p>")
        body.table(
            headings: ["Organisation", "Country", "Status", "Roles", "Authorisation servers"],
            rows: page.entries.map {
                [
                    $0.OrganisationName, $0.CountryOfRegistration, $0.Status, roles(of: $0),
                    $0.AuthorisationServers.map(\.CustomerFriendlyName).joined(separator: ", "),
                ]
            },
            empty: query.text.isEmpty ? "No participants yet." : "No participant matches.",
            linking: { index in ["console", "participants", page.entries[index].OrganisationId] })
        pages(page, query: query, into: &body)
        return ConsolePage.render(title: "Participants · \(directory)", body: body)
    }

    private static func pages(_ page: ParticipantSearch.Page, query: ParticipantBrowserQuery, into body: inout HTMLDocument) {
        guard page.pageCount > 1 else { return }
        body.tag("<nav aria-label=\"Pages\"><p>")
        if page.number > 1 {
            body.link(path: ["console"], query: query.canonical(page: page.number - 1), "← Previous")
            body.tag(" · ")
        }
        body.text("Page \(page.number) of \(page.pageCount)")
        if page.number < page.pageCount {
            body.tag(" · ")
            body.link(path: ["console"], query: query.canonical(page: page.number + 1), "Next →")
        }
        body.tag("</p></nav>")
    }

    static func detail(_ participant: ParticipantEntry, directory: String) -> Data {
        var body = HTMLDocument()
        body.tag("<p>")
        body.link(path: ["console"], "← All participants")
        body.tag("</p><h1>")
        body.text(participant.OrganisationName)
        body.tag("</h1><table><tbody>")
        row("Organisation id", participant.OrganisationId, into: &body)
        row("Legal entity", participant.LegalEntityName, into: &body)
        row("Registration number", participant.RegistrationNumber ?? "—", into: &body)
        row("Country", participant.CountryOfRegistration, into: &body)
        row("Status", participant.Status, into: &body)
        row("Last updated", participant.LastUpdated, into: &body)
        body.tag("<tr><th>Keys</th><td>")
        body.link(path: ["organisations", participant.OrganisationId, "jwks"], "JWKS")
        body.tag(" · ")
        body.link(path: ["organisations", participant.OrganisationId, "jwks", "revoked"], "revoked keys")
        body.tag(" · ")
        body.link(path: ["participants", participant.OrganisationId], "JSON")
        body.tag("</td></tr></tbody></table>")

        body.tag("<h2>Roles</h2>")
        body.table(
            headings: ["Authority", "Registration", "Role", "Status"],
            rows: participant.OrgDomainRoleClaims.map { [$0.AuthorityName, $0.RegistrationId, $0.Role, $0.Status] }, empty: "None granted.")

        body.tag("<h2>Authorisation servers</h2>")
        if participant.AuthorisationServers.isEmpty { body.tag("<p class=\"muted\">None registered.</p>") }
        for server in participant.AuthorisationServers { describe(server, into: &body) }
        return ConsolePage.render(title: "\(participant.OrganisationName) · \(directory)", body: body)
    }

    private static func describe(_ server: ParticipantEntry.Server, into body: inout HTMLDocument) {
        body.tag("<h3>")
        body.text(server.CustomerFriendlyName)
        body.tag("</h3>")
        if let description = server.CustomerFriendlyDescription {
            body.tag("<p>")
            body.text(description)
            body.tag("</p>")
        }
        body.tag("<table><tbody>")
        row("Issuer", server.Issuer, into: &body)
        body.tag("<tr><th>Discovery</th><td>")
        body.link(server.OpenIDDiscoveryDocument, server.OpenIDDiscoveryDocument)
        body.tag("</td></tr>")
        for (label, uri) in [("Developer portal", server.DeveloperPortalUri), ("Terms of service", server.TermsOfServiceUri)] {
            guard let uri else { continue }
            body.tag("<tr><th>")
            body.text(label)
            body.tag("</th><td>")
            body.link(uri, uri)
            body.tag("</td></tr>")
        }
        row("Dynamic client registration", server.SupportsDynamicClientRegistration ? "supported" : "not supported", into: &body)
        row("CIBA", server.SupportsCiba ? "supported" : "not supported", into: &body)
        body.tag("</tbody></table>")
        guard !server.ApiResources.isEmpty else { return }
        body.tag("<table><thead><tr><th>API family</th><th>Version</th><th>Certification</th><th>Endpoints</th></tr></thead><tbody>")
        for resource in server.ApiResources {
            body.tag("<tr><td>")
            body.text(resource.ApiFamilyType)
            body.tag("</td><td>")
            body.text(resource.ApiVersion)
            body.tag("</td><td>")
            body.text(resource.CertificationStatus)
            body.tag("</td><td>")
            for endpoint in resource.ApiDiscoveryEndpoints {
                body.link(endpoint.ApiEndpoint, endpoint.ApiEndpoint)
                body.tag("<br>")
            }
            body.tag("</td></tr>")
        }
        body.tag("</tbody></table>")
    }

    /// "FCA: ASPSP, AISP" for each authority, in the order the claims come.
    static func roles(of participant: ParticipantEntry) -> String {
        var authorities: [String] = []
        var roles: [String: [String]] = [:]
        for claim in participant.OrgDomainRoleClaims where claim.Status == RoleStatus.active.rawValue {
            if roles[claim.AuthorityName] == nil { authorities.append(claim.AuthorityName) }
            roles[claim.AuthorityName, default: []].append(claim.Role)
        }
        return authorities.map { "\($0): \(roles[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
    }

    private static func row(_ label: String, _ value: String, into body: inout HTMLDocument) {
        body.tag("<tr><th>")
        body.text(label)
        body.tag("</th><td>")
        body.text(value)
        body.tag("</td></tr>")
    }
}
