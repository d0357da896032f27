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

extension RegisteredClient: JSONValueRepresentable {
    /// The members the synthesised `Codable` conformance writes (a test holds the two together).
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "softwareID": .string(softwareID), "softwareStatementIssuer": .string(softwareStatementIssuer),
            "profile": .string(profile), "metadata": .object(metadata), "registrationTokenHash": .string(registrationTokenHash),
            "status": .string(status.rawValue), "createdAt": .string(Timestamp.format(createdAt)),
            "updatedAt": .string(Timestamp.format(updatedAt)),
        ]
        members["organisationID"] = organisationID.map(JSONValue.string)
        members["certificateThumbprint"] = certificateThumbprint.map(JSONValue.string)
        return .object(members)
    }
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

extension RegistrationAccessToken: JSONValueRepresentable {
    /// The members the synthesised `Codable` conformance writes (a test holds the two together).
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "clientID": .string(clientID), "createdAt": .string(Timestamp.format(createdAt)),
            "updatedAt": .string(Timestamp.format(updatedAt)),
        ]
        members["expiresAt"] = expiresAt.map { .string(Timestamp.format($0)) }
        return .object(members)
    }
}

/// Which client holds a software's one registration, where the profile allows only one
/// (`RegistrationProfile.oneClientPerSoftware`). Its id is the software id, so two registrations racing
/// for one software meet on the store's unique key, or on this record's revision when a holder that is
/// no longer active is replaced, and exactly one of them commits.
public struct SoftwareRegistration: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.softwareRegistrations

    /// The software id.
    public var id: String
    public var clientID: String
    public var updatedAt: Date
    public var ownerID: String? { clientID }

    /// Adds to `changes` the claim of `softwareID` for `clientID`. Refused while another active client
    /// holds it; a holder that is disabled or gone gives way.
    static func claim(
        _ softwareID: String, for clientID: String, in store: any DirectoryStore, into changes: inout ChangeSet, at now: Date
    ) async throws {
        let claim = SoftwareRegistration(id: softwareID, clientID: clientID, updatedAt: now)
        guard let held = try await store.record(SoftwareRegistration.self, id: softwareID) else {
            try changes.insert(claim)
            return
        }
        if held.record.clientID == clientID { return }
        if let holder = try await store.record(RegisteredClient.self, id: held.record.clientID), holder.record.status == .active {
            throw alreadyRegistered(softwareID)
        }
        try changes.update(claim, readAt: held.revision)
    }

    static func alreadyRegistered(_ softwareID: String) -> OAuthError {
        .invalidClientMetadata("software \(softwareID) is already registered here; update it with PUT instead")
    }

    /// Whether a failed write lost the race for a software's registration.
    static func lostRace(_ error: any Error) -> Bool {
        switch error as? StoreError {
        case .duplicate(.softwareRegistrations, _), .concurrentModification(.softwareRegistrations, _): true
        default: false
        }
    }
}

/// The registration role's tables. They move the registration ledger, so that a stream of registrations
/// leaves the directory's caches warm.
extension RecordCollection {
    /// The registered clients and their registration access tokens.
    public static let registeredClients = Self("registered_clients", ledger: .registration)
    public static let registrationTokens = Self("registration_tokens", ledger: .registration)
    /// Which client holds a software's one registration, where the profile allows only one.
    public static let softwareRegistrations = Self("software_registrations", ledger: .registration)
}
