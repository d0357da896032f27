import Directory
import Foundation
import Keys

/// A client registered through `POST /register`, as the bank's authorisation server will read it.
public struct RegisteredClient: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.registeredClients

    public enum Status: String, Codable, Sendable, CaseIterable {
        case active = "Active"
        /// An operator disabled it: management calls answer 401 and the AS should refuse it.
        case disabled = "Disabled"
    }

    /// The client_id: random, URL-safe, unguessable.
    public var id: String
    public var softwareID: String
    public var organisationID: String?
    /// The SSA's `iss`: which directory vouched for the software.
    public var softwareStatementIssuer: String
    public var profile: String
    /// The accepted metadata, including `software_statement` exactly as presented.
    public var metadata: [String: JSONValue]
    /// SHA-256 (hex) of the registration access token; the token itself is shown once.
    public var registrationTokenHash: String
    /// `x5t#S256` of the certificate the client registered with.
    public var certificateThumbprint: String?
    public var status: Status
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { softwareID }
}

/// A registration access token (RFC 7592 §1.1), found by its hash so that a token presented for the
/// wrong client can be told, and revoked.
public struct RegistrationAccessToken: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.registrationTokens

    public var id: String
    public var clientID: String
    public var createdAt: Date
    public var updatedAt: Date
    /// When the token stops working (nil: never; `RegistrationSettings.registrationTokenLifetime`).
    public var expiresAt: Date?
    public var ownerID: String? { clientID }

    /// A new token: 256 random bits with a recognisable prefix for secret scanners.
    static func issue(for clientID: String, at now: Date, lifetime: TimeInterval?) -> (record: RegistrationAccessToken, secret: String) {
        let secret = APIToken.randomSecret(prefix: "rgt_")
        let token = RegistrationAccessToken(
            id: APIToken.hash(of: secret), clientID: clientID, createdAt: now, updatedAt: now,
            expiresAt: lifetime.map(now.addingTimeInterval))
        return (token, secret)
    }

    func hasExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }
}
