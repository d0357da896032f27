import ChildProcess
import Directory
import Foundation
import Keys
import Testing

/// The `registrar` binary, run as an operator would.
@Suite struct CommandLineTests {
    func registrar(_ arguments: [String], data: URL) async throws -> Witness.Result {
        try await Witness.run(Witness.registrarBinary, arguments + ["--data", data.path])
    }

    @Test func administersADirectoryFromInitToSSA() async throws {
        let data = try TestStores.temporaryFolder()
        let initialised = try await registrar(["init"], data: data)
        #expect(initialised.status == 0, "\(initialised.errors)")
        #expect(initialised.output.contains("Operator token (shown once"))
        let kekMode = try FileManager.default.attributesOfItem(atPath: data.appending(path: "kek").path)[.posixPermissions] as? Int
        #expect(kekMode == 0o600)

        let organisation = try await registrar(
            ["org", "create", "--name", "CLI TPP", "--country", "GB", "--authority", "FCA:987654:AISP"], data: data)
        #expect(organisation.status == 0, "\(organisation.errors)")
        let organisationID = organisation.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(RecordIdentifier.isWellFormed(organisationID))

        let software = try await registrar(
            [
                "software", "create", "--org", organisationID, "--name", "CLI App", "--redirect-uri", "https://cli.example/cb", "--role",
                "AISP",
            ], data: data)
        let softwareID = software.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(RecordIdentifier.isWellFormed(softwareID), "\(software.errors)")
        #expect(software.errors.isEmpty, "nothing is missing for an SSA: \(software.errors)")
        // Roles the profile does not know are refused in one line, for organisations and software alike.
        for arguments in [
            ["org", "create", "--name", "Typo", "--country", "GB", "--authority", "FCA:1:AIPS"],
            ["software", "create", "--org", organisationID, "--name", "Typo", "--role", "AIPS"],
        ] {
            let refused = try await registrar(arguments, data: data)
            #expect(refused.status != 0 && refused.errors.contains("AIPS are not roles of the obie profile"), "\(refused.errors)")
            #expect(refused.errors.split(separator: "\n").count == 1)
        }
        let bare = try await registrar(["software", "create", "--org", organisationID, "--name", "Bare"], data: data)
        #expect(
            bare.status == 0
                && bare.errors == "note: before an SSA can be issued, the obie profile needs software redirect URIs, software roles\n",
            "\(bare.errors)")

        // An update changes what is given and keeps the rest.
        let updated = try await registrar(["software", "update", softwareID, "--name", "CLI App 2", "--json"], data: data)
        #expect(updated.status == 0, "\(updated.errors)")
        let changed = try RecordCoding.decoder.decode(SoftwareStatement.self, from: Data(updated.output.utf8))
        #expect(changed.clientName == "CLI App 2" && changed.roles == ["AISP"] && changed.redirectURIs == ["https://cli.example/cb"])
        let unauthorised = try await registrar(["software", "update", softwareID, "--role", "PISP"], data: data)
        #expect(unauthorised.status != 0 && unauthorised.errors.contains("not among the organisation's authorised roles"))

        let listed = try await registrar(["org", "list", "--json"], data: data)
        let organisations = try RecordCoding.decoder.decode([Organisation].self, from: Data(listed.output.utf8))
        #expect(organisations.map(\.legalName) == ["CLI TPP"])

        let ssa = try await registrar(["ssa", "issue", "--software", softwareID], data: data)
        #expect(ssa.status == 0, "\(ssa.errors)")
        #expect(ssa.output.split(separator: ".").count == 3)

        let keys = try await registrar(["keys", "rotate"], data: data)
        #expect(keys.status == 0 && keys.output.contains("current:"))
        let audit = try await registrar(["audit", "--json"], data: data)
        #expect(audit.output.contains("\"action\" : \"organisation.create\""))

