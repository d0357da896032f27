import Directory
import Foundation
import Storage
import Synchronization
import Testing

/// One suite, every back end: a bug fixed in one store is a test for both.
@Suite struct StoreConformanceTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A new store of `backend` with one record committed (at revision 1).
    func storeHolding(id: String, name: String, on backend: StoreBackend) async throws -> any DirectoryStore {
        let store = try await backend.makeStore()
        var changes = ChangeSet(actor: "test", at: now)
        try changes.insert(TestRecord(id: id, name: name, updatedAt: now))
        try await store.apply(changes)
        return store
    }

    @Test(arguments: StoreBackend.available)
    func emptyStoreIsAtRevisionZero(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        #expect(try await store.currentRevision() == 0)
        #expect(try await store.rows(in: .organisations, ownerID: nil).isEmpty)
        try await store.close()
    }

    @Test(arguments: StoreBackend.available)
    func insertedRecordReadsBackAtTheNewRevision(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        var changes = ChangeSet(actor: "test", at: now)
        let record = TestRecord(id: "a", ownerID: nil, name: "Ünïcode & \"quotes\"", updatedAt: now)
        try changes.insert(record)
        let revision = try await store.apply(changes)
        #expect(revision == 1)
        let stored = try #require(try await store.record(TestRecord.self, id: "a"))
        #expect(stored.record == record)
        #expect(stored.revision == 1)
        #expect(try await store.currentRevision() == 1)
        try await store.close()
    }

    @Test(arguments: StoreBackend.available)
    func duplicateInsertFailsAndWritesNothingOfItsChangeSet(backend: StoreBackend) async throws {
        let store = try await storeHolding(id: "a", name: "first", on: backend)

        var second = ChangeSet(actor: "test", at: now)
        try second.insert(TestRecord(id: "b", name: "would be lost", updatedAt: now))
        try second.insert(TestRecord(id: "a", name: "duplicate", updatedAt: now))
        second.audit("test.insert", subject: TestRecord(id: "b", name: "x", updatedAt: now), before: nil, after: nil)
        await #expect(throws: StoreError.duplicate(collection: .organisations, id: "a")) { try await store.apply(second) }

        #expect(try await store.record(TestRecord.self, id: "b") == nil)
        #expect(try await store.record(TestRecord.self, id: "a")?.record.name == "first")
        #expect(try await store.currentRevision() == 1)
        #expect(try await store.auditEvents(afterID: 0, limit: 10).isEmpty)
        try await store.close()
    }

    /// Concurrent change sets (SQLite commits them in groups): each one lands whole or not at all, a
    /// failing one takes none of the others with it, and each committed one has a revision of its own.
    @Test(arguments: StoreBackend.available)
    func concurrentChangeSetsEachCommitWholeOrNotAtAll(backend: StoreBackend) async throws {
        let store = try await storeHolding(id: "taken", name: "seed", on: backend)
        let now = self.now
        let outcomes = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for index in 0..<40 {
                group.addTask {
                    var changes = ChangeSet(actor: "test", at: now)
                    let record = TestRecord(id: "r\(index)", name: "n", updatedAt: now)
                    try changes.insert(record)
                    // Every fifth also inserts the taken id: it must fail whole, its own record included.
                    if index % 5 == 0 { try changes.insert(TestRecord(id: "taken", name: "dup", updatedAt: now)) }
                    changes.audit("test.insert", subject: record, before: nil, after: record)
                    do { return try await store.apply(changes) } catch StoreError.duplicate { return nil }
                }
            }
            return try await group.reduce(into: [Int64?]()) { $0.append($1) }
        }
        let revisions = outcomes.compactMap { $0 }
        #expect(revisions.count == 32 && Set(revisions).count == 32)
        let stored = try await store.rows(in: TestRecord.collection, ownerID: nil).map(\.id)
        #expect(Set(stored) == Set((0..<40).filter { $0 % 5 != 0 }.map { "r\($0)" } + ["taken"]))
        #expect(try await store.auditEvents(afterID: 0, limit: 100).count == 32)
        #expect(try await store.currentRevision() == 33)
        try await store.close()
    }

    @Test(arguments: StoreBackend.available)
    func staleUpdateIsRefusedAsConcurrentModification(backend: StoreBackend) async throws {
        let store = try await storeHolding(id: "a", name: "v1", on: backend)
        let read = try #require(try await store.record(TestRecord.self, id: "a"))

        var winner = ChangeSet(actor: "test", at: now)
        try winner.update(TestRecord(id: "a", name: "v2", updatedAt: now), readAt: read.revision)
        try await store.apply(winner)

        var loser = ChangeSet(actor: "test", at: now)
        try loser.update(TestRecord(id: "a", name: "v2-lost", updatedAt: now), readAt: read.revision)
        await #expect(throws: StoreError.concurrentModification(collection: .organisations, id: "a")) { try await store.apply(loser) }
        #expect(try await store.record(TestRecord.self, id: "a")?.record.name == "v2")
        try await store.close()
    }

    @Test(arguments: StoreBackend.available)
    func deleteNeedsTheCurrentRevision(backend: StoreBackend) async throws {
        let store = try await storeHolding(id: "a", name: "v1", on: backend)
        let read = try #require(try await store.record(TestRecord.self, id: "a"))
        var delete = ChangeSet(actor: "test", at: now)
        delete.delete(read)
        try await store.apply(delete)
        #expect(try await store.record(TestRecord.self, id: "a") == nil)
        var again = ChangeSet(actor: "test", at: now)
        again.delete(read)
        await #expect(throws: StoreError.self) { try await store.apply(again) }
        try await store.close()
    }

    @Test(arguments: StoreBackend.available)
    func rowsFilterByOwnerAndSortById(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        var changes = ChangeSet(actor: "test", at: now)
        for (id, owner) in [("c", "o1"), ("a", "o1"), ("b", "o2"), ("B", "o1")] {
            try changes.insert(TestRecord(id: id, ownerID: owner, name: id, updatedAt: now))
        }
        try await store.apply(changes)
        #expect(try await store.rows(in: .organisations, ownerID: "o1").map(\.id) == ["B", "a", "c"])
        #expect(try await store.rows(in: .organisations, ownerID: nil).map(\.id) == ["B", "a", "b", "c"])
        #expect(try await store.rows(in: .organisations, ownerID: "nobody").isEmpty)
        try await store.close()
    }

    @Test(arguments: StoreBackend.available)
    func auditEventsCarryTheirRevisionAndPageById(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        for index in 1...3 {
            var changes = ChangeSet(actor: "operator:alice", at: now)
            let record = TestRecord(id: "r\(index)", name: "n\(index)", updatedAt: now)
            try changes.insert(record)
            changes.audit("test.create", subject: record, before: nil, after: record)
            try await store.apply(changes)
        }
        let all = try await store.auditEvents(afterID: 0, limit: 10)
        #expect(all.map(\.revision) == [1, 2, 3])
        #expect(all.map(\.subjectID) == ["r1", "r2", "r3"])
        #expect(all.allSatisfy { $0.actor == "operator:alice" && $0.before == nil && $0.at == now })
        let after = try #require(all[0].after)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(after.utf8))
        #expect(decoded["name"] == "n1")
        let page = try await store.auditEvents(afterID: all[0].id, limit: 1)
        #expect(page.map(\.subjectID) == ["r2"])
        try await store.close()
    }

    /// Every filter of `AuditQuery`, each order, and the cursors, alike in every back end.
    @Test(arguments: StoreBackend.available)
    func auditQueriesFilterAndOrder(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let written = ["thing.create", "thing.update", "thing_x.create", "other.create"]
        for (index, action) in written.enumerated() {
            var changes = ChangeSet(actor: index == 3 ? "operator:bob" : "operator:alice", at: now + TimeInterval(index * 60))
            let record = TestRecord(id: "q\(index % 2)", name: "n\(index)", updatedAt: now)
            if index < 2 { try changes.insert(TestRecord(id: "q\(index)", name: "n\(index)", updatedAt: now)) }
            changes.audit(action, subject: record, before: nil, after: record)
            try await store.apply(changes)
        }
        func selected(_ configure: (inout AuditQuery) -> Void) async throws -> [String] {
            var query = AuditQuery(limit: 100)
            configure(&query)
            return try await store.auditEvents(matching: query).map(\.action)
        }
        #expect(try await selected { _ in } == written)
        #expect(try await selected { $0.newestFirst = true } == written.reversed())
        #expect(
            try await selected {
                $0.newestFirst = true; $0.limit = 2
            } == ["other.create", "thing_x.create"])
        #expect(try await selected { $0.action = "thing." } == ["thing.create", "thing.update"], "a kind; _ is no wildcard")
        #expect(try await selected { $0.action = "thing.update" } == ["thing.update"])
        #expect(try await selected { $0.actor = "operator:bob" } == ["other.create"])
        #expect(try await selected { $0.subjectID = "q1" } == ["thing.update", "other.create"])
        #expect(try await selected { $0.subjectType = "registered_clients" }.isEmpty)
        #expect(try await selected { $0.subjectIDs = ["q0"] } == ["thing.create", "thing_x.create"])
        #expect(
            try await selected {
                $0.subjectIDs = ["q0", "q1"]; $0.actor = "operator:bob"
            } == ["other.create"])
        #expect(try await selected { $0.subjectIDs = [] }.isEmpty, "an empty set matches nothing")
        #expect(
            try await selected {
                $0.since = now + 60; $0.until = now + 180
            } == ["thing.update", "thing_x.create"])
        let ids = try await store.auditEvents(matching: AuditQuery(limit: 100)).map(\.id)
        #expect(
            try await selected {
                $0.before = ids[2]; $0.newestFirst = true
            } == ["thing.update", "thing.create"])
        #expect(
            try await selected {
                $0.after = ids[0]; $0.before = ids[3]
            } == ["thing.update", "thing_x.create"])
        try await store.close()
    }
}

