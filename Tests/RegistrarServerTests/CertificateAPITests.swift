import ChildProcess
import Crypto
import Directory
import Foundation
import HTTPTypes
import Keys
import PKI
import Testing

/// The directory CA through HTTP: certificates from CSRs, published in the keystore, revoked into the CRL,
/// judged by openssl and pyca/cryptography.
@Suite struct CertificateAPITests {
    func collection(_ live: LiveDirectory) -> String {
        "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)/certificates"
    }

    func keystore(_ live: LiveDirectory, _ suffix: String) -> String {
        "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)/\(suffix)"
    }

    /// Root and issuing CA as openssl files, fetched the way a relying party would.
    func fetchCA(_ live: LiveDirectory, into openssl: OpenSSLCommand) async throws -> (root: String, issuing: String) {
        for name in ["root", "issuing"] {
            let reply = try await live.get("/pki/\(name).cer")
            #expect(reply.status == .ok && reply.headers[.contentType] == "application/pkix-cert")
            try openssl.write("\(name).der", bytes: reply.body)
            let converted = try await openssl.run(["x509", "-inform", "DER", "-in", "\(name).der", "-out", "\(name).pem"])
            #expect(converted.status == 0, "\(converted.errors)")
        }
        return (openssl.path("root.pem"), openssl.path("issuing.pem"))
    }

    @Test func aProviderObtainsATransportCertificateThatOpenSSLAcceptsAndTheKeystorePublishes() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            let csr = try await openssl.makeCSR(name: "client", key: ["rsa:2048"])
            let reply = try await live.request(
                .post, collection(live) + "?purpose=transport", token: live.credentials.providerToken, body: Data(csr.utf8),
                contentType: "application/pkcs10")
            #expect(reply.status == .created, "\(reply.text)")
            let issued = try reply.json(IssuedCertificate.self)
            #expect(reply.headers[.location] == "\(live.baseURL)/certificates/\(issued.id)")
            #expect(issued.purpose == .transport && issued.status == .active)

            let (root, issuing) = try await fetchCA(live, into: openssl)
            let leaf = try openssl.write("leaf.pem", issued.certificatePEM)
            let verified = try await openssl.run(["verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing, leaf])
            #expect(verified.status == 0, "\(verified.output)\(verified.errors)")

            // Published with the chain and its thumbprint in the transport JWKS, not the signing one.
            let transport = try await live.get(keystore(live, "transport/jwks")).json(JSONWebKeySet.self)
            let entry = try #require(transport.keys.first { $0.kid == issued.x5tS256 })
            #expect(entry.use == "tls" && entry.kty == "RSA")
            let first = try #require(entry.x5c?.first)
            let der = try #require(Data(base64Encoded: first))
            #expect(Base64URL.encode(SHA256.hash(data: der)) == entry.x5tS256)
            #expect(entry.x5c?.count == 2)
            let signing = try await live.get(keystore(live, "jwks")).json(JSONWebKeySet.self)
            #expect(!signing.keys.contains { $0.kid == issued.x5tS256 })

            // The software's organisation token lists it; another organisation does not see it.
            let listed = try await live.get(collection(live), token: live.credentials.providerToken).json([IssuedCertificate].self)
            #expect(listed.map(\.id) == [issued.id])
        }
    }

