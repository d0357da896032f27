import Directory
import Foundation
import Storage
import Testing

/// The database, its write-ahead log and its shared-memory index are readable by the service's user only,
/// even in a folder that lets everyone in, and files an earlier version left 0644 are tightened.
@Suite struct DatabaseFilePermissionsTests {
    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func theDatabaseFilesAreCreatedOwnerOnlyInAnOpenFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "registrar-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "registrar.sqlite").path
        let store = try await StoreLocation.sqlite(path: path).open()
        var changes = ChangeSet(actor: "test", at: Date())
        try changes.insert(TestRecord(id: "r-1", name: "one", updatedAt: Date()))
        _ = try await store.apply(changes)
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try Self.mode(file)
            #expect(mode == 0o600, "\(file) is \(String(mode, radix: 8))")
        }
        try await store.close()

        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        let reopened = try await StoreLocation.sqlite(path: path).open()
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let mode = try Self.mode(file)
            #expect(mode == 0o600, "reopened: \(file) is \(String(mode, radix: 8))")
        }
        #expect(try await reopened.row(in: .organisations, id: "r-1") != nil)
        try await reopened.close()
    }
}
