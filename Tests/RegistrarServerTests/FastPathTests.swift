import Foundation
import HTTPTypes
import Keys
import Testing

@testable import RegistrarServer

/// The event-loop fast path for cached public documents answers exactly as the router would.
@Suite struct FastPathTests {
    @Test func cachedAnswerMatchesTheRoutedAnswer() async throws {
        try await LiveDirectory.run { live in
            for path in [
                "/jwks", "/participants", "/participants?limit=1", "/.well-known/openid-configuration", "/status/organisations",
            ] {
                let routed = try await live.get(path)
                let fast = try await live.get(path)
                #expect(routed.status == .ok && fast.status == .ok)
                #expect(fast.body == routed.body, "\(path)")
                var routedHeaders = routed.headers, fastHeaders = fast.headers
                routedHeaders[.date] = nil
                fastHeaders[.date] = nil
                #expect(
                    Dictionary(grouping: fastHeaders, by: \.name.canonicalName).mapValues { $0.map(\.value) }
                        == Dictionary(grouping: routedHeaders, by: \.name.canonicalName).mapValues { $0.map(\.value) }, "\(path)")
                #expect(fast.headers[.date]?.hasSuffix(" GMT") == true)
            }
        }
    }

    /// An SSA is answered on the event loop once the caller, the claims and the key are in memory: the
    /// same headers as the router's, a valid JWT; anything the router would refuse still reaches it.
    @Test func anSSAFromMemoryIsAnsweredAsTheRouterAnswersIt() async throws {
        try await LiveDirectory.run { live in
            let (organisation, software) = (live.credentials.providerOrganisationID, live.credentials.softwareStatementID)
            let path = "/organisations/\(organisation)/software-statements/\(software)/assertion"
            func request(_ path: String, token: String) -> HTTPRequest {
                HTTPRequest(
                    method: .get, scheme: "http", authority: "localhost", path: path, headerFields: [.authorization: "Bearer \(token)"])
            }
            // The seed's writes reach this node's revision by polling; without catching up first, the poller
            // could move the revision between the two requests and (rightly) empty the memory.
            try await live.runtime.refreshRevision()
            #expect(AssertionFastPath.answer(request(path, token: live.credentials.providerToken), runtime: live.runtime) == nil)
            let routed = try await live.get(path, token: live.credentials.providerToken)
            #expect(routed.status == .ok)
            let fromMemory = try #require(
                AssertionFastPath.answer(request(path, token: live.credentials.providerToken), runtime: live.runtime))
            let fast = try await live.get(path, token: live.credentials.providerToken)
            #expect(fast.status == .ok && fast.text != routed.text)
            var routedHeaders = routed.headers, fastHeaders = fast.headers
            (routedHeaders[.date], fastHeaders[.date]) = (nil, nil)
            routedHeaders[.contentLength] = nil
            fastHeaders[.contentLength] = nil
            #expect(
                Dictionary(grouping: fastHeaders, by: \.name.canonicalName).mapValues { $0.map(\.value) }
                    == Dictionary(grouping: routedHeaders, by: \.name.canonicalName).mapValues { $0.map(\.value) })
            #expect(fast.headers[.contentLength] == String(fast.body.count))
            let keys = try JSONDecoder().decode(JSONWebKeySet.self, from: try await live.get("/jwks").body)
            for jwt in [routed.text, fast.text, fromMemory] {
                let parts = try CompactJWS.decode(jwt)
                let key = try #require(keys.candidates(forKID: parts.header.kid).first)
                let claims = try #require(JSONValue.object(try CompactJWS.verify(parts, with: key).payload))
                #expect(claims["software_id"] == .string(software) && claims["jti"] != nil)
            }

            // What the router would refuse is left to it: another organisation, a token it does not know.
            let elsewhere = "/organisations/\(live.credentials.bankOrganisationID)/software-statements/\(software)/assertion"
            #expect(AssertionFastPath.answer(request(elsewhere, token: live.credentials.providerToken), runtime: live.runtime) == nil)
            #expect(AssertionFastPath.answer(request(path, token: "rgr_unknown"), runtime: live.runtime) == nil)
            #expect(try await live.get(path, token: "rgr_unknown").status == .unauthorized)
            // A status change moves the revision: nothing is answered from memory until the router has looked.
            let inactive = try await live.send(
                .put, "/organisations/\(organisation)/software-statements/\(software)/status", json: #"{"status":"Inactive"}"#,
                token: live.credentials.operatorToken)
            #expect(inactive.status == .ok, "\(inactive.text)")
            #expect(AssertionFastPath.answer(request(path, token: live.credentials.providerToken), runtime: live.runtime) == nil)
            #expect(try await live.get(path, token: live.credentials.providerToken).status == .forbidden)
        }
    }

    @Test func headAndConditionalRequestsOnCachedDocuments() async throws {
        try await LiveDirectory.run { live in
            let full = try await live.get("/jwks")
            let head = try await live.request(.head, "/jwks")
            #expect(head.status == .ok && head.body.isEmpty)
            #expect(head.headers[.contentLength] == String(full.body.count))
            var conditional = HTTPFields()
            let etag: String = try #require(full.headers[.eTag])
            conditional[.ifNoneMatch] = etag
            let notModified = try await live.get("/jwks", headers: conditional)
            #expect(notModified.status == .notModified && notModified.body.isEmpty && notModified.headers[.eTag] == full.headers[.eTag])
        }
    }

    @Test func requestsWithCredentialsAlwaysReachTheRouter() async throws {
        try await LiveDirectory.run { live in
            _ = try await live.get("/jwks")
            #expect(try await live.get("/jwks", token: "rgr_forged").status == .unauthorized)
        }
    }

    @Test(.enabled(if: Witness.pythonAvailable || Witness.strict))
    func pipelinedResponsesStayInOrder() async throws {
        try await LiveDirectory.run { live in
            _ = try await live.get("/jwks")  // cached: the fast path could answer it at once
            // The first request goes to the router (not cached: an unknown participant), the second is
            // cached; the second must still be answered after the first.
            let result = try await Witness.python(
                "pipelined_requests.py",
                ["127.0.0.1", String(live.port), "/participants/\(UUID().uuidString.lowercased())", "/jwks", "/jwks"])
            let lines = result.output.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix("HTTP/1.1 404") == true)
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("HTTP/1.1 200") && $0.contains("{\"keys\"") })
        }
    }
}

