import Foundation
import Keys

/// People and their access: invitations, accepting one, changing roles, disabling. Signing in and
/// sessions are `SignIn`'s. Every change is one audited change set on the people ledger.
///
/// ```swift
/// let people = People(store: store, encryptionKey: key)
/// let (invitation, secret) = try await people.invite(email: "ana@bank.example", to: .init(organisationID: org, role: .administrator), by: caller)
/// let person = try await people.accept(secret, name: "Ana", password: "…", enrolment: enrolment)
/// ```
public struct People: Sendable {
    public let store: any DirectoryStore
    let encryptionKey: KeyEncryptionKey
    let passwordCost: PasswordHash.Cost
    let clock: @Sendable () -> Date

    public init(
        store: any DirectoryStore, encryptionKey: KeyEncryptionKey, passwordCost: PasswordHash.Cost = .standard,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.encryptionKey = encryptionKey
        self.passwordCost = passwordCost
        self.clock = clock
    }

    // MARK: Invitations

    /// Invites `email` as staff (staff administrators only) or into an organisation (whoever may
    /// manage its people). The secret is returned once and never stored.
    public func invite(email: String, staffRole: StaffRole? = nil, to membership: Membership? = nil, by caller: Caller) async throws -> (
        invitation: Invitation, secret: String
    ) {
        let address = try EmailAddress.normalised(email)
        switch (staffRole, membership) {
        case (_?, nil): try caller.requireStaffManagement()
        case (nil, let membership?):
            try caller.require(.managePeople, inOrganisation: membership.organisationID)
            _ = try await ParticipantDirectory(store: store).organisation(membership.organisationID, for: caller)
        default: throw DirectoryError.invalidInput("an invitation is either to the staff or to one organisation")
        }
        if let existing = try await person(withEmail: address) {
            if let staffRole, existing.staffRole == staffRole {
                throw DirectoryError.conflict("\(address) is already \(staffRole.rawValue)")
            }
            if let membership, existing.role(in: membership.organisationID) != nil {
                throw DirectoryError.conflict("\(address) is already a member of this organisation")
            }
        }
        let now = clock()
        let secret = APIToken.randomSecret(prefix: "rgi_")
        let invitation = Invitation(
            id: APIToken.hash(of: secret), email: address, staffRole: staffRole, membership: membership, invitedBy: caller.auditName,
            createdAt: now, expiresAt: now.addingTimeInterval(Invitation.lifetime))
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.insert(invitation, auditedAs: "invitation.create")
        try await store.apply(changes)
        return (invitation, secret)
    }

    /// The open invitation a link's secret stands for: unknown, used and expired links are refused alike.
    public func invitation(secret: String) async throws -> Stored<Invitation> {
        guard secret.utf8.count <= 256, let stored = try await store.record(Invitation.self, id: APIToken.hash(of: secret)),
            stored.record.expiresAt > clock()
        else { throw DirectoryError.notFound("this invitation link is not valid: it was used, it expired, or it was withdrawn") }
        return stored
    }

    /// Pending invitations: all for staff, an organisation's for whoever may manage its people.
    public func invitations(ofOrganisation organisationID: String? = nil, for caller: Caller) async throws -> [Invitation] {
        if let organisationID {
            try caller.require(.managePeople, inOrganisation: organisationID)
        } else {
            try caller.requireDirectoryRead()
        }
        let now = clock()
        return try await store.records(Invitation.self, ownerID: organisationID).map(\.record).filter { $0.expiresAt > now }
            .sorted { $0.createdAt > $1.createdAt }
    }

    /// What a new person sends to accept an invitation.
    public struct Enrolment: Sendable {
        public var name: String
        public var password: String
        /// The TOTP secret the page showed, and a code from the authenticator it was added to. Required
        /// when the invitation makes the person staff or an organisation administrator.
        public var oneTimePasswordSecret: [UInt8]?
        public var code: String?

        public init(name: String, password: String, oneTimePasswordSecret: [UInt8]?, code: String?) {
            self.name = name
            self.password = password
            self.oneTimePasswordSecret = oneTimePasswordSecret
            self.code = code
        }
    }

