import ChildProcess
import Directory
import Foundation
import PKI
import Testing

/// `registrar trust import-tsl`: trusted lists signed by xmlsec1 (not by Registrar) become anchors that
/// decide whether a QWAC made by openssl validates; sequences replace, repeat or are refused.
@Suite struct CommandLineTrustedListTests {
    let data: URL

    init() throws { data = try TestStores.temporaryFolder() }

    func registrar(_ arguments: [String]) async throws -> Witness.Result {
        try await Witness.run(Witness.registrarBinary, arguments + ["--data", data.path])
    }

    func anchors() async throws -> [TrustAnchor] {
        try RecordCoding.decoder.decode([TrustAnchor].self, from: Data(try await registrar(["trust", "list", "--json"]).output.utf8))
            .filter { $0.source.kind == .trustedList }
    }

    @Test func aListsSequenceDecidesWhichQTSPsAreTrusted() async throws {
        #expect(try await registrar(["init"]).status == 0)
        let openssl = try OpenSSLCommand()
        let qtsp = try await ForeignQTSP.make(with: openssl)
        let qwac = try openssl.write("qwac-leaf.pem", qtsp.qwacPEM)
        try await openssl.require([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "other.key", "-out", "other.pem",
            "-days", "30", "-subj", "/CN=Other QTSP Root", "-addext", "basicConstraints=critical,CA:TRUE",
        ])
        let fixture = try await TrustedListFixture(openssl: openssl)
        let rootService = TrustedListFixture.Service(name: "Example QTSP Root", certificate: qtsp.rootPEM)
        let otherService = TrustedListFixture.Service(name: "Other QTSP Root", certificate: try openssl.read("other.pem"))
        let withdrawn = TrustedListFixture.Service(name: "Withdrawn CA", certificate: try openssl.read("other.pem"), status: "withdrawn")
        try await fixture.sign(TrustedListFixture.list(sequence: 7, services: [rootService, withdrawn]), as: "zz-7.xml")
        try await fixture.sign(TrustedListFixture.list(sequence: 8, services: [otherService]), as: "zz-8.xml")
        let signer = ["--signer", fixture.signerPath]

        #expect(try await registrar(["cert", "validate", qwac, "--purpose", "qwac"]).status == 2)
        let first = try await registrar(["trust", "import-tsl", openssl.path("zz-7.xml")] + signer)
        #expect(
            first.status == 0 && first.output == "ZZ sequence 7: imported, 2 anchors added, 0 removed\n", "\(first.output)\(first.errors)")
        #expect(first.errors.contains("ZZ sequence 7 (zz-7.xml): signature verified"))
        let imported = try await anchors().filter { $0.source.kind == .trustedList }
        #expect(Set(imported.map(\.purpose)) == [.qwac, .qseal])
        #expect(imported.allSatisfy { $0.source.trustedList?.list == "ZZ" && $0.source.trustedList?.sequenceNumber == 7 })
        #expect(
            imported.allSatisfy { $0.source.trustedList?.providerName == "Example QTSP" && $0.label == "Example QTSP / Example QTSP Root" })
        let valid = try await registrar(["cert", "validate", qwac, "--purpose", "qwac", "--json"])
        #expect(valid.status == 0, "\(valid.output)")
        let report = try RecordCoding.decoder.decode(CertificateReport.self, from: Data(valid.output.utf8))
        #expect(report.trustServiceProvider == .init(name: "Example QTSP", service: "Example QTSP Root", list: "ZZ#7"))

        let newer = try await registrar(["trust", "import-tsl", openssl.path("zz-8.xml")] + signer)
        #expect(
            newer.output == "ZZ sequence 8: imported, 2 anchors added, 2 removed (replaces sequence 7)\n", "\(newer.output)\(newer.errors)")
        #expect(
            try await anchors().allSatisfy { $0.label == "Example QTSP / Other QTSP Root" && $0.source.trustedList?.sequenceNumber == 8 })
        #expect(try await registrar(["cert", "validate", qwac, "--purpose", "qwac"]).status == 2)

        // An older issue is refused, the same issue changes nothing, and refusals leave the anchors alone.
        let before = try await anchors()
        let older = try await registrar(["trust", "import-tsl", openssl.path("zz-7.xml")] + signer)
        #expect(
            older.status == 1
                && older.errors.hasSuffix("registrar: error: zz-7.xml: ZZ: sequence 7 is older than the imported sequence 8\n"))
        let again = try await registrar(["trust", "import-tsl", openssl.path("zz-8.xml")] + signer)
        #expect(again.status == 0 && again.output == "ZZ sequence 8: already imported, unchanged\n")
        let tampered = try openssl.write(
            "tampered.xml", try openssl.read("zz-8.xml").replacingOccurrences(of: "Other QTSP Root", with: "Our QTSP Root"))
        let refused = try await registrar(["trust", "import-tsl", tampered] + signer)
        #expect(
            refused.status == 1 && refused.errors.hasSuffix("a signed digest does not match: the list was changed after it was signed\n"))
        let xxe = try openssl.write("xxe.xml", #"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]><l>&x;</l>"#)
        let hostile = try await registrar(["trust", "import-tsl", xxe] + signer)
        #expect(hostile.status == 1 && hostile.errors.hasSuffix("declares a DTD (<!DOCTYPE>); trusted lists never do, so it is refused\n"))
        let badSigner = try await registrar(["trust", "import-tsl", openssl.path("zz-8.xml"), "--signer", xxe])
        #expect(badSigner.status == 1 && badSigner.errors.split(separator: "\n").count == 1, "\(badSigner.errors)")
        #expect(try await anchors().map(\.id) == before.map(\.id))

        let lists = try await registrar(["trust", "lists"])
        #expect(lists.output.contains("ZZ    8 "), "\(lists.output)")
    }

    /// A QTSP whose root and QWAC are signed with RSASSA-PSS: its list imports the root (swift-certificates
    /// cannot read it; it is carried and stored byte for byte), and the QWAC validates through OpenSSL.
    @Test func aQTSPThatSignsWithRSASSAPSSIsImportedAndItsQWACValidates() async throws {
        #expect(try await registrar(["init"]).status == 0)
        let openssl = try OpenSSLCommand()
        let qtsp = try await ForeignQTSP.make(with: openssl, rsassaPSS: true)
        let qwac = try openssl.write("qwac-leaf.pem", qtsp.qwacPEM)
        let fixture = try await TrustedListFixture(openssl: openssl)
        let root = TrustedListFixture.Service(name: "Example QTSP Root", certificate: qtsp.rootPEM)
        try await fixture.sign(TrustedListFixture.list(sequence: 3, services: [root]), as: "zz-3.xml")

        let imported = try await registrar(["trust", "import-tsl", openssl.path("zz-3.xml"), "--signer", fixture.signerPath])
        #expect(imported.output == "ZZ sequence 3: imported, 2 anchors added, 0 removed\n", "\(imported.output)\(imported.errors)")
        let fingerprint = try await openssl.require(["x509", "-in", "qtsp.pem", "-noout", "-fingerprint", "-sha256"]).output
        let stored = try await anchors()
        #expect(
            stored.map { $0.sha256Fingerprint.lowercased() }
                == Array(
                    repeating: fingerprint.split(separator: "=")[1].replacingOccurrences(of: ":", with: "").lowercased()
                        .trimmingCharacters(in: .whitespacesAndNewlines), count: 2))
        let valid = try await registrar(["cert", "validate", qwac, "--purpose", "qwac", "--json"])
        #expect(valid.status == 0, "\(valid.output)\(valid.errors)")
        let report = try RecordCoding.decoder.decode(CertificateReport.self, from: Data(valid.output.utf8))
        #expect(report.valid && report.trustServiceProvider?.name == "Example QTSP")
        #expect(report.qcStatements?.psd2?.roles == [.accountInformation] && report.signatureAlgorithm == "RSASSA-PSS")
        let asTransport = try await registrar(["cert", "validate", qwac, "--purpose", "transport"])
        #expect(asTransport.status == 2 && asTransport.output.contains("\nsigned:  RSASSA-PSS\n"), "\(asTransport.output)")
    }

    /// The real EU LOTL vouches for the real Irish list beside it in a folder.
    @Test func theLOTLAndTheNationalListsBesideItAreImportedFromAFolder() async throws {
        #expect(try await registrar(["init"]).status == 0)
        let reference = try ReferenceData.folder(packageRoot: Witness.packageRoot).appending(path: "trusted-lists")
        let folder = data.appending(path: "lists")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["eu-lotl.xml", "ie-tl.xml"] {
            try FileManager.default.copyItem(at: reference.appending(path: name), to: folder.appending(path: name))
        }
        let result = try await registrar(
            ["trust", "import-tsl", folder.path, "--signer", reference.appending(path: "certs/eu-lotl.signer.pem").path, "--json"])
        #expect(result.status == 0, "\(result.errors)")
        let results = try RecordCoding.decoder.decode([TrustedListImporter.Result].self, from: Data(result.output.utf8))
        #expect(results.map(\.list) == ["EU", "IE"] && results.map(\.anchorsAdded) == [0, 4])
        #expect(result.errors.contains("IE sequence 18 (ie-tl.xml): signature verified"))
        #expect(Set(try await anchors().map(\.label)) == ["TrustPro QTSP Ltd / TrustPro QCP-n", "TrustPro QTSP Ltd / TrustPro QCP-l"])
    }

    /// Germany's gematik list is signed with ECDSA on brainpoolP256r1: the pinned signer and the signature
    /// are read by OpenSSL, and xmlsec1 (not Registrar) agrees the signature holds. Its services' own
    /// brainpool certificates become anchors (carried, their chains validated by OpenSSL), byte for byte.
    @Test func aListSignedOnABrainpoolCurveVerifies() async throws {
        #expect(try await registrar(["init"]).status == 0)
        let reference = try ReferenceData.folder(packageRoot: Witness.packageRoot).appending(path: "trusted-lists")
        let list = reference.appending(path: "tl-ecdsa-brainpool.xml").path
        let signer = reference.appending(path: "certs/tl-ecdsa-brainpool.signer.pem").path
        let witness = try await Witness.run(
            "/usr/bin/xmlsec1",
            [
                "--verify", "--pubkey-cert-pem", signer, "--enabled-key-data", "rsa,ec", "--id-attr:Id",
                "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", list,
            ])
        #expect(witness.status == 0, "xmlsec1: \(witness.errors)")
        // Its CA services are CA/PKC, "in accord" (TSL version 3), not the default CA/QC "granted".
        let result = try await registrar([
            "trust", "import-tsl", list, "--signer", signer, "--service-type", "CA/PKC", "--status", "inaccord", "--purpose", "signing",
        ])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("signature verified"), "\(result.errors)")
        #expect(!result.errors.contains("not a parseable X.509 certificate"))
        #expect(!result.output.contains("cannot be read"), "no service is skipped for its key: \(result.output)")
        #expect(result.output.contains("skipped:\n  - "), "one skipped service a line: \(result.output.prefix(300))")
        let imported = try await anchors().filter { $0.source.kind == .trustedList }
        #expect(!imported.isEmpty, "the list's brainpool CA certificates are anchors")
        let openssl = try OpenSSLCommand()
        var brainpool = 0
        for anchor in imported {
            try openssl.write("anchor.pem", anchor.certificatePEM)
            let text = try await openssl.require(["x509", "-in", "anchor.pem", "-noout", "-text", "-fingerprint", "-sha256"]).output
            if text.contains("brainpoolP") { brainpool += 1 }
            #expect(
                text.replacingOccurrences(of: ":", with: "").lowercased().contains(anchor.sha256Fingerprint),
                "the anchor is the list's certificate byte for byte")
        }
        #expect(brainpool > 0, "some of the list's CAs have brainpool keys and are anchors")

        let wrongSigner = try await registrar(
            ["trust", "import-tsl", list, "--signer", reference.appending(path: "certs/ie-tl.signer.pem").path])
        #expect(wrongSigner.status != 0, "another signer does not verify it: \(wrongSigner.output)")
    }
}
