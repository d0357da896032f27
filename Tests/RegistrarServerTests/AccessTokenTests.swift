import ChildProcess
import Directory
import Foundation
import RegistrarServer
import Testing

/// The directory's token endpoint end to end: a software statement authenticates with a `private_key_jwt`
/// assertion made by jwcrypto over mutual TLS (curl), and uses the certificate-bound access token for its
/// own API. A Python resource-server witness checks the token against the published JWKS.
@Suite(witnessesAvailable) struct AccessTokenTests {
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// A sandbox directory over HTTPS whose software has a transport certificate (`transport.pem`) and
    /// an uploaded P-256 signing key (`client-signing.key`).
    struct Client {
        let live: LiveDirectory
        let tls: TLSFixture
        var software: String { live.credentials.softwareStatementID }
        var organisation: String { live.credentials.providerOrganisationID }
        var tokenEndpoint: String { "\(live.baseURL)/token" }
        var assertionPath: String { "/organisations/\(organisation)/software-statements/\(software)/assertion" }

        func certificate(_ name: String) -> [String] {
            ["--cert", tls.openssl.path("\(name).pem"), "--key", tls.openssl.path("\(name).key")]
        }

        func assertion(key: String = "client-signing", audience: String? = nil, jti: String? = nil) async throws -> String {
            let result = try await Witness.python(
                "access_token.py",
                ["assertion", tls.openssl.path("\(key).key"), software, audience ?? tokenEndpoint] + (jti.map { [$0] } ?? []))
            return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// POSTs a token request with curl; the last line of the output is the HTTP status.
        func requestToken(_ fields: [String: String], certificate name: String? = "transport") async throws -> (
            status: Int, body: [String: Any]
        ) {
            let form = fields.sorted { $0.key < $1.key }.flatMap { ["--data-urlencode", "\($0.key)=\($0.value)"] }
            let result = try await tls.curl((name.map(certificate) ?? []) + form + ["-w", "\n%{http_code}", tokenEndpoint])
            return try Self.split(result)
        }

        func token(scope: String? = nil) async throws -> String {
            var fields = ["grant_type": "client_credentials", "client_assertion_type": AccessTokenTests.assertionType]
            fields["client_assertion"] = try await assertion()
            fields["scope"] = scope
            let (status, body) = try await requestToken(fields)
            guard status == 200, let token = body["access_token"] as? String else { throw TokenRefused(status: status, body: "\(body)") }
            return token
        }

        /// A request to the directory with an access token, over TLS with the named certificate.
        func call(_ path: String, token: String, certificate name: String? = "transport", extra: [String] = []) async throws -> (
            status: Int, body: [String: Any]
        ) {
            let result = try await tls.curl(
                (name.map(certificate) ?? []) + extra + [
                    "-H", "Authorization: Bearer \(token)", "-w", "\n%{http_code}", "\(live.baseURL)\(path)",
                ])
            return try Self.split(result)
        }

        static func split(_ result: ChildProcess.Result) throws -> (status: Int, body: [String: Any]) {
            let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
            let status = Int(lines.last ?? "") ?? 0
            let text = lines.dropLast().joined(separator: "\n")
            let body = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? ["text": text]
            return (status, body)
        }

        static func run(
            profile: EcosystemProfile = .obie, store: (any DirectoryStore)? = nil,
            configure: (inout ServerConfiguration) -> Void = { _ in },
            _ body: @escaping @Sendable (Client) async throws -> Void
        ) async throws {
            let tls = try await TLSFixture.make()
            try await LiveDirectory.run(profile: profile, store: store, tls: (tls, .optional), configure: configure) { live in
                let client = Client(live: live, tls: tls)
                _ = try await live.issueCertificate("transport", openssl: tls.openssl)
                try await client.uploadSigningKey("client-signing")
                try await body(client)
            }
        }

        func uploadSigningKey(_ name: String) async throws {
            try await tls.openssl.require([
                "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", tls.openssl.path("\(name).key"),
            ])
            let publicKey = try await tls.openssl.require(["pkey", "-in", tls.openssl.path("\(name).key"), "-pubout"]).output
            let reply = try await live.request(
                .post, "/organisations/\(organisation)/software-statements/\(software)/keys", token: live.credentials.providerToken,
                body: Data(publicKey.utf8), contentType: "application/x-pem-file")
            guard reply.status == .created else { throw TokenRefused(status: Int(reply.status.code), body: reply.text) }
        }
    }

    struct TokenRefused: Error { var status: Int; var body: String }

