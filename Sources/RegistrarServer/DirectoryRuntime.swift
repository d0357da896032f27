import Directory
import Foundation
import Keys
import Logging
import OutboundFetch
import PKI
import Registration
import Synchronization
import X509

/// One node's live state: the store and the domain services over it, the revision this node has seen,
/// its cache of published documents, and its opened signing key.
///
/// Another node (or the CLI) writing to the same store is noticed by `pollRevisions` within
/// `revisionPollInterval`; this node's own writes are noticed at once (`RevisionRefreshMiddleware`).
public final class DirectoryRuntime: Sendable {
    public let configuration: ServerConfiguration
    public let store: any DirectoryStore
    public let directory: ParticipantDirectory
    public let apiTokens: APITokens
    public let auditTrail: AuditTrail
    /// People who sign in to the console, their invitations, and their sessions.
    public let people: People
    public let signIn: SignIn
    /// New organisations' applications: opened by staff, completed by the applicant, approved or rejected.
    public let onboarding: Onboarding
    /// Invitations and certificate-expiry notices by e-mail, when SMTP is configured.
    let mail: DirectoryMail
    /// What this node refused lately, for the staff's glance.
    let refusals = RecentRefusals()
    public let keyring: DirectoryKeyring
    public let views: PublishedViews
    public let certificateAuthority: DirectoryCertificateAuthority
    public let certificates: ParticipantCertificates
    public let trust: TrustAnchorRegistry
    public let tokens: TokenService
    /// The registration role (RFC 7591/7592), trusting this directory's own SSAs.
    public let registry: ClientRegistry
    public let clients: RegisteredClients
    let documents = DocumentCache()
    private let preparedAssertions = RevisionScopedCache<PreparedAssertion>(capacity: 10_000)
    private let callers = RevisionScopedCache<Caller>(capacity: 10_000)
    /// Software clients known Active at a revision; a status change moves the revision.
    private let activeClients = RevisionScopedCache<Bool>(capacity: 10_000)
    /// Whether certificates this directory issued are revoked, by serial number; a revocation moves the revision.
    private let revocations = RevisionScopedCache<RevokedCertificate?>(capacity: 10_000)
    /// Certificates forwarded by a trusted proxy that passed transport validation, by header value.
    let forwardedCertificates = RevisionScopedCache<ForwardedCertificateVerdict>(capacity: 10_000)
    private let publishedKeys = RevisionMemo<JSONWebKeySet>()
    /// The participant browser's search, made once per revision from the published participants.
    private let participantIndex = RevisionMemo<ParticipantSearch>()
    private let revision = RevisionCounter()
    private let signer = RevisionMemo<SigningKey>()
    private let certificateIssuer = RevisionMemo<CertificateIssuer>()
    private let trustStore = RevisionMemo<TrustStore>()
    /// Made again at least hourly, so that its nextUpdate stays a day ahead even when nothing changes.
    private let revocationList = RevisionMemo<(der: [UInt8], thisUpdate: Date, nextUpdate: Date)>(maximumAge: .seconds(3600))
    public let logger: Logger

