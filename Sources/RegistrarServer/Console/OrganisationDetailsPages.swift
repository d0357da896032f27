import Directory
import Foundation

/// An organisation's own data on its page: where its application stands, what it records (legal name,
/// registration, authority claims, contacts), and, for whoever may change it (its administrators while
/// it is an application, staff until it is final), the form that does.
enum OrganisationDetailsPages {
    /// The contact types the form edits; contacts of other types (from the API) are kept as they are.
    static let contactTypes = ["Business", "Technical"]

    static func section(
        _ organisation: Organisation, editable: Bool, authorityRoles: [String]?, into body: inout HTMLDocument
    ) {
        body.tag("<h2 id=\"details\">Organisation details</h2>")
        switch organisation.status {
        case .pending:
            body.tag("<p class=\"status\">This organisation is an application. Complete its details; the directory's ")
            body.tag("staff then approve it (it becomes a participant, in the published directory) or reject it.</p>")
        case .rejected:
            body.tag("<p class=\"status\">The directory's staff rejected this application: ")
            body.text(organisation.statusReason ?? "no reason was recorded")
            body.tag("</p>")
        default:
            if let reason = organisation.statusReason {
                body.tag("<p class=\"muted\">Latest status change: ")
                body.text(reason)
                body.tag("</p>")
            }
        }
        body.details(
            [
                ("Legal name", organisation.legalName), ("Registration number", organisation.registrationNumber ?? ""),
                ("Country", organisation.country),
            ]
                + organisation.authorityClaims.map { claim in
                    (
                        "Authorised by \(claim.authority)",
                        "\(claim.registrationID): " + claim.roles.map { "\($0.role) (\($0.status.rawValue))" }.joined(separator: ", ")
                    )
                }
                + organisation.contacts.map {
                    ("\($0.type) contact", [$0.name, $0.email, $0.phone].compactMap { $0 }.joined(separator: " · "))
                })
        guard editable else { return }
        body.tag("<details")
        body.tag(organisation.status == .pending ? " open>" : ">")
        body.tag("<summary>Change the details</summary>")
        body.form(posting: ["console", "organisations", organisation.id, "details"])
        body.field("Legal name", name: "legal_name", attributes: "required maxlength=\"256\"", value: organisation.legalName)
        body.field(
            "Company registration number", name: "registration_number", attributes: "maxlength=\"256\"",
            value: organisation.registrationNumber ?? "")
        body.field(
            "Country (ISO 3166-1 alpha-2)", name: "country", attributes: "required pattern=\"[A-Z]{2}\" maxlength=\"2\"",
            value: organisation.country)
        if let authorityRoles {
            let claim = organisation.authorityClaims.first
            body.tag("<fieldset><legend>Authorisation by a competent authority</legend>")
            body.field("Authority, e.g. FCA", name: "authority", attributes: "maxlength=\"64\"", value: claim?.authority ?? "")
            body.field(
                "Registration id at the authority", name: "registration_id", attributes: "maxlength=\"256\"",
                value: claim?.registrationID ?? "")
            body.checkboxes("Roles granted", name: "roles", options: authorityRoles, checked: Set(claim?.roles.map(\.role) ?? []))
            body.tag("</fieldset>")
        }
        for type in contactTypes {
            let contact = organisation.contacts.first { $0.type == type }
            body.tag("<fieldset><legend>")
            body.text("\(type) contact")
            body.tag("</legend>")
            switch type {
            case "Business":
                body.field("Name", name: "business_name", attributes: "maxlength=\"256\"", value: contact?.name ?? "")
                body.field("E-mail", name: "business_email", type: "email", attributes: "maxlength=\"254\"", value: contact?.email ?? "")
                body.field("Phone", name: "business_phone", type: "tel", attributes: "maxlength=\"32\"", value: contact?.phone ?? "")
            default:
                body.field("Name", name: "technical_name", attributes: "maxlength=\"256\"", value: contact?.name ?? "")
                body.field("E-mail", name: "technical_email", type: "email", attributes: "maxlength=\"254\"", value: contact?.email ?? "")
                body.field("Phone", name: "technical_phone", type: "tel", attributes: "maxlength=\"32\"", value: contact?.phone ?? "")
            }
            body.tag("</fieldset>")
        }
        body.tag("<p><button type=\"submit\">Save the details</button></p></form></details>")
    }
}

extension NewOrganisation {
    /// The data the details form posted, over what `current` records: the form edits the first
    /// authority claim (where the ecosystem has authority roles, so the form has the fields) and the
    /// Business and Technical contacts; other claims and contacts stay. A role kept keeps its grant's
    /// status (a withdrawn role stays withdrawn).
    init(form: ConsoleForm, keeping current: Organisation) {
        var claims = form("authority") == nil ? current.authorityClaims : Array(current.authorityClaims.dropFirst())
        if let authority = form.optional("authority") {
            let previous = current.authorityClaims.first
            let grants = form.all("roles").map { role in previous?.roles.first { $0.role == role } ?? RoleGrant(role: role) }
            claims.insert(AuthorityClaim(authority: authority, registrationID: form("registration_id") ?? "", roles: grants), at: 0)
        }
        var contacts: [Contact] = []
        for type in OrganisationDetailsPages.contactTypes {
            let prefix = type.lowercased()
            let contact = Contact(
                type: type, name: form.optional("\(prefix)_name"), email: form.optional("\(prefix)_email"),
                phone: form.optional("\(prefix)_phone"))
            if contact.name != nil || contact.email != nil || contact.phone != nil { contacts.append(contact) }
        }
        contacts += current.contacts.filter { !OrganisationDetailsPages.contactTypes.contains($0.type) }
        self.init(
            legalName: form("legal_name") ?? "", registrationNumber: form.optional("registration_number"),
            country: (form("country") ?? "").uppercased(), contacts: contacts, authorityClaims: claims)
    }
}