@Suite struct PostgresAvailabilityTests {
    @Test func postgresIsConfiguredWhenRequired() {
        if ProcessInfo.processInfo.environment["REGISTRAR_TEST_STRICT"] == "1" {
            #expect(StoreBackend.postgresURL != nil, "REGISTRAR_TEST_STRICT=1 but REGISTRAR_TEST_POSTGRES_URL is not set: run scripts/test")
        }
    }
}

/// Replay bookkeeping: a one-time value is accepted once until it expires, on every back end, and
/// noting it does not move the directory revision (the published documents' caches stay warm).
@Suite struct UsedValueConformanceTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StoreBackend.available)
    func aValueIsFirstUsedOnceUntilItExpires(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let expiry = now.addingTimeInterval(300)
        #expect(try await store.noteFirstUse(of: "client-assertion:a:jti-1", until: expiry, now: now))
        #expect(try await store.noteFirstUse(of: "client-assertion:a:jti-1", until: expiry, now: now.addingTimeInterval(10)) == false)
        #expect(try await store.noteFirstUse(of: "client-assertion:b:jti-1", until: expiry, now: now), "scoped by client")
        #expect(try await store.currentRevision() == 0)
        // Once expired, the value is free again (the assertion carrying it would be refused as expired anyway).
        #expect(
            try await store.noteFirstUse(
                of: "client-assertion:a:jti-1", until: expiry.addingTimeInterval(600), now: expiry.addingTimeInterval(1)))
        try await store.close()
    }

    @Test(arguments: StoreBackend.available)
    func concurrentFirstUsesOfOneValueAdmitExactlyOne(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let expiry = now.addingTimeInterval(300)
        let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { try await store.noteFirstUse(of: "jti-race", until: expiry, now: now) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 1)
        try await store.close()
    }

    /// A change set that claims a used value fails whole; racing copies of one claim commit exactly once.
    @Test(arguments: StoreBackend.available)
    func aFirstUseClaimedInAChangeSetCommitsWithItOrNotAtAll(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let use = ChangeSet.FirstUse(value: "registration-request:s:jti-1", expiresAt: now.addingTimeInterval(300))
        func change(_ id: String) throws -> ChangeSet {
            var changes = ChangeSet(actor: "test", at: now)
            try changes.insert(TestRecord(id: id, ownerID: nil, name: id, updatedAt: now))
            changes.claimFirstUse(use)
            return changes
        }
        _ = try await store.apply(try change("first"))
        await #expect(throws: StoreError.alreadyUsed(use.value)) { try await store.apply(try change("second")) }
        #expect(try await store.record(TestRecord.self, id: "second") == nil)
        #expect(try await store.noteFirstUse(of: use.value, until: use.expiresAt, now: now) == false)

        let raced = ChangeSet.FirstUse(value: "registration-request:s:jti-race", expiresAt: now.addingTimeInterval(300))
        let committed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask {
                    var changes = ChangeSet(actor: "test", at: now)
                    try changes.insert(TestRecord(id: "race-\(index)", ownerID: nil, name: "r", updatedAt: now))
                    changes.claimFirstUse(raced)
                    do { _ = try await store.apply(changes) } catch StoreError.alreadyUsed { return false }
                    return true
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(committed == 1)
        #expect(try await store.rows(in: TestRecord.collection, ownerID: nil).filter { $0.id.hasPrefix("race-") }.count == 1)
        try await store.close()
    }
}

