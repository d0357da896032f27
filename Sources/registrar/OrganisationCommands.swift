import ArgumentParser
import Directory
import Foundation

struct OrganisationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Create, list, show organisations and change their status.",
        subcommands: [Create.self, List.self, Show.self, SetStatus.self, AddKey.self, RevokeKey.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation (Active).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Legal name.") var name: String
        @Option(help: "ISO 3166-1 alpha-2 country code, e.g. GB.") var country: String
        @Option(help: "Company registration number.") var registrationNumber: String?
        @Option(help: "Authority claim AUTHORITY:REGISTRATION-ID:ROLE[,ROLE…], e.g. FCA:123456:AISP,PISP (repeatable).")
        var authority: [String] = []
        @Option(help: "Contact TYPE:NAME:EMAIL (repeatable).") var contact: [String] = []

        func run() async throws {
            try await withStore(store) { store in
                let claims = try authority.map(parseAuthority)
                let contacts = try contact.map(parseContact)
                let profile = try await DirectoryIdentityOptions.parse([]).configuration(in: store).profile
                let organisation = try await ParticipantDirectory(store: store, profile: profile).createOrganisation(
                    NewOrganisation(
                        legalName: name, registrationNumber: registrationNumber, country: country, contacts: contacts,
                        authorityClaims: claims),
                    by: .cli)
                if output.json { try Output.json(organisation) } else { print(organisation.id) }
            }
        }

        func parseAuthority(_ text: String) throws -> AuthorityClaim {
            let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, !parts[2].isEmpty else { throw CLIError("--authority must look like FCA:123456:AISP,PISP") }
            return AuthorityClaim(
                authority: parts[0], registrationID: parts[1], roles: parts[2].split(separator: ",").map { RoleGrant(role: String($0)) })
        }

        func parseContact(_ text: String) throws -> Contact {
            let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { throw CLIError("--contact must look like Technical:Jane Doe:jane@example.com") }
            return Contact(type: parts[0], name: parts[1].isEmpty ? nil : parts[1], email: parts[2].isEmpty ? nil : parts[2])
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
            abstract: "Change an organisation's status (Active, Suspended, Revoked, Surrendered); its software follows.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Organisation id.") var id: String
        @Argument(help: "New status.") var status: String

        func run() async throws {
            try await withStore(store) { store in
                let next: OrganisationStatus = try InputRules.choice(status.capitalized, field: "status")
                let organisation = try await ParticipantDirectory(store: store).setOrganisationStatus(id, to: next, by: .cli)
                if output.json { try Output.json(organisation) } else { print("\(organisation.id) is now \(organisation.status.rawValue)") }
            }
        }
    }
}

struct AuthorisationServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "as", abstract: "Register and list banks' authorisation servers.", subcommands: [Create.self, List.self])

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
