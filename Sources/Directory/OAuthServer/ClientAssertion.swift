import Foundation
import Keys

/// `private_key_jwt` client authentication (RFC 7523 §3, OpenID Connect Core §9): the rules a client
/// assertion's claims must pass, each a named check. The signature is checked separately, against the
/// client's own keys.
///
/// ```swift
/// let rules = ClientAssertionRules(audiences: [tokenEndpoint, issuer])
/// try rules.check(claims, clientID: softwareID, at: Date())
/// ```
public struct ClientAssertionRules: Sendable {
    /// The values of `aud` that name this server: the token endpoint URL (RFC 7523) and the issuer (FAPI).
    public var audiences: Set<String>
    /// How far ahead `exp` may be: a long-lived assertion is a bearer credential in all but name.
    public var maximumLifetime: TimeInterval = 600
    /// Tolerated difference between the client's clock and ours.
    public var clockSkew: TimeInterval = 30

    public init(audiences: Set<String>) { self.audiences = audiences }

    private var time: JWTTimeRules { JWTTimeRules(clockSkew: clockSkew) }

    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    public func check(_ claims: RegisteredClaims, clientID: String, at now: Date) throws {
        try issuerAndSubjectAreTheClient(claims, clientID: clientID)
        try audienceNamesThisServer(claims)
        try notExpired(claims, at: now)
        try lifetimeIsShort(claims, at: now)
        try notUsedBeforeItsTime(claims, at: now)
        try hasIdentifier(claims)
    }

    /// RFC 7523 §3 items 1 and 2: `iss` and `sub` are both the client_id.
    public func issuerAndSubjectAreTheClient(_ claims: RegisteredClaims, clientID: String) throws {
        guard claims.issuer == clientID, claims.subject == clientID else {
            throw OAuthError.invalidClient("the client assertion's iss and sub must both be the client_id \(clientID)")
        }
    }

    /// RFC 7523 §3 item 3.
    public func audienceNamesThisServer(_ claims: RegisteredClaims) throws {
        guard claims.isAddressed(to: audiences) else {
            throw OAuthError.invalidClient(
                "the client assertion's aud must name this server (\(audiences.sorted().joined(separator: " or ")))")
        }
    }

    /// RFC 7523 §3 item 4.
    public func notExpired(_ claims: RegisteredClaims, at now: Date) throws {
        guard claims.expiresAt != nil else { throw OAuthError.invalidClient("the client assertion has no exp") }
        guard time.isUnexpired(claims.expiresAt, at: now) else { throw OAuthError.invalidClient("the client assertion has expired") }
    }

    public func lifetimeIsShort(_ claims: RegisteredClaims, at now: Date) throws {
        guard time.isShortLived(claims.expiresAt, lifetime: maximumLifetime, at: now) else {
            throw OAuthError.invalidClient("the client assertion's exp is more than \(Int(maximumLifetime)) seconds ahead")
        }
    }

    /// RFC 7523 §3 items 5 and 6: `nbf` and `iat`, when present, are not in the future.
    public func notUsedBeforeItsTime(_ claims: RegisteredClaims, at now: Date) throws {
        for (name, date) in [("nbf", claims.notBefore), ("iat", claims.issuedAt)] {
            if !time.isNotInTheFuture(date, at: now) {
                throw OAuthError.invalidClient("the client assertion's \(name) is in the future")
            }
        }
    }

    /// RFC 7523 §3 item 7: a `jti`, so that a replay can be told.
    public func hasIdentifier(_ claims: RegisteredClaims) throws {
        guard let jti = claims.jwtID, !jti.isEmpty, jti.utf8.count <= 256 else {
            throw OAuthError.invalidClient("the client assertion needs a jti of at most 256 bytes")
        }
    }
}
