import Directory
import Foundation
import HTTPTypes
import Testing

@testable import RegistrarServer

/// The web console's participant browser, read as a browser reads it (Python's HTML tokenizer) and
/// held to what the participants document publishes.
@Suite struct ConsoleTests {
    /// What `Tests/Witnesses/read_html_page.py` saw on a page.
    struct PageReading: Decodable {
        let status: Int
        let csp: String?
        let start_tags: [String]
        let text: String
        let links: [String?]
        let style_sha256: String
        let unclosed: [String]

        static func of(_ url: String, cookie: String? = nil) async throws -> PageReading {
            let result = try await Witness.python("read_html_page.py", [url] + (cookie.map { [$0] } ?? []))
            return try JSONDecoder().decode(PageReading.self, from: Data(result.output.utf8))
        }
    }

    @Test(witnessesAvailable)
    func theParticipantListShowsEveryPublishedParticipantAndLinksToItsPage() async throws {
        try await LiveDirectory.run { live in
            let published = try await live.get("/participants").json([[String: JSONAny]].self)
            let page = try await PageReading.of("\(live.baseURL)/console")
            #expect(page.status == 200)
            #expect(page.unclosed.isEmpty, "elements left open or closed out of order: \(page.unclosed)")
            #expect(page.text.contains("2 organisations"))
            for participant in published {
                let id = try #require(participant["OrganisationId"]?.string)
                #expect(page.text.contains(try #require(participant["OrganisationName"]?.string)))
                #expect(page.links.contains("/console/participants/\(id)"))
            }
            #expect(page.text.contains("FCA: ASPSP"))
            #expect(page.text.contains("Sandbox Bank"))
        }
    }

    @Test(witnessesAvailable)
    func aParticipantPageShowsItsRolesServersAndKeystoreLinks() async throws {
        try await LiveDirectory.run { live in
            let bank = live.credentials.bankOrganisationID
            let page = try await PageReading.of("\(live.baseURL)/console/participants/\(bank)")
            #expect(page.status == 200)
            #expect(page.unclosed.isEmpty, "\(page.unclosed)")
            for shown in [
                "Sandbox Bank plc", "00000001", "FCA", "100001", "ASPSP", "https://auth.bank.example", "accounts", "3.1.11", "Certified",
            ] {
                #expect(page.text.contains(shown), "\(shown) is not on the page")
            }
            #expect(page.links.contains("/organisations/\(bank)/jwks"))
            #expect(page.links.contains("/participants/\(bank)"))
            #expect(page.links.contains("https://auth.bank.example/.well-known/openid-configuration"))
            #expect(page.links.contains("https://api.bank.example/open-banking/v3.1/aisp/accounts"))
            // Contacts are personal data: the participants document leaves them out, and so does the page.
            #expect(!page.text.contains("api@bank.example"))

            let unknown = try await live.get("/console/participants/\(UUID().uuidString.lowercased())")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/problem+json")
            #expect(try await live.get("/console/participants/not-an-id").status == .notFound)
        }
    }

    @Test(witnessesAvailable)
    func namesAreShownAsTextAndNothingOnThePageCanRun() async throws {
        try await LiveDirectory.run { live in
            let hostile = #"<script>alert("x")</script> & <img src=x onerror=alert(1)> Ltd"#
            let body = try JSONSerialization.data(withJSONObject: ["legalName": hostile, "country": "IE"])
            let created = try await live.send(
                .post, "/organisations", json: String(decoding: body, as: UTF8.self), token: live.credentials.operatorToken)
            #expect(created.status == .created)
            let id = try #require(try created.object()["id"] as? String)

            for path in ["/console", "/console/participants/\(id)"] {
                let page = try await PageReading.of(live.baseURL + path)
                #expect(page.text.contains(hostile), "\(path) does not show the name as text")
                #expect(!page.start_tags.contains("script") && !page.start_tags.contains("img"), "\(path): \(page.start_tags)")
                #expect(!page.start_tags.contains { $0.hasPrefix("event-handler:") })
                #expect(page.unclosed.isEmpty, "\(path): \(page.unclosed)")
                // The only style the policy admits is the page's own sheet, by its hash; no script source at all.
                let csp = try #require(page.csp)
                #expect(csp.contains("default-src 'none'") && csp.contains("'sha256-\(page.style_sha256)'"))
                #expect(!csp.contains("script-src"))
            }
        }
    }

