import ChildProcess
import Foundation
import Testing

/// `registrar sandbox` started as a newcomer starts it: in an empty folder, its data in
/// `registrar-data`, on two free ports; stopped when `body` ends.
struct SandboxProcess {
    let folder: URL
    let port: Int
    let mutualTLSPort: Int

    var data: URL { folder.appending(path: "registrar-data") }
    var log: String { (try? String(contentsOf: folder.appending(path: "sandbox.log"), encoding: .utf8)) ?? "no log" }

    static func run(
        in folder: URL? = nil, arguments: [String] = [], _ body: (SandboxProcess) async throws -> Void
    ) async throws {
        let folder = try folder ?? TestStores.temporaryFolder()
        let sandbox = SandboxProcess(folder: folder, port: try FreePort.loopback(), mutualTLSPort: try FreePort.loopback())
        let process = try await ChildProcess.start(
            "/bin/bash",
            [
                "-c", #"cd "$1" && shift && exec "$0" sandbox --data registrar-data "$@" >> sandbox.log 2>&1"#,
                Witness.registrarBinary, folder.path, "--port", String(sandbox.port), "--mtls-port", String(sandbox.mutualTLSPort),
            ] + arguments)
        defer { process.terminate() }
        try await sandbox.waitForListeners()
        try await body(sandbox)
        process.terminate()
        process.waitUntilExit()
    }

    /// Until both ports answer: the HTTP one `/health`, the HTTPS one a TLS handshake.
    private func waitForListeners() async throws {
        for _ in 0..<300 {
            let health = try await Witness.run(
                "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/health"])
            let handshake = try await Witness.run("/usr/bin/curl", ["-sk", "-o", "/dev/null", "https://127.0.0.1:\(mutualTLSPort)/health"])
            if health.output == "200" && handshake.status == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the sandbox did not listen: \(log)")
        throw CancellationError()
    }

    /// Runs a bash script in the sandbox's folder after `source registrar-data/sandbox.env`.
    func script(_ text: String) async throws -> Witness.Result {
        try await Witness.run("/bin/bash", ["-c", "set -euo pipefail\nsource registrar-data/sandbox.env\n" + text], directory: folder)
    }
}
