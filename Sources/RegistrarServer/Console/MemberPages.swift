import Directory
import Foundation

/// An organisation's own pages for its signed-in members: what the organisation is and has, and, for
/// those who manage its people, its members, invitations and API tokens.
enum MemberPages {
    /// A person's start page: the organisations they belong to.
    /// One of a person's organisations on their home page, with what needs their attention there.
    struct Membership {
        var organisation: Organisation
        var expiringCertificates: Int
        /// Invitations not yet accepted (for those who manage people; nil for others).
        var waitingInvitations: Int?
    }

    static func home(person: Person, memberships: [Membership], directory: String) -> Data {
        var body = HTMLDocument()
        signedInBar(person.email, into: &body)
        body.tag("<h1>Your organisations</h1>")
        body.table(
            headings: ["Organisation", "Your role", "Status", "Needs attention"],
            rows: memberships.map {
                [
                    $0.organisation.legalName, person.role(in: $0.organisation.id)?.rawValue ?? "", $0.organisation.status.rawValue,
                    attention($0),
                ]
            },
            empty: "You are not a member of any organisation yet."
        ) { index, cell in
            cell.link(path: ["console", "organisations", memberships[index].organisation.id], "Open")
        }
        return ConsolePage.render(title: "Home · \(directory)", body: body)
    }

    private static func attention(_ membership: Membership) -> String {
        var notes: [String] = []
        if membership.organisation.status == .pending { notes.append("its application to complete and be approved") }
        if membership.expiringCertificates > 0 {
            notes.append(
                "\(membership.expiringCertificates) certificate\(membership.expiringCertificates == 1 ? "" : "s") expiring within 30 days")
        }
        if let waiting = membership.waitingInvitations, waiting > 0 {
            notes.append("\(waiting) invitation\(waiting == 1 ? "" : "s") not yet accepted")
        }
        return notes.isEmpty ? "—" : notes.joined(separator: "; ")
    }

    struct OrganisationView {
        var organisation: Organisation
        var software: [SoftwareStatement]
        /// Its certificates that expire within 30 days.
        var expiring: [AttentionPanels.Expiring]
        var members: [Person]
        var invitations: [Invitation]
        var tokens: [APIToken]
        var servers: [AuthorisationServer]
        /// Roles new software may claim: the organisation's authorised ones, or the ecosystem's.
        var claimableRoles: [String]
        /// Roles a competent authority grants in this ecosystem (nil: it names none, as in the CDR).
        var authorityRoles: [String]?
        /// Whether the viewer may invite and remove members and manage tokens.
        var managesPeople: Bool
        /// Whether the viewer may add software and authorisation servers.
        var managesOrganisation: Bool
        /// Whether the viewer may change the organisation's data now (`StatusLifecycle.checkEditable`).
        var editsDetails: Bool
    }

    static func organisation(_ view: OrganisationView, signedInAs: String, directory: String, problem: String? = nil) -> Data {
        let organisation = view.organisation
        let base = ["console", "organisations", organisation.id]
        var body = HTMLDocument()
        signedInBar(signedInAs, into: &body)
        body.tag("<h1>")
        body.text(organisation.legalName)
        body.tag("</h1><p>")
        body.text("Status \(organisation.status.rawValue) · country \(organisation.country) · id \(organisation.id)")
        body.tag("</p>")
        body.alert(problem)
        AttentionPanels.organisation(expiring: view.expiring, into: &body)
        OrganisationDetailsPages.section(organisation, editable: view.editsDetails, authorityRoles: view.authorityRoles, into: &body)

        body.tag("<h2 id=\"software\">Software statements</h2>")
        body.table(
            headings: ["Client name", "Status", "Roles", "Id"],
            rows: view.software.map { [$0.clientName, $0.status.rawValue, $0.roles.joined(separator: ", "), $0.id] },
            empty: "None yet."
        ) { index, cell in
            cell.link(path: SoftwareConsoleRoutes.pagePath(of: view.software[index]), "Open")
        }
        if view.managesOrganisation, organisation.status == .active {
            body.tag("<details><summary>New software statement</summary>")
            body.form(posting: base + ["software"])
            SoftwarePages.detailFields(NewSoftwareStatement(clientName: ""), claimableRoles: view.claimableRoles, into: &body)
            body.tag("<p><button type=\"submit\">Create the software statement</button></p></form></details>")
        }
        ServerPages.section(
            view.servers, of: organisation, editable: view.managesOrganisation && organisation.status == .active, into: &body)

        body.tag("<h2 id=\"members\">Members</h2>")
        body.table(
            headings: ["E-mail", "Name", "Role", "Status"],
            rows: view.members.map { [$0.email, $0.name, $0.role(in: organisation.id)?.rawValue ?? "", $0.status.rawValue] },
            empty: "No members yet.",
            trailing: view.managesPeople
                ? { index, cell in
                    cell.form(posting: base + ["members", view.members[index].id, "remove"])
                    cell.tag("<button type=\"submit\">Remove</button></form>")
                } : nil)
        guard view.managesPeople else { return ConsolePage.render(title: "\(organisation.legalName) · \(directory)", body: body) }

        body.tag("<h3>Invitations waiting</h3>")
        body.table(
            headings: ["E-mail", "Role", "Expires"],
            rows: view.invitations.map { [$0.email, $0.membership?.role.rawValue ?? "", Timestamp.format($0.expiresAt)] },
            empty: "None."
        ) { index, cell in
            cell.form(posting: ["console", "invitations", view.invitations[index].id, "withdraw"])
            cell.tag("<button type=\"submit\">Withdraw</button></form>")
        }
        body.tag("<h3>Invite a colleague</h3>")
        body.form(posting: base + ["invitations"])
        body.field("E-mail", name: "email", type: "email", attributes: "required maxlength=\"254\"")
        roleChoice(into: &body)
        body.tag("<p><button type=\"submit\">Invite</button></p></form>")

        body.tag("<h2 id=\"tokens\">API tokens</h2><p class=\"muted\">For your automation: they act for this organisation ")
        body.tag("(software, keys, SSAs), never for people or tokens.</p>")
        body.table(
            headings: ["Label", "Created", "Id"],
            rows: view.tokens.map { [$0.label, Timestamp.format($0.createdAt), String($0.id.prefix(12))] }, empty: "None."
        ) { index, cell in
            cell.form(posting: base + ["tokens", view.tokens[index].id, "revoke"])
            cell.tag("<button type=\"submit\">Revoke</button></form>")
        }
        body.form(posting: base + ["tokens"])
        body.field("Label", name: "label", attributes: "required maxlength=\"128\"")
        body.tag("<p><button type=\"submit\">Create token</button></p></form>")
        return ConsolePage.render(title: "\(organisation.legalName) · \(directory)", body: body)
    }

    static func roleChoice(into body: inout HTMLDocument) {
        body.choice("Role", name: "role", options: OrganisationRole.allCases.map(\.rawValue))
    }

    static func signedInBar(_ name: String, into body: inout HTMLDocument) {
        body.tag("<form method=\"post\" action=\"/console/sign-out\"><p class=\"muted\">Signed in as ")
        body.text(name)
        body.tag(" <button type=\"submit\">Sign out</button> · ")
        body.link(path: ["console", "home"], "Home")
        body.tag(" · ")
        body.link(path: ["console"], "Participants")
        body.tag("</p></form>")
    }
}
