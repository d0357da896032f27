import Foundation
import Keys

/// The directory as an OAuth authorisation server for its own API (RFC 6749 client credentials).
/// A software statement authenticates with `private_key_jwt` signed by a key of its own keystore, over
/// mutual TLS with one of its transport certificates, and gets an access token bound to that certificate.
///
/// ```swift
/// let grant = try await tokens.grant(TokenRequest(form: fields), certificateThumbprint: x5t, signer: key, at: Date())
/// let client = try tokens.client(forAccessToken: jwt, certificateThumbprint: x5t, keys: jwks, at: Date())
/// ```
public struct TokenService: Sendable {
    let directory: ParticipantDirectory
    public let settings: TokenSettings
    var store: any DirectoryStore { directory.store }

    public init(directory: ParticipantDirectory, settings: TokenSettings) {
        self.directory = directory
        self.settings = settings
    }

    /// The parameters of a token request (RFC 6749 §4.4.2, RFC 7521 §4.2).
    public struct TokenRequest: Sendable, Equatable {
        public var grantType: String?
        public var scope: String?
        public var clientID: String?
        public var clientAssertionType: String?
        public var clientAssertion: String?

        public init(form: [String: String]) {
            grantType = form["grant_type"]
            scope = form["scope"]
            clientID = form["client_id"]
            clientAssertionType = form["client_assertion_type"]
            clientAssertion = form["client_assertion"]
        }
    }

    /// The successful response (RFC 6749 §5.1).
    public struct Grant: Codable, Sendable, Equatable {
        public var access_token: String
        public var token_type: String
        public var expires_in: Int
        public var scope: String
    }

    public func grant(_ request: TokenRequest, certificateThumbprint: String?, signer: SigningKey, at now: Date) async throws -> Grant {
        guard let grantType = request.grantType else { throw OAuthError.invalidRequest("grant_type is missing") }
        guard grantType == "client_credentials" else {
            throw OAuthError.unsupportedGrantType("this server grants client_credentials only, not \(grantType.prefix(64))")
        }
        let (organisation, software, keys, claims) = try await authenticate(request, at: now)
        try requireTransportCertificate(certificateThumbprint, among: keys, of: software)
        do {
            try StatusLifecycle.requireActive(organisation: organisation, software: software, toIssue: "access tokens")
        } catch let error as DirectoryError {
            throw OAuthError.unauthorizedClient(error.description)
        }
        let scopes = try Self.scopes(requested: request.scope)
        try await requireFirstUse(claims, clientID: software.id, at: now)
        return try issue(to: software, scopes: scopes, thumbprint: certificateThumbprint ?? "", signer: signer, at: now)
    }

