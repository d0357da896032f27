import ChildProcess
import Foundation
import PKI
import Testing
import X509

@Suite("CRL: signed by the issuing CA, accepted by openssl")
struct RevocationListTests {
    @Test("openssl verifies the CRL's signature and refuses the revoked certificate, not the other")
    func revokedAndGood() async throws {
        let openssl = try OpenSSLCommand()
        let authority = try TestAuthority()
        let revoked = try authority.issue(.transport, csr: try await openssl.makeCSR(name: "a", key: ["rsa:2048"]))
        let good = try authority.issue(.transport, csr: try await openssl.makeCSR(name: "b", key: ["rsa:2048"]))
        let crl = try RevocationList.make(
            by: authority.issuing,
            revoked: [RevokedCertificate(serialNumber: revoked.serialNumber, revokedAt: authority.now, reason: .keyCompromise)],
            number: 7, thisUpdate: authority.now, nextUpdate: authority.now + 86_400)
        let crlPath = try openssl.write("issuing.crl", bytes: crl)
        let root = try openssl.write("root.pem", authority.pem(authority.root.certificate))
        let issuing = try openssl.write("issuing.pem", authority.pem(authority.issuing.certificate))

        let signature = try await openssl.run(["crl", "-inform", "DER", "-in", crlPath, "-CAfile", issuing, "-noout", "-verify"])
        #expect(signature.status == 0 && (signature.output + signature.errors).contains("verify OK"), "\(signature.errors)")
        let text = try await openssl.run(["crl", "-inform", "DER", "-in", crlPath, "-noout", "-text"])
        #expect(text.output.contains("Key Compromise"), "\(text.output)")
        #expect(text.output.contains("X509v3 CRL Number"))
        #expect(text.output.uppercased().contains(revoked.serialNumber.hexString.uppercased()))
        #expect(text.output.contains("Next Update"))

        let crlPEM = try openssl.write("issuing-crl.pem", PEMDocumentBytes.pem(crl, label: "X509 CRL"))
        let revokedPath = try openssl.write("revoked.pem", authority.pem(revoked))
        let goodPath = try openssl.write("good.pem", authority.pem(good))
        let refused = try await openssl.run([
            "verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile", crlPEM, revokedPath,
        ])
        #expect(refused.status != 0)
        #expect((refused.output + refused.errors).contains("certificate revoked"), "\(refused.output)\(refused.errors)")
        let accepted = try await openssl.run(["verify", "-crl_check", "-CAfile", root, "-untrusted", issuing, "-CRLfile", crlPEM, goodPath])
        #expect(accepted.status == 0, "\(accepted.errors)")
    }

    @Test("an empty CRL is valid too")
    func empty() async throws {
        let openssl = try OpenSSLCommand()
        let authority = try TestAuthority()
        let crl = try RevocationList.make(
            by: authority.issuing, revoked: [], number: 1, thisUpdate: authority.now, nextUpdate: authority.now + 3600)
        let crlPath = try openssl.write("empty.crl", bytes: crl)
        let issuing = try openssl.write("issuing.pem", authority.pem(authority.issuing.certificate))
        let signature = try await openssl.run(["crl", "-inform", "DER", "-in", crlPath, "-CAfile", issuing, "-noout", "-verify"])
        #expect(signature.status == 0, "\(signature.errors)")
        let text = try await openssl.run(["crl", "-inform", "DER", "-in", crlPath, "-noout", "-text"])
        #expect(text.output.contains("No Revoked Certificates"))
    }
}
