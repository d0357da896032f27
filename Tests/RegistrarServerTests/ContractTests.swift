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

    /// Runs the README's quick-start block (between the `quick-start` markers) against a live sandbox.
    @Test func readmeQuickStartCommandsWork() async throws {
        let readme = try String(contentsOf: Witness.packageRoot.appending(path: "README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- quick-start -->"))
        let end = try #require(readme.range(of: "<!-- /quick-start -->"))
        let block = readme[start.upperBound..<end.lowerBound]
            .split(separator: "\n").filter { !$0.hasPrefix("```") }.joined(separator: "\n")
        try await LiveDirectory.run { live in
            let folder = try TestStores.temporaryFolder()
            try FileManager.default.createDirectory(at: folder.appending(path: "registrar-data"), withIntermediateDirectories: true)
            try live.credentials.environmentFile.write(
                to: folder.appending(path: "registrar-data/sandbox.env"), atomically: true, encoding: .utf8)
            let script = "set -euo pipefail\n" + block.replacingOccurrences(of: "http://localhost:8080", with: live.baseURL)
            let result = try await Witness.run("/bin/bash", ["-c", script], directory: folder)
            #expect(result.status == 0, "quick start failed:\n\(result.output)\n\(result.errors)")
            #expect(result.output.contains("\"jwks_uri\""))
            #expect(result.output.contains("Sandbox Bank"))
            #expect(result.output.contains("\"software_id\""), "the quick start shows the SSA's claims")
        }
    }
}
