import Crypto
import Foundation
import SwiftASN1
import X509

/// A TLS server certificate for names on this machine, signed by a CA of its own: what the sandbox's
/// HTTPS listener presents, so that clients verify it (`curl --cacert`) instead of switching checks off.
/// The directory CA never issues these: it certifies participants, not hosts.
///
/// ```swift
/// let made = try ServerCertificate.make(hostNames: ["localhost"], addresses: ["127.0.0.1", "::1"], now: Date())
/// // made.rootPEM for clients; made.chainPEM and made.privateKeyPEM for the listener
/// ```
public struct ServerCertificate: Sendable {
    public let root: Certificate
    public let certificate: Certificate
    public let privateKeyPEM: String

    public static let lifetime: TimeInterval = 397 * 86_400

    /// The PEM the listener presents: its certificate, then the root.
    public var chainPEM: String { get throws { try CertificateBundle.pem(certificate) + "\n" + CertificateBundle.pem(root) + "\n" } }
    public var rootPEM: String { get throws { try CertificateBundle.pem(root) + "\n" } }

    public static func make(hostNames: [String], addresses: [String], organisation: String = "Registrar sandbox", now: Date) throws -> Self
    {
        let authority = try CertificateAuthorityKey.makeRoot(commonName: "\(organisation) TLS root", organisation: organisation, now: now)
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let names =
            try hostNames.map { GeneralName.dnsName($0) }
            + addresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: try addressBytes($0)[...])) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - CertificateAuthorityKey.backdating, notValidAfter: now + lifetime,
            issuer: authority.certificate.subject,
            subject: try DistinguishedName {
                OrganizationName(organisation)
                CommonName(hostNames.first ?? addresses.first ?? "localhost")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authority.keyIdentifier)
            },
            issuerPrivateKey: authority.certificateSigner)
        return Self(root: authority.certificate, certificate: certificate, privateKeyPEM: key.pemRepresentation)
    }

    /// An IPv4 or IPv6 address in its network byte order, as a subjectAltName iPAddress holds it.
    static func addressBytes(_ address: String) throws -> [UInt8] {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        throw PKIFailure.malformed("\(address) is not an IP address")
    }
}
