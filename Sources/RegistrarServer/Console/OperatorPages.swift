import Directory
import Foundation
import PKI

/// The directory staff's page: organisations and their statuses, people and invitations, what the
/// directory trusts, and what changed in it. Each change is a form calling the same domain methods as
/// the API and the CLI.
enum OperatorPages {
    /// Organisations and their statuses, trust anchors, then one page of the audit trail from `after`
    /// (oldest first, as the API pages it). Each change is a form that posts to `/console/operator/…`.
    struct PeopleView {
        var people: [Person]
        var invitations: [Invitation]
    }

    /// The directory at a glance: its software, and the certificates about to expire across it.
    struct Glance {
        var software: [SoftwareStatement]
        var refusals: [RecentRefusals.Refusal]
        var expiring: [AttentionPanels.Expiring]
    }

    static func overview(
        operator caller: Caller, organisations: [Organisation], glance: Glance, people: PeopleView,
        administration: AdministrationPages.View, anchors: [TrustAnchor],
        events: [AuditEvent],
        after: Int64, pageSize: Int, directory: String
    ) -> Data {
        var body = HTMLDocument()
        body.tag("<form method=\"post\" action=\"/console/sign-out\"><p class=\"muted\">Signed in as ")
        body.text(caller.auditName)
        body.tag(" <button type=\"submit\">Sign out</button> · ")
        body.link(path: ["console"], "Participants")
        body.tag("</p></form><h1>Operator console</h1>")

        applicationsSection(organisations.filter { $0.status == .pending }, caller: caller, into: &body)
        AttentionPanels.staff(
            organisations: organisations, software: glance.software, expiring: glance.expiring, refusals: glance.refusals, into: &body)

        body.tag("<h2 id=\"organisations\">Organisations</h2>")
        body.table(
            headings: ["Organisation", "Country", "Status", "Id"],
            rows: organisations.map { [$0.legalName, $0.country, $0.status.rawValue, $0.id] }, empty: "None yet."
        ) { index, cell in
            statusForm(for: organisations[index], into: &cell)
        }

        peopleSection(people, organisations: organisations, caller: caller, into: &body)

        AdministrationPages.section(administration, administers: caller.isOperator, into: &body)

        body.tag("<h2 id=\"trust-anchors\">Trust anchors</h2>")
        body.table(
            headings: ["Purpose", "Label", "Subject", "Valid until", "Source", "Id"],
            rows: anchors.map {
                [$0.purpose.rawValue, $0.label, $0.subject, Timestamp.format($0.notAfter), source(of: $0), $0.id]
            }, empty: "None: no client certificate validates."
        ) { index, cell in
            cell.form(posting: ["console", "operator", "trust-anchors", anchors[index].id, "remove"])
            cell.tag("<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> sure</label> ")
            cell.tag("<button type=\"submit\">Remove</button></form>")
        }
        addAnchorForm(into: &body)

        body.tag("<h2>Audit trail</h2><p>")
        body.link(path: ["console", "operator", "audit"], "Newest first, by organisation, person, kind and time →")
        body.tag("</p>")
        body.table(
            headings: ["#", "At", "Actor", "Action", "Subject"],
            rows: events.map { [String($0.id), Timestamp.format($0.at), $0.actor, $0.action, "\($0.subjectType) \($0.subjectID)"] },
            empty: "No events after this point.")
        body.tag("<p>")
        if after > 0 {
            body.link(path: ["console", "operator"], "From the start")
            body.tag(" · ")
        }
        if events.count == pageSize, let last = events.last {
            body.link(path: ["console", "operator"], query: "after=\(last.id)", "Later events →")
        }
        body.tag("</p>")
        return ConsolePage.render(title: "Operator console · \(directory)", body: body)
    }

