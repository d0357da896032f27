import Directory
import Foundation

/// A bank's authorisation servers in the console: the list and the form that publishes one (on the
/// organisation's page), and one server's page that changes its details and its API resources with
/// their certification (status, evidence URI, start and expiry).
enum ServerPages {
    static func section(_ servers: [AuthorisationServer], of organisation: Organisation, editable: Bool, into body: inout HTMLDocument) {
        body.tag("<h2 id=\"servers\">Authorisation servers</h2>")
        body.table(
            headings: ["Name", "Issuer", "Dynamic registration", "API resources"],
            rows: servers.map { server in
                [
                    server.customerFriendlyName, server.issuer, server.supportsDynamicClientRegistration ? "yes" : "no",
                    server.apiResources.map { "\($0.family) \($0.version) (\($0.certificationStatus.rawValue))" }.joined(separator: ", "),
                ]
            }, empty: "None published.",
            linking: { ["console", "organisations", organisation.id, "authorisation-servers", servers[$0].id] })
        guard editable else { return }
        body.tag("<details><summary>New authorisation server</summary>")
        body.form(posting: ["console", "organisations", organisation.id, "authorisation-servers"])
        detailFields(nil, into: &body)
        body.tag("<fieldset><legend>First API resource (optional)</legend>")
        resourceFields(nil, into: &body)
        body.tag("</fieldset><p><button type=\"submit\">Publish the authorisation server</button></p></form></details>")
    }

    static func page(
        _ server: AuthorisationServer, of organisation: Organisation, editable: Bool, signedInAs: String, directory: String,
        problem: String? = nil
    ) -> Data {
        let base = ["console", "organisations", organisation.id, "authorisation-servers", server.id]
        var body = HTMLDocument()
        MemberPages.signedInBar(signedInAs, into: &body)
        body.tag("<p>")
        body.link(path: ["console", "organisations", organisation.id], organisation.legalName)
        body.tag("</p><h1>")
        body.text(server.customerFriendlyName)
        body.tag("</h1>")
        body.alert(problem)
        body.details([
            ("Issuer", server.issuer), ("Discovery document", server.openIDDiscoveryDocument), ("Id", server.id),
            ("Dynamic client registration", server.supportsDynamicClientRegistration ? "supported" : "not supported"),
            ("Updated", Timestamp.format(server.updatedAt)),
        ])
        body.tag("<h2 id=\"resources\">API resources</h2>")
        body.table(
            headings: ["Family", "Version", "Certification", "Evidence", "Expires", "Discovery endpoints"],
            rows: server.apiResources.map {
                [
                    $0.family, $0.version, $0.certificationStatus.rawValue, $0.certificationURI ?? "—",
                    $0.certificationExpirationDate.map(Timestamp.format) ?? "—", $0.discoveryEndpoints.joined(separator: " "),
                ]
            }, empty: "None yet.",
            trailing: editable
                ? { index, cell in
                    let resource = server.apiResources[index]
                    cell.tag("<details><summary>Change</summary>")
                    cell.form(posting: base + ["resources", resource.id])
                    resourceFields(resource, into: &cell)
                    cell.tag("<p><button type=\"submit\">Save</button></p></form></details>")
                    cell.form(posting: base + ["resources", resource.id, "remove"])
                    cell.tag("<button type=\"submit\">Remove</button></form>")
                } : nil)
        guard editable else { return ConsolePage.render(title: "\(server.customerFriendlyName) · \(directory)", body: body) }
        body.tag("<h3>Add an API resource</h3>")
        body.form(posting: base + ["resources"])
        resourceFields(nil, into: &body)
        body.tag("<p><button type=\"submit\">Add the API resource</button></p></form>")
        body.tag("<h2 id=\"details\">Change the details</h2>")
        body.form(posting: base)
        detailFields(server, into: &body)
        body.tag("<p><button type=\"submit\">Save the details</button></p></form>")
        return ConsolePage.render(title: "\(server.customerFriendlyName) · \(directory)", body: body)
    }

    private static func detailFields(_ server: AuthorisationServer?, into body: inout HTMLDocument) {
        body.field("Customer-facing name", name: "name", attributes: "required maxlength=\"256\"", value: server?.customerFriendlyName)
        body.field("Issuer (https)", name: "issuer", type: "url", attributes: "required", value: server?.issuer)
        body.field(
            "OpenID discovery document (https)", name: "discovery", type: "url", attributes: "required",
            value: server?.openIDDiscoveryDocument)
        body.field("Description", name: "description", attributes: "maxlength=\"2048\"", value: server?.customerFriendlyDescription)
        body.field("Developer portal URI", name: "developer_portal_uri", type: "url", value: server?.developerPortalURI)
        body.tag(
            (server?.supportsDynamicClientRegistration ?? true)
                ? "<p><label><input type=\"checkbox\" name=\"supports_dcr\" value=\"yes\" checked> "
                : "<p><label><input type=\"checkbox\" name=\"supports_dcr\" value=\"yes\"> ")
        body.tag("Supports dynamic client registration</label></p>")
    }

