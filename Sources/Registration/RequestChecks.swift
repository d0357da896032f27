import Directory
import Foundation
import Keys

/// The checks on the request JWT: who signed it, for whom, when, and only once.
public enum RequestChecks {
    /// UK and CDR: the request is a signed JWT, not plain JSON.
    public static let signed = RegistrationCheck("request is a signed JWT") { context, _ in
        guard context.request.form == .signedJWT else {
            throw OAuthError.invalidClientMetadata("this server accepts registration requests as signed JWTs (application/jwt) only")
        }
    }

    /// Holder of key: the request JWT verifies with an active key of the software's JWKS, the one the
    /// SSA names (PS256 or ES256).
    public static let signedBySoftwareKey = RegistrationCheck("request signed by a key of the software's JWKS") { context, environment in
        guard context.request.form == .signedJWT, let parts = context.request.parts else { return }
        let header = parts.header
        let ssa = try context.requireSSA()
        guard let url = ssa.jwksURI else { throw OAuthError.invalidSoftwareStatement("the software statement names no software JWKS") }
        let keys = try await environment.keystores.keys(at: url, kid: header.kid)
        guard keys.contains(where: { (try? CompactJWS.verify(parts, with: $0)) != nil }) else {
            throw OAuthError.invalidClientMetadata(
                "the request JWT's signature does not verify with an active key of the software's JWKS (kid \(header.kid?.prefix(64) ?? "none"))"
            )
        }
    }

    /// `iss` is the software, `aud` this server, `exp` ahead (and not too far), `iat` not in the future.
    public static let claimsNameThisExchange = RegistrationCheck("request JWT iss, aud, exp and iat") { context, _ in
        guard context.request.form == .signedJWT, let claims = context.request.claims else { return }
        let ssa = try context.requireSSA()
        let settings = context.settings
        guard claims.issuer == ssa.softwareID else {
            throw OAuthError.invalidClientMetadata("the request JWT's iss must be the software_id \(ssa.softwareID ?? "")")
        }
        guard claims.isAddressed(to: settings.audiences) else {
            throw OAuthError.invalidClientMetadata("the request JWT's aud must be this server's issuer \(settings.issuer)")
        }
        guard settings.time.isUnexpired(claims.expiresAt, at: context.now) else {
            throw OAuthError.invalidClientMetadata("the request JWT has expired or has no exp")
        }
        guard settings.time.isShortLived(claims.expiresAt, lifetime: settings.maximumRequestLifetime, at: context.now) else {
            throw OAuthError.invalidClientMetadata(
                "the request JWT's exp is more than \(Int(settings.maximumRequestLifetime)) seconds ahead")
        }
        guard settings.time.isNotInTheFuture(claims.issuedAt, at: context.now) else {
            throw OAuthError.invalidClientMetadata("the request JWT's iat is in the future")
        }
    }

    /// A request JWT is accepted once: its `jti` is remembered until it expires. It is claimed in the
    /// transaction that stores the client, so a request that fails anywhere does not use it up, and of
    /// two racing copies exactly one commits (`ClientRegistry.apply`).
    public static let notReplayed = RegistrationCheck("request JWT not replayed") { context, _ in
        guard context.request.form == .signedJWT, let claims = context.request.claims else { return }
        guard let jti = claims.jwtID, !jti.isEmpty, jti.utf8.count <= 256, let expiry = claims.expiresAt else {
            throw OAuthError.invalidClientMetadata("the request JWT needs a jti of at most 256 bytes")
        }
        context.requestJWTUse = ChangeSet.FirstUse(value: "registration-request:\(claims.issuer ?? ""):\(jti)", expiresAt: expiry)
    }

    /// The error for a request JWT whose `jti` the store found used.
    static func replayed(jti: String) -> OAuthError {
        OAuthError.invalidClientMetadata("the request JWT was already used (jti \(jti.prefix(64)))")
    }

    /// The metadata's `software_id`, when given, is the SSA's; an update keeps the client's software.
    public static let softwareIDMatches = RegistrationCheck("software_id matches the software statement") { context, _ in
        let ssa = try context.requireSSA()
        if let named = try context.metadata.softwareID, named != ssa.softwareID {
            throw OAuthError.invalidClientMetadata("software_id \(named.prefix(64)) differs from the software statement's")
        }
        if let existing = context.existing, existing.softwareID != ssa.softwareID {
            throw OAuthError.invalidSoftwareStatement("the software statement is for another software than this client's")
        }
    }
}
