import Crypto
import Foundation
import Keys

/// A person who signs in to the console: directory staff, members of organisations, or both. What the
/// audit trail shows of a person is this record; their secrets live apart (`PersonCredentials`) so that
/// no audit event ever carries a password hash or a second-factor secret.
public struct Person: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.people

    public enum Status: String, Codable, Sendable, CaseIterable {
        case active = "Active"
        /// Cannot sign in; every session ended when the person was disabled.
        case disabled = "Disabled"
    }

    public var id: String
    /// Normalised (`EmailAddress.normalised`): the sign-in name, unique across the directory.
    public var email: String
    public var name: String
    public var status: Status
    /// Directory staff have a staff role; organisation members have none.
    public var staffRole: StaffRole?
    public var memberships: [Membership]
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { nil }

    enum CodingKeys: String, CodingKey {
        case id, email, name, status, staffRole, memberships, createdAt, updatedAt
    }

    public init(
        id: String, email: String, name: String, status: Status = .active, staffRole: StaffRole? = nil, memberships: [Membership] = [],
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.status = status
        self.staffRole = staffRole
        self.memberships = memberships
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func role(in organisationID: String) -> OrganisationRole? {
        memberships.first { $0.organisationID == organisationID }?.role
    }

    /// Staff administrators and organisation administrators must sign in with a second factor.
    public var needsSecondFactor: Bool {
        staffRole != nil || memberships.contains { $0.role == .administrator }
    }
}

/// A person's role in one organisation.
public struct Membership: Codable, Sendable, Equatable, Hashable {
    public var organisationID: String
    public var role: OrganisationRole

    enum CodingKeys: String, CodingKey {
        case role
        case organisationID = "organisationId"
    }

    public init(organisationID: String, role: OrganisationRole) {
        self.organisationID = organisationID
        self.role = role
    }
}

/// What a person proves at sign-in, kept apart from `Person` and never audited: the password's scrypt
/// hash, the sealed TOTP secret, and the count of failed attempts behind a lock-out.
public struct PersonCredentials: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.personCredentials

    /// The person's id.
    public var id: String
    public var passwordHash: String
    /// The TOTP secret sealed with the directory's key-encryption key (bound to the person's id).
    public var sealedOneTimePasswordSecret: String?
    public var failedAttempts: Int
    public var lockedUntil: Date?
    public var updatedAt: Date

    public var ownerID: String? { nil }

    public init(
        id: String, passwordHash: String, sealedOneTimePasswordSecret: String?, failedAttempts: Int = 0, lockedUntil: Date? = nil,
        updatedAt: Date
    ) {
        self.id = id
        self.passwordHash = passwordHash
        self.sealedOneTimePasswordSecret = sealedOneTimePasswordSecret
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
        self.updatedAt = updatedAt
    }
}

/// The index from an e-mail address to its person. Its id is the SHA-256 of the normalised address, so
/// the store's primary key makes addresses unique (two invitations accepted at once for one address:
/// one of them fails) and a sign-in finds its person in one read.
public struct EmailAddressClaim: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.emailAddresses

    public var id: String
    public var personID: String
    public var updatedAt: Date

    public var ownerID: String? { personID }

    enum CodingKeys: String, CodingKey {
        case id, updatedAt
        case personID = "personId"
    }

    public init(email: String, personID: String, at: Date) {
        self.id = Self.id(of: email)
        self.personID = personID
        self.updatedAt = at
    }

    public static func id(of normalisedEmail: String) -> String {
        SHA256.hash(data: Data(normalisedEmail.utf8)).lowercaseHex
    }
}

/// E-mail addresses as sign-in names: trimmed and lower-cased (RFC 5321 lets the local part be
/// case-sensitive; no mail system in use treats it so, and two accounts that differ only in case would
/// be a trap), one `@`, no spaces or controls, at most 254 octets (RFC 5321 §4.5.3.1.3 path limit).
public enum EmailAddress {
    public static func normalised(_ text: String) throws -> String {
        let address = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0) })
        else { throw DirectoryError.invalidInput("email must be an address like name@example.com") }
        return address
    }
}

extension RecordCollection {
    public static let people = Self("people", ledger: .people)
    public static let personCredentials = Self("person_credentials", ledger: .people)
    public static let emailAddresses = Self("email_addresses", ledger: .people)
    public static let invitations = Self("invitations", ledger: .people)
    public static let signInSessions = Self("sign_in_sessions", ledger: .people)
}