/// The audit trail read by subject type after a cursor (what `GET /clients?after=` serves): a reader
/// that polls while writers commit concurrently sees every event once, in id order, none skipped.
@Suite struct AuditFeedConformanceTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StoreBackend.available)
    func aPollingReaderNeverSkipsOrRepeatsAnEventWhileWritersCommit(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let writers = 8
        let writesEach = 12
        let now = self.now
        // When the writers are done; the poller then has a bounded time to catch up (however slowly a
        // loaded machine let them commit), so a writer that fails makes the comparison fail, not hang.
        let writersDone = Moment()
        let polled = try await withThrowingTaskGroup(of: [Int64].self) { group in
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { writing in
                    for writer in 0..<writers {
                        writing.addTask {
                            for index in 0..<writesEach {
                                var changes = ChangeSet(actor: "writer-\(writer)", at: now)
                                try changes.insert(
                                    TestRecord(id: "w\(writer)-\(index)", name: "x", updatedAt: now), auditedAs: "test.insert")
                                try await store.apply(changes)
                            }
                        }
                    }
                    defer { writersDone.mark() }
                    try await writing.waitForAll()
                }
                return []
            }
            group.addTask {
                var seen: [Int64] = []
                var cursor: Int64 = 0
                func caughtUpInTime() -> Bool { writersDone.elapsed.map { $0 < .seconds(30) } ?? true }
                while seen.count < writers * writesEach, caughtUpInTime() {
                    let page = try await store.auditEvents(afterID: cursor, limit: 5, subjectType: TestRecord.collection.rawValue)
                    seen += page.map(\.id)
                    cursor = page.last?.id ?? cursor
                    if page.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                }
                return seen
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let all = try await store.auditEvents(afterID: 0, limit: 1000, subjectType: TestRecord.collection.rawValue).map(\.id)
        #expect(all.count == writers * writesEach)
        #expect(polled == all, "the poller saw each event once, in order")
        #expect(try await store.auditEvents(afterID: 0, limit: 1000, subjectType: "registered_clients").isEmpty, "filtered by type")
        try await store.close()
    }
}

