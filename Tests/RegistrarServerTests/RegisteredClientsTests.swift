import Directory
import Foundation
import RegistrarServer
import Storage
import Testing

/// Handing clients to the bank's authorisation server: `GET /clients?after=CURSOR` reports every
/// registration, update, disabling and deletion once, in order, page after page; `GET /clients/{id}`
/// shows one; operators disable a client, after which its registration access token stops working.
@Suite(witnessesAvailable) struct RegisteredClientsTests {
    typealias Registrar = RegistrationTests.Registrar

    @Test func theChangeFeedReportsEachChangeOnceAcrossPagesAndOnlyToClientReaders() async throws {
        let data = try TestStores.temporaryFolder()
        let store = try SQLiteDirectoryStore(path: data.appending(path: "registrar.sqlite").path)
        try await RegistrationTests.run(store: store) { registrar, ssa in
            let live = registrar.client.live
            let operatorToken = live.credentials.operatorToken
            let issued = try await live.send(.post, "/tokens", json: #"{"role":"clients","label":"bank-as"}"#, token: operatorToken)
            #expect(issued.status == .created, "\(issued.text)")
            let readerToken = try #require(try issued.object()["token"] as? String)

            let first = try await registrar.register(registrar.claims(ssa: ssa))
            let second = try await registrar.register(registrar.claims(ssa: ssa))
            let firstID = try #require(first.body["client_id"] as? String)
            let secondID = try #require(second.body["client_id"] as? String)
            let firstToken = try #require(first.body["registration_access_token"] as? String)
            let secondToken = try #require(second.body["registration_access_token"] as? String)
            let update = try await registrar.sign(registrar.claims(ssa: ssa, ["scope": "openid accounts"]))
            #expect(try await registrar.send("PUT", "/\(firstID)", body: update, token: firstToken).status == 200)
            #expect(try await registrar.send("DELETE", "/\(secondID)", token: secondToken).status == 204)
            let disabled = try await live.send(.put, "/clients/\(firstID)/status", json: #"{"status":"Disabled"}"#, token: operatorToken)
            #expect(try disabled.status == .ok && (disabled.object()["status"] as? String) == "Disabled", "\(disabled.text)")

            // Read the feed two changes at a time, as an authorisation server polling would.
            var seen: [(change: String, client: String, scope: String?)] = []
            var cursor: String?
            var cursors: Set<String> = []
            for _ in 0..<10 {
                let path = "/clients?limit=2" + (cursor.map { "&after=\($0)" } ?? "")
                let page = try await live.get(path, token: readerToken)
                #expect(page.status == .ok, "\(page.text)")
                let body = try page.object()
                let changes = try #require(body["changes"] as? [[String: Any]])
                for change in changes {
                    let client = change["client"] as? [String: Any]
                    let metadata = client?["metadata"] as? [String: Any]
                    seen.append((change["change"] as? String ?? "?", change["clientId"] as? String ?? "?", metadata?["scope"] as? String))
                    #expect(client?["registrationTokenHash"] == nil, "no secret material in the feed")
                    #expect(cursors.insert(change["cursor"] as? String ?? "").inserted, "a cursor is never repeated")
                }
                let next = try #require(body["cursor"] as? String)
                if changes.isEmpty {
                    #expect(next == cursor, "an empty page leaves the cursor where it was")
                    break
                }
                cursor = next
            }
            #expect(seen.map(\.change) == ["registered", "registered", "updated", "deleted", "disabled"], "\(seen)")
            #expect(seen.map(\.client) == [firstID, secondID, firstID, secondID, firstID])
            #expect(seen[2].scope == "openid accounts" && seen[4].scope == "openid accounts")

            // One client; the disabled one's registration token no longer works.
            let shown = try await live.get("/clients/\(firstID)", token: readerToken)
            #expect(try shown.status == .ok && (shown.object()["status"] as? String) == "Disabled", "\(shown.text)")
            #expect(try await registrar.send("GET", "/\(firstID)", token: firstToken).status == 401)
            #expect(try await live.get("/clients/\(secondID)", token: readerToken).status == .notFound, "deleted")

            // Only operators and clients readers; only operators disable; a bad cursor is a 400 problem.
            #expect(try await live.get("/clients", token: live.credentials.providerToken).status == .forbidden)
            #expect(try await live.get("/clients").status == .unauthorized)
            let readerDisables = try await live.send(
                .put, "/clients/\(firstID)/status", json: #"{"status":"Active"}"#, token: readerToken)
            #expect(readerDisables.status == .forbidden)
            #expect(try await live.get("/organisations", token: readerToken).status == .forbidden, "a clients token reads clients only")
            for bad in ["after=-1", "after=abc", "after=99999999999999999999", "limit=0", "limit=1001"] {
                let reply = try await live.get("/clients?\(bad)", token: readerToken)
                #expect(reply.status == .badRequest && reply.headers[.contentType] == "application/problem+json", "\(bad): \(reply.text)")
            }
            let audit = try await live.get("/audit-events?limit=1000", token: operatorToken).text
            for action in ["client.register", "client.update", "client.delete", "client.disable"] {
                #expect(audit.contains(action), "audited: \(action)")
            }

            // The operator's CLI on the same store: list, show, enable again, and a clear error for a stranger.
            func cli(_ arguments: [String]) async throws -> Witness.Result {
                try await Witness.run(Witness.registrarBinary, ["clients"] + arguments + ["--data", data.path])
            }
            let listed = try await cli(["list"])
            #expect(listed.status == 0 && listed.output.contains(firstID) && listed.output.contains("Disabled"), "\(listed.errors)")
            #expect(!listed.output.contains(secondID), "a deleted client is gone")
            let enabled = try await cli(["enable", firstID])
            #expect(enabled.output == "client \(firstID) is Active\n", "\(enabled.errors)")
            let shownByCLI = try await cli(["show", firstID])
            #expect(shownByCLI.output.contains("\"status\" : \"Active\"") && shownByCLI.output.contains("software_statement"))
            #expect(try await registrar.send("GET", "/\(firstID)", token: firstToken).status == 200, "enabled again")
            let unknown = try await cli(["disable", "no-such-client"])
            #expect(
                unknown.status == 1 && unknown.errors.hasPrefix("registrar: error: ") && unknown.errors.split(separator: "\n").count == 1)
        }
    }
}
