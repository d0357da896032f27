import ArgumentParser
import ChildProcess
import Directory
import Foundation
import Hummingbird
import Keys
import Logging
import RegistrarServer
import ServiceLifecycle
import Storage

/// Benchmarks of the hot paths, each beside a reference measured in the same run (`http` by default, `pki`, `dcr`),
/// and the console's pages at ecosystem scale (`console`).
@main
struct RegistrarBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registrar-bench", abstract: "Benchmark Registrar's hot paths against nginx and OpenSSL (run with -c release).",
        subcommands: [HTTPBenchmark.self, PKIBenchmark.self, DCRBenchmark.self, ConsoleBenchmark.self],
        defaultSubcommand: HTTPBenchmark.self)
}

/// Measures the HTTP hot paths against references on the same machine, in one run:
/// - JWKS and participants served by Registrar vs the same bytes served by nginx as static files (wrk);
/// - PS256 SSA issuance over HTTP vs `openssl speed rsa2048` signatures/s.
/// Targets (issue #2): JWKS ≥ 0.75 × nginx; SSA issuance ≥ 0.8 × OpenSSL's sign rate per core used.
struct HTTPBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http", abstract: "JWKS/participants vs nginx (wrk), SSA issuance vs openssl speed.")

    @Option(help: "Seconds per measurement.") var duration = 10
    @Option(help: "Concurrent connections.") var connections = 32
    @Option(help: "wrk threads.") var threads = 2
    @Flag(help: "Skip the nginx comparison.") var skipNginx = false
    @Option(
        help: "Rounds per document: Registrar and nginx alternate, and medians are compared, so drift on a shared machine hits both alike.")
    var rounds = 3

    func run() async throws {
        guard let wrk = ChildProcess.locate("wrk") else { throw ValidationError("wrk is not installed (apt-get install wrk)") }
        try await BenchServer.run(
            prepare: { server in
                for index in 0..<50 {
                    // A participants document of realistic size: 50 more banks with a server each.
                    let bank = try await server.runtime.directory.createOrganisation(
                        NewOrganisation(legalName: "Bank \(index)", country: "GB"), by: .system)
                    _ = try await server.runtime.directory.createAuthorisationServer(
                        in: bank.id,
                        NewAuthorisationServer(
                            issuer: "https://as\(index).bank.example",
                            openIDDiscoveryDocument: "https://as\(index).bank.example/.well-known/openid-configuration",
                            customerFriendlyName: "Bank \(index)",
                            apiResources: [
                                NewAPIResource(
                                    apiFamilyType: "accounts", apiVersion: "3.1.11",
                                    apiDiscoveryEndpoints: ["https://api\(index).bank.example/aisp"])
                            ]),
                        by: .system)
                }
            }
        ) { server in
            try await measure(wrk: wrk, base: server.base, credentials: server.credentials, folder: server.folder)
        }
    }

    func measure(wrk: String, base: String, credentials: SandboxSeed.Credentials, folder: URL) async throws {
        let load = LoadGenerator(wrk: wrk, duration: duration, connections: connections, threads: threads)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print(
            "registrar-bench: \(cores) cores, wrk -t\(threads) -c\(connections) -d\(duration)s, loopback, release build: \(isReleaseBuild)")

        var nginx: StaticFileServer?
        if !skipNginx {
            nginx = try await StaticFileServer.start(
                serving: ["jwks.json": try await fetch("\(base)/jwks"), "participants.json": try await fetch("\(base)/participants")],
                in: folder)
        }
        defer { nginx?.stop() }

        var rows: [(String, LoadGenerator.Figures, LoadGenerator.Figures?)] = []
        for (label, path, file) in [("JWKS", "/jwks", "jwks.json"), ("participants", "/participants", "participants.json")] {
            var ours: [LoadGenerator.Figures] = [], theirs: [LoadGenerator.Figures] = []
            for _ in 0..<max(1, rounds) {
                ours.append(try await load.run(url: base + path))
                if let nginx { theirs.append(try await load.run(url: "\(nginx.base)/\(file)")) }
            }
            print(
                "\(label): registrar \(ours.map { format($0.requestsPerSecond, width: 0) }.joined(separator: ", ")); "
                    + "nginx \(theirs.map { format($0.requestsPerSecond, width: 0) }.joined(separator: ", ")) req/s")
            rows.append((label, LoadGenerator.median(ours), theirs.isEmpty ? nil : LoadGenerator.median(theirs)))
        }
        let ssaPath =
            "/organisations/\(credentials.providerOrganisationID)/software-statements/\(credentials.softwareStatementID)/assertion"
        let ssa = try await load.run(url: base + ssaPath, headers: ["Authorization: Bearer \(credentials.providerToken)"])
        let ssaSeparate =
            cores > 1
            ? try await load.run(url: base + ssaPath, headers: ["Authorization: Bearer \(credentials.providerToken)"], separateCores: true)
            : nil
        let openssl = try await OpenSSLSpeed.rsa2048SignaturesPerSecond(seconds: max(3, duration / 2))
        let inProcess = try SigningRate.measure(threads: 1, seconds: 3)
        let inProcessParallel = try SigningRate.measure(threads: cores, seconds: 3)

        print("")
        print("medians of \(rounds) interleaved rounds:")
        print("document        registrar req/s   p99 ms   nginx req/s   ratio   target")
        for (label, ours, reference) in rows {
            let ratio = reference.map { ours.requestsPerSecond / $0.requestsPerSecond }
            print(
                label.padding(toLength: 16, withPad: " ", startingAt: 0) + format(ours.requestsPerSecond, width: 17)
                    + format(ours.p99Milliseconds, width: 9, decimals: 2)
                    + format(reference?.requestsPerSecond ?? .nan, width: 14) + format(ratio ?? .nan, width: 8, decimals: 2)
                    + (label == "JWKS" ? "   ≥ 0.75 \(ratio.map { $0 >= 0.75 ? "met" : "NOT MET" } ?? "")" : ""))
        }
        let perCoreUsed = ssa.requestsPerSecond / ssa.coresUsed
        let ssaRatio = perCoreUsed / openssl
        print("")
        print(
            "SSA issuance over HTTP (PS256): \(format(ssa.requestsPerSecond, width: 0)) req/s, p99 \(format(ssa.p99Milliseconds, width: 0, decimals: 2)) ms, "
                + "server used \(format(ssa.coresUsed, width: 0, decimals: 2)) cores → \(format(perCoreUsed, width: 0)) SSAs/s per core")
        if let ssaSeparate {
            print(
                "  server on core 0, wrk on core 1: \(format(ssaSeparate.requestsPerSecond, width: 0)) req/s, p99 \(format(ssaSeparate.p99Milliseconds, width: 0, decimals: 2)) ms, "
                    + "server used \(format(ssaSeparate.coresUsed, width: 0, decimals: 2)) cores → \(format(ssaSeparate.requestsPerSecond / ssaSeparate.coresUsed, width: 0)) SSAs/s per core "
                    + "(\(format(ssaSeparate.requestsPerSecond / ssaSeparate.coresUsed / openssl, width: 0, decimals: 2)) of OpenSSL)")
        }
        print("openssl speed rsa2048: \(format(openssl, width: 0)) sign/s on one core")
        print(
            "Registrar PS256 signer (OpenSSL) in process, no HTTP: \(format(inProcess, width: 0)) sign/s on one thread, \(format(inProcessParallel, width: 0)) on \(cores)"
        )
        print(
            "ratio: \(format(ssaRatio, width: 0, decimals: 2)) of OpenSSL's sign rate per core used (target ≥ 0.8: \(ssaRatio >= 0.8 ? "met" : "NOT MET"))"
        )
        print("note: wrk shares the same \(cores) cores with the server under test, for Registrar and nginx alike")
    }

    func fetch(_ url: String) async throws -> Data {
        guard let curl = ChildProcess.locate("curl") else { throw ValidationError("curl is not installed") }
        let result = try await ChildProcess.run(curl, ["-sf", url])
        guard result.status == 0 else { throw ValidationError("cannot fetch \(url)") }
        return Data(result.output.utf8)
    }

}

var isReleaseBuild: Bool {
    #if DEBUG
        false
    #else
        true
    #endif
}

func format(_ value: Double, width: Int, decimals: Int = 0) -> String {
    let text = value.isNaN ? "-" : String(format: "%.\(decimals)f", value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}