@Suite struct MetricsTests {
    @Test func operatorsReadPrometheusMetricsOthersDoNot() async throws {
        try await LiveDirectory.run { live in
            _ = try await live.get("/jwks")
            _ = try await live.get("/jwks")
            #expect(try await live.get("/metrics").status == .unauthorized)
            #expect(try await live.get("/metrics", token: live.credentials.providerToken).status == .forbidden)
            let metrics = try await live.get("/metrics", token: live.credentials.operatorToken)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4")
            #expect(metrics.text.contains("# TYPE hb_requests counter"))
            #expect(metrics.text.contains("registrar_fast_path_responses_total"))
        }
    }

    /// A metrics token reads /metrics and nothing else; SSAs issued are counted, from memory or routed.
    @Test func aMetricsTokenReadsMetricsOnlyAndSSAsAreCounted() async throws {
        try await LiveDirectory.run { live in
            let created = try await live.send(
                .post, "/tokens", json: #"{"role":"metrics","label":"prometheus"}"#, token: live.credentials.operatorToken)
            #expect(created.status == .created, "\(created.text)")
            let scraper = try #require(try created.object()["token"] as? String)
            let path =
                "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)"
            for _ in 0..<2 { #expect(try await live.get("\(path)/assertion", token: live.credentials.providerToken).status == .ok) }
            let metrics = try await live.get("/metrics", token: scraper)
            #expect(metrics.status == .ok && metrics.text.contains("registrar_ssas_issued_total"), "\(metrics.text.prefix(300))")
            for (method, target) in [("GET", "/organisations"), ("GET", "/tokens"), ("GET", "/audit-events"), ("GET", "/clients")] {
                let refused = try await live.request(.init(method)!, target, token: scraper)
                #expect(refused.status == .forbidden, "\(method) \(target): \(refused.status)")
            }
        }
    }

    /// Client errors are counted with the status the client received, and never as server errors.
    @Test func refusalsAreCountedWithTheirOwnStatusNotAs500() async throws {
        try await LiveDirectory.run { live in
            let body = #"{"legalName":"X","country":"GB"}"#
            #expect(try await live.send(.post, "/organisations", json: body, token: nil).status == .unauthorized)
            #expect(try await live.send(.post, "/organisations", json: "{", token: live.credentials.operatorToken).status == .badRequest)
            #expect(
                try await live.get("/organisations/\(UUID().uuidString.lowercased())", token: live.credentials.operatorToken).status
                    == .notFound)
            let text = try await live.get("/metrics", token: live.credentials.operatorToken).text
            let lines = text.split(separator: "\n").filter { $0.hasPrefix("hb_request") && $0.contains(#"http_route="/organisations"#) }
            for status in ["401", "400"] {
                #expect(
                    lines.contains {
                        $0.hasPrefix("hb_requests{") && $0.contains(#"http_request_method="POST""#)
                            && $0.contains(#"http_response_status_code="\#(status)""#)
                    },
                    "POST /organisations \(status): \(lines)")
            }
            #expect(
                text.split(separator: "\n").contains {
                    $0.hasPrefix("hb_requests{") && $0.contains(#"http_route="/organisations/{organisationId}""#)
                        && $0.contains(#"http_response_status_code="404""#)
                }, "GET /organisations/{organisationId} 404")
            #expect(!lines.contains { $0.hasPrefix("hb_request_errors") }, "\(lines)")
        }
    }
}
