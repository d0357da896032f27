import Directory
import Foundation
import Logging
import PostgresNIO
import Storage
import Testing

/// A real PostgreSQL server ends a connection under a running query (an administrator's
/// `pg_terminate_backend`, what a failover or restart does too): the error is classified as the store
/// being unavailable (503), not as an unexpected failure (500). Query errors of the client's own making
/// are not.
@Suite(.enabled(if: StoreBackend.postgresURL != nil)) struct PostgresUnavailabilityTests {
    @Test func aConnectionTerminatedByTheServerIsUnavailability() async throws {
        let url = try #require(StoreBackend.postgresURL)
        let client = PostgresClient(configuration: try PostgresDirectoryStore.configuration(from: url))
        let marker = "registrar_terminated_\(UUID().uuidString.prefix(8).lowercased())"
        let failure: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                await client.run(); return nil
            }
            group.addTask {
                do {
                    // The rows are read: a failure reaches the client while it waits for them.
                    for try await _ in try await client.query(PostgresQuery(unsafeSQL: "SELECT pg_sleep(20) AS \(marker)")) {}
                    return nil
                } catch { return error }
            }
            group.addTask {
                // Terminate the sleeping backend from another connection, once it is running.
                for _ in 0..<100 {
                    try? await Task.sleep(for: .milliseconds(50))
                    var killed = false
                    let rows = try? await client.query(
                        PostgresQuery(
                            unsafeSQL:
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%\(marker)%' AND pid <> pg_backend_pid()"
                        ))
                    if let rows { do { for try await done in rows.decode(Bool.self) where done { killed = true } } catch {} }
                    if killed { break }
                }
                return nil
            }
            var failure: (any Error)?
            for await result in group.prefix(2) { if let result { failure = result } }
            group.cancelAll()
            return failure
        }
        let error = try #require(failure, "the terminated query failed")
        #expect(PostgresUnavailability.isUnavailable(error), "\(String(reflecting: error))")
        await #expect(throws: StoreError.self) { try await PostgresUnavailability.translating { throw error } }
    }

    @Test func aQueryErrorOfTheClientsOwnIsNotUnavailability() async throws {
        let url = try #require(StoreBackend.postgresURL)
        let client = PostgresClient(configuration: try PostgresDirectoryStore.configuration(from: url))
        let failure: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                await client.run(); return nil
            }
            group.addTask {
                do {
                    for try await _ in try await client.query(PostgresQuery(unsafeSQL: "SELECT no_such_column FROM no_such_table")) {}
                    return nil
                } catch { return error }
            }
            let failure = await group.first { $0 != nil } ?? nil
            group.cancelAll()
            return failure
        }
        let error = try #require(failure)
        #expect(!PostgresUnavailability.isUnavailable(error), "\(String(reflecting: error))")
    }
}
