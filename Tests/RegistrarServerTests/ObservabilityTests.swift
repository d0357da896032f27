import ChildProcess
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

/// `registrar serve --access-log json`, run as an operator would, read from its standard output.
@Suite struct AccessLogTests {
    @Test func aJSONAccessLogWritesOneObjectPerRoutedRequest() async throws {
        let data = try TestStores.temporaryFolder()
        #expect(try await Witness.run(Witness.registrarBinary, ["init", "--data", data.path]).status == 0)
        let log = data.appending(path: "access.log").path
        let port = try FreePort.loopback()
        let server = try await ChildProcess.start(
            "/bin/bash",
            [
                "-c", #"exec "$0" serve --data "$1" --port "$2" --access-log json > "$3""#, Witness.registrarBinary, data.path,
                String(port), log,
            ])
        defer { server.terminate() }
        var answered: Witness.Result?
        for _ in 0..<100 {
            let reply = try await Witness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Request-Id: trace-7",
                    "http://127.0.0.1:\(port)/organisations/nope",
                ])
            if reply.output == "401" { answered = reply; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(answered != nil, "the server answered")
        try await Task.sleep(for: .milliseconds(200))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        let entries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let entry = try #require(entries.first { $0["request_id"] as? String == "trace-7" }, "\(lines)")
        #expect(entry["method"] as? String == "GET" && entry["path"] as? String == "/organisations/nope")
        #expect(entry["status"] as? Int == 401 && entry["remote"] as? String == "127.0.0.1" && entry["duration_ms"] is Double, "\(entry)")
        #expect(entry["time"] is String)
    }
}
