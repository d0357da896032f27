import Directory
import Foundation
import Testing

/// Registration and RFC 7592 management are bound to the software's transport certificate in every
/// profile, over real mutual TLS (Python `requests`, Tests/Witnesses/dcr_client.py): management with a
/// valid registration access token but no certificate, or with another software's certificate from the
/// same directory CA, is refused and changes nothing; an SSA presented with another software's
/// certificate is refused (the replay the CDR register's tracker discusses).
@Suite(witnessesAvailable) struct RegistrationCertificateBindingTests {
    typealias Registrar = RegistrationTests.Registrar
    typealias Provider = RegistrationConformanceTests.Provider

    /// A registration (POST) or update (PUT) request for the sandbox software under `profile`.
    static func registration(
        _ profile: EcosystemProfile, ssa: String, provider: Provider, _ method: String = "POST", _ path: String = "", token: String? = nil,
        certificate: String? = "transport"
    ) throws -> [String: Any] {
        let registrar = provider.registrar
        switch profile {
        case .ofb:
            return provider.step(
                method, path, json: try RegistrationConformanceTests.brasilBody(ssa), token: token, certificate: certificate)
        case .cdr:
            let claims = registrar.claims(ssa: ssa, ["scope": "openid profile bank:accounts.basic:read cdr:registration"])
            return provider.step(method, path, jwt: claims, token: token, certificate: certificate)
        case .obie:
            return provider.step(method, path, jwt: registrar.claims(ssa: ssa), token: token, certificate: certificate)
        }
    }

    /// A second software statement of the provider, with a transport certificate of its own (`other-transport.pem`).
    static func otherSoftwareCertificate(_ registrar: Registrar) async throws {
        let live = registrar.client.live
        let created = try await live.send(
            .post, "/organisations/\(registrar.client.organisation)/software-statements",
            json: #"{"clientName":"Other App","redirectUris":["https://tpp.example/other"],"roles":[]}"#,
            token: live.credentials.operatorToken)
        let other = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.text.utf8)) as? [String: Any])?["id"] as? String, "\(created.text)")
        _ = try await live.issueCertificate("transport", name: "other-transport", software: other, openssl: registrar.client.tls.openssl)
    }

    @Test(arguments: [EcosystemProfile.obie, .cdr, .ofb])
    func managementNeedsTheClientsCertificateAndAnSSAIsRefusedWithAnotherSoftwaresCertificate(_ profile: EcosystemProfile) async throws {
        try await RegistrationTests.run(profile: profile) { registrar, ssa in
            try await Self.otherSoftwareCertificate(registrar)
            let provider = Provider(registrar: registrar)
            let replies = try await provider.run([
                try Self.registration(profile, ssa: ssa, provider: provider, certificate: "other-transport"),
                try Self.registration(profile, ssa: ssa, provider: provider),
                provider.step("GET", "/{1.client_id}", token: "{1.registration_access_token}", certificate: nil),
                try Self.registration(
                    profile, ssa: ssa, provider: provider, "PUT", "/{1.client_id}", token: "{1.registration_access_token}", certificate: nil
                ),
                provider.step("DELETE", "/{1.client_id}", token: "{1.registration_access_token}", certificate: nil),
                provider.step("DELETE", "/{1.client_id}", token: "{1.registration_access_token}", certificate: "other-transport"),  // 5
                provider.step("GET", "/{1.client_id}", token: "{1.registration_access_token}"),
                provider.step("DELETE", "/{1.client_id}", token: "{1.registration_access_token}"),
            ])
            #expect(
                replies[0].status == 400 && replies[0].error == "invalid_client_metadata" && replies[0].reason.contains("software_id"),
                "\(profile): another software's certificate with this software's SSA: \(replies[0])")
            #expect(replies[1].status == 201, "\(profile): registered with its own certificate: \(replies[1])")
            for (index, what) in [(2, "GET"), (3, "PUT"), (4, "DELETE")] {
                #expect(
                    replies[index].status == 401 && replies[index].error == "invalid_token"
                        && replies[index].reason.contains("certificate"),
                    "\(profile): \(what) with the token and no certificate: \(replies[index])")
            }
            #expect(
                replies[5].status == 401 && replies[5].error == "invalid_token",
                "\(profile): DELETE with another software's certificate: \(replies[5])")
            #expect(replies[6].status == 200, "\(profile): the refused calls changed nothing: \(replies[6])")
            #expect(replies[7].status == 204, "\(profile): the client's own certificate manages it: \(replies[7])")

            // Each refusal names its check, in the answer and in the metrics.
            let check = profile == .ofb ? "client certificate UID and organizationIdentifier" : "client certificate names the software"
            #expect(replies[0].reason.hasSuffix("(check: \(check))"), "\(replies[0].reason)")
            #expect(
                replies[2].reason.hasSuffix("(check: client certificate bound to the registration access token)"), "\(replies[2].reason)")
            let metrics = try await registrar.client.live.get("/metrics", token: registrar.client.live.credentials.operatorToken).text
            for name in [check, "client certificate bound to the registration access token"] {
                #expect(metrics.contains(#"registrar_registration_refusals_total{check="\#(name)"}"#), "\(name)")
            }
            #expect(metrics.contains("registrar_registrations_total"))
        }
    }
}
