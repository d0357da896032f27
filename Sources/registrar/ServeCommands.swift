import ArgumentParser
import Directory
import Foundation
import Keys
import Logging
import Mail
import RegistrarServer
import ServiceLifecycle
import Storage

struct ServeOptions: ParsableArguments {
    @Option(help: "Address to listen on (env REGISTRAR_HOST).") var host: String?
    @Option(help: "Port to listen on (env REGISTRAR_PORT).") var port: Int?
    @OptionGroup(title: "The directory (kept with its data)") var identity: DirectoryIdentityOptions
    @Option(help: "SSA lifetime in seconds (env REGISTRAR_SSA_LIFETIME, default 600).") var ssaLifetime: Int?
    @Option(help: "Lifetime of access tokens from POST /token, seconds (env REGISTRAR_ACCESS_TOKEN_LIFETIME, default 300).")
    var accessTokenLifetime: Int?
    @Option(help: "Algorithm of new directory signing keys: PS256 or ES256 (env REGISTRAR_SIGNING_ALGORITHM).") var signingAlgorithm:
        String?
    @Option(help: "Cache-Control max-age of public documents, seconds (env REGISTRAR_CACHE_MAX_AGE, default 60).") var cacheMaxAge: Int?
    @Option(
        help:
            "Addresses or CIDR ranges of TLS-terminating proxies whose RFC 9440 Client-Cert headers are believed, comma-separated (env REGISTRAR_TRUSTED_PROXIES)."
    ) var trustedProxies: String?
    @Option(help: "PEM certificate chain of the HTTPS listener, server certificate first (env REGISTRAR_TLS_CERTIFICATE); HTTP without it.")
    var tlsCertificate: String?
    @Option(help: "PEM private key of the HTTPS listener (env REGISTRAR_TLS_KEY).") var tlsKey: String?
    @Option(
        help:
            "Client certificates in the TLS handshake: none, optional or required (env REGISTRAR_CLIENT_CERTIFICATES, default optional); validated against the transport trust anchors."
    ) var clientCertificates: String?
    @Option(help: "Seconds a client has to send a request head (env REGISTRAR_REQUEST_HEAD_TIMEOUT, default 30).")
    var requestHeadTimeout: Int?
    @Option(help: "Longest pause in seconds between two reads of a request body (env REGISTRAR_REQUEST_BODY_TIMEOUT, default 30).")
    var requestBodyTimeout: Int?
    @Option(help: "Seconds an idle connection is kept open for its next request (env REGISTRAR_KEEP_ALIVE_TIMEOUT, default 75).")
    var keepAliveTimeout: Int?
    @Option(help: "Access log of routed requests: json, one object per line on standard output (env REGISTRAR_ACCESS_LOG; default none).")
    var accessLog: String?
    @Option(
        help: """
            SMTP server for invitations and certificate-expiry notices: smtp://host, smtp+starttls://user:password@host:587 \
            or smtps://user:password@host:465 (env REGISTRAR_SMTP_URL). Without it, invitation links are shown once.
            """)
    var smtpURL: String?
    @Option(help: "Address e-mail comes from (env REGISTRAR_SMTP_FROM; default registrar@ the public URL's host).")
    var smtpFrom: String?
    @Option(help: "PEM file of extra CA certificates trusted for the SMTP server (env REGISTRAR_SMTP_CA_FILE).")
    var smtpCAFile: String?
    @OptionGroup(title: "Registration (POST /register)") var registration: RegistrationOptions

