import ChildProcess
import Directory
import Foundation
import PKI
import RegistrarServer
import Testing

/// The HTTPS listener validates client certificates in the TLS handshake against the transport anchors,
/// and hands the validated chain to handlers. Clients are curl and `openssl s_client`.
@Suite struct MutualTLSTests {
    /// `-w` line per transfer: the HTTP status, then how many new connections the transfer opened.
    static let statusAndConnects = ["-o", "/dev/null", "-w", "%{http_code} %{num_connects}\\n"]

    @Test func optionalModeValidatesTheHandshakeCertificateAndPassesItToHandlers() async throws {
        let tls = try await TLSFixture.make()
        try await LiveDirectory.run(tls: (tls, .optional)) { live in
            let openssl = tls.openssl
            let (transport, _) = try await live.issueCertificate("transport", openssl: openssl)
            let url = "\(live.baseURL)/client-certificate"
            let withCertificate = ["--cert", openssl.path("transport.pem"), "--key", openssl.path("transport.key")]

            let accepted = try await tls.curl(withCertificate + [url])
            #expect(accepted.status == 0, "\(accepted.errors)")
            let report = try RecordCoding.decoder.decode(CertificateReport.self, from: Data(accepted.output.utf8))
            #expect(report.valid && report.serialNumber == transport.id && report.chain.count == 3)
            #expect(report.subject.contains(live.credentials.softwareStatementID))

            // Optional: a client without a certificate still reads public documents.
            let anonymous = try await tls.curl(Self.statusAndConnects + ["\(live.baseURL)/participants"], Self.statusAndConnects + [url])
            #expect(anonymous.output == "200 1\n404 0\n", "\(anonymous.output)\(anonymous.errors)")

            // A signing certificate is not a transport certificate; a stranger's CA is not an anchor.
            let (_, _) = try await live.issueCertificate("signing", openssl: openssl)
            let (foreign, foreignKey) = try await tls.foreignClientCertificate()
            for (certificate, key) in [(openssl.path("signing.pem"), openssl.path("signing.key")), (foreign, foreignKey)] {
                let refused = try await tls.curl(["--cert", certificate, "--key", key, url])
                #expect(refused.status != 0 && refused.output.isEmpty, "handshake accepted \(certificate): \(refused.output)")
            }

            // openssl's own client: the handshake verifies both ways and the request is answered.
            let sClient = try await ChildProcess.run(
                openssl.executable,
                [
                    "s_client", "-connect", "127.0.0.1:\(live.port)", "-servername", "localhost", "-CAfile", tls.serverCA,
                    "-verify_return_error", "-cert", openssl.path("transport.pem"), "-key", openssl.path("transport.key"), "-quiet",
                ],
                input: Data("GET /client-certificate HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
            #expect(sClient.output.hasPrefix("HTTP/1.1 200"), "\(sClient.output)\(sClient.errors)")
            #expect(sClient.output.contains(transport.id))

            // Revoked while a keep-alive connection is open: the next request on it is refused, and so
            // is the next handshake.
            let revoke =
                withCertificate + [
                    "-X", "POST", "-H", "Authorization: Bearer \(live.credentials.providerToken)", "-H", "Content-Type: application/json",
                    "--data", #"{"reason":"keyCompromise"}"#,
                ] + Self.statusAndConnects + ["\(live.baseURL)/certificates/\(transport.id)/revoke"]
            let sequence = try await tls.curl(
                withCertificate + Self.statusAndConnects + [url], revoke, withCertificate + Self.statusAndConnects + [url])
            #expect(sequence.output == "200 1\n200 0\n401 0\n", "\(sequence.output)\(sequence.errors)")
            let afterRevocation = try await tls.curl(withCertificate + [url])
            #expect(afterRevocation.status != 0 && afterRevocation.output.isEmpty, "\(afterRevocation.output)")
        }
    }

    @Test func requiredModeRefusesAHandshakeWithoutAValidCertificate() async throws {
        let tls = try await TLSFixture.make()
        let (foreign, foreignKey) = try await tls.foreignClientCertificate()
        try await LiveDirectory.run(tls: (tls, .required)) { live in
            let url = "\(live.baseURL)/participants"
            let anonymous = try await tls.curl([url])
            #expect(anonymous.status != 0 && anonymous.output.isEmpty, "\(anonymous.output)")

            // An operator makes the stranger's CA a transport anchor: the same certificate now passes.
            _ = try await live.runtime.trust.add(
                Data(try tls.openssl.read("foreign.pem").utf8), purpose: .transport, label: "partner CA", by: .commandLine(user: "test"))
            try await waitForRevision(live)
            let admitted = try await tls.curl(["--cert", foreign, "--key", foreignKey] + Self.statusAndConnects + [url])
            #expect(admitted.output == "200 1\n", "\(admitted.output)\(admitted.errors)")
        }
    }

    /// A partner CA that signs with RSASSA-PSS (root and client certificate, made by openssl): once an
    /// anchor, its client passes the handshake and handlers see the validated chain.
    @Test func aPartnerCAThatSignsWithRSASSAPSSAdmitsItsClientsInTheHandshake() async throws {
        let tls = try await TLSFixture.make()
        let openssl = tls.openssl
        let pss = OpenSSLCommand.rsassaPSSSigning
        try await openssl.require(
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "partner.key", "-out", "partner.pem", "-days", "30", "-subj",
                "/C=DE/O=Partner/CN=Partner PSS Root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ] + pss)
        try await openssl.require(
            [
                "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj",
                "/C=DE/O=Partner/CN=client",
            ])
        try openssl.write(
            "client.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n")
        try await openssl.require(
            [
                "x509", "-req", "-in", "client.csr", "-CA", "partner.pem", "-CAkey", "partner.key", "-CAcreateserial", "-days", "5",
                "-extfile",
                "client.ext", "-out", "client.pem",
            ] + pss)
        try await LiveDirectory.run(tls: (tls, .required)) { live in
            let request = ["--cert", openssl.path("client.pem"), "--key", openssl.path("client.key"), "\(live.baseURL)/client-certificate"]
            let stranger = try await tls.curl(request)
            #expect(stranger.status != 0 && stranger.output.isEmpty, "\(stranger.output)")
            _ = try await live.runtime.trust.add(
                Data(try openssl.read("partner.pem").utf8), purpose: .transport, label: "PSS partner", by: .commandLine(user: "test"))
            try await waitForRevision(live)
            let admitted = try await tls.curl(request)
            #expect(admitted.status == 0, "\(admitted.errors)")
            let report = try RecordCoding.decoder.decode(CertificateReport.self, from: Data(admitted.output.utf8))
            #expect(report.valid && report.signatureAlgorithm == "RSASSA-PSS", "\(admitted.output)")
            #expect(report.chain == ["CN=client,O=Partner,C=DE", "CN=Partner PSS Root,O=Partner,C=DE"])
        }
    }

    @Test func noneModeAsksForNoCertificate() async throws {
        let tls = try await TLSFixture.make()
        try await LiveDirectory.run(tls: (tls, .none)) { live in
            let openssl = tls.openssl
            _ = try await live.issueCertificate("transport", openssl: openssl)
            let reply = try await tls.curl(
                ["--cert", openssl.path("transport.pem"), "--key", openssl.path("transport.key")] + Self.statusAndConnects + [
                    "\(live.baseURL)/client-certificate"
                ])
            #expect(reply.output == "404 1\n", "\(reply.output)\(reply.errors)")
        }
    }

    /// The CLI's own change does not pass through this node; it sees it once it polls the revision.
    private func waitForRevision(_ live: LiveDirectory) async throws {
        let target = try await live.runtime.store.currentRevision()
        for _ in 0..<50 where live.runtime.currentRevision < target { try await Task.sleep(for: .milliseconds(50)) }
    }
}
