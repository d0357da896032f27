import ChildProcess
import Crypto
import Foundation
import PKI
import SwiftASN1
import Testing
import X509

/// Certificates with ECDSA keys on brainpool curves (RFC 5639), as German QTSPs issue them, made by
/// openssl: swift-certificates cannot read their keys, so they are carried (`UnreadableKeyCarrier`) and
/// chains through them validated by OpenSSL, under the directory's own purpose, expiry and revocation rules.
@Suite struct BrainpoolChainTests {
    let openssl: OpenSSLCommand

    init() throws { openssl = try OpenSSLCommand() }

    func certificate(_ name: String) throws -> Certificate { try CertificateBundle.certificate(pem: try openssl.read(name)) }

    static func key(_ curve: String) -> [String] { ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:\(curve)"] }

    func makeRoot(_ name: String = "root", subject: String = "/C=DE/O=Brainpool QTSP/CN=Brainpool Root", curve: String = "brainpoolP256r1")
        async throws -> Certificate
    {
        try await openssl.require(
            ["req", "-x509"] + Self.key(curve) + [
                "-nodes", "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "30", "-subj", subject, "-sha256",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        return try certificate("\(name).pem")
    }

    func issue(_ name: String, by issuer: String, usage: String, curve: String = "brainpoolP256r1", days: Int = 10) async throws
        -> Certificate
    {
        try await openssl.require(
            ["req", "-new"] + Self.key(curve) + [
                "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/C=DE/O=Zahlung GmbH/CN=\(name)",
            ])
        try openssl.write(
            "\(name).ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=\(usage)\n")
        try await openssl.require([
            "x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key", "-CAcreateserial", "-days", "\(days)",
            "-extfile", "\(name).ext", "-out", "\(name).pem", "-sha256",
        ])
        return try certificate("\(name).pem")
    }

    @Test func aBrainpoolCertificateIsCarriedByteForByte() async throws {
        let root = try await makeRoot()
        try await openssl.expectCarriedByteForByte(root, file: "root.pem")
        #expect(root.subject.description == "CN=Brainpool Root,O=Brainpool QTSP,C=DE")
        let report = try CertificateReport(certificate: root, purpose: .signing, verdict: .valid([root]), at: Date())
        #expect(report.signatureAlgorithm == "ecdsaWithSHA256")
        #expect(!CertificateBundle.isCarried(try await makeRoot("plain", subject: "/CN=Plain", curve: "prime256v1")))
    }

    @Test(arguments: ["brainpoolP256r1", "brainpoolP384r1", "prime256v1"])
    func aTransportChainUnderABrainpoolRootValidatesThroughOpenSSL(leafCurve: String) async throws {
        let root = try await makeRoot()
        let leaf = try await issue("tpp", by: "root", usage: "clientAuth", curve: leafCurve)
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .transport, trust: TrustStore(anchors: [.transport: [root]]), at: Date())
        #expect(verdict.isValid, "\(leafCurve): \(verdict.problems)")
        #expect(verdict.chain == [leaf, root])
    }

    @Test func theDirectorysRulesStillApplyToBrainpoolChains() async throws {
        let root = try await makeRoot()
        let leaf = try await issue("tpp", by: "root", usage: "serverAuth")
        let trust = TrustStore(anchors: [.transport: [root]])
        let wrongPurpose = await ChainValidator.validate(leaf: leaf, presented: [], purpose: .transport, trust: trust, at: Date())
        #expect(wrongPurpose.problems == ["a transport certificate needs the clientAuth extended key usage"])
        let client = try await issue("client", by: "root", usage: "clientAuth")
        let expired = await ChainValidator.validate(
            leaf: client, presented: [], purpose: .transport, trust: trust, at: Date() + 86_400 * 20)
        #expect(!expired.isValid && expired.problems[0].contains("expired"), "\(expired.problems)")
        let revoked = await ChainValidator.validate(
            leaf: client, presented: [], purpose: .transport, trust: trust, at: Date(),
            revocation: { _ in RevokedCertificate(serialNumber: client.serialNumber, revokedAt: Date(), reason: .keyCompromise) })
        #expect(revoked.problems.first?.contains("revoked") == true, "\(revoked.problems)")
    }

    /// Another CA with the same name as the anchor (its own brainpool key) cannot pass for it, and
    /// neither can a leaf signed with any P-256 key: the stand-in key of a carried anchor verifies nothing.
    @Test func aCertificateFromAnImpostorWithTheAnchorsNameIsRefused() async throws {
        let root = try await makeRoot()
        _ = try await makeRoot("impostor")  // same subject, another key
        let forged = try await issue("forged", by: "impostor", usage: "clientAuth")
        _ = try await makeRoot("p256", subject: "/C=DE/O=Brainpool QTSP/CN=Brainpool Root", curve: "prime256v1")
        let p256Forged = try await issue("p256-forged", by: "p256", usage: "clientAuth", curve: "prime256v1")
        for leaf in [forged, p256Forged] {
            let verdict = await ChainValidator.validate(
                leaf: leaf, presented: [], purpose: .transport, trust: TrustStore(anchors: [.transport: [root]]), at: Date())
            #expect(!verdict.isValid && verdict.problems[0].contains("OpenSSL"), "\(verdict.problems)")
        }
    }
}
