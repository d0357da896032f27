import Crypto
import CryptoExtras
import Foundation
import Synchronization

/// A public key usable for verification, built from a JWK or a PEM `SubjectPublicKeyInfo`.
/// It is also where the strength rules live: RSA of at least 2048 bits, EC on P-256 or P-384.
public enum PublicKeyMaterial: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)

    public enum Failure: Error, Equatable {
        case unsupportedKeyType(String)
        case unsupportedCurve(String)
        case malformedKey
        case weakRSAKey(bits: Int)
    }

    public init(_ jwk: JSONWebKey) throws {
        switch jwk.kty {
        case "RSA":
            guard let n = jwk.n.flatMap(Base64URL.decode), let e = jwk.e.flatMap(Base64URL.decode) else {
                throw Failure.malformedKey
            }
            do {
                self = .rsa(try _RSA.Signing.PublicKey(unsafeN: n, e: e))
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure.malformedKey
            }
        case "EC":
            guard let x = jwk.x.flatMap(Base64URL.decode), let y = jwk.y.flatMap(Base64URL.decode) else {
                throw Failure.malformedKey
            }
            switch jwk.crv {
            case "P-256":
                guard x.count == 32, y.count == 32, let key = try? P256.Signing.PublicKey(rawRepresentation: x + y) else {
                    throw Failure.malformedKey
                }
                self = .p256(key)
            case "P-384":
                guard x.count == 48, y.count == 48, let key = try? P384.Signing.PublicKey(rawRepresentation: x + y) else {
                    throw Failure.malformedKey
                }
                self = .p384(key)
            default:
                throw Failure.unsupportedCurve(jwk.crv ?? "(none)")
            }
        default:
            throw Failure.unsupportedKeyType(jwk.kty)
        }
        try requireStrength()
    }

    /// The key for a JWK, built once and kept (at most `cacheCapacity` keys, then afresh): the same
    /// software and directory keys verify request after request, and building an RSA key from its
    /// modulus cost as much as verifying with it. Only public material goes in, so nothing to protect.
    public static func cached(_ jwk: JSONWebKey) throws -> PublicKeyMaterial {
        let key = [jwk.kty, jwk.crv ?? "", jwk.n ?? "", jwk.e ?? "", jwk.x ?? "", jwk.y ?? ""].joined(separator: ".")
        if let kept = cache.withLock({ $0[key] }) { return kept }
        let made = try PublicKeyMaterial(jwk)
        cache.withLock { kept in
            if kept.count >= cacheCapacity { kept.removeAll(keepingCapacity: true) }
            kept[key] = made
        }
        return made
    }

    static let cacheCapacity = 1024
    private static let cache = Mutex<[String: PublicKeyMaterial]>([:])

    public init(pem: String) throws {
        if let key = try? P256.Signing.PublicKey(pemRepresentation: pem) {
            self = .p256(key)
        } else if let key = try? P384.Signing.PublicKey(pemRepresentation: pem) {
            self = .p384(key)
        } else if let key = try? _RSA.Signing.PublicKey(unsafePEMRepresentation: pem) {
            self = .rsa(key)
        } else {
            throw Failure.malformedKey
        }
        try requireStrength()
    }

    private func requireStrength() throws {
        if case .rsa(let key) = self, key.keySizeInBits < SigningKey.minimumRSABits {
            throw Failure.weakRSAKey(bits: key.keySizeInBits)
        }
    }

    /// The DER SubjectPublicKeyInfo, for PEM output.
    public var derSubjectPublicKeyInfo: Data {
        switch self {
        case .rsa(let key): key.derRepresentation
        case .p256(let key): key.derRepresentation
        case .p384(let key): key.derRepresentation
        }
    }

    /// The public JWK (no `kid`, `use` or `alg`).
    public var jwk: JSONWebKey {
        switch self {
        case .rsa(let key):
            let primitives = try? key.getKeyPrimitives()
            return JSONWebKey(
                kty: "RSA", n: primitives.map { Base64URL.encode($0.modulus) }, e: primitives.map { Base64URL.encode($0.publicExponent) })
        case .p256(let key): return JSONWebKey(ecPoint: key.rawRepresentation, curve: "P-256")
        case .p384(let key): return JSONWebKey(ecPoint: key.rawRepresentation, curve: "P-384")
        }
    }
}

extension _RSA.Signing.PublicKey {
    /// `init(n:e:)` refuses keys under 2048 bits with an opaque error; measure the modulus first so the
    /// caller learns *why* a key was refused.
    init(unsafeN n: Data, e: Data) throws {
        let significant = n.drop(while: { $0 == 0 })
        let bits = significant.first.map { significant.count * 8 - $0.leadingZeroBitCount } ?? 0
        guard bits >= SigningKey.minimumRSABits else { throw PublicKeyMaterial.Failure.weakRSAKey(bits: bits) }
        try self.init(n: n, e: e)
    }
}
