import PKI
import SwiftASN1
import Testing
import X509

/// RFC 4517 distinguishedNameMatch between `tls_client_auth_subject_dn` text and a certificate subject.
@Suite struct DistinguishedNameMatchTests {
    let subject = try! DistinguishedName {
        CountryName("BR")
        OrganizationName("Banco Exemplo S.A.")
        OrganizationalUnitName("b2b0e4d4-0000-4000-8000-000000000001")
        CommonName("tpp.example.com.br")
    }

    @Test func equivalentSpellingsMatch() {
        for text in [
            "CN=tpp.example.com.br,OU=b2b0e4d4-0000-4000-8000-000000000001,O=Banco Exemplo S.A.,C=BR",
            "cn=TPP.Example.com.br, ou=B2B0E4D4-0000-4000-8000-000000000001 , o=Banco  Exemplo S.A.,c=br",
            "2.5.4.3=tpp.example.com.br,2.5.4.11=b2b0e4d4-0000-4000-8000-000000000001,O=Banco Exemplo S.A.,C=BR",
            // C as #-hex BER PrintableString "BR", the way Brasil writes OIDs it has no name for.
            "CN=tpp.example.com.br,OU=b2b0e4d4-0000-4000-8000-000000000001,O=Banco Exemplo S.A.,C=#13024252",
            #"CN=tpp.example.com.br,OU=b2b0e4d4-0000-4000-8000-000000000001,O=Banco\20Exemplo S.A.,C=BR"#,
        ] {
            #expect(DistinguishedNameMatch.matches(text, subject: subject), "\(text)")
        }
    }

    @Test func differentNamesDoNotMatch() {
        for text in [
            "CN=tpp.example.com.br,OU=b2b0e4d4-0000-4000-8000-000000000001,O=Banco Exemplo S.A.",  // an RDN missing
            "C=BR,O=Banco Exemplo S.A.,OU=b2b0e4d4-0000-4000-8000-000000000001,CN=tpp.example.com.br",  // reversed order
            "CN=other.example,OU=b2b0e4d4-0000-4000-8000-000000000001,O=Banco Exemplo S.A.,C=BR",
            "CN=tpp.example.com.br+UID=x,OU=b2b0e4d4-0000-4000-8000-000000000001,O=Banco Exemplo S.A.,C=BR",
            "CN=tpp.example.com.br,OU=b2b0e4d4-0000-4000-8000-000000000001,O=Banco Exemplo S.A.,C=#zz",
            "nonsense", "", "X-UNKNOWN=1,C=BR", #"CN=a\"#,
        ] {
            #expect(!DistinguishedNameMatch.matches(text, subject: subject), "\(text)")
        }
    }

    /// The first post-2022 example subject of the Brasil DCR spec (§ Certificate Distinguished Name Parsing).
    @Test func theBrasilRenderingWritesOIDsAsHexDERAndNamesTheRFC4514Descriptors() throws {
        func attribute(_ oid: ASN1ObjectIdentifier, printable: String) throws -> RelativeDistinguishedName {
            RelativeDistinguishedName(.init(type: oid, value: try .init(printableString: printable)))
        }
        let brasil = DistinguishedName([
            RelativeDistinguishedName(.init(type: .RDNAttributeType.countryName, value: try .init(printableString: "BR"))),
            RelativeDistinguishedName(.init(type: .RDNAttributeType.stateOrProvinceName, utf8String: "DF")),
            RelativeDistinguishedName(.init(type: .RDNAttributeType.localityName, utf8String: "BRASILIA")),
            RelativeDistinguishedName(.init(type: .RDNAttributeType.organizationName, utf8String: "My Public Bank")),
            RelativeDistinguishedName(
                .init(type: .RDNAttributeType.organizationalUnitName, utf8String: "497e1ffe-b2a2-4a4e-8ef0-70633fd11b59")),
            RelativeDistinguishedName(.init(type: .RDNAttributeType.commonName, utf8String: "mycn.bank.gov.br")),
            try attribute([2, 5, 4, 5], printable: "13353236000189"),
            try attribute([2, 5, 4, 15], printable: "Private Organization"),
            try attribute([1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3], printable: "BR"),
            RelativeDistinguishedName(
                .init(type: PKIObjectIdentifier.organizationIdentifier, utf8String: "OFBBR-67c57882-043b-11ec-9a03-0242ac130003")),
            RelativeDistinguishedName(.init(type: PKIObjectIdentifier.userID, utf8String: "67c57882-043b-11ec-9a03-0242ac130003")),
        ])
        let published =
            "UID=67c57882-043b-11ec-9a03-0242ac130003,2.5.4.97=#0C2A4F464242522D36376335373838322D303433622D313165632D396130332D303234326163313330303033,"
            + "1.3.6.1.4.1.311.60.2.1.3=#13024252,2.5.4.15=#131450726976617465204f7267616e697a6174696f6e,2.5.4.5=#130e3133333533323336303030313839,"
            + "CN=mycn.bank.gov.br,OU=497e1ffe-b2a2-4a4e-8ef0-70633fd11b59,O=My Public Bank,L=BRASILIA,ST=DF,C=BR"
        let rendered = DistinguishedNameMatch.brasilText(of: brasil)
        #expect(rendered.lowercased() == published.lowercased())
        #expect(DistinguishedNameMatch.matches(published, subject: brasil) && DistinguishedNameMatch.matches(rendered, subject: brasil))
        let escaped = DistinguishedName([RelativeDistinguishedName(.init(type: .RDNAttributeType.commonName, utf8String: "#a, b+c "))])
        #expect(DistinguishedNameMatch.brasilText(of: escaped) == ##"CN=\#a\, b\+c\ "##)
    }
}
