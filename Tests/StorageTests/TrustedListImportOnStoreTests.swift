import ChildProcess
import Directory
import Foundation
import PKI
import Testing
import TrustedLists

/// Trusted-list imports over each real store: the real Irish list becomes anchors once even when
/// imports race, a newer issue replaces them in one change, and an older one changes nothing.
@Suite struct TrustedListImportOnStoreTests {
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func irishList() throws -> VerifiedTrustedList {
        let folder = try ReferenceData.folder(packageRoot: packageRoot).appending(path: "trusted-lists")
        let signerPEM = try String(contentsOf: folder.appending(path: "certs/ie-tl.signer.pem"), encoding: .utf8)
        let signer = try CertificateBundle.der(try CertificateBundle.certificate(pem: signerPEM))
        return try TrustedListVerifier.verify(
            try Data(contentsOf: folder.appending(path: "ie-tl.xml")), file: "ie-tl.xml", signers: [signer])
    }

    /// Issue 19 of the Irish list, written and signed here by xmlsec1, naming one CA made by openssl.
    static func newerIrishList() async throws -> VerifiedTrustedList {
        let openssl = try OpenSSLCommand()
        try await openssl.require([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days",
            "30", "-subj", "/C=IE/O=Newer QTSP/CN=Newer QTSP CA", "-addext", "basicConstraints=critical,CA:TRUE",
        ])
        let fixture = try await TrustedListFixture(openssl: openssl)
        let service = TrustedListFixture.Service(name: "Newer QTSP CA", certificate: try openssl.read("ca.pem"))
        let signed = try await fixture.sign(TrustedListFixture.list(territory: "IE", sequence: 19, services: [service]), as: "ie-19.xml")
        let signer = try CertificateBundle.der(try CertificateBundle.certificate(pem: try openssl.read("list-signer.pem")))
        return try TrustedListVerifier.verify(signed, file: "ie-19.xml", signers: [signer])
    }

    static func listAnchors(in store: any DirectoryStore) async throws -> [TrustAnchor] {
        try await store.records(TrustAnchor.self).map(\.record).filter { $0.source.kind == .trustedList }
    }

    @Test(arguments: StoreBackend.available)
    func importsRaceReplaceAndRefuseOlderIssues(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let importer = TrustedListImporter(store: store)
        let caller = Caller.commandLine(user: "test")
        let ireland = try Self.irishList()

        // Four nodes import the same issue at once: one imports it, the others find it done or lose the race.
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do { return try await importer.importList(ireland, options: .init(), by: caller).outcome.rawValue } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "imported" }.count == 1, "\(outcomes)")
        #expect(outcomes.allSatisfy { $0 == "imported" || $0 == "unchanged" || $0.contains("at the same moment") }, "\(outcomes)")
        let first = try await Self.listAnchors(in: store)
        #expect(first.count == 4 && Set(first.map(\.purpose)) == [.qwac, .qseal], "\(first.map(\.label))")
        #expect(first.allSatisfy { $0.source.trustedList?.list == "IE" && $0.source.trustedList?.sequenceNumber == 18 })

        // Issue 19 replaces issue 18's anchors in one change set.
        let newer = try await importer.importList(try await Self.newerIrishList(), options: .init(), by: caller)
        #expect(newer.outcome == .imported && newer.previousSequenceNumber == 18 && newer.anchorsAdded == 2 && newer.anchorsRemoved == 4)
        let replaced = try await Self.listAnchors(in: store)
        #expect(replaced.map(\.label).sorted() == ["Example QTSP / Newer QTSP CA", "Example QTSP / Newer QTSP CA"])
        #expect(replaced.allSatisfy { $0.source.trustedList?.sequenceNumber == 19 })

        // Issue 18 again is older: refused, nothing changes.
        await #expect(throws: DirectoryError.self) { _ = try await importer.importList(ireland, options: .init(), by: caller) }
        #expect(try await Self.listAnchors(in: store).map(\.id).sorted() == replaced.map(\.id).sorted())
        let record = try #require(try await store.record(TrustedListRecord.self, id: "IE"))
        #expect(record.record.sequenceNumber == 19 && record.record.anchorIDs.count == 2)
        try await store.close()
    }
}
