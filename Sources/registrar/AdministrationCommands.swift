import ArgumentParser
import Directory
import Foundation
import Keys

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Create, list and revoke API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: id (the secret's SHA-256), role, organisation, label.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withStore(store) { store in
                let tokens = try await APITokens(store: store).list(for: .cli)
                if output.json { return try Output.json(tokens) }
                Output.table(
                    ["ID", "ROLE", "ORGANISATION", "LABEL", "CREATED"],
                    tokens.map { [$0.id, $0.role.rawValue, $0.organisationID ?? "-", $0.label, Timestamp.format($0.createdAt)] })
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token by the id `tokens list` shows, or an unambiguous start of it (at least 8 characters).",
            discussion: "Example: registrar tokens revoke 3f9a1c2e")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Token id, or its first 8 or more characters.") var id: String

        func run() async throws {
            try await withStore(store) { store in
                let token = try await APITokens(store: store).revoke(id, by: .cli)
                print("token \(token.label) revoked")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create an operator, organisation-scoped or clients-reader token. The token is printed once and stored hashed.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Flag(name: .customLong("operator"), help: "A token that administers the whole directory.") var isOperator = false
        @Option(help: "An organisation id: a token that manages that organisation's software only.") var org: String?
        @Flag(
            name: .customLong("clients"),
            help: "A token for a bank's authorisation server: reads registered clients (GET /clients) and nothing else.")
        var isClientReader = false
        @Flag(name: .customLong("metrics"), help: "A token for a Prometheus scraper: reads GET /metrics and nothing else.")
        var isMetricsReader = false
        @Option(help: "A label naming who holds the token; it appears in the audit trail.") var label: String

        func validate() throws {
            guard [isOperator, org != nil, isClientReader, isMetricsReader].filter({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --operator, --org ID, --clients or --metrics")
            }
        }

        var role: APIToken.Role {
            isOperator ? .operator : isClientReader ? .clients : isMetricsReader ? .metrics : .organisation
        }

        func run() async throws {
            try await withStore(store) { store in
                let issued = try await APITokens(store: store).create(
                    role: role, organisationID: org, label: label, by: .cli)
                if output.json {
                    var shown = [
                        "token": issued.secret, "id": issued.token.id, "role": issued.token.role.rawValue, "label": issued.token.label,
                    ]
                    shown["organisationId"] = issued.token.organisationID
                    try Output.json(shown)
                } else {
                    print(issued.secret)
                }
            }
        }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The directory's signing keys: list, rotate, retire.",
        subcommands: [List.self, Rotate.self, Retire.self])

    struct Summary: Encodable {
        var kid: String
        var algorithm: String
        var state: String
        var createdAt: Date
        var activatedAt: Date?
        var retiredAt: Date?

        init(_ key: DirectorySigningKey) {
            kid = key.id
            algorithm = key.algorithm.rawValue
            state = key.state.rawValue
            createdAt = key.createdAt
            activatedAt = key.activatedAt
            retiredAt = key.retiredAt
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List signing keys and their states.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let encryptionKey = try store.requireEncryptionKey()
            try await withStore(store) { store in
                let keys = try await DirectoryKeyring(store: store, encryptionKey: encryptionKey).keys().map { Summary($0.record) }
                if output.json { return try Output.json(keys) }
                Output.table(
                    ["KID", "ALG", "STATE", "CREATED"], keys.map { [$0.kid, $0.algorithm, $0.state, Timestamp.format($0.createdAt)] })
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Promote the next key to current, retire the current one, and create a new next key.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Algorithm of the new next key: PS256 or ES256.") var algorithm: String = "PS256"

        func run() async throws {
            guard let signing = SigningAlgorithm(rawValue: algorithm.uppercased()) else {
                throw fail(CLIError("the algorithm must be PS256 or ES256"))
            }
            let encryptionKey = try store.requireEncryptionKey()
            try await withStore(store) { store in
                let rotated = try await DirectoryKeyring(store: store, encryptionKey: encryptionKey).rotate(algorithm: signing, by: .cli)
                if output.json { return try Output.json([Summary(rotated.current), Summary(rotated.next)]) }
                print("current: \(rotated.current.id)\nnext:    \(rotated.next.id)")
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop publishing a retired (or unused next) key.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Key id.") var kid: String

        func run() async throws {
            let encryptionKey = try store.requireEncryptionKey()
            try await withStore(store) { store in
                let removed = try await DirectoryKeyring(store: store, encryptionKey: encryptionKey).retire(kid: kid, by: .cli)
                print("\(removed.id) is no longer published")
            }
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read the audit trail, oldest first (or newest first with --newest).",
        discussion: """
            Examples:
              registrar audit --newest --limit 20
              registrar audit --action organisation. --since 2026-12-01T00:00:00Z
              registrar audit --organisation ORGANISATION_ID --json
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Newest first.") var newest = false
    @Option(help: "Only events after this event id (the next page, oldest first).") var after: Int64?
    @Option(help: "Only events before this event id (the next page, newest first).") var before: Int64?
    @Option(help: "Only events about this record id (an organisation, software statement, key…).") var subject: String?
    @Option(help: "Only events about this organisation and everything it and its software own.") var organisation: String?
    @Option(help: "Only events about records of this kind: organisations, software_statements, participant_keys…")
    var subjectType: String?
    @Option(help: "Only changes by this actor, as shown in the ACTOR column.") var actor: String?
    @Option(help: "Only this action (organisation.create), or a kind ending in a dot (organisation.).") var action: String?
    @Option(help: "Only events at or after this RFC 3339 time.") var since: String?
    @Option(help: "Only events before this RFC 3339 time.") var until: String?
    @Option(help: "At most this many events (1-1000).") var limit: Int = 100

    func query() throws -> AuditQuery {
        var query = AuditQuery(after: after, limit: limit)
        query.before = before
        query.newestFirst = newest
        (query.subjectID, query.subjectType, query.actor, query.action) = (subject, subjectType, actor, action)
        for (text, name, path) in [(since, "--since", \AuditQuery.since), (until, "--until", \AuditQuery.until)] {
            guard let text else { continue }
            guard let date = Timestamp.parse(text) else { throw CLIError("\(name) must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z") }
            query[keyPath: path] = date
        }
        return query
    }

    func run() async throws {
        let query = try failingWithOneLine { try self.query() }
        try await withStore(store) { store in
            let trail = AuditTrail(store: store)
            var query = query
            if let organisation { query.subjectIDs = try await trail.recordIDs(ofOrganisation: organisation) }
            let events = try await trail.events(matching: query, for: .cli)
            if output.json { return try Output.json(events.map { AuditEventView($0) }) }
            Output.table(
                ["ID", "AT", "ACTOR", "ACTION", "SUBJECT"],
                events.map {
                    [String($0.id), Timestamp.format($0.at), $0.actor, $0.action, "\($0.subjectType)/\($0.subjectID)"]
                })
            if events.count == query.boundedLimit, let last = events.last {
                FileHandle.standardError.write(
                    Data("more events: run again with \(newest ? "--before" : "--after") \(last.id)\n".utf8))
            }
        }
    }
}