    /// Accepts an invitation as a new person: one change set deletes the invitation and writes the
    /// person, their credentials and their address, so the link works once and an address has one person.
    public func accept(_ secret: String, enrolment: Enrolment) async throws -> Person {
        let stored = try await invitation(secret: secret)
        let invitation = stored.record
        guard try await person(withEmail: invitation.email) == nil else {
            throw DirectoryError.conflict("\(invitation.email) already signs in here: sign in, then open the link again")
        }
        try InputRules.requireText(enrolment.name, field: "name", maximum: 128)
        try PasswordHash.requireAcceptable(enrolment.password, email: invitation.email)
        let now = clock()
        let person = Person(
            id: RecordIdentifier.make(), email: invitation.email, name: enrolment.name, staffRole: invitation.staffRole,
            memberships: invitation.membership.map { [$0] } ?? [], createdAt: now, updatedAt: now)
        var sealedSecret: String?
        var changes = ChangeSet(actor: "person:\(person.email)", at: now)
        if let oneTimeSecret = enrolment.oneTimePasswordSecret, !(enrolment.code ?? "").isEmpty {
            guard oneTimeSecret.count >= 16 else { throw DirectoryError.invalidInput("that authenticator secret is too short") }
            let generator = OneTimePassword(secret: oneTimeSecret)
            guard let step = generator.matchingStep(of: enrolment.code ?? "", at: now) else {
                throw DirectoryError.invalidInput(
                    "that code does not match the authenticator secret: check the device's time and try the next code")
            }
            changes.claimFirstUse(SignIn.oneTimeStep(step, of: person.id, generator: generator))
            sealedSecret = try encryptionKey.seal(Data(oneTimeSecret), boundTo: SignIn.sealContext(person.id))
        } else if person.needsSecondFactor {
            throw DirectoryError.invalidInput("add the secret to an authenticator app and type its code: your role needs a second factor")
        }
        let credentials = PersonCredentials(
            id: person.id, passwordHash: try await PasswordHash.make(enrolment.password, cost: passwordCost),
            sealedOneTimePasswordSecret: sealedSecret, updatedAt: now)
        changes.delete(stored, auditedAs: "invitation.accept")
        try changes.insert(person, auditedAs: "person.create")
        try changes.insert(credentials)
        try changes.insert(EmailAddressClaim(email: person.email, personID: person.id, at: now))
        do {
            try await store.apply(changes)
        } catch StoreError.duplicate(let collection, _) where collection == .emailAddresses {
            throw DirectoryError.conflict("\(invitation.email) already signs in here: sign in, then open the link again")
        } catch StoreError.concurrentModification(let collection, _) where collection == .invitations {
            throw DirectoryError.notFound("this invitation link is not valid: it was used, it expired, or it was withdrawn")
        }
        return person
    }

    /// Accepts an invitation for a person who already signs in here (signed in as the invited address).
    public func accept(_ secret: String, as caller: PersonCaller) async throws -> Person {
        let stored = try await invitation(secret: secret)
        guard stored.record.email == caller.email else {
            throw DirectoryError.forbidden("this invitation is for another e-mail address")
        }
        guard let current = try await store.record(Person.self, id: caller.id) else { throw DirectoryError.notFound("no such person") }
        var person = current.record
        if let role = stored.record.staffRole { person.staffRole = role }
        if let membership = stored.record.membership {
            person.memberships.removeAll { $0.organisationID == membership.organisationID }
            person.memberships.append(membership)
        }
        person.updatedAt = clock()
        var changes = ChangeSet(actor: "person:\(person.email)", at: person.updatedAt)
        changes.delete(stored, auditedAs: "invitation.accept")
        try changes.update(person, readAt: current.revision, auditedAs: "person.join", before: current.record)
        try await store.apply(changes)
        return person
    }

