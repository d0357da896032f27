import Foundation

/// Where the directory publishes each keystore document, so the SSA claims and the routes agree.
public struct KeystoreURLs: Sendable {
    public let baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    public var directoryJWKS: String { "\(baseURL)/jwks" }
    public func organisationJWKS(_ organisationID: String) -> String { "\(baseURL)/organisations/\(organisationID)/jwks" }
    public func organisationRevokedJWKS(_ organisationID: String) -> String { "\(organisationJWKS(organisationID))/revoked" }
    public func softwareJWKS(_ organisationID: String, _ softwareID: String) -> String {
        baseURL + SoftwarePath.make(organisationID: organisationID, softwareID: softwareID, "jwks")
    }
    public func softwareRevokedJWKS(_ organisationID: String, _ softwareID: String) -> String {
        "\(softwareJWKS(organisationID, softwareID))/revoked"
    }
    public func softwareTransportJWKS(_ organisationID: String, _ softwareID: String) -> String {
        baseURL + SoftwarePath.make(organisationID: organisationID, softwareID: softwareID, "transport/jwks")
    }
    public func softwareTransportRevokedJWKS(_ organisationID: String, _ softwareID: String) -> String {
        "\(softwareTransportJWKS(organisationID, softwareID))/revoked"
    }
}

/// The shape `/organisations/{organisationId}/software-statements/{softwareStatementId}/…` in one place:
/// made for links (keystore URLs, SSA claims) and read back by the SSA fast path and the local keystore
/// source, so the three cannot drift.
public enum SoftwarePath {
    public static func make(organisationID: String, softwareID: String, _ rest: String) -> String {
        "/organisations/\(organisationID)/software-statements/\(softwareID)/\(rest)"
    }

    /// The organisation and software of a path of this shape, and what follows them joined by `/`
    /// (`jwks`, `assertion`, `transport/jwks`); nil for any other path.
    public static func parse(_ path: Substring) -> (organisationID: Substring, softwareID: Substring, rest: Substring)? {
        let prefix = "/organisations/"
        guard path.hasPrefix(prefix) else { return nil }
        let afterPrefix = path.dropFirst(prefix.count)
        guard let slash = afterPrefix.firstIndex(of: "/") else { return nil }
        let organisationID = afterPrefix[..<slash]
        let middle = "/software-statements/"
        let afterOrganisation = afterPrefix[slash...]
        guard afterOrganisation.hasPrefix(middle) else { return nil }
        let afterMiddle = afterOrganisation.dropFirst(middle.count)
        guard let next = afterMiddle.firstIndex(of: "/") else { return nil }
        let softwareID = afterMiddle[..<next]
        let rest = afterMiddle[afterMiddle.index(after: next)...]
        guard !organisationID.isEmpty, !softwareID.isEmpty, !rest.isEmpty else { return nil }
        return (organisationID, softwareID, rest)
    }
}
