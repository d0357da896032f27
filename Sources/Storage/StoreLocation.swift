import Directory
import Foundation
import Logging

/// Where the directory's data lives: the embedded SQLite file (default) or a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// `REGISTRAR_DATABASE_URL` (postgres://…) wins; otherwise the SQLite file in the data folder.
    public static func resolve(databaseURL: String?, dataFolder: String) -> StoreLocation {
        if let databaseURL, !databaseURL.isEmpty { return .postgres(url: databaseURL) }
        return .sqlite(path: (dataFolder as NSString).appendingPathComponent("registrar.sqlite"))
    }

    public func open(logger: Logger = Logger(label: "registrar.store")) async throws -> any DirectoryStore {
        switch self {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            return try SQLiteDirectoryStore(path: path)
        case .postgres(let url):
            return try await PostgresDirectoryStore.connect(url: url, logger: logger)
        }
    }

    /// The SQLite data folder when other users may enter it: the database files are kept 0600 whatever
    /// the folder allows, but backups, the KEK file and sandbox files beside them want a 0700 folder.
    public var folderOpenToOthers: String? {
        guard case .sqlite(let path) = self else { return nil }
        let folder = (path as NSString).deletingLastPathComponent
        return DatabaseFilePermissions.folderIsOpenToOthers(folder.isEmpty ? "." : folder) ? folder : nil
    }

    private static func redactingPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "postgres:(unparseable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "postgres"
    }

    /// For logs and `--help` output: never prints a password.
    public var redacted: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url):
            Self.redactingPassword(url)
        }
    }
}
