import ChildProcess
import Crypto
import Directory
import Foundation
import HTTPTypes
import PKI
import Testing
import X509

@testable import RegistrarServer

/// RFC 9440: a certificate forwarded by a trusted TLS-terminating proxy reaches handlers validated;
/// the same headers from anyone else are ignored.
@Suite struct ClientCertificateTests {
    static let clientCert = HTTPField.Name("Client-Cert")!
    static let clientCertChain = HTTPField.Name("Client-Cert-Chain")!

    func presented(_ live: LiveDirectory, _ leaf: Data, chain: [Data] = []) async throws -> LiveDirectory.Reply {
        var headers: HTTPFields = [Self.clientCert: ":\(leaf.base64EncodedString()):"]
        if !chain.isEmpty { headers[Self.clientCertChain] = chain.map { ":\($0.base64EncodedString()):" }.joined(separator: ", ") }
        return try await live.get("/client-certificate", headers: headers)
    }

    /// One rule for every path: a cached public document asked for with a forwarded certificate the router
    /// refuses (revoked) is refused, whether the request reaches the wire fast path, the fast path behind
    /// the codec, or the router; without the certificate it is served.
    @Test func aRefusedForwardedCertificateIsRefusedOnEveryPathToACachedDocument() async throws {
        try await LiveDirectory.run(configure: { $0.trustedProxies = try! TrustedProxies(parsing: "127.0.0.1") }) { live in
            let openssl = try OpenSSLCommand()
            let (transport, leaf) = try await live.issueCertificate("transport", openssl: openssl)
            _ = try await live.send(
                .post, "/certificates/\(transport.id)/revoke", json: #"{"reason":"keyCompromise"}"#, token: live.credentials.providerToken)
            #expect(try await live.get("/jwks").status == .ok, "the document is now cached")
            let header = ":\(leaf.base64EncodedString()):"
            // Through the HTTP codec (the test client's request), then raw: the head whole, and split.
            let routed = try await live.get("/jwks", headers: [Self.clientCert: header])
            #expect(routed.status == .unauthorized && routed.text.contains("revoked"), "\(routed.status) \(routed.text)")
            let head = "GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nClient-Cert: \(header)\r\n\r\n"
            let closing = "GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            for chunks in [[head, closing], [String(head.prefix(20)), String(head.dropFirst(20)), closing]] {
                let bytes = try await RawHTTPConnection.exchange(port: live.port, chunks: chunks)
                let statuses = RawHTTPConnection.responses(in: bytes).map(\.statusLine)
                #expect(
                    statuses.count == 2 && statuses[0].hasPrefix("HTTP/1.1 401") && statuses[1].hasPrefix("HTTP/1.1 200"),
                    "\(chunks.count) chunks: \(statuses)")
            }
            #expect(try await live.get("/jwks").status == .ok)
        }
    }

    @Test func aTrustedProxysForwardedCertificateIsValidatedForTransport() async throws {
        try await LiveDirectory.run(configure: { $0.trustedProxies = try! TrustedProxies(parsing: "10.0.0.0/8, 127.0.0.1") }) { live in
            let openssl = try OpenSSLCommand()
            let (transport, leaf) = try await live.issueCertificate("transport", openssl: openssl)
            let accepted = try await presented(live, leaf)
            #expect(accepted.status == .ok, "\(accepted.text)")
            let report = try accepted.json(CertificateReport.self)
            #expect(report.valid && report.serialNumber == transport.id && report.chain.count == 3)

            let issuing = try await live.get("/pki/issuing.cer").body
            #expect(try await presented(live, leaf, chain: [issuing]).status == .ok)

            let (_, signing) = try await live.issueCertificate("signing", openssl: openssl)
            let wrongPurpose = try await presented(live, signing)
            #expect(wrongPurpose.status == .unauthorized && wrongPurpose.text.contains("clientAuth"), "\(wrongPurpose.text)")

            for garbage in [":bm90IGEgY2VydA==:", "no-colons", "::", ":\(String(repeating: "A", count: 70_000)):"] {
                let reply = try await live.get("/client-certificate", headers: [Self.clientCert: garbage])
                #expect(reply.status == .unauthorized && reply.headers[.contentType] == "application/problem+json", "\(reply.text)")
            }

            _ = try await live.send(
                .post, "/certificates/\(transport.id)/revoke", json: #"{"reason":"keyCompromise"}"#, token: live.credentials.providerToken)
            let revoked = try await presented(live, leaf)
            #expect(revoked.status == .unauthorized && revoked.text.contains("revoked"), "\(revoked.text)")
            #expect(try await live.get("/client-certificate").status == .notFound)
        }
    }

    @Test(arguments: ["", "10.0.0.0/8, ::1"])
    func headersFromAnAddressThatIsNotATrustedProxyAreIgnored(proxies: String) async throws {
        try await LiveDirectory.run(configure: { $0.trustedProxies = try! TrustedProxies(parsing: proxies) }) { live in
            let openssl = try OpenSSLCommand()
            let (_, leaf) = try await live.issueCertificate("transport", openssl: openssl)
            let ignored = try await presented(live, leaf)
            #expect(ignored.status == .notFound && ignored.text.contains("no client certificate"), "\(ignored.text)")
        }
    }

    /// A forwarded certificate's verdict is kept a minute at most, and never past a certificate's expiry.
    @Test func aForwardedVerdictIsKeptAMinuteOrUntilTheChainExpires() throws {
        let now = Date()
        func certificate(expiring: Date) throws -> Certificate {
            let key = P256.Signing.PrivateKey()
            let name = try DistinguishedName { CommonName("verdict") }
            return try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: now.addingTimeInterval(-60),
                notValidAfter: expiring, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: .init(),
                issuerPrivateKey: .init(key))
        }
        let lasting = try certificate(expiring: now.addingTimeInterval(86_400))
        let ending = try certificate(expiring: now.addingTimeInterval(10))
        let long = ForwardedCertificateVerdict(ClientCertificate(chain: [lasting], source: .trustedProxy), judgedAt: now)
        let short = ForwardedCertificateVerdict(ClientCertificate(chain: [lasting, ending], source: .trustedProxy), judgedAt: now)
        #expect(long.goodUntil == now.addingTimeInterval(ForwardedCertificateVerdict.lifetime))
        #expect(short.goodUntil == ending.notValidAfter)
    }

    @Test func trustedProxyRanges() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.7, 2001:db8::/32")
        #expect(proxies.contains(ipAddress: "10.255.0.1") && !proxies.contains(ipAddress: "11.0.0.1"))
        #expect(proxies.contains(ipAddress: "192.168.1.7") && !proxies.contains(ipAddress: "192.168.1.8"))
        #expect(proxies.contains(ipAddress: "2001:db8::1") && !proxies.contains(ipAddress: "2001:db9::1"))
        #expect(!proxies.contains(ipAddress: "not an address"))
        #expect(throws: (any Error).self) { try TrustedProxies(parsing: "10.0.0.0/33") }
        #expect(throws: (any Error).self) { try TrustedProxies(parsing: "proxy.example") }
        #expect(try TrustedProxies(parsing: "").isEmpty)
    }
}
