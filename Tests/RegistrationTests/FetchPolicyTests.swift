import Foundation
import Registration
import Testing

@testable import OutboundFetch

/// The rules an outbound fetch passes before it touches the network, and the status lists it reads.
@Suite struct FetchPolicyTests {
    static func bytes(_ address: String) -> [UInt8] {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        precondition(inet_pton(AF_INET6, address, &v6) == 1, address)
        return withUnsafeBytes(of: v6) { Array($0) }
    }

    static func isPublic(_ address: String) -> Bool {
        let bytes = bytes(address)
        return bytes.count == 4 ? AddressRules.isPublic(ipv4: bytes) : AddressRules.isPublic(ipv6: bytes)
    }

    @Test(arguments: [
        "0.0.0.0", "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "192.0.2.7", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
    ])
    func nonPublicAddressesAreRefused(address: String) {
        #expect(Self.isPublic(address) == false, "\(address)")
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2a00:1450:4009::200e", "::ffff:8.8.8.8", "2606:4700::1111"])
    func publicAddressesPass(address: String) {
        #expect(Self.isPublic(address), "\(address)")
    }

    @Test func onlyHTTPSToAnAllowedHostWithoutCredentialsIsATarget() throws {
        let policy = FetchPolicy(allowedHosts: ["Keystore.Example", "[2001:db8::1]"])
        let target = try policy.target(of: "https://keystore.example:8443/jwks/a%20b?x=1")
        #expect(
            target
                == FetchTarget(
                    url: "https://keystore.example:8443/jwks/a%20b?x=1", host: "keystore.example", port: 8443,
                    pathAndQuery: "/jwks/a%20b?x=1"))
        #expect(try policy.target(of: "https://KEYSTORE.example").pathAndQuery == "/")
        #expect(try policy.target(of: "https://[2001:db8::1]/k").host == "2001:db8::1")
        #expect(throws: FetchFailure.notHTTPS("http://keystore.example/jwks")) { try policy.target(of: "http://keystore.example/jwks") }
        #expect(throws: FetchFailure.hostNotAllowed("evil.example")) { try policy.target(of: "https://evil.example/jwks") }
        #expect(throws: FetchFailure.hostNotAllowed("keystore.example.evil.example")) {
            try policy.target(of: "https://keystore.example.evil.example/jwks")
        }
        #expect(throws: FetchFailure.malformedURL("https://user:pw@keystore.example/")) {
            try policy.target(of: "https://user:pw@keystore.example/")
        }
        #expect(throws: FetchFailure.malformedURL("not a url")) { try policy.target(of: "not a url") }
        #expect(throws: FetchFailure.hostNotAllowed("keystore.example")) {
            try FetchPolicy(allowedHosts: []).target(of: "https://keystore.example/jwks")
        }
    }

    @Test func statusListsOfRegistrarAndTheCDRRegisterAreRead() throws {
        let registrar = try SoftwareStatusList.parse(
            Data(
                #"{"data":[{"softwareStatementId":"a","organisationId":"o","status":"Active"},{"softwareStatementId":"b","status":"Inactive"}]}"#
                    .utf8))
        #expect(registrar.active == ["a"] && registrar.listed == ["a", "b"])
        let cdr = try SoftwareStatusList.parse(
            Data(
                #"{"softwareProductStatusList":[{"softwareProductId":"p1","softwareProductStatus":"ACTIVE"},{"softwareProductId":"p2","softwareProductStatus":"REMOVED"}]}"#
                    .utf8))
        #expect(cdr.active == ["p1"])
        #expect(throws: RemoteDocumentError.self) { try SoftwareStatusList.parse(Data("[]".utf8)) }
    }

    @Test func aTrustedIssuerIsReadFromTheCommandLine() throws {
        let uk = try RemoteDirectory.parse("OpenBanking Ltd=https://keystore.openbankingtest.org.uk/keystore/openbanking.jwks")
        #expect(
            uk == RemoteDirectory(issuer: "OpenBanking Ltd", jwksURL: "https://keystore.openbankingtest.org.uk/keystore/openbanking.jwks"))
        #expect(uk.hosts == ["keystore.openbankingtest.org.uk"])
        let cdr = try RemoteDirectory.parse(
            "cdr-register=https://api.cdr.gov.au/cdr-register/v1/jwks,https://api.cdr.gov.au/cdr-register/v1/banking/data-recipients/brands/software-products/status"
        )
        #expect(cdr.statusURL?.hasSuffix("/status") == true && cdr.hosts == ["api.cdr.gov.au"])
        #expect(try RemoteDirectory.parse("a=b=https://x.example/jwks").issuer == "a=b")
        for bad in ["OpenBanking Ltd", "iss=http://x.example/jwks", "=https://x.example/jwks", "iss=https://x.example/jwks,ftp://y"] {
            #expect(throws: (any Error).self, "\(bad)") { try RemoteDirectory.parse(bad) }
        }
    }
}
