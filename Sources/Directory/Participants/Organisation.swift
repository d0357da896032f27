import Foundation

/// A legal entity taking part in the ecosystem: a bank, a third-party provider, or both.
public struct Organisation: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.organisations

    public var id: String
    public var legalName: String
    public var registrationNumber: String?
    /// ISO 3166-1 alpha-2.
    public var country: String
    public var status: OrganisationStatus
    /// Why the latest status change was made, when one was given (always for Rejected).
    public var statusReason: String?
    public var contacts: [Contact]
    public var authorityClaims: [AuthorityClaim]
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { nil }

    public init(
        id: String, legalName: String, registrationNumber: String? = nil, country: String,
        status: OrganisationStatus = .active, contacts: [Contact] = [], authorityClaims: [AuthorityClaim] = [],
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.legalName = legalName
        self.registrationNumber = registrationNumber
        self.country = country
        self.status = status
        self.contacts = contacts
        self.authorityClaims = authorityClaims
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct Contact: Codable, Sendable, Equatable {
    /// e.g. "Business", "Technical", "Billing".
    public var type: String
    public var name: String?
    public var email: String?
    public var phone: String?

    public init(type: String, name: String? = nil, email: String? = nil, phone: String? = nil) {
        self.type = type
        self.name = name
        self.email = email
        self.phone = phone
    }
}

/// A competent authority's authorisation of the organisation (UK FCA, an EU NCA, the ACCC, the BCB).
public struct AuthorityClaim: Codable, Sendable, Equatable {
    public var authority: String
    public var registrationID: String
    public var roles: [RoleGrant]

    enum CodingKeys: String, CodingKey {
        case authority
        case registrationID = "registrationId"
        case roles
    }

    public init(authority: String, registrationID: String, roles: [RoleGrant]) {
        self.authority = authority
        self.registrationID = registrationID
        self.roles = roles
    }
}

/// One role (e.g. AISP, PISP, DATA-RECIPIENT, DADOS) granted by an authority, with its own status.
public struct RoleGrant: Codable, Sendable, Equatable {
    public var role: String
    public var status: RoleStatus

    public init(role: String, status: RoleStatus = .active) {
        self.role = role
        self.status = status
    }

    /// A grant sent without a status is Active, as the contract (openapi.yaml) says.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        status = try container.decodeIfPresent(RoleStatus.self, forKey: .status) ?? .active
    }
}

public enum RoleStatus: String, Codable, Sendable, CaseIterable {
    case active = "Active"
    case inactive = "Inactive"
}
