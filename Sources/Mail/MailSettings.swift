import Foundation

/// Where and how Registrar sends e-mail: an SMTP submission server named by a URL (RFC 5321; the
/// scheme says how the connection is secured), and the address mail comes from.
///
/// | URL | connection |
/// |---|---|
/// | `smtp://host:25` | plain; for a relay on the same host or network only |
/// | `smtp+starttls://user:password@host:587` | upgraded with STARTTLS (RFC 3207) before anything else is said |
/// | `smtps://user:password@host:465` | TLS from the first byte (RFC 8314) |
///
/// With a user and password the client authenticates with AUTH PLAIN (RFC 4954), never over a plain
/// connection to a host other than the loopback.
public struct MailSettings: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        case none = "smtp"
        case startTLS = "smtp+starttls"
        case implicitTLS = "smtps"

        /// RFC 5321's relay port, RFC 6409's submission port, RFC 8314's implicit-TLS submission port.
        var defaultPort: Int {
            switch self {
            case .none: 25
            case .startTLS: 587
            case .implicitTLS: 465
            }
        }
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The envelope sender and the `From:` header.
    public var from: String
    /// A PEM file of extra roots to trust for the server's certificate (a private relay's CA).
    public var trustRootsFile: String?
    /// The whole conversation's limit.
    public var timeout: Duration

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    public init(url text: String, from: String, trustRootsFile: String? = nil, timeout: Duration = .seconds(20)) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw Invalid(description: "the SMTP URL must look like smtp+starttls://user:password@host:587")
        }
        guard let security = Security(rawValue: scheme) else {
            throw Invalid(description: "the SMTP URL's scheme must be smtp, smtp+starttls or smtps")
        }
        self.security = security
        port = url.port ?? security.defaultPort
        guard url.path.isEmpty || url.path == "/", url.query == nil, url.fragment == nil else {
            throw Invalid(description: "the SMTP URL names a server only: no path, query or fragment")
        }
        self.host = host
        username = url.percentEncodedUser?.removingPercentEncoding
        password = url.percentEncodedPassword?.removingPercentEncoding
        if username != nil, security == .none, !Self.isLoopback(host) {
            throw Invalid(description: "a password is sent over smtp+starttls or smtps, not over a plain connection to \(host)")
        }
        try MailAddress.require(from, field: "the sender address")
        self.from = from
        self.trustRootsFile = trustRootsFile
        self.timeout = timeout
    }

    /// The URL as logs may show it: never the password.
    public var redacted: String {
        "\(security.rawValue)://\(username.map { "\($0):***@" } ?? "")\(host):\(port)"
    }

    static func isLoopback(_ host: String) -> Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
}

/// The one rule for addresses the mailer writes into commands and headers: a plain `local@domain`
/// without spaces, angle brackets or line breaks, so that nothing can be added to the conversation.
public enum MailAddress {
    public static func require(_ address: String, field: String) throws {
        let forbidden = CharacterSet(charactersIn: "<>\r\n\t ,;\"()\\").union(.controlCharacters)
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            address.rangeOfCharacter(from: forbidden) == nil
        else { throw MailSettings.Invalid(description: "\(field) must be a plain address such as registrar@directory.example") }
    }
}
