import Crypto
import SwiftASN1
import X509

/// Lets a certificate whose public key swift-certificates cannot read live in the directory as a
/// `Certificate`: ECDSA keys on the brainpool curves (RFC 5639), which German qualified trust service
/// providers use (the gematik trusted list, its QTSPs' CAs). Only those: other unreadable keys stay refused.
///
/// The stand-in keeps the certificate's TBSCertificate except its subjectPublicKeyInfo, which becomes a
/// P-256 key whose private half was thrown away the moment it was made (once per process): names,
/// validity, extensions and qcStatements read as they are, and no signature ever verifies under the
/// stand-in key, so a chain through a carried certificate can only be validated by OpenSSL, which gets
/// the original bytes (`ChainValidator`, `OpenSSLPathValidation`). The outer signature becomes
/// `sha256WithRSAEncryption` over a value holding a marker and the original DER, which
/// `CertificateBundle.der` and `.pem` give back, so fingerprints, stored anchors and OpenSSL see the real
/// certificate; its own signature therefore verifies nowhere either.
enum UnreadableKeyCarrier {
    private static let marker = Array("registrar:unreadable-key:v1".utf8)
    private static let sha256WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 11]
    /// Names of the signature algorithms such certificates are signed with, for reports.
    private static let algorithmNames: [ASN1ObjectIdentifier: String] = [
        [1, 2, 840, 10045, 4, 3, 2]: "ecdsaWithSHA256", [1, 2, 840, 10045, 4, 3, 3]: "ecdsaWithSHA384",
        [1, 2, 840, 10045, 4, 3, 4]: "ecdsaWithSHA512", [1, 2, 840, 113549, 1, 1, 11]: "sha256WithRSAEncryption",
        [1, 2, 840, 113549, 1, 1, 12]: "sha384WithRSAEncryption", [1, 2, 840, 113549, 1, 1, 13]: "sha512WithRSAEncryption",
        [1, 2, 840, 113549, 1, 1, 10]: "RSASSA-PSS",
    ]

    /// The stand-in subjectPublicKeyInfo and key; its private key exists nowhere.
    private static let standIn: (info: [UInt8], key: Certificate.PublicKey) = {
        let key = P256.Signing.PrivateKey().publicKey
        return (Array(key.derRepresentation), Certificate.PublicKey(key))
    }()

    /// The stand-in for a certificate swift-certificates refuses only for its key, or nil.
    static func carry(der: [UInt8]) -> Certificate? {
        guard let outer = try? children(of: DER.parse(der)), outer.count == 3, var tbs = try? children(of: outer[0]) else { return nil }
        // TBSCertificate: [0] version (explicit, optional), serial, signature, issuer, validity, subject, subjectPublicKeyInfo, …
        let hasVersion = tbs.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
        let keyIndex = hasVersion ? 6 : 5
        guard tbs.count > keyIndex, isBrainpoolKey(tbs[keyIndex]) else { return nil }
        tbs[keyIndex] = (try? DER.parse(standIn.info)) ?? tbs[keyIndex]
        var coder = DER.Serializer()
        do {
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                coder.appendConstructedNode(identifier: .sequence) { coder in
                    for node in tbs { coder.serializeRawBytes(node.encodedBytes) }
                }
                // As an RSA signature the value is opaque bytes (an ECDSA one would have to parse).
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(sha256WithRSAEncryption)
                    try coder.serialize(ASN1Null())
                }
                try coder.serialize(ASN1BitString(bytes: (marker + der)[...]))
            }
            return try Certificate(derEncoded: coder.serializedBytes)
        } catch {
            return nil
        }
    }

    /// The original DER of a carried certificate; nil for every other certificate.
    static func originalDER(of certificate: Certificate, serialized der: [UInt8]) -> [UInt8]? {
        guard isCarried(certificate), let outer = try? children(of: DER.parse(der)), outer.count == 3,
            let value = try? ASN1BitString(derEncoded: outer[2]).bytes, value.starts(with: marker)
        else { return nil }
        return Array(value.dropFirst(marker.count))
    }

    static func isCarried(_ certificate: Certificate) -> Bool { certificate.publicKey == standIn.key }

    /// How the issuer signed the original certificate (the stand-in's own algorithm is a placeholder).
    static func originalSignatureAlgorithm(of certificate: Certificate) -> String? {
        guard let der = try? DEREncoding.bytes(of: certificate), let original = originalDER(of: certificate, serialized: der),
            let outer = try? children(of: DER.parse(original)), outer.count == 3, let algorithm = try? children(of: outer[1]).first,
            let identifier = try? ASN1ObjectIdentifier(derEncoded: algorithm)
        else { return nil }
        return algorithmNames[identifier] ?? identifier.description
    }

    /// Only keys OpenSSL reads and swift-certificates does not: EC on a brainpool curve (RFC 5639,
    /// 1.3.36.3.3.2.8.1.1.x). Anything else unreadable (an RSA modulus that is not DER) stays refused.
    static func isBrainpoolKey(_ info: ASN1Node) -> Bool {
        guard let info = try? children(of: info), let algorithm = info.first.flatMap({ try? children(of: $0) }), algorithm.count == 2,
            let type = try? ASN1ObjectIdentifier(derEncoded: algorithm[0]), type == [1, 2, 840, 10045, 2, 1],
            let curve = try? ASN1ObjectIdentifier(derEncoded: algorithm[1])
        else { return false }
        return curve.oidComponents.starts(with: [1, 3, 36, 3, 3, 2, 8, 1, 1])
    }

    private static func children(of node: ASN1Node) throws -> [ASN1Node] {
        guard node.identifier == .sequence, case .constructed(let children) = node.content else {
            throw ASN1Error.invalidASN1Object(reason: "not a sequence")
        }
        return Array(children)
    }
}
