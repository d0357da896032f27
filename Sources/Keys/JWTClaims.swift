import Foundation

/// The registered claims of a JWT (RFC 7519 §4.1) that Registrar's checks read, from any payload.
/// `aud` may be one string or an array on the wire; NumericDates may be integers or fractions. A member
/// that is `null` counts as absent; one of the wrong type makes the whole claim set unreadable.
public struct RegisteredClaims: Sendable, Equatable {
    public var issuer: String?
    public var subject: String?
    public var audience: [String]
    public var expiresAt: Date?
    public var notBefore: Date?
    public var issuedAt: Date?
    public var jwtID: String?

    /// Reads the claims of a parsed payload; nil when a registered claim has the wrong type.
    public init?(members: [String: JSONValue]) {
        func present(_ name: String) -> JSONValue? {
            guard let value = members[name], value != .null else { return nil }
            return value
        }
        func string(_ name: String) -> String?? {
            guard let value = present(name) else { return .some(nil) }
            return value.stringValue.map { .some($0) }
        }
        func date(_ name: String) -> Date?? {
            guard let value = present(name) else { return .some(nil) }
            return value.numericValue.map { .some(Date(timeIntervalSince1970: $0)) }
        }
        guard let issuer = string("iss"), let subject = string("sub"), let jwtID = string("jti"),
            let expiresAt = date("exp"), let notBefore = date("nbf"), let issuedAt = date("iat")
        else { return nil }
        switch present("aud") {
        case nil: audience = []
        case .string(let one)?: audience = [one]
        case let many?:
            guard let strings = many.stringArray else { return nil }
            audience = strings
        }
        (self.issuer, self.subject, self.jwtID) = (issuer, subject, jwtID)
        (self.expiresAt, self.notBefore, self.issuedAt) = (expiresAt, notBefore, issuedAt)
    }

    /// Reads the claims of a payload; nil when it is not a JSON object with well-typed registered claims.
    public static func read(_ payload: Data) -> RegisteredClaims? {
        JSONValue.object(payload).flatMap(RegisteredClaims.init(members:))
    }
}
