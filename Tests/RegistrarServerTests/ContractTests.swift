import Foundation
import Testing

/// The contract and the README stay true to the running server.
@Suite struct ContractTests {
    @Test(.enabled(if: Witness.pythonAvailable || Witness.strict))
    func everyRouteIsInTheOpenAPIDocumentAndNothingElse() async throws {
        try await LiveDirectory.run(seed: false) { live in
            let routes = live.routes.routes.map { [$0.method.rawValue, $0.path] }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: routes), as: UTF8.self)
            let result = try await Witness.python("check_openapi.py", [json])
            #expect(result.output.hasPrefix("ok:"))
        }
    }

    @Test func theServerServesTheOpenAPIDocumentOfSchemasWithItsOwnURL() async throws {
        try await LiveDirectory.run(seed: false) { live in
            let served = try await live.get("/openapi.yaml")
            #expect(served.status == .ok && served.headers[.contentType] == "application/yaml")
            let file = try String(contentsOf: Witness.packageRoot.appending(path: "Schemas/openapi.yaml"), encoding: .utf8)
            #expect(file.contains("servers:\n  - url: http://localhost:8080\n"))
            let expected = file.replacingOccurrences(
                of: "servers:\n  - url: http://localhost:8080\n", with: "servers:\n  - url: \"\(live.baseURL)\"\n")
            #expect(served.text == expected, "the served contract names this deployment's public URL, and is otherwise the file")
        }
    }

    /// Starts `registrar sandbox` as a newcomer does (in an empty folder, its data in `registrar-data`) and
    /// runs the README's quick-start block (between the `quick-start` markers) against it: public
    /// documents, an access token over mutual TLS, the SSA, a registration and reading the client back.
    @Test func readmeQuickStartRunsAgainstTheSandbox() async throws {
        let readme = try String(contentsOf: Witness.packageRoot.appending(path: "README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- quick-start -->"))
        let end = try #require(readme.range(of: "<!-- /quick-start -->"))
        let block = readme[start.upperBound..<end.lowerBound]
            .split(separator: "\n").filter { !$0.hasPrefix("```") }.joined(separator: "\n")
        try await SandboxProcess.run { sandbox in
            let script =
                "set -euo pipefail\n"
                + block.replacingOccurrences(of: "http://localhost:8080", with: "http://localhost:\(sandbox.port)")
                .replacingOccurrences(of: "https://localhost:8443", with: "https://localhost:\(sandbox.mutualTLSPort)")
            let result = try await Witness.run("/bin/bash", ["-c", script], directory: sandbox.folder)
            #expect(result.status == 0, "quick start failed:\n\(result.output)\n\(result.errors)\n\(sandbox.log)")
            #expect(result.output.contains("\"jwks_uri\""))
            #expect(result.output.contains("Sandbox Bank"))
            #expect(result.output.contains("\"software_id\""), "the quick start shows the SSA's claims")
            let client =
                try JSONSerialization.jsonObject(with: Data(contentsOf: sandbox.folder.appending(path: "client.json"))) as? [String: Any]
            let clientID = try #require(client?["client_id"] as? String, "registered: \(String(describing: client))")
            let lastLine = try #require(result.output.split(separator: "\n").last)
            let readBack = try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any]
            #expect(readBack?["client_id"] as? String == clientID, "the client read back with its registration access token")
            #expect(readBack?["registration_access_token"] == nil)
        }
    }

}
