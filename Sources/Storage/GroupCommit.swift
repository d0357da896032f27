import Directory
import GRDB
import Synchronization

/// Group commit for SQLite: change sets submitted while the writer is busy wait, and the writer then
/// commits all of them in one transaction, each inside a savepoint of its own. One fsync makes a whole
/// batch durable, and a change set that fails (a duplicate, a stale revision, a used `jti`) is rolled
/// back to its savepoint alone while the rest of its batch commits. Every submitter is answered only after
/// the transaction that holds its change has committed.
///
/// With `synchronous = FULL` each commit is an fsync; under concurrent registrations one transaction per
/// change set kept the single writer busy and left the cores idle.
final class GroupCommit: Sendable {
    private struct Waiting: Sendable {
        let changes: ChangeSet
        let continuation: CheckedContinuation<Int64, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var writing = false
    }

    /// A batch larger than this is split: one transaction should not hold the writer for long.
    static let maximumBatch = 256
    private let state = Mutex(State())
    /// Runs on the writer after each batch's callers have been answered (`WriteAheadLog`'s checkpoint).
    private let afterBatch: @Sendable (Database) -> Void

    init(afterBatch: @escaping @Sendable (Database) -> Void = { _ in }) { self.afterBatch = afterBatch }

    func submit(
        _ changes: ChangeSet, to pool: DatabasePool, write: @escaping @Sendable (ChangeSet, Database) throws -> Int64
    ) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            let startsWriter = state.withLock { state in
                state.waiting.append(Waiting(changes: changes, continuation: continuation))
                defer { state.writing = true }
                return !state.writing
            }
            if startsWriter { pool.asyncWriteWithoutTransaction { db in self.drain(db, write: write) } }
        }
    }

    /// Runs on the writer until nothing is waiting.
    private func drain(_ db: Database, write: (ChangeSet, Database) throws -> Int64) {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.waiting.prefix(Self.maximumBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            let results = commit(batch.map(\.changes), in: db, write: write)
            for (waiting, result) in zip(batch, results) { waiting.continuation.resume(with: result) }
            afterBatch(db)
        }
    }

    /// One transaction; each change set's outcome, or the commit's failure for all of them.
    private func commit(_ batch: [ChangeSet], in db: Database, write: (ChangeSet, Database) throws -> Int64) -> [Result<Int64, any Error>] {
        var results: [Result<Int64, any Error>] = []
        do {
            try db.inTransaction(.immediate) {
                for changes in batch {
                    var revision: Int64 = 0
                    do {
                        try db.inSavepoint {
                            revision = try write(changes, db)
                            return .commit
                        }
                        results.append(.success(revision))
                    } catch {
                        results.append(.failure(error))
                    }
                }
                return .commit
            }
            return results
        } catch {
            return batch.map { _ in .failure(StoreError.unavailable("the commit failed: \(error)")) }
        }
    }
}
