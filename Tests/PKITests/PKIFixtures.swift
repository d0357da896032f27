import Foundation
import PKI
import X509

/// A directory CA (root and issuing) made once per test, as `registrar init` makes it.
struct TestAuthority {
    let root: CertificateAuthorityKey
    let issuing: CertificateAuthorityKey
    let issuer: CertificateIssuer
    let now = Date()

    init() throws {
        root = try CertificateAuthorityKey.makeRoot(commonName: "Test Root CA", organisation: "Registrar Tests", now: now)
        issuing = try CertificateAuthorityKey.makeIssuing(
            commonName: "Test Issuing CA", organisation: "Registrar Tests", under: root, now: now)
        issuer = CertificateIssuer(authority: issuing, endpoints: PKIEndpoints(baseURL: "https://directory.example"))
    }

    static let subject = SubjectIdentity(
        country: "GB", organisationName: "Example Fintech Ltd",
        organisationIdentifier: .psd2(country: "GB", authority: "FCA", authorisationNumber: "123456"),
        organisationalUnit: "0015800001041REAAY", commonName: "software-7Hq2", userID: "software-7Hq2")

    var trust: TrustStore {
        TrustStore(anchors: [.transport: [root.certificate], .signing: [root.certificate]], intermediates: [issuing.certificate])
    }

    func issue(_ purpose: CertificatePurpose, csr: String, statements: QualifiedCertificateStatements? = nil) throws -> Certificate {
        let reviewed = try SigningRequestReview.review(pem: csr)
        return try issuer.issue(
            LeafCertificateRequest(purpose: purpose, subject: Self.subject, publicKey: reviewed.publicKey, statements: statements), now: now
        )
    }

    func pem(_ certificate: Certificate) throws -> String { try CertificateBundle.pem(certificate) }
}
