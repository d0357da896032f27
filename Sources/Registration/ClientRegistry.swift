import Directory
import Foundation
import Keys
import PKI
import X509

/// The registration role: runs the profile's checks, stores clients, and manages them (RFC 7591/7592).
///
/// ```swift
/// let registry = ClientRegistry(settings: settings, environment: environment)
/// let response = try await registry.register(request, certificate: leaf, at: Date())   // 201 body
/// ```
public struct ClientRegistry: Sendable {
    public let settings: RegistrationSettings
    public let environment: RegistrationEnvironment
    var store: any DirectoryStore { environment.store }

    public init(settings: RegistrationSettings, environment: RegistrationEnvironment) {
        self.settings = settings
        self.environment = environment
    }

    /// The client as the response shows it: metadata, ids, the management URI, and the access token
    /// when one was just issued.
    public struct Response: Sendable, Encodable, JSONValueRepresentable {
        public var client: RegisteredClient
        public var registrationAccessToken: String?
        public var registrationClientURI: String

        public var jsonValue: JSONValue {
            var members = client.metadata
            members["client_id"] = .string(client.id)
            members["client_id_issued_at"] = .numericDate(client.createdAt)
            members["registration_client_uri"] = .string(registrationClientURI)
            if let registrationAccessToken { members["registration_access_token"] = .string(registrationAccessToken) }
            return .object(members)
        }

        public func encode(to encoder: any Encoder) throws { try jsonValue.encode(to: encoder) }
    }

    // MARK: RFC 7591

    public func register(_ request: RegistrationRequest, certificate: Certificate?, at now: Date) async throws -> Response {
        let context = try await evaluate(request, certificate: certificate, at: now, existing: nil)
        let ssa = try context.requireSSA()
        let softwareID = ssa.softwareID ?? ""
        if settings.profile.oneClientPerSoftware,
            try await store.records(RegisteredClient.self, ownerID: softwareID).contains(where: { $0.record.status == .active })
        {
            throw SoftwareRegistration.alreadyRegistered(softwareID)
        }
        let clientID = RecordIdentifier.make()
        let (token, secret) = RegistrationAccessToken.issue(for: clientID, at: now, lifetime: settings.registrationTokenLifetime)
        let client = RegisteredClient(
            id: clientID, softwareID: softwareID, organisationID: ssa.organisationID, softwareStatementIssuer: ssa.issuer ?? "",
            profile: settings.profile.name.rawValue, metadata: acceptedMetadata(context), registrationTokenHash: token.id,
            certificateThumbprint: try certificate.map(CertificateBundle.x5tS256), status: .active, createdAt: now, updatedAt: now)
        var changes = ChangeSet(actor: "software:\(softwareID)", at: now)
        try changes.insert(client, auditedAs: "client.register")
        try changes.insert(token)
        if settings.profile.oneClientPerSoftware {
            try await SoftwareRegistration.claim(softwareID, for: clientID, in: store, into: &changes, at: now)
        }
        try await apply(changes, for: context, losingTheSoftwareRace: SoftwareRegistration.alreadyRegistered(softwareID))
        return Response(client: client, registrationAccessToken: secret, registrationClientURI: uri(of: clientID))
    }

    // MARK: RFC 7592

    public func read(_ clientID: String, token: String?, certificate: Certificate?, at now: Date) async throws -> Response {
        let client = try await authorise(clientID, token: token, certificate: certificate, at: now).record
        return Response(client: client, registrationAccessToken: nil, registrationClientURI: uri(of: client.id))
    }

    /// Re-runs every check on the new request; the stored client is untouched unless all pass.
    public func update(_ clientID: String, token: String?, with request: RegistrationRequest, certificate: Certificate?, at now: Date)
        async throws -> Response
    {
        let stored = try await authorise(clientID, token: token, certificate: certificate, at: now)
        if let named = try request.metadata.string("client_id"), named != clientID {
            throw OAuthError.invalidClientMetadata("client_id in the body differs from the client being updated")
        }
        let context = try await evaluate(request, certificate: certificate, at: now, existing: stored.record)
        var updated = stored.record
        updated.metadata = acceptedMetadata(context)
        updated.certificateThumbprint = try certificate.map(CertificateBundle.x5tS256) ?? updated.certificateThumbprint
        updated.updatedAt = now
        var changes = ChangeSet(actor: "software:\(updated.softwareID)", at: now)
        var secret: String?
        if settings.rotateTokenOnUpdate {
            let (token, newSecret) = RegistrationAccessToken.issue(for: clientID, at: now, lifetime: settings.registrationTokenLifetime)
            for old in try await store.records(RegistrationAccessToken.self, ownerID: clientID) { changes.delete(old) }
            try changes.insert(token)
            updated.registrationTokenHash = token.id
            secret = newSecret
        }
        try changes.update(updated, readAt: stored.revision, auditedAs: "client.update", before: stored.record)
        try await apply(changes, for: context)
        return Response(client: updated, registrationAccessToken: secret, registrationClientURI: uri(of: clientID))
    }

