import ArgumentParser
import Directory
import Foundation

/// `registrar people`: the people who sign in to the console. The first staff administrator of a new
/// directory is invited from here; everyone after that can be invited from the console too.
struct PeopleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people", abstract: "Invite, list, disable and enable the people who sign in to the console.",
        subcommands: [Invite.self, List.self, Invitations.self, Disable.self, Enable.self, Leave.self])

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite someone as directory staff (--staff ROLE) or into an organisation (--org ID --role ROLE).",
            discussion: """
                Prints the invitation link once (only its hash is kept); it works once, for 72 hours. Example:
                  registrar people invite --email ana@directory.example --staff Administrator
                  registrar people invite --email ben@bank.example --org 0190… --role Administrator
                Staff roles: \(StaffRole.allCases.map(\.rawValue).joined(separator: ", ")). \
                Organisation roles: \(OrganisationRole.allCases.map(\.rawValue).joined(separator: ", ")).
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The person's e-mail address: their sign-in name.") var email: String
        @Option(help: "A staff role: Administrator, Operator or Auditor.") var staff: String?
        @Option(help: "The organisation to join.") var org: String?
        @Option(help: "The role in that organisation: Administrator, TechnicalContact, BusinessContact or ReadOnly.") var role: String?
        @Option(help: "The directory's public URL, for the link (default: the one kept with the data).") var publicURL: String?

        func validate() throws {
            guard (staff != nil) != (org != nil), (org != nil) == (role != nil) else {
                throw ValidationError("give either --staff ROLE, or --org ID with --role ROLE")
            }
        }

        func run() async throws {
            try await withStore(store) { directory in
                let people = People(store: directory, encryptionKey: try self.store.requireEncryptionKey())
                let invited =
                    if let staff {
                        try await people.invite(email: email, staffRole: try InputRules.choice(staff, field: "staff"), by: .cli)
                    } else {
                        try await people.invite(
                            email: email, to: Membership(organisationID: org ?? "", role: try InputRules.choice(role ?? "", field: "role")),
                            by: .cli)
                    }
                try await printInvitation(invited, publicURL: publicURL, store: directory, output: output)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List everyone who signs in: id, e-mail, name, staff role, memberships, status.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only the members of this organisation.") var org: String?

        func run() async throws {
            try await withStore(store) { directory in
                let people = try await People(store: directory, encryptionKey: try self.store.requireEncryptionKey()).people(
                    inOrganisation: org, for: .cli)
                if output.json { return try Output.json(people) }
                Output.table(
                    ["ID", "EMAIL", "NAME", "STAFF", "MEMBERSHIPS", "STATUS"],
                    people.map {
                        [
                            $0.id, $0.email, $0.name, $0.staffRole?.rawValue ?? "-",
                            $0.memberships.map { "\($0.organisationID):\($0.role.rawValue)" }.joined(separator: " "), $0.status.rawValue,
                        ]
                    })
            }
        }
    }

    struct Invitations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the invitations not yet accepted, newest first.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withStore(store) { directory in
                let invitations = try await People(store: directory, encryptionKey: try self.store.requireEncryptionKey()).invitations(
                    for: .cli)
                if output.json { return try Output.json(invitations) }
                Output.table(
                    ["ID", "EMAIL", "FOR", "EXPIRES"],
                    invitations.map { [String($0.id.prefix(16)), $0.email, $0.grants, Timestamp.format($0.expiresAt)] })
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a person: they cannot sign in, and every session of theirs ends.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The person's id (from `people list`).") var id: String

        func run() async throws { try await setStatus(.disabled, of: id, store: store) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled person again.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The person's id (from `people list`).") var id: String

        func run() async throws { try await setStatus(.active, of: id, store: store) }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-membership", abstract: "Take a person out of an organisation; their sessions end.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The person's id.") var id: String
        @Option(help: "The organisation.") var org: String

        func run() async throws {
            try await withStore(store) { directory in
                let person = try await People(store: directory, encryptionKey: try self.store.requireEncryptionKey()).removeMembership(
                    of: id, from: org, by: .cli)
                print("\(person.email) is no longer a member of \(org)")
            }
        }
    }
}

private func setStatus(_ status: Person.Status, of id: String, store options: StoreOptions) async throws {
    try await withStore(options) { directory in
        let person = try await People(store: directory, encryptionKey: try options.requireEncryptionKey()).setStatus(
            of: id, to: status, by: .cli)
        print("\(person.email) is \(person.status.rawValue)")
    }
}

/// The link an invitation is accepted at, printed once (or as JSON with the invitation's id and expiry).
func printInvitation(
    _ invited: (invitation: Invitation, secret: String), publicURL: String?, store: any DirectoryStore, output: OutputOptions,
    extra: [String: String] = [:]
) async throws {
    let kept = try await DirectorySettings.read(from: store)?.publicURL
    let base = publicURL ?? kept ?? "http://localhost:8080"
    let link = "\(base)/console/join?invitation=\(invited.secret)"
    if output.json {
        try Output.json(
            extra.merging([
                "link": link, "id": invited.invitation.id, "email": invited.invitation.email,
                "expiresAt": Timestamp.format(invited.invitation.expiresAt),
            ]) { $1 })
    } else {
        print(link)
    }
}
