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
}