    public func withdrawInvitation(_ id: String, by caller: Caller) async throws {
        guard let stored = try await store.record(Invitation.self, id: id) else {
            throw DirectoryError.notFound("no invitation \(id.prefix(80))")
        }
        try requireInviter(for: stored.record, caller)
        var changes = ChangeSet(actor: caller.auditName, at: clock())
        changes.delete(stored, auditedAs: "invitation.withdraw")
        try await store.apply(changes)
    }

    private func requireInviter(for invitation: Invitation, _ caller: Caller) throws {
        if let membership = invitation.membership {
            try caller.require(.managePeople, inOrganisation: membership.organisationID)
        } else {
            try caller.requireStaffManagement()
        }
    }

    // MARK: People

    public func person(withEmail address: String) async throws -> Person? {
        guard let claim = try await store.record(EmailAddressClaim.self, id: EmailAddressClaim.id(of: address)) else { return nil }
        return try await store.record(Person.self, id: claim.record.personID)?.record
    }

    /// Everyone, for staff; an organisation's members for whoever may read it. A person's memberships
    /// live in their record, so an organisation's members are a scan of people (docs/people.md).
    public func people(inOrganisation organisationID: String? = nil, for caller: Caller) async throws -> [Person] {
        let everyone = try await store.records(Person.self).map(\.record)
        guard let organisationID else {
            try caller.requireDirectoryRead()
            return everyone.sorted { $0.email < $1.email }
        }
        try caller.require(.read, inOrganisation: organisationID)
        return everyone.filter { $0.role(in: organisationID) != nil }.sorted { $0.email < $1.email }
    }

    /// Disables or enables a person. Disabling ends every session of theirs in the same change set.
    /// Staff are changed by staff administrators; anyone else by operators.
    @discardableResult
    public func setStatus(of personID: String, to status: Person.Status, by caller: Caller) async throws -> Person {
        let stored = try await storedPerson(personID)
        if stored.record.staffRole != nil { try caller.requireStaffManagement() } else { try caller.requireOperator() }
        if case .person(let me) = caller, me.id == personID, status == .disabled {
            throw DirectoryError.invalidInput("you cannot disable yourself; ask another administrator")
        }
        var person = stored.record
        person.status = status
        person.updatedAt = clock()
        var changes = ChangeSet(actor: caller.auditName, at: person.updatedAt)
        try changes.update(
            person, readAt: stored.revision, auditedAs: status == .disabled ? "person.disable" : "person.enable", before: stored.record)
        if status == .disabled { try await endSessions(of: personID, in: &changes) }
        try await store.apply(changes)
        return person
    }

    /// Takes a person out of an organisation, ending their sessions (their pages showed what they could do).
    @discardableResult
    public func removeMembership(of personID: String, from organisationID: String, by caller: Caller) async throws -> Person {
        try caller.require(.managePeople, inOrganisation: organisationID)
        if case .person(let me) = caller, me.id == personID {
            throw DirectoryError.invalidInput("you cannot remove yourself; ask another administrator")
        }
        let stored = try await storedPerson(personID)
        guard stored.record.role(in: organisationID) != nil else {
            throw DirectoryError.notFound("that person is not a member of this organisation")
        }
        var person = stored.record
        person.memberships.removeAll { $0.organisationID == organisationID }
        person.updatedAt = clock()
        var changes = ChangeSet(actor: caller.auditName, at: person.updatedAt)
        try changes.update(person, readAt: stored.revision, auditedAs: "person.leave", before: stored.record)
        try await endSessions(of: personID, in: &changes)
        try await store.apply(changes)
        return person
    }

    public func person(_ id: String) async throws -> Person { try await storedPerson(id).record }

    func storedPerson(_ id: String) async throws -> Stored<Person> {
        guard RecordIdentifier.isWellFormed(id), let stored = try await store.record(Person.self, id: id) else {
            throw DirectoryError.notFound("no person \(id.prefix(80))")
        }
        return stored
    }

    private func endSessions(of personID: String, in changes: inout ChangeSet) async throws {
        for session in try await store.records(SignInSession.self, ownerID: personID) { changes.delete(session) }
    }
}
