import Directory
import Testing

/// The software path's one shape, made and read back.
@Suite struct SoftwarePathTests {
    @Test func aPathMadeIsReadBack() throws {
        let path = SoftwarePath.make(organisationID: "o-1", softwareID: "s-2", "transport/jwks")
        #expect(path == "/organisations/o-1/software-statements/s-2/transport/jwks")
        let parsed = try #require(SoftwarePath.parse(path[...]))
        #expect(parsed.organisationID == "o-1" && parsed.softwareID == "s-2" && parsed.rest == "transport/jwks")
        #expect(
            KeystoreURLs(baseURL: "https://d.example/").softwareJWKS("o", "s")
                == "https://d.example/organisations/o/software-statements/s/jwks")
    }

    @Test(arguments: [
        "/organisations/o/software-statements/s", "/organisations//software-statements/s/jwks", "/organisations/o/software/s/jwks",
        "/organisations/o/software-statements//jwks", "/participants/o", "organisations/o/software-statements/s/jwks",
    ])
    func otherPathsAreNotIt(path: String) {
        #expect(SoftwarePath.parse(path[...]) == nil)
    }
}
