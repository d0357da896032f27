import Foundation

extension JSONValue {
    /// The value as compact JSON text: members sorted by name (UTF-8 byte order), `/` not escaped,
    /// control characters, `"` and `\` escaped, everything else as UTF-8. The same text as
    /// `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes for strings, integers and
    /// booleans, without its per-value boxing, which made encoding a registration's records and
    /// response a tenth of its cost.
    public func serialized() -> Data {
        var output = [UInt8]()
        output.reserveCapacity(1024)
        write(into: &output)
        return Data(output)
    }

    func write(into output: inout [UInt8]) {
        switch self {
        case .string(let text): JSONValue.writeString(text, into: &output)
        case .integer(let value): output.append(contentsOf: String(value).utf8)
        case .number(let value): JSONValue.writeNumber(value, into: &output)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, name) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONValue.writeString(name, into: &output)
                output.append(UInt8(ascii: ":"))
                members[name]!.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { writeString(utf8: $0, into: &output) }
    }

    /// Runs of bytes that need no escape are copied whole; a registration writes a few kilobytes of
    /// SSA this way.
    private static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            writeEscaped(byte, into: &output)
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        output.append(UInt8(ascii: "\""))
    }

    private static func writeEscaped(_ byte: UInt8, into output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
        case 0x0A: output.append(contentsOf: #"\n"#.utf8)
        case 0x0D: output.append(contentsOf: #"\r"#.utf8)
        case 0x09: output.append(contentsOf: #"\t"#.utf8)
        case 0x08: output.append(contentsOf: #"\b"#.utf8)
        case 0x0C: output.append(contentsOf: #"\f"#.utf8)
        case ..<0x20:
            output.append(contentsOf: #"\u00"#.utf8)
            output.append(contentsOf: [byte].lowercaseHex.utf8)
        default: output.append(byte)
        }
    }

    /// Integral values without a fraction (`2`, not `2.0`), as JSONEncoder writes them; JSON has no
    /// NaN or infinity, so those are written as null.
    static func writeNumber(_ value: Double, into output: inout [UInt8]) {
        guard value.isFinite else { return output.append(contentsOf: "null".utf8) }
        if value == value.rounded(), abs(value) < 1e15 {
            output.append(contentsOf: String(Int64(value)).utf8)
        } else {
            output.append(contentsOf: value.description.utf8)
        }
    }
}