    /// Everyone who signs in, the invitations waiting, and the forms that invite: an organisation's
    /// administrator (operators), or staff (staff administrators).
    private static func peopleSection(_ view: PeopleView, organisations: [Organisation], caller: Caller, into body: inout HTMLDocument) {
        let names = Dictionary(organisations.map { ($0.id, $0.legalName) }, uniquingKeysWith: { first, _ in first })
        body.tag("<h2 id=\"people\">People</h2>")
        body.table(
            headings: ["E-mail", "Name", "Staff role", "Memberships", "Status"],
            rows: view.people.map { person in
                [
                    person.email, person.name, person.staffRole?.rawValue ?? "—",
                    person.memberships.map { "\(names[$0.organisationID] ?? $0.organisationID): \($0.role.rawValue)" }.joined(
                        separator: ", "),
                    person.status.rawValue,
                ]
            }, empty: "Nobody signs in yet: invite someone below."
        ) { index, cell in
            let person = view.people[index]
            cell.form(posting: ["console", "operator", "people", person.id, "status"])
            if person.status == .active {
                cell.tag("<input type=\"hidden\" name=\"status\" value=\"Disabled\"><button type=\"submit\">Disable</button></form>")
            } else {
                cell.tag("<input type=\"hidden\" name=\"status\" value=\"Active\"><button type=\"submit\">Enable</button></form>")
            }
        }
        body.tag("<h3>Invitations waiting</h3>")
        body.table(
            headings: ["E-mail", "For", "Expires", "Invited by"],
            rows: view.invitations.map { [$0.email, $0.grants, Timestamp.format($0.expiresAt), $0.invitedBy] }, empty: "None."
        ) { index, cell in
            cell.form(posting: ["console", "invitations", view.invitations[index].id, "withdraw"])
            cell.tag("<button type=\"submit\">Withdraw</button></form>")
        }
        if caller.isOperator, !organisations.isEmpty {
            body.tag("<h3>Invite an organisation's member</h3>")
            body.form(posting: ["console", "operator", "invitations"])
            body.field("E-mail", name: "email", type: "email", attributes: "required maxlength=\"254\"")
            body.tag("<p><label>Organisation<br><select name=\"organisation\">")
            for organisation in organisations {
                body.tag("<option value=\"")
                body.text(organisation.id)
                body.tag("\">")
                body.text(organisation.legalName)
                body.tag("</option>")
            }
            body.tag("</select></label></p>")
            MemberPages.roleChoice(into: &body)
            body.tag("<p><button type=\"submit\">Invite</button></p></form>")
        }
        if caller.permits(.manageStaff) {
            body.tag("<h3>Invite directory staff</h3>")
            body.form(posting: ["console", "operator", "invitations"])
            body.field("E-mail", name: "email", type: "email", attributes: "required maxlength=\"254\"")
            body.choice("Staff role", name: "staff_role", options: StaffRole.allCases.map(\.rawValue))
            body.tag("<p><button type=\"submit\">Invite</button></p></form>")
        }
    }

    /// What needs a decision first: applications whose administrator was invited to complete them,
    /// oldest first, each with its data and the two decisions; then the form that opens a new one.
    private static func applicationsSection(_ pending: [Organisation], caller: Caller, into body: inout HTMLDocument) {
        body.tag("<h2 id=\"applications\">Applications waiting for approval</h2>")
        let waiting = pending.sorted { $0.createdAt < $1.createdAt }
        body.table(
            headings: ["Organisation", "Country", "Registration", "Authority claims", "Contacts", "Opened"],
            rows: waiting.map { organisation in
                [
                    organisation.legalName, organisation.country, organisation.registrationNumber ?? "—",
                    organisation.authorityClaims.map { claim in
                        "\(claim.authority) \(claim.registrationID): \(claim.roles.map(\.role).joined(separator: ", "))"
                    }.joined(separator: "; "),
                    organisation.contacts.map { "\($0.type): \($0.name ?? "") \($0.email ?? "")" }.joined(separator: "; "),
                    Timestamp.format(organisation.createdAt),
                ]
            }, empty: "None waiting."
        ) { index, cell in
            guard caller.isOperator else { return }
            let path = ["console", "operator", "organisations", waiting[index].id, "status"]
            cell.link(path: ["console", "organisations", waiting[index].id], "Open")
            cell.form(posting: path)
            cell.hidden(name: "status", value: OrganisationStatus.active.rawValue)
            cell.tag("<button type=\"submit\">Approve</button></form>")
            cell.form(posting: path)
            cell.hidden(name: "status", value: OrganisationStatus.rejected.rawValue)
            cell.tag("<input name=\"reason\" required maxlength=\"1024\" aria-label=\"Reason for the applicant\" placeholder=\"Reason\"> ")
            cell.tag("<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> Rejected is final</label> ")
            cell.tag("<button type=\"submit\">Reject</button></form>")
        }
        guard caller.isOperator else { return }
        body.tag("<details><summary>Onboard a new organisation</summary>")
        body.form(posting: ["console", "operator", "applications"])
        body.field("Organisation's name (the applicant may correct it)", name: "legal_name", attributes: "required maxlength=\"256\"")
        body.field("Country (ISO 3166-1 alpha-2)", name: "country", attributes: "required pattern=\"[A-Z]{2}\" maxlength=\"2\"")
        body.field("Applicant's e-mail", name: "email", type: "email", attributes: "required maxlength=\"254\"")
        body.tag("<p><button type=\"submit\">Open the application and invite</button></p></form></details>")
    }

