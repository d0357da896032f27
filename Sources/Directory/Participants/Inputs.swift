import Foundation

/// What a caller sends to create an organisation (API body and CLI flags alike).
public struct NewOrganisation: Codable, Sendable {
    public var legalName: String
    public var registrationNumber: String?
    public var country: String
    public var contacts: [Contact]?
    public var authorityClaims: [AuthorityClaim]?
    /// Active (the default) or Pending: an application its invited administrator completes.
    public var status: OrganisationStatus?

    public init(
        legalName: String, registrationNumber: String? = nil, country: String, contacts: [Contact]? = nil,
        authorityClaims: [AuthorityClaim]? = nil, status: OrganisationStatus? = nil
    ) {
        self.legalName = legalName
        self.registrationNumber = registrationNumber
        self.country = country
        self.contacts = contacts
        self.authorityClaims = authorityClaims
        self.status = status
    }

    func validate() throws {
        try InputRules.requireText(legalName, field: "legalName")
        guard (contacts ?? []).count <= 16 else { throw DirectoryError.invalidInput("contacts: at most 16 are accepted") }
        guard (authorityClaims ?? []).count <= 16 else { throw DirectoryError.invalidInput("authorityClaims: at most 16 are accepted") }
        try InputRules.requireOptionalText(registrationNumber, field: "registrationNumber")
        try InputRules.requireCountryCode(country)
        for contact in contacts ?? [] {
            try InputRules.requireText(contact.type, field: "contacts[].type", maximum: 64)
            try InputRules.requireOptionalText(contact.name, field: "contacts[].name")
            try InputRules.requireOptionalText(contact.email, field: "contacts[].email")
            try InputRules.requireOptionalText(contact.phone, field: "contacts[].phone", maximum: 32)
        }
        for claim in authorityClaims ?? [] {
            try InputRules.requireText(claim.authority, field: "authorityClaims[].authority", maximum: 64)
            try InputRules.requireText(claim.registrationID, field: "authorityClaims[].registrationId")
            for grant in claim.roles { try InputRules.requireText(grant.role, field: "authorityClaims[].roles[].role", maximum: 64) }
        }
    }
}

/// What a caller sends to create a software statement.
public struct NewSoftwareStatement: Codable, Sendable {
    public var clientName: String
    public var description: String?
    public var version: String?
    public var environment: String?
    public var mode: SoftwareMode?
    public var clientUri: String?
    public var logoUri: String?
    public var tosUri: String?
    public var policyUri: String?
    public var redirectUris: [String]?
    public var revocationUri: String?
    public var recipientBaseUri: String?
    public var roles: [String]?

    public init(
        clientName: String, description: String? = nil, version: String? = nil, environment: String? = nil, mode: SoftwareMode? = nil,
        clientUri: String? = nil, logoUri: String? = nil, tosUri: String? = nil, policyUri: String? = nil, redirectUris: [String]? = nil,
        revocationUri: String? = nil, recipientBaseUri: String? = nil, roles: [String]? = nil
    ) {
        self.clientName = clientName
        self.description = description
        self.version = version
        self.environment = environment
        self.mode = mode
        self.clientUri = clientUri
        self.logoUri = logoUri
        self.tosUri = tosUri
        self.policyUri = policyUri
        self.redirectUris = redirectUris
        self.revocationUri = revocationUri
        self.recipientBaseUri = recipientBaseUri
        self.roles = roles
    }

    func validate() throws {
        try InputRules.requireText(clientName, field: "clientName")
        try InputRules.requireOptionalText(description, field: "description", maximum: 2048)
        try InputRules.requireOptionalText(version, field: "version", maximum: 64)
        try InputRules.requireOptionalText(environment, field: "environment", maximum: 64)
        for (uri, field) in [
            (clientUri, "clientUri"), (logoUri, "logoUri"), (tosUri, "tosUri"), (policyUri, "policyUri"),
            (revocationUri, "revocationUri"), (recipientBaseUri, "recipientBaseUri"),
        ] {
            if let uri { try InputRules.requireHTTPSURI(uri, field: field) }
        }
        let redirects = redirectUris ?? []
        guard redirects.count <= 32 else { throw DirectoryError.invalidInput("redirectUris: at most 32 are accepted") }
        for uri in redirects { try InputRules.requireRedirectURI(uri) }
        for role in roles ?? [] { try InputRules.requireText(role, field: "roles[]", maximum: 64) }
    }
}

/// What a caller sends to create an authorisation server.
public struct NewAuthorisationServer: Codable, Sendable {
    public var issuer: String
    public var openIDDiscoveryDocument: String
    public var customerFriendlyName: String
    public var customerFriendlyLogoUri: String?
    public var customerFriendlyDescription: String?
    public var developerPortalUri: String?
    public var termsOfServiceUri: String?
    public var supportsDcr: Bool?
    public var supportsCIBA: Bool?
    public var apiResources: [NewAPIResource]?

    public init(
        issuer: String, openIDDiscoveryDocument: String, customerFriendlyName: String, customerFriendlyLogoUri: String? = nil,
        customerFriendlyDescription: String? = nil, developerPortalUri: String? = nil, termsOfServiceUri: String? = nil,
        supportsDcr: Bool? = nil, supportsCIBA: Bool? = nil, apiResources: [NewAPIResource]? = nil
    ) {
        self.issuer = issuer
        self.openIDDiscoveryDocument = openIDDiscoveryDocument
        self.customerFriendlyName = customerFriendlyName
        self.customerFriendlyLogoUri = customerFriendlyLogoUri
        self.customerFriendlyDescription = customerFriendlyDescription
        self.developerPortalUri = developerPortalUri
        self.termsOfServiceUri = termsOfServiceUri
        self.supportsDcr = supportsDcr
        self.supportsCIBA = supportsCIBA
        self.apiResources = apiResources
    }

