import ChildProcess
import Directory
import Foundation
import Testing

@testable import RegistrarServer

/// Home pages say what needs attention: staff see the directory at a glance and the certificates about
/// to expire across it; members see their organisation's.
@Suite struct AttentionTests: ConsoleDriving {
    let people = PeopleConsoleTests()

    /// A certificate issued to the seeded software, recorded as if it expired in `days` days.
    func certificate(expiringIn days: Double, _ live: LiveDirectory) async throws -> IssuedCertificate {
        let openssl = try OpenSSLCommand()
        let issued = try await live.runtime.certificates.issue(
            csrPEM: try await openssl.makeCSR(name: "soon", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]), purpose: .transport,
            softwareID: live.credentials.softwareStatementID, organisationID: live.credentials.providerOrganisationID, by: .system)
        let stored = try #require(try await live.runtime.store.record(IssuedCertificate.self, id: issued.id))
        var soon = stored.record
        soon.notAfter = Date().addingTimeInterval(days * 86_400)
        var changes = ChangeSet(actor: "test", at: Date())
        try changes.update(soon, readAt: stored.revision)
        try await live.runtime.store.apply(changes)
        return soon
    }

    @Test func staffAndMembersSeeWhatNeedsThemFirst() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let soon = try await certificate(expiringIn: 12, live)
            let later = try await certificate(expiringIn: 200, live)
            _ = try await live.runtime.onboarding.open(
                legalName: "Newcomer Ltd", country: "GB", applicant: "new@comer.example", by: .system)
            _ = try await live.runtime.people.invite(
                email: "later@tpp.example", to: Membership(organisationID: provider, role: .readOnly), by: .system)

            // Refusals: a token acting on another organisation, a failed sign-in, a refused form.
            let bank = live.credentials.bankOrganisationID
            #expect(
                try await live.get("/organisations/\(bank)/software-statements", token: live.credentials.providerToken).status == .forbidden
            )
            _ = try await people.signIn(live, "nobody@nowhere.example", code: "123456")

            let (staff, _) = try await people.signedIn(live, "ana@directory.example", staff: .auditor)
            let operatorPage = try await page(live, "/console/operator", cookie: staff)
            #expect(
                operatorPage.text.contains("Organisations: 2 Active, 1 Pending. Software statements: 1 Active."),
                "\(operatorPage.text.prefix(3000))")
            #expect(operatorPage.text.contains("Certificates expiring within 30 days") && operatorPage.text.contains(soon.id))
            let panel = try #require(operatorPage.text.firstMatch(of: /id="expiring"(?s:.*?)<h2/)).output
            #expect(panel.contains(soon.id) && !panel.contains(later.id), "only those within 30 days")
            let refusals = try #require(operatorPage.text.firstMatch(of: /id="refusals"(?s:.*?)<\/table>/)).output
            #expect(refusals.contains("GET /organisations/\(bank)/software-statements") && refusals.contains("<td>403</td>"))
            #expect(refusals.contains("POST /console/sign-in") && refusals.contains("a sign-in failed"))

            let (ben, _) = try await people.signedIn(
                live, "ben@tpp.example", to: Membership(organisationID: provider, role: .administrator))
            let home = try await page(live, "/console/home", cookie: ben)
            #expect(home.text.contains("1 certificate expiring within 30 days; 1 invitation not yet accepted"), "\(home.text)")
            let organisation = try await page(live, "/console/organisations/\(provider)", cookie: ben)
            #expect(organisation.text.contains("Certificates expiring within 30 days") && organisation.text.contains(soon.id))
            #expect(
                organisation.text.contains("href=\"/console/organisations/\(provider)/software/\(live.credentials.softwareStatementID)\""))
        }
    }
}
