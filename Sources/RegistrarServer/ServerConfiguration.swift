import Directory
import Foundation
import Keys
import Mail
import OutboundFetch
import PKI
import Registration
import Storage

/// Everything a `registrar serve` process is told. Flags on the command line, or `REGISTRAR_*`
/// environment variables (docs/configuration.md lists them).
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// The URL clients reach this directory at; every published link (JWKS, keystore, SSA claims) uses it.
    public var publicURL: String = "http://localhost:8080"
    /// The SSA `iss` claim. Defaults to the public URL.
    public var ssaIssuer: String?
    public var profile: EcosystemProfile = .obie
    public var signingAlgorithm: SigningAlgorithm = .PS256
    public var ssaLifetime: TimeInterval = SSAIssuer.Settings.defaultLifetime
    /// `Cache-Control: max-age` of public documents.
    public var cacheMaxAge: Int = 60
    /// How often a node looks for changes written by other nodes or the CLI.
    public var revisionPollInterval: Duration = .seconds(1)
    /// The scrypt cost of new password hashes (existing hashes keep theirs). OWASP's minimum by default.
    public var passwordHashCost: PasswordHash.Cost = .standard
    /// One JSON line per routed request on standard output (`--access-log json`).
    public var jsonAccessLog = false
    /// How long a client may take to send a request head or body, and a connection may stay idle.
    public var connectionTimeouts = ConnectionTimeouts()
    /// Requests with a larger body get 413 before anything is parsed.
    public var maxRequestBodyBytes: Int = 64 * 1024
    /// Proxies whose RFC 9440 `Client-Cert` headers are believed; from anyone else they are ignored.
    public var trustedProxies: TrustedProxies = .none
    /// HTTPS with client certificates validated in the handshake; plain HTTP when nil (behind a proxy).
    public var tls: TLSSettings?
    /// A second, HTTPS listener for the endpoints that need a client certificate (RFC 8705 §5 mTLS
    /// endpoint aliases) beside a plain-HTTP main listener: how the sandbox runs the whole ecosystem.
    public var mutualTLSListener: MutualTLSListener?
    /// How long an access token from `POST /token` is good for.
    public var accessTokenLifetime: TimeInterval = 300
    /// The registration role's profile; by default the one matching the directory's SSA profile.
    public var registrationProfile: RegistrationProfile.Name?
    /// Rotate the registration access token on every RFC 7592 update.
    public var rotateRegistrationTokens = false
    /// Registration access tokens stop working this long after issue (nil: never).
    public var registrationTokenLifetime: TimeInterval?
    /// Other directories whose SSAs the registration endpoint accepts (this one's always are).
    public var remoteDirectories: [RemoteDirectory] = []
    /// Hosts fetches may reach besides the remote directories' own.
    public var extraFetchHosts: Set<String> = []
    /// Let fetches reach loopback and private addresses (tests, closed networks).
    public var fetchNonPublicAddresses = false
    /// Extra CA certificates (PEM) trusted for fetches.
    public var fetchTrustRootsFile: String?
    /// Where invitations and certificate-expiry notices are e-mailed from; without it, invitation links
    /// are shown once to the inviter and no notices are sent.
    public var mail: MailSettings?
    /// How often the certificate-expiry notices are looked for (`CertificateExpiryNotices`).
    public var expiryNoticeInterval: Duration = .seconds(3600)

    public init() {}

    /// Outbound fetches reach the remote directories' hosts and those named explicitly, nothing else.
    public var fetchPolicy: FetchPolicy {
        FetchPolicy(
            allowedHosts: remoteDirectories.reduce(extraFetchHosts) { $0.union($1.hosts) },
            allowNonPublicAddresses: fetchNonPublicAddresses, trustRootsFile: fetchTrustRootsFile)
    }

    public var resolvedSSAIssuer: String { ssaIssuer ?? publicURL }

    /// Where clients present certificates: the mutual-TLS listener's URL, or the public URL.
    public var mutualTLSURL: String { mutualTLSListener?.publicURL ?? publicURL }

    /// Whether a connection can carry a client certificate in its TLS handshake, on any listener.
    var handshakeCertificatesPossible: Bool {
        [tls, mutualTLSListener?.tls].contains { ($0?.clientCertificates ?? .none) != .none }
    }

    public var keystore: KeystoreURLs { KeystoreURLs(baseURL: publicURL) }

    /// Where certificates issued here point relying parties for the CA certificate, CRL and OCSP.
    public var pkiEndpoints: PKIEndpoints { PKIEndpoints(baseURL: publicURL) }

    /// The directory's own OAuth server: it issues access tokens for its API; its issuer is the public URL.
    public var tokenSettings: TokenSettings {
        TokenSettings(issuer: publicURL, tokenEndpoint: "\(mutualTLSURL)/token", accessTokenLifetime: accessTokenLifetime)
    }

    /// The registration endpoint as this server runs it: its issuer is the public URL.
    public var registrationSettings: RegistrationSettings {
        let name =
            registrationProfile
            ?? {
                switch profile {
                case .obie: .fapiOBIE;
                case .cdr: .cdr;
                case .ofb: .ofb
                }
            }()
        var settings = RegistrationSettings(
            issuer: publicURL, registrationEndpoint: "\(mutualTLSURL)/register", profile: RegistrationProfile.named(name))
        settings.rotateTokenOnUpdate = rotateRegistrationTokens
        settings.registrationTokenLifetime = registrationTokenLifetime
        return settings
    }

    public var issuerSettings: SSAIssuer.Settings {
        SSAIssuer.Settings(profile: profile, issuer: resolvedSSAIssuer, keystore: keystore, lifetime: ssaLifetime)
    }
}

/// The mutual-TLS listener: its port, TLS settings and the URL clients reach it at.
public struct MutualTLSListener: Sendable {
    public var port: Int
    public var tls: TLSSettings
    public var publicURL: String

    public init(port: Int, tls: TLSSettings, publicURL: String) {
        self.port = port
        self.tls = tls
        self.publicURL = publicURL
    }
}
