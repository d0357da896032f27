import Foundation
import HTTPTypes
import Testing

/// Every list pages one way: `limit`, and a `Link: <…?after=…&limit=…>; rel="next"` until the end.
@Suite struct ListPagingTests {
    /// The items of a list answer, wherever the list keeps them.
    static func items(_ reply: LiveDirectory.Reply) throws -> [Any] {
        let body = try JSONSerialization.jsonObject(with: reply.body)
        if let array = body as? [Any] { return array }
        let object = body as? [String: Any]
        return (object?["data"] ?? object?["changes"]) as? [Any] ?? []
    }

    @Test func everyListPagesWithLimitAndANextLinkToTheEnd() async throws {
        try await LiveDirectory.run { live in
            let (bank, provider, software) = (
                live.credentials.bankOrganisationID, live.credentials.providerOrganisationID, live.credentials.softwareStatementID
            )
            // Most lists hold several items in the seed; the certificates and the clients feed are empty there
            // and still take the same parameters.
            let lists = [
                "/organisations", "/organisations/\(bank)/authorisation-servers", "/organisations/\(provider)/software-statements",
                "/organisations/\(provider)/keys", "/organisations/\(provider)/software-statements/\(software)/keys",
                "/organisations/\(provider)/software-statements/\(software)/certificates", "/tokens", "/signing-keys",
                "/trust-anchors", "/audit-events", "/clients", "/participants", "/status/organisations", "/status/software-statements",
            ]
            let token = live.credentials.operatorToken
            for list in lists {
                let whole = try Self.items(try await live.get(list, token: token))
                var paged: [Any] = []
                var target: String? = "\(list)?limit=1"
                var pages = 0
                while let next = target, pages <= whole.count + 1 {
                    let reply = try await live.get(next, token: token)
                    #expect(reply.status == .ok, "\(next): \(reply.text)")
                    let items = try Self.items(reply)
                    #expect(items.count <= 1, "\(next)")
                    paged += items
                    pages += 1
                    target = reply.headers[HTTPField.Name("Link")!].flatMap { link in
                        #expect(link.hasPrefix("<\(live.baseURL)\(list)?after=") && link.hasSuffix("&limit=1>; rel=\"next\""), "\(link)")
                        return link.split(separator: ">").first.map { String($0.dropFirst(1 + live.baseURL.count)) }
                    }
                }
                #expect(
                    NSArray(array: paged).isEqual(to: whole),
                    "\(list): following the links gives the whole list (\(paged.count) of \(whole.count))")
                let unknown = try await live.get("\(list)?page=2", token: token)
                #expect(unknown.status == .badRequest, "\(list)?page=2 is refused: \(unknown.text)")
            }
        }
    }

    @Test func recordListsAnswerAHundredWithoutALimit() async throws {
        try await LiveDirectory.run { live in
            for index in 0..<101 {
                let created = try await live.send(
                    .post, "/organisations", json: #"{"legalName":"Bank \#(index)","country":"GB"}"#, token: live.credentials.operatorToken)
                #expect(created.status == .created)
            }
            let first = try await live.get("/organisations", token: live.credentials.operatorToken)
            #expect(try Self.items(first).count == 100)
            let link = try #require(first.headers[HTTPField.Name("Link")!])
            let next = try await live.get(
                String(link.split(separator: ">")[0].dropFirst(1 + live.baseURL.count)), token: live.credentials.operatorToken)
            #expect(try Self.items(next).count == 3, "103 organisations: the sandbox's two and 101 more")
            let whole = try await live.get("/participants")
            #expect(try Self.items(whole).count == 103, "a public document is whole without a limit")
        }
    }
}