    /// The statuses an organisation may move to (`OrganisationStatus.allowedNextStatuses`), or a note
    /// that its status is final.
    static func statusForm(for organisation: Organisation, into cell: inout HTMLDocument) {
        let next = OrganisationStatus.allCases.filter(organisation.status.allowedNextStatuses.contains)
        guard !next.isEmpty else { return cell.tag("<span class=\"muted\">final</span>") }
        cell.form(posting: ["console", "operator", "organisations", organisation.id, "status"])
        cell.tag("<select name=\"status\" aria-label=\"New status\">")
        for status in next {
            cell.tag("<option>")
            cell.text(status.rawValue)
            cell.tag("</option>")
        }
        cell.tag("</select> <input name=\"reason\" maxlength=\"1024\" aria-label=\"Reason\" placeholder=\"Reason\"> ")
        let finals = next.filter(\.isFinal)
        if !finals.isEmpty {
            // The box names what a final status does, so that ticking it is a decision, not a reflex.
            cell.tag("<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\"> ")
            cell.text(finals.map(\.rawValue).joined(separator: " or ") + " cannot be undone")
            if finals.contains(where: { $0 == .revoked || $0 == .surrendered }) { cell.tag(" and removes all its software") }
            cell.tag("</label> ")
        }
        cell.tag("<button type=\"submit\">Change</button></form>")
    }

    private static func addAnchorForm(into body: inout HTMLDocument) {
        body.form(posting: ["console", "operator", "trust-anchors"])
        body.tag("<p><label>Purpose <select name=\"purpose\">")
        for purpose in CertificatePurpose.allCases {
            body.tag("<option>")
            body.text(purpose.rawValue)
            body.tag("</option>")
        }
        body.tag("</select></label> <label>Label <input name=\"label\" maxlength=\"200\"></label></p>")
        body.tag("<p><label>Certificate (PEM)<br><textarea name=\"certificate\" rows=\"6\" cols=\"70\" required></textarea></label></p>")
        body.tag("<p><button type=\"submit\">Add trust anchor</button></p></form>")
    }

    /// What became of a change the operator asked for, when it did not succeed.
    static func refused(_ detail: String, directory: String) -> Data {
        var body = HTMLDocument()
        body.tag("<h1>Not changed</h1><p class=\"status\">")
        body.text(detail)
        body.tag("</p><p>")
        body.link(path: ["console", "home"], "← Console home")
        body.tag("</p>")
        return ConsolePage.render(title: "Not changed · \(directory)", body: body)
    }

    private static func source(of anchor: TrustAnchor) -> String {
        guard let list = anchor.source.trustedList else { return anchor.source.kind.rawValue }
        return "trusted list \(list.list) #\(list.sequenceNumber): \(list.providerName), \(list.serviceName)"
    }
}
