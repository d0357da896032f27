import ArgumentParser
import ChildProcess
import Directory
import Foundation

/// The public participant browser at ecosystem scale (issue #17): 10,000 participants, a tenth of them
/// with an authorisation server, then wrk against one participant's page, the first page of the list,
/// one search asked again and again (served from the per-revision cache), and a different search on
/// every request (each one a miss: a pass over every participant, then the page written).
struct ConsoleBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "Console pages at 10,000 participants: one participant, the list, searches (wrk).")

    @Option(help: "Participants to create.") var organisations = 10_000
    @Option(help: "Seconds per measurement.") var duration = 10
    @Option(help: "Concurrent connections.") var connections = 32
    @Option(help: "wrk threads.") var threads = 2

    func run() async throws {
        guard let wrk = ChildProcess.locate("wrk") else { throw ValidationError("wrk is not installed (apt-get install wrk)") }
        try await BenchServer.run(
            prepare: { server in
                let started = ContinuousClock.now
                for index in 0..<organisations {
                    let organisation = try await server.runtime.directory.createOrganisation(
                        NewOrganisation(
                            legalName: "Participant \(index) Ltd", registrationNumber: "R\(index)", country: index % 2 == 0 ? "GB" : "BR"),
                        by: .system)
                    guard index % 10 == 0 else { continue }
                    _ = try await server.runtime.directory.createAuthorisationServer(
                        in: organisation.id,
                        NewAuthorisationServer(
                            issuer: "https://as\(index).bank.example",
                            openIDDiscoveryDocument: "https://as\(index).bank.example/.well-known/openid-configuration",
                            customerFriendlyName: "Bank \(index) Online"), by: .system)
                }
                print("registrar-bench: \(organisations) participants created in \(ContinuousClock.now - started)")
            }
        ) { server in
            let load = LoadGenerator(wrk: wrk, duration: duration, connections: connections, threads: threads)
            let someone = try require(try await server.runtime.directory.organisations().last)
            let script = server.folder.appending(path: "new-search.lua")
            // Every request a question not asked before: "ltd" matches everyone, the number almost no one.
            try Data(
                """
                request = function()
                  return wrk.format("GET", "/console?q=ltd%20" .. math.random(1, 1000000000))
                end
                """.utf8
            ).write(to: script)
            print(
                "registrar-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, wrk -t\(threads) -c\(connections) -d\(duration)s, "
                    + "loopback, release build: \(isReleaseBuild)")
            print("page                                         req/s   p99 ms")
            for (label, path, lua) in [
                ("one participant's page", "/console/participants/\(someone.id)", nil),
                ("the list, first page (50 of all)", "/console", nil),
                ("one search, asked again (cached)", "/console?q=participant%2012", nil),
                ("a new search on every request", "/console", script.path),
            ] {
                let figures = try await load.run(url: server.base + path, script: lua)
                print(
                    label.padding(toLength: 40, withPad: " ", startingAt: 0) + format(figures.requestsPerSecond, width: 11)
                        + format(figures.p99Milliseconds, width: 9, decimals: 2))
            }
        }
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw ValidationError("the benchmark found no participant") }
    return value
}