    public func delete(_ clientID: String, token: String?, certificate: Certificate?, at now: Date) async throws {
        let stored = try await authorise(clientID, token: token, certificate: certificate, at: now)
        var changes = ChangeSet(actor: "software:\(stored.record.softwareID)", at: now)
        changes.delete(stored, auditedAs: "client.delete")
        for token in try await store.records(RegistrationAccessToken.self, ownerID: clientID) { changes.delete(token) }
        for claim in try await store.records(SoftwareRegistration.self, ownerID: clientID) { changes.delete(claim) }
        try await apply(changes)
    }

    // MARK: Steps

    func evaluate(_ request: RegistrationRequest, certificate: Certificate?, at now: Date, existing: RegisteredClient?) async throws
        -> RegistrationContext
    {
        var context = RegistrationContext(request: request, certificate: certificate, settings: settings, now: now, existing: existing)
        try await settings.profile.evaluate(&context, environment)
        return context
    }

    func acceptedMetadata(_ context: RegistrationContext) -> [String: JSONValue] {
        var metadata = context.accepted
        // Claims of the request JWT itself are not client metadata.
        for claim in ["iss", "aud", "exp", "iat", "nbf", "jti", "client_id", "client_id_issued_at", "registration_access_token"] {
            metadata[claim] = nil
        }
        if settings.profile.flattensSoftwareStatement, let ssa = context.ssa {
            for (name, value) in ssa.members where !["iss", "iat", "exp", "jti", "nbf", "aud"].contains(name) && metadata[name] == nil {
                metadata[name] = value
            }
        }
        return metadata
    }

    /// RFC 7592 §2: the token must be this client's and not expired. A token presented for a client that
    /// does not exist, or for another client, is revoked; either way the answer is 401 `invalid_token`.
    /// The token is bound to the client's certificate as well (`ManagementCertificateBinding`).
    func authorise(_ clientID: String, token: String?, certificate: Certificate?, at now: Date) async throws -> Stored<RegisteredClient> {
        guard let token, token.utf8.count <= 256 else {
            throw OAuthError.invalidToken("a registration access token (Authorization: Bearer …) is required")
        }
        let hash = APIToken.hash(of: token)
        let client = RecordIdentifier.isWellFormed(clientID) ? try await store.record(RegisteredClient.self, id: clientID) : nil
        let presented = try await store.record(RegistrationAccessToken.self, id: hash)
        guard let client, client.record.status == .active, Self.constantTimeEqual(client.record.registrationTokenHash, hash),
            presented?.record.clientID == clientID
        else {
            if let presented, presented.record.clientID != clientID || client == nil {
                var changes = ChangeSet(actor: "registration", at: now)
                changes.delete(presented, auditedAs: "registration-token.revoke")
                _ = try? await store.apply(changes)
            }
            throw OAuthError.invalidToken("the registration access token is not valid for this client")
        }
        if let presented, presented.record.hasExpired(at: now) {
            throw OAuthError.invalidToken("the registration access token has expired")
        }
        try ManagementCertificateBinding.check(certificate, for: client.record)
        return client
    }

    /// Stores a change, with the request JWT's `jti` claimed in the same transaction when the request
    /// had one: a replay that raced past the checks fails here, and nothing of it is written.
    /// A registration that lost the race for its software's one registration fails with `losingTheSoftwareRace`.
    func apply(_ changes: ChangeSet, for context: RegistrationContext? = nil, losingTheSoftwareRace: (any Error)? = nil) async throws {
        var changes = changes
        if let use = context?.requestJWTUse { changes.claimFirstUse(use) }
        do { try await store.apply(changes) } catch  where losingTheSoftwareRace != nil && SoftwareRegistration.lostRace(error) {
            throw losingTheSoftwareRace!
        } catch StoreError.concurrentModification {
            throw OAuthError.invalidClientMetadata("the client changed while this request was processed; retry")
        } catch StoreError.alreadyUsed {
            throw RequestChecks.replayed(jti: context?.request.claims?.jwtID ?? "")
        }
    }

    func uri(of clientID: String) -> String { "\(settings.registrationEndpoint)/\(clientID)" }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
