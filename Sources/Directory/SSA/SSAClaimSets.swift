import Foundation
import Keys

/// The ecosystem whose SSA claim set (and, later, registration rules) a deployment follows.
public enum EcosystemProfile: String, Codable, Sendable, CaseIterable {
    /// UK Open Banking (OBIE directory SSA format).
    case obie
    /// Australia's Consumer Data Right register.
    case cdr
    /// Open Finance Brasil.
    case ofb

    public var claimSet: any SSAClaimSet {
        switch self {
        case .obie: OBIEClaimSet()
        case .cdr: CDRClaimSet()
        case .ofb: OpenFinanceBrasilClaimSet()
        }
    }
}

/// What the claim sets need beyond the records: where the keystores are, and the CDR scope.
public struct SSAContext: Sendable {
    public var keystore: KeystoreURLs
    /// CDR: the scopes the software may request.
    public var scope: String

    public init(keystore: KeystoreURLs, scope: String) {
        self.keystore = keystore
        self.scope = scope
    }
}

/// One ecosystem's SSA claim set: what it requires of the directory's data, and the claims it builds.
/// The registered claims every SSA carries (iss, iat, exp, jti) are added by `PreparedAssertion`.
public protocol SSAClaimSet: Sendable {
    /// Names of the data the profile needs but the records lack; empty when an SSA can be issued.
    func missingData(software: SoftwareStatement, organisation: Organisation) -> [String]
    func claims(software: SoftwareStatement, organisation: Organisation, context: SSAContext) -> ClaimSet
}

extension SSAClaimSet {
    func missing(_ checks: [(String, Bool)]) -> [String] {
        checks.filter { !$0.1 }.map(\.0)
    }
}

extension ClaimSet {
    /// The `software_*` members the OBIE and Brasil formats share.
    static func softwareStatementClaims(_ software: SoftwareStatement) -> ClaimSet {
        var claims = ClaimSet()
        claims.set("software_id", software.id)
        claims.set("software_client_id", software.id)
        claims.set("software_client_name", software.clientName)
        claims.set("software_client_description", software.description)
        claims.set("software_version", software.version)
        claims.set("software_environment", software.environment)
        claims.set("software_mode", software.mode.rawValue)
        claims["software_redirect_uris"] = .strings(software.redirectURIs)
        claims["software_roles"] = .strings(software.roles)
        claims.set("software_logo_uri", software.logoURI)
        claims.set("software_tos_uri", software.termsOfServiceURI)
        claims.set("software_policy_uri", software.policyURI)
        claims.set("software_client_uri", software.clientURI)
        return claims
    }
}

extension Organisation {
    var activeRoleGrants: [(claim: AuthorityClaim, role: String)] {
        authorityClaims.flatMap { claim in claim.roles.filter { $0.status == .active }.map { (claim, $0.role) } }
    }
}

/// UK Open Banking directory SSA (OBIE Directory specification, SSA claims).
public struct OBIEClaimSet: SSAClaimSet {
    public init() {}

    public func missingData(software: SoftwareStatement, organisation: Organisation) -> [String] {
        missing([
            ("software redirect URIs", !software.redirectURIs.isEmpty),
            ("software roles", !software.roles.isEmpty),
            ("an organisation competent authority claim", !organisation.authorityClaims.isEmpty),
        ])
    }

    public func claims(software: SoftwareStatement, organisation: Organisation, context: SSAContext) -> ClaimSet {
        var claims = ClaimSet.softwareStatementClaims(software)
        let urls = context.keystore
        claims.set("software_jwks_endpoint", urls.softwareJWKS(organisation.id, software.id))
        claims.set("software_jwks_revoked_endpoint", urls.softwareRevokedJWKS(organisation.id, software.id))
        claims.set("org_id", organisation.id)
        claims.set("org_name", organisation.legalName)
        claims.set("org_status", organisation.status.rawValue)
        claims["org_contacts"] = .array(organisation.contacts.map(Self.contact))
        claims.set("org_jwks_endpoint", urls.organisationJWKS(organisation.id))
        claims.set("org_jwks_revoked_endpoint", urls.organisationRevokedJWKS(organisation.id))
        if let claim = organisation.authorityClaims.first {
            let roles = claim.roles.filter { $0.status == .active }.map(\.role)
            claims["organisation_competent_authority_claims"] = .object([
                "authority_id": .string(claim.authority),
                "registration_id": .string(claim.registrationID),
                "status": .string(roles.isEmpty ? "Inactive" : "Active"),
                "authorisations": .array([.object(["member_state": .string(organisation.country), "roles": .strings(roles)])]),
            ])
        }
        return claims
    }

