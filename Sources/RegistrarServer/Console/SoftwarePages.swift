import Directory
import Foundation
import Keys
import PKI

/// A third-party provider's software statements in the console: the form that creates one, and one
/// software statement's page with its details, status, keys, certificates and SSA. Every form posts to
/// a route that calls the same domain method as the API.
enum SoftwarePages {
    struct SoftwareView {
        var organisation: Organisation
        var software: SoftwareStatement
        var keys: [ParticipantKey]
        var certificates: [IssuedCertificate]
        /// What the ecosystem's profile still needs before an SSA can be issued.
        var missingForAssertion: [String]
        /// Roles the software may claim: the organisation's authorised ones, or the ecosystem's.
        var claimableRoles: [String]
        var managesSoftware: Bool
        var fetchesAssertion: Bool
        /// The software's public JWKS, where its keys are published.
        var jwksURL: String
    }

    static func page(_ view: SoftwareView, signedInAs: String, directory: String, problem: String? = nil) -> Data {
        let software = view.software
        let base = ["console", "organisations", view.organisation.id, "software", software.id]
        var body = HTMLDocument()
        MemberPages.signedInBar(signedInAs, into: &body)
        body.tag("<p>")
        body.link(path: ["console", "organisations", view.organisation.id], view.organisation.legalName)
        body.tag("</p><h1>")
        body.text(software.clientName)
        body.tag("</h1>")
        body.alert(problem)
        body.details([
            ("Status", software.status.rawValue), ("Software statement id", software.id), ("Mode", software.mode.rawValue),
            ("Roles", software.roles.joined(separator: ", ")), ("Redirect URIs", software.redirectURIs.joined(separator: " ")),
            ("Description", software.description ?? ""), ("Version", software.version ?? ""),
            ("Environment", software.environment ?? ""), ("Client URI", software.clientURI ?? ""),
            ("Updated", Timestamp.format(software.updatedAt)),
        ])

        assertionSection(view, base: base, into: &body)
        if view.managesSoftware { statusForm(software, base: base, into: &body) }
        keysSection(view, base: base, into: &body)
        certificatesSection(view, base: base, into: &body)
        if view.managesSoftware, software.status != .removed {
            body.tag("<h2 id=\"details\">Change the details</h2>")
            body.form(posting: base)
            detailFields(NewSoftwareStatement(software), claimableRoles: view.claimableRoles, into: &body)
            body.tag("<p><button type=\"submit\">Save the details</button></p></form>")
        }
        return ConsolePage.render(title: "\(software.clientName) · \(directory)", body: body)
    }

    /// The fields a software statement's details take, filled from `values`: on the organisation's
    /// page (empty) and on the software's own (as recorded).
    static func detailFields(_ values: NewSoftwareStatement, claimableRoles: [String], into body: inout HTMLDocument) {
        body.field("Client name", name: "client_name", attributes: "required maxlength=\"256\"", value: values.clientName)
        body.field("Description", name: "description", attributes: "maxlength=\"2048\"", value: values.description ?? "")
        body.choice("Mode", name: "mode", options: SoftwareMode.allCases.map(\.rawValue), selected: values.mode?.rawValue)
        body.textArea(
            "Redirect URIs (https, one per line)", name: "redirect_uris", value: (values.redirectUris ?? []).joined(separator: "\n"))
        body.checkboxes("Roles", name: "roles", options: claimableRoles, checked: Set(values.roles ?? []))
        body.field("Client URI", name: "client_uri", type: "url", value: values.clientUri ?? "")
        body.field("Logo URI", name: "logo_uri", type: "url", value: values.logoUri ?? "")
        body.field("Terms of service URI", name: "tos_uri", type: "url", value: values.tosUri ?? "")
        body.field("Policy URI", name: "policy_uri", type: "url", value: values.policyUri ?? "")
        body.field("Version", name: "version", attributes: "maxlength=\"64\"", value: values.version ?? "")
        body.field("Environment", name: "environment", attributes: "maxlength=\"64\"", value: values.environment ?? "")
    }

    /// The SSA: a download, under the same gates as `GET …/assertion`, or what is still missing.
    private static func assertionSection(_ view: SoftwareView, base: [String], into body: inout HTMLDocument) {
        body.tag("<h2 id=\"assertion\">Software statement assertion</h2>")
        if !view.missingForAssertion.isEmpty {
            body.tag("<p class=\"status\">Before an SSA can be issued this ecosystem needs: ")
            body.text(view.missingForAssertion.joined(separator: ", "))
            body.tag("</p>")
        } else if view.software.status != .active {
            body.tag("<p class=\"muted\">SSAs are issued to Active software only.</p>")
        } else if view.fetchesAssertion {
            body.tag("<p>")
            body.link(path: base + ["assertion.jwt"], "Download a new SSA")
            body.tag(" (a signed JWT; banks verify it against this directory's ")
            body.link(path: ["jwks"], "JWKS")
            body.tag(").</p>")
        } else {
            body.tag("<p class=\"muted\">Your role does not fetch SSAs.</p>")
        }
    }

