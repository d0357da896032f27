import Foundation
import PKI
import Testing

@Suite("organizationIdentifier and qcStatements")
struct IdentifierAndStatementTests {
    @Test(
        "PSD2, Brasil and trade-register identifiers parse; malformed ones do not",
        arguments: [
            ("PSDGB-FCA-123456", "PSD", "GB", "FCA", "123456"),
            ("PSDIE-CBI-C12345", "PSD", "IE", "CBI", "C12345"),
            ("OFBBR-5f69111d-29d6-4a3a-a5a6-7e4d1c8e3a8b", "OFB", "BR", nil, "5f69111d-29d6-4a3a-a5a6-7e4d1c8e3a8b"),
            ("NTRGB-01234567", "NTR", "GB", nil, "01234567"),
        ] as [(String, String, String, String?, String)])
    func parses(text: String, scheme: String, country: String, authority: String?, identifier: String) throws {
        let parsed = try #require(OrganisationIdentifier(parsing: text))
        #expect(parsed == OrganisationIdentifier(scheme: scheme, country: country, authority: authority, identifier: identifier))
        #expect(parsed.description == text)
    }

    @Test(
        "malformed identifiers",
        arguments: ["", "PSD", "psdgb-FCA-1", "PSDGB-FCA", "PSDGB--123", "PSDGBFCA-123", "PSDGB-TOOLONGNCA-1", "NTRGB-"])
    func malformed(text: String) {
        #expect(OrganisationIdentifier(parsing: text) == nil)
    }

    @Test("qcStatements survive a round trip through DER")
    func roundTrip() throws {
        let statements = QualifiedCertificateStatements(
            isQualified: true, keyInQSCD: true, types: [.electronicSeal],
            psd2: PSD2Attributes(roles: PSD2Role.all, authorityName: "Financial Conduct Authority", authorityID: "GB-FCA"))
        let parsed = try QualifiedCertificateStatements(extensionValue: try statements.makeExtension().value)
        #expect(parsed == statements)
    }

    @Test(
        "truncated or wrongly typed qcStatements are refused",
        arguments: [[0x30, 0x03, 0x30, 0x01], [0x04, 0x00], [0x30, 0x05, 0x30, 0x03, 0x06, 0x01]] as [[UInt8]])
    func malformedStatements(bytes: [UInt8]) {
        #expect(throws: (any Error).self) { _ = try QualifiedCertificateStatements(extensionValue: bytes[...]) }
    }
}
