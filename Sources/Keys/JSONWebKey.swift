import Foundation

/// A public JSON Web Key (RFC 7517) as Registrar publishes it.
///
/// Only public members exist on this type, so a private member can never be serialised by accident;
/// `PublicKeyImport` refuses uploads that carry one.
///
/// ```swift
/// let jwk = try signingKey.publicJWK          // kty, kid (RFC 7638 thumbprint), use, alg, n/e or crv/x/y
/// let bytes = try JSONWebKeySet(keys: [jwk]).encoded()
/// ```
public struct JSONWebKey: Codable, Sendable, Hashable {
    public var kty: String
    public var kid: String?
    public var use: String?
    public var keyOps: [String]?
    public var alg: String?
    // RSA (RFC 7518 §6.3.1)
    public var n: String?
    public var e: String?
    // EC / OKP (RFC 7518 §6.2.1, RFC 8037)
    public var crv: String?
    public var x: String?
    public var y: String?
    // X.509 (RFC 7517 §4.7, §4.9)
    public var x5c: [String]?
    public var x5tS256: String?

    enum CodingKeys: String, CodingKey {
        case kty, kid, use, alg, n, e, crv, x, y, x5c
        case keyOps = "key_ops"
        case x5tS256 = "x5t#S256"
    }

    public init(
        kty: String, kid: String? = nil, use: String? = nil, alg: String? = nil,
        n: String? = nil, e: String? = nil, crv: String? = nil, x: String? = nil, y: String? = nil,
        x5c: [String]? = nil, x5tS256: String? = nil
    ) {
        self.kty = kty
        self.kid = kid
        self.use = use
        self.alg = alg
        self.n = n
        self.e = e
        self.crv = crv
        self.x = x
        self.y = y
        self.x5c = x5c
        self.x5tS256 = x5tS256
    }

    /// Members that only a private (or symmetric) key carries (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
    public static let privateMemberNames: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]
}

/// A JWK Set (RFC 7517 §5).
public struct JSONWebKeySet: Codable, Sendable, Hashable {
    public var keys: [JSONWebKey]

    public init(keys: [JSONWebKey]) { self.keys = keys }

    /// The keys that may have signed a JWS whose header names `kid`: those with that kid, and keys
    /// published without one (an operator's PEM key); all of them when the header names none.
    public func candidates(forKID kid: String?) -> [JSONWebKey] {
        keys.filter { kid == nil || $0.kid == nil || $0.kid == kid }
    }

    /// Deterministic bytes (sorted members), so equal sets give equal ETags.
    public func encoded() throws -> Data {
        try JOSEJSON.encoder.encode(self)
    }
}

/// The one JSON configuration used for everything Registrar signs or publishes.
public enum JOSEJSON {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
