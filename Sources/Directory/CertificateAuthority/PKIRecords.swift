import Foundation
import PKI

/// One of the directory's CA certificates with its sealed private key: the root, which signs only the
/// issuing CA, and the issuing CA, which signs participant certificates and the CRL.
public struct CertificateAuthorityRecord: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.certificateAuthorities

    public enum Role: String, Codable, Sendable {
        case root
        case issuing
    }

    /// The role ("root" or "issuing"): one CA of each per directory.
    public var id: String
    public var role: Role
    public var certificatePEM: String
    /// PKCS#8 PEM sealed under the key-encryption key, bound to `id`.
    public var sealedPrivateKey: String
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { nil }
}

/// A certificate the directory CA issued to a software statement. Revoked certificates stay, for the
/// CRL, the OCSP responder and the revoked JWKS.
public struct IssuedCertificate: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.certificates

    public typealias Status = RevocationStatus

    /// The serial number in lower-case hex.
    public var id: String
    public var organisationID: String
    public var softwareID: String
    public var purpose: CertificatePurpose
    public var subject: String
    public var certificatePEM: String
    /// base64url SHA-256 of the DER certificate; also the `kid` of its JWKS entry.
    public var x5tS256: String
    public var status: Status
    public var revocationReason: RevocationReason?
    public var revokedAt: Date?
    public var notBefore: Date
    public var notAfter: Date
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { softwareID }

    enum CodingKeys: String, CodingKey {
        case id, purpose, subject, certificatePEM, status, revocationReason, revokedAt, notBefore, notAfter, createdAt, updatedAt
        case organisationID = "organisationId"
        case softwareID = "softwareStatementId"
        case x5tS256 = "x5t#S256"
    }
}

/// A certificate the operator trusts as the root of chains for one purpose.
public struct TrustAnchor: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.trustAnchors

    /// Where an anchor came from: added by hand, the directory's own CA, or a service of a trusted list.
    public struct Source: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case manual
            case directory
            case trustedList = "trusted-list"
        }

        public var kind: Kind
        /// For `trusted-list` anchors: which list, provider and service.
        public var trustedList: TrustedListOrigin?

        public init(kind: Kind, trustedList: TrustedListOrigin? = nil) {
            self.kind = kind
            self.trustedList = trustedList
        }
    }

    /// The first 20 hex digits of the SHA-256 fingerprint, then the purpose: short enough to type.
    public var id: String
    public var purpose: CertificatePurpose
    public var label: String
    public var subject: String
    public var issuer: String
    public var sha256Fingerprint: String
    public var certificatePEM: String
    public var notBefore: Date
    public var notAfter: Date
    public var source: Source
    public var createdAt: Date
    public var updatedAt: Date

    /// Anchors from a trusted list belong to it, so that a newer issue replaces exactly them.
    public var ownerID: String? { source.trustedList.map { TrustedListRecord.ownerID(of: $0.list) } }

    public static func identifier(fingerprint: String, purpose: CertificatePurpose) -> String {
        "\(fingerprint.prefix(20))-\(purpose.rawValue)"
    }
}
