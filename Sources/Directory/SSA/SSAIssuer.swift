import Foundation
import Keys

/// Issues software statement assertions: checks the gates, builds the profile's claims, signs with the
/// directory's current key.
///
/// ```swift
/// let issuer = SSAIssuer(directory: directory, keyring: keyring, settings: settings)
/// let jwt = try await issuer.issue(softwareID: id, organisationID: org, for: caller)   // compact JWS
/// let prepared = try await issuer.prepare(softwareID: id, organisationID: org, for: caller) // to cache
/// ```
public struct SSAIssuer: Sendable {
    public struct Settings: Sendable {
        public var profile: EcosystemProfile
        public var issuer: String
        public var keystore: KeystoreURLs
        public var lifetime: TimeInterval
        public var cdrScope: String

        public static let defaultLifetime: TimeInterval = 600
        public static let defaultCDRScope =
            "openid profile bank:accounts.basic:read bank:accounts.detail:read bank:transactions:read bank:payees:read "
            + "bank:regular_payments:read common:customer.basic:read common:customer.detail:read cdr:registration"

        public init(
            profile: EcosystemProfile, issuer: String, keystore: KeystoreURLs, lifetime: TimeInterval = defaultLifetime,
            cdrScope: String = defaultCDRScope
        ) {
            self.profile = profile
            self.issuer = issuer
            self.keystore = keystore
            self.lifetime = lifetime
            self.cdrScope = cdrScope
        }
    }

    let directory: ParticipantDirectory
    public let settings: Settings
    let signer: @Sendable () async throws -> SigningKey
    let clock: @Sendable () -> Date

    /// `signer` returns the current directory key; the server passes a cached one, the CLI the keyring's.
    public init(
        directory: ParticipantDirectory, settings: Settings, signer: @escaping @Sendable () async throws -> SigningKey,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.directory = directory
        self.settings = settings
        self.signer = signer
        self.clock = clock
    }

    public func issue(softwareID: String, organisationID: String, for caller: Caller) async throws -> String {
        let prepared = try await prepare(softwareID: softwareID, organisationID: organisationID, for: caller)
        return try prepared.assertion(signedBy: try await signer(), at: clock(), jwtID: RecordIdentifier.make())
    }

    /// Checks the gates and encodes the profile's claims; nothing is signed yet.
    public func prepare(softwareID: String, organisationID: String, for caller: Caller) async throws -> PreparedAssertion {
        let access = Caller.Action.fetchAssertion(softwareID: softwareID)
        let organisation = try await directory.storedOrganisation(organisationID, for: caller, to: access).record
        let software = try await directory.storedSoftware(softwareID, in: organisationID, for: caller, to: access).record
        try StatusLifecycle.requireActive(organisation: organisation, software: software, toIssue: "SSAs")
        let profile = settings.profile.claimSet
        let missing = profile.missingData(software: software, organisation: organisation)
        guard missing.isEmpty else {
            throw DirectoryError.incompleteData(
                "the \(settings.profile.rawValue) profile needs \(missing.joined(separator: ", ")) before an SSA can be issued")
        }
        let claims = profile.claims(
            software: software, organisation: organisation, context: SSAContext(keystore: settings.keystore, scope: settings.cdrScope))
        return try PreparedAssertion(
            organisationID: organisationID, softwareID: softwareID, claims: claims, issuer: settings.issuer, lifetime: settings.lifetime)
    }
}
