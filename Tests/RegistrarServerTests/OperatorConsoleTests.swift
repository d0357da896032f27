import ChildProcess
import Directory
import Foundation
import HTTPTypes
import PKI
import Testing

@testable import RegistrarServer

/// Signing an operator in to the console, what the signed-in page shows, and what the cookie can and
/// cannot do.
@Suite struct OperatorConsoleTests {
    static let origin = HTTPField.Name("Origin")!

    func signIn(_ live: LiveDirectory, token: String, origin: String? = nil) async throws -> LiveDirectory.Reply {
        try await post(live, "/console/sign-in", form: [("token", token)], cookie: nil, origin: origin)
    }

    func withCookie(_ setCookie: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.cookie] = String(setCookie.split(separator: ";")[0])
        return headers
    }

    @Test func anOperatorTokenSignsInWithAConsoleOnlyCookieAndTheOperatorPageShowsTrustAndAudit() async throws {
        try await LiveDirectory.run { live in
            let away = try await live.get("/console/operator")
            #expect(away.status == .seeOther && away.headers[.location] == "/console/sign-in")

            let form = try await live.get("/console/sign-in")
            #expect(form.status == .ok && form.text.contains(#"<form method="post" action="/console/sign-in">"#))
            #expect(form.headers[.cacheControl] == "no-store")

            let signedIn = try await signIn(live, token: live.credentials.operatorToken)
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/console/operator")
            let cookie = try #require(signedIn.headers[.setCookie])
            for attribute in ["Path=/console", "HttpOnly", "SameSite=Strict", "Max-Age=28800"] {
                #expect(cookie.contains(attribute), "\(attribute) missing from \(cookie)")
            }
            #expect(!cookie.contains("Secure"), "the test server's public URL is http")

            let page = try await live.get("/console/operator", headers: withCookie(cookie))
            #expect(page.status == .ok)
            #expect(page.headers[.cacheControl] == "no-store")
            if Witness.pythonAvailable || Witness.strict {
                let read = try await ConsoleTests.PageReading.of(
                    "\(live.baseURL)/console/operator", cookie: String(cookie.split(separator: ";")[0]))
                #expect(read.status == 200 && read.unclosed.isEmpty, "\(read.unclosed)")
                #expect(!read.start_tags.contains("script") && read.start_tags.filter { $0 == "form" }.count >= 3)
            }
            #expect(page.text.contains("Signed in as operator:"))
            #expect(page.text.contains("organisation.create"), "the seed's audit events")
            let anchors = try await live.get("/trust-anchors", token: live.credentials.operatorToken).json([[String: JSONAny]].self)
            #expect(!anchors.isEmpty, "the sandbox trusts its own CA")
            for anchor in anchors { #expect(page.text.contains(try #require(anchor["id"]?.string))) }

            // One page of the audit trail at a time, from a cursor, as the API pages it.
            let later = try await live.get("/console/operator?after=1", headers: withCookie(cookie))
            #expect(later.status == .ok && later.text.contains(#"href="/console/operator">From the start"#))
            #expect(try await live.get("/console/operator?after=-1", headers: withCookie(cookie)).status == .badRequest)

            let signedOut = try await post(live, "/console/sign-out", form: [], cookie: cookie)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/console")
            #expect(signedOut.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
    }

    @Test func onlyAWorkingOperatorTokenFromThisOriginSignsIn() async throws {
        try await LiveDirectory.run { live in
            for (token, why) in [
                (live.credentials.providerToken, "an organisation's token"), ("rgo_not-a-token", "an unknown token"),
                ("a\r\nSet-Cookie: x=y", "a token with a line break"), ("", "no token"),
            ] {
                let refused = try await signIn(live, token: token)
                #expect(refused.status == .unauthorized, "\(why)")
                #expect(refused.headers[.setCookie] == nil, "\(why)")
                #expect(refused.text.contains("That is not a working operator token."), "\(why)")
            }
            let elsewhere = try await signIn(live, token: live.credentials.operatorToken, origin: "https://evil.example")
            #expect(elsewhere.status == .forbidden && elsewhere.headers[.setCookie] == nil)
            var noOrigin = HTTPFields()
            noOrigin[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let crossSite = try await live.request(
                .post, "/console/sign-in", headers: noOrigin, body: Data("token=\(live.credentials.operatorToken)".utf8),
                contentType: "application/x-www-form-urlencoded")
            #expect(crossSite.status == .forbidden)
            let asJSON = try await live.request(
                .post, "/console/sign-in",
                headers: {
                    var h = HTTPFields(); h[Self.origin] = live.baseURL; return h
                }(),
                body: Data(#"{"token":"x"}"#.utf8))
            #expect(asJSON.status == .unsupportedMediaType)
        }
    }

    @Test func theCookieOpensTheConsoleButNeverTheAPIAndDiesWithItsToken() async throws {
        try await LiveDirectory.run { live in
            let created = try await live.send(
                .post, "/tokens", json: #"{"label":"<b>console</b>","role":"operator"}"#, token: live.credentials.operatorToken)
            #expect(created.status == .created)
            let secret = try #require(try created.object()["token"] as? String)
            let tokenID = APIToken.hash(of: secret)
            #expect(try created.object()["id"] as? String == tokenID, "POST /tokens shows the id that revokes it")
            let cookie = try #require(try await signIn(live, token: secret).headers[.setCookie])

            let page = try await live.get("/console/operator", headers: withCookie(cookie))
            #expect(page.text.contains("operator:&lt;b&gt;console&lt;/b&gt;") && !page.text.contains("<b>console"))
            // The API reads Authorization only: the console's cookie is not a credential there.
            #expect(try await live.get("/tokens", headers: withCookie(cookie)).status == .unauthorized)
            #expect(try await live.get("/audit-events", headers: withCookie(cookie)).status == .unauthorized)

            #expect(
                try await live.request(.delete, "/tokens/\(tokenID.prefix(12))", token: live.credentials.operatorToken).status
                    == .noContent,
                "an unambiguous start of the id revokes")
            let revoked = try await live.get("/console/operator", headers: withCookie(cookie))
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/console/sign-in")
        }
    }

    /// Posts a console form as the browser would: from this server's origin, with the sign-in cookie.
    func post(_ live: LiveDirectory, _ path: String, form: [(String, String)], cookie: String?, origin: String? = nil) async throws
        -> LiveDirectory.Reply
    {
        var headers = cookie.map(withCookie) ?? HTTPFields()
        headers[Self.origin] = origin ?? live.baseURL
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = form.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await live.request(
            .post, path, headers: headers, body: Data(body.utf8), contentType: "application/x-www-form-urlencoded")
    }

    func organisationStatus(_ live: LiveDirectory, _ id: String) async throws -> String? {
        try await live.get("/participants/\(id)").object()["Status"] as? String
    }

    @Test func anOperatorChangesAnOrganisationsStatusFromTheConsoleUnderTheLifecycleRules() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let cookie = try #require(try await signIn(live, token: live.credentials.operatorToken).headers[.setCookie])
            let page = try await live.get("/console/operator", headers: withCookie(cookie))
            #expect(page.text.contains(#"action="/console/operator/organisations/\#(provider)/status""#))
            let path = "/console/operator/organisations/\(provider)/status"

            // Refused before anything is read: another origin, no sign-in.
            let forged = try await post(live, path, form: [("status", "Revoked")], cookie: cookie, origin: "https://evil.example")
            #expect(forged.status == .forbidden)
            let anonymous = try await post(live, path, form: [("status", "Revoked")], cookie: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(try await organisationStatus(live, provider) == "Active")

            let suspended = try await post(live, path, form: [("status", "Suspended")], cookie: cookie)
            #expect(suspended.status == .seeOther && suspended.headers[.location] == "/console/operator#organisations")
            #expect(try await organisationStatus(live, provider) == "Suspended")
            let audit = try await live.get("/audit-events?limit=1000", token: live.credentials.operatorToken).text
            #expect(audit.contains("organisation.status"))

            // A final status needs the box ticked that says what it does.
            let unconfirmed = try await post(live, path, form: [("status", "Revoked")], cookie: cookie)
            #expect(unconfirmed.status == .badRequest && unconfirmed.text.contains("Revoked is final"))
            #expect(try await organisationStatus(live, provider) == "Suspended")
            #expect(try await post(live, path, form: [("status", "Revoked"), ("confirm", "yes")], cookie: cookie).status == .seeOther)
            // Revoked is final: the domain's rule answers, as a page with the API's status and words.
            let back = try await post(live, path, form: [("status", "Active")], cookie: cookie)
            #expect(back.status.code / 100 == 4 && back.text.contains("Not changed"), "\(back.status) \(back.text)")
            #expect(try await organisationStatus(live, provider) == "Revoked")
            let nonsense = try await post(live, path, form: [("status", "<Happy>")], cookie: cookie)
            #expect(nonsense.status == .badRequest && nonsense.text.contains("status must be one of"))
            #expect(!nonsense.text.contains("<Happy>"))
            let final = try await live.get("/console/operator", headers: withCookie(cookie))
            #expect(!final.text.contains(#"action="/console/operator/organisations/\#(provider)/status""#), "no form for a final status")
        }
    }

    @Test func anOperatorAddsAndRemovesATrustAnchorFromTheConsole() async throws {
        try await LiveDirectory.run { live in
            let qtsp = try await ForeignQTSP.make(with: try OpenSSLCommand())
            let cookie = try #require(try await signIn(live, token: live.credentials.operatorToken).headers[.setCookie])
            func anchors() async throws -> [TrustAnchor] {
                try await live.get("/trust-anchors", token: live.credentials.operatorToken).json([TrustAnchor].self)
            }
            let before = try await anchors()

            let added = try await post(
                live, "/console/operator/trust-anchors",
                form: [("purpose", "qwac"), ("label", "Example QTSP"), ("certificate", qtsp.rootPEM)],
                cookie: cookie)
            #expect(added.status == .seeOther && added.headers[.location] == "/console/operator#trust-anchors", "\(added.text)")
            let anchor = try #require(try await anchors().first { $0.label == "Example QTSP" })
            #expect(anchor.purpose == .qwac && anchor.source.kind == .manual)
            #expect(try await live.get("/console/operator", headers: withCookie(cookie)).text.contains(anchor.id))

            let leaf = try await post(
                live, "/console/operator/trust-anchors", form: [("purpose", "qwac"), ("certificate", qtsp.qwacPEM)], cookie: cookie)
            #expect(leaf.status == .badRequest && leaf.text.contains("not a CA certificate"))
            let again = try await post(
                live, "/console/operator/trust-anchors", form: [("purpose", "qwac"), ("certificate", qtsp.rootPEM)], cookie: cookie)
            #expect(again.status == .conflict)

            let removal = "/console/operator/trust-anchors/\(anchor.id)/remove"
            let unconfirmed = try await post(live, removal, form: [], cookie: cookie)
            #expect(unconfirmed.status == .badRequest && unconfirmed.text.contains("sure"))
            #expect(try await anchors().contains { $0.id == anchor.id })
            #expect(try await post(live, removal, form: [("confirm", "yes")], cookie: cookie, origin: "null").status == .forbidden)
            let removed = try await post(live, removal, form: [("confirm", "yes")], cookie: cookie)
            #expect(removed.status == .seeOther)
            #expect(try await anchors().map(\.id) == before.map(\.id))
            #expect(try await post(live, removal, form: [("confirm", "yes")], cookie: cookie).status == .notFound)
        }
    }

    @Test func cookiesFormsAndOriginsAreReadByTheRules() {
        #expect(ConsoleSession.cookie(named: "registrar_console", in: ["a=1; registrar_console=abc_-9", "b=2"]) == "abc_-9")
        #expect(ConsoleSession.cookie(named: "registrar_console", in: ["xregistrar_console=1"]) == nil)
        #expect(ConsoleSession.formField("token", in: Data("a=1&token=rgo_x%2By+z".utf8)) == "rgo_x+y z")
        #expect(ConsoleSession.origin(of: "https://Directory.Example:443/base") == "https://directory.example")
        #expect(ConsoleSession.origin(of: "http://127.0.0.1:8080") == "http://127.0.0.1:8080")
        for shaped in ["rgo_AbC-09_", String(repeating: "a", count: 256)] { #expect(ConsoleSession.isTokenShaped(shaped)) }
        for unshaped in ["", "a b", "a;b", "a\r\nb", "é", String(repeating: "a", count: 257)] {
            #expect(!ConsoleSession.isTokenShaped(unshaped))
        }
    }
}
