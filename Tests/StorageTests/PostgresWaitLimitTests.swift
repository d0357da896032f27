import Directory
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Storage
import Testing

/// Every wait on PostgreSQL is bounded (`connect_timeout`, `operation_timeout` in the URL): a database
/// that takes connections but never answers, and one whose table is locked under a query, make the store
/// answer `StoreError.unavailable` within the limit instead of hanging the request.
@Suite struct PostgresWaitLimitTests {
    /// A TCP listener that accepts and never says a word: a database host that stopped answering.
    @Test func aDatabaseThatNeverAnswersFailsTheConnectWithinItsLimits() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let port = try #require(silent.localAddress?.port)
        // Without limits this waits for an answer forever; the wall-clock bound is loose, since a loaded
        // machine (the whole suite at once) delays every timer.
        let start = ContinuousClock.now
        let error = await #expect(throws: StoreError.self) {
            try await PostgresDirectoryStore.connect(
                url: "postgres://registrar@127.0.0.1:\(port)/registrar?sslmode=disable&connect_timeout=1")
        }
        #expect(
            String(describing: error).contains("did not answer within") || String(describing: error).contains("connect"),
            "\(String(describing: error))")
        #expect(ContinuousClock.now - start < .seconds(60), "refused, not hung")
    }

    @Test func limitsInTheURLAreCheckedAsSeconds() async throws {
        for bad in ["connect_timeout=0", "operation_timeout=abc", "operation_timeout=99999"] {
            await #expect(throws: StoreError.self, "\(bad)") {
                try await PostgresDirectoryStore.connect(url: "postgres://registrar@127.0.0.1:1/registrar?sslmode=disable&\(bad)")
            }
        }
    }

    /// Another session holds the revision table locked: a read waits on the lock, and is answered
    /// `unavailable` after the operation limit; once the lock goes, the same store answers again.
    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func anOperationWaitingOnTheDatabaseIsCutAtItsLimit() async throws {
        let url = try await StoreBackend.freshDatabaseURL()
        let store = try await PostgresDirectoryStore.connect(url: url + "&operation_timeout=1")
        let holder = PostgresClient(configuration: try PostgresDirectoryStore.configuration(from: url))
        let (locked, lockTaken) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseLock) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { await holder.run() }
            group.addTask {
                try await holder.withTransaction(logger: Logger(label: "lock-holder")) { connection in
                    _ = try await connection.query(
                        "LOCK TABLE directory_revision IN ACCESS EXCLUSIVE MODE", logger: Logger(label: "lock-holder"))
                    lockTaken.yield()
                    for await _ in release { break }
                }
            }
            for await _ in locked { break }
            let start = ContinuousClock.now
            await #expect(throws: StoreError.self) { _ = try await store.currentRevision() }
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(900) && waited < .seconds(30), "cut at its limit, not at the lock's release: \(waited)")
            releaseLock.yield()
            releaseLock.finish()
            let revision = try await store.currentRevision()
            #expect(revision == 0, "the store answers again once the database does")
            group.cancelAll()
        }
        try await store.close()
    }
}
