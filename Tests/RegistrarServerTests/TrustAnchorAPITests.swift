import ChildProcess
import Directory
import Foundation
import HTTPTypes
import PKI
import Testing

/// Operators decide which roots count; the validation service follows at once.
@Suite struct TrustAnchorAPITests {
    @Test func aQWACValidatesOnlyWhileItsQTSPIsAnAnchor() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            let qtsp = try await ForeignQTSP.make(with: openssl)
            let operatorToken = live.credentials.operatorToken

            let initial = try await live.get("/trust-anchors", token: operatorToken).json([TrustAnchor].self)
            #expect(Set(initial.map(\.purpose)) == [.transport, .signing])
            #expect(initial.allSatisfy { $0.source.kind == .directory })
            #expect(try await live.get("/trust-anchors", token: live.credentials.providerToken).status == .forbidden)

            func validate() async throws -> CertificateReport {
                try await live.request(
                    .post, "/certificates/validate", token: live.credentials.providerToken, body: Data(qtsp.qwacPEM.utf8),
                    contentType: "application/x-pem-file"
                ).json(CertificateReport.self)
            }
            let untrusted = try await validate()
            #expect(!untrusted.valid && untrusted.type == .qwac)

            let added = try await live.request(
                .post, "/trust-anchors?purpose=qwac&label=Example%20QTSP", token: operatorToken, body: Data(qtsp.rootPEM.utf8),
                contentType: "application/x-pem-file")
            #expect(added.status == .created, "\(added.text)")
            let anchor = try added.json(TrustAnchor.self)
            #expect(anchor.label == "Example QTSP" && anchor.purpose == .qwac && anchor.source.kind == .manual)
            let duplicate = try await live.request(
                .post, "/trust-anchors?purpose=qwac", token: operatorToken, body: Data(qtsp.rootPEM.utf8),
                contentType: "application/x-pem-file")
            #expect(duplicate.status == .conflict)
            let leafAsAnchor = try await live.request(
                .post, "/trust-anchors?purpose=qwac", token: operatorToken, body: Data(qtsp.qwacPEM.utf8),
                contentType: "application/x-pem-file")
            #expect(leafAsAnchor.status == .badRequest && leafAsAnchor.text.contains("not a CA certificate"))

            let trusted = try await validate()
            #expect(trusted.valid, "\(trusted.problems)")
            #expect(trusted.qcStatements == ForeignQTSP.statements)
            #expect(trusted.issuerOrganisation == "Example QTSP")
            #expect(trusted.organisationIdentifier?.value == "PSDIE-CBI-C12345" && trusted.organisationIdentifier?.authority == "CBI")
            // A QWAC is not trusted for transport by a QWAC anchor.
            let asTransport = try await live.request(
                .post, "/certificates/validate?purpose=transport", token: live.credentials.providerToken, body: Data(qtsp.qwacPEM.utf8),
                contentType: "application/x-pem-file"
            ).json(CertificateReport.self)
            #expect(!asTransport.valid)

            let shown = try await live.get("/trust-anchors/\(anchor.id)", token: operatorToken).json(TrustAnchor.self)
            #expect(shown.sha256Fingerprint == anchor.sha256Fingerprint && shown.certificatePEM == anchor.certificatePEM)
            #expect(try await live.request(.delete, "/trust-anchors/\(anchor.id)", token: operatorToken).status == .noContent)
            #expect(try await live.get("/trust-anchors/\(anchor.id)", token: operatorToken).status == .notFound)
            #expect(!(try await validate()).valid)