    static func contact(_ contact: Contact) -> JSONValue {
        var members: [String: JSONValue] = ["type": .string(contact.type)]
        if let name = contact.name { members["name"] = .string(name) }
        if let email = contact.email { members["email"] = .string(email) }
        if let phone = contact.phone { members["phone"] = .string(phone) }
        return .object(members)
    }
}

/// CDR Register SSA (Consumer Data Standards, "Software Statement Assertion").
public struct CDRClaimSet: SSAClaimSet {
    public static let softwareRole = "data-recipient-software-product"

    public init() {}

    public func missingData(software: SoftwareStatement, organisation: Organisation) -> [String] {
        missing([
            ("software description", software.description != nil),
            ("software client URI", software.clientURI != nil),
            ("software logo URI", software.logoURI != nil),
            ("software redirect URIs", !software.redirectURIs.isEmpty),
            ("software revocation URI", software.revocationURI != nil),
            ("software recipient base URI", software.recipientBaseURI != nil),
        ])
    }

    public func claims(software: SoftwareStatement, organisation: Organisation, context: SSAContext) -> ClaimSet {
        var claims = ClaimSet()
        claims.set("legal_entity_id", organisation.id)
        claims.set("legal_entity_name", organisation.legalName)
        claims.set("org_id", organisation.id)
        claims.set("org_name", organisation.legalName)
        claims.set("client_name", software.clientName)
        claims.set("client_description", software.description)
        claims.set("client_uri", software.clientURI)
        claims["redirect_uris"] = .strings(software.redirectURIs)
        claims.set("logo_uri", software.logoURI)
        claims.set("tos_uri", software.termsOfServiceURI)
        claims.set("policy_uri", software.policyURI)
        claims.set("jwks_uri", context.keystore.softwareJWKS(organisation.id, software.id))
        claims.set("revocation_uri", software.revocationURI)
        claims.set("recipient_base_uri", software.recipientBaseURI)
        claims.set("software_id", software.id)
        // The CDR carries a single role string, not an array.
        claims.set("software_roles", Self.softwareRole)
        claims.set("scope", context.scope)
        return claims
    }
}

/// Open Finance Brasil directory SSA (DCR specification, software statement claims).
public struct OpenFinanceBrasilClaimSet: SSAClaimSet {
    public static let authorisationDomain = "Open Finance"

    public init() {}

    public func missingData(software: SoftwareStatement, organisation: Organisation) -> [String] {
        missing([
            ("software redirect URIs", !software.redirectURIs.isEmpty),
            ("software roles", !software.roles.isEmpty),
            ("the organisation's registration number (CNPJ)", organisation.registrationNumber != nil),
            ("an organisation competent authority claim", !organisation.authorityClaims.isEmpty),
        ])
    }

    public func claims(software: SoftwareStatement, organisation: Organisation, context: SSAContext) -> ClaimSet {
        var claims = ClaimSet.softwareStatementClaims(software)
        let urls = context.keystore
        claims["software_statement_roles"] = .array(
            software.roles.map {
                .object(["role": .string($0), "authorisation_domain": .string(Self.authorisationDomain), "status": .string("Active")])
            })
        claims.set("software_jwks_uri", urls.softwareJWKS(organisation.id, software.id))
        claims.set("software_jwks_inactive_uri", urls.softwareRevokedJWKS(organisation.id, software.id))
        claims.set("software_jwks_transport_uri", urls.softwareTransportJWKS(organisation.id, software.id))
        claims.set("software_jwks_transport_inactive_uri", urls.softwareTransportRevokedJWKS(organisation.id, software.id))
        claims.set("org_id", organisation.id)
        claims.set("org_name", organisation.legalName)
        claims.set("org_number", organisation.registrationNumber)
        claims.set("org_status", organisation.status.rawValue)
        claims["organisation_competent_authority_claims"] = .array(
            organisation.activeRoleGrants.map { grant in
                .object([
                    "authority_id": .string(grant.claim.authority),
                    "authority_code": .string(grant.claim.authority),
                    "registration_id": .string(grant.claim.registrationID),
                    "authorisation_role": .string(grant.role),
                    "authorisation_domain": .string(Self.authorisationDomain),
                    "authorisations": .array([]),
                    "status": .string("Active"),
                ])
            })
        return claims
    }
}
