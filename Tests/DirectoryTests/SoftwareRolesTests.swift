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
}
