import Foundation

/// Everything one operation changes, applied atomically by `DirectoryStore.apply`: the domain decides,
/// the store only writes. Updates carry the revision they were read at (optimistic concurrency).
///
/// ```swift
/// var changes = ChangeSet(actor: caller.auditName)
/// try changes.insert(organisation, auditedAs: "organisation.create")
/// try changes.update(software, readAt: stored.revision, auditedAs: "software.status", before: stored.record)
/// try await store.apply(changes)
/// ```
public struct ChangeSet: Sendable {
    public enum Write: Sendable, Equatable {
        case insert(RecordCollection, StoredRow)
        case update(RecordCollection, StoredRow, expectedRevision: Int64)
        case delete(RecordCollection, id: String, expectedRevision: Int64)

        public var collection: RecordCollection {
            switch self {
            case .insert(let collection, _), .update(let collection, _, _), .delete(let collection, _, _): collection
            }
        }
    }

    /// A value that may be used once until it expires (a request JWT's `jti`), claimed in the same
    /// transaction as the change it allows: used if and only if the change commits.
    public struct FirstUse: Sendable, Equatable {
        public var value: String
        public var expiresAt: Date

        public init(value: String, expiresAt: Date) {
            self.value = value
            self.expiresAt = expiresAt
        }
    }

    public let actor: String
    public let at: Date
    public private(set) var writes: [Write] = []
    /// Applied after the writes; one that is already used makes the whole change set fail with
    /// `StoreError.alreadyUsed`.
    public private(set) var firstUses: [FirstUse] = []
    public private(set) var auditEvents: [AuditEvent] = []

    public init(actor: String, at: Date = Date()) {
        self.actor = actor
        self.at = at
    }

    public var isEmpty: Bool { writes.isEmpty }

    /// The ledger whose revision this change set moves: its writes' (the directory's when it has none).
    /// A change set spanning both ledgers would order its audit events under one lock only, so it is refused.
    public func ledger() throws -> RevisionLedger {
        let ledgers = Set(writes.map(\.collection.ledger))
        guard ledgers.count <= 1 else { throw StoreError.unavailable("a change set may not write to both revision ledgers") }
        return ledgers.first ?? .directory
    }

    public mutating func insert<R: StoredRecord>(_ record: R) throws {
        writes.append(.insert(R.collection, try Self.row(for: record)))
    }

    public mutating func update<R: StoredRecord>(_ record: R, readAt revision: Int64) throws {
        writes.append(.update(R.collection, try Self.row(for: record), expectedRevision: revision))
    }

    /// Inserts a record and audits its creation, both from one encoding of it.
    public mutating func insert<R: StoredRecord>(_ record: R, auditedAs action: String) throws {
        let row = try Self.row(for: record)
        writes.append(.insert(R.collection, row))
        appendAudit(action, collection: R.collection, subjectID: record.id, before: nil, after: String(decoding: row.body, as: UTF8.self))
    }

    /// Updates a record and audits the change, its new state from the same encoding as the write.
    public mutating func update<R: StoredRecord>(_ record: R, readAt revision: Int64, auditedAs action: String, before: R) throws {
        let row = try Self.row(for: record)
        writes.append(.update(R.collection, row, expectedRevision: revision))
        appendAudit(
            action, collection: R.collection, subjectID: record.id, before: Self.auditJSON(before),
            after: String(decoding: row.body, as: UTF8.self))
    }

    public mutating func claimFirstUse(_ use: FirstUse) {
        firstUses.append(use)
    }

    public mutating func delete<R: StoredRecord>(_ record: Stored<R>) {
        writes.append(.delete(R.collection, id: record.record.id, expectedRevision: record.revision))
    }

    /// Deletes a record and audits it, the record as it was before.
    public mutating func delete<R: StoredRecord>(_ record: Stored<R>, auditedAs action: String) {
        delete(record)
        audit(action, subject: record.record, before: record.record, after: nil)
    }

    /// Inserts a record, or updates it when it was read before (`previous`), and audits either.
    public mutating func upsert<R: StoredRecord>(_ record: R, previous: Stored<R>?, auditedAs action: String) throws {
        if let previous {
            try update(record, readAt: previous.revision, auditedAs: action, before: previous.record)
        } else {
            try insert(record, auditedAs: action)
        }
    }

    /// Records an audit event; `before` and `after` are the whole record as JSON, with secrets already
    /// left out by the record types themselves (tokens are stored hashed, keys sealed).
    public mutating func audit<R: StoredRecord>(_ action: String, subject: R, before: R?, after: R?) {
        appendAudit(
            action, collection: R.collection, subjectID: subject.id, before: before.flatMap(Self.auditJSON),
            after: after.flatMap(Self.auditJSON))
    }

    private mutating func appendAudit(_ action: String, collection: RecordCollection, subjectID: String, before: String?, after: String?) {
        auditEvents.append(
            AuditEvent(
                id: 0, at: at, actor: actor, action: action, subjectType: collection.rawValue, subjectID: subjectID, before: before,
                after: after))
    }

    private static func row<R: StoredRecord>(for record: R) throws -> StoredRow {
        StoredRow(
            id: record.id, ownerID: record.ownerID, revision: 0, updatedAt: record.updatedAt, body: try RecordCoding.encode(record))
    }

    private static func auditJSON<R: StoredRecord>(_ record: R) -> String? {
        (try? RecordCoding.encode(record)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Who did what to which record, when, and what it looked like before and after.
public struct AuditEvent: Codable, Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var subjectType: String
    public var subjectID: String
    public var before: String?
    public var after: String?
    /// The directory revision the change created (0 until stored).
    public var revision: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case id, at, actor, action, subjectType, before, after, revision
        case subjectID = "subjectId"
    }

    public init(
        id: Int64, at: Date, actor: String, action: String, subjectType: String, subjectID: String, before: String?, after: String?,
        revision: Int64 = 0
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.before = before
        self.after = after
        self.revision = revision
    }
}
