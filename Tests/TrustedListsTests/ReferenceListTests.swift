import ChildProcess
import Foundation
import PKI
import Testing
import X509

@testable import TrustedLists

/// The real lists in ../shared/reference/trusted-lists, judged as xmlsec1 and signxml judged them
/// (verify_results.txt).
@Suite struct ReferenceListTests {
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let folder = ((try? ReferenceData.folder(packageRoot: packageRoot)) ?? URL(filePath: "/missing-reference-data"))
        .appending(path: "trusted-lists")

    init() throws { _ = try ReferenceData.folder(packageRoot: Self.packageRoot) }

    static func bytes(_ name: String) throws -> Data { try Data(contentsOf: folder.appending(path: name)) }

    static func signer(_ name: String) throws -> [UInt8] {
        try derFromPEM(String(contentsOf: folder.appending(path: "certs/\(name).signer.pem"), encoding: .utf8))
    }

    /// Every file with the verdict verify_results.txt records (`OK` or `FAIL`).
    static let expectedVerdicts: [(file: String, verifies: Bool)] = {
        let text = (try? String(contentsOf: folder.appending(path: "verify_results.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[1].hasPrefix("xmlsec1=") else { return nil }
            return (String(fields[0]), fields[1] == "xmlsec1=OK")
        }
    }()

    /// The certificate in the list's own ds:KeyInfo: what xmlsec1 verified with when the README's
    /// table was made. (An import never uses it: it pins the signer.)
    static func keyInfoCertificate(_ bytes: Data) throws -> [UInt8]? {
        let root = try SignedXMLDocument(bytes).root()
        return root.descendants("X509Certificate").first { $0.namespace == "http://www.w3.org/2000/09/xmldsig#" }
            .flatMap { Data(base64Encoded: $0.value, options: .ignoreUnknownCharacters) }.map(Array.init)
    }

    @Test func everyReferenceListGetsTheIndependentVerdict() throws {
        #expect(Self.expectedVerdicts.count == 15)
        for (file, verifies) in Self.expectedVerdicts {
            let bytes = try Self.bytes(file)
            let signer = try Self.keyInfoCertificate(bytes) ?? Self.signer("eu-lotl")
            let result = Result { try TrustedListVerifier.verify(bytes, file: file, signers: [signer]) }
            switch result {
            case .success(let verified): #expect(verifies, "\(file) verified but must be rejected (\(verified.list.territory))")
            case .failure(let error): #expect(!verifies, "\(file) was refused: \(error)")
            }
        }
    }

    /// summary.json was written by another reader (Python's ElementTree): ours must agree on every list.
    @Test func theReaderAgreesWithTheIndependentSummaryOnEveryList() throws {
        let summary = try #require(
            try JSONSerialization.jsonObject(with: try Self.bytes("summary.json")) as? [[String: Any]])
        #expect(summary.count == 15)
        for entry in summary {
            let file = try #require(entry["file"] as? String)
            let list = try TrustedListReader.read(try SignedXMLDocument(try Self.bytes(file)).root())
            #expect(String(list.sequenceNumber) == entry["TSLSequenceNumber"] as? String, "\(file)")
            #expect(list.territory == entry["SchemeTerritory"] as? String, "\(file)")
            #expect(list.type == entry["TSLType"] as? String, "\(file)")
            #expect(list.issuedAt == (entry["ListIssueDateTime"] as? String).flatMap(TrustedListReader.date), "\(file)")
            #expect(list.pointers.count == entry["OtherTSLPointers"] as? Int, "\(file)")
            #expect(list.providers.count == entry["TSPs"] as? Int, "\(file)")
            #expect(list.providers.map(\.services.count).reduce(0, +) == entry["services"] as? Int, "\(file)")
        }
    }

    @Test func theIrishListYieldsItsGrantedQualifiedCAsOnly() throws {
        let verified = try TrustedListVerifier.verify(try Self.bytes("ie-tl.xml"), file: "ie-tl.xml", signers: [try Self.signer("ie-tl")])
        #expect(verified.list.territory == "IE" && verified.list.sequenceNumber == 18)
        let granted = verified.list.anchorCandidates()
        #expect(granted.map(\.service.name).sorted() == ["TrustPro QCP-l", "TrustPro QCP-n"])
        #expect(granted.allSatisfy { $0.service.type == "CA/QC" && $0.service.status == "granted" && !$0.providerName.isEmpty })
        let withWithdrawn = verified.list.anchorCandidates(statuses: ["granted", "withdrawn"])
        #expect(withWithdrawn.contains { $0.service.name == "Post.Trust Ltd - qualified certificate service" })
        #expect(verified.list.anchorCandidates(serviceTypes: ["TSA/QTST"]).map(\.service.name) == ["Adobe Qualified Timestamp CA"])
    }

    @Test func theLOTLVouchesForTheNationalListsItPointsTo() throws {
        var messages: [String] = []
        let outcomes = TrustedListVerifier.verify(
            files: [("ie-tl.xml", try Self.bytes("ie-tl.xml")), ("eu-lotl.xml", try Self.bytes("eu-lotl.xml"))],
            pinnedSigner: try Self.signer("eu-lotl")
        ) { messages.append($0) }
        let verified = outcomes.compactMap { if case .verified(let list) = $0.verdict { list } else { nil } }
        #expect(verified.map(\.list.identity).sorted() == ["EU", "IE"], "\(outcomes)")
        let ireland = try #require(verified.first { $0.list.territory == "IE" })
        let lotl = try #require(verified.first { $0.list.territory == "EU" })
        let pointer = try #require(lotl.list.pointers.first { $0.territory == "IE" && $0.isXML })
        #expect(pointer.signerCertificates.contains(ireland.signer))
        #expect(messages.contains { $0.contains("not available locally") })
        #expect(lotl.list.pointers.count == 44 && lotl.list.isListOfLists)
    }

    /// The German list signers the LOTL names are RSASSA-PSS-signed (SHA-512, salt 64): read, they keep
    /// their exact bytes, names and validity. Signers 1 and 2 encode their RSA modulus as a negative
    /// INTEGER (no leading zero byte), which swift-asn1 rightly refuses as not DER; that refusal is clear.
    @Test func theLOTLsRSASSAPSSSignedGermanSignersAreReadByteForByte() throws {
        let lotl = try TrustedListVerifier.verify(try Self.bytes("eu-lotl.xml"), file: "eu-lotl.xml", signers: [try Self.signer("eu-lotl")])
        var german: [[UInt8]] = []
        for der in lotl.list.pointers.filter({ $0.territory == "DE" }).flatMap(\.signerCertificates) where !german.contains(der) {
            german.append(der)
        }
        #expect(german.count == 5)
        var pss: [Certificate] = []
        var refused: [String] = []
        for der in german {
            do {
                let certificate = try CertificateBundle.certificate(der: der)
                #expect(try CertificateBundle.der(certificate) == der)
                #expect(try CertificateBundle.certificate(pem: try CertificateBundle.pem(certificate)) == certificate)
                if CertificateBundle.isSignedWithRSASSAPSS(certificate) { pss.append(certificate) }
            } catch {
                refused.append("\(error)")
            }
        }
        #expect(pss.map(\.subject.description) == (3...4).map { "O=Federal Network Agency,CN=German Trusted List Signer \($0),C=DE" })
        #expect(refused.count == 2 && refused.allSatisfy { $0.contains("INTEGER encoded with top bit set") }, "\(refused)")
        let third = try #require(pss.first)
        #expect(third.notValidAfter == ISO8601DateFormatter().date(from: "2021-06-19T11:58:15Z"))
        #expect(
            try CertificateBundle.sha256Fingerprint(third).lowercaseHex
                == "41568b124515d6d6619aeff3015b3ac00fe831f4886168f9ab3d7613c6e6d0d1")
    }

