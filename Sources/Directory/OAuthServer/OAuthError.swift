/// An error of the OAuth family of protocols: RFC 6749 §5.2 at the token endpoint, and (later) RFC 7591
/// §3.2.2 at the registration endpoint. Both answer `{"error": …, "error_description": …}`.
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var description: String
    /// 400, or 401 for a client that failed to authenticate (RFC 6749 §5.2).
    public var status: Int
    /// The named registration check that refused, when one did (metrics and logs name it).
    public var check: String?

    public init(_ code: String, _ description: String, status: Int = 400) {
        self.code = code
        self.description = description
        self.status = status
    }

    public static func invalidRequest(_ description: String) -> OAuthError { .init("invalid_request", description) }
    public static func invalidClient(_ description: String) -> OAuthError { .init("invalid_client", description, status: 401) }
    public static func unauthorizedClient(_ description: String) -> OAuthError { .init("unauthorized_client", description) }
    public static func unsupportedGrantType(_ description: String) -> OAuthError { .init("unsupported_grant_type", description) }
    public static func invalidScope(_ description: String) -> OAuthError { .init("invalid_scope", description) }
}
