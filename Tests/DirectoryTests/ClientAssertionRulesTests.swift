import Directory
import Foundation
import Keys
import Testing

/// RFC 7523 §3's rules for a `private_key_jwt` client assertion, one check at a time.
@Suite struct ClientAssertionRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let client = "22222222-2222-4222-8222-222222222222"
    let rules = ClientAssertionRules(audiences: ["https://directory.example/token", "https://directory.example"])

    func claims(_ overrides: [String: Any?] = [:]) throws -> RegisteredClaims {
        var object: [String: Any] = [
            "iss": client, "sub": client, "aud": "https://directory.example/token", "jti": "j-1",
            "iat": now.timeIntervalSince1970, "exp": now.timeIntervalSince1970 + 120,
        ]
        for (name, value) in overrides { object[name] = value }
        return try #require(RegisteredClaims.read(try JSONSerialization.data(withJSONObject: object)))
    }

    func refusal(_ overrides: [String: Any?]) throws -> String? {
        do {
            try rules.check(try claims(overrides), clientID: client, at: now)
            return nil
        } catch let error as OAuthError {
            #expect(error.code == "invalid_client" && error.status == 401)
            return error.description
        }
    }

    @Test func aWellFormedAssertionPasses() throws {
        #expect(try refusal([:]) == nil)
        #expect(try refusal(["aud": ["https://other.example", "https://directory.example"]]) == nil, "aud as an array naming the issuer")
        #expect(try refusal(["iat": nil, "exp": now.timeIntervalSince1970 + 599.5]) == nil, "fractional NumericDate, no iat")
    }

    @Test func eachRuleRefusesWithItsOwnReason() throws {
        let cases: [([String: Any?], String)] = [
            (["iss": "someone-else"], "iss and sub must both be the client_id"),
            (["sub": nil], "iss and sub must both be the client_id"),
            (["aud": "https://directory.example/register"], "aud must name this server"),
            (["aud": []], "aud must name this server"),
            (["exp": nil], "has no exp"),
            (["exp": now.timeIntervalSince1970 - 31], "has expired"),
            (["exp": now.timeIntervalSince1970 + 3600], "more than 600 seconds ahead"),
            (["iat": now.timeIntervalSince1970 + 120], "iat is in the future"),
            (["nbf": now.timeIntervalSince1970 + 120], "nbf is in the future"),
            (["jti": nil], "needs a jti"),
            (["jti": String(repeating: "x", count: 257)], "needs a jti"),
        ]
        for (overrides, reason) in cases {
            let refused = try refusal(overrides)
            #expect(refused?.contains(reason) == true, "\(overrides): \(refused ?? "accepted")")
        }
    }

    @Test func claimsOfTheWrongTypeAreNotClaims() throws {
        #expect(RegisteredClaims.read(Data(#"{"exp":"tomorrow"}"#.utf8)) == nil)
        #expect(RegisteredClaims.read(Data(#"{"aud":[1]}"#.utf8)) == nil)
        #expect(RegisteredClaims.read(Data("[1]".utf8)) == nil)
    }
}