        let tokens = try RecordCoding.decoder.decode(
            [APIToken].self, from: Data(try await registrar(["tokens", "list", "--json"], data: data).output.utf8))
        #expect(tokens.map(\.label) == ["first operator"])
        let revoked = try await registrar(["tokens", "revoke", tokens[0].id], data: data)
        #expect(revoked.output == "token first operator revoked\n")
        #expect(
            try await registrar(["tokens", "list", "--json"], data: data).output.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]"
        )

        let suspended = try await registrar(["org", "set-status", organisationID, "suspended"], data: data)
        #expect(suspended.output.contains("is now Suspended"))
        let refused = try await registrar(["ssa", "issue", "--software", softwareID], data: data)
        #expect(refused.status != 0)
        #expect(
            refused.errors
                == "registrar: error: organisation \(organisationID) is Suspended; SSAs are issued only for Active organisations\n")
    }

    @Test(arguments: [
        (
            ["org", "create", "--name", "X", "--country", "Britain"],
            "registrar: error: country must be an ISO 3166-1 alpha-2 code such as GB, AU or BR\n"
        ),
        (["org", "show", "nope"], "registrar: error: no organisation nope\n"),
        (
            ["org", "set-status", "00000000-0000-4000-8000-000000000000", "paused"],
            "registrar: error: status must be one of Active, Suspended, Revoked, Surrendered, Pending, Rejected\n"
        ),
        (
            ["software", "create", "--org", "00000000-0000-4000-8000-000000000000", "--name", "X"],
            "registrar: error: no organisation 00000000-0000-4000-8000-000000000000\n"
        ),
        (["keys", "retire", "missing"], "registrar: error: no directory signing key missing\n"),
        (["serve", "--tls-certificate", "server.pem"], "registrar: error: HTTPS needs both --tls-certificate and --tls-key\n"),
        (
            ["serve", "--client-certificates", "required"],
            "registrar: error: client certificates need HTTPS: give --tls-certificate and --tls-key\n"
        ),
        (
            ["serve", "--tls-certificate", "a.pem", "--tls-key", "a.key", "--client-certificates", "sometimes"],
            "registrar: error: client certificates must be none, optional or required, not sometimes\n"
        ),
    ])
    func badInputGetsOneClearLineAndAFailingExit(arguments: [String], message: String) async throws {
        let data = try TestStores.temporaryFolder()
        _ = try await registrar(["init"], data: data)
        let result = try await registrar(arguments, data: data)
        #expect(result.status == 1)
        #expect(result.errors == message)
        #expect(result.output.isEmpty)
    }

    @Test func anHTTPSListenerWhoseFilesDoNotLoadStopsWithOneLine() async throws {
        let data = try TestStores.temporaryFolder()
        _ = try await registrar(["init"], data: data)
        let missing = data.appending(path: "missing.pem").path
        let result = try await registrar(["serve", "--port", "0", "--tls-certificate", missing, "--tls-key", missing], data: data)
        #expect(result.status == 1)
        #expect(result.errors.hasPrefix("registrar: error: cannot read the TLS certificate chain \(missing)"), "\(result.errors)")
        #expect(result.errors.split(separator: "\n").count == 1)
    }

    @Test func unparseableCommandLinesGetOneLineToo() async throws {
        let data = try TestStores.temporaryFolder()
        let missing = try await registrar(["org", "create", "--country", "GB"], data: data)
        #expect(missing.status != 0)
        #expect(missing.errors == "registrar: error: Missing expected argument '--name <name>' (see --help)\n")
        let unknown = try await registrar(["org", "frobnicate"], data: data)
        #expect(unknown.status != 0 && unknown.errors.split(separator: "\n").count == 1)
        let both = try await registrar(["tokens", "create", "--operator", "--org", "x", "--label", "l"], data: data)
        #expect(both.errors == "registrar: error: give exactly one of --operator, --org ID, --clients or --metrics (see --help)\n")
        let issuer = try await registrar(["serve", "--trust-ssa-issuer", "OpenBanking Ltd"], data: data)
        #expect(
            issuer.status == 1
                && issuer.errors
                    == "registrar: error: a trusted SSA issuer is ISSUER=JWKS_URL[,STATUS_URL] with https URLs: OpenBanking Ltd\n"
        )
        let profile = try await registrar(["serve", "--registration-profile", "dcr-1.0"], data: data)
        #expect(profile.status == 1 && profile.errors == "registrar: error: the registration profile must be one of fapi-obie, cdr, ofb\n")
    }

    @Test func commandsThatNeedAKeyEncryptionKeySayHowToGetOne() async throws {
        let data = try TestStores.temporaryFolder()
        let result = try await registrar(["keys", "list"], data: data)
        #expect(result.status == 1)
        #expect(
            result.errors.hasPrefix("registrar: error: no key-encryption key at") && result.errors.contains("run `registrar init` first"))
    }

    @Test func commandsRefuseAFolderWithoutADirectoryAndCreateNothing() async throws {
        let data = try TestStores.temporaryFolder()
        for command in [["org", "list"], ["tokens", "list"], ["audit"]] {
            let result = try await registrar(command, data: data)
            #expect(result.status == 1 && result.output.isEmpty, "\(command): \(result.output)")
            #expect(
                result.errors.hasPrefix("registrar: error: no directory at ") && result.errors.contains("run `registrar init`")
                    && result.errors.split(separator: "\n").count == 1, "\(command): \(result.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: data.appending(path: "registrar.sqlite").path))
    }

    @Test func initRunsOnceAndTokensAreRevokedByTheIdTheirCreationShows() async throws {
        let data = try TestStores.temporaryFolder()
        #expect(try await registrar(["init"], data: data).output.contains("Operator token (shown once"))
        let again = try await registrar(["init"], data: data)
        #expect(
            again.status == 0 && again.output.contains("already initialised") && !again.output.contains("Operator token"), "\(again.output)"
        )
        let listed = try await registrar(["tokens", "list", "--json"], data: data)
        #expect(try RecordCoding.decoder.decode([APIToken].self, from: Data(listed.output.utf8)).count == 1, "a second init mints no token")

        let created = try await registrar(["tokens", "create", "--operator", "--label", "automation", "--json"], data: data)
        let shown = try #require(
            try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: String], "\(created.output)")
        let id = try #require(shown["id"])
        #expect(id == APIToken.hash(of: try #require(shown["token"])), "the id is the secret's SHA-256")
        let short = try await registrar(["tokens", "revoke", String(id.prefix(5))], data: data)
        #expect(short.status == 1 && short.errors.contains("first 8 or more"), "\(short.errors)")
        let revoked = try await registrar(["tokens", "revoke", String(id.prefix(10))], data: data)
        #expect(revoked.status == 0 && revoked.output == "token automation revoked\n", "\(revoked.errors)")
        let remaining = try await registrar(["tokens", "list", "--json"], data: data)
        #expect(try RecordCoding.decoder.decode([APIToken].self, from: Data(remaining.output.utf8)).map(\.label) == ["first operator"])
    }

    @Test func peopleAreInvitedListedAndDisabledFromTheCommandLine() async throws {
        let data = try TestStores.temporaryFolder()
        #expect(try await registrar(["init", "--public-url", "https://directory.example"], data: data).status == 0)
        let invited = try await registrar(["people", "invite", "--email", "Ana@Directory.example", "--staff", "Administrator"], data: data)
        #expect(invited.status == 0, "\(invited.errors)")
        #expect(invited.output.hasPrefix("https://directory.example/console/join?invitation=rgi_"), "\(invited.output)")
        let listed = try await registrar(["people", "invitations"], data: data)
        #expect(listed.output.contains("ana@directory.example") && listed.output.contains("directory staff (Administrator)"))
        for (arguments, words) in [
            (["people", "invite", "--email", "not-an-address", "--staff", "Administrator"], "email must be an address"),
            (["people", "invite", "--email", "a@b.example", "--staff", "King"], "staff"),
            (
                ["people", "invite", "--email", "a@b.example", "--org", "01900000-0000-7000-8000-000000000000", "--role", "ReadOnly"],
                "organisation"
            ),
            (["people", "disable", "01900000-0000-7000-8000-000000000000"], "no person"),
        ] {
            let refused = try await registrar(arguments, data: data)
            #expect(
                refused.status != 0 && refused.errors.hasPrefix("registrar: error:") && refused.errors.contains(words),
                "\(arguments): \(refused.errors)")
            #expect(refused.errors.split(separator: "\n").count == 1, "one line")
        }
    }

    @Test func anApplicationIsOpenedCompletedAndDecidedFromTheCommandLine() async throws {
        let data = try TestStores.temporaryFolder()
        #expect(try await registrar(["init", "--public-url", "https://directory.example"], data: data).status == 0)
        let opened = try await registrar(
            ["org", "apply", "--name", "Ben's Budgeting", "--country", "GB", "--applicant", "ben@tpp.example"], data: data)
        #expect(opened.status == 0, "\(opened.errors)")
        let lines = opened.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[1].hasPrefix("https://directory.example/console/join?invitation=rgi_"), "\(lines)")
        let id = try #require(lines.first)
        let listed = try await registrar(["org", "list"], data: data)
        #expect(listed.output.contains("\(id)  Pending"), "\(listed.output)")

        let completed = try await registrar(
            ["org", "update", id, "--registration-number", "09876543", "--authority", "FCA:812345:AISP,PISP", "--json"], data: data)
        #expect(completed.status == 0, "\(completed.errors)")
        let organisation = try RecordCoding.decoder.decode(Organisation.self, from: Data(completed.output.utf8))
        #expect(organisation.legalName == "Ben's Budgeting" && organisation.authorityClaims.first?.roles.count == 2)

        let reasonless = try await registrar(["org", "set-status", id, "Rejected"], data: data)
        #expect(reasonless.status != 0 && reasonless.errors.contains("a rejection needs a reason"), "\(reasonless.errors)")
        let rejected = try await registrar(
            ["org", "set-status", id, "Rejected", "--reason", "No authorisation found", "--json"], data: data)
        #expect(rejected.status == 0 && rejected.output.contains("\"statusReason\" : \"No authorisation found\""), "\(rejected.output)")
        let pending = try await registrar(["org", "create", "--name", "Later", "--country", "GB", "--pending"], data: data)
        let later = pending.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await registrar(["org", "set-status", later, "Active"], data: data).output.contains("is now Active"))
        // A server's resources and their certification change from a JSON document.
        let serverID = try await registrar(
            [
                "as", "create", "--org", later, "--issuer", "https://as.later.example", "--name", "Later AS", "--api",
                "payments@3.1.11=https://api.later.example/pisp",
            ], data: data
        ).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let document = try TestStores.temporaryFolder().appending(path: "server.json")
        try Data(
            #"{"issuer":"https://as.later.example","openIDDiscoveryDocument":"https://as.later.example/.well-known/openid-configuration","customerFriendlyName":"Later AS","apiResources":[{"apiFamilyType":"payments","apiVersion":"3.1.11","certificationStatus":"Certified","apiCertificationUri":"https://conformance.example/later.zip","certificationExpirationDate":"2027-12-31T00:00:00Z"}]}"#
                .utf8
        ).write(to: document)
        let updated = try await registrar(["as", "update", serverID, "--org", later, "--file", document.path, "--json"], data: data)
        #expect(
            updated.status == 0 && updated.output.contains("https://conformance.example/later.zip"), "\(updated.output)\(updated.errors)")
        let broken = try await registrar(["as", "update", serverID, "--org", later, "--file", "/dev/null"], data: data)
        #expect(broken.status != 0 && broken.errors.split(separator: "\n").count == 1, "\(broken.errors)")
    }

    @Test func everyCommandHasHelp() async throws {
        for command in [
            [], ["sandbox"], ["serve"], ["init"], ["org", "create"], ["org", "apply"], ["org", "update"], ["software", "update"],
            ["software", "set-status"], ["as", "create"], ["tokens", "create"],
            ["keys", "rotate"], ["ssa", "issue"], ["audit"],
        ] {
            let result = try await Witness.run(Witness.registrarBinary, command + ["--help"])
            #expect(result.status == 0 && result.output.contains("USAGE:"), "\(command)")
        }
    }
}

