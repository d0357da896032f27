import Directory
import Foundation
import HTTPTypes
import Keys
import Testing

/// Malformed, oversized and hostile requests get RFC 9457 problems with the right 4xx, and change nothing.
@Suite struct HostileInputTests {
    func expectProblem(
        _ reply: LiveDirectory.Reply, _ status: HTTPResponse.Status, code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try reply.object()
        #expect(problem["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect(problem["code"] as? String == code, sourceLocation: sourceLocation)
        #expect(problem["title"] as? String == status.reasonPhrase, sourceLocation: sourceLocation)
        #expect((problem["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    @Test func badRequestsGetProblemsAndWriteNothing() async throws {
        try await LiveDirectory.run { live in
            let token = live.credentials.operatorToken
            let revision = try await live.runtime.store.currentRevision()
            let auditCount = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000).count

            try expectProblem(try await live.get("/no/such/thing"), .notFound, code: "not_found")
            let wrongMethod = try await live.request(.delete, "/jwks")
            try expectProblem(wrongMethod, .methodNotAllowed, code: "method_not_allowed")
            #expect(wrongMethod.headers[.allow] == "GET, HEAD")
            // The router takes a literal segment over a parameter: GET /certificates/{serialNumber} is not this path's.
            let literal = try await live.request(.get, "/certificates/validate", token: token)
            try expectProblem(literal, .methodNotAllowed, code: "method_not_allowed")
            #expect(literal.headers[.allow] == "POST")
            try expectProblem(
                try await live.send(.post, "/organisations", json: "{\"legalName\":", token: token), .badRequest, code: "invalid_json")
            try expectProblem(
                try await live.send(.post, "/organisations", json: "[1,2,3]", token: token), .badRequest, code: "invalid_json")
            try expectProblem(
                try await live.send(.post, "/organisations", json: #"{"legalName":"X"}"#, token: token), .badRequest, code: "invalid_json")
            try expectProblem(
                try await live.send(.post, "/organisations", json: #"{"legalName":"X","country":"Britain"}"#, token: token), .badRequest,
                code: "invalid_input")
            try expectProblem(
                try await live.send(.post, "/organisations", json: #"{"legalName":"\u0000","country":"GB"}"#, token: token), .badRequest,
                code: "invalid_input")
            try expectProblem(
                try await live.request(
                    .post, "/organisations", token: token, body: Data(#"{"legalName":"X","country":"GB"}"#.utf8), contentType: "text/plain"),
                .unsupportedMediaType, code: "http_error")
            try expectProblem(
                try await live.request(.post, "/organisations", token: token, body: Data("{}".utf8), contentType: nil),
                .unsupportedMediaType, code: "http_error")
            let huge = "{\"legalName\":\"" + String(repeating: "a", count: 70_000) + "\",\"country\":\"GB\"}"
            try expectProblem(
                try await live.send(.post, "/organisations", json: huge, token: token), .contentTooLarge, code: "body_too_large")
            let nested = String(repeating: "[", count: 50_000)
            try expectProblem(try await live.send(.post, "/organisations", json: nested, token: token), .badRequest, code: "invalid_json")
            try expectProblem(
                try await live.send(.post, "/organisations", json: #"{"legalName":"X","country":"GB"}"#, token: "rgr_forged"),
                .unauthorized, code: "unauthenticated")
            try expectProblem(
                try await live.send(.post, "/organisations", json: #"{"legalName":"X","country":"GB"}"#, token: nil),
                .unauthorized, code: "unauthenticated")
            try expectProblem(
                try await live.send(
                    .post, "/organisations", json: #"{"legalName":"X","country":"GB"}"#, token: live.credentials.providerToken),
                .forbidden, code: "forbidden")
            try expectProblem(try await live.get("/participants/..%2F..%2Fetc%2Fpasswd"), .notFound, code: "not_found")
            try expectProblem(try await live.get("/organisations/\(UUID().uuidString.lowercased())/jwks"), .notFound, code: "not_found")
            try expectProblem(
                try await live.send(
                    .put, "/organisations/\(live.credentials.providerOrganisationID)/status", json: #"{"status":"Deleted"}"#, token: token),
                .badRequest, code: "invalid_input")
            var authorization = HTTPFields()
            authorization[.authorization] = "Basic YWxhZGRpbjpvcGVuc2VzYW1l"
            try expectProblem(try await live.get("/jwks", headers: authorization), .unauthorized, code: "unauthenticated")

            #expect(try await live.runtime.store.currentRevision() == revision)
            #expect(try await live.runtime.store.auditEvents(afterID: 0, limit: 1000).count == auditCount)
        }
    }

    /// A member named twice is refused in every JSON body, as in request JWTs: no reader may take one
    /// copy where another takes the other (`{"role":"clients",…,"role":"operator"}`).
    @Test func jsonBodiesWithAMemberNamedTwiceAreRefusedAndWriteNothing() async throws {
        try await LiveDirectory.run { live in
            let token = live.credentials.operatorToken
            let revision = try await live.runtime.store.currentRevision()
            let tokens = try await live.get("/tokens", token: token).text
            let organisation = live.credentials.providerOrganisationID
            let twice = try await live.send(
                .post, "/tokens", json: #"{"role":"organisation","organisationId":"\#(organisation)","label":"x","role":"operator"}"#,
                token: token)
            try expectProblem(twice, .badRequest, code: "invalid_json")
            #expect((try twice.object()["detail"] as? String)?.contains(#"the member name "role" appears twice"#) == true, "\(twice.text)")
            try expectProblem(
                try await live.send(.post, "/organisations", json: #"{"legalName":"A","country":"GB","country":"FR"}"#, token: token),
                .badRequest, code: "invalid_json")
            let key = try SigningKey.generate(.ES256).publicJWK
            let jwk = String(decoding: try JSONEncoder().encode(key), as: UTF8.self)
            let twiceKeyType = "{\"kty\":\"oct\"," + jwk.dropFirst()
            try expectProblem(
                try await live.send(
                    .post, "/organisations/\(organisation)/software-statements/\(live.credentials.softwareStatementID)/keys",
                    json: twiceKeyType, token: live.credentials.providerToken), .badRequest, code: "invalid_input")
            #expect(try await live.runtime.store.currentRevision() == revision)
            #expect(try await live.get("/tokens", token: token).text == tokens)
        }
    }

    /// The sandbox provider holds AISP and PISP (FCA): software may not claim a role beside those, nor one
    /// the profile does not know.
    @Test func softwareMayClaimOnlyItsOrganisationsAuthorisedRoles() async throws {
        try await LiveDirectory.run { live in
            let path = "/organisations/\(live.credentials.providerOrganisationID)/software-statements"
            let token = live.credentials.providerToken
            for (roles, reason) in [(#"["XYZ"]"#, "not roles of the obie profile"), (#"["AISP","CBPII"]"#, "authorised roles")] {
                let refused = try await live.send(.post, path, json: #"{"clientName":"App","roles":\#(roles)}"#, token: token)
                try expectProblem(refused, .badRequest, code: "invalid_input")
                #expect(refused.text.contains(reason), "\(refused.text)")
            }
            // An organisation's authority claims are held to the profile's roles too.
            let organisation = try await live.send(
                .post, "/organisations",
                json:
                    #"{"legalName":"Typo Ltd","country":"GB","authorityClaims":[{"authority":"FCA","registrationId":"9","roles":[{"role":"AIPS"}]}]}"#,
                token: live.credentials.operatorToken)
            try expectProblem(organisation, .badRequest, code: "invalid_input")
            #expect(organisation.text.contains("AIPS are not roles of the obie profile"), "\(organisation.text)")
            let created = try await live.send(.post, path, json: #"{"clientName":"App","roles":["PISP"]}"#, token: token)
            #expect(created.status == .created)
            // Said at creation: what the profile still needs before an SSA can be issued.
            #expect(try created.object()["missingForSSA"] as? [String] == ["software redirect URIs"], "\(created.text)")
            let ready = try await live.send(
                .post, path, json: #"{"clientName":"App","roles":["PISP"],"redirectUris":["https://tpp.example/cb"]}"#, token: token)
            #expect(try ready.object()["missingForSSA"] as? [String] == [], "\(ready.text)")
        }
    }

    @Test func keyUploadsRefusePrivateSymmetricAndWeakKeysAndPublishGoodOnes() async throws {
        try await LiveDirectory.run { live in
            let path =
                "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)"
            let token = live.credentials.providerToken
            try expectProblem(
                try await live.send(.post, "\(path)/keys", json: #"{"kty":"oct","k":"c2VjcmV0"}"#, token: token), .badRequest,
                code: "invalid_input")
            let privatePEM = try SigningKey.generate(.ES256).pkcs8PEM
            try expectProblem(
                try await live.request(
                    .post, "\(path)/keys", token: token, body: Data(privatePEM.utf8), contentType: "application/x-pem-file"),
                .badRequest, code: "invalid_input")

            let key = try SigningKey.generate(.ES256)
            let publicPEM = """
                -----BEGIN PUBLIC KEY-----
                \(Data(try PublicKeyMaterial(key.publicJWK).derSubjectPublicKeyInfo).base64EncodedString(options: .lineLength64Characters))
                -----END PUBLIC KEY-----
                """
            let added = try await live.request(
                .post, "\(path)/keys", token: token, body: Data(publicPEM.utf8), contentType: "application/x-pem-file")
            #expect(added.status == .created, "\(added.text)")
            try expectProblem(
                try await live.request(
                    .post, "\(path)/keys", token: token, body: Data(publicPEM.utf8), contentType: "application/x-pem-file"),
                .conflict, code: "conflict")
            #expect(try await live.get("\(path)/jwks").json(JSONWebKeySet.self).keys.contains { $0.kid == key.kid })

            let revoked = try await live.send(.post, "\(path)/keys/\(key.kid)/revoke", json: #"{"reason":"rotated"}"#, token: token)
            #expect(revoked.status == .ok)
            #expect(!(try await live.get("\(path)/jwks").json(JSONWebKeySet.self).keys.contains { $0.kid == key.kid }))
            #expect(try await live.get("\(path)/jwks/revoked").json(JSONWebKeySet.self).keys.map(\.kid) == [key.kid])

            // Organisation keys are the operator's to manage.
            let orgKeys = "/organisations/\(live.credentials.providerOrganisationID)/keys"
            try expectProblem(
                try await live.send(
                    .post, orgKeys, json: String(decoding: try JOSEJSON.encoder.encode(key.publicJWK), as: UTF8.self), token: token),
                .forbidden, code: "forbidden")
        }
    }

    @Test func auditTrailRecordsWhoChangedWhatWithBeforeAndAfter() async throws {
        try await LiveDirectory.run { live in
            let organisation = live.credentials.providerOrganisationID
            _ = try await live.send(
                .put, "/organisations/\(organisation)/status", json: #"{"status":"Suspended"}"#, token: live.credentials.operatorToken)
            let events = try await live.get("/audit-events?limit=1000", token: live.credentials.operatorToken)
            #expect(events.status == .ok)
            let list = try JSONSerialization.jsonObject(with: events.body) as? [[String: Any]] ?? []
            let change = try #require(list.first { $0["action"] as? String == "organisation.status" })
            #expect(change["actor"] as? String == "operator:sandbox operator")
            // The records before and after are JSON objects, not strings holding JSON.
            #expect((change["before"] as? [String: Any])?["status"] as? String == "Active", "\(change)")
            #expect((change["after"] as? [String: Any])?["status"] as? String == "Suspended", "\(change)")
            #expect(try await live.get("/audit-events", token: live.credentials.providerToken).status == .forbidden)
            for event in list { #expect(!"\(event)".contains("rgr_"), "a token secret reached the audit trail") }
        }
    }

    /// Newest first, filters, and the `Link` to the next page when a page is full.
    @Test func theAuditTrailReadsNewestFirstWithFiltersAndSaysWhenMoreExist() async throws {
        try await LiveDirectory.run { live in
            let token = live.credentials.operatorToken
            let organisation = live.credentials.providerOrganisationID
            for status in ["Suspended", "Active"] {
                _ = try await live.send(.put, "/organisations/\(organisation)/status", json: #"{"status":"\#(status)"}"#, token: token)
            }
            func events(_ query: String) async throws -> (list: [[String: Any]], link: String?) {
                let reply = try await live.get("/audit-events?\(query)", token: token)
                #expect(reply.status == .ok, "\(query): \(reply.text)")
                return (
                    try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]] ?? [], reply.headers[HTTPField.Name("Link")!]
                )
            }
            let all = try await events("limit=1000").list.map { $0["id"] as? Int ?? 0 }
            let newest = try await events("order=newest&limit=1000").list.map { $0["id"] as? Int ?? 0 }
            #expect(newest == all.reversed() && all == all.sorted() && all.count > 2)

            let first = try await events("order=newest&action=organisation.&subject=\(organisation)&limit=1")
            #expect(first.list.count == 1 && first.list[0]["action"] as? String == "organisation.status")
            #expect((first.list[0]["after"] as? [String: Any])?["status"] as? String == "Active", "the newest change first")
            let link = try #require(first.link, "a full page says where the next one is")
            #expect(link.contains("before=\(first.list[0]["id"] as? Int ?? 0)") && link.hasSuffix(#"rel="next""#), "\(link)")
            let nextQuery = try #require(link.split(separator: "?", maxSplits: 1).last?.split(separator: ">").first)
            let second = try await events(String(nextQuery))
            #expect((second.list.first?["after"] as? [String: Any])?["status"] as? String == "Suspended", "\(second.list)")

            // An organisation's trail: itself and what it owns, nothing of another organisation.
            let created = try await live.send(
                .post, "/organisations/\(organisation)/software-statements", json: #"{"clientName":"Audited"}"#, token: token)
            let software = try #require(try created.object()["id"] as? String)
            let owned = try await events("organisation=\(organisation)&limit=1000").list
            let subjects = Set(owned.compactMap { $0["subjectId"] as? String })
            #expect(subjects.contains(organisation) && subjects.contains(software), "\(subjects)")
            #expect(!subjects.contains(live.credentials.bankOrganisationID), "\(subjects)")
            #expect(try await events("actor=nobody").list.isEmpty)
            #expect(try await events("since=2100-01-01T00:00:00Z").list.isEmpty)
            #expect(try await events("until=2000-01-01T00:00:00Z").list.isEmpty)
            #expect(try await events("action=organisation_status").list.isEmpty, "_ is not a wildcard")
            #expect(try await events("limit=1000").link == nil, "no Link on the last page")
            for bad in ["order=sideways", "since=yesterday", "page=2", "after=1&after=2", "limit=0"] {
                try expectProblem(try await live.get("/audit-events?\(bad)", token: token), .badRequest, code: "invalid_input")
            }
        }
    }
}
