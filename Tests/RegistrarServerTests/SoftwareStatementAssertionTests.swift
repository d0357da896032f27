import Directory
import Foundation
import HTTPTypes
import Keys
import Testing

/// SSAs over HTTP, judged by independent JOSE implementations.
@Suite struct SoftwareStatementAssertionTests {
    func assertionPath(_ live: LiveDirectory) -> String {
        "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)/assertion"
    }

    @Test(.enabled(if: Witness.pythonAvailable || Witness.strict), arguments: EcosystemProfile.allCases)
    func issuedSSAVerifiesWithPyJWTAndJwcryptoAndMatchesTheProfileSchema(profile: EcosystemProfile) async throws {
        try await LiveDirectory.run(profile: profile) { live in
            let reply = try await live.get(assertionPath(live), token: live.credentials.providerToken)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "application/jwt")
            #expect(reply.headers[.cacheControl] == "no-store")
            let result = try await Witness.python("verify_ssa.py", [live.baseURL, reply.text, profile.rawValue, "600"])
            #expect(result.output.hasPrefix("ok: \(profile.rawValue) SSA verified"))
        }
    }

    @Test func everySSAHasAFreshJTIAndIsSignedByTheCurrentKey() async throws {
        try await LiveDirectory.run { live in
            let first = try await live.get(assertionPath(live), token: live.credentials.providerToken).text
            let second = try await live.get(assertionPath(live), token: live.credentials.providerToken).text
            let jwks = try await live.get("/jwks").json(JSONWebKeySet.self)
            let current = try await live.runtime.keyring.keys().first { $0.record.state == .current }!.record
            let key = try #require(jwks.keys.first { $0.kid == current.id })
            let one = try JSONSerialization.jsonObject(with: CompactJWS.verify(first, with: key).payload) as? [String: Any]
            let two = try JSONSerialization.jsonObject(with: CompactJWS.verify(second, with: key).payload) as? [String: Any]
            #expect(one?["jti"] as? String != two?["jti"] as? String)
        }
    }

    @Test func rotationSwitchesTheSigningKeyAndKeepsTheOldOnePublished() async throws {
        try await LiveDirectory.run { live in
            let before = try CompactJWS.decode(try await live.get(assertionPath(live), token: live.credentials.providerToken).text).header
                .kid
            let rotated = try await live.request(.post, "/signing-keys/rotate", token: live.credentials.operatorToken, body: nil)
            #expect(rotated.status == .ok)
            let after = try CompactJWS.decode(try await live.get(assertionPath(live), token: live.credentials.providerToken).text).header
                .kid
            #expect(before != after)
            let published = try await live.get("/jwks").json(JSONWebKeySet.self).keys.compactMap(\.kid)
            let (old, new) = (try #require(before), try #require(after))
            #expect(published.contains(old) && published.contains(new) && published.count == 3)
        }
    }

    @Test func ssaNeedsATokenForTheRightOrganisation() async throws {
        try await LiveDirectory.run { live in
            let anonymous = try await live.get(assertionPath(live))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == #"Bearer realm="registrar""#)
            let bankToken = try await live.send(
                .post, "/tokens",
                json: #"{"role":"organisation","organisationId":"\#(live.credentials.bankOrganisationID)","label":"bank"}"#,
                token: live.credentials.operatorToken)
            let secret = try #require(try bankToken.object()["token"] as? String)
            #expect(try await live.get(assertionPath(live), token: secret).status == .forbidden)
            #expect(try await live.get(assertionPath(live), token: "rgr_unknown").status == .unauthorized)
        }
    }

    @Test func aRevokedTokenStopsWorkingAtOnceEvenWhenItWasCached() async throws {
        try await LiveDirectory.run { live in
            #expect(try await live.get(assertionPath(live), token: live.credentials.providerToken).status == .ok)
            let tokens = try await live.get("/tokens", token: live.credentials.operatorToken)
            let list = try JSONSerialization.jsonObject(with: tokens.body) as? [[String: Any]] ?? []
            #expect(list.count == 2 && !tokens.text.contains("rgr_"))
            let provider = try #require(list.first { $0["label"] as? String == "sandbox provider" }?["id"] as? String)
            #expect(try await live.request(.delete, "/tokens/\(provider)", token: live.credentials.providerToken).status == .forbidden)
            #expect(try await live.request(.delete, "/tokens/\(provider)", token: live.credentials.operatorToken).status == .noContent)
            #expect(try await live.get(assertionPath(live), token: live.credentials.providerToken).status == .unauthorized)
            #expect(try await live.request(.delete, "/tokens/\(provider)", token: live.credentials.operatorToken).status == .notFound)
        }
    }

    @Test func inactiveSoftwareGets403AndIncompleteDataGets422() async throws {
        try await LiveDirectory.run(profile: .cdr) { live in
            let organisation = live.credentials.providerOrganisationID
            let bare = try await live.send(
                .post, "/organisations/\(organisation)/software-statements", json: #"{"clientName":"Bare"}"#,
                token: live.credentials.providerToken)
            #expect(bare.status == .created)
            let bareID = try #require(try bare.object()["id"] as? String)
            let incomplete = try await live.get(
                "/organisations/\(organisation)/software-statements/\(bareID)/assertion", token: live.credentials.providerToken)
            #expect(incomplete.status == .unprocessableContent)
            #expect(
                try incomplete.object()["detail"] as? String
                    == "the cdr profile needs software description, software client URI, software logo URI, software redirect URIs, software revocation URI, software recipient base URI before an SSA can be issued"
            )

            let deactivate = try await live.send(
                .put, "/organisations/\(organisation)/software-statements/\(live.credentials.softwareStatementID)/status",
                json: #"{"status":"Inactive"}"#,
                token: live.credentials.providerToken)
            #expect(deactivate.status == .ok)
            let refused = try await live.get(assertionPath(live), token: live.credentials.providerToken)
            #expect(refused.status == .forbidden)
            #expect((try refused.object()["detail"] as? String)?.contains("is Inactive; SSAs are issued only for Active software") == true)
        }
    }
}