    /// The configuration from flags and environment, with the identity the directory keeps (`kept`)
    /// where neither names it.
    func configuration(kept: DirectorySettings? = nil) throws -> ServerConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.host = host ?? environment["REGISTRAR_HOST"] ?? configuration.host
        configuration.port = try port ?? environment["REGISTRAR_PORT"].map { try integer($0, "REGISTRAR_PORT") } ?? configuration.port
        guard (0...65535).contains(configuration.port) else { throw CLIError("port must be from 0 to 65535") }
        configuration.tls = try tlsSettings(environment)
        let scheme = configuration.tls == nil ? "http" : "https"
        try identity.resolve(kept: kept, defaultURL: "\(scheme)://localhost:\(configuration.port)", into: &configuration)
        if let lifetime = try ssaLifetime ?? environment["REGISTRAR_SSA_LIFETIME"].map({ try integer($0, "REGISTRAR_SSA_LIFETIME") }) {
            guard (30...86_400).contains(lifetime) else { throw CLIError("the SSA lifetime must be from 30 to 86400 seconds") }
            configuration.ssaLifetime = TimeInterval(lifetime)
        }
        if let lifetime = try accessTokenLifetime
            ?? environment["REGISTRAR_ACCESS_TOKEN_LIFETIME"].map({ try integer($0, "REGISTRAR_ACCESS_TOKEN_LIFETIME") })
        {
            // Short by design: a stolen token is useless without the certificate's key, and a status
            // change reaches a live token anyway, since every request checks the software's status.
            guard (30...3600).contains(lifetime) else { throw CLIError("the access token lifetime must be from 30 to 3600 seconds") }
            configuration.accessTokenLifetime = TimeInterval(lifetime)
        }
        if let name = signingAlgorithm ?? environment["REGISTRAR_SIGNING_ALGORITHM"] {
            guard let value = SigningAlgorithm(rawValue: name.uppercased()) else {
                throw CLIError("the signing algorithm must be PS256 or ES256")
            }
            configuration.signingAlgorithm = value
        }
        if let maxAge = try cacheMaxAge ?? environment["REGISTRAR_CACHE_MAX_AGE"].map({ try integer($0, "REGISTRAR_CACHE_MAX_AGE") }) {
            guard (0...86_400).contains(maxAge) else { throw CLIError("the cache max-age must be from 0 to 86400 seconds") }
            configuration.cacheMaxAge = maxAge
        }
        if let proxies = trustedProxies ?? environment["REGISTRAR_TRUSTED_PROXIES"] {
            do { configuration.trustedProxies = try TrustedProxies(parsing: proxies) } catch { throw CLIError("trusted proxies: \(error)") }
        }
        switch accessLog ?? environment["REGISTRAR_ACCESS_LOG"] {
        case nil, "none": configuration.jsonAccessLog = false
        case "json": configuration.jsonAccessLog = true
        case let other?: throw CLIError("the access log must be json or none, not \(other)")
        }
        try applyTimeouts(to: &configuration, environment)
        try registration.apply(to: &configuration, environment: environment)
        if let url = smtpURL ?? environment["REGISTRAR_SMTP_URL"] {
            let host = URLComponents(string: configuration.publicURL)?.host ?? "localhost"
            do {
                configuration.mail = try MailSettings(
                    url: url, from: smtpFrom ?? environment["REGISTRAR_SMTP_FROM"] ?? "registrar@\(host)",
                    trustRootsFile: smtpCAFile ?? environment["REGISTRAR_SMTP_CA_FILE"])
            } catch { throw CLIError("\(error)") }
        }
        return configuration
    }

    private func tlsSettings(_ environment: [String: String]) throws -> TLSSettings? {
        let certificate = tlsCertificate ?? environment["REGISTRAR_TLS_CERTIFICATE"]
        let key = tlsKey ?? environment["REGISTRAR_TLS_KEY"]
        let modeName = clientCertificates ?? environment["REGISTRAR_CLIENT_CERTIFICATES"]
        guard let certificate, let key else {
            if certificate != nil || key != nil { throw CLIError("HTTPS needs both --tls-certificate and --tls-key") }
            if modeName != nil { throw CLIError("client certificates need HTTPS: give --tls-certificate and --tls-key") }
            return nil
        }
        var settings = TLSSettings(certificateChainPath: certificate, privateKeyPath: key)
        if let modeName {
            guard let mode = ClientCertificateMode(rawValue: modeName.lowercased()) else {
                throw CLIError("client certificates must be none, optional or required, not \(modeName)")
            }
            settings.clientCertificates = mode
        }
        return settings
    }

    private func applyTimeouts(to configuration: inout ServerConfiguration, _ environment: [String: String]) throws {
        let timeouts: [(Int?, String, String, WritableKeyPath<ConnectionTimeouts, Duration>)] = [
            (requestHeadTimeout, "REGISTRAR_REQUEST_HEAD_TIMEOUT", "the request head time-out", \.requestHead),
            (requestBodyTimeout, "REGISTRAR_REQUEST_BODY_TIMEOUT", "the request body time-out", \.requestBody),
            (keepAliveTimeout, "REGISTRAR_KEEP_ALIVE_TIMEOUT", "the keep-alive time-out", \.keepAlive),
        ]
        for (flag, variable, name, path) in timeouts {
            guard let seconds = try flag ?? environment[variable].map({ try integer($0, variable) }) else { continue }
            guard (1...3600).contains(seconds) else { throw CLIError("\(name) must be from 1 to 3600 seconds") }
            configuration.connectionTimeouts[keyPath: path] = .seconds(seconds)
        }
    }

    /// The configuration, or a one-line error and exit 1.
    func requireConfiguration(kept: DirectorySettings? = nil) throws -> ServerConfiguration {
        do { return try configuration(kept: kept) } catch { throw fail(error) }
    }

    private func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text) else { throw CLIError("\(name) must be a whole number") }
        return value
    }
}

