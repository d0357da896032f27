import Crypto
import Foundation
import Keys

/// A bearer token for the directory's own API. Only its SHA-256 is stored; the secret is shown once.
public struct APIToken: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.apiTokens

    public enum Role: String, Codable, Sendable {
        /// Administers the whole directory.
        case `operator`
        /// Manages one organisation's software, keys and SSAs, and nothing else.
        case organisation
        /// Reads the clients registered through `POST /register` (what a bank's authorisation server
        /// holds), and nothing else.
        case clients
        /// Reads `GET /metrics` (a Prometheus scraper), and nothing else.
        case metrics
    }

    /// Hex SHA-256 of the secret: looking a token up never needs the secret at rest.
    public var id: String
    public var role: Role
    public var organisationID: String?
    public var label: String
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { organisationID }

    enum CodingKeys: String, CodingKey {
        case id, role, label, createdAt, updatedAt
        case organisationID = "organisationId"
    }

    /// A new token and its secret. The secret has 256 bits of randomness and a recognisable prefix so
    /// that secret scanners can find leaked ones.
    public static func issue(role: Role, organisationID: String?, label: String, at: Date) -> (token: APIToken, secret: String) {
        let secret = randomSecret(prefix: "rgr_")
        let token = APIToken(id: hash(of: secret), role: role, organisationID: organisationID, label: label, createdAt: at, updatedAt: at)
        return (token, secret)
    }

    /// 256 random bits in base64url behind a recognisable prefix (for secret scanners).
    public static func randomSecret(prefix: String) -> String {
        prefix + Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    public static func hash(of secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).lowercaseHex
    }
}
