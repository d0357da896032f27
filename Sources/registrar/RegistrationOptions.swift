import ArgumentParser
import Foundation
import RegistrarServer
import Registration

/// How the registration role (`POST /register`) runs: its profile, which directories it trusts, and
/// where it may fetch their keys and status lists from.
struct RegistrationOptions: ParsableArguments {
    @Option(
        help:
            "Registration profile: fapi-obie, cdr or ofb; by default the one matching --profile (env REGISTRAR_REGISTRATION_PROFILE)."
    ) var registrationProfile: String?
    @Option(
        help: ArgumentHelp(
            "Another directory whose SSAs /register accepts, as ISSUER=JWKS_URL[,STATUS_URL] (repeatable; env REGISTRAR_TRUST_SSA_ISSUERS, separated by ';').",
            valueName: "issuer=jwks-url[,status-url]")
    ) var trustSSAIssuer: [String] = []
    @Option(
        help:
            "A host fetches may reach besides the trusted directories' own (repeatable; env REGISTRAR_FETCH_ALLOW_HOSTS, comma-separated)."
    ) var fetchAllowHost: [String] = []
    @Flag(
        help:
            "Let fetches reach loopback and private addresses: for tests and closed networks only (env REGISTRAR_FETCH_ALLOW_PRIVATE_ADDRESSES=1)."
    ) var fetchAllowPrivateAddresses = false
    @Option(help: "PEM file of extra CA certificates trusted for fetches (env REGISTRAR_FETCH_CA_FILE).") var fetchCAFile: String?
    @Flag(help: "Issue a new registration access token on every RFC 7592 update (env REGISTRAR_ROTATE_REGISTRATION_TOKENS=1).")
    var rotateRegistrationTokens = false
    @Option(
        help: ArgumentHelp(
            "Registration access tokens stop working this many seconds after issue; never by default (env REGISTRAR_REGISTRATION_TOKEN_LIFETIME).",
            valueName: "seconds")
    ) var registrationTokenLifetime: Int?

    func apply(to configuration: inout ServerConfiguration, environment: [String: String]) throws {
        if let name = registrationProfile ?? environment["REGISTRAR_REGISTRATION_PROFILE"] {
            guard let value = RegistrationProfile.Name(rawValue: name.lowercased()) else {
                throw CLIError(
                    "the registration profile must be one of \(RegistrationProfile.Name.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuration.registrationProfile = value
        }
        let issuers = trustSSAIssuer.isEmpty ? Self.list(environment["REGISTRAR_TRUST_SSA_ISSUERS"], separator: ";") : trustSSAIssuer
        do { configuration.remoteDirectories = try issuers.map(RemoteDirectory.parse) } catch { throw CLIError("\(error)") }
        let hosts = fetchAllowHost.isEmpty ? Self.list(environment["REGISTRAR_FETCH_ALLOW_HOSTS"], separator: ",") : fetchAllowHost
        configuration.extraFetchHosts = Set(hosts.map { $0.lowercased() })
        configuration.fetchNonPublicAddresses = fetchAllowPrivateAddresses || environment["REGISTRAR_FETCH_ALLOW_PRIVATE_ADDRESSES"] == "1"
        configuration.fetchTrustRootsFile = fetchCAFile ?? environment["REGISTRAR_FETCH_CA_FILE"]
        if let file = configuration.fetchTrustRootsFile, !FileManager.default.isReadableFile(atPath: file) {
            throw CLIError("cannot read the fetch CA file \(file)")
        }
        configuration.rotateRegistrationTokens = rotateRegistrationTokens || environment["REGISTRAR_ROTATE_REGISTRATION_TOKENS"] == "1"
        if let text = registrationTokenLifetime.map(String.init) ?? environment["REGISTRAR_REGISTRATION_TOKEN_LIFETIME"] {
            guard let seconds = Int(text), seconds > 0 else {
                throw CLIError("the registration token lifetime must be a positive number of seconds, not \(text.prefix(40))")
            }
            configuration.registrationTokenLifetime = TimeInterval(seconds)
        }
    }

    static func list(_ text: String?, separator: Character) -> [String] {
        (text ?? "").split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
