import Crypto
import CryptoExtras
import Foundation

/// The protected header Registrar writes. Members are sorted on the wire.
public struct JOSEHeader: Codable, Sendable, Equatable {
    public var alg: String
    public var kid: String?
    public var typ: String?

    public init(alg: SigningAlgorithm, kid: String?, typ: String? = "JWT") {
        self.alg = alg.rawValue
        self.kid = kid
        self.typ = typ
    }

    /// Reads a decoded protected header: `alg` must be a string, `kid` and `typ` strings when present.
    init?(members: [String: JSONValue]) {
        guard let alg = members["alg"]?.stringValue else { return nil }
        func optional(_ name: String) -> String?? {
            guard let value = members[name], value != .null else { return .some(nil) }
            return value.stringValue.map { .some($0) }
        }
        guard let kid = optional("kid"), let typ = optional("typ") else { return nil }
        (self.alg, self.kid, self.typ) = (alg, kid, typ)
    }
}

/// JWS compact serialisation (RFC 7515 §7.1).
///
/// ```swift
/// let token = try CompactJWS.sign(payload: claimsJSON, header: JOSEHeader(alg: .PS256, kid: key.kid), with: key)
/// let (header, payload) = try CompactJWS.verify(token, with: key.publicJWK)
/// ```
public enum CompactJWS {
    public enum Failure: Error, Equatable {
        case malformed
        case unsupportedAlgorithm(String)
        case keyDoesNotMatchAlgorithm
        case badSignature
        /// The header lists critical extensions (`crit`); Registrar understands none, so the JWS is
        /// invalid (RFC 7515 §4.1.11).
        case criticalExtension
    }

    public static func sign(payload: Data, header: JOSEHeader, with key: SigningKey) throws -> String {
        try sign(payload: payload, encodedHeader: Base64URL.encode(try JOSEJSON.encoder.encode(header)), with: key)
    }

    /// A JWT with the key's own header (alg, kid, typ JWT), encoded once per key.
    public static func signJWT(payload: Data, with key: SigningKey) throws -> String {
        try sign(payload: payload, encodedHeader: key.encodedJWTHeader, with: key)
    }

    private static func sign(payload: Data, encodedHeader: String, with key: SigningKey) throws -> String {
        let signingInput = encodedHeader + "." + Base64URL.encode(payload)
        return signingInput + "." + Base64URL.encode(try key.sign(Data(signingInput.utf8)))
    }

    /// A compact JWS taken apart, not verified; decode once, verify against several keys.
    public struct Parts: Sendable {
        public var header: JOSEHeader
        public var payload: Data
        public var signingInput: Data
        public var signature: Data
    }

    /// Splits a compact JWS without verifying it.
    public static func decode(_ token: String) throws -> Parts {
        let bytes = Array(token.utf8)
        guard let first = bytes.firstIndex(of: UInt8(ascii: ".")),
            let second = bytes[(first + 1)...].firstIndex(of: UInt8(ascii: ".")),
            !bytes[(second + 1)...].contains(UInt8(ascii: ".")),
            let headerBytes = Base64URL.decode(bytes: bytes[..<first]),
            let payload = Base64URL.decode(bytes: bytes[(first + 1)..<second]),
            let signature = Base64URL.decode(bytes: bytes[(second + 1)...]),
            let members = JSONValue.object(headerBytes), let header = JOSEHeader(members: members)
        else { throw Failure.malformed }
        guard members["crit"] == nil else { throw Failure.criticalExtension }
        return Parts(header: header, payload: payload, signingInput: Data(bytes[..<second]), signature: signature)
    }

    /// Verifies with a public JWK. The algorithm comes from the header but must be one we allow and must
    /// fit the key (and the key's own `alg`, when it names one).
    public static func verify(_ token: String, with jwk: JSONWebKey) throws -> (header: JOSEHeader, payload: Data) {
        try verify(try decode(token), with: jwk)
    }

    public static func verify(_ parts: Parts, with jwk: JSONWebKey) throws -> (header: JOSEHeader, payload: Data) {
        guard let algorithm = SigningAlgorithm(rawValue: parts.header.alg) else {
            throw Failure.unsupportedAlgorithm(parts.header.alg)
        }
        if let keyAlgorithm = jwk.alg, keyAlgorithm != algorithm.rawValue { throw Failure.keyDoesNotMatchAlgorithm }
        let valid: Bool
        switch (algorithm, try PublicKeyMaterial.cached(jwk)) {
        case (.PS256, .rsa(let key)):
            valid = key.isValidSignature(
                .init(rawRepresentation: parts.signature), for: SHA256.hash(data: parts.signingInput), padding: .PSS)
        case (.ES256, .p256(let key)):
            guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: parts.signature) else {
                throw Failure.badSignature
            }
            valid = key.isValidSignature(signature, for: parts.signingInput)
        default:
            throw Failure.keyDoesNotMatchAlgorithm
        }
        guard valid else { throw Failure.badSignature }
        return (parts.header, parts.payload)
    }
}
