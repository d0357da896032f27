import Crypto
import Foundation
import SwiftASN1
import X509

/// A CA certificate with its private key: the directory's root or its issuing CA. CA keys are ECDSA
/// P-256, signing with SHA-256: cheap to sign with, and every TLS stack and `openssl` verifies them.
///
/// ```swift
/// let root = try CertificateAuthorityKey.makeRoot(commonName: "Registrar Root CA", organisation: "Registrar", now: now)
/// let issuing = try CertificateAuthorityKey.makeIssuing(commonName: "Registrar Issuing CA", under: root, now: now)
/// ```
public struct CertificateAuthorityKey: Sendable {
    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey

    /// Certificates are dated a minute back so that a relying party whose clock is slightly behind accepts them at once.
    static let backdating: TimeInterval = 60
    public static let rootLifetime: TimeInterval = 20 * 365 * 86_400
    public static let issuingLifetime: TimeInterval = 10 * 365 * 86_400

    public init(certificate: Certificate, privateKeyPEM: String) throws {
        let key: P256.Signing.PrivateKey
        do { key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM) } catch {
            throw PKIFailure.malformed("the CA private key is not a P-256 PEM key")
        }
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw PKIFailure.refused("the CA private key does not match its certificate")
        }
        self.certificate = certificate
        self.privateKey = key
    }

    init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// PKCS#8 PEM, for sealing under the key-encryption key; never for output.
    public var privateKeyPEM: String { privateKey.pemRepresentation }

    var keyIdentifier: ArraySlice<UInt8> {
        (try? certificate.extensions.subjectKeyIdentifier)??.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
    }

    var certificateSigner: Certificate.PrivateKey { Certificate.PrivateKey(privateKey) }

    /// Signs DER bytes (a CRL's or an OCSP response's to-be-signed part) as ecdsa-with-SHA256.
    func signDER(_ bytes: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: bytes).derRepresentation)
    }

    public static func makeRoot(commonName: String, organisation: String, country: String = "GB", now: Date) throws -> Self {
        let key = P256.Signing.PrivateKey()
        let name = try caName(commonName: commonName, organisation: organisation, country: country)
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - backdating, notValidAfter: now + rootLifetime, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return Self(certificate: certificate, privateKey: key)
    }

    /// An issuing CA under `root`, allowed to certify end entities only (path length 0).
    public static func makeIssuing(
        commonName: String, organisation: String, country: String = "GB", under root: Self, now: Date
    ) throws -> Self {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - backdating, notValidAfter: min(now + issuingLifetime, root.certificate.notValidAfter),
            issuer: root.certificate.subject, subject: try caName(commonName: commonName, organisation: organisation, country: country),
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: root.keyIdentifier)
            },
            issuerPrivateKey: root.certificateSigner)
        return Self(certificate: certificate, privateKey: key)
    }

    private static func caName(commonName: String, organisation: String, country: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName(country)
            OrganizationName(organisation)
            CommonName(commonName)
        }
    }
}
