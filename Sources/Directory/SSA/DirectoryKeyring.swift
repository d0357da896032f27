import Foundation
import Keys

/// The directory's own signing keys and their rotation: *next* (published, not yet signing) →
/// *current* (signing) → *retired* (published, no longer signing) → *removed* (gone from the JWKS).
/// Keeping a published *next* key means relying parties have it cached before the first SSA it signs.
///
/// ```swift
/// let keyring = DirectoryKeyring(store: store, encryptionKey: kek)
/// try await keyring.ensureSigningKeys(algorithm: .PS256, by: .system)
/// let signer = try await keyring.currentSigner()
/// ```
public struct DirectoryKeyring: Sendable {
    let store: any DirectoryStore
    let encryptionKey: KeyEncryptionKey
    let clock: @Sendable () -> Date

    public init(store: any DirectoryStore, encryptionKey: KeyEncryptionKey, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.encryptionKey = encryptionKey
        self.clock = clock
    }

    public func keys() async throws -> [Stored<DirectorySigningKey>] {
        try await store.records(DirectorySigningKey.self).sorted {
            ($0.record.createdAt, $0.record.id) < ($1.record.createdAt, $1.record.id)
        }
    }

    /// Creates a current and a next key when there is no current key; a no-op otherwise.
    public func ensureSigningKeys(algorithm: SigningAlgorithm, by caller: Caller) async throws {
        let existing = try await keys()
        guard !existing.contains(where: { $0.record.state == .current }) else { return }
        let now = clock()
        var changes = ChangeSet(actor: caller.auditName, at: now)
        for state in [DirectorySigningKey.State.current, .next] {
            let key = try makeKey(algorithm: algorithm, state: state, at: now)
            try changes.insert(key, auditedAs: "signing-key.create")
        }
        try await store.apply(changes)
    }

    /// next → current, current → retired, and a new next key of `algorithm` (the way to change algorithm).
    @discardableResult
    public func rotate(algorithm: SigningAlgorithm, by caller: Caller) async throws -> (
        current: DirectorySigningKey, next: DirectorySigningKey
    ) {
        try caller.requireOperator()
        let existing = try await keys()
        let now = clock()
        var changes = ChangeSet(actor: caller.auditName, at: now)
        for stored in existing where stored.record.state == .current {
            try change(stored, to: .retired, at: now, in: &changes)
        }
        var promoted: DirectorySigningKey
        if let next = existing.last(where: { $0.record.state == .next }) {
            promoted = try change(next, to: .current, at: now, in: &changes)
        } else {
            promoted = try makeKey(algorithm: algorithm, state: .current, at: now)
            try changes.insert(promoted, auditedAs: "signing-key.create")
        }
        let fresh = try makeKey(algorithm: algorithm, state: .next, at: now)
        try changes.insert(fresh, auditedAs: "signing-key.create")
        try await store.apply(changes)
        return (promoted, fresh)
    }

    /// Stops publishing a retired (or unused next) key. The current key must be rotated out first.
    @discardableResult
    public func retire(kid: String, by caller: Caller) async throws -> DirectorySigningKey {
        try caller.requireOperator()
        guard let stored = try await store.record(DirectorySigningKey.self, id: kid) else {
            throw DirectoryError.notFound("no directory signing key \(kid)")
        }
        switch stored.record.state {
        case .current: throw DirectoryError.invalidTransition("key \(kid) is signing; run `registrar keys rotate` first")
        case .removed: throw DirectoryError.invalidTransition("key \(kid) is already removed")
        case .next, .retired: break
        }
        var changes = ChangeSet(actor: caller.auditName, at: clock())
        let removed = try change(stored, to: .removed, at: clock(), in: &changes)
        try await store.apply(changes)
        return removed
    }

    /// The published JWKS: current first, then next, then retired keys.
    public func publishedJWKS() async throws -> JSONWebKeySet {
        let order: [DirectorySigningKey.State] = [.current, .next, .retired]
        let published = try await keys().map(\.record).filter { $0.state.isPublished }
        return JSONWebKeySet(keys: order.flatMap { state in published.filter { $0.state == state }.map(\.publicJWK) })
    }

    /// Opens the current private key. Fails when there is none or the key-encryption key is wrong.
    public func currentSigner() async throws -> SigningKey {
        guard let current = try await keys().last(where: { $0.record.state == .current })?.record else {
            throw DirectoryError.notActive("the directory has no current signing key; run `registrar init`")
        }
        let pem: Data
        do { pem = try encryptionKey.open(current.sealedPrivateKey, boundTo: current.id) } catch {
            throw DirectoryError.conflict(
                "the key-encryption key cannot open signing key \(current.id); is this node configured with the same KEK?")
        }
        return try SigningKey(algorithm: current.algorithm, pkcs8PEM: String(decoding: pem, as: UTF8.self))
    }

    private func makeKey(algorithm: SigningAlgorithm, state: DirectorySigningKey.State, at now: Date) throws -> DirectorySigningKey {
        let key = try SigningKey.generate(algorithm)
        let sealed = try encryptionKey.seal(Data(key.pkcs8PEM.utf8), boundTo: key.kid)
        return DirectorySigningKey(key: key, state: state, sealedPrivateKey: sealed, at: now)
    }

    @discardableResult
    private func change(
        _ stored: Stored<DirectorySigningKey>, to state: DirectorySigningKey.State, at now: Date, in changes: inout ChangeSet
    ) throws -> DirectorySigningKey {
        var updated = stored.record
        updated.state = state
        updated.updatedAt = now
        if state == .current { updated.activatedAt = now }
        if state == .retired { updated.retiredAt = now }
        try changes.update(updated, readAt: stored.revision, auditedAs: "signing-key.\(state.rawValue)", before: stored.record)
        return updated
    }
}
