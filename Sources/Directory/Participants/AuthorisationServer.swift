import Foundation

/// A bank's authorisation server, as published in the participants document.
public struct AuthorisationServer: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.authorisationServers

    public var id: String
    public var organisationID: String
    public var issuer: String
    public var openIDDiscoveryDocument: String
    public var customerFriendlyName: String
    public var customerFriendlyLogoURI: String?
    public var customerFriendlyDescription: String?
    public var developerPortalURI: String?
    public var termsOfServiceURI: String?
    public var supportsDynamicClientRegistration: Bool
    public var supportsCIBA: Bool
    public var apiResources: [APIResource]
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { organisationID }

    enum CodingKeys: String, CodingKey {
        case id, issuer, customerFriendlyName, customerFriendlyDescription, supportsCIBA, apiResources, createdAt, updatedAt
        case organisationID = "organisationId"
        case openIDDiscoveryDocument
        case customerFriendlyLogoURI = "customerFriendlyLogoUri"
        case developerPortalURI = "developerPortalUri"
        case termsOfServiceURI = "termsOfServiceUri"
        case supportsDynamicClientRegistration = "supportsDcr"
    }

    public init(
        id: String, organisationID: String, issuer: String, openIDDiscoveryDocument: String, customerFriendlyName: String,
        customerFriendlyLogoURI: String? = nil, customerFriendlyDescription: String? = nil, developerPortalURI: String? = nil,
        termsOfServiceURI: String? = nil, supportsDynamicClientRegistration: Bool = true, supportsCIBA: Bool = false,
        apiResources: [APIResource] = [], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.organisationID = organisationID
        self.issuer = issuer
        self.openIDDiscoveryDocument = openIDDiscoveryDocument
        self.customerFriendlyName = customerFriendlyName
        self.customerFriendlyLogoURI = customerFriendlyLogoURI
        self.customerFriendlyDescription = customerFriendlyDescription
        self.developerPortalURI = developerPortalURI
        self.termsOfServiceURI = termsOfServiceURI
        self.supportsDynamicClientRegistration = supportsDynamicClientRegistration
        self.supportsCIBA = supportsCIBA
        self.apiResources = apiResources
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An API family an authorisation server exposes (e.g. "payments" 3.1.11, "consents" 2.0.0).
public struct APIResource: Codable, Sendable, Equatable {
    public var id: String
    public var family: String
    public var version: String
    public var discoveryEndpoints: [String]
    public var certificationStatus: CertificationStatus
    /// Where the certification's evidence is (a conformance-suite submission, say).
    public var certificationURI: String?
    public var certificationStartDate: Date?
    public var certificationExpirationDate: Date?

    enum CodingKeys: String, CodingKey {
        case id = "apiResourceId", family = "apiFamilyType", version = "apiVersion", discoveryEndpoints = "apiDiscoveryEndpoints"
        case certificationStatus, certificationStartDate, certificationExpirationDate
        case certificationURI = "apiCertificationUri"
    }

    public init(
        id: String, family: String, version: String, discoveryEndpoints: [String],
        certificationStatus: CertificationStatus = .selfCertified,
        certificationURI: String? = nil, certificationStartDate: Date? = nil, certificationExpirationDate: Date? = nil
    ) {
        self.id = id
        self.family = family
        self.version = version
        self.discoveryEndpoints = discoveryEndpoints
        self.certificationStatus = certificationStatus
        self.certificationURI = certificationURI
        self.certificationStartDate = certificationStartDate
        self.certificationExpirationDate = certificationExpirationDate
    }
}

public enum CertificationStatus: String, Codable, Sendable, CaseIterable {
    case awaitingCertification = "Awaiting Certification"
    case selfCertified = "Self-Certified"
    case certified = "Certified"
    case deprecated = "Deprecated"
}