    private static func resourceFields(_ resource: APIResource?, into body: inout HTMLDocument) {
        body.field("API family, e.g. payments", name: "api_family", attributes: "maxlength=\"64\"", value: resource?.family)
        body.field("API version, e.g. 3.1.11", name: "api_version", attributes: "maxlength=\"32\"", value: resource?.version)
        body.textArea(
            "Discovery endpoints (https, one per line)", name: "api_endpoints",
            value: resource?.discoveryEndpoints.joined(separator: "\n") ?? "")
        body.choice(
            "Certification status", name: "certification_status", options: CertificationStatus.allCases.map(\.rawValue),
            selected: resource?.certificationStatus.rawValue)
        body.field("Certification evidence URI (https)", name: "certification_uri", type: "url", value: resource?.certificationURI)
        body.field(
            "Certified from (UTC)", name: "certification_start", type: "date",
            value: resource?.certificationStartDate.map { String(Timestamp.format($0).prefix(10)) })
        body.field(
            "Certification expires (UTC)", name: "certification_expiry", type: "date",
            value: resource?.certificationExpirationDate.map { String(Timestamp.format($0).prefix(10)) })
    }
}

extension NewAuthorisationServer {
    /// The details a server records, with its resources as they are: the input that would set them again.
    init(_ server: AuthorisationServer) {
        self.init(
            issuer: server.issuer, openIDDiscoveryDocument: server.openIDDiscoveryDocument,
            customerFriendlyName: server.customerFriendlyName,
            customerFriendlyLogoUri: server.customerFriendlyLogoURI, customerFriendlyDescription: server.customerFriendlyDescription,
            developerPortalUri: server.developerPortalURI, termsOfServiceUri: server.termsOfServiceURI,
            supportsDcr: server.supportsDynamicClientRegistration, supportsCIBA: server.supportsCIBA,
            apiResources: server.apiResources.map(NewAPIResource.init))
    }

    /// The details the form posted over what `current` records (its resources, logo and terms stay); at
    /// creation, a first API resource when the form names a family.
    init(form: ConsoleForm, keeping current: AuthorisationServer? = nil) throws {
        let resources: [NewAPIResource] =
            if let current { current.apiResources.map(NewAPIResource.init) } else if form.optional("api_family") != nil {
                [try NewAPIResource(form: form)]
            } else { [] }
        self.init(
            issuer: form("issuer") ?? "", openIDDiscoveryDocument: form("discovery") ?? "", customerFriendlyName: form("name") ?? "",
            customerFriendlyLogoUri: current?.customerFriendlyLogoURI, customerFriendlyDescription: form.optional("description"),
            developerPortalUri: form.optional("developer_portal_uri"), termsOfServiceUri: current?.termsOfServiceURI,
            supportsDcr: form("supports_dcr") == "yes", supportsCIBA: current?.supportsCIBA ?? false,
            apiResources: resources)
    }
}

extension NewAPIResource {
    init(_ resource: APIResource) {
        self.init(
            apiFamilyType: resource.family, apiVersion: resource.version, apiDiscoveryEndpoints: resource.discoveryEndpoints,
            certificationStatus: resource.certificationStatus, apiCertificationUri: resource.certificationURI,
            certificationStartDate: resource.certificationStartDate, certificationExpirationDate: resource.certificationExpirationDate)
    }

    /// One API resource as the form posts it; dates are days (`2027-12-31`), read as midnight UTC.
    init(form: ConsoleForm) throws {
        let day = { (name: String) throws -> Date? in
            try form.optional(name).map { text in
                guard let date = Timestamp.parse(text + "T00:00:00Z") else {
                    throw DirectoryError.invalidInput("\(name) must be a date such as 2027-12-31")
                }
                return date
            }
        }
        self.init(
            apiFamilyType: form("api_family") ?? "", apiVersion: form("api_version") ?? "",
            apiDiscoveryEndpoints: form.lines("api_endpoints"),
            certificationStatus: try form.optional("certification_status").map { try InputRules.choice($0, field: "certification_status") },
            apiCertificationUri: form.optional("certification_uri"), certificationStartDate: try day("certification_start"),
            certificationExpirationDate: try day("certification_expiry"))
    }
}
