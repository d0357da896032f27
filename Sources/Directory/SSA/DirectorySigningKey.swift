import Foundation
import Keys

/// One of the directory's own signing keys, with its rotation state. The private key is stored sealed
/// under the key-encryption key; only `DirectoryKeyring` ever opens it.
public struct DirectorySigningKey: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.signingKeys

    public enum State: String, Codable, Sendable, CaseIterable {
        /// Published, not yet signing: relying parties cache it before it is used.
        case next
        /// Published and signing.
        case current
        /// Published, no longer signing: tokens it signed still verify.
        case retired
        /// No longer published.
        case removed

        public var isPublished: Bool { self != .removed }
    }

    /// The RFC 7638 thumbprint of the public key, which is also its `kid`.
    public var id: String
    public var algorithm: SigningAlgorithm
    public var state: State
    public var publicJWK: JSONWebKey
    public var sealedPrivateKey: String
    public var createdAt: Date
    public var updatedAt: Date
    public var activatedAt: Date?
    public var retiredAt: Date?

    public var ownerID: String? { nil }

    public init(key: SigningKey, state: State, sealedPrivateKey: String, at: Date) {
        self.id = key.kid
        self.algorithm = key.algorithm
        self.state = state
        self.publicJWK = key.publicJWK
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = at
        self.updatedAt = at
        self.activatedAt = state == .current ? at : nil
    }
}