    private static func statusForm(_ software: SoftwareStatement, base: [String], into body: inout HTMLDocument) {
        let next = SoftwareStatus.allCases.filter { software.status.allowedNextStatuses.contains($0) }.map(\.rawValue)
        guard !next.isEmpty else { return }
        body.tag("<h2 id=\"status\">Status</h2>")
        body.form(posting: base + ["status"])
        body.choice("New status", name: "status", options: next)
        body.tag("<p><label><input type=\"checkbox\" name=\"confirm\" value=\"yes\"> ")
        body.tag("I understand that Removed is final: the software's keys leave the JWKS, its certificates stay ")
        body.tag("until they are revoked, and no SSA is issued to it again.</label></p>")
        body.tag("<p><button type=\"submit\">Change the status</button></p></form>")
    }

    private static func keysSection(_ view: SoftwareView, base: [String], into body: inout HTMLDocument) {
        let keys = view.keys
        body.tag("<h2 id=\"keys\">Keys</h2><p class=\"muted\">Published in the software's ")
        body.link(view.jwksURL, "JWKS")
        body.tag("; revoked keys move to its revoked JWKS.</p>")
        body.table(
            headings: ["Key id", "Use", "Type", "Status", "Added"],
            rows: keys.map {
                [
                    $0.kid, $0.jwk.use ?? "", [$0.jwk.kty, $0.jwk.crv ?? ""].filter { !$0.isEmpty }.joined(separator: " "),
                    $0.status.rawValue,
                    Timestamp.format($0.createdAt),
                ]
            }, empty: "No keys yet.",
            trailing: view.managesSoftware
                ? { index, cell in
                    guard keys[index].status == .active else { return }
                    cell.form(posting: base + ["keys", keys[index].kid, "revoke"])
                    cell.tag("<button type=\"submit\">Revoke</button></form>")
                } : nil)
        guard view.managesSoftware, view.software.status != .removed else { return }
        body.form(posting: base + ["keys"])
        body.textArea("Public key (a JWK, or a PEM public key or certificate)", name: "key", attributes: "required")
        body.choice("Use", name: "use", options: ["sig", "enc"])
        body.tag("<p><button type=\"submit\">Add the key</button></p></form>")
    }

    private static func certificatesSection(_ view: SoftwareView, base: [String], into body: inout HTMLDocument) {
        let certificates = view.certificates
        body.tag("<h2 id=\"certificates\">Certificates</h2>")
        body.table(
            headings: ["Serial number", "Purpose", "Status", "Valid until"],
            rows: certificates.map { [$0.id, $0.purpose.rawValue, $0.status.rawValue, Timestamp.format($0.notAfter)] },
            empty: "None issued yet."
        ) { index, cell in
            let certificate = certificates[index]
            cell.link(path: base + ["certificates", certificate.id, "chain.pem"], "Download")
            guard view.managesSoftware, certificate.status == .active else { return }
            cell.form(posting: base + ["certificates", certificate.id, "revoke"])
            cell.choice("Reason", name: "reason", options: RevocationReason.allCases.map(\.rawValue), selected: "superseded")
            cell.tag("<button type=\"submit\">Revoke</button></form>")
        }
        guard view.managesSoftware, view.software.status == .active else { return }
        body.tag("<h3>Request a certificate</h3><p>Make a key and a signing request on your own machine (the private key ")
        body.tag("never leaves it; the directory writes the certificate's subject itself):</p><pre id=\"csr-command\">")
        body.text(csrCommand(softwareID: view.software.id))
        body.tag("</pre>")
        body.form(posting: base + ["certificates"])
        body.choice("Purpose", name: "purpose", options: CertificatePurpose.allCases.filter(\.isIssuable).map(\.rawValue))
        body.textArea("Certificate signing request (PEM)", name: "csr", attributes: "required")
        body.tag("<p><button type=\"submit\">Issue the certificate</button></p></form>")
    }

    /// The exact `openssl` command for a CSR the directory CA accepts (EC P-256; RSA 2048+ is accepted too).
    static func csrCommand(softwareID: String) -> String {
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout \(softwareID).key -out \(softwareID).csr -subj \"/CN=\(softwareID)\""
    }
}

extension NewSoftwareStatement {
    /// The details a software statement records, as the input that would set them again.
    init(_ software: SoftwareStatement) {
        self.init(
            clientName: software.clientName, description: software.description, version: software.version,
            environment: software.environment, mode: software.mode, clientUri: software.clientURI, logoUri: software.logoURI,
            tosUri: software.termsOfServiceURI, policyUri: software.policyURI, redirectUris: software.redirectURIs,
            revocationUri: software.revocationURI, recipientBaseUri: software.recipientBaseURI, roles: software.roles)
    }

    /// The details a console form posted (fields named as `SoftwarePages.detailFields` names them).
    /// CDR's revocation and recipient URIs are not on the form and stay as `current` holds them.
    init(form: ConsoleForm, keeping current: SoftwareStatement? = nil) throws {
        let mode: SoftwareMode? = try form.optional("mode").map { try InputRules.choice($0, field: "mode") }
        self.init(
            clientName: form("client_name") ?? "", description: form.optional("description"), version: form.optional("version"),
            environment: form.optional("environment"), mode: mode, clientUri: form.optional("client_uri"),
            logoUri: form.optional("logo_uri"), tosUri: form.optional("tos_uri"), policyUri: form.optional("policy_uri"),
            redirectUris: form.lines("redirect_uris"), revocationUri: current?.revocationURI,
            recipientBaseUri: current?.recipientBaseURI, roles: form.all("roles"))
    }
}
