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
        utf8.withContiguousStorageIfAvailable { decode(contiguous: $0, table: table) }
            ?? Array(utf8).withUnsafeBufferPointer { decode(contiguous: $0, table: table) }
    }

    private static func decode(contiguous utf8: UnsafeBufferPointer<UInt8>, table: [UInt8]) -> Data? {
        guard utf8.count % 4 != 1 else { return nil }
        let whole = utf8.count / 4
        let remainder = utf8.count % 4
        let size = whole * 3 + max(0, remainder - 1)
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialised in
            table.withUnsafeBufferPointer { table in
                var out = 0
                var index = 0
                // Four characters make three bytes; a bad character anywhere makes an 0xff that sets a high bit.
                while index + 4 <= utf8.count {
                    let (a, b, c, d) = (
                        table[Int(utf8[index])], table[Int(utf8[index + 1])], table[Int(utf8[index + 2])], table[Int(utf8[index + 3])]
                    )
                    if (a | b | c | d) & 0xC0 != 0 { failed = true; return }
                    let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    buffer[out] = UInt8(truncatingIfNeeded: chunk >> 16)
                    buffer[out + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                    buffer[out + 2] = UInt8(truncatingIfNeeded: chunk)
                    out += 3
                    index += 4
                }
                if remainder >= 2 {
                    var chunk: UInt32 = 0
                    for offset in 0..<remainder {
                        let value = table[Int(utf8[index + offset])]
                        if value & 0xC0 != 0 { failed = true; return }
                        chunk |= UInt32(value) << (18 - 6 * UInt32(offset))
                    }
                    buffer[out] = UInt8(truncatingIfNeeded: chunk >> 16)
                    if remainder == 3 { buffer[out + 1] = UInt8(truncatingIfNeeded: chunk >> 8) }
                    out += remainder - 1
                }
                initialised = out
            }
        }
        return failed ? nil : Data(output)
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
