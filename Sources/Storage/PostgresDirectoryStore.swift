import Directory
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The store for deployments that outgrow one node: several stateless Registrar nodes share one
/// PostgreSQL database. Writers serialise on their ledger's revision row (`directory_revision` or
/// `registration_revision`), so revisions are assigned in commit order and every node sees the same history.
///
/// ```swift
/// let store = try await PostgresDirectoryStore.connect(url: "postgres://registrar:secret@db:5432/registrar")
/// ```
public final class PostgresDirectoryStore: DirectoryStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    /// How long any one operation may take (a lease from the pool, its queries, the commit).
    private let operationLimit: Duration

    private init(client: PostgresClient, operationLimit: Duration, logger: Logger) {
        self.client = client
        self.operationLimit = operationLimit
        self.logger = logger
        runner = Task { await client.run() }
    }

    /// Waits on the database are bounded: `connect_timeout` (libpq's name) and `operation_timeout`
    /// (Registrar's), seconds, in the URL's query; past them an operation answers `StoreError.unavailable`.
    public struct WaitLimits: Sendable, Equatable {
        public var connect: Duration = .seconds(10)
        public var operation: Duration = .seconds(10)
        /// Bringing the schema up to date at start.
        public var migration: Duration = .seconds(120)

        public init(connect: Duration = .seconds(10), operation: Duration = .seconds(10)) {
            self.connect = connect
            self.operation = operation
        }

        static func from(_ query: [String: String]) throws -> WaitLimits {
            var limits = WaitLimits()
            for (name, path) in [("connect_timeout", \WaitLimits.connect), ("operation_timeout", \WaitLimits.operation)] {
                guard let text = query[name] else { continue }
                guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                    throw StoreError.unavailable("\(name) in the database URL must be a number of seconds from 0 to 3600")
                }
                limits[keyPath: path] = .milliseconds(Int64(seconds * 1000))
            }
            return limits
        }
    }

    /// Runs one operation within the operation limit, a lost or unreachable database answered as `StoreError.unavailable`.
    private func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await PostgresUnavailability.bounded(within: operationLimit) { try await PostgresUnavailability.translating(body) }
    }

    /// Connects, then brings the schema up to date (migrations run under an advisory lock, so nodes that
    /// start together migrate once).
    public static func connect(url: String, logger: Logger = Logger(label: "registrar.postgres")) async throws -> PostgresDirectoryStore {
        let (configuration, limits) = try settings(from: url)
        let store = PostgresDirectoryStore(
            client: PostgresClient(configuration: configuration, backgroundLogger: logger), operationLimit: limits.operation, logger: logger
        )
        do {
            // The pool runs in `runner`; PostgresClient offers no "running" signal, and a lease that
            // beats `run()` works but logs a warning. A moment's head start avoids the noise.
            try await Task.sleep(for: .milliseconds(20))
            // A database that takes the connection but never answers is told apart at once; migrating may
            // then wait its turn behind other nodes' (the advisory lock), so it gets longer.
            try await PostgresUnavailability.bounded(within: limits.connect) { try await store.answers() }
            try await PostgresUnavailability.bounded(within: limits.migration) { try await store.migrate() }
        } catch {
            try? await store.close()
            throw StoreError.unavailable("cannot prepare PostgreSQL database: \(String(reflecting: error))")
        }
        return store
    }

    /// `postgres://user:password@host:port/database?sslmode=disable|require`, or a unix socket folder
    /// given as `?host=/path/to/socket-folder` (libpq's convention).
    public static func configuration(from url: String) throws -> PostgresClient.Configuration { try settings(from: url).configuration }

    static func settings(from url: String) throws -> (configuration: PostgresClient.Configuration, limits: WaitLimits) {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw StoreError.unavailable("the database URL must look like postgres://user:password@host:port/database")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let user = components.user ?? "postgres"
        let password = components.password
        let database = components.path.isEmpty || components.path == "/" ? user : String(components.path.dropFirst())
        let port = components.port ?? 5432
        var configuration: PostgresClient.Configuration
        if let socketFolder = query["host"], socketFolder.hasPrefix("/") {
            configuration = .init(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch query["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "require", "verify-full": tls = .require(.makeClientConfiguration())
            default: tls = .prefer(.makeClientConfiguration())
            }
            configuration = .init(
                host: components.host ?? "localhost", port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 16
        let limits = try WaitLimits.from(query)
        configuration.options.connectTimeout = limits.connect
        return (configuration, limits)
    }

    private func answers() async throws {
        for try await _ in try await client.query("SELECT 1", logger: logger).decode(Int.self) {}
    }

    private func migrate() async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7305917)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS registrar_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM registrar_migrations", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for migration in Schema.migrations where !applied.contains(migration.name) {
                for statement in migration.postgres { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("INSERT INTO registrar_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }

    public func apply(_ changes: ChangeSet) async throws -> Int64 {
        try await PostgresUnavailability.bounded(within: operationLimit) { try await self.write(changes) }
    }

    private func write(_ changes: ChangeSet) async throws -> Int64 {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                var revision: Int64 = 0
                let ledger = try changes.ledger()
                for try await value in try await connection.query(
                    PostgresQuery(unsafeSQL: "UPDATE \(ledger.table) SET value = value + 1 RETURNING value"), logger: logger
                ).decode(Int64.self) {
                    revision = value
                }
                for write in changes.writes {
                    try await self.perform(write, revision: revision, on: connection)
                }
                for event in changes.auditEvents {
                    try await connection.query(
                        """
                        INSERT INTO audit_events (at, actor, action, subject_type, subject_id, before, after, revision)
                        VALUES (\(event.at), \(event.actor), \(event.action), \(event.subjectType), \(event.subjectID), \(event.before)::jsonb, \(event.after)::jsonb, \(revision))
                        """, logger: logger)
                }
                for use in changes.firstUses where try await !self.claim(use, at: changes.at, on: connection) {
                    throw StoreError.alreadyUsed(use.value)
                }
                return revision
            }
        } catch let error as PostgresTransactionError {
            if let storeError = error.closureError as? StoreError { throw storeError }
            throw StoreError.unavailable(String(reflecting: error.closureError ?? error.commitError ?? error.beginError ?? error))
        } catch  where PostgresUnavailability.isUnavailable(error) {
            throw StoreError.unavailable("the PostgreSQL database is unavailable: \(PostgresUnavailability.describe(error))")
        }
    }

    private func perform(_ write: ChangeSet.Write, revision: Int64, on connection: PostgresConnection) async throws {
        switch write {
        case .insert(let collection, let row):
            var binds = PostgresBindings()
            binds.append(row.id)
            binds.append(row.ownerID)
            binds.append(revision)
            binds.append(row.updatedAt)
            binds.append(String(decoding: row.body, as: UTF8.self))
            let sql =
                "INSERT INTO \(collection.rawValue) (id, owner_id, revision, updated_at, body) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id"
            guard try await count(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection) == 1 else {
                throw StoreError.duplicate(collection: collection, id: row.id)
            }
        case .update(let collection, let row, let expected):
            var binds = PostgresBindings()
            binds.append(row.ownerID)
            binds.append(revision)
            binds.append(row.updatedAt)
            binds.append(String(decoding: row.body, as: UTF8.self))
            binds.append(row.id)
            binds.append(expected)
            let sql =
                "UPDATE \(collection.rawValue) SET owner_id = $1, revision = $2, updated_at = $3, body = $4::jsonb WHERE id = $5 AND revision = $6 RETURNING id"
            guard try await count(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection) == 1 else {
                throw StoreError.concurrentModification(collection: collection, id: row.id)
            }
        case .delete(let collection, let id, let expected):
            var binds = PostgresBindings()
            binds.append(id)
            binds.append(expected)
            let sql = "DELETE FROM \(collection.rawValue) WHERE id = $1 AND revision = $2 RETURNING id"
            guard try await count(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection) == 1 else {
                throw StoreError.concurrentModification(collection: collection, id: id)
            }
        }
    }

    private func count(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> Int {
        var rows = 0
        for try await _ in try await connection.query(query, logger: logger).decode(String.self) { rows += 1 }
        return rows
    }

    public func row(in collection: RecordCollection, id: String) async throws -> StoredRow? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await rows(
            PostgresQuery(
                unsafeSQL: "SELECT id, owner_id, revision, updated_at, body::text FROM \(collection.rawValue) WHERE id = $1", binds: binds)
        ).first
    }

    public func rows(in collection: RecordCollection, ownerID: String?) async throws -> [StoredRow] {
        let select = "SELECT id, owner_id, revision, updated_at, body::text FROM \(collection.rawValue)"
        guard let ownerID else { return try await rows(PostgresQuery(unsafeSQL: "\(select) ORDER BY id COLLATE \"C\"")) }
        var binds = PostgresBindings()
        binds.append(ownerID)
        return try await rows(PostgresQuery(unsafeSQL: "\(select) WHERE owner_id = $1 ORDER BY id COLLATE \"C\"", binds: binds))
    }

    private func rows(_ query: PostgresQuery) async throws -> [StoredRow] {
        try await bounded { [client, logger] in
            var result: [StoredRow] = []
            for try await (id, owner, revision, updatedAt, body) in try await client.query(query, logger: logger).decode(
                (String, String?, Int64, Date, String).self)
            {
                result.append(StoredRow(id: id, ownerID: owner, revision: revision, updatedAt: updatedAt, body: Data(body.utf8)))
            }
            return result
        }
    }

    public func currentRevision() async throws -> Int64 {
        try await bounded { [client, logger] in
            for try await value in try await client.query("SELECT value FROM directory_revision", logger: logger).decode(Int64.self) {
                return value
            }
            return 0
        }
    }

    public func auditEvents(matching filter: AuditQuery) async throws -> [AuditEvent] {
        // Only the filters given become conditions (so that indexes serve them), each a bound parameter.
        var binds = PostgresBindings()
        var clauses: [String] = []
        for condition in filter.conditions {
            switch condition.value {
            case .integer(let value): try binds.append(value)
            case .text(let value): try binds.append(value)
            case .time(let value): try binds.append(value)
            case .texts(let values):
                try binds.append(values)
                clauses.append("\(condition.column) = ANY($\(binds.count))")
                continue
            }
            clauses.append(
                "\(condition.column) \(condition.comparison) $\(binds.count)\(condition.comparison == "LIKE" ? #" ESCAPE '\'"# : "")")
        }
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT id, at, actor, action, subject_type, subject_id, before::text, after::text, revision FROM audit_events
                \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
                ORDER BY id \(filter.newestFirst ? "DESC" : "ASC") LIMIT \(filter.boundedLimit)
                """, binds: binds)
        return try await bounded { [client, logger] in
            var events: [AuditEvent] = []
            for try await (id, at, actor, action, type, subject, before, after, revision) in try await client.query(query, logger: logger)
                .decode((Int64, Date, String, String, String, String, String?, String?, Int64).self)
            {
                events.append(
                    AuditEvent(
                        id: id, at: at, actor: actor, action: action, subjectType: type, subjectID: subject, before: before, after: after,
                        revision: revision))
            }
            return events
        }
    }

    public func noteFirstUse(of value: String, until expiry: Date, now: Date) async throws -> Bool {
        try await bounded {
            try await self.client.withConnection { connection in
                try await self.claim(ChangeSet.FirstUse(value: value, expiresAt: expiry), at: now, on: connection)
            }
        }
    }

    /// Records a first use; false when the value is in use. An expired entry is taken over; a live one is
    /// left alone and nothing is returned. Entries a minute past expiry are swept on the way.
    private func claim(_ use: ChangeSet.FirstUse, at now: Date, on connection: PostgresConnection) async throws -> Bool {
        let (value, expires, seconds) = (use.value, use.expiresAt.timeIntervalSince1970, now.timeIntervalSince1970)
        let query: PostgresQuery = """
            INSERT INTO used_values (value, expires_at) VALUES (\(value), \(expires))
            ON CONFLICT (value) DO UPDATE SET expires_at = excluded.expires_at WHERE used_values.expires_at <= \(seconds)
            RETURNING value
            """
        var first = false
        for try await _ in try await connection.query(query, logger: logger).decode(String.self) { first = true }
        if first { try await connection.query("DELETE FROM used_values WHERE expires_at <= \(seconds - 60)", logger: logger) }
        return first
    }

    public func close() async throws {
        runner.cancel()
        _ = await runner.value
    }
}
