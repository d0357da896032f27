import Directory
import Foundation
import Keys

/// The claims of a verified software statement assertion, read the way every ecosystem writes them:
/// roles as an array (UK, Brasil) or one string (CDR), `software_jwks_endpoint` (UK, Brasil) or
/// `software_jwks_uri` (Brasil's documented name) or `jwks_uri` (CDR), `org_id` or `legal_entity_id`.
public struct SoftwareStatementClaims: Sendable, Equatable {
    public var members: [String: JSONValue]

    public init(members: [String: JSONValue]) { self.members = members }

    func string(_ name: String) -> String? { members[name]?.stringValue }

    public var issuer: String? { string("iss") }
    public var softwareID: String? { string("software_id") }
    public var organisationID: String? { string("org_id") ?? string("legal_entity_id") }
    public var issuedAt: Date? { members["iat"]?.numericValue.map(Date.init(timeIntervalSince1970:)) }
    public var expiresAt: Date? { members["exp"]?.numericValue.map(Date.init(timeIntervalSince1970:)) }
    public var redirectURIs: [String] { members["software_redirect_uris"]?.stringArray ?? members["redirect_uris"]?.stringArray ?? [] }
    public var jwksURI: String? { string("software_jwks_endpoint") ?? string("software_jwks_uri") ?? string("jwks_uri") }

    public var roles: [String] {
        if let one = members["software_roles"]?.stringValue { return one.split(separator: " ").map(String.init) }
        if let many = members["software_roles"]?.stringArray { return many }
        // Brasil: software_statement_roles is an array of {role, authorisation_domain, status}.
        if case .array(let items)? = members["software_statement_roles"] {
            return items.compactMap { item in
                guard let object = item.objectValue, object["status"]?.stringValue.map({ $0 == "Active" }) ?? true else { return nil }
                return object["role"]?.stringValue
            }
        }
        return []
    }
}
