import Directory
import Foundation
import HTTPTypes
import Keys
import Testing

/// Discovery, JWKS, participants and status lists as relying parties fetch them.
@Suite struct PublicDocumentTests {
    @Test func discoveryLinksToTheJWKSAndItPublishesCurrentAndNextPublicKeys() async throws {
        try await LiveDirectory.run { live in
            let discovery = try await live.get("/.well-known/openid-configuration").object()
            #expect(discovery["issuer"] as? String == live.baseURL)
            #expect(discovery["jwks_uri"] as? String == "\(live.baseURL)/jwks")
            // RFC 8414 §2 requires response_types_supported; OpenID Discovery subject_types_supported.
            #expect(discovery["response_types_supported"] as? [String] == ["code", "code id_token"])
            #expect(discovery["subject_types_supported"] as? [String] == ["public"])

            let reply = try await live.get("/jwks")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "application/jwk-set+json")
            let jwks = try reply.json(JSONWebKeySet.self)
            #expect(jwks.keys.count == 2)
            for key in jwks.keys {
                #expect(key.kid == (try JWKThumbprint.sha256(of: key)))
                #expect(key.use == "sig" && key.alg == "PS256")
            }
            for name in JSONWebKey.privateMemberNames { #expect(!reply.text.contains("\"\(name)\":")) }
        }
    }

