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
        "\(baseURL)/organisations/\(organisationID)/software-statements/\(softwareID)/jwks"
    }
    public func softwareRevokedJWKS(_ organisationID: String, _ softwareID: String) -> String {
        "\(softwareJWKS(organisationID, softwareID))/revoked"
    }
    public func softwareTransportJWKS(_ organisationID: String, _ softwareID: String) -> String {
        "\(baseURL)/organisations/\(organisationID)/software-statements/\(softwareID)/transport/jwks"
    }
    public func softwareTransportRevokedJWKS(_ organisationID: String, _ softwareID: String) -> String {
        "\(softwareTransportJWKS(organisationID, softwareID))/revoked"
    }
}
