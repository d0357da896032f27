import Directory
import Foundation
import Keys

/// The sandbox's first data, so a newcomer's first `curl` shows something: one bank with an
/// authorisation server and API resources, one third-party provider with an Active software statement
/// (and a registered software key), and tokens to use them.
public enum SandboxSeed {
    public struct Credentials: Sendable, Codable, Equatable {
        public var operatorToken: String
        public var providerToken: String
        public var bankOrganisationID: String
        public var providerOrganisationID: String
        public var softwareStatementID: String

        public init(
            operatorToken: String, providerToken: String, bankOrganisationID: String, providerOrganisationID: String,
            softwareStatementID: String
        ) {
            self.operatorToken = operatorToken
            self.providerToken = providerToken
            self.bankOrganisationID = bankOrganisationID
            self.providerOrganisationID = providerOrganisationID
            self.softwareStatementID = softwareStatementID
        }

        /// The credentials a `sandbox.env` written earlier holds; nil when one is missing.
        public init?(environmentFile text: String) {
            var values: [String: String] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("export ") {
                let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
                if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
            }
            guard let operatorToken = values["REGISTRAR_OPERATOR_TOKEN"], let providerToken = values["TPP_TOKEN"],
                let bank = values["BANK_ORG"], let provider = values["TPP_ORG"], let software = values["TPP_SOFTWARE"]
            else { return nil }
            self.init(
                operatorToken: operatorToken, providerToken: providerToken, bankOrganisationID: bank, providerOrganisationID: provider,
                softwareStatementID: software)
        }

        /// Shell `export` lines (sandbox.env), so the README's curl commands can use them.
        public var environmentFile: String {
            """
            # Sandbox credentials: for local experiments only. Real deployments never write tokens to disk.
            export REGISTRAR_OPERATOR_TOKEN=\(operatorToken)
            export TPP_TOKEN=\(providerToken)
            export BANK_ORG=\(bankOrganisationID)
            export TPP_ORG=\(providerOrganisationID)
            export TPP_SOFTWARE=\(softwareStatementID)

            """
        }
    }

    /// The provider's regulatory roles as the ecosystem names them (Brasil's scopes follow its roles): a
    /// competent authority's grant in the UK and Brasil; in the CDR none (the register accredits) and the
    /// software product's one role.
    struct ProviderRoles {
        var authority: String?
        var country: String
        var roles: [String]

        init(_ profile: EcosystemProfile) {
            switch profile {
            case .ofb: (authority, country, roles) = ("BCB", "BR", ["DADOS", "PAGTO"])
            case .obie: (authority, country, roles) = ("FCA", "GB", ["AISP", "PISP"])
            case .cdr: (authority, country, roles) = (nil, "AU", [CDRClaimSet.softwareRole])
            }
        }

        /// The bank's: an account-holding institution where the ecosystem names one.
        static func bankClaims(_ profile: EcosystemProfile) -> [AuthorityClaim] {
            switch profile {
            case .obie: [AuthorityClaim(authority: "FCA", registrationID: "100001", roles: [RoleGrant(role: "ASPSP")])]
            case .ofb: [AuthorityClaim(authority: "BCB", registrationID: "100001", roles: [RoleGrant(role: "CONTA")])]
            case .cdr: []
            }
        }

        var authorityClaims: [AuthorityClaim] {
            authority.map { [AuthorityClaim(authority: $0, registrationID: "200002", roles: roles.map { RoleGrant(role: $0) })] } ?? []
        }
    }

    /// Seeds an empty directory; returns nil (and changes nothing) when it already has organisations.
    /// `softwareKey` is the provider software's signing key; its public half goes into the software's keystore.
    public static func seedIfEmpty(
        _ directory: ParticipantDirectory, profile: EcosystemProfile = .obie, softwareKey: SigningKey? = nil
    ) async throws -> Credentials? {
        guard try await directory.organisations().isEmpty else { return nil }
        let caller = Caller.system
        let provided = ProviderRoles(profile)

        let bank = try await directory.createOrganisation(
            NewOrganisation(
                legalName: "Sandbox Bank plc", registrationNumber: "00000001", country: "GB",
                contacts: [Contact(type: "Technical", name: "Bank API team", email: "api@bank.example")],
                authorityClaims: ProviderRoles.bankClaims(profile)),
            by: caller)
        _ = try await directory.createAuthorisationServer(
            in: bank.id,
            NewAuthorisationServer(
                issuer: "https://auth.bank.example", openIDDiscoveryDocument: "https://auth.bank.example/.well-known/openid-configuration",
                customerFriendlyName: "Sandbox Bank", customerFriendlyLogoUri: "https://bank.example/logo.png",
                customerFriendlyDescription: "Personal and business current accounts", developerPortalUri: "https://developer.bank.example",
                termsOfServiceUri: "https://bank.example/terms", supportsDcr: true, supportsCIBA: false,
                apiResources: [
                    NewAPIResource(
                        apiFamilyType: "accounts", apiVersion: "3.1.11",
                        apiDiscoveryEndpoints: ["https://api.bank.example/open-banking/v3.1/aisp/accounts"], certificationStatus: .certified
                    ),
                    NewAPIResource(
                        apiFamilyType: "payments", apiVersion: "3.1.11",
                        apiDiscoveryEndpoints: ["https://api.bank.example/open-banking/v3.1/pisp/domestic-payment-consents"]),
                ]),
            by: caller)

        let provider = try await directory.createOrganisation(
            NewOrganisation(
                legalName: "Sandbox Budgeting Ltd", registrationNumber: "00000002", country: provided.country,
                contacts: [Contact(type: "Business", name: "Partnerships", email: "partners@tpp.example")],
                authorityClaims: provided.authorityClaims),
            by: caller)
        let software = try await directory.createSoftware(
            in: provider.id,
            NewSoftwareStatement(
                clientName: "Sandbox Budget App", description: "Sees every account in one place", version: "1.0", environment: "sandbox",
                mode: .test, clientUri: "https://tpp.example", logoUri: "https://tpp.example/logo.png", tosUri: "https://tpp.example/terms",
                policyUri: "https://tpp.example/privacy", redirectUris: ["https://tpp.example/callback"],
                revocationUri: "https://tpp.example/revoke", recipientBaseUri: "https://tpp.example", roles: provided.roles),
            by: caller)
        let softwareKey = try softwareKey ?? SigningKey.generate(.PS256)
        _ = try await directory.addKey(
            try JOSEJSON.encoder.encode(softwareKey.publicJWK), to: .software(organisationID: provider.id, softwareID: software.id),
            by: caller)

        let tokens = APITokens(store: directory.store)
        let operatorToken = try await tokens.create(role: .operator, organisationID: nil, label: "sandbox operator", by: caller)
        let providerToken = try await tokens.create(
            role: .organisation, organisationID: provider.id, label: "sandbox provider", by: caller)
        return Credentials(
            operatorToken: operatorToken.secret, providerToken: providerToken.secret, bankOrganisationID: bank.id,
            providerOrganisationID: provider.id, softwareStatementID: software.id)
    }
}
