import ArgumentParser
import Foundation
import Keys
import Registration

/// `registrar tpp …`: what a third-party provider's software sends the directory, signed with the
/// software's own key, so the registration flow can be tried against a sandbox from a shell.
struct ProviderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tpp",
        abstract: "Make what a provider's software sends: a client assertion for /token, a registration request for /register.",
        discussion: "Reads the software's key and id from the flags or from sandbox.env (TPP_SIGNING_KEY, TPP_SOFTWARE).",
        subcommands: [ClientAssertionCommand.self, RegistrationRequestCommand.self])
}

/// A variable from sandbox.env; set but empty counts as not set.
private func providerEnvironment(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}

struct ProviderKeyOption: ParsableArguments {
    @Option(help: "The software's private signing key, PKCS#8 PEM (env TPP_SIGNING_KEY).") var key: String?

    func signingKey() throws -> SigningKey {
        guard let path = key ?? providerEnvironment("TPP_SIGNING_KEY") else {
            throw CLIError("give the software's signing key with --key or TPP_SIGNING_KEY")
        }
        let pem: String
        do { pem = try String(contentsOfFile: path, encoding: .utf8) } catch { throw CLIError("cannot read \(path)") }
        do { return try SigningKey(pkcs8PEM: pem) } catch {
            throw CLIError("\(path) is not a PKCS#8 PEM RSA (2048 bits or more) or P-256 key")
        }
    }
}

struct ClientAssertionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-assertion",
        abstract: "Print a private_key_jwt client assertion (RFC 7523) for the directory's POST /token.",
        discussion: """
            Example: registrar tpp client-assertion --audience "$SANDBOX_MTLS_URL/token"
            Send it as client_assertion with client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer, \
            over mutual TLS with the software's transport certificate.
            """)

    @OptionGroup var key: ProviderKeyOption
    @Option(help: "The software id: iss and sub of the assertion (env TPP_SOFTWARE).") var software: String?
    @Option(help: "The token endpoint, or the directory's issuer: aud of the assertion.") var audience: String
    @Option(help: "Seconds the assertion is good for (at most 600).") var lifetime: Int = 60

    func run() throws {
        try failingWithOneLine {
            guard let software = software ?? providerEnvironment("TPP_SOFTWARE") else {
                throw CLIError("give the software id with --software or TPP_SOFTWARE")
            }
            guard (1...600).contains(lifetime) else { throw CLIError("the lifetime must be from 1 to 600 seconds") }
            let now = Int(Date().timeIntervalSince1970)
            let claims: [String: Any] = [
                "iss": software, "sub": software, "aud": audience, "iat": now, "exp": now + lifetime, "jti": UUID().uuidString,
            ]
            let payload = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
            print(try CompactJWS.signJWT(payload: payload, with: try key.signingKey()))
        }
    }
}

struct RegistrationRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registration-request",
        abstract: "Print the body of a POST /register for the software an SSA names (RFC 7591, the profile's form).",
        discussion: """
            fapi-obie and cdr: a request JWT signed with the software's key (send as application/jwt); \
            ofb: a JSON body (application/json). Example:
              registrar tpp registration-request --ssa ssa.jwt --audience "$SANDBOX_URL"
            """)

    @OptionGroup var key: ProviderKeyOption
    @Option(help: "File holding the SSA (the software statement assertion).") var ssa: String
    @Option(help: "The registration endpoint's issuer: aud of the request JWT.") var audience: String
    @Option(help: "fapi-obie, cdr or ofb (env TPP_REGISTRATION_PROFILE, default fapi-obie).") var profile: String?

    func run() throws {
        try failingWithOneLine {
            let name = profile ?? providerEnvironment("TPP_REGISTRATION_PROFILE") ?? "fapi-obie"
            guard let profile = RegistrationProfile.Name(rawValue: name) else {
                throw CLIError("the profile must be fapi-obie, cdr or ofb, not \(name)")
            }
            let assertion: String
            do { assertion = try String(contentsOfFile: ssa, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) } catch {
                throw CLIError("cannot read \(ssa)")
            }
            let request = try RegistrationRequestTemplate(profile: profile, ssa: assertion, audience: audience, now: Date())
            if request.isSignedRequest {
                print(try CompactJWS.signJWT(payload: try request.json(), with: try key.signingKey()))
            } else {
                print(String(decoding: try request.json(), as: UTF8.self))
            }
        }
    }
}
