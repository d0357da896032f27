import Foundation
import Keys

/// Signing in with an e-mail address, a password and (where set up) a TOTP code, and the sessions that
/// follow. Every failure reads the same and costs the same (one password verification), whether the
/// address is unknown, the password wrong, the code wrong or replayed, the person disabled or locked
/// out: the page says nothing an attacker could sort accounts by.
public struct SignIn: Sendable {
    public let people: People
    public let throttle: SignInThrottle
    /// Wrong passwords or codes in a row that lock an account, and for how long.
    public static let lockOutAfter = 5
    public static let lockOutFor: TimeInterval = 15 * 60

    public static let failure = DirectoryError.unauthenticated(
        "That did not sign you in: the e-mail, password or code is wrong, or there were too many attempts (wait 15 minutes).")

    public init(people: People, throttle: SignInThrottle = SignInThrottle()) {
        self.people = people
        self.throttle = throttle
    }

    var store: any DirectoryStore { people.store }

    public struct Started: Sendable {
        public var person: Person
        /// For the cookie; only its hash is stored.
        public var secret: String
    }

    /// Checks the credentials and starts a session; `replacing` is the session the browser held before,
    /// which ends (a new session id at every sign-in: no session fixation).
    public func signIn(email: String, password: String, code: String, from address: String, replacing previous: String? = nil) async throws
        -> Started
    {
        let now = people.clock()
        guard !throttle.isBlocked(address, at: now) else {
            await PasswordHash.spendVerification(cost: people.passwordCost)
            throw Self.failure
        }
        guard let normalised = try? EmailAddress.normalised(email), let person = try await people.person(withEmail: normalised),
            let credentials = try await store.record(PersonCredentials.self, id: person.id)
        else {
            await PasswordHash.spendVerification(cost: people.passwordCost)
            throttle.noteFailure(from: address, at: now)
            throw Self.failure
        }
        let passwordMatches = await PasswordHash.verify(password, against: credentials.record.passwordHash)
        if let lockedUntil = credentials.record.lockedUntil, lockedUntil > now { throw Self.failure }
        guard passwordMatches, let step = try secondFactorStep(code, credentials: credentials.record, person: person, at: now) else {
            throttle.noteFailure(from: address, at: now)
            try await noteFailure(credentials, person: person, at: now)
            throw Self.failure
        }
        guard person.status == .active else { throw Self.failure }

        let secret = APIToken.randomSecret(prefix: "rgs_")
        let session = SignInSession(id: APIToken.hash(of: secret), personID: person.id, at: now)
        var changes = ChangeSet(actor: "person:\(person.email)", at: now)
        try changes.insert(session, auditedAs: "session.start")
        if let step { changes.claimFirstUse(Self.oneTimeStep(step, of: person.id, generator: nil)) }
        if credentials.record.failedAttempts > 0 || credentials.record.lockedUntil != nil {
            var cleared = credentials.record
            (cleared.failedAttempts, cleared.lockedUntil, cleared.updatedAt) = (0, nil, now)
            try changes.update(cleared, readAt: credentials.revision)
        }
        if let previous, let old = try await store.record(SignInSession.self, id: APIToken.hash(of: previous)) { changes.delete(old) }
        do {
            try await store.apply(changes)
        } catch StoreError.alreadyUsed {
            // The code was used already (here or on another node): a replay.
            throttle.noteFailure(from: address, at: now)
            throw Self.failure
        }
        return Started(person: person, secret: secret)
    }

    /// The time step a code matched: `.some(nil)` when the person has no second factor and typed none,
    /// nil when the code is missing or wrong. A person whose role needs a second factor and has none
    /// cannot sign in (they never can: accepting their invitation required one).
    private func secondFactorStep(_ code: String, credentials: PersonCredentials, person: Person, at now: Date) throws -> Int64?? {
        guard let sealed = credentials.sealedOneTimePasswordSecret else { return person.needsSecondFactor ? nil : .some(nil) }
        let secret = try people.encryptionKey.open(sealed, boundTo: Self.sealContext(person.id))
        return OneTimePassword(secret: Array(secret)).matchingStep(of: code, at: now).map { .some($0) }
    }

    /// One more failure for the account; the fifth in a row locks it for `lockOutFor`. A concurrent
    /// failure may win the write: either way the count only grows.
    private func noteFailure(_ credentials: Stored<PersonCredentials>, person: Person, at now: Date) async throws {
        var updated = credentials.record
        updated.failedAttempts += 1
        updated.updatedAt = now
        var changes = ChangeSet(actor: "person:\(person.email)", at: now)
        if updated.failedAttempts >= Self.lockOutAfter {
            (updated.failedAttempts, updated.lockedUntil) = (0, now.addingTimeInterval(Self.lockOutFor))
            changes.audit("person.lock-out", subject: person, before: nil, after: nil)
        }
        try changes.update(updated, readAt: credentials.revision)
        _ = try? await store.apply(changes)
    }

    /// The signed-in person behind a session cookie's secret, or nil when it is unknown, timed out, or
    /// the person is disabled. Reads the person at every call: a role taken away counts at once.
    public func caller(forSession secret: String) async throws -> (caller: PersonCaller, person: Person)? {
        guard secret.utf8.count <= 256, let session = try await store.record(SignInSession.self, id: APIToken.hash(of: secret)) else {
            return nil
        }
        let now = people.clock()
        guard session.record.isLive(at: now) else {
            var changes = ChangeSet(actor: "system", at: now)
            changes.delete(session)
            _ = try? await store.apply(changes)
            return nil
        }
        guard let person = try await store.record(Person.self, id: session.record.personID)?.record, person.status == .active else {
            return nil
        }
        if now.timeIntervalSince(session.record.lastSeenAt) >= SignInSession.touchInterval {
            var touched = session.record
            (touched.lastSeenAt, touched.updatedAt) = (now, now)
            var changes = ChangeSet(actor: "system", at: now)
            try changes.update(touched, readAt: session.revision)
            // Two requests at once both touch; one wins, and the session is live either way.
            _ = try? await store.apply(changes)
        }
        return (PersonCaller(person), person)
    }

    /// Ends the session a cookie holds (nothing to do when it has already ended).
    public func signOut(_ secret: String) async throws {
        guard secret.utf8.count <= 256, let session = try await store.record(SignInSession.self, id: APIToken.hash(of: secret)) else {
            return
        }
        var changes = ChangeSet(actor: "system", at: people.clock())
        changes.delete(session, auditedAs: "session.end")
        _ = try? await store.apply(changes)
    }

    static func sealContext(_ personID: String) -> String { "totp:\(personID)" }

    /// A used TOTP step, kept just past the window in which its code is accepted: never accepted twice.
    static func oneTimeStep(_ step: Int64, of personID: String, generator: OneTimePassword?) -> ChangeSet.FirstUse {
        let period = generator?.period ?? 30
        return ChangeSet.FirstUse(value: "totp:\(personID):\(step)", expiresAt: Date(timeIntervalSince1970: Double(step + 2) * period))
    }
}
