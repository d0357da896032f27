import Foundation
import Testing

@testable import RegistrarServer

/// Fuzzing the wire fast path's request-head reader, the first code to see a connection's bytes: mutated
/// heads (flipped, inserted, deleted and truncated bytes, pipelined pairs) never crash it, and whatever it
/// accepts really is a plain request, checked independently of the reader. Then the same kind of bytes
/// through a live server: never a 5xx, and the server goes on answering. Deterministic: the seed is fixed
/// (REGISTRAR_FUZZ_SEED overrides it) and printed with any failure.
@Suite struct WireFastPathFuzzTests {
    static let seeds = [
        "GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "HEAD /participants?page=1&page-size=2 HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"abc\"\r\nAccept: */*\r\n\r\n",
        "GET /organisations/a/software-statements/b/assertion HTTP/1.1\r\nAuthorization: Bearer rgr_x\r\n\r\n",
        "GET /jwks HTTP/1.1\r\nHost: x\r\n\r\nGET /status/organisations HTTP/1.1\r\nUser-Agent: t\r\n\r\n",
        "GET /.well-known/openid-configuration HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    ]
    static let seed = ProcessInfo.processInfo.environment["REGISTRAR_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x31ef_a57

    static func mutate(_ text: String, _ random: inout SplitMix64) -> [UInt8] {
        var bytes = Array(text.utf8)
        let interesting: [UInt8] = Array("\r\n :\t/\"\u{0}\u{7F}".utf8) + [0x80, 0xFF]
        for _ in 0..<(1 + random.below(4)) {
            guard !bytes.isEmpty else { break }
            let index = random.below(bytes.count)
            switch random.below(5) {
            case 0: bytes[index] = UInt8(random.below(256))
            case 1: bytes.insert(interesting[random.below(interesting.count)], at: index)
            case 2: bytes.remove(at: index)
            case 3: bytes = Array(bytes.prefix(index))
            default: bytes[index] = interesting[random.below(interesting.count)]
            }
        }
        return bytes
    }

    /// What a plain request is, said again without the reader's code.
    static func isPlain(_ head: [UInt8], as request: PlainRequest) -> Bool {
        let text = String(decoding: head, as: UTF8.self)
        guard head.count == request.length, text.hasSuffix("\r\n\r\n"),
            head.allSatisfy({ $0 >= 0x20 || [0x09, 0x0A, 0x0D].contains($0) }), !head.contains(0x7F)
        else { return false }
        let lines = text.dropLast(4).components(separatedBy: "\r\n")
        guard lines.allSatisfy({ !$0.contains("\n") && !$0.contains("\r") }) else { return false }
        let requestLine = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, ["GET", "HEAD"].contains(requestLine[0]), requestLine[2] == "HTTP/1.1",
            requestLine[1] == request.target, request.target.hasPrefix("/"), request.isHead == (requestLine[0] == "HEAD")
        else { return false }
        let names = lines.dropFirst().map { $0.prefix { $0 != ":" }.lowercased() }
        let excluded = ["content-length", "transfer-encoding", "connection", "upgrade", "expect", "te", "client-cert", "client-cert-chain"]
        return names.allSatisfy { !$0.isEmpty && !$0.contains(" ") && !excluded.contains($0) }
            && names.filter { $0 == "authorization" }.count <= 1 && names.filter { $0 == "if-none-match" }.count <= 1
    }

    @Test func mutatedHeadsNeverCrashTheReaderAndWhatItAcceptsIsPlain() {
        var random = SplitMix64(seed: Self.seed)
        var accepted = 0
        for iteration in 0..<20_000 {
            let bytes = Self.mutate(Self.seeds[iteration % Self.seeds.count], &random)
            guard let request = bytes.withUnsafeBytes(PlainRequest.parse) else { continue }
            accepted += 1
            let head = Array(bytes.prefix(request.length))
            #expect(
                Self.isPlain(head, as: request),
                "seed \(Self.seed), iteration \(iteration): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            #expect(head.withUnsafeBytes(PlainRequest.parse) == request, "seed \(Self.seed), iteration \(iteration)")
        }
        // Some mutations leave a request plain (a changed header value, a cut-off second request).
        #expect(accepted > 1_000)
    }

    @Test func mutatedHeadsThroughALiveServerNeverGetA5xx() async throws {
        try await LiveDirectory.run { live in
            let jwks = try await live.get("/jwks")
            var random = SplitMix64(seed: Self.seed)
            for iteration in 0..<150 {
                let bytes = Self.mutate(Self.seeds[iteration % Self.seeds.count], &random)
                let data = try await RawHTTPConnection.exchange(
                    port: live.port, chunks: [bytes + Array("GET /jwks HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)])
                for response in RawHTTPConnection.responses(in: data) {
                    #expect(
                        !response.statusLine.hasPrefix("HTTP/1.1 5"), "seed \(Self.seed), iteration \(iteration): \(response.statusLine)")
                }
            }
            #expect(try await live.get("/jwks").body == jwks.body)
        }
    }
}
