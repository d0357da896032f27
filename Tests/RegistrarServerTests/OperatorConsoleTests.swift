import Directory
import Foundation
import HTTPTypes
import Testing

@testable import RegistrarServer

/// Signing an operator in to the console, what the signed-in page shows, and what the cookie can and
/// cannot do.
@Suite struct OperatorConsoleTests {
    static let origin = HTTPField.Name("Origin")!

    func signIn(_ live: LiveDirectory, token: String, origin: String? = nil) async throws -> LiveDirectory.Reply {
        var headers = HTTPFields()
        headers[Self.origin] = origin ?? live.baseURL
        let form = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return try await live.request(
            .post, "/console/sign-in", headers: headers, body: Data(form.utf8), contentType: "application/x-www-form-urlencoded")
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
            #expect(page.text.contains("Signed in as operator:"))
            #expect(page.text.contains("organisation.create"), "the seed's audit events")
            let anchors = try await live.get("/trust-anchors", token: live.credentials.operatorToken).json([[String: JSONAny]].self)
            #expect(!anchors.isEmpty, "the sandbox trusts its own CA")
            for anchor in anchors { #expect(page.text.contains(try #require(anchor["id"]?.string))) }

            // One page of the audit trail at a time, from a cursor, as the API pages it.
            let later = try await live.get("/console/operator?after=1", headers: withCookie(cookie))
            #expect(later.status == .ok && later.text.contains(#"href="/console/operator">From the start"#))
            #expect(try await live.get("/console/operator?after=-1", headers: withCookie(cookie)).status == .badRequest)

            let signedOut = try await live.request(
                .post, "/console/sign-out",
                headers: {
                    var h = withCookie(cookie); h[Self.origin] = live.baseURL; return h
                }())
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
            let cookie = try #require(try await signIn(live, token: secret).headers[.setCookie])

            let page = try await live.get("/console/operator", headers: withCookie(cookie))
            #expect(page.text.contains("operator:&lt;b&gt;console&lt;/b&gt;") && !page.text.contains("<b>console"))
            // The API reads Authorization only: the console's cookie is not a credential there.
            #expect(try await live.get("/tokens", headers: withCookie(cookie)).status == .unauthorized)
            #expect(try await live.get("/audit-events", headers: withCookie(cookie)).status == .unauthorized)

            #expect(try await live.request(.delete, "/tokens/\(tokenID)", token: live.credentials.operatorToken).status == .noContent)
            let revoked = try await live.get("/console/operator", headers: withCookie(cookie))
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/console/sign-in")
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