    /// Opens the runtime; creates the directory's signing keys on first start.
    public init(
        configuration: ServerConfiguration, store: any DirectoryStore, encryptionKey: KeyEncryptionKey,
        logger: Logger = Logger(label: "registrar")
    ) async throws {
        self.configuration = configuration
        self.store = store
        self.directory = ParticipantDirectory(store: store, profile: configuration.profile)
        self.apiTokens = APITokens(store: store)
        self.auditTrail = AuditTrail(store: store)
        self.people = People(store: store, encryptionKey: encryptionKey, passwordCost: configuration.passwordHashCost)
        self.signIn = SignIn(people: people)
        self.onboarding = Onboarding(directory: directory, people: people)
        self.mail = try DirectoryMail(configuration: configuration, logger: logger)
        self.keyring = DirectoryKeyring(store: store, encryptionKey: encryptionKey)
        self.views = PublishedViews(store: store)
        self.certificateAuthority = DirectoryCertificateAuthority(
            store: store, encryptionKey: encryptionKey, endpoints: configuration.pkiEndpoints)
        self.certificates = ParticipantCertificates(directory: directory, authority: certificateAuthority, profile: configuration.profile)
        self.trust = TrustAnchorRegistry(store: store, authority: certificateAuthority)
        self.tokens = TokenService(directory: directory, settings: configuration.tokenSettings)
        let (keyring, publishedKeys, revision) = (self.keyring, self.publishedKeys, self.revision)
        let directories = TrustedDirectories(
            local: (
                LocalDirectorySource(store: store, keystore: configuration.keystore, revision: { revision.current }),
                configuration.resolvedSSAIssuer,
                { try await publishedKeys.value(at: revision.current) { try await keyring.publishedJWKS() } }
            ),
            remote: configuration.remoteDirectories,
            fetcher: configuration.remoteDirectories.isEmpty ? nil : try OutboundFetcher(policy: configuration.fetchPolicy))
        self.registry = ClientRegistry(
            settings: configuration.registrationSettings,
            environment: RegistrationEnvironment(issuers: directories.issuers, keystores: directories, statuses: directories, store: store))
        self.clients = RegisteredClients(store: store)
        self.logger = logger
        try await keyring.ensureSigningKeys(algorithm: configuration.signingAlgorithm, by: .system)
        try await certificateAuthority.ensureExists(by: .system)
        try await refreshRevision()
    }

    public var issuer: SSAIssuer {
        SSAIssuer(directory: directory, settings: configuration.issuerSettings, signer: { [self] in try await self.currentSigner() })
    }

    public var currentRevision: Int64 { revision.current }

    /// Issues an SSA. The gates and claims are worked out once per software statement and revision; a
    /// status change moves the revision, so a Suspended organisation's software is refused at once.
    func participantSearch() async throws -> ParticipantSearch {
        try await participantIndex.value(at: currentRevision) { ParticipantSearch(try await views.participants()) }
    }

    public func issueAssertion(softwareID: String, organisationID: String, for caller: Caller) async throws -> String {
        try caller.require(.fetchAssertion(softwareID: softwareID), inOrganisation: organisationID)
        let prepared = try await preparedAssertions.value(for: "\(organisationID)/\(softwareID)", at: currentRevision) {
            try await issuer.prepare(softwareID: softwareID, organisationID: organisationID, for: caller)
        }
        let jwt = try prepared.assertion(signedBy: try await currentSigner(), at: Date(), jwtID: RecordIdentifier.make())
        RegistrarMetrics.assertionsIssued.increment()
        return jwt
    }

    /// An SSA made only from what this revision already holds (the caller behind the token, the prepared
    /// claims, the opened signing key), for the event-loop fast path; nil sends the request to the router,
    /// which answers the same request by `issueAssertion`, errors included.
    func assertionFromMemory(softwareID: String, organisationID: String, bearer secret: String) -> String? {
        let revision = currentRevision
        guard secret.utf8.count <= 256, let caller = callers.value(for: APIToken.hash(of: secret), at: revision),
            caller.may(.fetchAssertion(softwareID: softwareID), inOrganisation: organisationID),
            let prepared = preparedAssertions.value(for: "\(organisationID)/\(softwareID)", at: revision),
            let signer = signer.kept(at: revision)
        else { return nil }
        guard let jwt = try? prepared.assertion(signedBy: signer, at: Date(), jwtID: RecordIdentifier.make()) else { return nil }
        // One shared counter per SSA: next to a 200 µs signature, the cross-core add is noise.
        RegistrarMetrics.assertionsIssued.increment()
        return jwt
    }

    /// The caller behind a bearer token; known tokens are remembered for the revision (a token change
    /// moves it). Unknown tokens are not remembered, so guessing cannot fill the cache.
    public func authenticate(bearer secret: String) async throws -> Caller? {
        guard secret.utf8.count <= 256 else { return nil }
        let hash = APIToken.hash(of: secret)
        let revision = currentRevision
        if let known = callers.value(for: hash, at: revision) { return known }
        guard let caller = try await apiTokens.caller(forTokenHash: hash) else { return nil }
        callers.store(caller, for: hash, at: revision)
        return caller
    }