    @Test func aSoftwareStatementGetsACertificateBoundTokenAndFetchesItsSSAWithIt() async throws {
        try await Client.run { client in
            let assertion = try await client.assertion()
            let fields = ["grant_type": "client_credentials", "client_assertion_type": Self.assertionType, "client_assertion": assertion]
            let (status, body) = try await client.requestToken(fields)
            #expect(status == 200, "\(body)")
            #expect(body["token_type"] as? String == "Bearer" && body["expires_in"] as? Int == 300)
            #expect(body["scope"] as? String == "directory:read directory:software directory:ssa")
            let token = try #require(body["access_token"] as? String)

            // A resource server's view: signed by the directory's published key, bound to transport.pem.
            let checked = try await Witness.python(
                "access_token.py",
                [
                    "check", client.live.baseURL, token, client.tls.openssl.path("transport.pem"), client.software,
                    client.tls.serverCA,
                ])
            #expect(checked.output.contains("directory:ssa"))

            let ssa = try await client.call(client.assertionPath, token: token)
            #expect(ssa.status == 200 && (ssa.body["text"] as? String)?.split(separator: ".").count == 3, "\(ssa.body)")

            // RFC 8705 §3: the same token without the certificate, or with another of the software's
            // own certificates, is refused.
            _ = try await client.live.issueCertificate("transport", name: "second-transport", openssl: client.tls.openssl)
            for certificate in [nil, "second-transport"] {
                let refused = try await client.call(client.assertionPath, token: token, certificate: certificate)
                #expect(refused.status == 401 && "\(refused.body)".contains("bound to a TLS client certificate"), "\(refused.body)")
            }

            // RFC 7523 §3: the assertion is good once.
            let replay = try await client.requestToken(fields)
            #expect(replay.status == 401 && replay.body["error"] as? String == "invalid_client", "\(replay.body)")
            #expect((replay.body["error_description"] as? String)?.contains("already used") == true)

            // Another organisation is out of reach; so is an SSA (signed by the same key) used as a token.
            let bank = try await client.call("/organisations/\(client.live.credentials.bankOrganisationID)", token: token)
            #expect(bank.status == 403, "\(bank.body)")
            let ssaAsToken = try await client.call(client.assertionPath, token: ssa.body["text"] as? String ?? "")
            #expect(ssaAsToken.status == 401, "\(ssaAsToken.body)")
        }
    }

    @Test func theTokenEndpointRefusesWhatRFC6749AndRFC7523Refuse() async throws {
        try await Client.run { client in
            func fields(_ assertion: String, _ extra: [String: String] = [:]) -> [String: String] {
                ["grant_type": "client_credentials", "client_assertion_type": Self.assertionType, "client_assertion": assertion]
                    .merging(extra) { $1 }
            }
            try await client.tls.openssl.require([
                "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", client.tls.openssl.path("unregistered.key"),
            ])
            let cases: [(name: String, fields: [String: String], certificate: String?, status: Int, error: String)] = [
                ("no certificate", fields(try await client.assertion()), nil, 401, "invalid_client"),
                (
                    "wrong audience", fields(try await client.assertion(audience: "https://elsewhere.example/token")), "transport", 401,
                    "invalid_client"
                ),
                ("unregistered key", fields(try await client.assertion(key: "unregistered")), "transport", 401, "invalid_client"),
                ("no assertion", ["grant_type": "client_credentials"], "transport", 401, "invalid_client"),
                (
                    "password grant", fields(try await client.assertion(), ["grant_type": "password"]), "transport", 400,
                    "unsupported_grant_type"
                ),
                (
                    "unknown scope", fields(try await client.assertion(), ["scope": "directory:read admin"]), "transport", 400,
                    "invalid_scope"
                ),
                (
                    "other client_id", fields(try await client.assertion(), ["client_id": client.live.credentials.bankOrganisationID]),
                    "transport", 401,
                    "invalid_client"
                ),
            ]
            for item in cases {
                let (status, body) = try await client.requestToken(item.fields, certificate: item.certificate)
                #expect(status == item.status && body["error"] as? String == item.error, "\(item.name): \(status) \(body)")
            }
            // Not a form, and not a POST: still the OAuth error format, or 405.
            let json = try await client.tls.curl(
                client.certificate("transport") + [
                    "-H", "Content-Type: application/json", "--data", "{}", "-w", "\n%{http_code}", client.tokenEndpoint,
                ])
            #expect(try Client.split(json).body["error"] as? String == "invalid_request")
            let get = try await client.tls.curl(["-o", "/dev/null", "-w", "%{http_code}", client.tokenEndpoint])
            #expect(get.output == "405")
        }
    }

    @Test func scopesAndStatusesLimitWhatATokenDoes() async throws {
        try await Client.run { client in
            let readOnly = try await client.token(scope: "directory:read")
            let software = "/organisations/\(client.organisation)/software-statements/\(client.software)"
            #expect(try await client.call(software, token: readOnly).status == 200)
            let ssa = try await client.call(client.assertionPath, token: readOnly)
            #expect(ssa.status == 403 && "\(ssa.body)".contains("directory:ssa"), "\(ssa.body)")

            // directory:software manages this software statement only, never the organisation.
            let manager = try await client.token(scope: "directory:software")
            let newSoftware = try await client.call(
                "/organisations/\(client.organisation)/software-statements", token: manager,
                extra: ["-H", "Content-Type: application/json", "--data", #"{"clientName":"Another app"}"#])
            #expect(newSoftware.status == 403, "\(newSoftware.body)")

            // The operator makes the software Inactive: its token stops working, and no new one is granted.
            let full = try await client.token()
            let inactive = try await client.live.send(
                .put, "\(software)/status", json: #"{"status":"Inactive"}"#, token: client.live.credentials.operatorToken)
            #expect(inactive.status == .ok, "\(inactive.text)")
            #expect(try await client.call(client.assertionPath, token: full).status == 401)
            let refused = try await client.requestToken(
                [
                    "grant_type": "client_credentials", "client_assertion_type": Self.assertionType,
                    "client_assertion": try await client.assertion(),
                ])
            #expect(refused.status == 400 && refused.body["error"] as? String == "unauthorized_client", "\(refused.body)")
        }
    }
}
