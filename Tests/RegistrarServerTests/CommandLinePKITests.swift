import ChildProcess
import Directory
import Foundation
import Keys
import PKI
import Testing

/// `registrar cert …` and `registrar trust …`, run as an operator would.
@Suite struct CommandLinePKITests {
    /// The public URL given at `init` is kept with the directory: a certificate or SSA issued later from
    /// the command line, with no flag repeated, points at it (not at http://localhost:8080).
    @Test func theDirectoryKeepsItsPublicURLForEveryCommandThatIssues() async throws {
        let data = try TestStores.temporaryFolder()
        let openssl = try OpenSSLCommand()
        func registrar(_ arguments: [String]) async throws -> Witness.Result {
            try await ChildProcess.run(Witness.registrarBinary, ["--data", data.path].inserted(before: "--", in: arguments))
        }
        func line(_ result: Witness.Result) -> String { result.output.trimmingCharacters(in: .whitespacesAndNewlines) }

        let initialised = try await registrar(["init", "--public-url", "https://directory.example"])
        #expect(initialised.status == 0 && initialised.output.contains("at https://directory.example"), "\(initialised.output)")
        let organisation = line(
            try await registrar(["org", "create", "--name", "CLI TPP", "--country", "GB", "--authority", "FCA:987654:AISP"]))
        let software = line(
            try await registrar([
                "software", "create", "--org", organisation, "--name", "CLI App", "--redirect-uri", "https://cli.example/cb", "--role",
                "AISP",
            ]))
        let csr = try openssl.write(
            "client.csr", try await openssl.makeCSR(name: "client", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]))
        let issued = try await registrar(["cert", "issue", "--software", software, "--purpose", "transport", "--csr", csr])
        #expect(issued.status == 0, "\(issued.errors)")
        let text = try await openssl.require(["x509", "-in", try openssl.write("leaf.pem", issued.output), "-noout", "-text"])
        #expect(text.output.contains("URI:https://directory.example/pki/issuing.crl"), "\(text.output)")
        #expect(!text.output.contains("localhost"))

        let ssa = line(try await registrar(["ssa", "issue", "--software", software]))
        let payload = try #require(ssa.split(separator: ".").dropFirst().first.flatMap { Base64URL.decode(String($0)) })
        let claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        #expect(claims["iss"] as? String == "https://directory.example", "\(claims)")
        #expect((claims["software_jwks_endpoint"] as? String)?.hasPrefix("https://directory.example/") == true, "\(claims)")

