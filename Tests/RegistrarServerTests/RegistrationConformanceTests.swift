import Directory
import Foundation
import Keys
import PKI
import RegistrarServer
import Testing
import X509

/// The CDR registration cases and the OpenID Foundation `brazil-dcr-*` modules, case by case, with the
/// provider played by a real client: Python `requests` over mutual TLS with the software's transport
/// certificate, request JWTs signed by jwcrypto (Tests/Witnesses/dcr_client.py). Each expectation names
/// the case it covers.
@Suite(witnessesAvailable) struct RegistrationConformanceTests {
    typealias Registrar = RegistrationTests.Registrar

    /// The provider's side of the exchanges.
    struct Provider {
        let registrar: Registrar

        struct Reply: CustomStringConvertible {
            var status: Int
            var body: [String: Any]
            var error: String? { body["error"] as? String }
            var reason: String { body["error_description"] as? String ?? "" }
            var description: String { "\(status) \(body)" }
        }

        /// One exchange below /register. `jwt` claims are signed with `key`; `json` is sent as it is. A
        /// string "{N.member}" stands for `member` of the N-th reply of the same run.
        func step(
            _ method: String = "POST", _ path: String = "", jwt: [String: Any]? = nil, json: [String: Any]? = nil, token: String? = nil,
            certificate: String? = "transport", key: String = "client-signing", sleep: Double? = nil, url: String? = nil
        ) -> [String: Any] {
            let files = registrar.client.tls.openssl
            var step: [String: Any] = ["method": method, "url": url ?? registrar.url + path, "ca": registrar.client.tls.serverCA]
            if let certificate { (step["cert"], step["key"]) = (files.path("\(certificate).pem"), files.path("\(certificate).key")) }
            if let jwt { step["jwt"] = ["key": files.path("\(key).key"), "claims": jwt] }
            step["json"] = json
            step["token"] = token
            step["sleep"] = sleep
            return step
        }

        /// Runs the steps in order in one Python process.
        func run(_ steps: [[String: Any]]) async throws -> [Reply] {
            let argument = String(decoding: try JSONSerialization.data(withJSONObject: steps), as: UTF8.self)
            let output = try await Witness.python("dcr_client.py", [argument]).output
            let replies = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
            return replies.map { Reply(status: $0["status"] as? Int ?? -1, body: $0["body"] as? [String: Any] ?? [:]) }
        }
    }

    /// An SSA for the sandbox software signed by the directory's current key as if issued at `date`.
    static func softwareStatement(issuedAt date: Date, _ registrar: Registrar) async throws -> String {
        let live = registrar.client.live
        let prepared = try await live.runtime.issuer.prepare(
            softwareID: registrar.client.software, organisationID: registrar.client.organisation, for: .system)
        return try prepared.assertion(signedBy: try await live.runtime.keyring.currentSigner(), at: date, jwtID: RecordIdentifier.make())
    }

    // MARK: UK (OpenBankingUK/conformance-dcr, DCR v3.2/3.3 scenarios)

