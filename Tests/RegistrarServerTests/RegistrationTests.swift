import ChildProcess
import Directory
import Foundation
import RegistrarServer
import Testing

/// The registration role (RFC 7591/7592, fapi-obie profile) end to end in a sandbox that also runs the
/// directory: the software's SSA comes from the directory, the request JWT is signed by jwcrypto with a
/// key of the software's JWKS, and curl registers over mutual TLS with the software's transport
/// certificate. The conformance cases one by one are in RegistrationConformanceTests.
@Suite(witnessesAvailable) struct RegistrationTests {
    typealias Client = AccessTokenTests.Client

    /// A registration exchange over TLS; the last line of curl's output is the status.
    struct Registrar {
        let client: Client
        /// The registration endpoint's server when it is not the directory itself.
        var server: String? = nil
        var issuer: String { server ?? client.live.baseURL }
        var url: String { "\(issuer)/register" }

        /// `ssa` with its signature bytes reversed: well formed, and no key verifies it.
        static func forged(_ ssa: String) -> String {
            let parts = ssa.split(separator: ".")
            return "\(parts[0]).\(parts[1]).\(String(parts[2].reversed()))"
        }

        func ssa() async throws -> String {
            let reply = try await client.live.request(
                .get, client.assertionPath, token: client.live.credentials.providerToken, body: nil, contentType: nil)
            return reply.text
        }

        /// The UK request claims for the sandbox software; `changes` replace or (with nil) remove members.
        func claims(ssa: String, _ changes: [String: Any?] = [:]) -> [String: Any] {
            var claims: [String: Any] = [
                "iss": client.software, "aud": issuer, "software_id": client.software, "software_statement": ssa,
                "redirect_uris": ["https://tpp.example/callback"], "token_endpoint_auth_method": "private_key_jwt",
                "token_endpoint_auth_signing_alg": "PS256", "grant_types": ["authorization_code", "client_credentials", "refresh_token"],
                "response_types": ["code id_token"], "id_token_signed_response_alg": "PS256", "request_object_signing_alg": "PS256",
                "application_type": "web", "scope": "openid accounts payments fundsconfirmations",
            ]
            for (name, value) in changes { claims[name] = value }
            return claims
        }

        func sign(_ claims: [String: Any], key: String = "client-signing") async throws -> String {
            let json = String(decoding: try JSONSerialization.data(withJSONObject: claims), as: UTF8.self)
            return try await Witness.python("access_token.py", ["sign", client.tls.openssl.path("\(key).key"), json]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func send(
            _ method: String = "POST", _ path: String = "", body: String? = nil, type: String = "application/jwt", token: String? = nil,
            certificate: String? = "transport"
        ) async throws -> (status: Int, body: [String: Any]) {
            var arguments = (certificate.map(client.certificate) ?? []) + ["-X", method, "-w", "\n%{http_code}"]
            if let body { arguments += ["-H", "Content-Type: \(type)", "--data-binary", body] }
            if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
            return try Client.split(try await client.tls.curl(arguments + [url + path]))
        }

        func register(_ claims: [String: Any], key: String = "client-signing") async throws -> (status: Int, body: [String: Any]) {
            try await send(body: try await sign(claims, key: key))
        }
    }

    static func run(
        profile: EcosystemProfile = .obie, store: (any DirectoryStore)? = nil, configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (Registrar, String) async throws -> Void
    ) async throws {
        try await Client.run(profile: profile, store: store, configure: configure) { client in
            let registrar = Registrar(client: client)
            try await body(registrar, try await registrar.ssa())
        }
    }

    @Test func registersAndRFC7592ReadsUpdatesAndDeletesTheClient() async throws {
        try await Self.run { registrar, ssa in
            let created = try await registrar.register(registrar.claims(ssa: ssa))
            #expect(created.status == 201, "\(created.body)")
            let clientID = try #require(created.body["client_id"] as? String)
            let token = try #require(created.body["registration_access_token"] as? String)
            #expect(created.body["registration_client_uri"] as? String == "\(registrar.url)/\(clientID)")
            #expect(created.body["software_statement"] as? String == ssa, "the SSA is returned unmodified")
            #expect(created.body["client_id_issued_at"] is Int && created.body["iss"] == nil && created.body["jti"] == nil)
            #expect(created.body["scope"] as? String == "openid accounts payments", "fundsconfirmations needs CBPII")

            let read = try await registrar.send("GET", "/\(clientID)", token: token)
            #expect(read.status == 200 && read.body["client_id"] as? String == clientID && read.body["registration_access_token"] == nil)

            // brazil-dcr-update-client-config-bad-redirect-uri: refused, and the client is untouched.
            let bad = try await registrar.sign(registrar.claims(ssa: ssa, ["redirect_uris": ["https://evil.example/cb"]]))
            let refused = try await registrar.send("PUT", "/\(clientID)", body: bad, token: token)
            #expect(refused.status == 400 && refused.body["error"] as? String == "invalid_redirect_uri", "\(refused.body)")
            let update = try await registrar.sign(registrar.claims(ssa: ssa, ["scope": "openid accounts"]))
            let updated = try await registrar.send("PUT", "/\(clientID)", body: update, token: token)
            #expect(updated.status == 200 && updated.body["scope"] as? String == "openid accounts", "\(updated.body)")

            // brazil-dcr-bad-registration-access-token, and another client's token (revoked as a result).
            let other = try await registrar.register(registrar.claims(ssa: ssa))
            let otherToken = try #require(other.body["registration_access_token"] as? String)
            for presented in ["rgt_not-a-token", otherToken] {
                let wrong = try await registrar.send("GET", "/\(clientID)", token: presented)
                #expect(wrong.status == 401 && wrong.body["error"] as? String == "invalid_token", "\(wrong.body)")
            }
            let otherID = try #require(other.body["client_id"] as? String)
            #expect(
                try await registrar.send("GET", "/\(otherID)", token: otherToken).status == 401,
                "a token shown for the wrong client is revoked")

            // brazil-dcr-delete-client: 204, then every call for it answers 401.
            #expect(try await registrar.send("DELETE", "/\(clientID)", token: token).status == 204)
            #expect(try await registrar.send("GET", "/\(clientID)", token: token).status == 401)
            #expect(try await registrar.send("DELETE", "/\(clientID)", token: token).status == 401)
        }
    }

