import Foundation

/// The registered claims of a JWT (RFC 7519 §4.1) that Registrar's checks read, from any payload.
/// `aud` may be one string or an array on the wire; NumericDates may be integers or fractions.
public struct RegisteredClaims: Decodable, Sendable, Equatable {
    public var issuer: String?
    public var subject: String?
    public var audience: [String]
    public var expiresAt: Date?
    public var notBefore: Date?
    public var issuedAt: Date?
    public var jwtID: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, nbf, iat, jti
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decodeIfPresent(String.self, forKey: .iss)
        subject = try container.decodeIfPresent(String.self, forKey: .sub)
        if let one = try? container.decodeIfPresent(String.self, forKey: .aud) {
            audience = [one]
        } else {
            audience = try container.decodeIfPresent([String].self, forKey: .aud) ?? []
        }
        func date(_ key: CodingKeys) throws -> Date? {
            try container.decodeIfPresent(Double.self, forKey: key).map { Date(timeIntervalSince1970: $0) }
        }
        expiresAt = try date(.exp)
        notBefore = try date(.nbf)
        issuedAt = try date(.iat)
        jwtID = try container.decodeIfPresent(String.self, forKey: .jti)
    }

    /// Reads the claims of a payload; nil when it is not a JSON object with well-typed registered claims.
    public static func read(_ payload: Data) -> RegisteredClaims? {
        try? JSONDecoder().decode(RegisteredClaims.self, from: payload)
    }
}
