import Foundation

/// API tokens for automation and operators: issued (the secret shown once, only its hash kept), listed,
/// revoked, and turned back into the `Caller` a bearer secret stands for. Every change is audited.
///
/// ```swift
/// let tokens = APITokens(store: store)
/// let issued = try await tokens.create(role: .organisation, organisationID: org, label: "TPP automation", by: .cli)
/// let caller = try await tokens.authenticate(bearer: issued.secret)
/// ```
public struct APITokens: Sendable {
    public let store: any DirectoryStore
    let clock: @Sendable () -> Date

    public init(store: any DirectoryStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    /// Creates a token and returns its secret, which is not stored and cannot be shown again.
    public func create(role: APIToken.Role, organisationID: String?, label: String, by caller: Caller) async throws -> (
        token: APIToken, secret: String
    ) {
        try InputRules.requireText(label, field: "label", maximum: 128)
        switch (role, organisationID) {
        case (.operator, nil), (.clients, nil), (.metrics, nil): try caller.requireOperator()
        case (.organisation, let id?):
            // An organisation's administrators make its tokens for their own automation.
            try caller.require(.managePeople, inOrganisation: id)
            _ = try await ParticipantDirectory(store: store).organisation(id, for: caller)
        case (.operator, _?), (.clients, _?), (.metrics, _?):
            throw DirectoryError.invalidInput("only an organisation token is scoped to an organisation")
        case (.organisation, nil): throw DirectoryError.invalidInput("an organisation token needs an organisation id")
        }
        let now = clock()
        let issued = APIToken.issue(role: role, organisationID: organisationID, label: label, at: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.insert(issued.token, auditedAs: "token.create")
        try await store.apply(changes)
        return issued
    }

    /// Every token (never a secret: only hashes are stored), oldest first.
    public func list(for caller: Caller) async throws -> [APIToken] {
        try caller.requireDirectoryRead()
        return try await store.records(APIToken.self).map(\.record).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// One organisation's tokens, for whoever manages its people.
    public func list(ofOrganisation organisationID: String, for caller: Caller) async throws -> [APIToken] {
        try caller.require(.managePeople, inOrganisation: organisationID)
        return try await store.records(APIToken.self, ownerID: organisationID).map(\.record).sorted {
            ($0.createdAt, $0.id) < ($1.createdAt, $1.id)
        }
    }

    /// Revokes a token. `id` is the token's id (the hash `list` shows) or an unambiguous start of it (8
    /// characters at least): what a person can copy from a narrow table. The revision moves, so every
    /// node stops accepting it within its poll interval, and this node at once.
    @discardableResult
    public func revoke(_ id: String, by caller: Caller) async throws -> APIToken {
        // Only operators and signed-in people may learn whether a token exists; which one they may
        // revoke is decided below.
        if case .person = caller {} else { try caller.requireOperator() }
        let wanted = id.lowercased()
        guard (8...64).contains(wanted.count), wanted.allSatisfy(\.isHexDigit) else {
            throw DirectoryError.notFound(
                "no token \(id.prefix(80)) (a token id is 64 hexadecimal characters; its first 8 or more will do)")
        }
        let stored: Stored<APIToken>
        if wanted.count == 64, let exact = try await store.record(APIToken.self, id: wanted) {
            stored = exact
        } else {
            let matches = try await store.records(APIToken.self).filter { $0.record.id.hasPrefix(wanted) }
            guard let only = matches.first else { throw DirectoryError.notFound("no token \(wanted)") }
            guard matches.count == 1 else {
                throw DirectoryError.invalidInput("\(matches.count) tokens start with \(wanted); give more of the id")
            }
            stored = only
        }
        if stored.record.role == .organisation, let organisationID = stored.record.organisationID {
            try caller.require(.managePeople, inOrganisation: organisationID)
        } else {
            try caller.requireOperator()
        }
        var changes = ChangeSet(actor: caller.auditName, at: clock())
        changes.delete(stored, auditedAs: "token.revoke")
        try await store.apply(changes)
        return stored.record
    }

    /// The caller a bearer secret stands for, or nil when it is unknown.
    public func authenticate(bearer secret: String) async throws -> Caller? {
        guard secret.utf8.count <= 256 else { return nil }
        return try await caller(forTokenHash: APIToken.hash(of: secret))
    }

    /// The caller a stored token hash stands for, or nil.
    public func caller(forTokenHash hash: String) async throws -> Caller? {
        try await store.record(APIToken.self, id: hash).map { Caller(token: $0.record) }
    }
}