    /// An ignored query parameter would make every `?v=N` a whole build and a cache entry of its own.
    @Test func unknownOrRepeatedQueryParametersAreRefusedAndSpellingsShareOneCacheEntry() async throws {
        try await LiveDirectory.run { live in
            for target in [
                "/participants?v=1", "/jwks?v=2", "/status/software-statements?limit=1&limit=2", "/.well-known/openid-configuration?x",
                "/participants/\(live.credentials.providerOrganisationID)?full=1", "/status/organisations?Limit=1",
                "/participants?page=1&page-size=1",
            ] {
                let reply = try await live.get(target)
                #expect(
                    reply.status == .badRequest && reply.headers[.contentType] == "application/problem+json", "\(target): \(reply.text)")
            }
            let canonical = try await live.get("/participants?limit=1&updated-since=2000-01-01T00:00:00Z")
            let reordered = try await live.get("/participants?updated-since=2000-01-01T00%3A00%3A00Z&limit=01")
            #expect(canonical.status == .ok && reordered.status == .ok)
            #expect(canonical.headers[.eTag] == reordered.headers[.eTag] && canonical.body == reordered.body)
            #expect(canonical.headers[HTTPField.Name("Link")!] == reordered.headers[HTTPField.Name("Link")!])
        }
    }

    @Test func publicDocumentsAnswerIfNoneMatchWith304UntilTheDataChanges() async throws {
        try await LiveDirectory.run { live in
            let first = try await live.get("/participants")
            let etag = try #require(first.headers[.eTag])
            #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"))
            #expect(first.headers[.cacheControl] == "public, max-age=60")

            var conditional = HTTPFields()
            conditional[.ifNoneMatch] = etag
            let unchanged = try await live.get("/participants", headers: conditional)
            #expect(unchanged.status == .notModified && unchanged.body.isEmpty)
            #expect(unchanged.headers[.eTag] == etag)
            conditional[.ifNoneMatch] = "\"other\", W/\(etag)"
            #expect(try await live.get("/participants", headers: conditional).status == .notModified)

            // A write through the API is visible to the very next read on this node.
            let created = try await live.send(
                .post, "/organisations", json: #"{"legalName":"New Bank","country":"IE"}"#, token: live.credentials.operatorToken)
            #expect(created.status == .created)
            let changed = try await live.get("/participants", headers: conditional)
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
            #expect(try JSONSerialization.jsonObject(with: changed.body) as? [Any] != nil)
            #expect((try JSONSerialization.jsonObject(with: changed.body) as? [Any])?.count == 3)
        }
    }

    @Test func headRequestsGetHeadersWithoutABody() async throws {
        try await LiveDirectory.run { live in
            let reply = try await live.request(.head, "/jwks")
            #expect(reply.status == .ok && reply.body.isEmpty && reply.headers[.eTag] != nil)
        }
    }

    /// `limit` and the `Link` to the next page, followed to the end: every participant once, in id order.
    @Test func participantsPageWithLinksAndFilterByUpdatedSince() async throws {
        try await LiveDirectory.run { live in
            let first = try await live.get("/participants?limit=1")
            #expect(first.status == .ok)
            let firstEntries = try JSONSerialization.jsonObject(with: first.body) as? [[String: Any]]
            #expect(firstEntries?.count == 1)
            #expect(first.headers[HTTPField.Name("X-Total-Count")!] == "2")
            let link = try #require(first.headers[HTTPField.Name("Link")!])
            let firstID = try #require(firstEntries?.first?["OrganisationId"] as? String)
            #expect(link == "<\(live.baseURL)/participants?after=\(firstID)&limit=1>; rel=\"next\"")
            let next = String(try #require(link.split(separator: ">").first?.dropFirst()).dropFirst(live.baseURL.count))
            let second = try await live.get(next)
            let secondEntries = try JSONSerialization.jsonObject(with: second.body) as? [[String: Any]]
            #expect(second.status == .ok && second.headers[HTTPField.Name("Link")!] == nil, "the last page has no next")
            let ids = [firstID] + (secondEntries ?? []).compactMap { $0["OrganisationId"] as? String }
            #expect(ids.count == 2 && ids == ids.sorted() && Set(ids).count == 2)

            let future = try await live.get("/participants?updated-since=2999-01-01T00:00:00Z")
            #expect(future.text == "[]")
            let past = try await live.get("/participants?updated-since=2000-01-01T00:00:00Z")
            #expect((try JSONSerialization.jsonObject(with: past.body) as? [Any])?.count == 2)

            for bad in ["limit=0", "limit=100000", "limit=x", "page=2", "updated-since=yesterday"] {
                let reply = try await live.get("/participants?\(bad)")
                #expect(reply.status == .badRequest, "\(bad)")
                #expect(reply.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test(.enabled(if: Witness.pythonAvailable || Witness.strict))
    func participantsDocumentMatchesItsSchema() async throws {
        try await LiveDirectory.run { live in
            try await Witness.python("check_participants.py", [live.baseURL, "2"])
            let one = try await live.get("/participants/\(live.credentials.bankOrganisationID)").object()
            let servers = one["AuthorisationServers"] as? [[String: Any]]
            #expect((servers?.first?["ApiResources"] as? [Any])?.count == 2)
            #expect(one["Contacts"] == nil, "contacts are personal data and stay out of the public document")
        }
    }

    @Test func statusListsFollowTheCascade() async throws {
        try await LiveDirectory.run { live in
            let organisation = live.credentials.providerOrganisationID
            let suspend = try await live.send(
                .put, "/organisations/\(organisation)/status", json: #"{"status":"Suspended"}"#, token: live.credentials.operatorToken)
            #expect(suspend.status == .ok)
            let organisations = try await live.get("/status/organisations").json(StatusList<OrganisationStatusEntry>.self)
            #expect(organisations.data.first { $0.organisationId == organisation }?.status == "Suspended")
            let software = try await live.get("/status/software-statements").json(StatusList<SoftwareStatusEntry>.self)
            #expect(software.data.map(\.status) == ["Inactive"])

            let page = try await live.get("/status/organisations?limit=1")
            #expect(try page.json(StatusList<OrganisationStatusEntry>.self).data.count == 1)
            #expect(page.headers[HTTPField.Name("X-Total-Count")!] == "2")
            let recent = try await live.get("/status/software-statements?updated-since=\(Timestamp.format(Date().addingTimeInterval(-60)))")
            #expect(try recent.json(StatusList<SoftwareStatusEntry>.self).data.count == 1)

            let refused = try await live.send(
                .put, "/organisations/\(organisation)/status", json: #"{"status":"Suspended"}"#, token: live.credentials.operatorToken)
            #expect(refused.status == .conflict)
            #expect(try refused.object()["code"] as? String == "invalid_transition")
        }
    }
}
