import Directory
import Foundation
import Testing

/// Software claims only roles its organisation holds.
@Suite struct SoftwareRolesTests {
    static func organisation(_ claims: [AuthorityClaim]) -> Organisation {
        Organisation(id: "o", legalName: "TPP", country: "GB", authorityClaims: claims, createdAt: Date(), updatedAt: Date())
    }

    @Test func rolesMustBeActiveGrantsOfTheOrganisationsClaims() throws {
        let organisation = Self.organisation([
            AuthorityClaim(
                authority: "FCA", registrationID: "1", roles: [RoleGrant(role: "AISP"), RoleGrant(role: "PISP", status: .inactive)])
        ])
        try SoftwareRoles.requireAuthorised(["AISP"], by: organisation)
        try SoftwareRoles.requireAuthorised([], by: organisation)
        for refused in [["XYZ"], ["PISP"], ["AISP", "CBPII"]] {
            #expect(throws: DirectoryError.self, "\(refused)") { try SoftwareRoles.requireAuthorised(refused, by: organisation) }
        }
    }

    @Test func anOrganisationWithoutAuthorityClaimsIsNotHeldToThem() throws {
        try SoftwareRoles.requireAuthorised(["data-recipient-software-product"], by: Self.organisation([]))
    }

    @Test func eachProfileKnowsItsOwnRoles() throws {
        try RoleVocabulary.requireKnown(softwareRoles: ["AISP", "PISP", "CBPII"], in: .obie)
        try RoleVocabulary.requireKnown(softwareRoles: ["DADOS", "PAGTO"], in: .ofb)
        try RoleVocabulary.requireKnown(softwareRoles: ["data-recipient-software-product"], in: .cdr)
        for (roles, profile) in [(["XYZ"], EcosystemProfile.obie), (["DADOS"], .obie), (["AISP"], .ofb), (["AISP"], .cdr)] {
            #expect(throws: DirectoryError.self, "\(roles) in \(profile)") {
                try RoleVocabulary.requireKnown(softwareRoles: roles, in: profile)
            }
        }
        let claim = { (role: String) in [AuthorityClaim(authority: "X", registrationID: "1", roles: [RoleGrant(role: role)])] }
        try RoleVocabulary.requireKnown(authorityClaims: claim("ASPSP"), in: .obie)
        try RoleVocabulary.requireKnown(authorityClaims: claim("CONTA"), in: .ofb)
        try RoleVocabulary.requireKnown(authorityClaims: claim("anything"), in: .cdr)
        #expect(throws: DirectoryError.self) { try RoleVocabulary.requireKnown(authorityClaims: claim("ASPSP"), in: .ofb) }
    }

    @Test func aGrantSentWithoutAStatusIsActive() throws {
        let grant = try JSONDecoder().decode(RoleGrant.self, from: Data(#"{"role":"AISP"}"#.utf8))
        #expect(grant == RoleGrant(role: "AISP", status: .active))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RoleGrant.self, from: Data(#"{"role":"AISP","status":"Maybe"}"#.utf8))
        }
    }
}
