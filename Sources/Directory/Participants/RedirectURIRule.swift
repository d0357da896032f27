import Foundation

/// FAPI's rule for redirect URIs, one implementation for what the directory keeps (a software
/// statement's `redirectUris`) and what the registration role accepts (`redirect_uris`): absolute
/// https, no fragment, at most 2048 characters, and never the local machine.
public enum RedirectURIRule {
    public enum Refusal: Equatable, Sendable {
        /// Not an absolute https URI without a fragment (or longer than 2048 characters).
        case notAbsoluteHTTPS
        /// Its host is the local machine: `localhost` (and `*.localhost`), 127.0.0.0/8, `::1`, `0.0.0.0`,
        /// however spelled (brackets, a trailing dot, capitals).
        case localMachine
    }

    public static let maximumLength = 2048

    /// Why `uri` is refused, or nil when it is a good redirect URI.
    public static func refusal(of uri: String) -> Refusal? {
        guard uri.utf8.count <= maximumLength, let url = URLComponents(string: uri), url.scheme == "https", let host = url.host,
            !host.isEmpty, url.fragment == nil
        else { return .notAbsoluteHTTPS }
        return isLocalMachine(host) ? .localMachine : nil
    }

    static func isLocalMachine(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        return name == "localhost" || name.hasSuffix(".localhost") || name.hasPrefix("127.") || name == "::1" || name == "0.0.0.0"
    }
}
