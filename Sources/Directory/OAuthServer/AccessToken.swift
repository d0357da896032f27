import Foundation
import Keys

/// The claims of the directory's access tokens: JWTs in the RFC 9068 profile (`typ: at+jwt`), signed
/// with the directory's current key, bound to the client's TLS certificate by RFC 8705 `cnf.x5t#S256`.
/// The `typ` keeps an SSA (also signed by the directory, `typ: JWT`) from passing for an access token.
public struct AccessTokenClaims: Codable, Sendable, Equatable {
    public static let type = "at+jwt"

    public struct Confirmation: Codable, Sendable, Equatable {
        public var certificateThumbprint: String
        enum CodingKeys: String, CodingKey { case certificateThumbprint = "x5t#S256" }
    }

    public var iss: String
    public var sub: String
    public var aud: String
    public var client_id: String
    /// The software statement's organisation, so that a request needs no look-up to scope the caller.
    public var org_id: String
    public var scope: String
    public var iat: Int
    public var exp: Int
    public var jti: String
    public var cnf: Confirmation

    public var client: SoftwareClient {
        SoftwareClient(
            organisationID: org_id, softwareID: client_id,
            scopes: Set(scope.split(separator: " ").compactMap { DirectoryScope(rawValue: String($0)) }))
    }
}

/// Where the directory's OAuth endpoints are and how long its access tokens live.
public struct TokenSettings: Sendable, Equatable {
    /// The issuer of access tokens and their audience: the directory's own API.
    public var issuer: String
    public var tokenEndpoint: String
    public var accessTokenLifetime: TimeInterval

    public init(issuer: String, tokenEndpoint: String, accessTokenLifetime: TimeInterval = 300) {
        self.issuer = issuer
        self.tokenEndpoint = tokenEndpoint
        self.accessTokenLifetime = accessTokenLifetime
    }
}
