import Foundation
import Testing

/// `registrar sandbox` as a whole ecosystem: the mutual-TLS listener, the provider's files, and the
/// `registrar tpp` commands, in every profile (the README test runs the UK flow end to end).
@Suite struct SandboxEcosystemTests {
    /// The SSA fetched with the provider's token; the registration body from `registrar tpp
    /// registration-request` in the sandbox's profile (a request JWT, or JSON for Brasil); 201 over mTLS.
    @Test(arguments: [("cdr", "application/jwt"), ("ofb", "application/json")])
    func theProviderCommandsRegisterInEachProfile(profile: String, contentType: String) async throws {
        try await SandboxProcess.run(arguments: ["--profile", profile]) { sandbox in
            let result = try await sandbox.script(
                """
                curl -sf -H "Authorization: Bearer $TPP_TOKEN" \
                  "$SANDBOX_URL/organisations/$TPP_ORG/software-statements/$TPP_SOFTWARE/assertion" > ssa.jwt
                registrar tpp registration-request --ssa ssa.jwt --audience "$SANDBOX_URL" > request
                curl -s --cacert "$SANDBOX_CA" --cert "$TPP_TRANSPORT_CERT" --key "$TPP_TRANSPORT_KEY" -w '\\n%{http_code}' \
                  -H "Content-Type: \(contentType)" --data-binary @request "$SANDBOX_MTLS_URL/register"
                """)
            #expect(result.status == 0, "\(result.errors)\n\(sandbox.log)")
            let lines = result.output.split(separator: "\n")
            #expect(lines.last == "201", "\(profile): \(result.output)")
            let client = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any]
            #expect(client?["client_id"] is String && client?["registration_access_token"] is String, "\(profile): \(result.output)")
        }
    }

    /// What the sandbox writes is what it says: a listener certificate for localhost that its root
    /// vouches for (openssl), a transport certificate naming the software, private keys only the owner
    /// reads; a client without a certificate reads public documents over HTTPS but gets no token; and a
    /// second start keeps the same files and tokens.
    @Test func theSandboxFilesHoldAndSurviveARestart() async throws {
        let folder = try TestStores.temporaryFolder()
        var first: (environment: String, listener: Data)?
        try await SandboxProcess.run(in: folder) { sandbox in
            let sandboxFolder = sandbox.data.appending(path: "sandbox")
            let verified = try await Witness.run(
                "/usr/bin/openssl", ["verify", "-CAfile", "https-ca.pem", "-purpose", "sslserver", "https.pem"], directory: sandboxFolder)
            #expect(verified.status == 0 && verified.output.contains("OK"), "\(verified.output)\(verified.errors)")
            let names = try await Witness.run(
                "/usr/bin/openssl", ["x509", "-in", "https.pem", "-noout", "-ext", "subjectAltName"], directory: sandboxFolder)
            #expect(names.output.contains("DNS:localhost") && names.output.contains("IP Address:127.0.0.1"), "\(names.output)")
            for key in ["https.key", "tpp-signing.key", "tpp-transport.key"] {
                let mode = try FileManager.default.attributesOfItem(atPath: sandboxFolder.appending(path: key).path)[.posixPermissions]
                #expect((mode as? NSNumber)?.intValue == 0o600, "\(key) is the owner's only")
            }
            let result = try await sandbox.script(
                """
                openssl x509 -in "$TPP_TRANSPORT_CERT" -noout -subject -nameopt RFC2253
                echo "software $TPP_SOFTWARE"
                curl -s --cacert "$SANDBOX_CA" -o /dev/null -w '%{http_code}\\n' "$SANDBOX_MTLS_URL/participants"
                curl -s --cacert "$SANDBOX_CA" -w '\\n%{http_code}\\n' "$SANDBOX_MTLS_URL/token" -d grant_type=client_credentials \
                  -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
                  -d client_assertion="$(registrar tpp client-assertion --audience "$SANDBOX_MTLS_URL/token")"
                """)
            let lines = result.output.split(separator: "\n").map(String.init)
            let software = try #require(lines.first { $0.hasPrefix("software ") }?.dropFirst("software ".count))
            #expect(lines.first?.contains(String(software)) == true, "the transport certificate names the software: \(result.output)")
            #expect(
                lines.dropLast().last?.contains("invalid_client") == true && lines.last == "401",
                "no certificate, no token: \(result.output)")
            #expect(lines.contains("200"), "public documents over HTTPS without a certificate: \(result.output)")
            first = (
                try String(contentsOf: sandbox.data.appending(path: "sandbox.env"), encoding: .utf8),
                try Data(contentsOf: sandboxFolder.appending(path: "https.pem"))
            )
        }
        try await SandboxProcess.run(in: folder) { sandbox in
            let environment = try String(contentsOf: sandbox.data.appending(path: "sandbox.env"), encoding: .utf8)
            // The same tokens and files; the URLs of this start (its ports are new).
            let firstEnvironment = try #require(first?.environment)
            let credentialLines = { (text: String) in text.split(separator: "\n").filter { !$0.contains("_URL=") } }
            #expect(credentialLines(environment) == credentialLines(firstEnvironment), "a second start seeds nothing")
            #expect(environment.contains("export SANDBOX_URL=http://localhost:\(sandbox.port)\n"))
            #expect(environment.contains("export SANDBOX_MTLS_URL=https://localhost:\(sandbox.mutualTLSPort)\n"))
            #expect(try Data(contentsOf: sandbox.data.appending(path: "sandbox/https.pem")) == first?.listener)
            let result = try await sandbox.script(
                """
                curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TPP_TOKEN" \
                  "http://localhost:\(sandbox.port)/organisations/$TPP_ORG/software-statements/$TPP_SOFTWARE/assertion"
                """)
            #expect(result.output == "200", "the provider's token still works: \(result.output)\(result.errors)")
        }
    }

    @Test func theProviderCommandsSayWhatIsMissingInOneLine() async throws {
        let cases: [([String], String)] = [
            (["tpp", "client-assertion", "--audience", "https://x.example/token", "--software", "s"], "TPP_SIGNING_KEY"),
            (["tpp", "client-assertion", "--audience", "https://x.example/token", "--key", "/nonexistent.key"], "TPP_SOFTWARE"),
            (
                ["tpp", "registration-request", "--ssa", "/nonexistent.jwt", "--audience", "https://x.example"],
                "cannot read /nonexistent.jwt"
            ),
            (["tpp", "registration-request", "--ssa", "/dev/null", "--audience", "a", "--profile", "xyz"], "fapi-obie, cdr or ofb"),
        ]
        for (arguments, message) in cases {
            let result = try await Witness.run(
                Witness.registrarBinary, arguments, environment: ["TPP_SIGNING_KEY": "", "TPP_SOFTWARE": ""])
            #expect(result.status != 0 && result.errors.contains(message), "\(arguments): \(result.errors)")
            #expect(result.errors.split(separator: "\n").count == 1, "one line: \(result.errors)")
        }
    }
}
