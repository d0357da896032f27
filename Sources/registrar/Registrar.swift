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
            TokensCommand.self, KeysCommand.self, SSACommand.self, CertificateCommand.self, TrustCommand.self, AuditCommand.self,
            ClientsCommand.self, ProviderCommand.self, PeopleCommand.self,
        ])

    /// Like argument-parser's own `main`, but a command line it cannot parse gets one line on standard
    /// error (`registrar: error: …`), not a usage screen; `--help` still prints the full help.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            FileHandle.standardError.write(Data("registrar: error: \(message(for: error)) (see --help)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
