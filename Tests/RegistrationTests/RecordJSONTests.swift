import Directory
import Foundation
import Keys
import Testing

@testable import Registration

/// Records that write their own JSON write what their `Codable` conformance writes, byte for byte, and
/// read back through `JSONDecoder` as they were.
@Suite struct RecordJSONTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000.25)

    static let clients = [
        RegisteredClient(
            id: "c1", softwareID: "s1", organisationID: "o1", softwareStatementIssuer: "https://directory.example/",
            profile: "fapi-obie",
            metadata: [
                "redirect_uris": .strings(["https://tpp.example/cb?x=1&y=\"2\""]), "software_statement": .string("a.b.c"),
                "client_name": .string("Caf\u{e9} \u{1F600}\n\t\u{1}"), "scope": .null, "n": .integer(-7), "ok": .bool(true),
                "nested": .object(["z": .array([]), "a": .object([:])]),
            ],
            registrationTokenHash: "abc", certificateThumbprint: "x5t", status: .active, createdAt: now, updatedAt: now),
        RegisteredClient(
            id: "c2", softwareID: "s2", organisationID: nil, softwareStatementIssuer: "i", profile: "cdr", metadata: [:],
            registrationTokenHash: "h", certificateThumbprint: nil, status: .disabled, createdAt: now, updatedAt: now.addingTimeInterval(1)),
    ]

    @Test(arguments: clients)
    func aClientIsWrittenAsItsCodableFormWrites(_ client: RegisteredClient) throws {
        let direct = try RecordCoding.encode(client)
        #expect(String(decoding: direct, as: UTF8.self) == String(decoding: try RecordCoding.encoder.encode(client), as: UTF8.self))
        #expect(try RecordCoding.decoder.decode(RegisteredClient.self, from: direct) == client)
    }

    @Test func aRegistrationTokenIsWrittenAsItsCodableFormWrites() throws {
        for expiry in [nil, Self.now.addingTimeInterval(3600)] {
            let token = RegistrationAccessToken(id: "h", clientID: "c", createdAt: Self.now, updatedAt: Self.now, expiresAt: expiry)
            let direct = try RecordCoding.encode(token)
            #expect(direct == (try RecordCoding.encoder.encode(token)))
            #expect(try RecordCoding.decoder.decode(RegistrationAccessToken.self, from: direct) == token)
        }
    }

    @Test func numbersAreWrittenAsJSONAllows() throws {
        let text = { (value: JSONValue) in String(decoding: value.serialized(), as: UTF8.self) }
        #expect(text(.number(2)) == "2")
        #expect(text(.number(1.5)) == "1.5")
        #expect(text(.number(.nan)) == "null")
        #expect(text(.integer(.min)) == "-9223372036854775808")
        #expect(try JSONValue.parse(JSONValue.number(1e300).serialized()) == .number(1e300))
    }
}
