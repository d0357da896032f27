import Directory
import Foundation
import Keys
import Testing

@Suite struct SSAClaimSetTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000.75)

    var organisation: Organisation {
        Organisation(
            id: "11111111-1111-4111-8111-111111111111", legalName: "TPP Ltd", registrationNumber: "12345678000190", country: "GB",
            contacts: [Contact(type: "Technical", email: "tech@tpp.example")],
            authorityClaims: [
                AuthorityClaim(
                    authority: "FCA", registrationID: "123456",
                    roles: [RoleGrant(role: "AISP"), RoleGrant(role: "PISP", status: .inactive)])
            ],
            createdAt: now, updatedAt: now)
    }

    var software: SoftwareStatement {
        SoftwareStatement(
            id: "22222222-2222-4222-8222-222222222222", organisationID: organisation.id, clientName: "App", description: "Budgeting",
            version: "1.5",
            clientURI: "https://tpp.example", logoURI: "https://tpp.example/logo.png", redirectURIs: ["https://tpp.example/cb"],
            revocationURI: "https://tpp.example/revoke", recipientBaseURI: "https://tpp.example", roles: ["AISP"], createdAt: now,
            updatedAt: now)
    }

    var issuance: SSAContext {
        SSAContext(keystore: KeystoreURLs(baseURL: "https://directory.example/"), scope: "openid")
    }

    @Test(arguments: EcosystemProfile.allCases)
    func everyProfileCarriesRegisteredClaimsAsWholeSeconds(profile: EcosystemProfile) throws {
        let claims = profile.claimSet.claims(software: software, organisation: organisation, context: issuance)
        let prepared = try PreparedAssertion(
            organisationID: organisation.id, softwareID: software.id, claims: claims, issuer: "Registrar \"Directory\"", lifetime: 600)
        let key = try SigningKey.generate(.ES256)
        let token = try prepared.assertion(signedBy: key, at: now, jwtID: "jti-1")
        let decoded = try JSONDecoder().decode([String: JSONValue].self, from: CompactJWS.verify(token, with: key.publicJWK).payload)
        #expect(decoded["iss"] == .string("Registrar \"Directory\""))
        #expect(decoded["iat"] == .integer(1_800_000_000))
        #expect(decoded["exp"] == .integer(1_800_000_600))
        #expect(decoded["jti"] == .string("jti-1"))
        #expect(decoded["software_id"] == .string(software.id))
        #expect(decoded.count == claims.members.count + 4)
    }

    @Test func identifiersThatNeedEscapingAreStillValidJSON() throws {
        let prepared = try PreparedAssertion(organisationID: "o", softwareID: "s", claims: ClaimSet(), issuer: "i", lifetime: 60)
        let key = try SigningKey.generate(.ES256)
        let token = try prepared.assertion(signedBy: key, at: now, jwtID: "a\"b\\c\u{1}")
        let decoded = try JSONDecoder().decode([String: JSONValue].self, from: CompactJWS.verify(token, with: key.publicJWK).payload)
        #expect(decoded["jti"] == .string("a\"b\\c\u{1}"))
        #expect(decoded.count == 4)
    }

    @Test func obieVersionStaysTextAndLinksPointAtTheKeystore() {
        let claims = OBIEClaimSet().claims(software: software, organisation: organisation, context: issuance)
        #expect(claims["software_version"] == .string("1.5"))
        #expect(
            claims["software_jwks_endpoint"]
                == .string("https://directory.example/organisations/\(organisation.id)/software-statements/\(software.id)/jwks"))
        #expect(claims["org_jwks_revoked_endpoint"] == .string("https://directory.example/organisations/\(organisation.id)/jwks/revoked"))
        guard case .object(let authority) = claims["organisation_competent_authority_claims"] else { Issue.record("not an object"); return }
        // Only Active role grants are asserted.
        #expect(authority["authorisations"] == .array([.object(["member_state": .string("GB"), "roles": .strings(["AISP"])])]))
    }

    @Test func cdrCarriesTheSingleRoleStringAndScope() {
        let claims = CDRClaimSet().claims(software: software, organisation: organisation, context: issuance)
        #expect(claims["software_roles"] == .string("data-recipient-software-product"))
        #expect(claims["legal_entity_id"] == .string(organisation.id))
        #expect(claims["scope"] == .string("openid"))
        #expect(claims["redirect_uris"] == .strings(["https://tpp.example/cb"]))
    }

    @Test func brasilCarriesRoleObjectsAndTransportKeystores() {
        let claims = OpenFinanceBrasilClaimSet().claims(software: software, organisation: organisation, context: issuance)
        #expect(
            claims["software_statement_roles"]
                == .array([
                    .object(["role": .string("AISP"), "authorisation_domain": .string("Open Finance"), "status": .string("Active")])
                ]))
        #expect(claims["org_number"] == .string("12345678000190"))
        #expect(claims["software_jwks_transport_uri"] != nil)
    }

    @Test func missingDataIsNamedPerProfile() {
        var bare = software
        bare.redirectURIs = []
        bare.recipientBaseURI = nil
        var anonymous = organisation
        anonymous.registrationNumber = nil
        #expect(OBIEClaimSet().missingData(software: bare, organisation: organisation) == ["software redirect URIs"])
        #expect(
            CDRClaimSet().missingData(software: bare, organisation: organisation) == [
                "software redirect URIs", "software recipient base URI",
            ])
        #expect(
            OpenFinanceBrasilClaimSet().missingData(software: software, organisation: anonymous) == [
                "the organisation's registration number (CNPJ)"
            ])
    }
}
