import Directory
import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Testing

@testable import RegistrarServer

/// `PlainRequest`: the request heads the wire fast path may answer, and everything it must not.
@Suite struct PlainRequestTests {
    private func parse(_ text: String) -> PlainRequest? {
        Array(text.utf8).withUnsafeBytes { PlainRequest.parse($0) }
    }

    @Test func aPlainGetIsRecognisedWithItsLength() throws {
        let head = "GET /jwks HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n"
        let request = try #require(parse(head + "GET /participants HTTP/1.1\r\n"))
        #expect(
            request == PlainRequest(isHead: false, target: "/jwks", ifNoneMatch: nil, authorization: nil, length: head.utf8.count))
    }

    @Test func headWithQueryAndConditionIsRecognised() throws {
        let head = "HEAD /participants?page=2&page-size=1 HTTP/1.1\r\nhost: x\r\nif-NONE-match: \t\"abc\", W/\"def\" \r\n\r\n"
        let request = try #require(parse(head))
        #expect(request.isHead && request.target == "/participants?page=2&page-size=1")
        #expect(request.ifNoneMatch == "\"abc\", W/\"def\"" && request.length == head.utf8.count)
    }

    @Test func credentialsAreKeptForTheSSAFastPath() throws {
        let request = try #require(
            parse("GET /organisations/a/software-statements/b/assertion HTTP/1.1\r\nauthorization:  Bearer abc \r\n\r\n"))
        #expect(request.authorization == "Bearer abc" && request.ifNoneMatch == nil)
    }

    @Test(arguments: [
        ("POST /jwks HTTP/1.1\r\nHost: x\r\n\r\n", "another method"),
        ("get /jwks HTTP/1.1\r\nHost: x\r\n\r\n", "a method in lower case"),
        ("GET /jwks HTTP/1.0\r\nHost: x\r\n\r\n", "HTTP/1.0 (connection handling differs)"),
        ("GET http://x/jwks HTTP/1.1\r\nHost: x\r\n\r\n", "absolute-form target"),
        ("GET * HTTP/1.1\r\nHost: x\r\n\r\n", "asterisk-form target"),
        ("GET /jwks  HTTP/1.1\r\nHost: x\r\n\r\n", "two spaces"),
        ("GET /jwks HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "a body length"),
        ("GET /jwks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "a chunked body"),
        ("GET /jwks HTTP/1.1\r\nAuthorization: Bearer x\r\nAuthorization: Bearer y\r\n\r\n", "two sets of credentials"),
        ("GET /jwks HTTP/1.1\r\ncOnNeCtIoN: close\r\n\r\n", "connection options, in any case"),
        ("GET /jwks HTTP/1.1\r\nClient-Cert: :AAAA:\r\n\r\n", "a forwarded client certificate"),
        ("GET /jwks HTTP/1.1\r\nClient-Cert-Chain: :AAAA:\r\n\r\n", "a forwarded chain"),
        ("GET /jwks HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", "an expectation"),
        ("GET /jwks HTTP/1.1\r\nUpgrade: h2c\r\n\r\n", "an upgrade"),
        ("GET /jwks HTTP/1.1\nHost: x\n\n", "bare LF line ends"),
        ("GET /jwks HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "an obsolete line folding"),
        ("GET /jwks HTTP/1.1\r\nHost : x\r\n\r\n", "whitespace before the colon"),
        ("GET /jwks HTTP/1.1\r\nHost: x\u{0}y\r\n\r\n", "a NUL in a value"),
        ("GET /jwks HTTP/1.1\r\nHost: x\ry\r\n\r\n", "a bare CR in a value"),
        ("GET /jwks HTTP/1.1\r\nIf-None-Match: \"a\"\r\nIf-None-Match: \"b\"\r\n\r\n", "a repeated condition"),
        ("GET /jwks HTTP/1.1\r\nHost: x\r\n", "an incomplete head"),
        ("GET /jwks HTTP/1.1\r\n", "only a request line"),
        ("GET /jw\u{7F}ks HTTP/1.1\r\n\r\n", "a control character in the target"),
        ("GET /jwks HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: 9000) + "\r\n\r\n", "a head over 8 KB"),
    ])
    func anythingElseIsLeftToTheCodec(head: String, what: String) {
        #expect(parse(head) == nil, "\(what)")
    }
}

/// `WireFastPath` in the pipeline the server builds (codec, HTTP type conversion, the HTTP-level
/// fast path): what it answers itself, what it hands on whole, and when it steps aside.
@Suite struct WireFastPathTests {
    private func pipeline(_ live: LiveDirectory) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(WireFastPath(runtime: live.runtime))
        try operations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
        try operations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try operations.addHandler(PublishedDocumentFastPath(runtime: live.runtime))
        return channel
    }

    private func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    private func routed(_ channel: EmbeddedChannel) throws -> [String] {
        var paths: [String] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) {
            if case .head(let request) = part { paths.append(request.path ?? "") }
        }
        return paths
    }

    @Test func answersCachedDocumentsAndHandsOnTheRestInOrder() async throws {
        try await LiveDirectory.run { live in
            let jwks = try await live.get("/jwks")
            try await live.runtime.refreshRevision()
            _ = try await live.get("/jwks")
            let channel = try pipeline(live)
            let get = { (path: String) in "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n" }

            // Two cached requests in one read: both answered here, nothing reaches the router.
            try channel.writeInbound(ByteBuffer(string: get("/jwks") + get("/jwks")))
            let answers = try written(channel)
            #expect(answers.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 3)
            #expect(answers.components(separatedBy: jwks.text).count == 3)
            #expect(try routed(channel).isEmpty)

            // An unknown document goes on whole; the cached one behind it must wait for the router's answer.
            try channel.writeInbound(ByteBuffer(string: get("/participants/unknown") + get("/jwks")))
            #expect(try written(channel).isEmpty)
            #expect(try routed(channel) == ["/participants/unknown", "/jwks"])

            // Once the router has answered both, cached documents are answered here again.
            for _ in 0..<2 {
                try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .notFound)))
                try channel.writeOutbound(HTTPResponsePart.end(nil))
            }
            _ = try written(channel)
            try channel.writeInbound(ByteBuffer(string: get("/jwks")))
            #expect(try written(channel).hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(try routed(channel).isEmpty)

            // A request with a body: from there on the codec has the connection, and the handler is gone.
            try channel.writeInbound(ByteBuffer(string: "POST /register HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" + get("/jwks")))
            // (The HTTP-level fast path behind the codec sees the POST waiting and routes /jwks too.)
            #expect(try routed(channel) == ["/register", "/jwks"])
            #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: WireFastPath.self) }
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    /// An SSA the directory can issue from memory is answered here; one for a token it does not know,
    /// or a document asked for with credentials, goes to the router, which judges the credentials.
    @Test func ssasFromMemoryAreAnsweredHereOtherCredentialsAreRouted() async throws {
        try await LiveDirectory.run { live in
            let (organisation, software) = (live.credentials.providerOrganisationID, live.credentials.softwareStatementID)
            let path = "/organisations/\(organisation)/software-statements/\(software)/assertion"
            try await live.runtime.refreshRevision()
            let routedSSA = try await live.get(path, token: live.credentials.providerToken)
            #expect(routedSSA.status == .ok)
            let channel = try pipeline(live)
            try channel.writeInbound(
                ByteBuffer(string: "GET \(path) HTTP/1.1\r\nAuthorization: Bearer \(live.credentials.providerToken)\r\n\r\n"))
            let answer = RawHTTPConnection.responses(in: Data(try written(channel).utf8))
            #expect(try routed(channel).isEmpty)
            #expect(answer.first?.statusLine == "HTTP/1.1 200 OK" && answer.first?["content-type"] == "application/jwt")
            #expect(answer.first?["cache-control"] == routedSSA.headers[.cacheControl])
            #expect(answer.first.map { String(decoding: $0.body, as: UTF8.self).split(separator: ".").count } == 3)

            try channel.writeInbound(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nAuthorization: Bearer rgr_unknown\r\n\r\n"))
            try channel.writeInbound(ByteBuffer(string: "GET /jwks HTTP/1.1\r\nAuthorization: Bearer rgr_unknown\r\n\r\n"))
            #expect(try written(channel).isEmpty)
            #expect(try routed(channel) == [path, "/jwks"])
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func aHeadSplitAcrossReadsGoesToTheCodec() async throws {
        try await LiveDirectory.run { live in
            // Catch up with the seed's revision first, or the poller could empty the cache under the test.
            try await live.runtime.refreshRevision()
            _ = try await live.get("/jwks")
            let channel = try pipeline(live)
            try channel.writeInbound(ByteBuffer(string: "GET /jwks HTTP/1.1\r\nHo"))
            try channel.writeInbound(ByteBuffer(string: "st: x\r\n\r\n"))
            // Parsed by the codec and answered by the HTTP-level fast path behind it.
            #expect(try written(channel).hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(try routed(channel).isEmpty)
            #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: WireFastPath.self) }
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    /// Over a real connection: the bytes answered before the codec are the router's answer (but for
    /// `Date` and the `Connection` header the last request asks for), and they arrive in order.
    @Test func wireAnswersAreTheRoutersAnswers() async throws {
        try await LiveDirectory.run { live in
            for path in ["/jwks", "/participants?limit=1", "/.well-known/openid-configuration"] {
                _ = try await live.get(path)
                let etag = try #require(try await live.get(path).headers[.eTag])
                let plain = "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n"
                let requests = [
                    plain, "HEAD \(path) HTTP/1.1\r\nHost: x\r\n\r\n", "GET \(path) HTTP/1.1\r\nIf-None-Match: \(etag)\r\n\r\n",
                    "GET /participants/\(UUID().uuidString.lowercased()) HTTP/1.1\r\n\r\n", plain,
                    "GET \(path) HTTP/1.1\r\nConnection: close\r\n\r\n",
                ]
                let data = try await RawHTTPConnection.exchange(port: live.port, chunks: [requests.joined()])
                let responses = RawHTTPConnection.responses(in: data, bodiless: [1])
                #expect(
                    responses.map { $0.statusLine.prefix(12) } == [
                        "HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 304", "HTTP/1.1 404", "HTTP/1.1 200", "HTTP/1.1 200",
                    ], "\(path)")
                guard responses.count == 6 else { continue }
                func comparable(_ response: RawHTTPConnection.Response) -> [String] {
                    response.headers.filter { !["date", "connection"].contains($0.name.lowercased()) }.map {
                        "\($0.name.lowercased()): \($0.value)"
                    }.sorted()
                }
                let routed = responses[5]
                #expect(comparable(responses[0]) == comparable(routed), "\(path)")
                #expect(responses[0].body == routed.body && responses[4].body == routed.body)
                #expect(responses[1].body.isEmpty && responses[1]["content-length"] == String(routed.body.count))
                #expect(responses[2].body.isEmpty && responses[2]["etag"] == etag && responses[2]["content-type"] == nil)
                #expect(responses[0]["date"]?.hasSuffix(" GMT") == true)
            }
        }
    }

    /// A document over `largestCopiedDocument` is served from the shared buffer, with the same bytes.
    @Test func aLargeDocumentIsServedWhole() async throws {
        try await LiveDirectory.run { live in
            for index in 0..<300 {
                _ = try await live.runtime.directory.createOrganisation(
                    NewOrganisation(legalName: "Bank \(index) " + String(repeating: "n", count: 240), country: "GB"), by: .system)
            }
            try await live.runtime.refreshRevision()
            let routed = try await live.get("/participants")
            #expect(routed.body.count > WireFastPath.largestCopiedDocument)
            let data = try await RawHTTPConnection.exchange(
                port: live.port,
                chunks: ["GET /participants HTTP/1.1\r\n\r\nGET /participants HTTP/1.1\r\nConnection: close\r\n\r\n"])
            let responses = RawHTTPConnection.responses(in: data)
            #expect(responses.count == 2 && responses.allSatisfy { $0.body == routed.body })
        }
    }

    @Test func aHeadSplitOverTwoWritesIsAnsweredByTheRouter() async throws {
        try await LiveDirectory.run { live in
            let jwks = try await live.get("/jwks")
            let data = try await RawHTTPConnection.exchange(
                port: live.port, chunks: ["GET /jwks HTTP/1.1\r\nHo", "st: x\r\n\r\nGET /jwks HTTP/1.1\r\nConnection: close\r\n\r\n"])
            let responses = RawHTTPConnection.responses(in: data)
            #expect(responses.count == 2)
            #expect(responses.allSatisfy { $0.statusLine == "HTTP/1.1 200 OK" && $0.body == jwks.body })
        }
    }
}
