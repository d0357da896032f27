import Directory
import Foundation
import Storage
import Testing

/// Several nodes on one store: a change made elsewhere (another node, the CLI) reaches every node's
/// cached documents within the revision poll interval.
@Suite struct MultiNodeTests {
    @Test func aChangeWrittenByAnotherProcessReachesTheServedDocuments() async throws {
        let folder = try TestStores.temporaryFolder()
        let path = folder.appending(path: "registrar.sqlite").path
        let store = try SQLiteDirectoryStore(path: path)
        try await LiveDirectory.run(store: store) { live in
            let before = try await live.get("/participants")
            let etag = try #require(before.headers[.eTag])
            // A second writer on the same file, as the CLI or another node would be.
            let other = ParticipantDirectory(store: try SQLiteDirectoryStore(path: path))
            _ = try await other.createOrganisation(NewOrganisation(legalName: "Written Elsewhere", country: "BR"), by: .system)
            var seen = false
            for _ in 0..<50 where !seen {
                try await Task.sleep(for: .milliseconds(50))
                let now = try await live.get("/participants")
                seen = now.headers[.eTag] != etag && now.text.contains("Written Elsewhere")
            }
            #expect(seen, "the node did not pick up the other writer's change")
            try await other.store.close()
        }
        try await store.close()
    }
}
