import Directory
import Foundation
import Storage
import Testing

/// The SQLite store checkpoints its write-ahead log itself (SQLite's automatic checkpoint is off once
/// `WriteAheadLog` watches the writer): the log must stay bounded however much is written, and nothing
/// written may be lost.
@Suite struct WriteAheadLogTests {
    @Test func theLogStaysBoundedUnderManyConcurrentWrites() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "registrar-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "registrar.sqlite").path
        let store = try SQLiteDirectoryStore(path: path)
        let now = Date()
        let filler = String(repeating: "x", count: 12_000)
        // 2,000 rows of 12 kB: about 6,000 pages of log, three times the checkpoint threshold.
        for group in 0..<50 {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for index in 0..<40 {
                    tasks.addTask {
                        var changes = ChangeSet(actor: "test", at: now)
                        try changes.insert(TestRecord(id: "r-\(group)-\(index)", name: filler, updatedAt: now))
                        _ = try await store.apply(changes)
                    }
                }
                try await tasks.waitForAll()
            }
        }
        let log = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        // The threshold (8 MiB) plus what one batch can add before the checkpoint after it.
        #expect(log > 0 && log < 13 * 1024 * 1024, "write-ahead log of \(log) bytes")
        #expect(try await store.rows(in: .organisations, ownerID: nil).count == 2_000)
        try await store.close()
        let reopened = try SQLiteDirectoryStore(path: path)
        #expect(try await reopened.row(in: .organisations, id: "r-49-39") != nil)
        try await reopened.close()
    }
}
