import Foundation
import Keys

/// The directory's operations on participants: the one place their rules are enforced, whoever calls
/// (HTTP API, CLI, sandbox seeding). Every change is one atomic `ChangeSet` with its audit events.
///
/// ```swift
/// let directory = ParticipantDirectory(store: store)
/// let bank = try await directory.createOrganisation(NewOrganisation(legalName: "Bank", country: "GB"), by: .system)
/// try await directory.setOrganisationStatus(bank.id, to: .suspended, by: caller)
/// ```
public struct ParticipantDirectory: Sendable {
    public let store: any DirectoryStore
    /// The ecosystem whose role vocabulary new organisations and software are held to (`RoleVocabulary`);
    /// nil holds them to none, for callers that only read.
    public let profile: EcosystemProfile?
    let clock: @Sendable () -> Date

    public init(store: any DirectoryStore, profile: EcosystemProfile? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.profile = profile
        self.clock = clock
    }

    // MARK: Organisations

    public func createOrganisation(_ input: NewOrganisation, by caller: Caller) async throws -> Organisation {
        try caller.requireOperator()
        try check(input)
        let status = input.status ?? .active
        try StatusLifecycle.checkInitial(status)
        let now = clock()
        let organisation = Organisation(
            id: RecordIdentifier.make(), legalName: input.legalName, registrationNumber: input.registrationNumber, country: input.country,
            status: status, contacts: input.contacts ?? [], authorityClaims: input.authorityClaims ?? [], createdAt: now, updatedAt: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.insert(organisation, auditedAs: "organisation.create")
        try await apply(changes)
        return organisation
    }

    /// Replaces an organisation's data (everything `createOrganisation` takes but its status): staff,
    /// or while it is Pending its own administrators completing their application
    /// (`StatusLifecycle.checkEditable`).
    @discardableResult
    public func updateOrganisation(_ id: String, _ input: NewOrganisation, by caller: Caller) async throws -> Organisation {
        let stored = try await storedOrganisation(id, for: caller, to: .manageOrganisation)
        try StatusLifecycle.checkEditable(stored.record, by: caller)
        try check(input)
        guard input.status == nil || input.status == stored.record.status else {
            throw DirectoryError.invalidInput("status changes through PUT /organisations/{organisationId}/status")
        }
        let now = clock()
        var updated = stored.record
        updated.legalName = input.legalName
        updated.registrationNumber = input.registrationNumber
        updated.country = input.country
        updated.contacts = input.contacts ?? []
        updated.authorityClaims = input.authorityClaims ?? []
        updated.updatedAt = now
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.update(updated, readAt: stored.revision, auditedAs: "organisation.update", before: stored.record)
        try await apply(changes)
        return updated
    }

    private func check(_ input: NewOrganisation) throws {
        try input.validate()
        if let profile { try RoleVocabulary.requireKnown(authorityClaims: input.authorityClaims ?? [], in: profile) }
    }

    public func organisation(_ id: String, for caller: Caller? = nil) async throws -> Organisation {
        try await storedOrganisation(id, for: caller).record
    }

    public func organisations() async throws -> [Organisation] {
        try await store.records(Organisation.self).map(\.record)
    }

    /// The organisations a caller may list: all for operators and software with `directory:read`, its
    /// own for an organisation's token, none for a clients or metrics reader.
    public func organisations(for caller: Caller) async throws -> [Organisation] {
        switch caller {
        case .organisation(let id, _): return [try await organisation(id, for: caller)]
        case .clientReader: throw DirectoryError.forbidden("a clients token reads registered clients only")
        case .metricsReader: throw DirectoryError.forbidden("a metrics token reads /metrics only")
        case .software(let client): try client.permit(.read)
        case .operator, .commandLine, .system: break
        case .person(let person):
            if caller.permits(.readDirectory) { break }
            var own: [Organisation] = []
            for membership in person.memberships { own.append(try await organisation(membership.organisationID, for: caller)) }
            return own
        }
        return try await organisations()
    }

    /// Changes an organisation's status and cascades to its software in the same transaction.
    @discardableResult
    public func setOrganisationStatus(_ id: String, to next: OrganisationStatus, reason: String? = nil, by caller: Caller) async throws
        -> Organisation
    {
        try caller.requireOperator()
        let stored = try await storedOrganisation(id, for: caller)
        try StatusLifecycle.checkTransition(of: stored.record, to: next)
        try StatusLifecycle.checkReason(reason, for: next)
        let now = clock()
        var changes = ChangeSet(actor: caller.auditName, at: now)
        var updated = stored.record
        updated.status = next
        updated.statusReason = reason
        updated.updatedAt = now
        try changes.update(updated, readAt: stored.revision, auditedAs: "organisation.status", before: stored.record)
        for software in try await store.records(SoftwareStatement.self, ownerID: id) {
            guard let cascaded = StatusLifecycle.cascade(next, to: software.record) else { continue }
            var changed = software.record
            changed.status = cascaded
            changed.inactivatedByOrganisationStatus = cascaded == .inactive
            changed.updatedAt = now
            try changes.update(changed, readAt: software.revision, auditedAs: "software.status.cascade", before: software.record)
        }
        try await apply(changes)
        return updated
    }

    // MARK: Software statements

    public func createSoftware(in organisationID: String, _ input: NewSoftwareStatement, by caller: Caller) async throws
        -> SoftwareStatement
    {
        let organisation = try await storedOrganisation(organisationID, for: caller, to: .manageOrganisation).record
        try check(input, of: organisation)
        guard organisation.status == .active else {
            throw DirectoryError.notActive(
                "organisation \(organisationID) is \(organisation.status.rawValue); new software needs an Active organisation")
        }
        let now = clock()
        let software = SoftwareStatement(
            id: RecordIdentifier.make(), organisationID: organisationID, clientName: input.clientName, description: input.description,
            version: input.version, environment: input.environment, mode: input.mode ?? .live, clientURI: input.clientUri,
            logoURI: input.logoUri, termsOfServiceURI: input.tosUri, policyURI: input.policyUri, redirectURIs: input.redirectUris ?? [],
            revocationURI: input.revocationUri, recipientBaseURI: input.recipientBaseUri, roles: input.roles ?? [], createdAt: now,
            updatedAt: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.insert(software, auditedAs: "software.create")
        try await apply(changes)
        return software
    }

    /// Replaces a software statement's details (everything `createSoftware` takes) under the same rules;
    /// its id, status and keys stay. The next SSA and the published documents carry the new details.
    @discardableResult
    public func updateSoftware(_ id: String, in organisationID: String, _ input: NewSoftwareStatement, by caller: Caller) async throws
        -> SoftwareStatement
    {
        let organisation = try await storedOrganisation(organisationID, for: caller, to: .manageSoftware(id: id)).record
        let stored = try await storedSoftware(id, in: organisationID, for: caller, to: .manageSoftware(id: id))
        try check(input, of: organisation)
        guard stored.record.status != .removed else {
            throw DirectoryError.invalidTransition("software statement \(id) is Removed; its details are final")
        }
        let now = clock()
        var updated = stored.record
        updated.clientName = input.clientName
        updated.description = input.description
        updated.version = input.version
        updated.environment = input.environment
        updated.mode = input.mode ?? stored.record.mode
        updated.clientURI = input.clientUri
        updated.logoURI = input.logoUri
        updated.termsOfServiceURI = input.tosUri
        updated.policyURI = input.policyUri
        updated.redirectURIs = input.redirectUris ?? []
        updated.revocationURI = input.revocationUri
        updated.recipientBaseURI = input.recipientBaseUri
        updated.roles = input.roles ?? []
        updated.updatedAt = now
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.update(updated, readAt: stored.revision, auditedAs: "software.update", before: stored.record)
        try await apply(changes)
        return updated
    }

    /// The fields' rules, then the roles: known to the ecosystem and authorised for the organisation.
    private func check(_ input: NewSoftwareStatement, of organisation: Organisation) throws {
        try input.validate()
        if let profile { try RoleVocabulary.requireKnown(softwareRoles: input.roles ?? [], in: profile) }
        try SoftwareRoles.requireAuthorised(input.roles ?? [], by: organisation)
    }

    public func software(_ id: String, in organisationID: String, for caller: Caller? = nil) async throws -> SoftwareStatement {
        try await storedSoftware(id, in: organisationID, for: caller).record
    }

    public func softwareStatements(in organisationID: String, for caller: Caller? = nil) async throws -> [SoftwareStatement] {
        _ = try await storedOrganisation(organisationID, for: caller)
        return try await store.records(SoftwareStatement.self, ownerID: organisationID).map(\.record)
    }

    public func allSoftwareStatements() async throws -> [SoftwareStatement] {
        try await store.records(SoftwareStatement.self).map(\.record)
    }

    @discardableResult
    public func setSoftwareStatus(_ id: String, in organisationID: String, to next: SoftwareStatus, by caller: Caller) async throws
        -> SoftwareStatement
    {
        let organisation = try await storedOrganisation(organisationID, for: caller, to: .manageSoftware(id: id)).record
        let stored = try await storedSoftware(id, in: organisationID, for: caller, to: .manageSoftware(id: id))
        try StatusLifecycle.checkTransition(of: stored.record, to: next, organisationStatus: organisation.status)
        let now = clock()
        var updated = stored.record
        updated.status = next
        updated.inactivatedByOrganisationStatus = false
        updated.updatedAt = now
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.update(updated, readAt: stored.revision, auditedAs: "software.status", before: stored.record)
        try await apply(changes)
        return updated
    }

    // MARK: Authorisation servers

    public func createAuthorisationServer(in organisationID: String, _ input: NewAuthorisationServer, by caller: Caller) async throws
        -> AuthorisationServer
    {
        _ = try await storedOrganisation(organisationID, for: caller, to: .manageOrganisation)
        try input.validate()
        let now = clock()
        let server = AuthorisationServer(
            id: RecordIdentifier.make(), organisationID: organisationID, issuer: input.issuer,
            openIDDiscoveryDocument: input.openIDDiscoveryDocument,
            customerFriendlyName: input.customerFriendlyName, customerFriendlyLogoURI: input.customerFriendlyLogoUri,
            customerFriendlyDescription: input.customerFriendlyDescription, developerPortalURI: input.developerPortalUri,
            termsOfServiceURI: input.termsOfServiceUri, supportsDynamicClientRegistration: input.supportsDcr ?? true,
            supportsCIBA: input.supportsCIBA ?? false,
            apiResources: (input.apiResources ?? []).map { $0.resource(id: RecordIdentifier.make()) },
            createdAt: now, updatedAt: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.insert(server, auditedAs: "authorisation-server.create")
        try await apply(changes)
        return server
    }

    /// Replaces an authorisation server's details and API resources under the creation's rules. A
    /// resource of a family and version it already had keeps its id, so that links to it stay good.
    @discardableResult
    public func updateAuthorisationServer(_ id: String, in organisationID: String, _ input: NewAuthorisationServer, by caller: Caller)
        async throws -> AuthorisationServer
    {
        _ = try await storedOrganisation(organisationID, for: caller, to: .manageOrganisation)
        guard RecordIdentifier.isWellFormed(id), let stored = try await store.record(AuthorisationServer.self, id: id),
            stored.record.organisationID == organisationID
        else { throw DirectoryError.notFound("no authorisation server \(id) in organisation \(organisationID)") }
        try input.validate()
        let kept = Dictionary(
            stored.record.apiResources.map { ("\($0.family)@\($0.version)", $0.id) }, uniquingKeysWith: { first, _ in first })
        let now = clock()
        var updated = stored.record
        updated.issuer = input.issuer
        updated.openIDDiscoveryDocument = input.openIDDiscoveryDocument
        updated.customerFriendlyName = input.customerFriendlyName
        updated.customerFriendlyLogoURI = input.customerFriendlyLogoUri
        updated.customerFriendlyDescription = input.customerFriendlyDescription
        updated.developerPortalURI = input.developerPortalUri
        updated.termsOfServiceURI = input.termsOfServiceUri
        updated.supportsDynamicClientRegistration = input.supportsDcr ?? true
        updated.supportsCIBA = input.supportsCIBA ?? false
        updated.apiResources = (input.apiResources ?? []).map {
            $0.resource(id: kept["\($0.apiFamilyType)@\($0.apiVersion)"] ?? RecordIdentifier.make())
        }
        updated.updatedAt = now
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.update(updated, readAt: stored.revision, auditedAs: "authorisation-server.update", before: stored.record)
        try await apply(changes)
        return updated
    }

    public func authorisationServer(_ id: String, in organisationID: String, for caller: Caller) async throws -> AuthorisationServer {
        _ = try await storedOrganisation(organisationID, for: caller)
        guard RecordIdentifier.isWellFormed(id), let stored = try await store.record(AuthorisationServer.self, id: id),
            stored.record.organisationID == organisationID
        else { throw DirectoryError.notFound("no authorisation server \(id) in organisation \(organisationID)") }
        return stored.record
    }

    public func authorisationServers(in organisationID: String? = nil) async throws -> [AuthorisationServer] {
        try await store.records(AuthorisationServer.self, ownerID: organisationID).map(\.record)
    }

    // MARK: Participant keys

    public enum KeyOwner: Sendable, Equatable {
        case organisation(String)
        case software(organisationID: String, softwareID: String)

        public var organisationID: String {
            switch self {
            case .organisation(let id), .software(let id, _): id
            }
        }

        /// The keystore owner's own id: the organisation's, or the software statement's.
        public var identifier: String {
            switch self {
            case .organisation(let id): id
            case .software(_, let id): id
            }
        }
    }

    /// Registers a public key (JWK or PEM). Private, symmetric, weak and duplicate-kid keys are refused.
    public func addKey(_ upload: Data, to owner: KeyOwner, use: String = "sig", by caller: Caller) async throws -> ParticipantKey {
        try await requireOwner(owner, for: caller)
        let jwk: JSONWebKey
        do { jwk = try PublicKeyImport.jwk(from: upload, use: use) } catch let failure as PublicKeyImport.Failure {
            throw DirectoryError.invalidInput(failure.description)
        }
        guard let kid = jwk.kid, kid.count <= 128 else { throw DirectoryError.invalidInput("kid must be at most 128 characters") }
        let now = clock()
        let ownerKind: ParticipantKey.Owner = if case .software = owner { .software } else { .organisation }
        let key = ParticipantKey(
            owner: ownerKind, ownerIdentifier: owner.identifier, organisationID: owner.organisationID, jwk: jwk, at: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.insert(key, auditedAs: "key.add")
        do {
            try await apply(changes)
        } catch DirectoryError.conflict {
            throw DirectoryError.conflict("a key with kid \(kid) is already registered for \(owner.identifier)")
        }
        return key
    }

    @discardableResult
    public func revokeKey(kid: String, of owner: KeyOwner, reason: String?, by caller: Caller) async throws -> ParticipantKey {
        try await requireOwner(owner, for: caller)
        try InputRules.requireOptionalText(reason, field: "reason")
        let id = ParticipantKey.identifier(ownerIdentifier: owner.identifier, kid: kid)
        guard let stored = try await store.record(ParticipantKey.self, id: id) else {
            throw DirectoryError.notFound("no key with kid \(kid) for \(owner.identifier)")
        }
        guard stored.record.status == .active else { throw DirectoryError.invalidTransition("key \(kid) is already revoked") }
        let now = clock()
        let revoked = stored.record.revoked(reason: reason, at: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.update(revoked, readAt: stored.revision, auditedAs: "key.revoke", before: stored.record)
        try await apply(changes)
        return revoked
    }

    public func keys(of ownerIdentifier: String) async throws -> [ParticipantKey] {
        try await store.records(ParticipantKey.self, ownerID: ownerIdentifier).map(\.record)
    }

    /// A software statement found by its id alone, with its organisation; nil when either is missing.
    /// For callers that know only the software (an OAuth client id, an SSA's software_id).
    public func participant(ofSoftware softwareID: String) async throws -> (organisation: Organisation, software: SoftwareStatement)? {
        guard RecordIdentifier.isWellFormed(softwareID),
            let software = try await store.record(SoftwareStatement.self, id: softwareID)?.record,
            let organisation = try await store.record(Organisation.self, id: software.organisationID)?.record
        else { return nil }
        return (organisation, software)
    }

    // MARK: Helpers

    /// The organisation, after checking that the caller (when there is one) may do `action` in it.
    func storedOrganisation(_ id: String, for caller: Caller?, to action: Caller.Action = .read) async throws -> Stored<Organisation> {
        if let caller { try caller.require(action, inOrganisation: id) }
        guard RecordIdentifier.isWellFormed(id), let stored = try await store.record(Organisation.self, id: id) else {
            throw DirectoryError.notFound("no organisation \(id)")
        }
        return stored
    }

    func storedSoftware(_ id: String, in organisationID: String, for caller: Caller?, to action: Caller.Action = .read) async throws
        -> Stored<SoftwareStatement>
    {
        if let caller { try caller.require(action, inOrganisation: organisationID) }
        guard RecordIdentifier.isWellFormed(id), let stored = try await store.record(SoftwareStatement.self, id: id),
            stored.record.organisationID == organisationID
        else { throw DirectoryError.notFound("no software statement \(id) in organisation \(organisationID)") }
        return stored
    }

    private func requireOwner(_ owner: KeyOwner, for caller: Caller) async throws {
        switch owner {
        case .organisation(let id): _ = try await storedOrganisation(id, for: caller, to: .manageOrganisation)
        case .software(let organisationID, let softwareID):
            _ = try await storedSoftware(softwareID, in: organisationID, for: caller, to: .manageSoftware(id: softwareID))
        }
    }

    /// Applies a change set, turning store failures into the directory's own errors.
    func apply(_ changes: ChangeSet) async throws {
        do {
            try await store.apply(changes)
        } catch let error as StoreError {
            switch error {
            case .duplicate, .concurrentModification: throw DirectoryError.conflict(error.description)
            default: throw error
            }
        }
    }
}
