import Directory

/// RFC 7591 §3.2.2 errors: the same `error`/`error_description` body as RFC 6749, with the registration
/// endpoint's own codes. Every refusal names the check that failed.
extension OAuthError {
    public static func invalidSoftwareStatement(_ description: String) -> OAuthError { .init("invalid_software_statement", description) }
    public static func unapprovedSoftwareStatement(_ description: String) -> OAuthError {
        .init("unapproved_software_statement", description)
    }
    public static func invalidRedirectURI(_ description: String) -> OAuthError { .init("invalid_redirect_uri", description) }
    public static func invalidClientMetadata(_ description: String) -> OAuthError { .init("invalid_client_metadata", description) }
    /// RFC 7592 §2: a bad registration access token, or a client that no longer exists.
    public static func invalidToken(_ description: String) -> OAuthError { .init("invalid_token", description, status: 401) }
}