    @Test(witnessesAvailable)
    func theSubjectAndPSD2StatementsComeFromTheDirectoryAsPycaCryptographyReadsThem() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            let csr = try await openssl.makeCSR(
                name: "seal", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"], subject: "/CN=forged/O=Forged")
            let reply = try await live.send(
                .post, collection(live),
                json: try String(decoding: JSONEncoder().encode(["csr": csr, "purpose": "signing"]), as: UTF8.self),
                token: live.credentials.providerToken)
            #expect(reply.status == .created, "\(reply.text)")
            let issued = try reply.json(IssuedCertificate.self)
            let file = try openssl.write("signing.pem", issued.certificatePEM)
            let result = try await Witness.python("inspect_certificate.py", [file])
            let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
            let report = try #require(parsed as? [String: Any])
            #expect(report["organizationIdentifier"] as? [String] == ["PSDGB-FCA-200002"])
            #expect(report["commonName"] as? [String] == [live.credentials.softwareStatementID])
            #expect(report["uid"] as? [String] == [live.credentials.softwareStatementID])
            #expect(report["organizationalUnit"] as? [String] == [live.credentials.providerOrganisationID])
            #expect(report["extendedKeyUsage"] as? [String] == [])
            let statements = try #require(report["qcStatements"] as? [String: Any])
            #expect(statements["types"] as? [String] == ["eseal"])
            let psd2 = try #require(statements["psd2"] as? [String: Any])
            #expect(psd2["roles"] as? [String] == ["PSP_AI", "PSP_PI"])
            #expect(psd2["role_oids"] as? [String] == ["0.4.0.19495.1.3", "0.4.0.19495.1.2"])
            #expect(psd2["nca_name"] as? String == "FCA")
            #expect(psd2["nca_id"] as? String == "GB-FCA")
            #expect(!(statements["statements"] as? [String] ?? []).contains("0.4.0.1862.1.1"), "the directory CA is not a QTSP")
            #expect(report["qcStatementsCritical"] as? Bool == false)
        }
    }

    @Test func revocationMovesTheKeyToTheRevokedSetAndIntoACRLThatOpenSSLVerifies() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            let csr = try await openssl.makeCSR(name: "client", key: ["rsa:2048"])
            let issued = try await live.request(
                .post, collection(live) + "?purpose=transport", token: live.credentials.providerToken, body: Data(csr.utf8),
                contentType: "application/pkcs10"
            ).json(IssuedCertificate.self)
            let revoked = try await live.send(
                .post, "/certificates/\(issued.id)/revoke", json: #"{"reason":"keyCompromise"}"#, token: live.credentials.providerToken)
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(try revoked.json(IssuedCertificate.self).revocationReason == .keyCompromise)
            let again = try await live.send(.post, "/certificates/\(issued.id)/revoke", json: "{}", token: live.credentials.providerToken)
            #expect(again.status == .conflict)

            let active = try await live.get(keystore(live, "transport/jwks")).json(JSONWebKeySet.self)
            #expect(!active.keys.contains { $0.kid == issued.x5tS256 })
            let revokedSet = try await live.get(keystore(live, "transport/jwks/revoked")).json(JSONWebKeySet.self)
            #expect(revokedSet.keys.contains { $0.kid == issued.x5tS256 })

            let crl = try await live.get("/pki/issuing.crl")
            #expect(crl.status == .ok && crl.headers[.contentType] == "application/pkix-crl")
            #expect(crl.headers[.expires] != nil)
            let (root, issuing) = try await fetchCA(live, into: openssl)
            try openssl.write("issuing.crl", bytes: crl.body)
            let signature = try await openssl.run(["crl", "-inform", "DER", "-in", "issuing.crl", "-CAfile", issuing, "-noout", "-verify"])
            #expect(signature.status == 0, "\(signature.errors)")
            _ = try await openssl.run(["crl", "-inform", "DER", "-in", "issuing.crl", "-out", "issuing-crl.pem"])
            let leaf = try openssl.write("leaf.pem", issued.certificatePEM)
            let refused = try await openssl.run([
                "verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile", "issuing-crl.pem", leaf,
            ])
            #expect((refused.output + refused.errors).contains("certificate revoked"), "\(refused.output)\(refused.errors)")

            // The validation service says so too.
            let report = try await live.request(
                .post, "/certificates/validate", token: live.credentials.providerToken, body: Data(issued.certificatePEM.utf8),
                contentType: "application/x-pem-file"
            ).json(CertificateReport.self)
            #expect(!report.valid && report.revoked && report.revocation?.reason == .keyCompromise, "\(report)")
        }
    }

    @Test func theValidationServiceJudgesPurposeAndChain() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            let csr = try await openssl.makeCSR(name: "client", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-384"])
            let issued = try await live.request(
                .post, collection(live) + "?purpose=transport", token: live.credentials.providerToken, body: Data(csr.utf8),
                contentType: "application/pkcs10"
            ).json(IssuedCertificate.self)
            func validate(_ query: String) async throws -> CertificateReport {
                let reply = try await live.request(
                    .post, "/certificates/validate\(query)", token: live.credentials.providerToken, body: Data(issued.certificatePEM.utf8),
                    contentType: "application/x-pem-file")
                #expect(reply.status == .ok, "\(reply.text)")
                return try reply.json(CertificateReport.self)
            }
            let declared = try await validate("")
            #expect(declared.valid && declared.type == .transport, "\(declared.problems)")
            #expect(declared.chain.count == 3)
            #expect(declared.organisationIdentifier?.authority == "FCA" && declared.organisationIdentifier?.identifier == "200002")
            #expect(declared.qcStatements?.psd2?.roles.map(\.name) == ["PSP_AI", "PSP_PI"])
            let asSigning = try await validate("?purpose=signing")
            #expect(!asSigning.valid)
            let asQWAC = try await validate("?purpose=qwac")
            #expect(asQWAC.problems == ["no trust anchors are configured for purpose qwac"])
        }
    }
}
