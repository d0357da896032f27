import ArgumentParser
import Directory
import Foundation
import Keys
import RegistrarServer

struct SoftwareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "software", abstract: "Create, change, list, show software statements and change their status.",
        subcommands: [Create.self, Update.self, List.self, Show.self, SetStatus.self, AddKey.self, RevokeKey.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a software statement (Active) for an organisation.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup(title: "The directory (kept with its data)") var identity: DirectoryIdentityOptions
        @Option(help: "Organisation id.") var org: String
        @Option(help: "Client name.") var name: String
        @OptionGroup(title: "Details") var details: SoftwareDetailsOptions

        func run() async throws {
            try await withStore(store) { store in
                let profile = try await identity.configuration(in: store).profile
                let directory = ParticipantDirectory(store: store, profile: profile)
                let software = try await directory.createSoftware(in: org, try details.input(name: name), by: .cli)
                if output.json { try Output.json(software) } else { print(software.id) }
                // What the directory's profile still needs before an SSA can be issued, said now.
                let missing = profile.claimSet.missingData(software: software, organisation: try await directory.organisation(org))
                if !missing.isEmpty {
                    FileHandle.standardError.write(
                        Data(
                            "note: before an SSA can be issued, the \(profile.rawValue) profile needs \(missing.joined(separator: ", "))\n"
                                .utf8))
                }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a software statement's details: the options given replace what is recorded, the rest stays.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup(title: "The directory (kept with its data)") var identity: DirectoryIdentityOptions
        @Argument(help: "Software statement id.") var id: String
        @Option(help: "Client name.") var name: String?
        @OptionGroup(title: "Details") var details: SoftwareDetailsOptions

        func run() async throws {
            try await withStore(store) { store in
                let current = try await findSoftware(id, in: store)
                let directory = ParticipantDirectory(store: store, profile: try await identity.configuration(in: store).profile)
                let updated = try await directory.updateSoftware(
                    id, in: current.organisationID, try details.input(name: name, over: current), by: .cli)
                if output.json { try Output.json(updated) } else { print("\(updated.id) updated") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List software statements.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this organisation's software.") var org: String?

        func run() async throws {
            try await withStore(store) { store in
                let directory = ParticipantDirectory(store: store)
                let software =
                    if let org { try await directory.softwareStatements(in: org) } else { try await directory.allSoftwareStatements() }
                if output.json { return try Output.json(software) }
                Output.table(
                    ["ID", "ORGANISATION", "STATUS", "NAME"],
                    software.map { [$0.id, $0.organisationID, $0.status.rawValue, $0.clientName] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one software statement as JSON.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Software statement id.") var id: String

        func run() async throws {
            try await withStore(store) { store in try Output.json(try await findSoftware(id, in: store)) }
        }
    }

    struct SetStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a software statement's status (Active, Inactive, Removed).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Software statement id.") var id: String
        @Argument(help: "New status.") var status: String

        func run() async throws {
            try await withStore(store) { store in
                let next: SoftwareStatus = try InputRules.choice(status.capitalized, field: "status")
                let software = try await findSoftware(id, in: store)
                let updated = try await ParticipantDirectory(store: store).setSoftwareStatus(
                    id, in: software.organisationID, to: next, by: .cli)
                if output.json { try Output.json(updated) } else { print("\(updated.id) is now \(updated.status.rawValue)") }
            }
        }
    }
}

/// A software statement's details as command-line options, for `create` and `update` alike.
struct SoftwareDetailsOptions: ParsableArguments {
    @Option(help: "Description.") var description: String?
    @Option(help: "Version, kept as text.") var version: String?
    @Option(help: "Environment label, e.g. production or sandbox.") var environment: String?
    @Option(help: "Live or Test (default Live).") var mode: String?
    @Option(help: "Redirect URI (repeatable).") var redirectURI: [String] = []
    @Option(help: "Role, e.g. AISP (repeatable).") var role: [String] = []
    @Option(help: "Client URI.") var clientURI: String?
    @Option(help: "Logo URI.") var logoURI: String?
    @Option(help: "Terms of service URI.") var tosURI: String?
    @Option(help: "Policy URI.") var policyURI: String?
    @Option(help: "CDR revocation URI.") var revocationURI: String?
    @Option(help: "CDR recipient base URI.") var recipientBaseURI: String?

    /// The details given, each over what `current` records (nothing, at creation).
    func input(name: String?, over current: SoftwareStatement? = nil) throws -> NewSoftwareStatement {
        let softwareMode: SoftwareMode? = try mode.map {
            guard let parsed = SoftwareMode(rawValue: $0.capitalized) else { throw CLIError("mode must be Live or Test") }
            return parsed
        }
        return NewSoftwareStatement(
            clientName: name ?? current?.clientName ?? "", description: description ?? current?.description,
            version: version ?? current?.version, environment: environment ?? current?.environment,
            mode: softwareMode ?? current?.mode ?? .live, clientUri: clientURI ?? current?.clientURI, logoUri: logoURI ?? current?.logoURI,
            tosUri: tosURI ?? current?.termsOfServiceURI, policyUri: policyURI ?? current?.policyURI,
            redirectUris: redirectURI.isEmpty ? current?.redirectURIs ?? [] : redirectURI,
            revocationUri: revocationURI ?? current?.revocationURI, recipientBaseUri: recipientBaseURI ?? current?.recipientBaseURI,
            roles: role.isEmpty ? current?.roles ?? [] : role)
    }
}

/// Software ids are unique across organisations, so the CLI does not ask for the organisation.
func findSoftware(_ id: String, in store: any DirectoryStore) async throws -> SoftwareStatement {
    guard RecordIdentifier.isWellFormed(id), let software = try await store.record(SoftwareStatement.self, id: id)?.record else {
        throw DirectoryError.notFound("no software statement \(id)")
    }
    return software
}

struct SSACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssa", abstract: "Issue software statement assertions.", subcommands: [Issue.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an SSA for Active software and print the JWT.",
            discussion: """
                Signed with the directory's current key, in the profile and with the issuer kept with the directory
                (set with `registrar init` or `serve`). Example: registrar ssa issue --software SOFTWARE_ID > ssa.jwt
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup(title: "The directory (kept with its data)") var identity: DirectoryIdentityOptions
        @Option(help: "Software statement id.") var software: String

        func run() async throws {
            _ = try failingWithOneLine { try identity.given() }
            let encryptionKey = try store.requireEncryptionKey()
            try await withStore(store) { store in
                let configuration = try await identity.configuration(in: store)
                let statement = try await findSoftware(software, in: store)
                let directory = ParticipantDirectory(store: store)
                let keyring = DirectoryKeyring(store: store, encryptionKey: encryptionKey)
                let issuer = SSAIssuer(
                    directory: directory, settings: configuration.issuerSettings, signer: { try await keyring.currentSigner() })
                print(try await issuer.issue(softwareID: statement.id, organisationID: statement.organisationID, for: .cli))
            }
        }
    }
}
