import Foundation

/// Where and how much Registrar may fetch from the network (remote directories' JWKS, software JWKS,
/// status documents): https only, named hosts only, public addresses only, bounded in size and time.
public struct FetchPolicy: Sendable, Equatable {
    /// Hosts that may be fetched from, compared case-insensitively; empty means nothing may be fetched.
    public var allowedHosts: Set<String>
    /// Loopback, private, link-local and other non-public addresses are refused unless this is set
    /// (for tests and closed networks).
    public var allowNonPublicAddresses: Bool
    public var maximumBytes: Int
    /// For the whole exchange: resolving, connecting, TLS, request and response.
    public var timeout: Duration
    /// A PEM file of extra CA certificates to trust for these fetches, besides the system's.
    public var trustRootsFile: String?

    public static let defaultMaximumBytes = 256 * 1024
    public static let defaultTimeout = Duration.seconds(5)

    public init(
        allowedHosts: Set<String>, allowNonPublicAddresses: Bool = false, maximumBytes: Int = Self.defaultMaximumBytes,
        timeout: Duration = Self.defaultTimeout, trustRootsFile: String? = nil
    ) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
        self.allowNonPublicAddresses = allowNonPublicAddresses
        self.maximumBytes = maximumBytes
        self.timeout = timeout
        self.trustRootsFile = trustRootsFile
    }

    /// The checks made before anything touches the network: https, no credentials, an allowed host.
    public func target(of text: String) throws -> FetchTarget {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else { throw FetchFailure.malformedURL(String(text.prefix(200))) }
        guard scheme == "https" else { throw FetchFailure.notHTTPS(String(text.prefix(200))) }
        guard components.user == nil, components.password == nil else { throw FetchFailure.malformedURL(String(text.prefix(200))) }
        // URLComponents keeps the brackets of an IPv6 literal; the resolver and SNI want it bare.
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard allowedHosts.contains(host) || allowedHosts.contains(bareHost) else { throw FetchFailure.hostNotAllowed(bareHost) }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
        return FetchTarget(url: text, host: bareHost, port: components.port ?? 443, pathAndQuery: path + query)
    }
}

/// A URL that passed `FetchPolicy.target(of:)`.
public struct FetchTarget: Sendable, Equatable {
    public var url: String
    public var host: String
    public var port: Int
    public var pathAndQuery: String
}

/// Why a fetch did not happen or did not succeed; the description is safe to show a caller.
public enum FetchFailure: Error, Equatable, CustomStringConvertible {
    case malformedURL(String)
    case notHTTPS(String)
    case hostNotAllowed(String)
    case cannotResolve(String)
    case addressNotPublic(host: String, address: String)
    case timedOut(url: String, after: Duration)
    case tooLarge(url: String, limit: Int)
    case status(url: String, code: Int)
    case connection(url: String, reason: String)

    public var description: String {
        switch self {
        case .malformedURL(let url): "\(url) is not a URL that can be fetched"
        case .notHTTPS(let url): "\(url) is not an https URL"
        case .hostNotAllowed(let host): "\(host) is not among the hosts this server may fetch from"
        case .cannotResolve(let host): "\(host) does not resolve"
        case .addressNotPublic(let host, let address): "\(host) resolves to \(address), which is not a public address"
        case .timedOut(let url, let after): "\(url) did not answer within \(after)"
        case .tooLarge(let url, let limit): "\(url) answered with more than \(limit) bytes"
        case .status(let url, let code): "\(url) answered HTTP \(code)"
        case .connection(let url, let reason): "\(url) could not be fetched: \(reason)"
        }
    }
}
