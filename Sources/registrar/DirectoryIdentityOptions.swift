import ArgumentParser
import Directory
import Foundation
import RegistrarServer

/// The directory's identity: the URL relying parties reach it at, its ecosystem profile, its SSA issuer.
/// Given to `init` or `serve` (flags or environment), kept with the directory's data
/// (`DirectorySettings`), and read back by every command that issues something, so that the URLs baked
/// into a certificate or an SSA are the deployment's, not `http://localhost:8080`.
struct DirectoryIdentityOptions: ParsableArguments {
    @Option(
        help:
            "URL clients reach this directory at; published links and issued certificates use it (env REGISTRAR_PUBLIC_URL; kept with the directory)."
    ) var publicURL: String?
    @Option(help: "Ecosystem profile: obie, cdr or ofb (env REGISTRAR_PROFILE; kept with the directory, default obie).") var profile:
        String?
    @Option(help: "The SSA `iss` claim; defaults to the public URL (env REGISTRAR_SSA_ISSUER; kept with the directory).")
    var ssaIssuer: String?

    /// What the command line and environment name (nil where neither does), checked.
    func given(at now: Date = Date()) throws -> DirectorySettings {
        let environment = ProcessInfo.processInfo.environment
        var settings = DirectorySettings(updatedAt: now)
        if let url = publicURL ?? environment["REGISTRAR_PUBLIC_URL"] {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), components.host != nil
            else { throw CLIError("the public URL must be an absolute http(s) URL") }
            settings.publicURL = url
        }
        if let name = profile ?? environment["REGISTRAR_PROFILE"] {
            guard let value = EcosystemProfile(rawValue: name.lowercased()) else {
                throw CLIError("profile must be obie, cdr or ofb, not \(name)")
            }
            settings.profile = value
        }
        settings.ssaIssuer = ssaIssuer ?? environment["REGISTRAR_SSA_ISSUER"]
        return settings
    }

    /// The identity in force: what is given now, else what the directory keeps; `defaultURL` when neither names a URL.
    func resolve(kept: DirectorySettings?, defaultURL: String, into configuration: inout ServerConfiguration) throws {
        let given = try given()
        configuration.publicURL = given.publicURL ?? kept?.publicURL ?? defaultURL
        configuration.profile = given.profile ?? kept?.profile ?? configuration.profile
        configuration.ssaIssuer = given.ssaIssuer ?? kept?.ssaIssuer
    }

    /// For commands that only read: the configuration as kept in `store`, with anything given on top.
    func configuration(in store: any DirectoryStore) async throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        try resolve(kept: try await DirectorySettings.read(from: store), defaultURL: configuration.publicURL, into: &configuration)
        return configuration
    }

    /// Keeps what was given now with the directory (a change is audited).
    func keep(in store: any DirectoryStore) async throws {
        try await DirectorySettings.keep(try given(), in: store, by: .cli)
    }
}