    func validate() throws {
        try InputRules.requireHTTPSURI(issuer, field: "issuer")
        try InputRules.requireHTTPSURI(openIDDiscoveryDocument, field: "openIDDiscoveryDocument")
        try InputRules.requireText(customerFriendlyName, field: "customerFriendlyName")
        try InputRules.requireOptionalText(customerFriendlyDescription, field: "customerFriendlyDescription", maximum: 2048)
        for (uri, field) in [
            (customerFriendlyLogoUri, "customerFriendlyLogoUri"), (developerPortalUri, "developerPortalUri"),
            (termsOfServiceUri, "termsOfServiceUri"),
        ] {
            if let uri { try InputRules.requireHTTPSURI(uri, field: field) }
        }
        let resources = apiResources ?? []
        guard resources.count <= 64 else { throw DirectoryError.invalidInput("apiResources: at most 64 are accepted") }
        let families = resources.map { "\($0.apiFamilyType)@\($0.apiVersion)" }
        guard Set(families).count == families.count else {
            throw DirectoryError.invalidInput("apiResources: each family and version once")
        }
        for resource in resources {
            try InputRules.requireText(resource.apiFamilyType, field: "apiResources[].apiFamilyType", maximum: 64)
            try InputRules.requireText(resource.apiVersion, field: "apiResources[].apiVersion", maximum: 32)
            if let uri = resource.apiCertificationUri { try InputRules.requireHTTPSURI(uri, field: "apiResources[].apiCertificationUri") }
            if let start = resource.certificationStartDate, let end = resource.certificationExpirationDate, end <= start {
                throw DirectoryError.invalidInput("apiResources[].certificationExpirationDate must follow its certificationStartDate")
            }
            for endpoint in resource.apiDiscoveryEndpoints ?? [] {
                try InputRules.requireHTTPSURI(endpoint, field: "apiResources[].apiDiscoveryEndpoints[]")
            }
        }
    }
}

public struct NewAPIResource: Codable, Sendable {
    public var apiFamilyType: String
    public var apiVersion: String
    public var apiDiscoveryEndpoints: [String]?
    public var certificationStatus: CertificationStatus?
    public var apiCertificationUri: String?
    public var certificationStartDate: Date?
    public var certificationExpirationDate: Date?

    public init(
        apiFamilyType: String, apiVersion: String, apiDiscoveryEndpoints: [String]? = nil, certificationStatus: CertificationStatus? = nil,
        apiCertificationUri: String? = nil, certificationStartDate: Date? = nil, certificationExpirationDate: Date? = nil
    ) {
        self.apiFamilyType = apiFamilyType
        self.apiVersion = apiVersion
        self.apiDiscoveryEndpoints = apiDiscoveryEndpoints
        self.certificationStatus = certificationStatus
        self.apiCertificationUri = apiCertificationUri
        self.certificationStartDate = certificationStartDate
        self.certificationExpirationDate = certificationExpirationDate
    }

    /// The resource as recorded: `id` kept when it replaces one, made when it is new.
    func resource(id: String) -> APIResource {
        APIResource(
            id: id, family: apiFamilyType, version: apiVersion, discoveryEndpoints: apiDiscoveryEndpoints ?? [],
            certificationStatus: certificationStatus ?? .selfCertified, certificationURI: apiCertificationUri,
            certificationStartDate: certificationStartDate, certificationExpirationDate: certificationExpirationDate)
    }
}

/// The field rules, each small and named so a test can aim at it.
public enum InputRules {
    /// One of a closed set of names (a status, a purpose, a reason), or a refusal that lists them.
    public static func choice<Value: RawRepresentable & CaseIterable>(_ text: String, field: String) throws -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: text) else {
            throw DirectoryError.invalidInput("\(field) must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    public static func requireText(_ value: String, field: String, maximum: Int = 256) throws {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DirectoryError.invalidInput("\(field) must not be empty") }
        guard value.count <= maximum else { throw DirectoryError.invalidInput("\(field) is longer than \(maximum) characters") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
            throw DirectoryError.invalidInput("\(field) contains control characters")
        }
    }

    public static func requireOptionalText(_ value: String?, field: String, maximum: Int = 256) throws {
        if let value { try requireText(value, field: field, maximum: maximum) }
    }

    public static func requireCountryCode(_ value: String) throws {
        guard value.count == 2, value.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw DirectoryError.invalidInput("country must be an ISO 3166-1 alpha-2 code such as GB, AU or BR")
        }
    }

    public static func requireHTTPSURI(_ value: String, field: String) throws {
        guard value.count <= 2048, let url = URLComponents(string: value), url.scheme == "https", let host = url.host, !host.isEmpty,
            url.fragment == nil
        else { throw DirectoryError.invalidInput("\(field) must be an absolute https URI without a fragment") }
    }

    /// FAPI: redirect URIs are https, absolute, without fragment, and never point at the local machine
    /// (`RedirectURIRule`, which the registration role applies too).
    public static func requireRedirectURI(_ value: String) throws {
        switch RedirectURIRule.refusal(of: value) {
        case nil: return
        case .notAbsoluteHTTPS: throw DirectoryError.invalidInput("redirectUris[] must be an absolute https URI without a fragment")
        case .localMachine: throw DirectoryError.invalidInput("redirectUris[]: \(value.prefix(200)) points at the local machine")
        }
    }
}
