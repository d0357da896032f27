import Directory
import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import RegistrarServer

/// People through the console's HTTP: joining by invitation with a password and an authenticator,
/// signing in and out, what a refusal looks like, lock-out, and what each role may do.
@Suite struct PeopleConsoleTests {
    let console = OperatorConsoleTests()
    static let password = "a long and private passphrase"

    struct Joined {
        var email: String
        var authenticator: OneTimePassword
    }

    /// Opens an invitation link and fills in its form as a person would; `code` picks the code typed.
    func join(
        _ live: LiveDirectory, secret: String, name: String = "Ana Lima", password: String = password,
        code: (OneTimePassword) -> String = { $0.code(at: Date()) }
    ) async throws -> (reply: LiveDirectory.Reply, authenticator: OneTimePassword) {
        let page = try await live.get("/console/join?invitation=\(secret)")
        #expect(page.status == .ok && page.headers[.cacheControl] == "no-store")
        let key = try #require(page.text.firstMatch(of: /name="authenticator_secret" value="([A-Z2-7]+)"/)?.1)
        let authenticator = OneTimePassword(secret: try #require(Base32.decode(String(key))))
        let reply = try await console.post(
            live, "/console/join",
            form: [
                ("invitation", secret), ("authenticator_secret", String(key)), ("name", name), ("password", password),
                ("code", code(authenticator)),
            ], cookie: nil)
        return (reply, authenticator)
    }

    func invite(_ live: LiveDirectory, _ email: String, staff: StaffRole? = nil, to membership: Membership? = nil) async throws -> String {
        try await live.runtime.people.invite(email: email, staffRole: staff, to: membership, by: .system).secret
    }

    func signIn(_ live: LiveDirectory, _ email: String, password: String = password, code: String) async throws -> LiveDirectory.Reply {
        try await console.post(live, "/console/sign-in", form: [("email", email), ("password", password), ("code", code)], cookie: nil)
    }

    /// A member or staff joined and signed in: their cookie.
    func signedIn(_ live: LiveDirectory, _ email: String, staff: StaffRole? = nil, to membership: Membership? = nil) async throws -> (
        cookie: String, authenticator: OneTimePassword
    ) {
        let (joined, authenticator) = try await join(live, secret: try await invite(live, email, staff: staff, to: membership))
        #expect(joined.status == .seeOther, "\(joined.text)")
        let reply = try await signIn(live, email, code: authenticator.code(at: Date().addingTimeInterval(30)))
        return (try #require(reply.headers[.setCookie], "\(reply.text)"), authenticator)
    }

    @Test func staffJoinWithAPasswordAndAnAuthenticatorThenSignInWithACodeNeverUsedBefore() async throws {
        try await LiveDirectory.run(configure: { $0.passwordHashCost = .standard }) { live in
            let secret = try await invite(live, "Ana@Directory.example", staff: .administrator)
            let form = try await live.get("/console/join?invitation=\(secret)")
            #expect(form.text.contains("ana@directory.example") && form.text.contains("needs a second factor"))
            #expect(form.text.contains("otpauth://totp/127.0.0.1%3Aana%40directory.example?secret="))

            let (withoutCode, _) = try await join(live, secret: secret, code: { _ in "" })
            #expect(withoutCode.status == .unprocessableContent && withoutCode.text.contains("role=\"alert\""))
            let typed = Mutex<String>("")
            let (joined, authenticator) = try await join(live, secret: secret) { generator in
                typed.withLock { $0 = generator.code(at: Date()) }
                return typed.withLock { $0 }
            }
            #expect(joined.status == .seeOther && joined.headers[.location] == "/console/sign-in?joined=1")
            #expect(try await live.get("/console/join?invitation=\(secret)").status == .notFound, "a link works once")

            // The code that confirmed the authenticator was used: the same code again is a replay.
            let replay = try await signIn(live, "ana@directory.example", code: typed.withLock { $0 })
            #expect(replay.status == .unauthorized && replay.headers[.setCookie] == nil)
            let signedIn = try await signIn(live, "ANA@directory.example", code: authenticator.code(at: Date().addingTimeInterval(30)))
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/console/operator")
            let cookie = try #require(signedIn.headers[.setCookie])
            #expect(cookie.hasPrefix("registrar_console=rgs_") && cookie.contains("Max-Age=43200") && cookie.contains("HttpOnly"))

            let page = try await live.get("/console/operator", headers: console.withCookie(cookie))
            #expect(page.status == .ok && page.text.contains("person:ana@directory.example"))
            #expect(page.text.contains("Invite directory staff"), "a staff administrator may invite staff")

            // Secrets stay out of the audit trail; the person is named in it.
            let events = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000)
            #expect(events.contains { $0.action == "session.start" && $0.actor == "person:ana@directory.example" })
            let peoples = events.filter {
                $0.subjectType.hasPrefix("person") || $0.subjectType == "people" || $0.subjectType == "sign_in_sessions"
            }
            #expect(!peoples.isEmpty && !peoples.contains { ($0.after ?? "").contains("scrypt$") || ($0.after ?? "").contains("sealed") })
            #expect(!events.contains { $0.subjectType == "person_credentials" }, "credentials are never audited")
            let person = try #require(try await live.runtime.people.person(withEmail: "ana@directory.example"))
            let credentials = try #require(try await live.runtime.store.record(PersonCredentials.self, id: person.id))
            #expect(credentials.record.passwordHash.hasPrefix("scrypt$ln=17,r=8,p=1$"))

            let out = try await console.post(live, "/console/sign-out", form: [], cookie: cookie)
            #expect(out.status == .seeOther)
            let after = try await live.get("/console/operator", headers: console.withCookie(cookie))
            #expect(after.status == .seeOther && after.headers[.location] == "/console/sign-in", "the session ended on the server")
        }
    }

    @Test func everyFailureReadsTheSameAndFiveInARowLockTheAccount() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let (_, authenticator) = try await signedIn(
                live, "ben@tpp.example", to: Membership(organisationID: provider, role: .administrator))
            let code = { authenticator.code(at: Date()) }
            let attempts = [
                try await signIn(live, "ben@tpp.example", password: "not the password at all", code: code()),
                try await signIn(live, "nobody@tpp.example", code: code()),
                try await signIn(live, "ben@tpp.example", code: "000000"),
                try await signIn(live, "not an address", code: code()),
            ]
            let words = SignIn.failure.description
            for attempt in attempts {
                #expect(attempt.status == .unauthorized && attempt.headers[.setCookie] == nil)
                #expect(attempt.text.contains(HTMLDocument.escape(words)))
            }
            for _ in 0..<3 { _ = try await signIn(live, "ben@tpp.example", password: "still not the password", code: code()) }
            let person = try #require(try await live.runtime.people.person(withEmail: "ben@tpp.example"))
            let credentials = try #require(try await live.runtime.store.record(PersonCredentials.self, id: person.id))
            #expect((credentials.record.lockedUntil ?? .distantPast) > Date(), "five failures in a row lock the account")
            let locked = try await signIn(live, "ben@tpp.example", code: authenticator.code(at: Date().addingTimeInterval(-30)))
            #expect(locked.status == .unauthorized && locked.text.contains(HTMLDocument.escape(words)), "even the right password")
            let events = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000)
            #expect(events.contains { $0.action == "person.lock-out" && $0.subjectID == person.id })
        }
    }

    @Test func membersActInTheirOwnOrganisationAsTheirRoleAllowsAndNowhereElse() async throws {
        try await LiveDirectory.run { live in
            let (provider, bank) = (live.credentials.providerOrganisationID, live.credentials.bankOrganisationID)
            let admin = try await signedIn(live, "carla@tpp.example", to: Membership(organisationID: provider, role: .administrator)).cookie
            #expect(
                try await live.get("/console/home", headers: console.withCookie(admin)).text.contains("/console/organisations/\(provider)"))
            let own = try await live.get("/console/organisations/\(provider)", headers: console.withCookie(admin))
            #expect(own.status == .ok && own.text.contains("Invite a colleague") && own.text.contains("Create token"))
            #expect(try await live.get("/console/organisations/\(bank)", headers: console.withCookie(admin)).status == .forbidden)
            #expect(try await live.get("/console/operator", headers: console.withCookie(admin)).status == .seeOther)

            // An invitation from another origin is refused; from the page it makes a link, shown once.
            let colleague = [("email", "dan@tpp.example"), ("role", "ReadOnly")]
            #expect(
                try await console.post(
                    live, "/console/organisations/\(provider)/invitations", form: colleague, cookie: admin, origin: "https://evil.example"
                )
                .status == .forbidden)
            #expect(
                try await console.post(live, "/console/organisations/\(bank)/invitations", form: colleague, cookie: admin).status
                    == .forbidden)
            let invited = try await console.post(live, "/console/organisations/\(provider)/invitations", form: colleague, cookie: admin)
            let link = try #require(invited.text.firstMatch(of: /invitation=(rgi_[A-Za-z0-9_-]+)/)?.1)
            let (joined, _) = try await join(live, secret: String(link), name: "Dan", code: { _ in "" })
            #expect(joined.status == .seeOther, "a read-only member may skip the authenticator")
            let reader = try #require(try await signIn(live, "dan@tpp.example", code: "").headers[.setCookie])
            let readerPage = try await live.get("/console/organisations/\(provider)", headers: console.withCookie(reader))
            #expect(readerPage.status == .ok && !readerPage.text.contains("Create token"))
            #expect(
                try await console.post(live, "/console/organisations/\(provider)/tokens", form: [("label", "x")], cookie: reader).status
                    == .forbidden)

            // The administrator's token works on the API for the organisation, and cannot make tokens.
            let created = try await console.post(live, "/console/organisations/\(provider)/tokens", form: [("label", "ci")], cookie: admin)
            let token = String(try #require(created.text.firstMatch(of: /(rgr_[A-Za-z0-9_-]+)/)?.1))
            #expect(try await live.get("/organisations/\(provider)", token: token).status == .ok)
            #expect(try await live.get("/organisations/\(bank)", token: token).status == .forbidden)
            #expect(try await live.send(.post, "/tokens", json: #"{"label":"x","role":"operator"}"#, token: token).status == .forbidden)

            // Removing the colleague ends their session at once.
            let dan = try #require(try await live.runtime.people.person(withEmail: "dan@tpp.example"))
            #expect(
                try await console.post(live, "/console/organisations/\(provider)/members/\(dan.id)/remove", form: [], cookie: admin).status
                    == .seeOther)
            #expect(try await live.get("/console/home", headers: console.withCookie(reader)).headers[.location] == "/console/sign-in")
        }
    }

    /// A page with `Referrer-Policy: no-referrer` posts with `Origin: null`: the browser's own
    /// `Sec-Fetch-Site` then decides (a sandboxed frame elsewhere also sends `null`, as cross-site).
    @Test func aNullOriginCountsOnlyWithTheBrowsersSameOriginFetchSite() async throws {
        try await LiveDirectory.run { live in
            for (site, expected) in [("same-origin", HTTPResponse.Status.unauthorized), ("cross-site", .forbidden), (nil, .forbidden)] {
                var headers = HTTPFields()
                headers[HTTPField.Name("Origin")!] = "null"
                if let site { headers[HTTPField.Name("Sec-Fetch-Site")!] = site }
                let reply = try await live.request(
                    .post, "/console/sign-in", headers: headers, body: Data("email=a%40b.example&password=x&code=1".utf8),
                    contentType: "application/x-www-form-urlencoded")
                #expect(reply.status == expected, "Sec-Fetch-Site \(site ?? "absent")")
            }
        }
    }

    @Test func disablingAPersonEndsTheirSessionsAndSignInsAtOnce() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let (member, authenticator) = try await signedIn(
                live, "eve@tpp.example", to: Membership(organisationID: provider, role: .technicalContact))
            #expect(try await live.get("/console/home", headers: console.withCookie(member)).status == .ok)
            let operatorCookie = try #require(try await console.signIn(live, token: live.credentials.operatorToken).headers[.setCookie])
            let eve = try #require(try await live.runtime.people.person(withEmail: "eve@tpp.example"))
            let disabled = try await console.post(
                live, "/console/operator/people/\(eve.id)/status", form: [("status", "Disabled")], cookie: operatorCookie)
            #expect(disabled.status == .seeOther)
            #expect(try await live.get("/console/home", headers: console.withCookie(member)).headers[.location] == "/console/sign-in")
            let again = try await signIn(live, "eve@tpp.example", code: authenticator.code(at: Date().addingTimeInterval(-30)))
            #expect(again.status == .unauthorized)
        }
    }

    @Test func expiredWithdrawnAndMadeUpInvitationLinksAreRefusedAlike() async throws {
        try await LiveDirectory.run { live in
            let past = People(
                store: live.runtime.store, encryptionKey: TestStores.encryptionKey, clock: { Date().addingTimeInterval(-73 * 3600) })
            let expired = try await past.invite(email: "old@tpp.example", staffRole: .auditor, by: .system).secret
            let withdrawn = try await live.runtime.people.invite(email: "gone@tpp.example", staffRole: .auditor, by: .system)
            try await live.runtime.people.withdrawInvitation(withdrawn.invitation.id, by: .system)
            for secret in [expired, withdrawn.secret, "rgi_made-up", "", String(repeating: "x", count: 5000)] {
                let reply = try await live.get("/console/join?invitation=\(secret)")
                #expect(reply.status == .notFound && reply.text.contains("not valid"), "\(secret.prefix(20))")
            }
            let posted = try await console.post(live, "/console/join", form: [("invitation", expired), ("name", "Old")], cookie: nil)
            #expect(posted.status == .notFound)
        }
    }
}
