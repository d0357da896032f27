import ArgumentParser
import ChildProcess
import Foundation
import PKI
import X509

/// Certificate issuance and chain validation per second, each beside openssl doing the same work on the
/// same input in the same run: `openssl x509 -req` for issuance, `openssl verify` for validation. One
/// openssl process per operation pays its start-up; `openssl verify` over many leaves in one process
/// gives the marginal cost per certificate, which is the fairer yardstick.
struct PKIBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki", abstract: "Certificate issuance and chain validation vs openssl x509 -req / openssl verify.")

    @Option(help: "Seconds per in-process measurement.") var duration = 5
    @Option(help: "openssl invocations per timing.") var invocations = 40

    func run() async throws {
        let openssl = try OpenSSLCommand()
        let now = Date()
        let root = try CertificateAuthorityKey.makeRoot(commonName: "Bench Root", organisation: "Registrar Bench", now: now)
        let issuing = try CertificateAuthorityKey.makeIssuing(
            commonName: "Bench Issuing", organisation: "Registrar Bench", under: root, now: now)
        let issuer = CertificateIssuer(authority: issuing, endpoints: PKIEndpoints(baseURL: "https://directory.example"))
        let csr = try await openssl.makeCSR(name: "client", key: ["rsa:2048"])
        let subject = SubjectIdentity(
            country: "GB", organisationName: "Bench Ltd",
            organisationIdentifier: .psd2(country: "GB", authority: "FCA", authorisationNumber: "1"),
            organisationalUnit: "org", commonName: "software", userID: "software")
        func issue() throws -> Certificate {
            let reviewed = try SigningRequestReview.review(pem: csr)
            return try issuer.issue(
                LeafCertificateRequest(purpose: .transport, subject: subject, publicKey: reviewed.publicKey), now: Date())
        }
        print("registrar-bench pki: release build: \(isReleaseBuild); CA keys P-256, leaf key RSA 2048")

        // Issuance: CSR parse + proof-of-possession check + certificate signing, one thread.
        let issuance = try rate(seconds: Double(duration)) { _ = try issue() }
        try openssl.write("issuing.pem", try CertificateBundle.pem(issuing.certificate))
        try openssl.write("issuing.key", issuing.privateKeyPEM)
        try openssl.write("root.pem", try CertificateBundle.pem(root.certificate))
        try openssl.write(
            "leaf.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth,serverAuth\n")
        let opensslIssue = try await timeInvocations {
            try await openssl.require([
                "x509", "-req", "-in", "client.csr", "-CA", "issuing.pem", "-CAkey", "issuing.key", "-set_serial", "1", "-days", "730",
                "-extfile", "leaf.ext", "-out", "openssl-leaf.pem",
            ])
        }

        // Validation: RFC 5280 path building and policies to the root, leaf sent alone.
        let leaf = try issue()
        let trust = TrustStore(anchors: [.transport: [root.certificate]], intermediates: [issuing.certificate])
        let verdict = await ChainValidator.validate(leaf: leaf, presented: [], purpose: .transport, trust: trust, at: Date())
        guard verdict.isValid else { throw ValidationError("the benchmark leaf does not validate: \(verdict.problems)") }
        let validation = try await asyncRate(seconds: Double(duration)) {
            _ = await ChainValidator.validate(leaf: leaf, presented: [], purpose: .transport, trust: trust, at: Date())
        }
        try openssl.write("leaf.pem", try CertificateBundle.pem(leaf))
        let verifyArguments = ["verify", "-purpose", "sslclient", "-CAfile", "root.pem", "-untrusted", "issuing.pem"]
        let opensslVerifyOne = try await timeInvocations { try await openssl.require(verifyArguments + ["leaf.pem"]) }
        let batch = 500
        let batchStart = Date()
        try await openssl.require(verifyArguments + Array(repeating: "leaf.pem", count: batch))
        let batchSeconds = Date().timeIntervalSince(batchStart)
        let marginal = max(batchSeconds - opensslVerifyOne, 1e-9) / Double(batch - 1)

        print("")
        print("operation                    registrar/s   openssl/s (one process each)   openssl/s (marginal, one process)")
        print(
            "issue certificate from CSR " + format(issuance, width: 13) + format(1 / opensslIssue, width: 31) + format(.nan, width: 36))
        print(
            "validate chain (transport) " + format(validation, width: 13) + format(1 / opensslVerifyOne, width: 31)
                + format(1 / marginal, width: 36))
        print("")
        print("notes: registrar figures are one thread in process; openssl x509 -req signs with the same P-256 issuing key;")
        print("openssl verify's marginal rate is (time for \(batch) leaves − time for 1) / \(batch - 1) in one process.")
    }

    /// Operations per second of a synchronous body on this thread.
    func rate(seconds: Double, _ body: () throws -> Void) throws -> Double {
        let start = Date()
        var count = 0
        while Date().timeIntervalSince(start) < seconds {
            try body()
            count += 1
        }
        return Double(count) / Date().timeIntervalSince(start)
    }

    func asyncRate(seconds: Double, _ body: () async throws -> Void) async throws -> Double {
        let start = Date()
        var count = 0
        while Date().timeIntervalSince(start) < seconds {
            try await body()
            count += 1
        }
        return Double(count) / Date().timeIntervalSince(start)
    }

    /// Mean seconds per invocation of an openssl command (process start-up included).
    func timeInvocations(_ body: () async throws -> Void) async throws -> Double {
        try await body()  // warm the page cache
        let start = Date()
        for _ in 0..<invocations { try await body() }
        return Date().timeIntervalSince(start) / Double(invocations)
    }
}
