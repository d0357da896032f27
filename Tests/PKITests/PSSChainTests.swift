import ChildProcess
import Crypto
import Foundation
import PKI
import SwiftASN1
import Testing
import X509

/// RSASSA-PSS-signed certificates, made by openssl: swift-certificates cannot read them, so they are
/// carried (`RSASSAPSSCarrier`) and their chains validated by OpenSSL, under the directory's own purpose,
/// qcStatements, expiry and revocation rules.
@Suite struct PSSChainTests {
    let openssl: OpenSSLCommand
    static let pss = OpenSSLCommand.rsassaPSSSigning

    init() throws { openssl = try OpenSSLCommand() }

    func certificate(_ name: String) throws -> Certificate { try CertificateBundle.certificate(pem: try openssl.read(name)) }

    /// A root self-signed with `rootSigning` (PSS by default).
    func makeRoot(_ name: String = "root", subject: String = "/C=DE/O=PSS QTSP/CN=PSS Root", rootSigning: [String] = pss) async throws
        -> Certificate
    {
        try await openssl.require(
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "30", "-subj",
                subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ] + rootSigning)
        return try certificate("\(name).pem")
    }

    /// A certificate for `name` issued by `issuer` with the given extensions, signed with `signing`.
    func issue(_ name: String, by issuer: String, extensions: String, signing: [String] = pss, days: Int = 10) async throws -> Certificate {
        try await openssl.require(
            [
                "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj",
                "/C=DE/O=Payments GmbH/CN=\(name)",
            ])
        try openssl.write("\(name).ext", extensions)
        try await openssl.require(
            [
                "x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key", "-CAcreateserial", "-days",
                "\(days)",
                "-extfile", "\(name).ext", "-out", "\(name).pem",
            ] + signing)
        return try certificate("\(name).pem")
    }

    static func leafExtensions(usage: String, qcStatements: String? = nil) -> String {
        var extensions = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=\(usage)\n"
        if let qcStatements { extensions += "1.3.6.1.5.5.7.1.3=critical,DER:\(qcStatements)\n" }
        return extensions
    }

    @Test func aPSSSignedCertificateIsCarriedByteForByte() async throws {
        let root = try await makeRoot()
        #expect(CertificateBundle.isSignedWithRSASSAPSS(root))
        try await openssl.expectCarriedByteForByte(root, file: "root.pem")
        #expect(root.subject.description == "CN=PSS Root,O=PSS QTSP,C=DE")
        let report = try CertificateReport(certificate: root, purpose: .signing, verdict: .valid([root]), at: Date())
        #expect(report.signatureAlgorithm == "RSASSA-PSS")
        let ordinary = try await makeRoot("plain", subject: "/CN=Plain", rootSigning: ["-sha256"])
        #expect(!CertificateBundle.isSignedWithRSASSAPSS(ordinary))
        #expect(
            try CertificateReport(certificate: ordinary, purpose: .signing, verdict: .valid([]), at: Date()).signatureAlgorithm
                == "sha256WithRSAEncryption")
    }

    @Test func aPSSSignedTransportChainValidatesThroughOpenSSL() async throws {
        let root = try await makeRoot()
        let leaf = try await issue("tpp", by: "root", extensions: Self.leafExtensions(usage: "clientAuth"))
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .transport, trust: TrustStore(anchors: [.transport: [root]]), at: Date())
        #expect(verdict.isValid, "\(verdict.problems)")
        #expect(verdict.chain == [leaf, root])
    }

    @Test func aPSSSignedIntermediateTheDirectoryKnowsCompletesALeafOnlyChain() async throws {
        let root = try await makeRoot("root", rootSigning: ["-sha256"])
        let intermediate = try await issue(
            "issuing", by: "root", extensions: "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n")
        let leaf = try await issue("tpp", by: "issuing", extensions: Self.leafExtensions(usage: "clientAuth"), signing: ["-sha256"])
        let trust = TrustStore(anchors: [.transport: [root]], intermediates: [intermediate])
        let verdict = await ChainValidator.validate(leaf: leaf, presented: [], purpose: .transport, trust: trust, at: Date())
        #expect(verdict.isValid, "\(verdict.problems)")
        #expect(verdict.chain == [leaf, intermediate, root])
        let withoutIt = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .transport, trust: TrustStore(anchors: [.transport: [root]]), at: Date())
        #expect(!withoutIt.isValid)
    }

    /// A root that signed itself with PSS but signs its leaves with PKCS#1 v1.5 needs no OpenSSL: an
    /// anchor's own signature is never checked.
    @Test func aPSSSelfSignedRootThatSignsWithPKCS1ValidatesNatively() async throws {
        let root = try await makeRoot()
        let leaf = try await issue("tpp", by: "root", extensions: Self.leafExtensions(usage: "clientAuth"), signing: ["-sha256"])
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .transport, trust: TrustStore(anchors: [.transport: [root]]), at: Date())
        #expect(verdict.isValid && verdict.chain == [leaf, root], "\(verdict.problems)")
    }

    @Test func theDirectorysRulesStillApplyToPSSChains() async throws {
        let root = try await makeRoot()
        let leaf = try await issue("tpp", by: "root", extensions: Self.leafExtensions(usage: "serverAuth"))
        let trust = TrustStore(anchors: [.transport: [root], .signing: [root]])
        let wrongPurpose = await ChainValidator.validate(leaf: leaf, presented: [], purpose: .transport, trust: trust, at: Date())
        #expect(wrongPurpose.problems == ["a transport certificate needs the clientAuth extended key usage"])
        let expired = await ChainValidator.validate(leaf: leaf, presented: [], purpose: .transport, trust: trust, at: Date() + 86_400 * 20)
        #expect(!expired.isValid && expired.problems[0].contains("expired"), "\(expired.problems)")
        let other = try await makeRoot("other", subject: "/CN=Other")
        let untrusted = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .transport, trust: TrustStore(anchors: [.transport: [other]]), at: Date())
        #expect(!untrusted.isValid && untrusted.problems[0].contains("OpenSSL"), "\(untrusted.problems)")
        let client = try await issue("client", by: "root", extensions: Self.leafExtensions(usage: "clientAuth"))
        let revoked = await ChainValidator.validate(
            leaf: client, presented: [], purpose: .transport, trust: trust, at: Date(),
            revocation: { _ in RevokedCertificate(serialNumber: client.serialNumber, revokedAt: Date(), reason: .keyCompromise) })
        #expect(revoked.problems.first?.contains("revoked") == true, "\(revoked.problems)")
    }

    /// A PSS signature that does not match its certificate is refused, whatever the carrier holds.
    @Test func aTamperedPSSSignatureIsRefused() async throws {
        let root = try await makeRoot()
        _ = try await issue("tpp", by: "root", extensions: Self.leafExtensions(usage: "clientAuth"))
        var der = try CertificateBundle.der(try certificate("tpp.pem"))
        der[der.count - 10] ^= 0x01  // inside the signature value, the last element
        let tampered = try CertificateBundle.certificate(der: der)
        let verdict = await ChainValidator.validate(
            leaf: tampered, presented: [], purpose: .transport, trust: TrustStore(anchors: [.transport: [root]]), at: Date())
        #expect(!verdict.isValid && verdict.problems[0].contains("signature"), "\(verdict.problems)")
    }

    @Test func aPSSSignedQWACWithCriticalQCStatementsValidates() async throws {
        let statements = QualifiedCertificateStatements(isQualified: true, types: [.website], psd2: nil)
        let hex = try statements.makeExtension().value.map { String(format: "%02X", $0) }.joined()
        let root = try await makeRoot()
        let leaf = try await issue("qwac", by: "root", extensions: Self.leafExtensions(usage: "serverAuth,clientAuth", qcStatements: hex))
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .qwac, trust: TrustStore(anchors: [.qwac: [root]]), at: Date())
        #expect(verdict.isValid, "\(verdict.problems)")
    }

    /// Bytes that only look like a carried certificate are not taken for one, and oversized PSS
    /// parameters (a handshake has no 64 KiB upload limit) are refused rather than trapping.
    @Test func garbageIsNotACertificate() throws {
        var hostile = DER.Serializer()
        try hostile.appendConstructedNode(identifier: .sequence) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(ASN1Null()) }
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize([1, 2, 840, 113549, 1, 1, 10] as ASN1ObjectIdentifier)
                try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(repeating: 0x41, count: 70_000)))
            }
            try coder.serialize(ASN1BitString(bytes: [0x01, 0x02]))
        }
        let samples: [[UInt8]] = [
            [], [0x30, 0x00], [0x30, 0x03, 0x02, 0x01, 0x00], Array(repeating: 0x30, count: 64), hostile.serializedBytes,
        ]
        for bytes in samples {
            #expect(throws: (any Error).self) { try CertificateBundle.certificate(der: bytes) }
        }
    }
}
