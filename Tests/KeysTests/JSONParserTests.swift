import Foundation
import Keys
import Testing

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    @Test func readsEveryKindOfValue() throws {
        let value = try parse(
            #" { "s": "text", "i": -42, "big": 9223372036854775807, "f": 1.5, "e": 2E3, "t": true, "no": false, "n": null, "a": [1, "two", [], {}] } "#
        )
        #expect(
            value
                == .object([
                    "s": .string("text"), "i": .integer(-42), "big": .integer(.max), "f": .number(1.5), "e": .number(2000),
                    "t": .bool(true), "no": .bool(false), "n": .null,
                    "a": .array([.integer(1), .string("two"), .array([]), .object([:])]),
                ]))
    }

    @Test func integersBeyond64BitsBecomeNumbers() throws {
        #expect(try parse("9223372036854775808") == .number(9_223_372_036_854_775_808))
        #expect(try parse("-0") == .integer(0))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u00e9\u20AC\ud83d\ude00 é""#) == .string("é€😀 é"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'x'", "01", "-", "1.", "1.e3", "1e", "+1", ".5", "1e999",
        "tru", "nul", "True", "[1] x", "\"abc", "\"a\u{1}b\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00x\"",
        "\"\\ud800\\u0041\"", "NaN", "Infinity", "{\"a\":1,\"a\":2}",
    ])
    func refusesWhatIsNotOneStrictJSONText(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try parse(text) }
    }

    @Test func refusesInvalidUTF8InStrings() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data([0x22, 0xC3, 0x28, 0x22])) }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data([0x22, 0x5C, 0x6E, 0xFF, 0x22])) }
    }

    @Test func duplicateMemberNamesAreRefusedWithTheirName() {
        #expect(throws: JSONValue.ParseError(reason: #"the member name "iss" appears twice"#, offset: 12)) {
            try parse(#"{"iss":"a", "iss":"b"}"#)
        }
    }

    @Test func nestingIsBoundedWithoutExhaustingTheStack() throws {
        let deepest = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
        _ = try parse(deepest)
        #expect(throws: JSONValue.ParseError.self) { try parse("[" + deepest + "]") }
        #expect(throws: JSONValue.ParseError.self) { try parse(String(repeating: "{\"a\":", count: 100_000)) }
    }

    /// The same values as Foundation's reader on real documents: the published SSAs' and requests' claims.
    @Test func agreesWithJSONSerialization() throws {
        let documents = [
            #"{"software_roles":["AISP","PISP"],"iat":1492756331,"exp":1.5e9,"org_contacts":[{"email":"a@b.c","phone":"+44"}],"x":null}"#,
            #"{"redirect_uris":["https:\/\/tpp.example\/cb"],"software_version":1.5,"name":"Caf\u00e9 \ud83d\ude00"}"#,
        ]
        for document in documents {
            let ours = try parse(document)
            let foundation = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? NSDictionary
            let back = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(ours)) as? NSDictionary
            #expect(back == foundation)
        }
    }

    @Test func registeredClaimsAreReadFromTheParsedMembers() throws {
        let claims = try #require(RegisteredClaims.read(Data(#"{"iss":"i","aud":"a","exp":2,"iat":1.5,"jti":null}"#.utf8)))
        #expect(claims.issuer == "i" && claims.audience == ["a"] && claims.jwtID == nil)
        #expect(claims.expiresAt == Date(timeIntervalSince1970: 2) && claims.issuedAt == Date(timeIntervalSince1970: 1.5))
        #expect(RegisteredClaims.read(Data(#"{"iss":7}"#.utf8)) == nil)
        #expect(RegisteredClaims.read(Data(#"{"aud":["a",1]}"#.utf8)) == nil)
    }
}

@Suite struct Base64AndWhitespaceTests {
    @Test func standardAlphabetWithOrWithoutPadding() {
        #expect(Base64.decode(bytes: "+/8=".utf8) == Data([0xfb, 0xff]))
        #expect(Base64.decode(bytes: "+/8".utf8) == Data([0xfb, 0xff]))
        #expect(Base64.decode(bytes: "Zm9vYg==".utf8) == Data("foob".utf8))
    }

    /// Every length and every byte value, against Foundation's encoder, padded and unpadded, and the
    /// URL alphabet against the same text with its two letters swapped.
    @Test func decodesWhatFoundationEncodes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let standard = bytes.base64EncodedString()
            #expect(Base64.decode(bytes: standard.utf8) == bytes)
            let unpadded = standard.replacingOccurrences(of: "=", with: "")
            #expect(Base64.decode(bytes: unpadded.utf8) == bytes)
            let url = unpadded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(Base64URL.decode(url) == bytes)
            #expect(Base64URL.encode(bytes) == url)
        }
    }

    @Test(arguments: ["-_8=", "Zm9vYg=", "Zm9v=", "Zm9vY===", "Zm 9v", "=", "Zm=9"])
    func refusesOtherAlphabetsAndBadPadding(_ text: String) {
        #expect(Base64.decode(bytes: text.utf8) == nil)
    }

    @Test func trimsOnlyASCIIWhitespaceAtTheEnds() {
        #expect(Array(ASCIIWhitespace.trimming(Array(" \t\r\n a b \n".utf8))) == Array("a b".utf8))
        #expect(ASCIIWhitespace.trimming(Array(" \n ".utf8)).isEmpty)
        #expect(ASCIIWhitespace.trimming([UInt8]()).isEmpty)
    }
}
