import Crypto
import CryptoExtras
import SwiftASN1
import X509

/// The checks a PKCS#10 certificate signing request passes before the directory CA will certify its key.
/// Only the public key is taken from the request: the subject and extensions the directory writes itself.
///
/// ```swift
/// let reviewed = try SigningRequestReview.review(pem: uploadedText)
/// let certificate = try issuer.issue(LeafCertificateRequest(purpose: .transport, subject: subject, publicKey: reviewed.publicKey))
/// ```
public enum SigningRequestReview {
    /// A CSR for a 4096-bit RSA key is about 1.7 KiB of PEM; anything far larger is not a CSR.
    public static let maximumPEMLength = 16 * 1024

    public struct Reviewed: Sendable {
        public let publicKey: Certificate.PublicKey
    }

    public static func review(pem text: String) throws -> Reviewed {
        let request = try parse(pem: text)
        try requireProofOfPossession(request)
        try requireAcceptableKey(request.publicKey)
        return Reviewed(publicKey: request.publicKey)
    }

    static func parse(pem text: String) throws -> CertificateSigningRequest {
        guard text.utf8.count <= maximumPEMLength else {
            throw PKIFailure.malformed("the CSR is larger than \(maximumPEMLength) bytes")
        }
        let document: PEMDocument
        do { document = try PEMDocument(pemString: text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch {
            throw PKIFailure.malformed("the CSR is not PEM (expected -----BEGIN CERTIFICATE REQUEST-----)")
        }
        guard ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"].contains(document.discriminator) else {
            throw PKIFailure.malformed("expected a CERTIFICATE REQUEST, got a PEM \(document.discriminator)")
        }
        do { return try CertificateSigningRequest(derEncoded: document.derBytes) } catch {
            if let weak = weakRSAKeyBits(inRequest: document.derBytes) {
                throw PKIFailure.refused("RSA keys need at least 2048 bits, this one has \(weak)")
            }
            throw PKIFailure.malformed("the CSR cannot be parsed as PKCS#10")
        }
    }

    /// swift-certificates refuses to parse RSA keys under 2048 bits at all; read the modulus size from the
    /// request's SubjectPublicKeyInfo so the participant learns the real reason.
    static func weakRSAKeyBits(inRequest der: [UInt8]) -> Int? {
        guard let root = try? DER.parse(der), case .constructed(let request) = root.content,
            let info = request.first(where: { _ in true }), case .constructed(let fields) = info.content
        else { return nil }
        let parts = Array(fields)
        guard parts.count >= 3, case .constructed = parts[2].content,
            let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: parts[2].encodedBytes)
        else { return nil }
        return key.keySizeInBits < 2048 ? key.keySizeInBits : nil
    }

    /// The request must be signed by the private key of the public key it carries.
    static func requireProofOfPossession(_ request: CertificateSigningRequest) throws {
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw PKIFailure.refused("the CSR's signature does not verify with the public key it carries")
        }
    }

    /// RSA of at least 2048 bits, or EC on P-256 or P-384: the keys FAPI and the ecosystems accept.
    public static func requireAcceptableKey(_ key: Certificate.PublicKey) throws {
        if let rsa = _RSA.Signing.PublicKey(key) {
            guard rsa.keySizeInBits >= 2048 else {
                throw PKIFailure.refused("RSA keys need at least 2048 bits, this one has \(rsa.keySizeInBits)")
            }
        } else if P256.Signing.PublicKey(key) != nil || P384.Signing.PublicKey(key) != nil {
            return
        } else if P521.Signing.PublicKey(key) != nil {
            throw PKIFailure.refused("curve P-521 is not accepted (P-256 or P-384)")
        } else {
            throw PKIFailure.refused("key type \(key) is not accepted (RSA 2048+ or EC P-256/P-384)")
        }
    }
}