@Suite struct CommandLineKeyTests {
    @Test func keysAreAddedAndRevokedForOrganisationsAndSoftware() async throws {
        let data = try TestStores.temporaryFolder()
        func registrar(_ arguments: [String], input: Data? = nil) async throws -> Witness.Result {
            try await ChildProcess.run(Witness.registrarBinary, ["--data", data.path].inserted(before: "--", in: arguments), input: input)
        }
        _ = try await registrar(["init"])
        let organisation = try await registrar(["org", "create", "--name", "Keys Ltd", "--country", "GB"]).output.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let software = try await registrar(["software", "create", "--org", organisation, "--name", "App"]).output.trimmingCharacters(
            in: .whitespacesAndNewlines)
        for owner in [organisation, software] {
            let key = try SigningKey.generate(.ES256)
            let added = try await registrar(["org", "add-key", owner, "-"], input: try JOSEJSON.encoder.encode(key.publicJWK))
            #expect(added.status == 0 && added.output == "\(key.kid)\n", "\(added.errors)")
            // `--` ends the options: a thumbprint kid may begin with "-".
            let revoked = try await registrar(["software", "revoke-key", owner, "--reason", "superseded", "--", key.kid])
            #expect(revoked.output == "\(key.kid) revoked\n", "\(revoked.errors)")
            let again = try await registrar(["org", "revoke-key", owner, "--", key.kid])
            #expect(again.status == 1 && again.errors == "registrar: error: key \(key.kid) is already revoked\n")
        }
        let refused = try await registrar(["org", "add-key", organisation, "-"], input: Data(#"{"kty":"oct","k":"c2VjcmV0"}"#.utf8))
        #expect(refused.status == 1 && refused.errors == "registrar: error: symmetric (oct) keys are never published\n")
    }
}

extension Array where Element == String {
    /// Options go before a `--` terminator, or at the end when there is none.
    func inserted(before terminator: String, in arguments: [String]) -> [String] {
        guard let index = arguments.firstIndex(of: terminator) else { return arguments + self }
        return Array(arguments[..<index]) + self + Array(arguments[index...])
    }
}
