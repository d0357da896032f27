import ArgumentParser
import Directory
import Foundation

struct OrganisationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Create, onboard, change, list, show organisations and change their status.",
        subcommands: [Create.self, Apply.self, Update.self, List.self, Show.self, SetStatus.self, AddKey.self, RevokeKey.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organisation (Active, or Pending with --pending: an application to complete).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Legal name.") var name: String
        @Option(help: "ISO 3166-1 alpha-2 country code, e.g. GB.") var country: String
        @OptionGroup(title: "Details") var details: OrganisationDetailsOptions
        @Flag(help: "Create it Pending: not published until approved (set-status Active).") var pending = false

        func run() async throws {
            try await withStore(store) { store in
                var input = try details.input(name: name, country: country)
                input.status = pending ? .pending : nil
                let organisation = try await profiledDirectory(store).createOrganisation(input, by: .cli)
                if output.json { try Output.json(organisation) } else { print(organisation.id) }
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open an application: a Pending organisation and an invitation for its first administrator.",
            discussion: """
                Prints the organisation's id, then the invitation link once. The applicant joins, completes the \
                organisation's data in the console, and staff approve it (set-status ID Active) or reject it \
                (set-status ID Rejected --reason "…").
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The organisation's name as known today (the applicant may correct it).") var name: String
        @Option(help: "ISO 3166-1 alpha-2 country code, e.g. GB.") var country: String
        @Option(help: "The applicant's e-mail address.") var applicant: String
        @Option(help: "The directory's public URL, for the link (default: the one kept with the data).") var publicURL: String?

        func run() async throws {
            try await withStore(store) { store in
                let people = People(store: store, encryptionKey: try self.store.requireEncryptionKey())
                let opened = try await Onboarding(directory: try await profiledDirectory(store), people: people).open(
                    legalName: name, country: country, applicant: applicant, by: .cli)
                if !output.json { print(opened.organisation.id) }
                try await printInvitation(
                    (opened.invitation, opened.secret), publicURL: publicURL, store: store, output: output,
                    extra: ["organisationId": opened.organisation.id])
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Change an organisation's data: the options given replace what is recorded (all claims, all contacts), the rest stays.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Organisation id.") var id: String
        @Option(help: "Legal name.") var name: String?
        @Option(help: "ISO 3166-1 alpha-2 country code, e.g. GB.") var country: String?
        @OptionGroup(title: "Details") var details: OrganisationDetailsOptions

        func run() async throws {
            try await withStore(store) { store in
                let directory = try await profiledDirectory(store)
                let current = try await directory.organisation(id)
                let updated = try await directory.updateOrganisation(
                    id, try details.input(name: name ?? current.legalName, country: country ?? current.country, over: current), by: .cli)
                if output.json { try Output.json(updated) } else { print("\(updated.id) updated") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withStore(store) { store in
                let organisations = try await ParticipantDirectory(store: store).organisations()
                if output.json { return try Output.json(organisations) }
                Output.table(
                    ["ID", "STATUS", "COUNTRY", "NAME"], organisations.map { [$0.id, $0.status.rawValue, $0.country, $0.legalName] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one organisation as JSON.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Organisation id.") var id: String

        func run() async throws {
            try await withStore(store) { store in try Output.json(try await ParticipantDirectory(store: store).organisation(id)) }
        }
    }

    struct SetStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Change an organisation's status (Active, Suspended, Revoked, Surrendered; an application's Active or Rejected); its software follows."
        )
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Organisation id.") var id: String
        @Argument(help: "New status.") var status: String
        @Option(help: "Why (required for Rejected: the applicant is shown it).") var reason: String?

        func run() async throws {
            try await withStore(store) { store in
                let next: OrganisationStatus = try InputRules.choice(status.capitalized, field: "status")
                let organisation = try await ParticipantDirectory(store: store).setOrganisationStatus(
                    id, to: next, reason: reason, by: .cli)
                if output.json { try Output.json(organisation) } else { print("\(organisation.id) is now \(organisation.status.rawValue)") }
            }
        }
    }
}

struct AuthorisationServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "as", abstract: "Register, change and list banks' authorisation servers.",
        subcommands: [Create.self, Update.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an authorisation server for an organisation.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Organisation id.") var org: String
        @Option(help: "Issuer URL.") var issuer: String
        @Option(help: "OpenID discovery document URL; defaults to ISSUER/.well-known/openid-configuration.") var discovery: String?
        @Option(help: "Customer-facing name.") var name: String
        @Option(help: "Customer-facing logo URL.") var logo: String?
        @Option(help: "Customer-facing description.") var description: String?
        @Option(help: "Developer portal URL.") var developerPortal: String?
        @Option(help: "Terms of service URL.") var terms: String?
        @Flag(inversion: .prefixedNo, help: "Supports dynamic client registration.") var dcr = true
        @Flag(help: "Supports CIBA.") var ciba = false
        @Option(help: "API resource FAMILY@VERSION=DISCOVERY-URL (repeatable).") var api: [String] = []

        func run() async throws {
            try await withStore(store) { store in
                let resources = try api.map { text -> NewAPIResource in
                    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                    let head = parts[0].split(separator: "@", maxSplits: 1).map(String.init)
                    guard head.count == 2 else { throw CLIError("--api must look like payments@3.1.11=https://api.bank.example/pisp") }
                    return NewAPIResource(
                        apiFamilyType: head[0], apiVersion: head[1], apiDiscoveryEndpoints: parts.count == 2 ? [parts[1]] : [])
                }
                let trimmedIssuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
                let server = try await ParticipantDirectory(store: store).createAuthorisationServer(
                    in: org,
                    NewAuthorisationServer(
                        issuer: issuer, openIDDiscoveryDocument: discovery ?? "\(trimmedIssuer)/.well-known/openid-configuration",
                        customerFriendlyName: name, customerFriendlyLogoUri: logo, customerFriendlyDescription: description,
                        developerPortalUri: developerPortal, termsOfServiceUri: terms, supportsDcr: dcr, supportsCIBA: ciba,
                        apiResources: resources),
                    by: .cli)
                if output.json { try Output.json(server) } else { print(server.id) }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Replace an authorisation server's details and API resources with a JSON document (the body of PUT …/authorisation-servers/ID).",
            discussion: """
                Start from `registrar as list --org ORG --json`, edit, and give the server's part. An API resource \
                of the same family and version keeps its id; certification is set per resource with \
                certificationStatus, apiCertificationUri, certificationStartDate and certificationExpirationDate.
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Authorisation server id.") var id: String
        @Option(help: "Organisation id.") var org: String
        @Option(help: "JSON file with the server's details and resources (- for standard input).") var file: String

        func run() async throws {
            let data =
                file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(filePath: file))
            let input: NewAuthorisationServer
            do { input = try RecordCoding.decoder.decode(NewAuthorisationServer.self, from: data) } catch {
                throw CLIError("\(file) is not an authorisation server's JSON: \(error)")
            }
            try await withStore(store) { store in
                let server = try await ParticipantDirectory(store: store).updateAuthorisationServer(id, in: org, input, by: .cli)
                if output.json { try Output.json(server) } else { print("\(server.id) updated") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List authorisation servers.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this organisation's servers.") var org: String?

        func run() async throws {
            try await withStore(store) { store in
                let servers = try await ParticipantDirectory(store: store).authorisationServers(in: org)
                if output.json { return try Output.json(servers) }
                Output.table(
                    ["ID", "ORGANISATION", "ISSUER", "NAME"],
                    servers.map { [$0.id, $0.organisationID, $0.issuer, $0.customerFriendlyName] })
            }
        }
    }
}

/// The directory with this data's ecosystem profile, so that role names are checked.
private func profiledDirectory(_ store: any DirectoryStore) async throws -> ParticipantDirectory {
    ParticipantDirectory(store: store, profile: try await DirectoryIdentityOptions.parse([]).configuration(in: store).profile)
}

/// An organisation's data as command-line options, for `create` and `update` alike.
struct OrganisationDetailsOptions: ParsableArguments {
    @Option(help: "Company registration number.") var registrationNumber: String?
    @Option(help: "Authority claim AUTHORITY:REGISTRATION-ID:ROLE[,ROLE…], e.g. FCA:123456:AISP,PISP (repeatable).")
    var authority: [String] = []
    @Option(help: "Contact TYPE:NAME:EMAIL (repeatable).") var contact: [String] = []

    /// The data given, each over what `current` records (nothing, at creation).
    func input(name: String, country: String, over current: Organisation? = nil) throws -> NewOrganisation {
        NewOrganisation(
            legalName: name, registrationNumber: registrationNumber ?? current?.registrationNumber, country: country,
            contacts: contact.isEmpty ? current?.contacts ?? [] : try contact.map(Self.contact),
            authorityClaims: authority.isEmpty ? current?.authorityClaims ?? [] : try authority.map(Self.claim))
    }

    static func claim(_ text: String) throws -> AuthorityClaim {
        let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, !parts[2].isEmpty else { throw CLIError("--authority must look like FCA:123456:AISP,PISP") }
        return AuthorityClaim(
            authority: parts[0], registrationID: parts[1], roles: parts[2].split(separator: ",").map { RoleGrant(role: String($0)) })
    }

    static func contact(_ text: String) throws -> Contact {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw CLIError("--contact must look like Technical:Jane Doe:jane@example.com") }
        return Contact(type: parts[0], name: parts[1].isEmpty ? nil : parts[1], email: parts[2].isEmpty ? nil : parts[2])
    }
}