    @Test func ukConformanceDCRScenarios() async throws {
        try await RegistrationTests.run { registrar, ssa in
            let provider = Provider(registrar: registrar)
            let now = Int(Date().timeIntervalSince1970)
            let claims = { (changes: [String: Any?]) in registrar.claims(ssa: ssa, changes) }
            let replies = try await provider.run([
                provider.step("GET", certificate: nil, url: "\(registrar.issuer)/.well-known/openid-configuration"),
                provider.step(jwt: claims([:])),
                provider.step("GET", "/{1.client_id}", token: "{1.registration_access_token}"),
                provider.step("GET", "/{1.client_id}", token: "rgt_invalid-credentials"),
                provider.step("PUT", "/{1.client_id}", jwt: claims(["scope": "openid accounts"]), token: "{1.registration_access_token}"),
                provider.step("DELETE", "/{1.client_id}", token: "{1.registration_access_token}"),  // 5
                provider.step("GET", "/{1.client_id}", token: "{1.registration_access_token}"),
                provider.step("PUT", "/{1.client_id}", jwt: claims([:]), token: "{1.registration_access_token}"),
                provider.step(jwt: claims(["exp": now - 3600, "iat": now - 3700])),
                provider.step(jwt: claims(["iss": "foo.is/invalid"])),
                provider.step(jwt: claims(["iss": ""])),  // 10
                provider.step(jwt: claims(["iss": "123456789012345678901234567890"])),
                provider.step(jwt: claims(["token_endpoint_auth_signing_alg": "RS256"])),
                provider.step(jwt: claims(["response_types": ["id_token", "token"]])),
            ])
            let discovery = replies[0].body
            #expect(discovery["registration_endpoint"] as? String == registrar.url, "DCR-001 registration URL: \(discovery)")
            let aliases = discovery["mtls_endpoint_aliases"] as? [String: Any]
            #expect(aliases?["registration_endpoint"] as? String == registrar.url, "DCR-001 mTLS alias: \(discovery)")

            let created = replies[1]
            #expect(created.status == 201, "DCR-002 create: \(created)")
            let retrieved = replies[2]
            #expect(retrieved.status == 200, "DCR-005 retrieve: \(retrieved)")
            for member in [
                "client_id", "client_id_issued_at", "redirect_uris", "token_endpoint_auth_method", "grant_types", "response_types",
                "software_statement", "application_type", "id_token_signed_response_alg", "request_object_signing_alg", "scope",
            ] {
                #expect(retrieved.body[member] != nil, "DCR-005 the client response carries \(member)")
            }
            #expect(retrieved.body["registration_access_token"] == nil, "the token is shown once, at registration")
            #expect(replies[3].status == 401 && replies[3].error == "invalid_token", "DCR-007 invalid credentials: \(replies[3])")
            #expect(replies[4].status == 200 && replies[4].body["scope"] as? String == "openid accounts", "DCR-008 update: \(replies[4])")
            #expect(replies[5].status == 204, "DCR-002/003 delete: \(replies[5])")
            #expect(replies[6].status == 401, "DCR-003/DCR-010 retrieve a deleted client: \(replies[6])")
            #expect(replies[7].status == 401, "DCR-009 update a deleted client: \(replies[7])")
            for (index, name) in [
                (8, "expired claims"), (9, "invalid issuer"), (10, "empty issuer"), (11, "issuer too long"), (12, "RS256"),
            ] {
                #expect(
                    replies[index].status == 400 && replies[index].error == "invalid_client_metadata", "DCR-004 \(name): \(replies[index])")
            }
            #expect(replies[13].status == 400 && replies[13].error == "invalid_client_metadata", "DCR-011 response_types: \(replies[13])")
        }
    }

    // MARK: CDR

    @Test func cdrRegistrationCases() async throws {
        // Cases 5 to 11 run within the token's lifetime, then case 12 waits past it: 10 s leaves a machine
        // busy with the whole suite (a browser among it) time for the first part.
        try await RegistrationTests.run(profile: .cdr, configure: { $0.registrationTokenLifetime = 10 }) { registrar, ssa in
            let provider = Provider(registrar: registrar)
            let expired = try await Self.softwareStatement(issuedAt: Date() - 3600, registrar)
            func claims(_ ssa: String, _ changes: [String: Any?] = [:]) -> [String: Any] {
                var cdr: [String: Any?] = [
                    "scope": "openid profile bank:accounts.basic:read cdr:registration", "id_token_encrypted_response_alg": "RSA-OAEP",
                    "id_token_encrypted_response_enc": "A256GCM",
                ]
                cdr.merge(changes) { $1 }
                return registrar.claims(ssa: ssa, cdr)
            }
            let first = try await provider.run([
                provider.step(jwt: claims(Registrar.forged(ssa))),
                provider.step(jwt: claims(expired)),
                provider.step(jwt: claims(ssa, ["token_endpoint_auth_method": "client_secret_basic"])),
                provider.step(jwt: claims(ssa, ["application_type": "native"])),
                provider.step(jwt: claims(ssa, ["redirect_uris": ["https://tpp.example/elsewhere"]])),
                provider.step(jwt: claims(ssa)),  // 5
                provider.step("GET", "/{5.client_id}", token: "{5.registration_access_token}"),
                provider.step(jwt: claims(ssa)),
                provider.step("GET", "/{5.client_id}", token: "rgt_unknown"),
                provider.step("PUT", "/{5.client_id}", jwt: claims(ssa), token: "rgt_unknown"),
                provider.step("DELETE", "/{5.client_id}", token: "rgt_unknown"),  // 10
                provider.step(
                    "PUT", "/{5.client_id}", jwt: claims(ssa, ["scope": "openid cdr:registration"]), token: "{5.registration_access_token}"),
                provider.step("GET", "/{5.client_id}", token: "{5.registration_access_token}", sleep: 10.5),
                provider.step("PUT", "/{5.client_id}", jwt: claims(ssa), token: "{5.registration_access_token}"),
                provider.step("DELETE", "/{5.client_id}", token: "{5.registration_access_token}"),
            ])
            #expect(first[0].status == 400 && first[0].error == "invalid_software_statement", "CDR invalid SSA (signature): \(first[0])")
            #expect(
                first[1].error == "invalid_software_statement" && first[1].reason.contains("expired"),
                "CDR invalid SSA (expired): \(first[1])")
            #expect(first[2].error == "invalid_client_metadata", "CDR invalid metadata (auth method): \(first[2])")
            #expect(first[3].error == "invalid_client_metadata", "CDR invalid metadata (application_type): \(first[3])")
            #expect(first[4].error == "invalid_redirect_uri", "CDR invalid redirect URI: \(first[4])")

            let created = first[5]
            #expect(created.status == 201, "CDR created: \(created)")
            #expect(
                created.body["software_statement"] as? String == ssa
                    && created.body["recipient_base_uri"] as? String == "https://tpp.example")
            #expect(created.body["legal_entity_id"] as? String == registrar.client.organisation, "the CDR flattens the SSA's claims")
            #expect(first[6].status == 200 && first[6].body["client_id"] as? String == created.body["client_id"] as? String, "CDR GET")
            #expect(
                first[7].error == "invalid_client_metadata" && first[7].reason.contains("already registered"), "CDR duplicate: \(first[7])")
            for (index, method) in [(8, "GET"), (9, "PUT"), (10, "DELETE")] {
                #expect(
                    first[index].status == 401 && first[index].error == "invalid_token",
                    "CDR \(method) with an unknown token: \(first[index])")
            }
            #expect(first[11].status == 200 && first[11].body["scope"] as? String == "openid cdr:registration", "CDR PUT: \(first[11])")
            for (index, method) in [(12, "GET"), (13, "PUT"), (14, "DELETE")] {
                #expect(
                    first[index].status == 401 && first[index].reason.contains("expired"),
                    "CDR \(method) with an expired token: \(first[index])")
            }

            // Another client's token: the operator disables the first client, the software registers anew,
            // and the new client's token is shown for the old client: 401, and that token is revoked.
            let oldClient = try #require(created.body["client_id"] as? String)
            let disabled = try await registrar.client.live.send(
                .put, "/clients/\(oldClient)/status", json: #"{"status":"Disabled"}"#,
                token: registrar.client.live.credentials.operatorToken)
            #expect(disabled.status == .ok, "\(disabled.text)")
            let second = try await provider.run([
                provider.step(jwt: claims(ssa)),
                provider.step("GET", "/\(oldClient)", token: "{0.registration_access_token}"),
                provider.step("PUT", "/\(oldClient)", jwt: claims(ssa), token: "{0.registration_access_token}"),
                provider.step("GET", "/{0.client_id}", token: "{0.registration_access_token}"),
            ])
            #expect(second[0].status == 201, "a disabled client no longer counts as the software's registration: \(second[0])")
            #expect(second[1].status == 401 && second[1].error == "invalid_token", "CDR GET with another client's token: \(second[1])")
            #expect(second[2].status == 401, "CDR PUT with another client's token: \(second[2])")
            #expect(second[3].status == 401, "the token shown for another client is revoked: \(second[3])")

            // Unapproved: the Register no longer lists the software as Active.
            let inactive = try await registrar.client.live.send(
                .put, "/organisations/\(registrar.client.organisation)/software-statements/\(registrar.client.software)/status",
                json: #"{"status":"Inactive"}"#, token: registrar.client.live.credentials.operatorToken)
            #expect(inactive.status == .ok)
            let unapproved = try await provider.run([provider.step(jwt: claims(ssa))])
            #expect(unapproved[0].error == "unapproved_software_statement", "CDR unapproved SSA: \(unapproved[0])")
        }
    }

    // MARK: Open Finance Brasil

    /// The published Brasil request body with this sandbox's SSA, keystore and redirect URI.
    static func brasilBody(_ ssa: String, _ changes: [String: Any?] = [:]) throws -> [String: Any] {
        let claims = try JSONSerialization.jsonObject(with: try CompactJWS.decode(ssa).payload) as? [String: Any] ?? [:]
        var body: [String: Any] = [
            "application_type": "web", "grant_types": ["client_credentials", "authorization_code", "refresh_token", "implicit"],
            "id_token_signed_response_alg": "PS256", "require_auth_time": false, "response_types": ["code id_token", "id_token"],
            "software_statement": ssa, "subject_type": "public", "token_endpoint_auth_method": "private_key_jwt",
            "request_object_signing_alg": "PS256", "require_signed_request_object": true, "require_pushed_authorization_requests": false,
            "tls_client_certificate_bound_access_tokens": true, "client_name": "Sandbox Budget App", "client_uri": "https://tpp.example",
            "request_object_encryption_alg": "RSA-OAEP", "request_object_encryption_enc": "A256GCM",
            "jwks_uri": claims["software_jwks_uri"] ?? "", "redirect_uris": ["https://tpp.example/callback"],
        ]
        for (name, value) in changes { body[name] = value }
        return body
    }

    @Test func brasilDCRModules() async throws {
        try await RegistrationTests.run(profile: .ofb) { registrar, ssa in
            let provider = Provider(registrar: registrar)
            let files = registrar.client.tls.openssl
            try await files.require([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", files.path("stranger-tls.key"),
                "-out", files.path("stranger-tls.pem"), "-subj", "/CN=stranger", "-days", "1",
            ])
            let stale = try await Self.softwareStatement(issuedAt: Date() - 600, registrar)
            let transport = try Certificate(pemEncoded: try String(contentsOfFile: files.path("transport.pem"), encoding: .utf8))
            let subjectDN = DistinguishedNameMatch.brasilText(of: transport.subject)
            #expect(subjectDN.contains("2.5.4.97=#") && subjectDN.hasPrefix("UID="), "\(subjectDN)")
            let body = { (changes: [String: Any?]) in try Self.brasilBody(ssa, changes) }

            let replies = try await provider.run([
                provider.step(json: try body(["software_statement": nil])),
                provider.step(json: try body(["software_statement": Registrar.forged(ssa)])),
                provider.step(json: try Self.brasilBody(stale)),
                provider.step(json: try body(["redirect_uris": nil])),
                provider.step(json: try body(["redirect_uris": ["https://tpp.example/other"]])),
                provider.step(json: try body(["jwks": ["keys": []]])),  // 5
                provider.step(json: try body(["jwks_uri": "https://tpp.example/jwks"])),
                provider.step(json: try body([:]), certificate: nil),
                provider.step(json: try body([:]), certificate: "stranger-tls"),
                provider.step(json: try body(["token_endpoint_auth_method": "tls_client_auth", "tls_client_auth_subject_dn": subjectDN])),
                provider.step(json: try body([:])),  // 10
                provider.step(
                    "PUT", "/{9.client_id}", json: try body(["scope": "openid accounts"]), token: "{9.registration_access_token}"),
                provider.step(
                    "PUT", "/{9.client_id}", json: try body(["redirect_uris": ["https://evil.example/cb"]]),
                    token: "{9.registration_access_token}"),
                provider.step("PUT", "/{9.client_id}", json: try body(["jwks": ["keys": []]]), token: "{9.registration_access_token}"),
                provider.step("GET", "/{9.client_id}", token: "{9.registration_access_token}"),
                provider.step("GET", "/{9.client_id}", token: "rgt_not-the-token"),  // 15
                provider.step("DELETE", "/{9.client_id}", token: "{9.registration_access_token}"),
                provider.step("GET", "/{9.client_id}", token: "{9.registration_access_token}"),
                provider.step(json: try body([:])),
            ])
            #expect(replies[0].error == "invalid_software_statement", "brazil-dcr-no-ssa: \(replies[0])")
            #expect(replies[1].error == "invalid_software_statement", "brazil-dcr-bad-ssa-signature: \(replies[1])")
            #expect(
                replies[2].error == "invalid_software_statement" && replies[2].reason.contains("300"),
                "SSA older than 5 minutes: \(replies[2])")
            #expect(replies[3].error == "invalid_redirect_uri", "brazil-dcr-no-redirect-uri: \(replies[3])")
            #expect(replies[4].error == "invalid_redirect_uri", "brazil-dcr-bad-redirect-uri: \(replies[4])")
            #expect(
                replies[5].error == "invalid_client_metadata" && replies[5].reason.contains("jwks by value"),
                "brazil-dcr-jwks-by-value: \(replies[5])")
            #expect(
                replies[6].error == "invalid_client_metadata" && replies[6].reason.contains("jwks_uri"),
                "brazil-dcr-bad-jwks-uri: \(replies[6])")
            #expect(replies[7].status == 400 && replies[7].reason.contains("TLS client certificate"), "brazil-dcr-no-mtls: \(replies[7])")
            #expect(replies[8].status == 0, "brazil-dcr-bad-mtls: the handshake refuses an untrusted certificate, \(replies[8])")

            let created = replies[9]
            #expect(created.status == 201, "brazil-dcr-subjectdn (tls_client_auth): \(created)")
            let scopes = Set((created.body["scope"] as? String ?? "").split(separator: " ").map(String.init))
            #expect(
                scopes.isSuperset(of: ["openid", "accounts", "consents", "payments"]), "omitted scopes: all the roles allow, \(scopes)")
            #expect(created.body["software_statement_roles"] != nil, "Brasil flattens the SSA's claims")
            #expect(
                replies[10].error == "invalid_client_metadata" && replies[10].reason.contains("already registered"),
                "one client per SSA: \(replies[10])")
            #expect(
                replies[11].status == 200 && replies[11].body["scope"] as? String == "openid accounts",
                "brazil-dcr-update-client-config: \(replies[11])")
            #expect(replies[12].error == "invalid_redirect_uri", "brazil-dcr-update-client-config-bad-redirect-uri: \(replies[12])")
            #expect(replies[13].error == "invalid_client_metadata", "brazil-dcr-update-client-config-jwks-by-value: \(replies[13])")
            #expect(
                replies[14].status == 200 && replies[14].body["scope"] as? String == "openid accounts", "failed updates left it as it was")
            #expect(
                replies[15].status == 401 && replies[15].error == "invalid_token",
                "brazil-dcr-bad-registration-access-token: \(replies[15])")
            #expect(replies[16].status == 204, "brazil-dcr-delete-client: \(replies[16])")
            #expect(replies[17].status == 401, "after DELETE every call for the client answers 401: \(replies[17])")
            #expect(replies[18].status == 201, "brazil-dcr-happy-flow (private_key_jwt, after the delete): \(replies[18])")
            #expect(replies[18].body["token_endpoint_auth_signing_alg"] as? String == "PS256", "the server default for the omitted alg")
        }
    }
}
