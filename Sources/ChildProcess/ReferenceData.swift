import Foundation

/// The workplace's shared reference data (real trusted lists, published SSAs and DCR requests), which
/// tests use but the repository does not copy: `REGISTRAR_REFERENCE_DATA`, else `../shared/reference`
/// beside the checkout, else `/work/shared/reference` (a CI clone lives elsewhere on the same machine).
public enum ReferenceData {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "the shared reference data was not found; set REGISTRAR_REFERENCE_DATA to the folder holding trusted-lists/"
        }
    }

    public static func folder(packageRoot: URL) throws -> URL {
        var candidates: [URL] = []
        if let configured = ProcessInfo.processInfo.environment["REGISTRAR_REFERENCE_DATA"] { candidates.append(URL(filePath: configured)) }
        candidates.append(packageRoot.appending(path: "../shared/reference").standardized)
        candidates.append(URL(filePath: "/work/shared/reference"))
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appending(path: "trusted-lists").path) })
        else { throw Missing() }
        return found
    }
}