    @Test func eachCheckRefusesWithTheRFC7591ErrorNamingIt() async throws {
        try await Self.run { registrar, ssa in
            let forged = Registrar.forged(ssa)
            try await registrar.client.tls.openssl.require([
                "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                registrar.client.tls.openssl.path("stranger.key"),
            ])
            let cases: [(name: String, claims: [String: Any?], key: String, error: String, reason: String)] = [
                ("brazil-dcr-no-ssa", ["software_statement": nil], "client-signing", "invalid_software_statement", "no software_statement"),
                (
                    "brazil-dcr-bad-ssa-signature", ["software_statement": forged], "client-signing", "invalid_software_statement",
                    "signature"
                ),
                (
                    "brazil-dcr-bad-redirect-uri", ["redirect_uris": ["https://tpp.example/other"]], "client-signing",
                    "invalid_redirect_uri", "not among"
                ),
                ("loopback redirect", ["redirect_uris": ["https://localhost/cb"]], "client-signing", "invalid_redirect_uri", "loopback"),
                ("brazil-dcr-jwks-by-value", ["jwks": ["keys": []]], "client-signing", "invalid_client_metadata", "jwks by value"),
                (
                    "brazil-dcr-bad-jwks-uri", ["jwks_uri": "https://tpp.example/jwks"], "client-signing", "invalid_client_metadata",
                    "jwks_uri"
                ),
                ("DCR-006 wrong aud", ["aud": "https://another-bank.example"], "client-signing", "invalid_client_metadata", "aud"),
                ("request signed by a stranger", [:], "stranger", "invalid_client_metadata", "signature"),
                (
                    "client_secret_basic", ["token_endpoint_auth_method": "client_secret_basic"], "client-signing",
                    "invalid_client_metadata", "private_key_jwt or tls_client_auth"
                ),
                (
                    "RS256 id tokens", ["id_token_signed_response_alg": "RS256"], "client-signing", "invalid_client_metadata",
                    "id_token_signed_response_alg"
                ),
                (
                    "tls_client_auth, other DN",
                    ["token_endpoint_auth_method": "tls_client_auth", "tls_client_auth_subject_dn": "CN=someone else,O=Elsewhere,C=GB"],
                    "client-signing", "invalid_client_metadata", "distinguishedNameMatch"
                ),
            ]
            for item in cases {
                let reply = try await registrar.register(registrar.claims(ssa: ssa, item.claims), key: item.key)
                #expect(reply.status == 400 && reply.body["error"] as? String == item.error, "\(item.name): \(reply.status) \(reply.body)")
                #expect((reply.body["error_description"] as? String)?.contains(item.reason) == true, "\(item.name): \(reply.body)")
            }

            // brazil-dcr-no-mtls: no client certificate, no registration.
            let jwt = try await registrar.sign(registrar.claims(ssa: ssa))
            let anonymous = try await registrar.send(body: jwt, certificate: nil)
            #expect(anonymous.status == 400 && "\(anonymous.body)".contains("TLS client certificate"), "\(anonymous.body)")
            // The same request JWT is good once (its jti).
            #expect(try await registrar.send(body: jwt).status == 201)
            let replay = try await registrar.send(body: jwt)
            #expect(replay.status == 400 && "\(replay.body)".contains("already used"), "\(replay.body)")
            // Plain JSON is not a UK request; garbage is refused in the same format.
            let json = try await registrar.send(body: #"{"software_statement":"x"}"#, type: "application/json")
            #expect(json.status == 400 && json.body["error"] as? String == "invalid_client_metadata")
            let garbage = try await registrar.send(body: "not.a.jwt")
            #expect(garbage.status == 400 && garbage.body["error"] as? String == "invalid_client_metadata")
        }
    }

    @Test func tlsClientAuthRegistersWhenTheSubjectDNMatchesTheCertificateAndInactiveSoftwareIsUnapproved() async throws {
        try await Self.run { registrar, ssa in
            let subject = try await registrar.client.tls.openssl.require([
                "x509", "-in", registrar.client.tls.openssl.path("transport.pem"), "-noout", "-subject", "-nameopt", "RFC2253",
            ]).output.replacingOccurrences(of: "subject=", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
            let created = try await registrar.register(
                registrar.claims(ssa: ssa, ["token_endpoint_auth_method": "tls_client_auth", "tls_client_auth_subject_dn": subject]))
            #expect(created.status == 201, "\(subject): \(created.body)")

            // DCR: software the directory no longer lists as Active is unapproved, with a still-valid SSA.
            let inactive = try await registrar.client.live.send(
                .put, "/organisations/\(registrar.client.organisation)/software-statements/\(registrar.client.software)/status",
                json: #"{"status":"Inactive"}"#, token: registrar.client.live.credentials.operatorToken)
            #expect(inactive.status == .ok)
            let refused = try await registrar.register(registrar.claims(ssa: ssa))
            #expect(refused.status == 400 && refused.body["error"] as? String == "unapproved_software_statement", "\(refused.body)")
        }
    }
}