/// Runs a runtime until the process is stopped.
func serve(_ runtime: DirectoryRuntime, location: StoreLocation, banner: String? = nil) async throws {
    let (logger, configuration) = (runtime.logger, runtime.configuration)
    // A TLS certificate or key that does not load is a one-line error, not a stack of NIO types.
    let (listeners, _) = try failingWithOneLine {
        try RegistrarApplication.build(runtime: runtime) { port in
            logger.info(
                "registrar listening",
                metadata: [
                    "address": "\(configuration.host):\(port)", "public-url": "\(configuration.publicURL)",
                    "profile": "\(configuration.profile.rawValue)", "store": "\(location.redacted)",
                    "client-certificates": "\(configuration.tls?.clientCertificates.rawValue ?? "headers from trusted proxies only")",
                    "mail": "\(configuration.mail?.redacted ?? "none: invitation links are shown once")",
                ])
            if let folder = location.folderOpenToOthers {
                logger.warning(
                    "the data folder is readable by other users; the database files are kept 0600, but make the folder 0700 (chmod 700)",
                    metadata: ["folder": "\(folder)"])
            }
            // Unbuffered: a banner is for whoever watches, also through a pipe or a file.
            if let banner { FileHandle.standardOutput.write(Data((banner + "\n").utf8)) }
        }
    }
    let services = ServiceGroup(configuration: .init(services: [listeners], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await services.run()
}

func makeRuntime(_ configuration: ServerConfiguration, store: any DirectoryStore, encryptionKey: KeyEncryptionKey) async throws
    -> DirectoryRuntime
{
    try await DirectoryRuntime(configuration: configuration, store: store, encryptionKey: encryptionKey, logger: Logger(label: "registrar"))
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the directory's HTTP API.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ServeOptions

    func run() async throws {
        _ = try options.requireConfiguration()  // bad flags fail before the store is opened
        let encryptionKey = try store.requireEncryptionKey()
        try await withStore(store) { directoryStore in
            let configuration = try options.configuration(kept: try await DirectorySettings.read(from: directoryStore))
            try await options.identity.keep(in: directoryStore)
            let runtime = try await makeRuntime(configuration, store: directoryStore, encryptionKey: encryptionKey)
            try await serve(runtime, location: store.location)
        }
    }
}

struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a sandbox directory on the embedded store, created and seeded on first run.",
        discussion: """
            Besides the HTTP listener, an HTTPS listener takes client certificates (--mtls-port) for /token and /register, \
            so a provider can run the whole registration flow. Writes DATA/sandbox.env with the sandbox's tokens, ids and \
            files (the provider's keys and transport certificate, in DATA/sandbox/): `source registrar-data/sandbox.env`.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ServeOptions
    @Option(
        help: "Port of the HTTPS listener for client certificates (env REGISTRAR_MTLS_PORT, default 8443); unused with --tls-certificate.")
    var mtlsPort: Int?

    func run() async throws {
        let encryptionKey: KeyEncryptionKey
        let mutualTLSPort: Int
        do {
            _ = try options.configuration()  // bad flags fail before anything is created
            mutualTLSPort = try mtlsPort ?? ProcessInfo.processInfo.environment["REGISTRAR_MTLS_PORT"].map(Self.port) ?? 8443
            guard (0...65535).contains(mutualTLSPort) else { throw CLIError("the mTLS port must be from 0 to 65535") }
            encryptionKey = try store.encryptionKey(create: true)
        } catch { throw fail(error) }
        try await withStore(store, creating: true) { directoryStore in
            var configuration = try options.configuration(kept: try await DirectorySettings.read(from: directoryStore))
            try await options.identity.keep(in: directoryStore)
            let ecosystem = SandboxEcosystem(dataFolder: store.dataFolder)
            if configuration.tls == nil {
                // With --tls-certificate the one listener already takes client certificates.
                configuration.mutualTLSListener = MutualTLSListener(
                    port: mutualTLSPort, tls: try failingWithOneLine { try ecosystem.listenerTLS() },
                    publicURL: "https://localhost:\(mutualTLSPort)")
            }
            let runtime = try await makeRuntime(configuration, store: directoryStore, encryptionKey: encryptionKey)
            let envFile = (store.dataFolder as NSString).appendingPathComponent("sandbox.env")
            // The provider's key is made only for a directory about to be seeded (an RSA key takes a moment).
            var seeded: SandboxSeed.Credentials?
            if try await runtime.directory.organisations().isEmpty {
                let softwareKey = try SigningKey.generate(.PS256)
                seeded = try await SandboxSeed.seedIfEmpty(runtime.directory, profile: configuration.profile, softwareKey: softwareKey)
                if let seeded {
                    try await ecosystem.writeProvider(signingKey: softwareKey, credentials: seeded, certificates: runtime.certificates)
                    FileHandle.standardOutput.write(
                        Data(
                            "Seeded a sandbox directory in \(store.dataFolder): one bank, one provider with an Active software statement.\n"
                                .utf8))
                }
            }
            // Written at every start with this start's URLs (another --port, say); the tokens and ids are the
            // seed's, read back from the file when the seeding was an earlier start's.
            let kept = (try? String(contentsOfFile: envFile, encoding: .utf8)).flatMap(SandboxSeed.Credentials.init(environmentFile:))
            if let credentials = seeded ?? kept {
                let environment = ecosystem.environmentFile(
                    credentials: credentials, directoryURL: configuration.publicURL, mutualTLSURL: configuration.mutualTLSURL,
                    registrationProfile: configuration.registrationSettings.profile.name.rawValue, commandFolder: Self.commandFolder)
                guard
                    FileManager.default.createFile(
                        atPath: envFile, contents: Data(environment.utf8), attributes: [.posixPermissions: 0o600])
                else {
                    throw CLIError("cannot write \(envFile)")
                }
            }
            let banner = """
                Sandbox directory at \(configuration.publicURL) (profile \(configuration.profile.rawValue)); \
                mutual TLS at \(configuration.mutualTLSURL).
                Tokens, ids and the provider's files: source \(envFile)
                Try: curl \(configuration.publicURL)/participants
                """
            try await serve(runtime, location: store.location, banner: banner)
        }
    }

    private static func port(_ text: String) throws -> Int {
        guard let value = Int(text) else { throw CLIError("REGISTRAR_MTLS_PORT must be a whole number") }
        return value
    }

    /// The folder of the running `registrar`, for PATH in sandbox.env.
    private static var commandFolder: String? {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let path = FileManager.default.fileExists(atPath: executable.path) ? executable : Bundle.main.executableURL
        return path?.deletingLastPathComponent().path
    }
}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prepare a directory: key-encryption key, database schema, signing keys, the directory CA, and a first operator token.")

    @OptionGroup var store: StoreOptions
    @OptionGroup(title: "The directory (kept with its data)") var identity: DirectoryIdentityOptions
    @Option(help: "Algorithm of the first signing keys: PS256 or ES256.") var signingAlgorithm: String = "PS256"
    @Option(help: "Label of the first operator token.") var label: String = "first operator"

    func run() async throws {
        guard let algorithm = SigningAlgorithm(rawValue: signingAlgorithm.uppercased()) else {
            throw fail(CLIError("the signing algorithm must be PS256 or ES256"))
        }
        _ = try failingWithOneLine { try identity.given() }
        let encryptionKey = try store.requireEncryptionKey(create: true)
        try await withStore(store, creating: true) { directoryStore in
            try await identity.keep(in: directoryStore)
            let configuration = try await identity.configuration(in: directoryStore)
            let keyring = DirectoryKeyring(store: directoryStore, encryptionKey: encryptionKey)
            try await keyring.ensureSigningKeys(algorithm: algorithm, by: .cli)
            _ = try await keyring.currentSigner()
            // The CA certificates name the CRL and CA-issuer URLs under the public URL.
            try await DirectoryCertificateAuthority(
                store: directoryStore, encryptionKey: encryptionKey, endpoints: configuration.pkiEndpoints
            ).ensureExists(by: .cli)
            let directory = ParticipantDirectory(store: directoryStore)
            // Running init again checks and completes the set-up; it never mints another "first" token.
            if try await APITokens(store: directoryStore).list(for: .cli).contains(where: { $0.role == .operator }) {
                print("Directory already initialised in \(store.location.redacted); its tokens are unchanged.")
                print("Another operator token: registrar tokens create --operator --label NAME")
                return
            }
            let token = try await APITokens(store: directoryStore).create(role: .operator, organisationID: nil, label: label, by: .cli)
            print(
                "Directory ready in \(store.location.redacted), at \(configuration.publicURL) (profile \(configuration.profile.rawValue)).")
            print("Operator token (shown once, store it safely): \(token.secret)")
            print("Token id (for `registrar tokens revoke`): \(token.token.id.prefix(12))")
        }
    }
}