    /// The software client a presented access token stands for, after its signature (with the directory's
    /// published keys), issuer, audience, expiry and certificate binding are checked. Statuses are the
    /// caller's to check (`requireActive`), so that they can be cached per revision.
    public func client(forAccessToken token: String, certificateThumbprint: String?, keys: JSONWebKeySet, at now: Date) throws
        -> SoftwareClient
    {
        let parts = try? CompactJWS.decode(token)
        guard let parts, parts.header.typ?.lowercased() == AccessTokenClaims.type || parts.header.typ?.lowercased() == "application/at+jwt"
        else { throw DirectoryError.unauthenticated("the bearer token is not an access token of this directory") }
        let candidates = keys.candidates(forKID: parts.header.kid)
        guard let payload = candidates.lazy.compactMap({ try? CompactJWS.verify(parts, with: $0).payload }).first,
            let claims = try? JSONDecoder().decode(AccessTokenClaims.self, from: payload)
        else { throw DirectoryError.unauthenticated("the access token's signature does not verify with the directory's keys") }
        guard claims.iss == settings.issuer, claims.aud == settings.issuer else {
            throw DirectoryError.unauthenticated("the access token was issued for another server")
        }
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw DirectoryError.unauthenticated("the access token has expired") }
        // RFC 8705 §3: the token is only good together with the certificate it was issued to.
        guard let certificateThumbprint, certificateThumbprint == claims.cnf.certificateThumbprint else {
            throw DirectoryError.unauthenticated("the access token is bound to a TLS client certificate that this request did not present")
        }
        return claims.client
    }

    /// A software client whose organisation or software statement is no longer Active is refused.
    public func requireActive(_ client: SoftwareClient) async throws {
        guard let (organisation, software) = try await directory.participant(ofSoftware: client.softwareID),
            organisation.id == client.organisationID, organisation.status == .active, software.status == .active
        else { throw DirectoryError.unauthenticated("the access token's software statement or organisation is no longer Active") }
    }

    // MARK: Steps of a grant

    /// `private_key_jwt`: the assertion names a known software statement and is signed by one of its
    /// active signing keys, and its claims pass `ClientAssertionRules`. Returns the software's active
    /// keys too (read once), for the certificate check.
    func authenticate(_ request: TokenRequest, at now: Date) async throws -> (
        Organisation, SoftwareStatement, [JSONWebKey], RegisteredClaims
    ) {
        guard let assertion = request.clientAssertion, request.clientAssertionType == ClientAssertionRules.assertionType else {
            throw OAuthError.invalidClient(
                "authenticate with private_key_jwt: client_assertion_type \(ClientAssertionRules.assertionType) and a client_assertion")
        }
        guard assertion.utf8.count <= 16_384, let parts = try? CompactJWS.decode(assertion),
            let claims = RegisteredClaims.read(parts.payload)
        else { throw OAuthError.invalidClient("the client_assertion is not a signed JWT") }
        guard let clientID = claims.subject, let (organisation, software) = try await directory.participant(ofSoftware: clientID) else {
            throw OAuthError.invalidClient("the client assertion's sub is not a software statement of this directory")
        }
        if let named = request.clientID, named != clientID {
            throw OAuthError.invalidClient("client_id \(named.prefix(64)) differs from the client assertion's sub")
        }
        let keys = try await store.records(ParticipantKey.self, ownerID: software.id).map(\.record).filter { $0.status == .active }.map(
            \.jwk)
        let signingKeys = JSONWebKeySet(keys: keys.filter { $0.use != "tls" }).candidates(forKID: parts.header.kid)
        guard signingKeys.contains(where: { (try? CompactJWS.verify(parts, with: $0)) != nil }) else {
            throw OAuthError.invalidClient(
                "the client assertion's signature does not verify with an active signing key of software statement \(software.id) (PS256 or ES256)"
            )
        }
        try ClientAssertionRules(audiences: [settings.tokenEndpoint, settings.issuer]).check(claims, clientID: clientID, at: now)
        return (organisation, software, keys, claims)
    }

    /// RFC 8705 §2: the TLS client certificate is one of the software statement's transport certificates.
    func requireTransportCertificate(_ thumbprint: String?, among keys: [JSONWebKey], of software: SoftwareStatement) throws {
        guard let thumbprint else {
            throw OAuthError.invalidClient("the token endpoint needs the software's TLS client certificate (mutual TLS, RFC 8705)")
        }
        let registered = keys.contains { $0.use == "tls" && $0.x5tS256 == thumbprint }
        guard registered else {
            throw OAuthError.invalidClient(
                "the TLS client certificate is not an active transport certificate of software statement \(software.id)")
        }
    }

    /// RFC 6749 §3.3: every requested scope must exist; none requested means all of them.
    static func scopes(requested: String?) throws -> Set<DirectoryScope> {
        guard let requested, !requested.isEmpty else { return Set(DirectoryScope.allCases) }
        var scopes = Set<DirectoryScope>()
        for name in requested.split(separator: " ") {
            guard let scope = DirectoryScope(rawValue: String(name)) else {
                throw OAuthError.invalidScope(
                    "unknown scope \(name.prefix(64)); this directory offers \(DirectoryScope.text(Set(DirectoryScope.allCases)))")
            }
            scopes.insert(scope)
        }
        return scopes
    }

    /// RFC 7523 §3 item 7: an assertion is accepted once; its jti is remembered until it expires.
    func requireFirstUse(_ claims: RegisteredClaims, clientID: String, at now: Date) async throws {
        guard let jti = claims.jwtID, let expiry = claims.expiresAt else { return }
        guard try await store.noteFirstUse(of: "client-assertion:\(clientID):\(jti)", until: expiry, now: now) else {
            throw OAuthError.invalidClient("the client assertion was already used (jti \(jti.prefix(64)))")
        }
    }

    func issue(to software: SoftwareStatement, scopes: Set<DirectoryScope>, thumbprint: String, signer: SigningKey, at now: Date) throws
        -> Grant
    {
        let issuedAt = Int(now.timeIntervalSince1970)
        let lifetime = Int(settings.accessTokenLifetime)
        let claims = AccessTokenClaims(
            iss: settings.issuer, sub: software.id, aud: settings.issuer, client_id: software.id, org_id: software.organisationID,
            scope: DirectoryScope.text(scopes), iat: issuedAt, exp: issuedAt + lifetime, jti: RecordIdentifier.make(),
            cnf: .init(certificateThumbprint: thumbprint))
        let token = try CompactJWS.sign(
            payload: try JOSEJSON.encoder.encode(claims),
            header: JOSEHeader(alg: signer.algorithm, kid: signer.kid, typ: AccessTokenClaims.type),
            with: signer)
        return Grant(access_token: token, token_type: "Bearer", expires_in: lifetime, scope: claims.scope)
    }
}
