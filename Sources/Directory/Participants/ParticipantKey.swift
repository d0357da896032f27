import Crypto
import Foundation
import Keys

/// Whether a published key or an issued certificate still stands. Revoked ones are kept, so relying
/// parties can tell "revoked" from "unknown".
public enum RevocationStatus: String, Codable, Sendable {
    case active = "Active"
    case revoked = "Revoked"
}

/// A public key a participant registered for its organisation or one of its software statements.
/// Revoked keys stay, in the revoked JWKS, so relying parties can tell "revoked" from "unknown".
public struct ParticipantKey: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.participantKeys

    public enum Owner: String, Codable, Sendable {
        case organisation
        case software
    }

    public typealias Status = RevocationStatus

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

    /// The same key moved to the revoked set, with why and when.
    func revoked(reason: String?, at now: Date) -> ParticipantKey {
        var revoked = self
        revoked.status = .revoked
        revoked.revocationReason = reason
        revoked.revokedAt = now
        revoked.updatedAt = now
        return revoked
    }

    public static func identifier(ownerIdentifier: String, kid: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data("\(ownerIdentifier)\u{0}\(kid)".utf8)))
    }
}
