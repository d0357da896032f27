import Directory

/// The versioned migrations, written once per dialect side by side so both back ends stay equal in
/// intent. Every record collection is one table of the same shape; the record itself is the JSON body.
enum Schema {
    struct Migration {
        let name: String
        let sqlite: [String]
        let postgres: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            name: "0001-directory",
            sqlite: [
                RecordCollection.organisations, .softwareStatements, .authorisationServers, .participantKeys, .signingKeys, .apiTokens,
            ]
            .flatMap(sqliteTable) + [
                """
                CREATE TABLE audit_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject_type TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    before TEXT,
                    after TEXT,
                    revision INTEGER NOT NULL
                )
                """,
                "CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id)",
                "CREATE TABLE directory_revision (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), value INTEGER NOT NULL)",
                "INSERT INTO directory_revision (singleton, value) VALUES (1, 0)",
            ],
            postgres: [
                RecordCollection.organisations, .softwareStatements, .authorisationServers, .participantKeys, .signingKeys, .apiTokens,
            ]
            .flatMap(postgresTable) + [
                """
                CREATE TABLE audit_events (
                    id BIGSERIAL PRIMARY KEY,
                    at TIMESTAMPTZ NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject_type TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    before JSONB,
                    after JSONB,
                    revision BIGINT NOT NULL
                )
                """,
                "CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id)",
                "CREATE TABLE directory_revision (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), value BIGINT NOT NULL)",
                "INSERT INTO directory_revision (singleton, value) VALUES (1, 0)",
            ]
        ),
        Migration(
            name: "0002-pki",
            sqlite: [RecordCollection.certificateAuthorities, .certificates, .trustAnchors].flatMap(sqliteTable),
            postgres: [RecordCollection.certificateAuthorities, .certificates, .trustAnchors].flatMap(postgresTable)
        ),
        Migration(name: "0003-trusted-lists", sqlite: sqliteTable(.trustedLists), postgres: postgresTable(.trustedLists)),
        // One-time values seen (client assertion and request JWT `jti`s), kept until they expire.
        Migration(
            name: "0004-used-values",
            sqlite: [
                "CREATE TABLE used_values (value TEXT PRIMARY KEY NOT NULL, expires_at REAL NOT NULL) STRICT",
                "CREATE INDEX used_values_expiry ON used_values (expires_at)",
            ],
            postgres: [
                "CREATE TABLE used_values (value TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL)",
                "CREATE INDEX used_values_expiry ON used_values (expires_at)",
            ]
        ),
        Migration(
            name: "0005-registered-clients",
            sqlite: registrationTables(["registered_clients", "registration_tokens"]).flatMap(sqliteTable),
            postgres: registrationTables(["registered_clients", "registration_tokens"]).flatMap(postgresTable)
        ),
        // The clients change feed reads one subject type's events after a cursor.
        Migration(
            name: "0006-audit-by-type",
            sqlite: ["CREATE INDEX audit_events_type_id ON audit_events (subject_type, id)"],
            postgres: ["CREATE INDEX audit_events_type_id ON audit_events (subject_type, id)"]
        ),
        // Registered clients move their own revision, not the directory's (RevisionLedger).
        Migration(
            name: "0007-registration-revision",
            sqlite: [
                "CREATE TABLE registration_revision (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), value INTEGER NOT NULL)",
                "INSERT INTO registration_revision (singleton, value) VALUES (1, 0)",
            ],
            postgres: [
                "CREATE TABLE registration_revision (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), value BIGINT NOT NULL)",
                "INSERT INTO registration_revision (singleton, value) VALUES (1, 0)",
            ]
        ),
        // One registration per software (Brasil, CDR), enforced by the store's unique key.
        Migration(
            name: "0008-software-registrations", sqlite: registrationTables(["software_registrations"]).flatMap(sqliteTable),
            postgres: registrationTables(["software_registrations"]).flatMap(postgresTable)),
        // The public URL, profile and SSA issuer, kept with the data (DirectorySettings).
        Migration(
            name: "0009-directory-settings", sqlite: sqliteTable(.directorySettings), postgres: postgresTable(.directorySettings)),
        // People who sign in to the console, on a ledger of their own (RevisionLedger.people).
        Migration(
            name: "0010-people",
            sqlite: [RecordCollection.people, .personCredentials, .emailAddresses, .invitations, .signInSessions].flatMap(sqliteTable) + [
                "CREATE TABLE people_revision (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), value INTEGER NOT NULL)",
                "INSERT INTO people_revision (singleton, value) VALUES (1, 0)",
            ],
            postgres: [RecordCollection.people, .personCredentials, .emailAddresses, .invitations, .signInSessions].flatMap(postgresTable)
                + [
                    "CREATE TABLE people_revision (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), value BIGINT NOT NULL)",
                    "INSERT INTO people_revision (singleton, value) VALUES (1, 0)",
                ]
        ),
    ]

    /// A migration, once released, never changes; a new collection gets its table in a new migration.
    /// The registration role's tables by name: Storage does not know that module, and a migration is a
    /// fixed fact of history (the names are `Registration`'s `RecordCollection`s).
    private static func registrationTables(_ names: [String]) -> [RecordCollection] {
        names.map { RecordCollection($0, ledger: .registration) }
    }

    private static func sqliteTable(_ collection: RecordCollection) -> [String] {
        [
            """
            CREATE TABLE \(collection.rawValue) (
                id TEXT PRIMARY KEY NOT NULL,
                owner_id TEXT,
                revision INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                body TEXT NOT NULL CHECK (json_valid(body))
            ) STRICT
            """,
            "CREATE INDEX \(collection.rawValue)_owner ON \(collection.rawValue) (owner_id, id)",
        ]
    }

    private static func postgresTable(_ collection: RecordCollection) -> [String] {
        [
            """
            CREATE TABLE \(collection.rawValue) (
                id TEXT PRIMARY KEY,
                owner_id TEXT,
                revision BIGINT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                body JSONB NOT NULL
            )
            """,
            "CREATE INDEX \(collection.rawValue)_owner ON \(collection.rawValue) (owner_id, id)",
        ]
    }
}
