import Directory
import Foundation
import Keys
import X509

/// One registration (or update) under evaluation: the request, the caller's certificate, and what the
/// checks have established so far (the verified SSA, the software's keys).
public struct RegistrationContext: Sendable {
    public let request: RegistrationRequest
    /// The client's TLS certificate (handshake or trusted proxy), already validated for transport.
    public let certificate: Certificate?
    public let settings: RegistrationSettings
    public let now: Date
    /// Set by `SoftwareStatementChecks.present`.
    public internal(set) var softwareStatement: String?
    /// The SSA read but not yet trusted (`isSignedJWT`), and the directory it claims to come from
    /// (`fromTrustedDirectory`).
    var unverifiedSSA: (parts: CompactJWS.Parts, claims: SoftwareStatementClaims)?
    var ssaDirectory: TrustedDirectory?
    /// The verified SSA (`SoftwareStatementChecks.verified`, last step `namesTheSoftware`).
    public internal(set) var ssa: SoftwareStatementClaims?
    /// The SSA's JWS `alg`, once its signature verified.
    public internal(set) var softwareStatementAlgorithm: String?
    /// The metadata accepted so far; checks may fill defaults (redirect URIs from the SSA) or filter (scopes).
    public internal(set) var accepted: [String: JSONValue]
    /// The request JWT's `jti`, to be claimed in the transaction that stores the client (`notReplayed`).
    public internal(set) var requestJWTUse: ChangeSet.FirstUse?
    /// The client being updated (RFC 7592 PUT), whose software may not change.
    public let existing: RegisteredClient?

    public init(
        request: RegistrationRequest, certificate: Certificate?, settings: RegistrationSettings, now: Date,
        existing: RegisteredClient? = nil
    ) {
        self.request = request
        self.certificate = certificate
        self.settings = settings
        self.now = now
        self.existing = existing
        accepted = request.metadata.members
    }

    var metadata: ClientMetadata { request.metadata }

    func requireUnverifiedSSA() throws -> (parts: CompactJWS.Parts, claims: SoftwareStatementClaims) {
        guard let unverifiedSSA else { throw OAuthError.invalidSoftwareStatement("the software statement was not read") }
        return unverifiedSSA
    }

    /// The verified SSA; checks that need it run after the SSA checks.
    func requireSSA() throws -> SoftwareStatementClaims {
        guard let ssa else { throw OAuthError.invalidSoftwareStatement("the software statement was not verified") }
        return ssa
    }
}

/// How this registration endpoint is configured: who it is, which profile it enforces.
public struct RegistrationSettings: Sendable {
    /// This authorisation server's issuer: the request JWT's expected `aud`.
    public var issuer: String
    /// Other `aud` values the profile accepts (UK: the bank's organisation id at the directory).
    public var additionalAudiences: Set<String>
    /// Where clients are managed: `registration_client_uri` is this plus `/{client_id}`.
    public var registrationEndpoint: String
    public var profile: RegistrationProfile
    public var clockSkew: TimeInterval = 30
    /// The JWT time rules with this tolerance (request JWTs, SSAs).
    var time: JWTTimeRules { JWTTimeRules(clockSkew: clockSkew) }
    /// A request JWT's `exp` may be at most this far ahead.
    public var maximumRequestLifetime: TimeInterval = 3600
    /// RFC 7592 PUT issues a new registration access token when on.
    public var rotateTokenOnUpdate = false
    /// Registration access tokens stop working this long after they are issued (nil: never). With
    /// rotation on, each PUT hands out a fresh one.
    public var registrationTokenLifetime: TimeInterval?

    public init(issuer: String, registrationEndpoint: String, profile: RegistrationProfile, additionalAudiences: Set<String> = []) {
        self.issuer = issuer
        self.registrationEndpoint = registrationEndpoint
        self.profile = profile
        self.additionalAudiences = additionalAudiences
    }

    var audiences: Set<String> { additionalAudiences.union([issuer]) }
}

/// One named rule. A profile is a list of them; a failing check throws the RFC 7591 error naming it.
public struct RegistrationCheck: Sendable {
    public let name: String
    let body: @Sendable (inout RegistrationContext, RegistrationEnvironment) async throws -> Void

    public init(_ name: String, _ body: @escaping @Sendable (inout RegistrationContext, RegistrationEnvironment) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public func run(_ context: inout RegistrationContext, _ environment: RegistrationEnvironment) async throws {
        try await body(&context, environment)
    }
}
