import ChildProcess
import Foundation
import Testing

@testable import TrustedLists

/// Lists the tests write and sign themselves with the xmlsec1 command line (an independent signer):
/// what a valid list yields, and the attacks a verifier must refuse even when the cryptography holds.
@Suite struct SelfSignedListTests {
    static let dsig = "http://www.w3.org/2000/09/xmldsig#"

    /// A signer key and certificate, and a CA certificate to list as a service, made by openssl.
    final class Workshop: Sendable {
        let openssl: OpenSSLCommand
        let xmlsec: String

        init() async throws {
            openssl = try OpenSSLCommand()
            guard let xmlsec = ChildProcess.locate("xmlsec1", candidates: ["/usr/bin/xmlsec1"]) else {
                throw XMLSecUnavailable()
            }
            self.xmlsec = xmlsec
            for (name, extra) in [
                ("signer", ["-addext", "keyUsage=critical,digitalSignature"]),
                ("listed-ca", ["-addext", "basicConstraints=critical,CA:TRUE"]),
            ] {
                try await openssl.require(
                    [
                        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                        openssl.path("\(name).key"),
                        "-out", openssl.path("\(name).pem"), "-days", "30", "-subj", "/CN=\(name)",
                    ] + extra)
            }
        }

        var signerDER: [UInt8] { get throws { derFromPEM(try openssl.read("signer.pem")) } }

        func listedCABase64() throws -> String {
            try openssl.read("listed-ca.pem").split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        }

        /// Signs `template` (a list with an empty ds:Signature) with xmlsec1 and returns the signed bytes.
        func sign(_ template: String) async throws -> Data {
            try openssl.write("template.xml", template)
            let result = try await ChildProcess.run(
                xmlsec,
                [
                    "--sign", "--privkey-pem", "\(openssl.path("signer.key")),\(openssl.path("signer.pem"))",
                    "--id-attr:Id", "TrustServiceStatusList", "--output", openssl.path("signed.xml"), openssl.path("template.xml"),
                ])
            guard result.status == 0 else { throw SigningFailed(errors: result.errors) }
            return try Data(contentsOf: openssl.folder.appending(path: "signed.xml"))
        }
    }

    struct XMLSecUnavailable: Error, CustomStringConvertible {
        var description: String { "xmlsec1 is not installed (apt-get install xmlsec1)" }
    }
    struct SigningFailed: Error { var errors: String }

    static func signatureTemplate(reference: String = "") -> String {
        """
        <ds:Signature xmlns:ds="\(dsig)" Id="sig"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
        <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>\
        <ds:Reference URI="\(reference)"><ds:Transforms>\
        <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
        <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>\
        </ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>
        """
    }

    static func list(
        sequence: Int = 7, issued: String = ISO8601DateFormatter().string(from: Date()), certificate: String, signature: String
    )
        -> String
    {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" Id="list" TSLTag="http://uri.etsi.org/19612/TSLTag">
        <SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>\(sequence)</TSLSequenceNumber>
        <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>
        <SchemeOperatorName><Name xml:lang="en">Test Supervisory Body</Name></SchemeOperatorName>
        <SchemeTerritory>ZZ</SchemeTerritory><ListIssueDateTime>\(issued)</ListIssueDateTime>
        <NextUpdate><dateTime>2099-01-01T00:00:00Z</dateTime></NextUpdate></SchemeInformation>
        <TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="en">Example QTSP</Name></TSPName></TSPInformation>
        <TSPServices><TSPService><ServiceInformation>
        <ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier>
        <ServiceName><Name xml:lang="en">Example qualified CA</Name></ServiceName>
        <ServiceDigitalIdentity><DigitalId><X509Certificate>\(certificate)</X509Certificate></DigitalId></ServiceDigitalIdentity>
        <ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</ServiceStatus>
        <StatusStartingTime>2020-01-01T00:00:00Z</StatusStartingTime></ServiceInformation></TSPService></TSPServices>
        </TrustServiceProvider></TrustServiceProviderList>
        \(signature)</TrustServiceStatusList>
        """
    }

    @Test func aListSignedByThePinnedSignerYieldsItsService() async throws {
        let workshop = try await Workshop()
        let signed = try await workshop.sign(Self.list(certificate: try workshop.listedCABase64(), signature: Self.signatureTemplate()))
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
            Self.list(issued: "2001-01-01T00:00:00Z", certificate: try workshop.listedCABase64(), signature: Self.signatureTemplate()))
        #expect(throws: TrustedListFailure.self) {
            try TrustedListVerifier.verify(signed, file: "old.xml", signers: [try workshop.signerDER])
        }
    }

    @Test func aReferenceToAnElementOutsideTheSignatureIsRefusedThoughItVerifies() async throws {
        // The signature covers only the element with Id="list" (the root, by id): cryptographically fine,
        // but a wrapping attack moves such an element; only URI="" (the whole document) is accepted.
        let workshop = try await Workshop()
        let signed = try await workshop.sign(
            Self.list(certificate: try workshop.listedCABase64(), signature: Self.signatureTemplate(reference: "#list")))
        #expect(throws: TrustedListFailure.refused("signature reference #list points outside the signature (signature wrapping)")) {
            try TrustedListVerifier.verify(signed, file: "wrapped.xml", signers: [try workshop.signerDER])
        }
    }

    @Test func aSignatureMovedOutOfTheRootIsRefused() async throws {
        let workshop = try await Workshop()
        let signed = String(
            decoding: try await workshop.sign(Self.list(certificate: try workshop.listedCABase64(), signature: Self.signatureTemplate())),
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
            decoding: try await workshop.sign(Self.list(certificate: try workshop.listedCABase64(), signature: Self.signatureTemplate())),
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
