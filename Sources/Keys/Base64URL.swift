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
        decode(utf8, table: decodingTable)
    }

    /// Unpadded base64 in the alphabet `table` maps (0xff for bytes outside it).
    static func decode(_ utf8: some Collection<UInt8>, table: [UInt8]) -> Data? {
        // One loop over contiguous bytes, whatever collection the caller has.
        utf8.withContiguousStorageIfAvailable { decode(contiguous: $0, table: table) } ?? decode(contiguous: Array(utf8), table: table)
    }

    private static func decode(contiguous utf8: some Collection<UInt8>, table: [UInt8]) -> Data? {
        guard utf8.count % 4 != 1 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in utf8 {
            let value = table[Int(byte)]
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

    private static let decodingTable = Base64.table(for: alphabet)
}

/// Base64 in the standard alphabet (RFC 4648 §4), as in an RFC 8941 byte sequence.
public enum Base64 {
    /// Accepts the text with its `=` padding or without it (RFC 8941 §3.3.5: parsers should not fail on
    /// missing padding); anything else outside the alphabet, or padding of the wrong length, is refused.
    public static func decode(bytes utf8: some BidirectionalCollection<UInt8>) -> Data? {
        let padding = utf8.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        let body = utf8.dropLast(padding)
        guard padding == 0 || (padding <= 2 && utf8.count % 4 == 0) else { return nil }
        return Base64URL.decode(body, table: decodingTable)
    }

    private static let decodingTable = table(
        for: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8))

    /// The value of each alphabet byte, 0xff for everything else.
    static func table(for alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }
}

/// Space, tab, CR and LF, the whitespace that may surround a token in a body or a header field.
public enum ASCIIWhitespace {
    public static func contains(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The bytes without leading and trailing whitespace, without decoding them as text first.
    public static func trimming<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        let start = bytes.firstIndex { !contains($0) } ?? bytes.endIndex
        let end = bytes[start...].lastIndex { !contains($0) }.map { bytes.index(after: $0) } ?? start
        return bytes[start..<end]
    }
}
