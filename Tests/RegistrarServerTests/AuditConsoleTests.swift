import Crypto
import Directory
import Foundation
import Testing

@testable import RegistrarServer

/// The staff's audit page: newest first, narrowed by organisation, person, kind and time, in pages.
@Suite struct AuditConsoleTests: ConsoleDriving {
    let people = PeopleConsoleTests()

    /// The event numbers a page lists, in its order.
    func eventNumbers(_ page: LiveDirectory.Reply) -> [Int] {
        page.text.matches(of: /<tr><td>(\d+)<\/td>/).compactMap { Int($0.1) }
    }

    @Test func staffNarrowTheTrailByOrganisationPersonKindAndTime() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let (auditor, _) = try await people.signedIn(live, "aud@directory.example", staff: .auditor)
            let (ben, _) = try await people.signedIn(
                live, "ben@tpp.example", to: Membership(organisationID: provider, role: .administrator))
            let elsewhere = try await live.runtime.directory.createOrganisation(
                NewOrganisation(legalName: "Elsewhere Ltd", country: "GB"), by: .system)
            let software = live.credentials.softwareStatementID
            let current = try await live.runtime.directory.software(software, in: provider)
            let renamed = try await post(
                live, "/console/organisations/\(provider)/software/\(software)",
                [("client_name", "Renamed by Ben"), ("redirect_uris", current.redirectURIs.joined(separator: "\n"))]
                    + current.roles.map { ("roles", $0) }, cookie: ben)
            #expect(renamed.status == .seeOther)

            let everything = try await page(live, "/console/operator/audit", cookie: auditor)
            #expect(everything.status == .ok, "auditors read the trail")
            let numbers = eventNumbers(everything)
            #expect(numbers.count > 10 && numbers == numbers.sorted(by: >), "newest first")

            let organisation = try await page(live, "/console/operator/audit?organisation=\(provider)", cookie: auditor)
            #expect(organisation.text.contains("software.update") && !organisation.text.contains("organisations \(elsewhere.id)"))
            #expect(everything.text.contains("organisations \(elsewhere.id)"))
            let person = try await page(live, "/console/operator/audit?person=ben%40tpp.example", cookie: auditor)
            let actors = Set(person.text.matches(of: /<td>(person:[^<]+)<\/td>/).map { String($0.1) })
            #expect(actors == ["person:ben@tpp.example"], "\(actors)")
            let kind = try await page(live, "/console/operator/audit?kind=software", cookie: auditor)
            let actions = Set(kind.text.matches(of: /<td>([a-z-]+\.[a-z.-]+)<\/td>/).map { String($0.1) })
            #expect(!actions.isEmpty && actions.allSatisfy { $0.hasPrefix("software.") }, "\(actions)")
            let future = try await page(live, "/console/operator/audit?since=2999-01-01T00:00", cookie: auditor)
            #expect(future.text.contains("No event matches."))

            // Fifty to a page; the next page continues below the last one shown, with the same filters.
            let first = try await page(live, "/console/operator/audit?kind=key", cookie: auditor)
            for _ in 0..<55 {
                _ = try await live.runtime.directory.addKey(
                    Data(P256.Signing.PrivateKey().publicKey.pemRepresentation.utf8), to: .organisation(provider), by: .system)
            }
            #expect(eventNumbers(first).count < 50)
            let full = try await page(live, "/console/operator/audit?kind=key", cookie: auditor)
            #expect(eventNumbers(full).count == 50)
            let older = try #require(full.text.firstMatch(of: /href="(\/console\/operator\/audit\?kind=key&amp;before=\d+)"/)?.1)
            let next = try await page(live, older.replacingOccurrences(of: "&amp;", with: "&"), cookie: auditor)
            #expect(eventNumbers(next).first.map { $0 < eventNumbers(full).last ?? 0 } == true)

            for bad in ["kind=nonsense", "since=yesterday", "sort=id", "before=x"] {
                #expect(try await page(live, "/console/operator/audit?\(bad)", cookie: auditor).status == .badRequest, "\(bad)")
            }
            #expect(try await page(live, "/console/operator/audit", cookie: ben).status == .seeOther, "members are not staff")
        }
    }

}
