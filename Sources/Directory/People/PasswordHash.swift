import Crypto
import CryptoExtras
import Foundation
import Keys

/// Passwords kept as scrypt hashes (RFC 7914), the memory-hard function BoringSSL implements (through
/// swift-crypto's `KDF.Scrypt`), in a self-describing text `scrypt$ln=17,r=8,p=1$SALT$HASH` (base64url),
/// so that the cost can rise later and old hashes still verify. The default cost is OWASP's minimum for
/// scrypt: N = 2^17, r = 8, p = 1 (128 MiB and about a third of a second per hash here).
///
/// Hashing is slow and memory-hungry on purpose, so it runs on threads of its own, at most
/// `concurrentHashes` at a time: sign-ins cannot starve the server's other work, nor its memory.
public struct PasswordHash: Sendable {
    public struct Cost: Sendable, Equatable {
        /// log2 of N, scrypt's CPU and memory cost.
        public var logN: Int
        public var r: Int
        public var p: Int

        public static let standard = Cost(logN: 17, r: 8, p: 1)

        public init(logN: Int, r: Int, p: Int) {
            self.logN = logN
            self.r = r
            self.p = p
        }

        var memoryBytes: Int { 128 * r * (1 << logN) * p + 1024 * 1024 }
    }

    /// Passwords from 12 to 256 characters (NIST SP 800-63B §3.1.1.2: length over composition rules).
    public static let lengths = 12...256

    public static func requireAcceptable(_ password: String, email: String) throws {
        guard lengths.contains(password.count) else {
            throw DirectoryError.invalidInput("a password has \(lengths.lowerBound) to \(lengths.upperBound) characters")
        }
        guard password.lowercased() != email.lowercased() else {
            throw DirectoryError.invalidInput("the password may not be the e-mail address")
        }
    }

    /// A new hash of `password` under a fresh 128-bit salt.
    public static func make(_ password: String, cost: Cost = .standard) async throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let derived = try await derive(password, salt: salt, cost: cost)
        return "scrypt$ln=\(cost.logN),r=\(cost.r),p=\(cost.p)$\(Base64URL.encode(Data(salt)))$\(Base64URL.encode(Data(derived)))"
    }

    /// Whether `password` is the one `hash` was made from. A malformed hash never matches; the work done
    /// is the hash's own cost either way.
    public static func verify(_ password: String, against hash: String) async -> Bool {
        guard let (cost, salt, expected) = parse(hash), let derived = try? await derive(password, salt: salt, cost: cost) else {
            return false
        }
        return ConstantTime.equal(derived, expected)
    }

    /// What `verify` costs, spent against a hash no password matches: a sign-in for an unknown address
    /// takes as long as one for a known address with the wrong password.
    public static func spendVerification(cost: Cost = .standard) async {
        _ = try? await derive("", salt: [UInt8](repeating: 0, count: 16), cost: cost)
    }

    static func parse(_ hash: String) -> (Cost, [UInt8], [UInt8])? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "scrypt" else { return nil }
        var values: [Substring: Int] = [:]
        for pair in parts[1].split(separator: ",") {
            let field = pair.split(separator: "=", maxSplits: 1)
            guard field.count == 2, let value = Int(field[1]) else { return nil }
            values[field[0]] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"], (10...22).contains(logN), (1...32).contains(r),
            (1...16).contains(p), let salt = Base64URL.decode(String(parts[2])), let expected = Base64URL.decode(String(parts[3])),
            salt.count >= 16, expected.count == 32
        else { return nil }
        return (Cost(logN: logN, r: r, p: p), Array(salt), Array(expected))
    }

    public static let concurrentHashes = 2
    private static let queue: OperationQueue = {
        let queue = OperationQueue()
        queue.name = "registrar.password-hash"
        queue.maxConcurrentOperationCount = concurrentHashes
        return queue
    }()

    private static func derive(_ password: String, salt: [UInt8], cost: Cost) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            queue.addOperation {
                continuation.resume(
                    with: Result {
                        try KDF.Scrypt.deriveKey(
                            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << cost.logN, blockSize: cost.r,
                            parallelism: cost.p, maxMemory: cost.memoryBytes
                        ).withUnsafeBytes { Array($0) }
                    })
            }
        }
    }
}
