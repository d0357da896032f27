import Foundation

/// Base64url without padding (RFC 7515 §2), the encoding of every JOSE member.
///
/// ```swift
/// let text = Base64URL.encode(Data([0xfb, 0xff]))   // "-_8"
/// let data = Base64URL.decode("-_8")                // Data([0xfb, 0xff])
/// ```
public enum Base64URL {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        // Straight from the bytes: Foundation's base64 plus string replacement was a measurable share of
        // each SSA's cost.
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let chunk = UInt32(input[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
        case 2:
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Strict: rejects padding, whitespace and the standard alphabet's `+` and `/`. Byte by byte with a
    /// table: Foundation's decoder behind string replacement was the largest single cost of checking a
    /// registration request (three JWS segments each for the request and its SSA).
    public static func decode(_ text: some StringProtocol) -> Data? {
        decode(bytes: text.utf8)
    }

    /// The same, from bytes (a segment of a compact JWS, say).
    public static func decode(bytes utf8: some Collection<UInt8>) -> Data? {
        guard utf8.count % 4 != 1 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in utf8 {
            let value = decodingTable[Int(byte)]
            guard value != 0xff else { return nil }
            accumulator = (accumulator << 6 | UInt32(value)) & 0x00ff_ffff
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return Data(output)
    }

    /// The value of each alphabet byte, 0xff for everything else.
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()
}
