import ArgumentParser
import Foundation

@main
struct Registrar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registrar",
        abstract: "An open-banking ecosystem directory: participants, software statements, SSAs and keystores.",
        discussion: """
            Start a sandbox with `registrar sandbox`. Administer a directory with the commands below; they \
            work on the store directly (--data for SQLite, --database-url for PostgreSQL).
            """,
        subcommands: [
            Sandbox.self, Serve.self, Init.self, OrganisationCommand.self, SoftwareCommand.self, AuthorisationServerCommand.self,
            TokensCommand.self, KeysCommand.self, SSACommand.self, AuditCommand.self,
        ])
}