    @Test func aNationalListIsNotTrustedOnTheLOTLSignersWord() throws {
        // Pinned to the LOTL's signer, the Irish list alone does not verify: its own signer is vouched
        // for only through the LOTL's pointer.
        #expect(throws: TrustedListFailure.self) {
            try TrustedListVerifier.verify(try Self.bytes("ie-tl.xml"), file: "ie-tl.xml", signers: [try Self.signer("eu-lotl")])
        }
        let outcomes = TrustedListVerifier.verify(
            files: [("ie-tl.xml", try Self.bytes("ie-tl.xml"))], pinnedSigner: try Self.signer("eu-lotl"))
        guard case .refused = outcomes.first?.verdict else { Issue.record("verified: \(outcomes)"); return }
    }

    @Test(arguments: [
        ("eu-lotl-no-sig.xml", "not signed"),
        ("eu-lotl-broken-sig.xml", "changed after it was signed"),
        ("lotlCache_CZ_two-sigs.xml", "2 signatures"),
    ])
    func refusalsSayWhy(file: String, reason: String) throws {
        let bytes = try Self.bytes(file)
        let signer = try Self.keyInfoCertificate(bytes) ?? Self.signer("eu-lotl")
        do {
            _ = try TrustedListVerifier.verify(bytes, file: file, signers: [signer])
            Issue.record("\(file) verified")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test func aListChangedByOneCharacterIsRefused() throws {
        let original = String(decoding: try Self.bytes("ie-tl.xml"), as: UTF8.self)
        let tampered = original.replacingOccurrences(of: "TrustPro QCP-n", with: "TrustPro QCP-N")
        #expect(tampered != original)
        #expect(throws: TrustedListFailure.refused("a signed digest does not match: the list was changed after it was signed")) {
            try TrustedListVerifier.verify(Data(tampered.utf8), file: "ie", signers: [try Self.signer("ie-tl")])
        }
    }
}

func derFromPEM(_ pem: String) -> [UInt8] {
    let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    return Array(Data(base64Encoded: body) ?? Data())
}
