import Directory
import Testing

/// One FAPI redirect URI rule for software statements and registrations alike.
@Suite struct RedirectURIRuleTests {
    @Test(arguments: [
        "https://localhost/cb", "https://LOCALHOST./cb", "https://app.localhost/cb", "https://127.0.0.1/cb", "https://127.1.2.3:8443/cb",
        "https://[::1]/cb", "https://0.0.0.0/cb",
    ])
    func theLocalMachineIsRefusedHoweverSpelled(uri: String) throws {
        #expect(RedirectURIRule.refusal(of: uri) == .localMachine)
        #expect(throws: DirectoryError.self) { try InputRules.requireRedirectURI(uri) }
    }

    @Test(arguments: ["http://tpp.example/cb", "https://tpp.example/cb#here", "/cb", "https:///cb", "tpp.example/cb"])
    func onlyAbsoluteHTTPSWithoutAFragment(uri: String) {
        #expect(RedirectURIRule.refusal(of: uri) == .notAbsoluteHTTPS)
    }

    @Test func aGoodRedirectURIPasses() throws {
        #expect(RedirectURIRule.refusal(of: "https://tpp.example/callback?x=1") == nil)
        #expect(RedirectURIRule.refusal(of: "https://tpp.example/" + String(repeating: "a", count: 2048)) == .notAbsoluteHTTPS)
        try InputRules.requireRedirectURI("https://tpp.example/callback")
    }
}
