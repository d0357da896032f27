import Directory
import Foundation
import Logging
import PostgresNIO
import Storage
import Testing

/// The back ends the shared suite runs against. PostgreSQL is a real server (scripts/with-postgres);
/// it is listed only when REGISTRAR_TEST_POSTGRES_URL is set, and `PostgresAvailabilityTests` fails the
/// run when REGISTRAR_TEST_STRICT=1 but no server was given.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["REGISTRAR_TEST_POSTGRES_URL"] }

    static var available: [StoreBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A fresh, empty store: a new SQLite file, or a new PostgreSQL database.
    func makeStore() async throws -> any DirectoryStore {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appending(path: "registrar-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return try SQLiteDirectoryStore(path: folder.appending(path: "registrar.sqlite").path)
        case .postgres:
            return try await PostgresDirectoryStore.connect(url: try await Self.freshDatabaseURL())
        }
    }

    /// The URL of a new, empty PostgreSQL database on the test server.
    static func freshDatabaseURL() async throws -> String {
        guard let adminURL = Self.postgresURL else { throw StoreError.unavailable("REGISTRAR_TEST_POSTGRES_URL is not set") }
        let name = "registrar_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await Self.createDatabase(name, adminURL: adminURL)
        return adminURL.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    private static func createDatabase(_ name: String, adminURL: String) async throws {
        let client = PostgresClient(configuration: try PostgresDirectoryStore.configuration(from: adminURL))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            group.cancelAll()
        }
    }
}

struct TestRecord: StoredRecord, Equatable {
    static let collection = RecordCollection.organisations
    var id: String
    var ownerID: String? = nil
    var name: String
    var updatedAt: Date
}
