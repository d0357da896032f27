import Directory
import Foundation
import HTTPTypes
import Testing

@testable import RegistrarServer

/// A new organisation joins: staff open an application, the applicant completes it, staff approve or
/// reject it. Until approved it is in no published document; after approval its data is staff's.
@Suite struct OnboardingTests: ConsoleDriving {
    let people = PeopleConsoleTests()

    /// Whether any public document names the organisation.
    func published(_ live: LiveDirectory, _ id: String) async throws -> Bool {
        let listed = try await live.get("/participants").text.contains(id)
        let statuses = try await live.get("/status/organisations").text.contains(id)
        let one = try await live.get("/participants/\(id)").status
        let keys = try await live.get("/organisations/\(id)/jwks").status
        #expect(listed == statuses && statuses == (one == .ok) && (one == .ok) == (keys == .ok), "every document agrees")
        return listed
    }

    static let details: [(String, String)] = [
        ("legal_name", "Ben's Budgeting Ltd"), ("registration_number", "09876543"), ("country", "gb"), ("authority", "FCA"),
        ("registration_id", "812345"), ("roles", "AISP"), ("roles", "PISP"), ("business_name", "Bea Boss"),
        ("business_email", "bea@tpp.example"), ("technical_name", "Tom Tech"), ("technical_email", "tom@tpp.example"),
        ("technical_phone", "+44 20 7946 0000"),
    ]

    @Test func staffOpenAnApplicationTheApplicantCompletesItAndStaffApproveIt() async throws {
        try await LiveDirectory.run { live in
            let (staff, _) = try await people.signedIn(live, "ana@directory.example", staff: .operator)
            let opened = try await post(
                live, "/console/operator/applications",
                [("legal_name", "Ben's Budgeting"), ("country", "GB"), ("email", "ben@tpp.example")], cookie: staff)
            #expect(opened.status == .ok && opened.headers[.cacheControl] == "no-store", "\(opened.text)")
            let secret = try #require(opened.text.firstMatch(of: /invitation=(rgi_[A-Za-z0-9_-]+)/)?.1)
            let organisation = try #require(try await live.runtime.directory.organisations().first { $0.legalName == "Ben's Budgeting" })
            #expect(organisation.status == .pending)
            #expect(try await published(live, organisation.id) == false, "an application is not a participant")

            let (joined, authenticator) = try await people.join(live, secret: String(secret))
            #expect(joined.status == .seeOther)
            let signedIn = try await people.signIn(live, "ben@tpp.example", code: authenticator.code(at: Date().addingTimeInterval(30)))
            let ben = try #require(signedIn.headers[.setCookie])
            let path = "/console/organisations/\(organisation.id)"
            let application = try await page(live, path, cookie: ben)
            #expect(application.text.contains("This organisation is an application") && application.text.contains("<details open>"))
            #expect(!application.text.contains("New software statement"), "software waits for approval")
            let early = try await post(live, "\(path)/software", [("client_name", "Too soon")], cookie: ben)
            #expect(early.status.code / 100 == 4)

            // A refusal comes back on the organisation's page and changes nothing.
            let typo = try await post(
                live, "\(path)/details", Self.details.map { $0.0 == "country" ? ("country", "GBR") : $0 }, cookie: ben)
            #expect(typo.status == .badRequest && typo.text.contains("role=\"alert\"") && typo.text.contains("ISO 3166-1"))
            #expect(try await live.runtime.directory.organisation(organisation.id).registrationNumber == nil)

            let completed = try await post(live, "\(path)/details", Self.details, cookie: ben)
            #expect(completed.status == .seeOther && completed.headers[.location] == "\(path)#details", "\(completed.text)")
            let data = try await live.runtime.directory.organisation(organisation.id)
            #expect(data.legalName == "Ben's Budgeting Ltd" && data.country == "GB" && data.registrationNumber == "09876543")
            #expect(
                data.authorityClaims == [
                    AuthorityClaim(authority: "FCA", registrationID: "812345", roles: [.init(role: "AISP"), .init(role: "PISP")])
                ])
            #expect(data.contacts.map(\.type) == ["Business", "Technical"] && data.contacts[1].phone == "+44 20 7946 0000")
            let events = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000)
            #expect(events.contains { $0.action == "organisation.update" && $0.actor == "person:ben@tpp.example" })

            // Staff see it waiting, with its data, and decide.
            let operatorPage = try await page(live, "/console/operator", cookie: staff)
            #expect(operatorPage.text.contains("Applications waiting for approval") && operatorPage.text.contains("FCA 812345: AISP, PISP"))
            let status = "/console/operator/organisations/\(organisation.id)/status"
            let reasonless = try await post(live, status, [("status", "Rejected"), ("confirm", "yes")], cookie: staff)
            #expect(reasonless.status == .badRequest && reasonless.text.contains("a rejection needs a reason"))
            let approved = try await post(live, status, [("status", "Active")], cookie: staff)
            #expect(approved.status == .seeOther, "\(approved.text)")
            #expect(try await published(live, organisation.id), "approved, it is a participant")

