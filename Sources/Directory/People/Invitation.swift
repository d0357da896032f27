import Foundation

/// An invitation to join: as directory staff, or as a member of one organisation. The link carries a
/// secret shown once (or e-mailed); only its SHA-256 is kept, as the record's id, so a copy of the store
/// cannot accept anyone's invitation. Accepting deletes it: a link works once, and not after `expiresAt`.
public struct Invitation: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.invitations
    /// Three days: long enough for a weekend, short enough that a forgotten link goes stale.
    public static let lifetime: TimeInterval = 72 * 3600

    public var id: String
    public var email: String
    public var staffRole: StaffRole?
    public var membership: Membership?
    /// The audit name of who invited.
    public var invitedBy: String
    public var createdAt: Date
    public var expiresAt: Date
    public var updatedAt: Date

    /// Invitations to an organisation belong to it (listed with its members); staff invitations to none.
    public var ownerID: String? { membership?.organisationID }

    public init(
        id: String, email: String, staffRole: StaffRole?, membership: Membership?, invitedBy: String, createdAt: Date, expiresAt: Date
    ) {
        self.id = id
        self.email = email
        self.staffRole = staffRole
        self.membership = membership
        self.invitedBy = invitedBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.updatedAt = createdAt
    }

    /// What the invitation grants, in words.
    public var grants: String {
        if let staffRole { return "directory staff (\(staffRole.rawValue))" }
        if let membership { return "\(membership.role.rawValue) of organisation \(membership.organisationID)" }
        return "nothing"
    }
}

/// A signed-in browser. The cookie holds a secret; the store keeps its SHA-256 as the id, so any node
/// recognises the session and ending it (sign-out, the person disabled) counts on every node at once.
public struct SignInSession: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.signInSessions
    /// Ended after this long without a request.
    public static let idleTimeout: TimeInterval = 30 * 60
    /// Ended this long after sign-in, however busy.
    public static let absoluteTimeout: TimeInterval = 12 * 3600
    /// `lastSeenAt` is written at most this often: a page view is not a write.
    public static let touchInterval: TimeInterval = 60

    public var id: String
    public var personID: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var updatedAt: Date

    public var ownerID: String? { personID }

    enum CodingKeys: String, CodingKey {
        case id, createdAt, lastSeenAt, updatedAt
        case personID = "personId"
    }

    public init(id: String, personID: String, at: Date) {
        self.id = id
        self.personID = personID
        self.createdAt = at
        self.lastSeenAt = at
        self.updatedAt = at
    }

    public func isLive(at now: Date) -> Bool {
        now < createdAt.addingTimeInterval(Self.absoluteTimeout) && now < lastSeenAt.addingTimeInterval(Self.idleTimeout)
    }
}
