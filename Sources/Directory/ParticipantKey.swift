import Crypto
import Foundation
import Keys

/// A public key a participant registered for its organisation or one of its software statements.
/// Revoked keys stay, in the revoked JWKS, so relying parties can tell "revoked" from "unknown".
public struct ParticipantKey: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.participantKeys

    public enum Owner: String, Codable, Sendable {
        case organisation
        case software
    }

    public enum Status: String, Codable, Sendable {
        case active = "Active"
        case revoked = "Revoked"
    }

    /// Derived from owner and kid, so a duplicate kid for one owner collides in the store itself.
    public var id: String
    public var owner: Owner
    public var ownerIdentifier: String
    public var organisationID: String
    public var jwk: JSONWebKey
    public var status: Status
    public var revocationReason: String?
    public var revokedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { ownerIdentifier }
    public var kid: String { jwk.kid ?? "" }

    enum CodingKeys: String, CodingKey {
        case id, owner, jwk, status, revocationReason, revokedAt, createdAt, updatedAt
        case ownerIdentifier = "ownerId"
        case organisationID = "organisationId"
    }

    public init(owner: Owner, ownerIdentifier: String, organisationID: String, jwk: JSONWebKey, at: Date) {
        self.id = Self.identifier(ownerIdentifier: ownerIdentifier, kid: jwk.kid ?? "")
        self.owner = owner
        self.ownerIdentifier = ownerIdentifier
        self.organisationID = organisationID
        self.jwk = jwk
        self.status = .active
        self.createdAt = at
        self.updatedAt = at
    }

    public static func identifier(ownerIdentifier: String, kid: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data("\(ownerIdentifier)\u{0}\(kid)".utf8)))
    }
}
