import Foundation

/// The claims of a UK (fapi-obie) registration request JWT as a third-party provider sends them, for the
/// registration benchmark and the fuzz test, which sign them with the software's key.
public enum SampleRegistration {
    public static func ukRequestClaims(softwareID: String, ssa: String, audience: String, now: Int, lifetime: Int) -> [String: Any] {
        [
            "iss": softwareID, "aud": audience, "iat": now, "exp": now + lifetime, "jti": UUID().uuidString, "software_id": softwareID,
            "software_statement": ssa, "redirect_uris": ["https://tpp.example/callback"],
            "token_endpoint_auth_method": "private_key_jwt", "token_endpoint_auth_signing_alg": "PS256",
            "grant_types": ["authorization_code", "client_credentials", "refresh_token"], "response_types": ["code id_token"],
            "id_token_signed_response_alg": "PS256", "request_object_signing_alg": "PS256", "application_type": "web",
            "scope": "openid accounts payments",
        ]
    }
}
