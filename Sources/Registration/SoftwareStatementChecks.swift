import Directory
import Foundation
import Keys

/// The checks on the software statement assertion itself (RFC 7591 §2.3 and §3.1.1).
public enum SoftwareStatementChecks {
    /// RFC 7591 §3.1.1: every profile here registers only software that presents an SSA.
    public static let present = RegistrationCheck("software statement present") { context, _ in
        guard let statement = try context.metadata.softwareStatement, !statement.isEmpty else {
            throw OAuthError.invalidSoftwareStatement("the request carries no software_statement")
        }
        context.softwareStatement = statement
    }

    /// The SSA's verification, four rules in order, each a check of its own: what every profile runs.
    /// An unknown issuer is unapproved; anything else wrong is invalid.
    public static let verified: [RegistrationCheck] = [isSignedJWT, fromTrustedDirectory, signatureVerifies, namesTheSoftware]

    /// A compact JWS over a JSON object, signed PS256 or ES256 (never `none`, never a shared secret).
    public static let isSignedJWT = RegistrationCheck("software statement is a signed JWT") { context, _ in
        guard let statement = context.softwareStatement, let parts = try? CompactJWS.decode(statement) else {
            throw OAuthError.invalidSoftwareStatement("the software_statement is not a compact signed JWT")
        }
        let members = try RegistrationRequest.object(
            parts.payload, named: "the software statement's claims", invalid: OAuthError.invalidSoftwareStatement)
        guard SigningAlgorithm(rawValue: parts.header.alg) != nil else {
            throw OAuthError.invalidSoftwareStatement(
                "the software statement is signed with \(parts.header.alg.prefix(20)); PS256 or ES256 only")
        }
        context.unverifiedSSA = (parts, SoftwareStatementClaims(members: members))
    }

    /// Its `iss` is a directory this server trusts.
    public static let fromTrustedDirectory = RegistrationCheck("software statement from a trusted directory") { context, environment in
        let claims = try context.requireUnverifiedSSA().claims
        guard let issuer = claims.issuer, let trusted = environment.issuers.first(where: { $0.issuer == issuer }) else {
            throw OAuthError.unapprovedSoftwareStatement(
                "the software statement's issuer \(claims.issuer?.prefix(100) ?? "(none)") is not a directory this server trusts")
        }
        context.ssaDirectory = trusted
    }

    /// Its signature verifies with one of that directory's keys.
    public static let signatureVerifies = RegistrationCheck("software statement signature verifies") { context, _ in
        let (parts, _) = try context.requireUnverifiedSSA()
        guard let directory = context.ssaDirectory else {
            throw OAuthError.invalidSoftwareStatement("the software statement's issuer was not checked")
        }
        let keys = try await directory.keys(parts.header.kid)
        guard keys.contains(where: { (try? CompactJWS.verify(parts, with: $0)) != nil }) else {
            throw OAuthError.invalidSoftwareStatement(
                "the software statement's signature does not verify with the keys of \(directory.issuer) (kid \(parts.header.kid?.prefix(64) ?? "none"))"
            )
        }
        context.softwareStatementAlgorithm = parts.header.alg
    }

    /// It names the software it vouches for; from here on later checks read it as verified (`ssa`).
    public static let namesTheSoftware = RegistrationCheck("software statement names its software") { context, _ in
        let claims = try context.requireUnverifiedSSA().claims
        guard context.softwareStatementAlgorithm != nil else {
            throw OAuthError.invalidSoftwareStatement("the software statement's signature was not verified")
        }
        guard claims.softwareID?.isEmpty == false else {
            throw OAuthError.invalidSoftwareStatement("the software statement has no software_id")
        }
        context.ssa = claims
    }

    /// A profile may narrow the algorithms further (Brasil: the directory signs SSAs with PS256).
    public static func signedWith(_ algorithms: Set<String>) -> RegistrationCheck {
        RegistrationCheck("software statement signed with \(algorithms.sorted().joined(separator: " or "))") { context, _ in
            _ = try context.requireSSA()
            guard let algorithm = context.softwareStatementAlgorithm, algorithms.contains(algorithm) else {
                throw OAuthError.invalidSoftwareStatement(
                    "the software statement is signed with \(context.softwareStatementAlgorithm ?? "nothing"); this profile accepts \(algorithms.sorted().joined(separator: " or ")) only"
                )
            }
        }
    }

    /// CDR: the SSA carries `exp`, and it has not passed.
    public static let notExpired = RegistrationCheck("software statement not expired") { context, _ in
        let ssa = try context.requireSSA()
        guard let expiry = ssa.expiresAt else { throw OAuthError.invalidSoftwareStatement("the software statement has no exp") }
        guard context.settings.time.isUnexpired(expiry, at: context.now) else {
            throw OAuthError.invalidSoftwareStatement("the software statement expired at \(Int(expiry.timeIntervalSince1970))")
        }
    }

    /// Brasil: the SSA was issued at most `seconds` ago (and not in the future).
    public static func issuedWithin(_ seconds: TimeInterval) -> RegistrationCheck {
        RegistrationCheck("software statement issued within \(Int(seconds)) seconds") { context, _ in
            let ssa = try context.requireSSA()
            guard let issued = ssa.issuedAt else { throw OAuthError.invalidSoftwareStatement("the software statement has no iat") }
            guard context.settings.time.isIssued(issued, within: seconds, at: context.now) else {
                throw OAuthError.invalidSoftwareStatement(
                    "the software statement was issued \(Int(context.now.timeIntervalSince(issued))) seconds ago; at most \(Int(seconds)) are accepted"
                )
            }
        }
    }

    /// UK: `iat` present and not in the future.
    public static let issuedInThePast = RegistrationCheck("software statement issued in the past") { context, _ in
        let ssa = try context.requireSSA()
        guard ssa.issuedAt != nil, context.settings.time.isNotInTheFuture(ssa.issuedAt, at: context.now) else {
            throw OAuthError.invalidSoftwareStatement("the software statement's iat is missing or in the future")
        }
    }

    /// The directory still lists the software and its organisation as Active.
    public static let softwareStillActive = RegistrationCheck("software and organisation active at the directory") { context, environment in
        let ssa = try context.requireSSA()
        let active = try await environment.statuses.isActive(
            softwareID: ssa.softwareID ?? "", organisationID: ssa.organisationID, issuer: ssa.issuer ?? "")
        guard active else {
            throw OAuthError.unapprovedSoftwareStatement(
                "software \(ssa.softwareID?.prefix(64) ?? "") or its organisation is not Active at \(ssa.issuer?.prefix(100) ?? "the directory")"
            )
        }
    }
}
