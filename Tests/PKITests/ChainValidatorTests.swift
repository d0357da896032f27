import ChildProcess
import Crypto
import Foundation
import PKI
import SwiftASN1
import Testing
import X509

@Suite("Chain validation against trust anchors per purpose")
struct ChainValidatorTests {
    let authority: TestAuthority
    let openssl: OpenSSLCommand

    init() throws {
        authority = try TestAuthority()
        openssl = try OpenSSLCommand()
    }

    @Test("a leaf sent alone chains through the issuing CA the directory knows")
    func leafOnly() async throws {
        let leaf = try authority.issue(.transport, csr: try await openssl.makeCSR(name: "t", key: ["rsa:2048"]))
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .transport, trust: authority.trust, at: authority.now)
        #expect(verdict.isValid, "\(verdict.problems)")
        #expect(verdict.chain == [leaf, authority.issuing.certificate, authority.root.certificate])
    }

    @Test("a signing certificate is not a transport certificate")
    func wrongPurpose() async throws {
        let leaf = try authority.issue(.signing, csr: try await openssl.makeCSR(name: "s", key: ["rsa:2048"]))
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .transport, trust: authority.trust, at: authority.now)
        #expect(!verdict.isValid)
        #expect(verdict.problems.contains { $0.contains("clientAuth") }, "\(verdict.problems)")
        let asSigning = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .signing, trust: authority.trust, at: authority.now)
        #expect(asSigning.isValid, "\(asSigning.problems)")
    }

    @Test("after notAfter the certificate is expired")
    func expired() async throws {
        let leaf = try authority.issue(.transport, csr: try await openssl.makeCSR(name: "e", key: ["rsa:2048"]))
        let later = leaf.notValidAfter + 86_400
        let verdict = await ChainValidator.validate(leaf: leaf, presented: [], purpose: .transport, trust: authority.trust, at: later)
        #expect(!verdict.isValid)
        #expect(verdict.problems.first?.contains("expired") == true, "\(verdict.problems)")
    }

    @Test("another CA's root does not vouch for our certificates, and no anchors means no trust")
    func untrusted() async throws {
        let leaf = try authority.issue(.transport, csr: try await openssl.makeCSR(name: "u", key: ["rsa:2048"]))
        let stranger = try TestAuthority()
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: [authority.issuing.certificate], purpose: .transport, trust: stranger.trust, at: authority.now)
        #expect(!verdict.isValid)
        let none = await ChainValidator.validate(leaf: leaf, presented: [], purpose: .qwac, trust: authority.trust, at: authority.now)
        #expect(none.problems == ["no trust anchors are configured for purpose qwac"])
    }

    @Test("a revoked certificate is invalid and says when and why")
    func revoked() async throws {
        let leaf = try authority.issue(.transport, csr: try await openssl.makeCSR(name: "r", key: ["rsa:2048"]))
        let entry = RevokedCertificate(serialNumber: leaf.serialNumber, revokedAt: authority.now, reason: .superseded)
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: [], purpose: .transport, trust: authority.trust, at: authority.now,
            revocation: { $0.serialNumber == entry.serialNumber ? entry : nil })
        #expect(!verdict.isValid)
        #expect(verdict.revocation == entry)
        #expect(verdict.problems.first?.contains("superseded") == true)
    }

    @Test("a QWAC with a critical qcStatements extension validates; its statements and identifier are reported")
    func qualifiedWebsiteCertificate() async throws {
        let qtsp = try ForeignQTSP()
        let statements = QualifiedCertificateStatements(
            isQualified: true, types: [.website],
            psd2: PSD2Attributes(
                roles: [.accountInformation, .paymentInitiation], authorityName: "Central Bank of Ireland", authorityID: "IE-CBI"))
        let qwac = try qtsp.issue(statements: statements, critical: true, usages: [.serverAuth, .clientAuth])
        let trust = TrustStore(anchors: [.qwac: [qtsp.root]])
        let verdict = await ChainValidator.validate(leaf: qwac, presented: [], purpose: .qwac, trust: trust, at: Date())
        #expect(verdict.isValid, "\(verdict.problems)")
        #expect(CertificateReport.declaredPurpose(of: qwac) == .qwac)
        let report = try CertificateReport(certificate: qwac, purpose: .qwac, verdict: verdict, at: Date())
        #expect(report.qcStatements == statements)
        #expect(report.organisationIdentifier?.authority == "CBI")
        #expect(report.organisationIdentifier?.country == "IE")
        #expect(report.issuerOrganisation == "Example QTSP")

        // The same certificate without QcType web is not a QWAC.
        let plain = try qtsp.issue(statements: QualifiedCertificateStatements(isQualified: true), critical: true, usages: [.serverAuth])
        let refused = await ChainValidator.validate(leaf: plain, presented: [], purpose: .qwac, trust: trust, at: Date())
        #expect(refused.problems.contains { $0.contains("QcType web") }, "\(refused.problems)")
    }
}

/// A stand-in for an eIDAS qualified trust service provider: its own root and a QWAC it issues directly.
struct ForeignQTSP {
    let key = P256.Signing.PrivateKey()
    let root: Certificate

    init() throws {
        let name = try DistinguishedName {
            CountryName("IE")
            OrganizationName("Example QTSP")
            CommonName("Example QTSP Root")
        }
        root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: Date() - 3600,
            notValidAfter: Date() + 86_400 * 365, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            }, issuerPrivateKey: .init(key))
    }

    func issue(statements: QualifiedCertificateStatements, critical: Bool, usages: [ExtendedKeyUsage.Usage]) throws -> Certificate {
        let subjectKey = P256.Signing.PrivateKey()
        var qc = try statements.makeExtension()
        qc.critical = critical
        let subject = SubjectIdentity(
            country: "IE", organisationName: "Example Payments DAC",
            organisationIdentifier: .psd2(country: "IE", authority: "CBI", authorisationNumber: "C12345"), commonName: "tpp.example")
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage(usages)
        }
        try extensions.append(qc)
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(subjectKey.publicKey), notValidBefore: Date() - 3600,
            notValidAfter: Date() + 86_400 * 30, issuer: root.subject, subject: try subject.distinguishedName(),
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: .init(key))
    }
}