/// Registered clients move the registration ledger's revision, never the directory's, so that a stream
/// of registrations leaves the directory's caches warm; a change set may not span both ledgers.
@Suite struct RevisionLedgerConformanceTests {
    struct ClientRecord: StoredRecord, Equatable {
        static let collection = RecordCollection("registered_clients", ledger: .registration)
        var id: String
        var ownerID: String? = nil
        var updatedAt: Date
    }

    @Test(arguments: StoreBackend.available)
    func registrationWritesLeaveTheDirectoryRevisionAlone(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var directory = ChangeSet(actor: "test", at: now)
        try directory.insert(TestRecord(id: "org", name: "x", updatedAt: now))
        #expect(try await store.apply(directory) == 1)

        var first = ChangeSet(actor: "test", at: now)
        try first.insert(ClientRecord(id: "client-1", updatedAt: now))
        first.audit("client.register", subject: ClientRecord(id: "client-1", updatedAt: now), before: nil, after: nil)
        #expect(try await store.apply(first) == 1, "the registration ledger's first revision")
        let stored = try #require(try await store.record(ClientRecord.self, id: "client-1"))
        var update = ChangeSet(actor: "test", at: now)
        try update.update(stored.record, readAt: stored.revision)
        #expect(try await store.apply(update) == 2)
        var stale = ChangeSet(actor: "test", at: now)
        try stale.update(stored.record, readAt: stored.revision)
        await #expect(throws: StoreError.concurrentModification(collection: ClientRecord.collection, id: "client-1")) {
            try await store.apply(stale)
        }
        #expect(try await store.currentRevision() == 1, "the directory's revision did not move")

        var mixed = ChangeSet(actor: "test", at: now)
        try mixed.insert(TestRecord(id: "org-2", name: "y", updatedAt: now))
        try mixed.insert(ClientRecord(id: "client-2", updatedAt: now))
        await #expect(throws: StoreError.self) { try await store.apply(mixed) }
        #expect(try await store.record(TestRecord.self, id: "org-2") == nil)
        #expect(try await store.record(ClientRecord.self, id: "client-2") == nil)
        try await store.close()
    }
}

/// A moment a task marks, which another reads (how long ago it was, nil before it is marked).
final class Moment: Sendable {
    private let marked = Mutex<ContinuousClock.Instant?>(nil)

    func mark() { marked.withLock { $0 = .now } }
    var elapsed: Duration? { marked.withLock { $0.map { .now - $0 } } }
}
