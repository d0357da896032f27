import Foundation

extension JSONValue {
    /// Why a text is not JSON, with the byte offset where reading stopped.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var offset: Int
        public var description: String { "\(reason) at byte \(offset)" }

        public init(reason: String, offset: Int) { (self.reason, self.offset) = (reason, offset) }
    }

    /// Nesting deeper than this is refused: no claim set or metadata document needs it, and each level
    /// costs stack.
    public static let maximumDepth = 64

    /// Reads one JSON text (RFC 8259) and nothing after it but whitespace.
    ///
    /// Strict where JOSE needs it: UTF-8 only, no lone surrogates, no control characters in strings,
    /// and a member name given twice in one object is refused (RFC 7515 §4 and RFC 7519 §4 allow a
    /// parser to reject duplicates; taking either copy would let two readers see different claims).
    /// A number without fraction or exponent that fits 64 bits is an `.integer`, any other a `.number`.
    ///
    /// Written by hand because request JWTs, SSAs and metadata are decoded on every registration, and
    /// Foundation's `JSONDecoder` into `[String: JSONValue]` (one thrown error per non-string value) was
    /// the largest single cost of a registration.
    public static func parse(_ data: Data) throws(ParseError) -> JSONValue {
        let result: Result<JSONValue, ParseError> = data.withUnsafeBytes { raw in
            var reader = JSONReader(raw.bindMemory(to: UInt8.self))
            return Result { () throws(ParseError) in try reader.document() }
        }
        return try result.get()
    }

    /// The members of a JSON text that is an object; nil for anything else.
    public static func object(_ data: Data) -> [String: JSONValue]? {
        (try? parse(data))?.objectValue
    }
}

/// A cursor over the bytes of one JSON text.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() throws(JSONValue.ParseError) -> JSONValue {
        skipWhitespace()
        let value = try value()
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected content after the JSON value") }
        return value
    }

    func failure(_ reason: String) -> JSONValue.ParseError { .init(reason: reason, offset: index) }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value() throws(JSONValue.ParseError) -> JSONValue {
        guard let byte = current else { throw failure("the JSON text ends where a value should be") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try nested { reader throws(JSONValue.ParseError) in try reader.object() }
        case UInt8(ascii: "["): return try nested { reader throws(JSONValue.ParseError) in try reader.array() }
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character where a value should be")
        }
    }

    mutating func nested(_ read: (inout JSONReader) throws(JSONValue.ParseError) -> JSONValue) throws(JSONValue.ParseError) -> JSONValue {
        depth += 1
        guard depth <= JSONValue.maximumDepth else { throw failure("nested deeper than \(JSONValue.maximumDepth) levels") }
        defer { depth -= 1 }
        return try read(&self)
    }

    mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONValue.ParseError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count,
            (0..<count).allSatisfy({ bytes[index + $0] == word.utf8Start[$0] })
        else { throw failure("unexpected character where a value should be") }
        index += count
        return value
    }

    mutating func object() throws(JSONValue.ParseError) -> JSONValue {
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("an object member must start with a quoted name") }
            let nameOffset = index
            let name = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            index += 1
            skipWhitespace()
            let member = try value()
            guard members.updateValue(member, forKey: name) == nil else {
                throw JSONValue.ParseError(reason: "the member name \"\(name)\" appears twice", offset: nameOffset)
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "}")?:
                index += 1
                return .object(members)
            default: throw failure("expected ',' or '}' in an object")
            }
        }
    }

    mutating func array() throws(JSONValue.ParseError) -> JSONValue {
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "]")?:
                index += 1
                return .array(elements)
            default: throw failure("expected ',' or ']' in an array")
            }
        }
    }

    /// A string; the common case (no escapes) is one validated UTF-8 copy of the bytes between the quotes.
    mutating func string() throws(JSONValue.ParseError) -> String {
        index += 1  // opening quote
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                // ASCII needs no validation; `String(validating:)` is generic and costs a metadata lookup.
                guard let text = ascii ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self) else {
                    throw JSONValue.ParseError(reason: "a string is not valid UTF-8", offset: start)
                }
                index += 1
                return text
            }
            ascii = ascii && byte < 0x80
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw failure("a control character inside a string") }
            index += 1
        }
        throw failure("a string is not closed")
    }

    /// The slow path: gathers bytes, decoding escapes, from the string's first byte.
    mutating func escapedString(from start: Int) throws(JSONValue.ParseError) -> String {
        var decoded = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw JSONValue.ParseError(reason: "a string is not valid UTF-8", offset: start)
                }
                index += 1
                return text
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &decoded)
            case ..<0x20:
                throw failure("a control character inside a string")
            default:
                decoded.append(byte)
                index += 1
            }
        }
        throw failure("a string is not closed")
    }

    mutating func escape(into decoded: inout [UInt8]) throws(JSONValue.ParseError) {
        guard let letter = current else { throw failure("a string is not closed") }
        index += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(letter)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hexQuad())
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one (RFC 8259 §7).
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw failure("a lone surrogate in a \\u escape")
                }
                index += 2
                let low = UInt32(try hexQuad())
                guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate in a \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw failure("a lone surrogate in a \\u escape")
            }
            decoded.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            throw failure("an unknown escape in a string")
        }
    }

    mutating func hexQuad() throws(JSONValue.ParseError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw failure("a \\u escape needs four hexadecimal digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let digit: UInt8
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = bytes[index] - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = bytes[index] - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = bytes[index] - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func number() throws(JSONValue.ParseError) -> JSONValue {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, isDigit(first) else { throw failure("a number needs a digit") }
        index += 1
        if first == UInt8(ascii: "0"), let next = current, isDigit(next) { throw failure("a number must not start with 0") }
        skipDigits()
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard let next = current, isDigit(next) else { throw failure("a fraction needs a digit") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let next = current, isDigit(next) else { throw failure("an exponent needs a digit") }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if integral, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text), value.isFinite else {
            throw JSONValue.ParseError(reason: "a number out of range", offset: start)
        }
        return .number(value)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func skipDigits() {
        while let byte = current, isDigit(byte) { index += 1 }
    }
}