        // Given again, it replaces what is kept (audited); an unusable URL is one line and changes nothing.
        #expect(try await registrar(["init", "--public-url", "https://registry.example"]).status == 0)
        let refused = try await registrar(["init", "--public-url", "ftp://nowhere"])
        #expect(refused.status == 1 && refused.errors == "registrar: error: the public URL must be an absolute http(s) URL\n")
        let again = line(try await registrar(["ssa", "issue", "--software", software]))
        let next = try #require(again.split(separator: ".").dropFirst().first.flatMap { Base64URL.decode(String($0)) })
        #expect((try JSONSerialization.jsonObject(with: next) as? [String: Any])?["iss"] as? String == "https://registry.example")
        #expect(try await registrar(["audit", "--action", "directory-settings."]).output.contains("directory-settings.update"))
    }

    @Test func certificatesAndTrustAnchorsFromTheCommandLine() async throws {
        let data = try TestStores.temporaryFolder()
        let openssl = try OpenSSLCommand()
        func registrar(_ arguments: [String]) async throws -> Witness.Result {
            try await ChildProcess.run(Witness.registrarBinary, ["--data", data.path].inserted(before: "--", in: arguments))
        }
        func line(_ result: Witness.Result) -> String { result.output.trimmingCharacters(in: .whitespacesAndNewlines) }

        #expect(try await registrar(["init"]).status == 0)
        let organisation = line(
            try await registrar(["org", "create", "--name", "CLI TPP", "--country", "GB", "--authority", "FCA:987654:AISP"]))
        let software = line(try await registrar(["software", "create", "--org", organisation, "--name", "CLI App"]))
        let csr = try openssl.write("client.csr", try await openssl.makeCSR(name: "client", key: ["rsa:2048"]))

        let issued = try await registrar(
            ["cert", "issue", "--software", software, "--purpose", "transport", "--csr", csr, "--public-url", "https://directory.example"])
        #expect(issued.status == 0, "\(issued.errors)")
        #expect(issued.output.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let leaf = try openssl.write("leaf.pem", issued.output)
        let text = try await openssl.require(["x509", "-in", leaf, "-noout", "-text"])
        #expect(text.output.contains("URI:https://directory.example/pki/issuing.crl"))
        #expect(text.output.contains("PSDGB-FCA-987654"))

        let listed = try RecordCoding.decoder.decode(
            [IssuedCertificate].self, from: Data(try await registrar(["cert", "list", "--software", software, "--json"]).output.utf8))
        let serial = try #require(listed.first?.id)

        let valid = try await registrar(["cert", "validate", leaf])
        #expect(valid.status == 0 && valid.output.hasPrefix("VALID transport certificate"), "\(valid.output)\(valid.errors)")
        #expect(valid.output.contains("organizationIdentifier: PSDGB-FCA-987654"))
        #expect(valid.output.contains("PSD2 roles: PSP_AI"))

        let revoked = try await registrar(["cert", "revoke", serial, "--reason", "keyCompromise"])
        #expect(revoked.output == "revoked \(serial) (keyCompromise)\n", "\(revoked.errors)")
        let invalid = try await registrar(["cert", "validate", leaf, "--json"])
        #expect(invalid.status == 2)
        let report = try RecordCoding.decoder.decode(CertificateReport.self, from: Data(invalid.output.utf8))
        #expect(report.revoked && report.revocation?.reason == .keyCompromise)

        // Trust anchors: the directory's root for two purposes, then a foreign QTSP for QWACs.
        let anchors = try RecordCoding.decoder.decode(
            [TrustAnchor].self, from: Data(try await registrar(["trust", "list", "--json"]).output.utf8))
        #expect(anchors.map(\.purpose) == [.transport, .signing] || anchors.map(\.purpose) == [.signing, .transport])
        let qtsp = try await ForeignQTSP.make(with: openssl)
        let qwac = try openssl.write("qwac-leaf.pem", qtsp.qwacPEM)
        #expect(try await registrar(["cert", "validate", qwac]).status == 2)
        let added = try await registrar(["trust", "add", openssl.path("qtsp.pem"), "--purpose", "qwac", "--label", "Example QTSP"])
        #expect(added.status == 0, "\(added.errors)")
        let anchorID = line(added)
        #expect(line(try await registrar(["trust", "list"])).contains("Example QTSP"))
        let qwacValid = try await registrar(["cert", "validate", qwac])
        #expect(qwacValid.status == 0 && qwacValid.output.hasPrefix("VALID qwac certificate"), "\(qwacValid.output)")
        #expect(try await registrar(["trust", "remove", anchorID]).output == "removed \(anchorID) (Example QTSP)\n")

        // Bad input: one line, exit 1.
        let garbage = try openssl.write("garbage.pem", "hello")
        let refused = try await registrar(["trust", "add", garbage, "--purpose", "qwac"])
        #expect(
            refused.status == 1 && refused.errors == "registrar: error: no -----BEGIN CERTIFICATE----- block found\n", "\(refused.errors)")
        let badPurpose = try await registrar(["cert", "issue", "--software", software, "--purpose", "tls", "--csr", csr])
        #expect(badPurpose.status == 1 && badPurpose.errors.hasPrefix("registrar: error: purpose must be one of"))
        let badCSR = try await registrar(["cert", "issue", "--software", software, "--purpose", "signing", "--csr", garbage])
        #expect(badCSR.status == 1 && badCSR.errors.split(separator: "\n").count == 1, "\(badCSR.errors)")
    }
}
