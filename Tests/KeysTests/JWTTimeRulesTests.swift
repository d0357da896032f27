import Foundation
import Keys
import Testing

/// RFC 7519 §4.1's time rules with a 30-second tolerance, as client assertions, request JWTs and SSAs meet them.
@Suite struct JWTTimeRulesTests {
    let rules = JWTTimeRules(clockSkew: 30)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func expiryHasATolerance() {
        #expect(rules.isUnexpired(now + 1, at: now))
        #expect(rules.isUnexpired(now - 29, at: now))
        #expect(!rules.isUnexpired(now - 31, at: now))
        #expect(!rules.isUnexpired(nil, at: now), "no exp is no good")
    }

    @Test func lifetimeIsBounded() {
        #expect(rules.isShortLived(now + 600, lifetime: 600, at: now))
        #expect(rules.isShortLived(now + 629, lifetime: 600, at: now))
        #expect(!rules.isShortLived(now + 631, lifetime: 600, at: now))
        #expect(!rules.isShortLived(nil, lifetime: 600, at: now))
    }

    @Test func issuedAndNotBeforeAreNotInTheFuture() {
        #expect(rules.isNotInTheFuture(nil, at: now), "absent is fine")
        #expect(rules.isNotInTheFuture(now + 30, at: now))
        #expect(!rules.isNotInTheFuture(now + 31, at: now))
        #expect(rules.isIssued(now - 300, within: 300, at: now))
        #expect(!rules.isIssued(now - 331, within: 300, at: now))
        #expect(!rules.isIssued(now + 31, within: 300, at: now))
    }

    @Test func audienceIsOneOfOurNames() throws {
        let claims = try #require(RegisteredClaims(members: ["aud": .array([.string("https://a.example"), .string("https://b.example")])]))
        #expect(claims.isAddressed(to: ["https://b.example", "https://c.example"]))
        #expect(!claims.isAddressed(to: ["https://c.example"]))
    }
}
