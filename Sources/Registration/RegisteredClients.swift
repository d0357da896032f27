import Directory
import Foundation
import Keys

/// The clients registered here, as operators and the bank's authorisation server read them: one client,
/// all of them, and a change feed that resumes after a cursor; operators may disable a client.
///
/// The feed is the audit trail of `registered_clients`: audit ids grow in commit order, so a reader that
/// passes back the last cursor it saw never skips or repeats a change, across restarts and nodes.
public struct RegisteredClients: Sendable {
    public static let maximumPageSize = 1000
    let store: any DirectoryStore

    public init(store: any DirectoryStore) {
        self.store = store
    }

    /// A registered client without its secrets (the registration token hash stays inside).
    public struct View: Codable, Sendable, Equatable {
        public var clientId: String
        public var softwareId: String
        public var organisationId: String?
        public var softwareStatementIssuer: String
        public var profile: String
        public var status: RegisteredClient.Status
        /// `x5t#S256` of the certificate the client registered with.
        public var certificateThumbprint: String?
        public var createdAt: Date
        public var updatedAt: Date
        /// The RFC 7591 metadata as accepted, `software_statement` included.
        public var metadata: [String: JSONValue]

        public init(_ client: RegisteredClient) {
            clientId = client.id
            softwareId = client.softwareID
            organisationId = client.organisationID
            softwareStatementIssuer = client.softwareStatementIssuer
            profile = client.profile
            status = client.status
            certificateThumbprint = client.certificateThumbprint
            createdAt = client.createdAt
            updatedAt = client.updatedAt
            metadata = client.metadata
        }
    }

    /// One change to one client. `client` is the client after the change, absent after a deletion.
    public struct Change: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case registered, updated, disabled, enabled, deleted
        }

        public var cursor: String
        public var change: Kind
        public var clientId: String
        public var at: Date
        public var client: View?
    }

    /// A page of the feed; `cursor` is what to pass as `after` next time (unchanged when nothing is new).
    public struct ChangePage: Codable, Sendable, Equatable {
        public var changes: [Change]
        public var cursor: String
        /// The page read as many events as asked for, so more may follow (not part of the body).
        public var mayHaveMore = false

        enum CodingKeys: String, CodingKey { case changes, cursor }
    }

    /// The audit actions the feed reports, and what each means to a reader.
    static let kinds: [String: Change.Kind] = [
        "client.register": .registered, "client.update": .updated, "client.disable": .disabled, "client.enable": .enabled,
        "client.delete": .deleted,
    ]

    public func client(_ id: String, for caller: Caller) async throws -> View {
        try caller.requireClientAccess()
        return View(try await stored(id).record)
    }

    /// Every client, oldest first.
    public func all(for caller: Caller) async throws -> [View] {
        try caller.requireClientAccess()
        return try await store.records(RegisteredClient.self).map { View($0.record) }.sorted {
            ($0.createdAt, $0.clientId) < ($1.createdAt, $1.clientId)
        }
    }

    /// Changes after `cursor` (from the beginning when nil), oldest first, at most `limit`.
    public func changes(after cursor: String?, limit: Int, for caller: Caller) async throws -> ChangePage {
        try caller.requireClientAccess()
        let after = try Self.position(of: cursor)
        guard (1...Self.maximumPageSize).contains(limit) else {
            throw DirectoryError.invalidInput("limit must be a whole number from 1 to \(Self.maximumPageSize)")
        }
        let events = try await store.auditEvents(afterID: after, limit: limit, subjectType: RegisteredClient.collection.rawValue)
        let changes = try events.compactMap { event -> Change? in
            guard let kind = Self.kinds[event.action] else { return nil }
            let client = try event.after.map { try RecordCoding.decoder.decode(RegisteredClient.self, from: Data($0.utf8)) }
            return Change(cursor: String(event.id), change: kind, clientId: event.subjectID, at: event.at, client: client.map(View.init))
        }
        return ChangePage(changes: changes, cursor: events.last.map { String($0.id) } ?? String(after), mayHaveMore: events.count == limit)
    }

    /// An operator disables a client (its management calls then answer 401 and the AS should refuse it),
    /// or enables it again.
    public func setStatus(_ id: String, to status: RegisteredClient.Status, by caller: Caller, at now: Date = Date()) async throws
        -> View
    {
        try caller.requireOperator()
        let stored = try await stored(id)
        guard stored.record.status != status else { return View(stored.record) }
        var updated = stored.record
        updated.status = status
        updated.updatedAt = now
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.update(
            updated, readAt: stored.revision, auditedAs: status == .disabled ? "client.disable" : "client.enable", before: stored.record)
        // A software with one registration: enabling this client takes the registration back, unless
        // another active client of the software holds it now.
        if status == .active, try await store.record(SoftwareRegistration.self, id: updated.softwareID) != nil {
            do {
                try await SoftwareRegistration.claim(updated.softwareID, for: id, in: store, into: &changes, at: now)
            } catch is OAuthError {
                throw DirectoryError.conflict("software \(updated.softwareID) has another active client; disable that one first")
            }
        }
        do { try await store.apply(changes) } catch  where SoftwareRegistration.lostRace(error) {
            throw DirectoryError.conflict("software \(updated.softwareID) was registered again at the same moment; retry")
        }
        return View(updated)
    }

    func stored(_ id: String) async throws -> Stored<RegisteredClient> {
        guard RecordIdentifier.isWellFormed(id), let stored = try await store.record(RegisteredClient.self, id: id) else {
            throw DirectoryError.notFound("no registered client \(id.prefix(64))")
        }
        return stored
    }

    /// Cursors are opaque to readers; today they are audit ids.
    static func position(of cursor: String?) throws -> Int64 {
        guard let cursor else { return 0 }
        guard cursor.utf8.count <= 18, let value = Int64(cursor), value >= 0 else {
            throw DirectoryError.invalidInput("after must be a cursor this feed returned")
        }
        return value
    }
}
