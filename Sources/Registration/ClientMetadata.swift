import Directory
import Foundation
import Keys

/// The client metadata of a registration request (RFC 7591 §2, OpenID Connect Registration §2, and the
/// ecosystems' additions), read from the request JWT's claims or the JSON body. Members keep their wire
/// names; a member of the wrong type is `invalid_client_metadata` naming it, never a crash.
public struct ClientMetadata: Sendable, Equatable {
    /// Every member as sent, for the response and the stored client.
    public var members: [String: JSONValue]

    public init(members: [String: JSONValue]) { self.members = members }

    public func string(_ name: String) throws -> String? {
        guard let value = members[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw OAuthError.invalidClientMetadata("\(name) must be a string") }
        return text
    }

    public func strings(_ name: String) throws -> [String]? {
        guard let value = members[name], value != .null else { return nil }
        guard let texts = value.stringArray else { throw OAuthError.invalidClientMetadata("\(name) must be an array of strings") }
        return texts
    }

    public var redirectURIs: [String]? { get throws { try strings("redirect_uris") } }
    public var tokenEndpointAuthMethod: String? { get throws { try string("token_endpoint_auth_method") } }
    public var softwareStatement: String? { get throws { try string("software_statement") } }
    public var softwareID: String? { get throws { try string("software_id") } }
    public var jwksURI: String? { get throws { try string("jwks_uri") } }
    public var grantTypes: [String]? { get throws { try strings("grant_types") } }
    public var responseTypes: [String]? { get throws { try strings("response_types") } }
    public var scope: String? { get throws { try string("scope") } }
}
