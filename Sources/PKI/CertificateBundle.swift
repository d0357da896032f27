import Crypto
import Foundation
import Keys
import SwiftASN1
import X509

/// Certificates from what a user hands over: one or more PEM blocks, or a single DER certificate.
/// Bounded in size and count, so that a hostile upload costs little before it is refused.
public enum CertificateBundle {
    public static let maximumLength = 64 * 1024
    public static let maximumCount = 10

    public static func parse(_ bytes: Data) throws -> [Certificate] {
        let blocks = try derBlocks(bytes)
        if blocks.count == 1, bytes.first == 0x30 {
            do { return [try certificate(der: blocks[0])] } catch {
                throw PKIFailure.malformed("the DER data is not an X.509 certificate")
            }
        }
        return try blocks.map { der in
            do { return try certificate(der: der) } catch {
                throw PKIFailure.malformed("a CERTIFICATE block is not a parseable X.509 certificate")
            }
        }
    }

    /// The DER of each certificate given, unparsed: for certificates that another parser reads (a trusted
    /// list's signer on a brainpool curve, which swift-certificates does not know, is read by OpenSSL).
    public static func derBlocks(_ bytes: Data) throws -> [[UInt8]] {
        guard !bytes.isEmpty else { throw PKIFailure.malformed("no certificate given") }
        guard bytes.count <= maximumLength else { throw PKIFailure.malformed("the certificate data is larger than \(maximumLength) bytes") }
        if bytes.first == 0x30 { return [Array(bytes)] }
        let text = String(decoding: bytes, as: UTF8.self)
        let documents: [PEMDocument]
        do { documents = try PEMDocument.parseMultiple(pemString: text) } catch {
            throw PKIFailure.malformed("the data is neither PEM nor DER X.509")
        }
        guard !documents.isEmpty else { throw PKIFailure.malformed("no -----BEGIN CERTIFICATE----- block found") }
        guard documents.count <= maximumCount else { throw PKIFailure.malformed("more than \(maximumCount) certificates given") }
        return try documents.map { document in
            guard document.discriminator == "CERTIFICATE" else {
                throw PKIFailure.malformed("expected CERTIFICATE blocks, got a PEM \(document.discriminator)")
            }
            return document.derBytes
        }
    }

    /// One DER certificate, also one signed with RSASSA-PSS or holding a brainpool key (carried as
    /// `RSASSAPSSCarrier` and `UnreadableKeyCarrier` describe).
    public static func certificate(der: [UInt8]) throws -> Certificate {
        do { return try Certificate(derEncoded: der) } catch {
            guard let carried = RSASSAPSSCarrier.carry(der: der) ?? UnreadableKeyCarrier.carry(der: der) else { throw error }
            return carried
        }
    }

    /// Whether the certificate is a stand-in whose signatures only OpenSSL can judge (PSS-signed, or a
    /// key swift-certificates cannot read).
    public static func isCarried(_ certificate: Certificate) -> Bool {
        UnreadableKeyCarrier.isCarried(certificate) || RSASSAPSSCarrier.isCarried(certificate)
    }

    /// The one certificate of a PEM block (as the store keeps anchors).
    public static func certificate(pem: String) throws -> Certificate {
        try certificate(der: try PEMDocument(pemString: pem).derBytes)
    }

    public static func pem(_ certificate: Certificate) throws -> String {
        PEMDocument(type: "CERTIFICATE", derBytes: try der(certificate)).pemString
    }

    /// The certificate's DER exactly as it was read (for a PSS-signed one, its original bytes).
    public static func der(_ certificate: Certificate) throws -> [UInt8] {
        let bytes = try DEREncoding.bytes(of: certificate)
        return RSASSAPSSCarrier.originalDER(of: certificate, serialized: bytes)
            ?? UnreadableKeyCarrier.originalDER(of: certificate, serialized: bytes) ?? bytes
    }

    /// Whether the certificate is signed with RSASSA-PSS, which OpenSSL rather than swift-certificates verifies.
    public static func isSignedWithRSASSAPSS(_ certificate: Certificate) -> Bool { RSASSAPSSCarrier.isCarried(certificate) }

    /// A certificate's or CSR's key as a PEM PUBLIC KEY (its DER SubjectPublicKeyInfo).
    public static func publicKeyPEM(_ key: Certificate.PublicKey) throws -> String {
        PEMDocument(type: "PUBLIC KEY", derBytes: try DEREncoding.bytes(of: key)).pemString
    }

    /// SHA-256 of the DER certificate: the `x5t#S256` of RFC 7517 §4.9 when base64url-encoded.
    public static func sha256Fingerprint(_ certificate: Certificate) throws -> [UInt8] {
        sha256Fingerprint(der: try der(certificate))
    }

    /// The base64url SHA-256 thumbprint, `x5t#S256` (RFC 7517 §4.9, RFC 8705 §3.1).
    public static func x5tS256(_ certificate: Certificate) throws -> String {
        Base64URL.encode(Data(try sha256Fingerprint(certificate)))
    }

    /// The fingerprint of DER bytes, also of certificates swift-certificates cannot read.
    public static func sha256Fingerprint(der: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: der)) }
}

extension Certificate.SerialNumber {
    /// Lower-case hexadecimal, the form the CLI and API show and accept.
    public var hexString: String { bytes.lowercaseHex }

    public init?(hexString: String) {
        guard !hexString.isEmpty, hexString.count <= 40, hexString.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        var index = hexString.startIndex
        while index < hexString.endIndex {
            let next = hexString.index(index, offsetBy: 2)
            guard let byte = UInt8(hexString[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes: bytes)
    }
}
