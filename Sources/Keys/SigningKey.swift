import Crypto
import CryptoExtras
import Foundation

/// JWS algorithms Registrar signs with. FAPI allows PS256 and ES256 only; there is deliberately no `none`
/// and no HMAC.
public enum SigningAlgorithm: String, Codable, Sendable, CaseIterable {
    case PS256
    case ES256
}

/// A private signing key held in memory: generated here or opened from its encrypted form.
///
/// ```swift
/// let key = try SigningKey.generate(.PS256)
/// let jws = try CompactJWS.sign(payload: claims, header: .init(alg: key.algorithm, kid: key.kid), with: key)
/// let published = key.publicJWK      // kid = RFC 7638 thumbprint, no private member
/// ```
public struct SigningKey: Sendable {
    public enum Failure: Error, Equatable {
        case unreadablePrivateKey
        case rsaKeyTooSmall(bits: Int)
        case signingFailed
    }

    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    public let algorithm: SigningAlgorithm
    let material: Material
    /// The same RSA key in OpenSSL, which signs it; BoringSSL keeps parsing, generation and verification.
    private let openSSLKey: OpenSSLRSAKey?
    public let publicJWK: JSONWebKey
    public var kid: String { publicJWK.kid ?? "" }
    /// The base64url JWS header `{"alg":…,"kid":…,"typ":"JWT"}`, the same for every token this key signs.
    public let encodedJWTHeader: String

    public static let minimumRSABits = 2048

    public static func generate(_ algorithm: SigningAlgorithm, rsaBits: Int = 2048) throws -> SigningKey {
        switch algorithm {
        case .PS256:
            guard rsaBits >= minimumRSABits else { throw Failure.rsaKeyTooSmall(bits: rsaBits) }
            return try SigningKey(algorithm: .PS256, material: .rsa(.init(keySize: .init(bitCount: rsaBits))))
        case .ES256:
            return try SigningKey(algorithm: .ES256, material: .p256(.init()))
        }
    }

    /// Opens a key from its PKCS#8 PEM form (what `pkcs8PEM` wrote).
    public init(algorithm: SigningAlgorithm, pkcs8PEM: String) throws {
        do {
            switch algorithm {
            case .PS256: try self.init(algorithm: algorithm, material: .rsa(.init(pemRepresentation: pkcs8PEM)))
            case .ES256: try self.init(algorithm: algorithm, material: .p256(.init(pemRepresentation: pkcs8PEM)))
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.unreadablePrivateKey
        }
    }

    /// Opens a PKCS#8 PEM key of either kind: a P-256 key signs ES256, an RSA key PS256.
    public init(pkcs8PEM: String) throws {
        if let key = try? Self(algorithm: .ES256, pkcs8PEM: pkcs8PEM) {
            self = key
        } else {
            try self.init(algorithm: .PS256, pkcs8PEM: pkcs8PEM)
        }
    }

    init(algorithm: SigningAlgorithm, material: Material) throws {
        self.algorithm = algorithm
        self.material = material
        var jwk: JSONWebKey
        switch material {
        case .rsa(let key):
            guard key.keySizeInBits >= Self.minimumRSABits else { throw Failure.rsaKeyTooSmall(bits: key.keySizeInBits) }
            let primitives = try key.publicKey.getKeyPrimitives()
            jwk = JSONWebKey(kty: "RSA", n: Base64URL.encode(primitives.modulus), e: Base64URL.encode(primitives.publicExponent))
        case .p256(let key):
            jwk = JSONWebKey(ecPoint: key.publicKey.rawRepresentation, curve: "P-256")
        }
        jwk.use = "sig"
        jwk.alg = algorithm.rawValue
        jwk.kid = try JWKThumbprint.sha256(of: jwk)
        self.publicJWK = jwk
        self.encodedJWTHeader = Base64URL.encode(try JOSEJSON.encoder.encode(JOSEHeader(alg: algorithm, kid: jwk.kid)))
        if case .rsa(let key) = material {
            guard let openSSLKey = OpenSSLRSAKey(pkcs8PEM: key.pkcs8PEMRepresentation) else { throw Failure.unreadablePrivateKey }
            self.openSSLKey = openSSLKey
        } else {
            self.openSSLKey = nil
        }
    }

    /// The private key as PKCS#8 PEM: only ever handed to `KeyEncryptionKey.seal`.
    public var pkcs8PEM: String {
        switch material {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .p256(let key): key.pemRepresentation
        }
    }

    /// Signs a JWS signing input (RFC 7515 §5.1): RSASSA-PSS with SHA-256 and a 32-byte salt, or ECDSA
    /// P-256 with the fixed-width r‖s form JWS requires (RFC 7518 §3.4).
    public func sign(_ signingInput: some DataProtocol) throws -> Data {
        switch material {
        case .rsa:
            guard let signature = openSSLKey?.signPSS(Data(signingInput)) else { throw Failure.signingFailed }
            return signature
        case .p256(let key): return try key.signature(for: Data(signingInput)).rawRepresentation
        }
    }
}

extension JSONWebKey {
    /// An EC public JWK from the uncompressed point's x‖y.
    init(ecPoint raw: Data, curve: String) {
        let half = raw.count / 2
        self.init(kty: "EC", crv: curve, x: Base64URL.encode(raw.prefix(half)), y: Base64URL.encode(raw.suffix(half)))
    }
}
