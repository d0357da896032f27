import Directory
import Foundation
import Keys
import PKI
import Storage
import Testing

/// The directory CA over each real store: created once even when nodes race, sealed, and revocations
/// reach the CRL and OCSP status.
@Suite struct CertificateAuthorityOnStoreTests {
    @Test(arguments: StoreBackend.available)
    func nodesStartingTogetherCreateOneCA(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let kek = KeyEncryptionKey.generate().key
        let authority = DirectoryCertificateAuthority(
            store: store, encryptionKey: kek, endpoints: PKIEndpoints(baseURL: "https://d.example"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await authority.ensureExists(by: .system) } }
            try await group.waitForAll()
        }
        let records = try await store.records(CertificateAuthorityRecord.self).map(\.record)
        #expect(records.map(\.role).sorted { $0.rawValue < $1.rawValue } == [.issuing, .root])
        #expect(try await store.records(TrustAnchor.self).count == 2)
        // The issuing CA's key opens with this KEK, and with no other.
        let issuer = try await authority.issuer()
        #expect(issuer.authority.certificate.issuer == (try await authority.certificates()).root.subject)
        let stranger = DirectoryCertificateAuthority(
            store: store, encryptionKey: KeyEncryptionKey.generate().key, endpoints: PKIEndpoints(baseURL: "https://d.example"))
        await #expect(throws: DirectoryError.self) { _ = try await stranger.issuer() }
        #expect(!records.contains { $0.sealedPrivateKey.contains("PRIVATE KEY") })
        try await store.close()
    }
}
