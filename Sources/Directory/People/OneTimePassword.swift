import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238): HOTP (RFC 4226 §5) over the count of 30-second steps since
/// the Unix epoch, HMAC-SHA-1 and 6 digits, which is what every authenticator app computes from an
/// `otpauth://totp/` URI. A code is accepted for its own step and one step either side (RFC 6238 §5.2:
/// clocks drift and people type slowly); which step matched is returned so that the caller can refuse
/// the same step twice.
public struct OneTimePassword: Sendable {
    public let secret: [UInt8]
    public let digits: Int
    public let period: TimeInterval

    public init(secret: [UInt8], digits: Int = 6, period: TimeInterval = 30) {
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// A new 160-bit secret (RFC 4226 §4 recommends 160 bits for HMAC-SHA-1).
    public static func newSecret() -> [UInt8] {
        SymmetricKey(size: .init(bitCount: 160)).withUnsafeBytes { Array($0) }
    }

    public func step(at instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code for one time step (RFC 4226 §5.3: dynamic truncation of the HMAC).
    public func code(atStep step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let truncated =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(truncated % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    public func code(at instant: Date) -> String { code(atStep: step(at: instant)) }

    /// The step whose code `code` is, among the current one and one either side, or nil. Every
    /// candidate is compared, in constant time, so the answer's timing does not say which one matched.
    public func matchingStep(of code: String, at instant: Date) -> Int64? {
        let typed = code.filter { !$0.isWhitespace }
        guard typed.count == digits, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else { return nil }
        let now = step(at: instant)
        var matched: Int64?
        for candidate in [now - 1, now, now + 1] where ConstantTime.equal(Array(self.code(atStep: candidate).utf8), Array(typed.utf8)) {
            matched = candidate
        }
        return matched
    }

    /// The `otpauth://` URI authenticator apps read (Google Authenticator's key URI format, which
    /// every app follows): the issuer both as the label's prefix and as a parameter.
    public func provisioningURI(issuer: String, account: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return
            "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParameter)&algorithm=SHA1&digits=\(digits)&period=\(Int(period))"
    }
}

/// Base32 (RFC 4648 §6) without padding, as authenticator apps take a TOTP secret.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 0x1F)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes letters in either case, ignoring spaces and padding; nil for any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        var output = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: " ") && character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}

/// Comparisons whose time depends on the lengths only, never on where the first difference is.
public enum ConstantTime {
    public static func equal(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
