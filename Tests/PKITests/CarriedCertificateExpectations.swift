import ChildProcess
import Foundation
import PKI
import Testing
import X509

extension OpenSSLCommand {
    /// A carried certificate gives back the file openssl wrote, byte for byte: its PEM, and the SHA-256
    /// fingerprint openssl computes.
    func expectCarriedByteForByte(_ certificate: Certificate, file: String) async throws {
        #expect(CertificateBundle.isCarried(certificate))
        #expect(try CertificateBundle.pem(certificate).filter { !$0.isWhitespace } == (try read(file)).filter { !$0.isWhitespace })
        let fingerprint = try await require(["x509", "-in", file, "-noout", "-fingerprint", "-sha256"]).output
        #expect(
            try CertificateBundle.sha256Fingerprint(certificate).lowercaseHex
                == fingerprint.split(separator: "=")[1].replacingOccurrences(of: ":", with: "").lowercased().trimmingCharacters(
                    in: .whitespacesAndNewlines))
    }
}
