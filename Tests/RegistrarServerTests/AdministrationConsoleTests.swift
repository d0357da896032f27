import Directory
import Foundation
import Keys
import Testing

@testable import RegistrarServer

/// The directory's own keys and every API token, administered from the operator page.
@Suite struct AdministrationConsoleTests: ConsoleDriving {
    let people = PeopleConsoleTests()

    func jwksKids(_ live: LiveDirectory) async throws -> [String] {
        ((try await live.get("/jwks").object()["keys"] as? [[String: Any]]) ?? []).compactMap { $0["kid"] as? String }
    }

    @Test func staffRotateTheSigningKeysRetireOldOnesAndRevokeTokens() async throws {
        try await LiveDirectory.run { live in
            let (admin, _) = try await people.signedIn(live, "ana@directory.example", staff: .administrator)
            let (auditor, _) = try await people.signedIn(live, "aud@directory.example", staff: .auditor)
            let before = try await jwksKids(live)
            #expect(before.count == 2, "current and next")
            let shown = try await page(live, "/console/operator", cookie: admin)
            #expect(shown.text.contains("Directory signing keys") && shown.text.contains(before[1]))
            let readOnly = try await page(live, "/console/operator", cookie: auditor)
            #expect(readOnly.text.contains("Directory signing keys") && !readOnly.text.contains("Rotate the signing keys"))
            #expect(
                try await post(live, "/console/operator/signing-keys/rotate", [("confirm", "yes")], cookie: auditor).status == .forbidden)

            let unconfirmed = try await post(live, "/console/operator/signing-keys/rotate", [], cookie: admin)
            let unchanged = try await jwksKids(live)
            #expect(unconfirmed.status == .badRequest && unchanged == before)
            let rotated = try await post(live, "/console/operator/signing-keys/rotate", [("confirm", "yes")], cookie: admin)
            #expect(rotated.status == .seeOther && rotated.headers[.location] == "/console/operator#signing-keys")
            let after = try await jwksKids(live)
            #expect(after.count == 3 && after[0] == before[1] && after[2] == before[0], "next signs, current retired, a new next")

            // The next SSA is signed with the key that was next.
            let ssa = try await live.get(
                "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)/assertion",
                token: live.credentials.providerToken)
            #expect(try CompactJWS.decode(ssa.text).header.kid == before[1])

            let retired = try await post(live, "/console/operator/signing-keys/\(before[0])/retire", [], cookie: admin)
            let published = try await jwksKids(live)
            #expect(retired.status == .seeOther && !published.contains(before[0]))
            let signing = try await post(live, "/console/operator/signing-keys/\(before[1])/retire", [], cookie: admin)
            #expect(signing.status == .conflict, "the signing key is rotated out first")

            // Any token, revoked from the page, stops working at once.
            let token = live.credentials.providerToken
            #expect(try await live.get("/organisations/\(live.credentials.providerOrganisationID)", token: token).status == .ok)
            let listed = try await page(live, "/console/operator", cookie: admin)
            let tokenID = try #require(try await live.runtime.apiTokens.list(for: .system).first { $0.role == .organisation }?.id)
            #expect(listed.text.contains("/console/operator/tokens/\(tokenID)/revoke"))
            #expect(try await post(live, "/console/operator/tokens/\(tokenID)/revoke", [], cookie: auditor).status == .forbidden)
            #expect(try await post(live, "/console/operator/tokens/\(tokenID)/revoke", [], cookie: admin).status == .seeOther)
            #expect(try await live.get("/organisations/\(live.credentials.providerOrganisationID)", token: token).status == .unauthorized)
        }
    }
}
