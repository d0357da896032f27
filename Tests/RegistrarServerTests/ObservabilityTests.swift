import Foundation
import HTTPTypes
import Testing

/// What an operator reads off a running node: liveness apart from readiness, and one request id shared
/// by the response and the request's log lines.
@Suite struct ObservabilityTests {
    @Test func livenessAndReadinessAnswerApart() async throws {
        try await LiveDirectory.run { live in
            let health = try await live.get("/health")
            let healthStatus = try health.object()["status"] as? String
            #expect(health.status == .ok && healthStatus == "ok")
            let ready = try await live.get("/ready")
            let readyStatus = try ready.object()["status"] as? String
            #expect(ready.status == .ok && readyStatus == "ready", "\(ready.text)")
        }
    }

    @Test func responsesCarryTheRequestIdTheCallerGaveAndErrorsAlwaysCarryOne() async throws {
        try await LiveDirectory.run { live in
            let header = HTTPField.Name("X-Request-Id")!
            var given = HTTPFields()
            given[header] = "lb-7f3a.2026:42"
            let missing = try await live.get("/organisations/nope", token: live.credentials.operatorToken, headers: given)
            #expect(missing.status == .notFound && missing.headers[header] == "lb-7f3a.2026:42", "\(missing.headers)")

            var hostile = HTTPFields()
            hostile[header] = "x\" onload=\"alert(1)"
            let own = try await live.get("/organisations/nope", token: live.credentials.operatorToken, headers: hostile)
            let id = try #require(own.headers[header])
            #expect(!id.isEmpty && id != hostile[header] && RequestIdShape.isToken(id), "\(id)")
            let other = try await live.get("/organisations/nope", token: live.credentials.operatorToken)
            #expect(other.headers[header] != nil && other.headers[header] != id, "each request its own id")

            // A success carries the caller's id back, and no id of the server's own (the fast paths' bytes).
            let listed = try await live.get("/organisations", token: live.credentials.operatorToken, headers: given)
            #expect(listed.status == .ok && listed.headers[header] == "lb-7f3a.2026:42")
            #expect(try await live.get("/organisations", token: live.credentials.operatorToken).headers[header] == nil)
        }
    }

    enum RequestIdShape {
        static func isToken(_ id: String) -> Bool { id.allSatisfy { $0.isLetter || $0.isNumber || "-._:".contains($0) } }
    }
}
