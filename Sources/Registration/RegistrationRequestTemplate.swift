import Foundation
import Keys

/// What a third-party provider sends `POST /register` for its software under each profile, built from
/// its SSA: the request JWT's claims (fapi-obie, cdr; the caller signs them with the software's key) or
/// the JSON body (ofb). `registrar tpp registration-request` sends these against the sandbox; the
/// registration benchmark and the fuzz test start from them.
///
/// ```swift
/// let request = try RegistrationRequestTemplate(profile: .fapiOBIE, ssa: ssa, audience: issuer, now: Date())
/// let jwt = try CompactJWS.signJWT(payload: try request.json(), with: softwareKey)
/// ```
public struct RegistrationRequestTemplate {
    public let profile: RegistrationProfile.Name
    /// The members, as `JSONSerialization` takes them.
    public var members: [String: Any]

    /// The request for the software the SSA names: its redirect URIs are the SSA's.
    public init(profile: RegistrationProfile.Name, ssa: String, audience: String, now: Date, lifetime: TimeInterval = 300) throws {
        let ssaClaims: [String: Any]
        do {
            ssaClaims = try JSONSerialization.jsonObject(with: try CompactJWS.decode(ssa).payload) as? [String: Any] ?? [:]
        } catch { throw TemplateError("the software statement is not a JWT") }
        guard let softwareID = ssaClaims["software_id"] as? String else { throw TemplateError("the software statement has no software_id") }
        let redirects = ssaClaims[profile == .cdr ? "redirect_uris" : "software_redirect_uris"] as? [String] ?? []
        switch profile {
        case .fapiOBIE, .cdr:
            members = Self.requestClaims(
                softwareID: softwareID, ssa: ssa, audience: audience, now: Int(now.timeIntervalSince1970), lifetime: Int(lifetime))
            members["redirect_uris"] = redirects
            if profile == .cdr {
                members["scope"] = "openid profile bank:accounts.basic:read cdr:registration"
                members["id_token_encrypted_response_alg"] = "RSA-OAEP"
                members["id_token_encrypted_response_enc"] = "A256GCM"
            }
        case .ofb:
            members = [
                "application_type": "web", "grant_types": ["client_credentials", "authorization_code", "refresh_token"],
                "id_token_signed_response_alg": "PS256", "response_types": ["code id_token"], "software_statement": ssa,
                "subject_type": "public", "token_endpoint_auth_method": "private_key_jwt", "request_object_signing_alg": "PS256",
                "require_signed_request_object": true, "tls_client_certificate_bound_access_tokens": true,
                "jwks_uri": ssaClaims["software_jwks_uri"] as? String ?? "", "redirect_uris": redirects,
            ]
            if let name = ssaClaims["software_client_name"] as? String { members["client_name"] = name }
        }
        self.profile = profile
    }

    /// Whether the body is a request JWT (`application/jwt`) or plain JSON (`application/json`, Brasil).
    public var isSignedRequest: Bool { profile != .ofb }

    public func json() throws -> Data { try JSONSerialization.data(withJSONObject: members, options: [.sortedKeys]) }

    /// The claims of a UK request JWT; the UK SSA's scopes are trimmed by the registration endpoint to the
    /// software's roles, so every UK scope is asked for.
    public static func requestClaims(softwareID: String, ssa: String, audience: String, now: Int, lifetime: Int) -> [String: Any] {
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

public struct TemplateError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
