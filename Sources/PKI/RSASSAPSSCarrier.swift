import SwiftASN1
import X509

/// Lets a certificate signed with RSASSA-PSS (RFC 4055) live in the directory as a `Certificate`.
///
/// swift-certificates throws while reading such a certificate (it has no PSS signature type), yet they
/// are common among EU trust service providers: the German trusted-list signers named by the EU LOTL
/// are PSS-signed, for one. So the certificate is carried in a stand-in form: its TBSCertificate, which
/// every rule of the directory reads (names, key, validity, extensions, qcStatements), is untouched; the
/// outer signature becomes `sha256WithRSAEncryption` over a value that holds a marker, the original
/// AlgorithmIdentifier and the original signature. No verifier accepts that signature, so a carried
/// certificate can never pass a native signature check by accident; `CertificateBundle.der` and `.pem`
/// give back the original bytes, so fingerprints, `x5c`, stored anchors and OpenSSL see the real
/// certificate, and `ChainValidator` hands chains with a carried certificate to OpenSSL.
enum RSASSAPSSCarrier {
    static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]
    private static let sha256WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 11]
    private static let marker = Array("registrar:rsassa-pss:v1".utf8)

    /// The stand-in for a PSS-signed certificate, or nil when `der` is not a certificate signed that way.
    static func carry(der: [UInt8]) -> Certificate? {
        guard let parts = try? outerParts(of: der), algorithm(of: parts.algorithm) == rsassaPSS else { return nil }
        let algorithmBytes = Array(parts.algorithm.encodedBytes)
        // Its length travels in two bytes; real PSS parameters are some 60 bytes.
        guard algorithmBytes.count <= 0xFFFF else { return nil }
        var payload = marker
        payload += [UInt8(algorithmBytes.count >> 8), UInt8(algorithmBytes.count & 0xFF)]
        payload += algorithmBytes + Array(parts.signature.encodedBytes)
        var coder = DER.Serializer()
        do {
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeRawBytes(parts.tbs.encodedBytes)
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(sha256WithRSAEncryption)
                    try coder.serialize(ASN1Null())
                }
                try coder.serialize(ASN1BitString(bytes: payload[...]))
            }
            return try Certificate(derEncoded: coder.serializedBytes)
        } catch {
            return nil
        }
    }

    /// The original DER of a carried certificate; nil for every other certificate.
    static func originalDER(of certificate: Certificate, serialized der: [UInt8]) -> [UInt8]? {
        // Every sha256WithRSAEncryption certificate passes here on its way out (fingerprints, handshakes):
        // a byte search spares the ordinary ones a DER parse.
        guard certificate.signatureAlgorithm == .sha256WithRSAEncryption, der.firstRange(of: marker) != nil,
            let parts = try? outerParts(of: der),
            let value = try? ASN1BitString(derEncoded: parts.signature).bytes, value.starts(with: marker)
        else { return nil }
        let rest = Array(value.dropFirst(marker.count))
        guard rest.count > 2 else { return nil }
        let algorithmLength = Int(rest[0]) << 8 | Int(rest[1])
        guard rest.count > 2 + algorithmLength else { return nil }
        var coder = DER.Serializer()
        coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(parts.tbs.encodedBytes)
            coder.serializeRawBytes(rest[2...])
        }
        return coder.serializedBytes
    }

    static func isCarried(_ certificate: Certificate) -> Bool {
        guard certificate.signatureAlgorithm == .sha256WithRSAEncryption, let der = try? DEREncoding.bytes(of: certificate) else {
            return false
        }
        return originalDER(of: certificate, serialized: der) != nil
    }

    private static func outerParts(of der: [UInt8]) throws -> (tbs: ASN1Node, algorithm: ASN1Node, signature: ASN1Node) {
        let root = try DER.parse(der)
        guard root.identifier == .sequence, case .constructed(let children) = root.content else {
            throw ASN1Error.invalidASN1Object(reason: "not a certificate")
        }
        let nodes = Array(children)
        guard nodes.count == 3 else { throw ASN1Error.invalidASN1Object(reason: "not a certificate") }
        return (nodes[0], nodes[1], nodes[2])
    }

    private static func algorithm(of node: ASN1Node) -> ASN1ObjectIdentifier? {
        guard node.identifier == .sequence, case .constructed(let children) = node.content else { return nil }
        var nodes = children.makeIterator()
        return nodes.next().flatMap { try? ASN1ObjectIdentifier(derEncoded: $0) }
    }
}
