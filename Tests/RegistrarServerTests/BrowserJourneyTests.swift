import Directory
import Foundation
import Testing

/// Whole journeys in a real Chromium driven by Selenium (Tests/Witnesses/browser_journey.py): what
/// people do in the console, through the pages as a browser renders and submits them. Screenshots land
/// in .build/artefacts/browser-journey.
@Suite(witnessesAvailable) struct BrowserJourneyTests {
    @Test func aProviderIsOnboardedApprovedAndTakesACertificateAndAnSSAThenABankPublishesAServer() async throws {
        try await LiveDirectory.run { live in
            let bank = live.credentials.bankOrganisationID
            let invitation = try await live.runtime.people.invite(email: "ana@directory.example", staffRole: .administrator, by: .system)
            let bankInvitation = try await live.runtime.people.invite(
                email: "otto@bank.example", to: Membership(organisationID: bank, role: .administrator), by: .system)
            let link = { (secret: String) in "\(live.baseURL)/console/join?invitation=\(secret)" }
            let artefacts = Witness.packageRoot.appending(path: ".build/artefacts/browser-journey").path
            let result = try await Witness.python(
                "browser_journey.py", [live.baseURL, link(invitation.secret), link(bankInvitation.secret), bank, artefacts])
            guard result.status == 0 else { return }
            let journey = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            let provider = try #require(journey?["organisation"] as? String)
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
            #expect(pages.count == 18, "\(pages)")
            let files = try FileManager.default.contentsOfDirectory(atPath: artefacts).filter { $0.hasSuffix(".png") }
            #expect(files.count == pages.count)

            // What the pages did is in the directory, named after the person who did it.
            let organisation = try await live.runtime.directory.organisation(provider)
            #expect(organisation.status == .active && organisation.legalName == "Ben's Budgeting Ltd")
            #expect(organisation.authorityClaims.first?.roles.map(\.role) == ["AISP", "PISP"])
            let software = try #require(journey?["software"] as? String)
            #expect(try await live.runtime.directory.software(software, in: provider).clientName == "Ben's Budgeting")
            let events = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000)
            let did = { (action: String, person: String) in events.contains { $0.action == action && $0.actor == "person:\(person)" } }
            #expect(did("organisation.create", "ana@directory.example") && did("organisation.status", "ana@directory.example"))
            for action in ["organisation.update", "software.create", "key.add", "certificate.issue"] {
                #expect(did(action, "ben@tpp.example"), "\(action)")
            }
            #expect(did("authorisation-server.create", "otto@bank.example"))
            let ben = try #require(try await live.runtime.people.person(withEmail: "ben@tpp.example"))
            #expect(ben.memberships == [Membership(organisationID: provider, role: .administrator)])
        }
    }
}
