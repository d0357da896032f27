import Foundation
import RegistrarServer
import Testing

/// Slow or stopped clients over raw sockets: a connection that sends nothing, half a request head or half
/// a body is closed after its time-out, an idle kept-alive connection after the keep-alive time-out; a
/// body that ends before its `Content-Length` is a 400 in the endpoint's own error format, never a 500.
@Suite struct ConnectionTimeoutTests {
    static let seconds: Duration = .seconds(1)

    @Test func halfSentRequestsAndIdleConnectionsAreClosedAfterTheirTimeOuts() async throws {
        try await LiveDirectory.run(configure: {
            $0.connectionTimeouts = ConnectionTimeouts(requestHead: .seconds(1), requestBody: .seconds(1), keepAlive: .seconds(2))
        }) { live in
            let port = live.port
            // Never before the time-out; after it, within a margin wide enough for a loaded CI machine
            // (the whole suite in parallel once delayed a close by 2.8 s), and well before "never" (8 s).
            let cases: [(name: String, bytes: String, closedAfter: ClosedRange<Double>)] = [
                ("nothing sent", "", 0.8...6),
                ("half a request head", "GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: app", 0.8...6),
                (
                    "half a body",
                    "POST /organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"legal",
                    0.8...6
                ),
                // Answered by the wire fast path (the codec never sees it), then idle.
                ("an answered request, then idle", "GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 1.8...12),
                ("a routed answer, then idle", "GET /no/such/thing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 1.8...12),
            ]
            try await withThrowingTaskGroup(of: (String, Duration?, ClosedRange<Double>).self) { group in
                for item in cases {
                    group.addTask {
                        (
                            item.name, try await RawHTTPConnection.timeUntilClosed(port: port, sending: item.bytes, limit: .seconds(13)),
                            item.closedAfter
                        )
                    }
                }
                for try await (name, taken, expected) in group {
                    let seconds = taken.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
                    #expect(seconds.map(expected.contains) == true, "\(name): closed after \(seconds.map { "\($0) s" } ?? "never")")
                }
            }
        }
    }

    @Test func withTheDefaultsAHalfSentHeadIsNotClosedAtOnce() async throws {
        try await LiveDirectory.run { live in
            let taken = try await RawHTTPConnection.timeUntilClosed(
                port: live.port, sending: "GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\n", limit: .seconds(2))
            #expect(taken == nil, "closed after \(String(describing: taken))")
        }
    }

    @Test func aBodyEndingBeforeItsContentLengthIsA400() async throws {
        try await LiveDirectory.run { live in
            let requests: [(path: String, type: String, token: String?, format: String)] = [
                ("/organisations", "application/json", live.credentials.operatorToken, "application/problem+json"),
                ("/tokens", "application/json", live.credentials.operatorToken, "application/problem+json"),
                ("/token", "application/x-www-form-urlencoded", nil, "application/json"),
                ("/register", "application/jwt", nil, "application/json"),
            ]
            for request in requests {
                let authorization = request.token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
                let head =
                    "POST \(request.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(request.type)\r\n\(authorization)Content-Length: 400\r\n\r\n"
                let bytes = try await RawHTTPConnection.exchange(
                    port: live.port, chunks: [Array((head + "{\"legalName\":\"Ha").utf8)], closingOutput: true)
                let response = try #require(RawHTTPConnection.responses(in: bytes).first, "\(request.path): no answer")
                #expect(
                    response.statusLine.hasPrefix("HTTP/1.1 400"),
                    "\(request.path): \(response.statusLine) \(String(decoding: response.body, as: UTF8.self))")
                #expect(response["Content-Type"] == request.format, "\(request.path)")
            }
        }
    }
}
