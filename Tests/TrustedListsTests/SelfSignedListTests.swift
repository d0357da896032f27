import ChildProcess
import Foundation
import Testing

@testable import TrustedLists

/// Lists the tests write and sign themselves with the xmlsec1 command line (an independent signer):
/// what a valid list yields, and the attacks a verifier must refuse even when the cryptography holds.
@Suite struct SelfSignedListTests {
    /// The fixture's signer, and a CA certificate made by openssl to list as a service.
    struct Workshop {
        let fixture: TrustedListFixture
        var openssl: OpenSSLCommand { fixture.openssl }

        init() async throws {
            fixture = try await TrustedListFixture(openssl: try OpenSSLCommand())
            try await fixture.openssl.require([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                fixture.openssl.path("listed-ca.key"),
                "-out", fixture.openssl.path("listed-ca.pem"), "-days", "30", "-subj", "/CN=listed-ca",
                "-addext", "basicConstraints=critical,CA:TRUE",
            ])
        }

        var signerDER: [UInt8] { get throws { derFromPEM(try openssl.read("list-signer.pem")) } }

        func list(sequence: Int = 7, issued: Date = Date(), reference: String = "") throws -> String {
            TrustedListFixture.list(
                sequence: sequence, issued: issued,
                services: [.init(name: "Example qualified CA", certificate: try openssl.read("listed-ca.pem"))],
                signature: TrustedListFixture.signatureTemplate(reference: reference))
        }

        func sign(_ template: String) async throws -> Data { try await fixture.sign(template) }
    }

    @Test func aListSignedByThePinnedSignerYieldsItsService() async throws {
        let workshop = try await Workshop()
        let signed = try await workshop.sign(try workshop.list())
        let verified = try TrustedListVerifier.verify(signed, file: "zz.xml", signers: [try workshop.signerDER])
        #expect(verified.list.territory == "ZZ" && verified.list.sequenceNumber == 7)
        let candidates = verified.list.anchorCandidates()
        let listed = derFromPEM(try workshop.openssl.read("listed-ca.pem"))
        #expect(candidates.map(\.providerName) == ["Example QTSP"] && candidates.first?.certificate == listed)

        // Another key, even a valid certificate, is not the pinned signer.
        #expect(throws: TrustedListFailure.refused("the signature value does not verify with the pinned signer's key")) {
            try TrustedListVerifier.verify(signed, file: "zz.xml", signers: [derFromPEM(try workshop.openssl.read("listed-ca.pem"))])
        }
    }

    @Test func theSignerIsJudgedAtTheListsIssueTime() async throws {
        let workshop = try await Workshop()
        let signed = try await workshop.sign(
            try workshop.list(issued: Date(timeIntervalSince1970: 978_307_200)))
        #expect(throws: TrustedListFailure.self) {
            try TrustedListVerifier.verify(signed, file: "old.xml", signers: [try workshop.signerDER])
        }
    }

    @Test func aReferenceToAnElementOutsideTheSignatureIsRefusedThoughItVerifies() async throws {
        // The signature covers only the element with Id="list" (the root, by id): cryptographically fine,
        // but a wrapping attack moves such an element; only URI="" (the whole document) is accepted.
        let workshop = try await Workshop()
        let signed = try await workshop.sign(
            try workshop.list(reference: "#list"))
        #expect(throws: TrustedListFailure.refused("signature reference #list points outside the signature (signature wrapping)")) {
            try TrustedListVerifier.verify(signed, file: "wrapped.xml", signers: [try workshop.signerDER])
        }
    }

    @Test func aSignatureMovedOutOfTheRootIsRefused() async throws {
        let workshop = try await Workshop()
        let signed = String(
            decoding: try await workshop.sign(try workshop.list()),
            as: UTF8.self)
        // Wrap the signature into an extension element: still one signature, no longer enveloped by the root.
        let start = try #require(signed.range(of: "<ds:Signature"))
        let end = try #require(signed.range(of: "</ds:Signature>"))
        let moved = signed.replacingCharacters(
            in: start.lowerBound..<end.upperBound, with: "<Wrapper>\(signed[start.lowerBound..<end.upperBound])</Wrapper>")
        #expect(throws: TrustedListFailure.refused("the signature is not enveloped in the list's root element (signature wrapping)")) {
            try TrustedListVerifier.verify(Data(moved.utf8), file: "moved.xml", signers: [try workshop.signerDER])
        }
    }

    @Test func aDuplicatedIdIsRefused() async throws {
        let workshop = try await Workshop()
        let signed = String(
            decoding: try await workshop.sign(try workshop.list()),
            as: UTF8.self)
        let duplicated = signed.replacingOccurrences(of: "<SchemeInformation>", with: "<SchemeInformation Id=\"sig\">")
        #expect(throws: TrustedListFailure.refused("two elements share Id=\"sig\" (signature wrapping)")) {
            try TrustedListVerifier.verify(Data(duplicated.utf8), file: "dup.xml", signers: [try workshop.signerDER])
        }
    }

    @Test(arguments: [
        (
            #"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]><TrustServiceStatusList>&x;</TrustServiceStatusList>"#,
            "declares a DTD"
        ),
        (
            #"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>"#,
            "declares a DTD"
        ),
        ("<TrustServiceStatusList><SchemeInformation>", "not well-formed XML"),
        ("\u{FEFF}<l/>", "not a usable trusted list"),
        ("<Other xmlns=\"urn:x\"/>", "the root element is Other, not TrustServiceStatusList"),
        ("", "the document is empty"),
    ])
    func hostileAndMalformedDocumentsAreRefusedBeforeAnyVerification(document: String, reason: String) throws {
        do {
            _ = try TrustedListVerifier.verify(Data(document.utf8), file: "hostile.xml", signers: [[0x30]])
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test func utf16IsRefused() throws {
        let utf16 = "<l/>".data(using: .utf16)!
        #expect(throws: TrustedListFailure.malformed("only UTF-8 documents are read")) {
            try TrustedListVerifier.verify(utf16, file: "u16.xml", signers: [])
        }
    }
}