            // From now on its data is the staff's; its people build on it.
            let member = try await page(live, path, cookie: ben)
            #expect(!member.text.contains("Change the details") && member.text.contains("New software statement"))
            let late = try await post(live, "\(path)/details", Self.details.map { $0.0 == "roles" ? ("roles", "ASPSP") : $0 }, cookie: ben)
            #expect(late.status == .forbidden)
            #expect(try await live.runtime.directory.organisation(organisation.id).authorityClaims == data.authorityClaims)
            let software = try await post(live, "\(path)/software", [("client_name", "Ben's App"), ("roles", "AISP")], cookie: ben)
            #expect(software.status == .seeOther, "\(software.text)")
        }
    }

    @Test func aRejectedApplicationIsFinalNeverPublishedAndTheApplicantReadsWhy() async throws {
        try await LiveDirectory.run { live in
            let token = live.credentials.operatorToken
            let missing = try await live.request(
                .post, "/applications", token: token, body: Data(#"{"legalName":"X","country":"GB"}"#.utf8))
            #expect(missing.status == .badRequest)
            let badAddress = try await live.request(
                .post, "/applications", token: token,
                body: Data(#"{"legalName":"Shady Ltd","country":"GB","applicantEmail":"not an address"}"#.utf8))
            #expect(badAddress.status == .badRequest)
            #expect(try await live.runtime.directory.organisations().contains { $0.legalName == "Shady Ltd" } == false, "nothing half-made")
            let forbidden = try await live.request(
                .post, "/applications", token: live.credentials.providerToken,
                body: Data(#"{"legalName":"Shady Ltd","country":"GB","applicantEmail":"sam@shady.example"}"#.utf8))
            #expect(forbidden.status == .forbidden)

            let opened = try await live.request(
                .post, "/applications", token: token,
                body: Data(#"{"legalName":"Shady Ltd","country":"GB","applicantEmail":"sam@shady.example"}"#.utf8))
            #expect(opened.status == .created && opened.headers[.cacheControl] == "no-store")
            let body = try opened.object()
            let id = try #require(body["id"] as? String)
            let link = try #require(body["invitationLink"] as? String)
            #expect(body["status"] as? String == "Pending" && link.contains("/console/join?invitation=rgi_"))

            let status = "/organisations/\(id)/status"
            let reasonless = try await live.request(.put, status, token: token, body: Data(#"{"status":"Rejected"}"#.utf8))
            #expect(reasonless.status == .badRequest)
            let rejected = try await live.request(
                .put, status, token: token,
                body: Data(#"{"status":"Rejected","reason":"No FCA authorisation was found for this firm."}"#.utf8))
            let reason = try rejected.object()["statusReason"] as? String
            #expect(rejected.status == .ok && reason?.hasPrefix("No FCA") == true)
            let again = try await live.request(.put, status, token: token, body: Data(#"{"status":"Active"}"#.utf8))
            #expect(again.status == .conflict, "Rejected is final")
            #expect(try await published(live, id) == false)
            let frozen = try await live.request(
                .put, "/organisations/\(id)", token: token, body: Data(#"{"legalName":"Shady Two","country":"GB"}"#.utf8))
            #expect(frozen.status == .conflict, "a final organisation's data is final")

            // The applicant still joins and reads why.
            let secret = try #require(link.split(separator: "=").last.map(String.init))
            let (_, authenticator) = try await people.join(live, secret: secret)
            let signedIn = try await people.signIn(live, "sam@shady.example", code: authenticator.code(at: Date().addingTimeInterval(30)))
            let cookie = try #require(signedIn.headers[.setCookie])
            let seen = try await page(live, "/console/organisations/\(id)", cookie: cookie)
            #expect(seen.text.contains("rejected this application: No FCA authorisation was found for this firm."))
        }
    }

    @Test func anApprovedOrganisationsDataIsChangedByStaffNotByItsOwnToken() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let before = try await live.runtime.directory.organisation(provider)
            let change = Data(#"{"legalName":"Renamed Ltd","country":"GB","registrationNumber":"1234"}"#.utf8)
            let own = try await live.request(.put, "/organisations/\(provider)", token: live.credentials.providerToken, body: change)
            #expect(own.status == .forbidden)
            #expect(try await live.runtime.directory.organisation(provider) == before)
            let asStatus = try await live.request(
                .put, "/organisations/\(provider)", token: live.credentials.operatorToken,
                body: Data(#"{"legalName":"Renamed Ltd","country":"GB","status":"Suspended"}"#.utf8))
            #expect(asStatus.status == .badRequest, "a status changes through …/status")
            let staff = try await live.request(.put, "/organisations/\(provider)", token: live.credentials.operatorToken, body: change)
            #expect(staff.status == .ok)
            let after = try await live.runtime.directory.organisation(provider)
            #expect(after.legalName == "Renamed Ltd" && after.registrationNumber == "1234" && after.status == .active)
            #expect(after.authorityClaims.isEmpty && after.id == before.id, "PUT replaces the data")
            #expect(after.createdAt == before.createdAt, "an update keeps the creation time to the millisecond")
            #expect(try await live.get("/participants/\(provider)").text.contains("Renamed Ltd"))
        }
    }
}
