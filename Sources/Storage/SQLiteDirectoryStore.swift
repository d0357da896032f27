import Directory
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode (readers never wait for the writer), through GRDB.
///
/// ```swift
/// let store = try SQLiteDirectoryStore(path: "registrar-data/registrar.sqlite")
/// let directory = ParticipantDirectory(store: store)
/// ```
public final class SQLiteDirectoryStore: DirectoryStore {
    private let pool: DatabasePool
    private let commits: GroupCommit
    private let log: WriteAheadLog

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // Durable commits: a registration or key change reported as done must survive a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Each change set of a group commit runs in a savepoint, and SQLite keeps the pages a savepoint
            // changes in a statement journal: in a temporary file that was most of the bytes the store wrote.
            // The journal only undoes a failed savepoint and is discarded at commit, so memory loses nothing.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let log = WriteAheadLog()
        self.log = log
        commits = GroupCommit(afterBatch: log.checkpointIfLong)
        try DatabaseFilePermissions.secure(databaseAt: path)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            for migration in Schema.migrations {
                migrator.registerMigration(migration.name) { db in
                    for statement in migration.sqlite { try db.execute(sql: statement) }
                }
            }
            try migrator.migrate(pool)
            pool.writeWithoutTransaction { db in log.watch(db) }
        } catch {
            throw StoreError.unavailable("cannot open SQLite database at \(path): \(error)")
        }
    }

    /// Applies `changes` atomically and durably. Change sets that arrive while another batch is being
    /// committed are committed together, each in a savepoint of its own, under one fsync (`GroupCommit`).
    public func apply(_ changes: ChangeSet) async throws -> Int64 {
        try await commits.submit(changes, to: pool, write: Self.write)
    }

    private static func write(_ changes: ChangeSet, in db: Database) throws -> Int64 {
        let ledger = try changes.ledger()
        guard
            let revision = try Int64.fetchOne(
                try db.cachedStatement(sql: "UPDATE \(ledger.table) SET value = value + 1 RETURNING value"))
        else {
            throw StoreError.unavailable("\(ledger.table) is missing")
        }
        for write in changes.writes {
            switch write {
            case .insert(let collection, let row):
                try db.cachedStatement(
                    sql:
                        "INSERT INTO \(collection.rawValue) (id, owner_id, revision, updated_at, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
                ).execute(
                    arguments: [
                        row.id, row.ownerID, revision, Timestamp.format(row.updatedAt), String(decoding: row.body, as: UTF8.self),
                    ])
                guard db.changesCount == 1 else { throw StoreError.duplicate(collection: collection, id: row.id) }
            case .update(let collection, let row, let expected):
                try db.cachedStatement(
                    sql:
                        "UPDATE \(collection.rawValue) SET owner_id = ?, revision = ?, updated_at = ?, body = ? WHERE id = ? AND revision = ?"
                ).execute(
                    arguments: [
                        row.ownerID, revision, Timestamp.format(row.updatedAt), String(decoding: row.body, as: UTF8.self), row.id,
                        expected,
                    ])
                guard db.changesCount == 1 else { throw StoreError.concurrentModification(collection: collection, id: row.id) }
            case .delete(let collection, let id, let expected):
                try db.cachedStatement(sql: "DELETE FROM \(collection.rawValue) WHERE id = ? AND revision = ?").execute(
                    arguments: [id, expected])
                guard db.changesCount == 1 else { throw StoreError.concurrentModification(collection: collection, id: id) }
            }
        }
        for event in changes.auditEvents {
            try db.cachedStatement(
                sql:
                    "INSERT INTO audit_events (at, actor, action, subject_type, subject_id, before, after, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ).execute(
                arguments: [
                    Timestamp.format(event.at), event.actor, event.action, event.subjectType, event.subjectID, event.before,
                    event.after, revision,
                ])
        }
        for use in changes.firstUses where try !Self.claim(use, at: changes.at, in: db) {
            throw StoreError.alreadyUsed(use.value)
        }
        return revision
    }

    public func row(in collection: RecordCollection, id: String) async throws -> StoredRow? {
        try await pool.read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT id, owner_id, revision, updated_at, body FROM \(collection.rawValue) WHERE id = ?"),
                arguments: [id]
            )
            .map(Self.storedRow)
        }
    }

    public func rows(in collection: RecordCollection, ownerID: String?) async throws -> [StoredRow] {
        try await pool.read { db in
            if let ownerID {
                return try Row.fetchAll(
                    try db.cachedStatement(
                        sql: "SELECT id, owner_id, revision, updated_at, body FROM \(collection.rawValue) WHERE owner_id = ? ORDER BY id"),
                    arguments: [ownerID]
                ).map(Self.storedRow)
            }
            return try Row.fetchAll(db, sql: "SELECT id, owner_id, revision, updated_at, body FROM \(collection.rawValue) ORDER BY id").map(
                Self.storedRow)
        }
    }

    public func currentRevision() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM directory_revision") ?? 0 }
    }

    public func auditEvents(matching query: AuditQuery) async throws -> [AuditEvent] {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        for condition in query.conditions {
            switch condition.value {
            case .integer(let value): arguments.append(value)
            case .text(let value): arguments.append(value)
            case .time(let value): arguments.append(Timestamp.format(value))
            case .texts(let values):
                // An empty set matches nothing; NULL keeps the clause well-formed.
                arguments += values.isEmpty ? [nil] : values.map { $0 }
                clauses.append("\(condition.column) IN (\(Array(repeating: "?", count: max(values.count, 1)).joined(separator: ", ")))")
                continue
            }
            clauses.append("\(condition.column) \(condition.comparison) ?\(condition.comparison == "LIKE" ? #" ESCAPE '\'"# : "")")
        }
        arguments.append(query.boundedLimit)
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let bound = StatementArguments(arguments)
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, at, actor, action, subject_type, subject_id, before, after, revision FROM audit_events
                    \(filter) ORDER BY id \(query.newestFirst ? "DESC" : "ASC") LIMIT ?
                    """,
                arguments: bound
            ).map { row in
                AuditEvent(
                    id: row["id"], at: Timestamp.parse(row["at"]) ?? .distantPast, actor: row["actor"], action: row["action"],
                    subjectType: row["subject_type"], subjectID: row["subject_id"], before: row["before"], after: row["after"],
                    revision: row["revision"])
            }
        }
    }

    public func noteFirstUse(of value: String, until expiry: Date, now: Date) async throws -> Bool {
        try await pool.write { db in try Self.claim(ChangeSet.FirstUse(value: value, expiresAt: expiry), at: now, in: db) }
    }

    /// Records a first use; false when the value is in use. An expired entry is taken over; a live one is
    /// left alone, and the insert changes nothing. Entries a minute past expiry are swept on the way.
    private static func claim(_ use: ChangeSet.FirstUse, at now: Date, in db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT INTO used_values (value, expires_at) VALUES (?, ?)
                ON CONFLICT (value) DO UPDATE SET expires_at = excluded.expires_at WHERE used_values.expires_at <= ?
                """
        ).execute(arguments: [use.value, use.expiresAt.timeIntervalSince1970, now.timeIntervalSince1970])
        let first = db.changesCount == 1
        try db.cachedStatement(sql: "DELETE FROM used_values WHERE expires_at <= ?").execute(arguments: [now.timeIntervalSince1970 - 60])
        return first
    }

    public func close() async throws {
        try pool.close()
    }

    private static func storedRow(_ row: Row) -> StoredRow {
        StoredRow(
            id: row["id"], ownerID: row["owner_id"], revision: row["revision"],
            updatedAt: Timestamp.parse(row["updated_at"]) ?? .distantPast,
            body: Data((row["body"] as String).utf8))
    }
}
