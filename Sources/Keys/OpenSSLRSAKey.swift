import COpenSSLSigning
import Foundation

/// An RSA private key held by the system's OpenSSL, used only to sign PS256.
final class OpenSSLRSAKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is never mutated after parsing, and OpenSSL 3 allows concurrent signing
    // with one key.
    private let key: OpaquePointer

    init?(pkcs8PEM: String) {
        let parsed = pkcs8PEM.utf8CString.withUnsafeBufferPointer { buffer in
            registrar_rsa_key_from_pem(buffer.baseAddress, buffer.count - 1)
        }
        guard let parsed else { return nil }
        key = parsed
    }

    deinit { registrar_rsa_key_free(key) }

    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 7518 §3.5).
    func signPSS(_ data: Data) -> Data? {
        var signature = Data(count: registrar_rsa_key_size(key))
        let capacity = signature.count
        let length = signature.withUnsafeMutableBytes { output in
            data.withUnsafeBytes { input in
                registrar_rsa_pss_sha256_sign(
                    key, input.bindMemory(to: UInt8.self).baseAddress, input.count, output.bindMemory(to: UInt8.self).baseAddress, capacity)
            }
        }
        guard length > 0 else { return nil }
        return signature.prefix(length)
    }
}
