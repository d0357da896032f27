import ChildProcess
import Directory
import Foundation
import HTTPTypes
import PKI
import Testing

/// The OCSP responder (RFC 6960), with `openssl ocsp` as the client.
@Suite struct OCSPResponderTests {
    @Test func opensslSeesGoodThenRevokedOverPOSTAndGET() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            let certificates =
                "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)/certificates"
            let csr = try await openssl.makeCSR(name: "client", key: ["rsa:2048"])
            let issued = try await live.request(
                .post, certificates + "?purpose=transport", token: live.credentials.providerToken, body: Data(csr.utf8),
                contentType: "application/pkcs10"
            ).json(IssuedCertificate.self)
            for name in ["root", "issuing"] {
                try openssl.write("\(name).der", bytes: try await live.get("/pki/\(name).cer").body)
                try await openssl.require(["x509", "-inform", "DER", "-in", "\(name).der", "-out", "\(name).pem"])
            }
            try openssl.write("leaf.pem", issued.certificatePEM)
            let ask = ["ocsp", "-issuer", "issuing.pem", "-cert", "leaf.pem", "-CAfile", "root.pem", "-url", "\(live.baseURL)/pki/ocsp"]

            let good = try await openssl.run(ask)
            #expect(good.status == 0, "\(good.errors)")
            #expect(good.output.contains("leaf.pem: good"), "\(good.output)")
            #expect(good.errors.contains("Response verify OK"), "\(good.errors)")

            let unknown = try await openssl.run([
                "ocsp", "-issuer", "issuing.pem", "-serial", "0x0123456789", "-CAfile", "root.pem", "-url", "\(live.baseURL)/pki/ocsp",
            ])
            #expect(unknown.output.contains("0x0123456789: unknown"), "\(unknown.output)\(unknown.errors)")

            _ = try await live.send(
                .post, "/certificates/\(issued.id)/revoke", json: #"{"reason":"superseded"}"#, token: live.credentials.providerToken)
            let revoked = try await openssl.run(ask)
            #expect(revoked.output.contains("leaf.pem: revoked"), "\(revoked.output)")
            #expect(revoked.output.contains("Reason: superseded"), "\(revoked.output)")
            #expect(revoked.errors.contains("Response verify OK"))

            // GET: the base64 DER request in the path (RFC 6960 appendix A.1), without a nonce so it can be cached.
            try await openssl.require(["ocsp", "-issuer", "issuing.pem", "-cert", "leaf.pem", "-no_nonce", "-reqout", "request.der"])
            let request = try Data(contentsOf: openssl.folder.appending(path: "request.der")).base64EncodedString()
            let encoded = request.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? request
            let fetched = try await live.get("/pki/ocsp/\(encoded)")
            #expect(fetched.status == .ok && fetched.headers[.contentType] == "application/ocsp-response")
            #expect(fetched.headers[.cacheControl] == "public, max-age=300")
            try openssl.write("response.der", bytes: fetched.body)
            let read = try await openssl.run([
                "ocsp", "-respin", "response.der", "-issuer", "issuing.pem", "-cert", "leaf.pem", "-CAfile", "root.pem",
            ])
            #expect(read.output.contains("leaf.pem: revoked"), "\(read.output)\(read.errors)")
        }
    }

    @Test func malformedRequestsGetAMalformedRequestResponseAndWrongTypesA415() async throws {
        try await LiveDirectory.run { live in
            let openssl = try OpenSSLCommand()
            for body in [Data("garbage".utf8), Data([0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]), Data([0x30, 0x00])] {
                let reply = try await live.request(.post, "/pki/ocsp", body: body, contentType: "application/ocsp-request")
                #expect(reply.status == .ok && reply.headers[.contentType] == "application/ocsp-response")
                try openssl.write("error.der", bytes: reply.body)
                let read = try await openssl.run(["ocsp", "-respin", "error.der", "-resp_text", "-noverify"])
                #expect((read.output + read.errors).lowercased().contains("malformedrequest"), "\(read.output)\(read.errors)")
            }
            let notBase64 = try await live.get("/pki/ocsp/@@@")
            #expect(notBase64.status == .ok && notBase64.body == Data([0x30, 0x03, 0x0A, 0x01, 0x01]))
            let wrongType = try await live.request(.post, "/pki/ocsp", body: Data("x".utf8), contentType: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType && wrongType.headers[.contentType] == "application/problem+json")
        }
    }
}
