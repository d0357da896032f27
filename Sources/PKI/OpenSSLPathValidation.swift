import COpenSSLChain
import Foundation
import X509

/// Path validation by the system's OpenSSL for what swift-certificates cannot verify: certificates
/// signed with RSASSA-PSS, and keys on brainpool curves. The chain OpenSSL finds then meets the same
/// purpose, qcStatements and revocation rules as every other chain.
enum OpenSSLPathValidation {
    /// Whether a chain through these certificates needs OpenSSL: one of them is carried.
    static func isNeeded(for certificates: [Certificate]) -> Bool {
        certificates.contains(where: CertificateBundle.isCarried)
    }

    /// The chain from `leaf` to an anchor (leaf first), or OpenSSL's reason why there is none.
    static func chain(leaf: Certificate, intermediates: [Certificate], anchors: [Certificate], at time: Date) -> Result<
        [Certificate], ChainProblem
    > {
        let candidates = intermediates + anchors
        guard let leafDER = try? CertificateBundle.der(leaf), let encoded = try? candidates.map(CertificateBundle.der) else {
            return .failure(ChainProblem(reason: "a certificate cannot be re-encoded"))
        }
        var indexes = [Int32](repeating: 0, count: 16)
        var found = 0
        var error = [CChar](repeating: 0, count: 256)
        let buffers = encoded.map { bytes -> UnsafeMutableBufferPointer<UInt8> in
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            _ = buffer.initialize(from: bytes)
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        let pointers: [UnsafePointer<UInt8>?] = buffers.map { UnsafePointer($0.baseAddress) }
        let lengths = encoded.map(\.count)
        let status = leafDER.withUnsafeBufferPointer { leafBuffer in
            registrar_openssl_verify_chain(
                leafBuffer.baseAddress, leafBuffer.count, pointers, lengths, intermediates.count, anchors.count,
                Int64(time.timeIntervalSince1970), &indexes, indexes.count, &found, &error, error.count)
        }
        let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard status == 1 else { return .failure(ChainProblem(reason: reason.isEmpty ? "OpenSSL found no valid chain" : reason)) }
        return .success([leaf] + indexes.prefix(found).map { candidates[Int($0)] })
    }

    struct ChainProblem: Error {
        var reason: String
    }
}
