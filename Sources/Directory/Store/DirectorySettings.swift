import Foundation

/// What the directory is, kept with its data so that every command and every node agrees: the URL
/// relying parties reach it at (every published link, and the CRL, OCSP and CA-issuer URLs baked into
/// the certificates it issues), its ecosystem profile and its SSA issuer. Set by `registrar init` or
/// `serve` when given; any command that issues reads it, so that a certificate issued from the command
/// line never points at `http://localhost:8080`.
public struct DirectorySettings: StoredRecord, Equatable {
    public static let collection = RecordCollection.directorySettings
    public static let recordID = "directory"

    public var id: String = Self.recordID
    public var publicURL: String?
    public var profile: EcosystemProfile?
    public var ssaIssuer: String?
    public var updatedAt: Date

    public var ownerID: String? { nil }

    public init(publicURL: String? = nil, profile: EcosystemProfile? = nil, ssaIssuer: String? = nil, updatedAt: Date) {
        (self.publicURL, self.profile, self.ssaIssuer, self.updatedAt) = (publicURL, profile, ssaIssuer, updatedAt)
    }

    /// The settings kept in `store`, or nil before any were set.
    public static func read(from store: any DirectoryStore) async throws -> DirectorySettings? {
        try await store.record(DirectorySettings.self, id: recordID)?.record
    }

    /// Keeps the values `given` names (nil ones leave the kept value as it is); writes and audits only
    /// when something changed. Returns the settings now in force.
    @discardableResult
    public static func keep(_ given: DirectorySettings, in store: any DirectoryStore, by caller: Caller) async throws -> DirectorySettings {
        let stored = try await store.record(DirectorySettings.self, id: recordID)
        var next = stored?.record ?? DirectorySettings(updatedAt: given.updatedAt)
        next.publicURL = given.publicURL ?? next.publicURL
        next.profile = given.profile ?? next.profile
        next.ssaIssuer = given.ssaIssuer ?? next.ssaIssuer
        guard
            next.publicURL != stored?.record.publicURL || next.profile != stored?.record.profile
                || next.ssaIssuer != stored?.record.ssaIssuer
        else { return next }
        next.updatedAt = given.updatedAt
        var changes = ChangeSet(actor: caller.auditName, at: given.updatedAt)
        if let stored {
            try changes.update(next, readAt: stored.revision, auditedAs: "directory-settings.update", before: stored.record)
        } else {
            try changes.insert(next, auditedAs: "directory-settings.create")
        }
        try await store.apply(changes)
        return next
    }
}