            let actions = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000).filter { $0.subjectType == "trust_anchors" }
                .map(\.action)
            #expect(actions == ["trust-anchor.add", "trust-anchor.add", "trust-anchor.add", "trust-anchor.remove"])
        }
    }

    /// A QTSP whose root and QWAC hold brainpoolP256r1 keys (as German QTSPs issue them): an operator adds
    /// the root, and the QWAC validates (OpenSSL checks the signatures), its eIDAS fields read.
    @Test func aBrainpoolQWACValidatesUnderItsBrainpoolQTSP() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            let qtsp = try await ForeignQTSP.make(with: openssl, curve: "brainpoolP256r1")
            let added = try await live.request(
                .post, "/trust-anchors?purpose=qwac", token: live.credentials.operatorToken, body: Data(qtsp.rootPEM.utf8),
                contentType: "application/x-pem-file")
            #expect(added.status == .created, "\(added.text)")
            let anchor = try added.json(TrustAnchor.self)
            let fingerprint = try await openssl.require(["x509", "-in", "qtsp.pem", "-noout", "-fingerprint", "-sha256"]).output
            #expect(fingerprint.replacingOccurrences(of: ":", with: "").lowercased().contains(anchor.sha256Fingerprint))
            let report = try await live.request(
                .post, "/certificates/validate", token: live.credentials.providerToken, body: Data(qtsp.qwacPEM.utf8),
                contentType: "application/x-pem-file"
            ).json(CertificateReport.self)
            #expect(report.valid && report.type == .qwac, "\(report.problems)")
            #expect(report.qcStatements == ForeignQTSP.statements && report.signatureAlgorithm == "ecdsaWithSHA256")
            #expect(report.chain.count == 2)
        }
    }

    @Test func hostileCertificateInputGetsProblemsAndWritesNothing() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            let provider = live.credentials.providerToken
            let certificates =
                "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)/certificates"
            let bankSoftware =
                "/organisations/\(live.credentials.bankOrganisationID)/software-statements/\(live.credentials.softwareStatementID)/certificates"
            let revision = try await live.runtime.store.currentRevision()
            let audit = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000).count
            let goodCSR = try await openssl.makeCSR(name: "good", key: ["rsa:2048"])
            let weakCSR = try await openssl.makeCSR(name: "weak", key: ["rsa:1024"])

            func expect(_ reply: LiveDirectory.Reply, _ status: HTTPResponse.Status, _ fragment: String? = nil, line: Int = #line) {
                #expect(reply.status == status, "line \(line): \(reply.text)")
                #expect(reply.headers[.contentType] == "application/problem+json", "line \(line)")
                if let fragment { #expect(reply.text.contains(fragment), "line \(line): \(reply.text)") }
            }
            func pkcs10(_ path: String, _ body: String, token: String? = provider, type: String = "application/pkcs10") async throws
                -> LiveDirectory.Reply
            {
                try await live.request(.post, path, token: token, body: Data(body.utf8), contentType: type)
            }
            expect(try await pkcs10(certificates + "?purpose=transport", "garbage"), .badRequest, "PEM")
            expect(try await pkcs10(certificates + "?purpose=transport", weakCSR), .badRequest, "2048")
            expect(try await pkcs10(certificates, goodCSR), .badRequest, "purpose")
            expect(try await pkcs10(certificates + "?purpose=qwac", goodCSR), .badRequest, "transport or signing")
            expect(try await pkcs10(certificates + "?purpose=bogus", goodCSR), .badRequest, "purpose must be one of")
            expect(try await pkcs10(certificates + "?purpose=transport", goodCSR, type: "text/html"), .unsupportedMediaType)
            expect(try await pkcs10(certificates + "?purpose=transport", goodCSR, token: nil), .unauthorized)
            expect(try await pkcs10(bankSoftware + "?purpose=transport", goodCSR), .forbidden)
            expect(try await pkcs10(certificates + "?purpose=transport", String(repeating: "A", count: 70_000)), .contentTooLarge)
            expect(try await live.send(.post, certificates, json: #"{"csr": 42, "purpose": "transport"}"#, token: provider), .badRequest)
            expect(try await live.send(.post, "/certificates/00ff/revoke", json: "{}", token: provider), .notFound)
            expect(try await live.send(.post, "/certificates/00ff/revoke", json: #"{"reason":"whim"}"#, token: provider), .badRequest)

            let validate = "/certificates/validate"
            expect(try await pkcs10(validate, "not a certificate", type: "application/x-pem-file"), .badRequest)
            // A DER "bomb": a SEQUENCE claiming four gigabytes.
            expect(
                try await live.request(
                    .post, validate, token: provider, body: Data([0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x30]),
                    contentType: "application/pkix-cert"),
                .badRequest)
            let many = String(
                repeating: try await live.runtime.certificateAuthority.certificates().root.serializeAsPEM().pemString + "\n", count: 11)
            expect(try await pkcs10(validate, many, type: "application/x-pem-file"), .badRequest, "more than 10")
            expect(try await pkcs10(validate, goodCSR, type: "application/x-pem-file"), .badRequest, "CERTIFICATE REQUEST")
            expect(
                try await pkcs10(
                    "/trust-anchors?purpose=qwac", "garbage", token: live.credentials.operatorToken, type: "application/x-pem-file"),
                .badRequest)

            // Suspended organisations get no certificates.
            try await live.runtime.directory.setOrganisationStatus(live.credentials.providerOrganisationID, to: .suspended, by: .system)
            let suspendedRevision = try await live.runtime.store.currentRevision()
            let suspendedAudit = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000).count
            expect(try await pkcs10(certificates + "?purpose=transport", goodCSR), .forbidden, "Suspended")
            #expect(try await live.runtime.store.currentRevision() == suspendedRevision)
            #expect(try await live.runtime.store.auditEvents(afterID: 0, limit: 1000).count == suspendedAudit)
            #expect(suspendedRevision == revision + 1 && suspendedAudit > audit)
        }
    }
}
