import Foundation

/// A client application an organisation runs; the directory issues SSAs for it while it is Active.
public struct SoftwareStatement: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.softwareStatements

    public var id: String
    public var organisationID: String
    public var clientName: String
    public var description: String?
    /// Free text ("1.2", "2024-06"), never a number: OBIE's software_version is a string.
    public var version: String?
    /// The participant's own environment label, e.g. "production" or "sandbox".
    public var environment: String?
    public var mode: SoftwareMode
    public var clientURI: String?
    public var logoURI: String?
    public var termsOfServiceURI: String?
    public var policyURI: String?
    public var redirectURIs: [String]
    /// CDR: where the provider receives arrangement revocations and its base URI.
    public var revocationURI: String?
    public var recipientBaseURI: String?
    public var roles: [String]
    public var status: SoftwareStatus
    /// Set when the organisation's suspension (not the participant) made this software Inactive, so that
    /// reinstating the organisation restores exactly what the suspension took away.
    public var inactivatedByOrganisationStatus: Bool = false
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { organisationID }

    enum CodingKeys: String, CodingKey {
        case id, clientName, description, version, environment, mode, redirectURIs = "redirectUris", roles, status
        case organisationID = "organisationId"
        case clientURI = "clientUri", logoURI = "logoUri", termsOfServiceURI = "tosUri", policyURI = "policyUri"
        case revocationURI = "revocationUri", recipientBaseURI = "recipientBaseUri"
        case createdAt, updatedAt, inactivatedByOrganisationStatus
    }

    public init(
        id: String, organisationID: String, clientName: String, description: String? = nil, version: String? = nil,
        environment: String? = nil, mode: SoftwareMode = .live, clientURI: String? = nil, logoURI: String? = nil,
        termsOfServiceURI: String? = nil, policyURI: String? = nil, redirectURIs: [String] = [],
        revocationURI: String? = nil, recipientBaseURI: String? = nil, roles: [String] = [],
        status: SoftwareStatus = .active, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.organisationID = organisationID
        self.clientName = clientName
        self.description = description
        self.version = version
        self.environment = environment
        self.mode = mode
        self.clientURI = clientURI
        self.logoURI = logoURI
        self.termsOfServiceURI = termsOfServiceURI
        self.policyURI = policyURI
        self.redirectURIs = redirectURIs
        self.revocationURI = revocationURI
        self.recipientBaseURI = recipientBaseURI
        self.roles = roles
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public enum SoftwareMode: String, Codable, Sendable, CaseIterable {
    case live = "Live"
    case test = "Test"
}