    /// The software client behind a certificate-bound access token, presented with `certificate`.
    func authenticate(accessToken: String, certificate: ClientCertificate?) async throws -> Caller {
        let thumbprint = try certificate?.thumbprint()
        let keys = try await publishedKeys.value(at: currentRevision) { try await keyring.publishedJWKS() }
        let client = try tokens.client(forAccessToken: accessToken, certificateThumbprint: thumbprint, keys: keys, at: Date())
        _ = try await activeClients.value(for: client.softwareID, at: currentRevision) {
            try await tokens.requireActive(client)
            return true
        }
        return .software(client)
    }

    /// A token request: the client's certificate is the one the middleware validated for this request.
    func grantAccessToken(_ request: TokenService.TokenRequest, certificate: ClientCertificate?) async throws -> TokenService.Grant {
        let thumbprint = try certificate?.thumbprint()
        return try await tokens.grant(request, certificateThumbprint: thumbprint, signer: try await currentSigner(), at: Date())
    }

    public func refreshRevision() async throws {
        let latest = try await store.currentRevision()
        // Only ever forward: a slow read must not move the revision back.
        revision.raise(to: latest)
    }

    /// The current signing key, opened once per revision rather than once per SSA.
    func currentSigner() async throws -> SigningKey {
        try await signer.value(at: currentRevision) { try await keyring.currentSigner() }
    }

    /// The issuing CA with its key opened, once per revision rather than once per CRL or OCSP response.
    func currentCertificateIssuer() async throws -> CertificateIssuer {
        try await certificateIssuer.value(at: currentRevision) { try await certificateAuthority.issuer() }
    }

    /// An OCSP response (RFC 6960) for a DER request: always a response, an internalError one when the
    /// issuing CA's key cannot be opened.
    func ocspResponse(for request: [UInt8]) async -> [UInt8] {
        guard let issuer = try? await currentCertificateIssuer() else { return OCSPResponder.internalErrorResponse }
        return await OCSPResponder(authority: issuer.authority).respond(to: request, at: Date()) { [certificateAuthority] serial in
            await certificateAuthority.status(of: serial)
        }
    }

    /// The revocation of a certificate this directory issued, for validations in the request path.
    func revocation(of certificate: Certificate) async -> RevokedCertificate? {
        let revision = currentRevision
        guard let trust = try? await currentTrustStore(), trust.intermediates.contains(where: { $0.subject == certificate.issuer })
        else { return nil }
        return try? await revocations.value(for: certificate.serialNumber.hexString, at: revision) { [certificateAuthority] in
            await certificateAuthority.revocation(of: certificate, issuers: trust.intermediates)
        }
    }

    /// A client's certificate and the ones it sent with it, judged for transport now: the one rule for
    /// the TLS handshake and for certificates a trusted proxy forwards.
    func validateTransport(leaf: Certificate, presented: [Certificate]) async throws -> ChainVerdict {
        await ChainValidator.validate(
            leaf: leaf, presented: presented, purpose: .transport, trust: try await currentTrustStore(), at: Date(),
            revocation: { [self] in await revocation(of: $0) })
    }

    /// The anchors and known intermediates, read once per revision (an anchor change moves it).
    func currentTrustStore() async throws -> TrustStore {
        try await trustStore.value(at: currentRevision) { try await trust.trustStore() }
    }

    /// The issuing CA's CRL, made again when the revision moves (a revocation) or once it is an hour old.
    func currentRevocationList() async throws -> (der: [UInt8], thisUpdate: Date, nextUpdate: Date) {
        try await revocationList.value(at: currentRevision) {
            try await certificateAuthority.revocationList(by: try await currentCertificateIssuer())
        }
    }

    /// Runs until cancelled, following the store's revision.
    public func pollRevisions() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.revisionPollInterval)
                try await refreshRevision()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("cannot read the store's revision", metadata: ["error": "\(error)"])
            }
        }
    }
}
