/// What a certificate is for. The directory CA issues `transport` and `signing` certificates; trust
/// anchors are kept per purpose, and eIDAS adds the qualified website (QWAC) and seal (QSealC) kinds.
public enum CertificatePurpose: String, Sendable, Codable, CaseIterable {
    /// mTLS client (and server) authentication.
    case transport
    /// Signing requests, responses and tokens (the key behind a JWKS `sig` entry).
    case signing
    /// eIDAS qualified website authentication certificate.
    case qwac
    /// eIDAS qualified electronic seal certificate.
    case qseal

    /// Whether the directory CA issues certificates of this purpose.
    public var isIssuable: Bool { self == .transport || self == .signing }

    /// The JWK `use` a certificate of this purpose is published with.
    public var jwkUse: String { self == .transport || self == .qwac ? "tls" : "sig" }
}