    @Test func pagesAreCachedPerRevisionAndAnswerIfNoneMatch() async throws {
        try await LiveDirectory.run { live in
            let first = try await live.get("/console")
            #expect(first.headers[.contentType] == "text/html; charset=utf-8")
            #expect(first.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let etag = try #require(first.headers[.eTag])
            var conditional = HTTPFields()
            conditional[.ifNoneMatch] = etag
            #expect(try await live.get("/console", headers: conditional).status == .notModified)

            let created = try await live.send(
                .post, "/organisations", json: #"{"legalName":"Third Bank","country":"IE"}"#, token: live.credentials.operatorToken)
            #expect(created.status == .created)
            let changed = try await live.get("/console", headers: conditional)
            #expect(changed.status == .ok && changed.text.contains("Third Bank"))
        }
    }

    @Test func theParticipantBrowserSearchesAndPagesInNameOrder() async throws {
        try await LiveDirectory.run(seed: false) { live in
            // One change set for all 120 (a created organisation each would take a minute on a busy machine).
            var changes = ChangeSet(actor: "test", at: Date())
            var seven = ""
            for index in 1...120 {
                let name = index % 3 == 0 ? "Société Générale \(index)" : "Budget Bank \(index)"
                let organisation = Organisation(
                    id: RecordIdentifier.make(), legalName: name, registrationNumber: "REG\(index)", country: "FR", createdAt: Date(),
                    updatedAt: Date())
                try changes.insert(organisation, auditedAs: "organisation.create")
                if index == 7 { seven = organisation.id }
            }
            try await live.runtime.store.apply(changes)
            _ = try await live.runtime.directory.createAuthorisationServer(
                in: seven,
                NewAuthorisationServer(
                    issuer: "https://as.seven.example",
                    openIDDiscoveryDocument: "https://as.seven.example/.well-known/openid-configuration",
                    customerFriendlyName: "Seven Online"), by: .system)
            _ = try await live.runtime.onboarding.open(
                legalName: "Budget Bank Applicant", country: "GB", applicant: "a@b.example", by: .system)
            let first = try await live.get("/console")
            #expect(first.text.contains("120 organisations in the directory") && first.text.contains("Page 1 of 3"))
            #expect(!first.text.contains("Budget Bank Applicant"), "applications are not participants")
            #expect(first.text.contains(#"href="/console?page=2">Next →"#) && !first.text.contains("Previous"))
            #expect(first.text.components(separatedBy: "<tr>").count - 2 == 50, "a page holds 50")

            // Every word must match; accents and case do not matter; the form shows what was asked.
            let societe = try await live.get("/console?q=societe%20GENERALE")
            #expect(societe.status == .ok && societe.text.contains("40 organisations of 120 match"), "\(societe.text.prefix(2000))")
            #expect(societe.text.contains(#"value="societe GENERALE""#) && !societe.text.contains("Budget Bank"))
            let names = societe.text.matches(of: /Société Générale (\d+)</).map { Int($0.1) ?? 0 }
            #expect(names.count == 40 && names.map(String.init) == names.map(String.init).sorted(), "name order")
            #expect(try await live.get("/console?q=seven%20online").text.contains("Budget Bank 7<"), "servers' names are searched")
            #expect(try await live.get("/console?q=REG118").text.contains("1 organisation of 120 match"))
            let last = try await live.get("/console?q=bank&page=2")
            #expect(last.text.contains("Page 2 of 2") && last.text.contains(#"href="/console?q=bank">← Previous"#))
            #expect(try await live.get("/console?q=nothing-like-it").text.contains("No participant matches."))

            for bad in ["/console?page=0", "/console?page=x", "/console?q=\(String(repeating: "a", count: 101))", "/console?sort=name"] {
                let refused = try await live.get(bad)
                #expect(refused.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func linksFromDataAreFollowedOnlyToWebAddresses() {
        for target in [
            "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "//evil.example/x", "vbscript:x", "not a url",
        ] {
            var page = HTMLDocument()
            page.link(target, "label")
            #expect(page.markup == "label", "\(target) became \(page.markup)")
        }
        var page = HTMLDocument()
        page.link("https://bank.example/terms?a=1&b=2", "Terms <of> use")
        #expect(page.markup == #"<a href="https://bank.example/terms?a=1&amp;b=2">Terms &lt;of&gt; use</a>"#)
        var own = HTMLDocument()
        own.link(path: ["console", "participants", "a/b?c"], "x")
        #expect(own.markup == #"<a href="/console/participants/a%2Fb%3Fc">x</a>"#)
    }
}

/// Enough of a JSON value to read strings out of the participants document.
struct JSONAny: Decodable {
    let string: String?
    init(from decoder: any Decoder) throws { string = try? decoder.singleValueContainer().decode(String.self) }
}
