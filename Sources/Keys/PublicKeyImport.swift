import Foundation

/// Turns what a participant uploads (a JWK or a PEM public key) into a public JWK we are willing to
/// publish: never a private or symmetric key, never a weak one.
///
/// ```swift
/// let jwk = try PublicKeyImport.jwk(from: uploadedBytes, use: "sig")
/// ```
public enum PublicKeyImport {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAKey
        case containsPrivateMembers
        case symmetricKey
        case weakKey(String)
        case invalidUse(String)

        public var description: String {
            switch self {
            case .notAKey: "the upload is neither a JSON Web Key nor a PEM public key"
            case .containsPrivateMembers: "the key contains private members; upload the public key only"
            case .symmetricKey: "symmetric (oct) keys are never published"
            case .weakKey(let why): "the key is not acceptable: \(why)"
            case .invalidUse(let use): "use must be 'sig' or 'enc', not '\(use)'"
            }
        }
    }

    public static func jwk(from upload: Data, use defaultUse: String = "sig") throws -> JSONWebKey {
        let text = String(decoding: upload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var jwk: JSONWebKey
        if text.hasPrefix("-----BEGIN") {
            if text.contains("PRIVATE KEY") { throw Failure.containsPrivateMembers }
            do { jwk = try PublicKeyMaterial(pem: text).jwk } catch { throw failure(for: error) }
            jwk.use = defaultUse
        } else {
            // The strict reader refuses a member named twice, so the checks below and the decoder see one key.
            guard let object = JSONValue.object(upload) else { throw Failure.notAKey }
            if object["kty"]?.stringValue == "oct" { throw Failure.symmetricKey }
            if !JSONWebKey.privateMemberNames.isDisjoint(with: object.keys) { throw Failure.containsPrivateMembers }
            guard let decoded = try? JSONDecoder().decode(JSONWebKey.self, from: upload) else { throw Failure.notAKey }
            jwk = decoded
            do { jwk = try mergingCanonicalMembers(into: jwk, from: PublicKeyMaterial(jwk)) } catch { throw failure(for: error) }
            jwk.use = jwk.use ?? defaultUse
        }
        guard let use = jwk.use, use == "sig" || use == "enc" else { throw Failure.invalidUse(jwk.use ?? "") }
        if jwk.kid == nil || jwk.kid?.isEmpty == true { jwk.kid = try JWKThumbprint.sha256(of: jwk) }
        return jwk
    }

    /// Keeps the uploaded metadata (kid, use, alg, x5c) but the key members as the parsed key renders them.
    private static func mergingCanonicalMembers(into jwk: JSONWebKey, from material: PublicKeyMaterial) -> JSONWebKey {
        var canonical = material.jwk
        canonical.kid = jwk.kid
        canonical.use = jwk.use
        canonical.alg = jwk.alg
        canonical.x5c = jwk.x5c
        canonical.x5tS256 = jwk.x5tS256
        return canonical
    }

    private static func failure(for error: any Error) -> Failure {
        switch error as? PublicKeyMaterial.Failure {
        case .weakRSAKey(let bits): .weakKey("RSA keys need at least \(SigningKey.minimumRSABits) bits, this one has \(bits)")
        case .unsupportedCurve(let curve): .weakKey("curve \(curve) is not accepted (P-256 or P-384)")
        case .unsupportedKeyType(let kty): .weakKey("key type \(kty) is not accepted (RSA or EC)")
        default: .notAKey
        }
    }
}
