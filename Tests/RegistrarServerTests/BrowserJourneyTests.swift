import Directory
import Foundation
import Testing

/// Whole journeys in a real Chromium driven by Selenium (Tests/Witnesses/browser_journey.py): what
/// people do in the console, through the pages as a browser renders and submits them. Screenshots land
/// in .build/artefacts/browser-journey.
@Suite(witnessesAvailable) struct BrowserJourneyTests {
    @Test func staffInviteAnOrganisationsAdministratorWhoSignsInAndCreatesAToken() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let invitation = try await live.runtime.people.invite(email: "ana@directory.example", staffRole: .administrator, by: .system)
            let artefacts = Witness.packageRoot.appending(path: ".build/artefacts/browser-journey").path
            let result = try await Witness.python(
                "browser_journey.py",
                [live.baseURL, "\(live.baseURL)/console/join?invitation=\(invitation.secret)", provider, artefacts])
            guard result.status == 0 else { return }
            let journey = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            let token = try #require(journey?["token"] as? String)
            // curl on a new connection: the test's own client sat idle through the journey, past the
            // server's idle time-out.
            let status = try await Witness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)",
                    "\(live.baseURL)/organisations/\(provider)",
                ])
            #expect(status.output == "200", "the token the page showed works: \(status.output)")
            let pages = try #require(journey?["pages"] as? [String])
            #expect(pages.count == 9, "\(pages)")
            let files = try FileManager.default.contentsOfDirectory(atPath: artefacts).filter { $0.hasSuffix(".png") }
            #expect(files.count >= 9)
            let bank = try #require(try await live.runtime.people.person(withEmail: "ben@tpp.example"))
            #expect(bank.memberships == [Membership(organisationID: provider, role: .administrator)])
        }
    }
}
