import Directory
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The SQLite database holds sealed keys, token hashes and every participant's data: only the service's
/// own user may read it, whatever the folder around it allows. SQLite creates the `-wal` and `-shm`
/// files with the permissions of the database file, so creating that file 0600 (before SQLite does, with
/// the process's umask) covers all three; files left 0644 by an earlier version are tightened.
enum DatabaseFilePermissions {
    static let ownerOnly: mode_t = 0o600

    static func secure(databaseAt path: String) throws {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, ownerOnly)
        guard descriptor >= 0 else {
            throw StoreError.unavailable("cannot create the SQLite database \(path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            guard stat(file, &status) == 0, status.st_mode & 0o077 != 0 else { continue }
            guard chmod(file, ownerOnly) == 0 else {
                throw StoreError.unavailable("cannot make \(file) readable by its owner only: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Whether the folder lets its group or other users in (the files stay 0600; the warning is for
    /// what else may be kept there, such as backups).
    static func folderIsOpenToOthers(_ folder: String) -> Bool {
        var status = stat()
        return stat(folder, &status) == 0 && status.st_mode & 0o077 != 0
    }
}
