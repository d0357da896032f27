import GRDB
import GRDBSQLite
import Synchronization

/// Checkpoints SQLite's write-ahead log from the writer between group commits, after the batch's
/// callers have been answered, instead of inside the commit that crosses SQLite's automatic threshold
/// (where every caller of that batch waited for the page copies and the fsync of the database file).
/// The threshold is also higher than SQLite's 1,000 pages: pages that every commit touches (the revision
/// row, the ends of the indexes) are then copied back half as often.
final class WriteAheadLog: Sendable {
    /// Pages in the log before a checkpoint: 8 MiB with 4 KiB pages.
    static let checkpointThreshold = 2048
    private let pages = Atomic<Int>(0)

    /// Follows the log's length on the writer's connection. Installing a WAL hook turns SQLite's own
    /// automatic checkpoint off (they share the hook): `checkpointIfLong` takes its place.
    ///
    /// The hook holds `self` unretained: SQLite calls it only after a commit on this connection, and
    /// every commit comes from the store that owns this object (directly, or through its `GroupCommit`,
    /// whose `afterBatch` closure holds this object too); closing the connection commits nothing.
    func watch(_ db: Database) {
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, _, _, pages in
                Unmanaged<WriteAheadLog>.fromOpaque(context!).takeUnretainedValue().pages.store(Int(pages), ordering: .relaxed)
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Runs on the writer after a batch: a passive checkpoint copies every frame when no reader holds an
    /// older snapshot, and the next transaction starts the log afresh.
    func checkpointIfLong(_ db: Database) {
        guard pages.load(ordering: .relaxed) >= Self.checkpointThreshold else { return }
        if (try? db.checkpoint(.passive)) != nil { pages.store(0, ordering: .relaxed) }
    }
}
