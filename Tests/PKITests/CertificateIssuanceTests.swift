import ChildProcess
import Foundation
import PKI
import Testing
import X509

@Suite("Directory CA: certificates from CSRs, judged by openssl")
struct CertificateIssuanceTests {
    @Test("a transport certificate chains to the root for TLS client use, with the subject the directory chose")
    func transportCertificate() async throws {
        let openssl = try OpenSSLCommand()
        let authority = try TestAuthority()
        let csr = try await openssl.makeCSR(name: "client", key: ["rsa:2048"], subject: "/CN=evil.example/O=Someone Else")
        let leaf = try authority.issue(.transport, csr: csr)
        let root = try openssl.write("root.pem", authority.pem(authority.root.certificate))
        let issuing = try openssl.write("issuing.pem", authority.pem(authority.issuing.certificate))
        let leafPath = try openssl.write("leaf.pem", authority.pem(leaf))

        let verified = try await openssl.run(["verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing, leafPath])
        #expect(verified.status == 0 && verified.output.contains("OK"), "\(verified.output)\(verified.errors)")

        let subject = try await openssl.run(["x509", "-in", leafPath, "-noout", "-subject", "-nameopt", "RFC2253"])
        #expect(subject.output.contains("organizationIdentifier=PSDGB-FCA-123456"), "\(subject.output)")
        #expect(subject.output.contains("CN=software-7Hq2"))
        #expect(subject.output.contains("OU=0015800001041REAAY"))
        #expect(subject.output.contains("O=Example Fintech Ltd"))
        #expect(subject.output.contains("UID=software-7Hq2"))
        #expect(!subject.output.contains("evil.example"), "the CSR's own subject must never reach the certificate")

        let text = try await openssl.run(["x509", "-in", leafPath, "-noout", "-text"])
        #expect(text.output.contains("TLS Web Client Authentication"))
        #expect(text.output.contains("CA:FALSE"))
        #expect(text.output.contains("URI:https://directory.example/pki/issuing.crl"))
        #expect(text.output.contains("OCSP - URI:https://directory.example/pki/ocsp"))
        #expect(text.output.contains("CA Issuers - URI:https://directory.example/pki/issuing.cer"))
        #expect(text.output.contains("X509v3 Authority Key Identifier"))
        #expect(text.output.contains("X509v3 Subject Key Identifier"))
    }

    @Test("a signing certificate for a P-256 key has digitalSignature and nonRepudiation and no TLS usage")
    func signingCertificate() async throws {
        let openssl = try OpenSSLCommand()
        let authority = try TestAuthority()
        let csr = try await openssl.makeCSR(name: "signer", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        let leaf = try authority.issue(.signing, csr: csr)
        let root = try openssl.write("root.pem", authority.pem(authority.root.certificate))
        let issuing = try openssl.write("issuing.pem", authority.pem(authority.issuing.certificate))
        let leafPath = try openssl.write("leaf.pem", authority.pem(leaf))

        let verified = try await openssl.run(["verify", "-CAfile", root, "-untrusted", issuing, leafPath])
        #expect(verified.status == 0, "\(verified.output)\(verified.errors)")
        let usage = try await openssl.run(["x509", "-in", leafPath, "-noout", "-ext", "keyUsage,extendedKeyUsage"])
        #expect(usage.output.contains("Digital Signature, Non Repudiation"), "\(usage.output)")
        #expect(!usage.output.contains("Extended Key Usage"))
        // The certified key is the CSR's key.
        let certifiedKey = try await openssl.run(["x509", "-in", leafPath, "-noout", "-pubkey"])
        let requestKey = try await openssl.run(["req", "-in", openssl.path("signer.csr"), "-noout", "-pubkey"])
        #expect(certifiedKey.output == requestKey.output)
    }

    @Test("CSRs with weak or unsupported keys are refused with the reason")
    func weakKeys() async throws {
        let openssl = try OpenSSLCommand()
        let cases: [(String, [String], String)] = [
            ("rsa1024", ["rsa:1024"], "2048"),
            ("p521", ["ec", "-pkeyopt", "ec_paramgen_curve:P-521"], "P-521"),
            ("ed25519", ["ed25519"], "not accepted"),
        ]
        for (name, key, reason) in cases {
            let csr = try await openssl.makeCSR(name: name, key: key)
            #expect {
                _ = try SigningRequestReview.review(pem: csr)
            } throws: { error in
                "\(error)".contains(reason)
            }
        }
    }

    @Test("a CSR whose signature does not match its key is refused")
    func forgedSignature() async throws {
        let openssl = try OpenSSLCommand()
        let csr = try await openssl.makeCSR(name: "victim", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        #expect(throws: Never.self) { _ = try SigningRequestReview.review(pem: csr) }
        // Change one bit of the signature: the request then carries a key it cannot prove it holds.
        var der = Array(try PEMDocumentBytes.der(of: csr))
        der[der.count - 5] ^= 0x01
        let tampered = PEMDocumentBytes.pem(der, label: "CERTIFICATE REQUEST")
        #expect(throws: PKIFailure.self) { _ = try SigningRequestReview.review(pem: tampered) }
    }

    @Test("garbage, certificates and oversized input are not CSRs")
    func notCSRs() throws {
        let authority = try TestAuthority()
        let inputs = [
            "", "hello", "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----",
            try authority.pem(authority.root.certificate),
            "-----BEGIN CERTIFICATE REQUEST-----\n" + String(repeating: "QUFB", count: 6000) + "\n-----END CERTIFICATE REQUEST-----",
        ]
        for input in inputs {
            #expect(throws: PKIFailure.self, "\(input.prefix(40))") { _ = try SigningRequestReview.review(pem: input) }
        }
    }

    @Test("the issuing CA may only certify end entities, and only the root is self-signed")
    func caProfile() async throws {
        let openssl = try OpenSSLCommand()
        let authority = try TestAuthority()
        let root = try openssl.write("root.pem", authority.pem(authority.root.certificate))
        let issuing = try openssl.write("issuing.pem", authority.pem(authority.issuing.certificate))
        let verified = try await openssl.run(["verify", "-CAfile", root, issuing])
        #expect(verified.status == 0, "\(verified.errors)")
        let text = try await openssl.run(["x509", "-in", issuing, "-noout", "-ext", "basicConstraints,keyUsage"])
        #expect(text.output.contains("CA:TRUE, pathlen:0"), "\(text.output)")
        #expect(text.output.contains("Certificate Sign, CRL Sign"))
    }
}

/// PEM in and out for tests that tamper with DER.
enum PEMDocumentBytes {
    static func der(of pem: String) throws -> Data {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return try #require(Data(base64Encoded: body))
    }

    static func pem(_ der: [UInt8], label: String) -> String {
        "-----BEGIN \(label)-----\n\(Data(der).base64EncodedString(options: .lineLength64Characters))\n-----END \(label)-----\n"
    }
}
