import Foundation

/// The time rules of RFC 7519 §4.1 as every JWT this server accepts meets them (client assertions,
/// request JWTs, software statements), with one tolerance for the sender's clock: each caller words
/// its own refusal, the comparisons are made here once.
public struct JWTTimeRules: Sendable {
    /// How far the sender's clock may be from ours.
    public var clockSkew: TimeInterval

    public init(clockSkew: TimeInterval = 30) { self.clockSkew = clockSkew }

    /// §4.1.4: an `exp` that has not passed; false without one.
    public func isUnexpired(_ expiry: Date?, at now: Date) -> Bool {
        guard let expiry else { return false }
        return expiry.timeIntervalSince(now) > -clockSkew
    }

    /// An `exp` at most `lifetime` ahead: a long-lived assertion is a bearer credential in all but name.
    public func isShortLived(_ expiry: Date?, lifetime: TimeInterval, at now: Date) -> Bool {
        guard let expiry else { return false }
        return expiry.timeIntervalSince(now) <= lifetime + clockSkew
    }

    /// §4.1.5 and §4.1.6: an `nbf` or `iat` not in the future; true when absent.
    public func isNotInTheFuture(_ instant: Date?, at now: Date) -> Bool {
        guard let instant else { return true }
        return instant.timeIntervalSince(now) <= clockSkew
    }

    /// Issued at most `seconds` ago, and not in the future.
    public func isIssued(_ issued: Date, within seconds: TimeInterval, at now: Date) -> Bool {
        let age = now.timeIntervalSince(issued)
        return age <= seconds + clockSkew && age >= -clockSkew
    }
}

extension RegisteredClaims {
    /// §4.1.3: the JWT is meant for a server its `aud` names.
    public func isAddressed(to audiences: Set<String>) -> Bool { audience.contains(where: audiences.contains) }
}
