import ArgumentParser
import ChildProcess
import Directory
import Foundation
import Hummingbird
import Keys
import Logging
import RegistrarServer
import Registration
import ServiceLifecycle
import Storage
import Synchronization

/// Registrations per second through `POST /register` with every fapi-obie check on, against the
/// Authlib peer (`../shared/peers/authlib-dcr`) measured in the same run, rounds alternating.
///
/// Registrar's side: a request JWT (PS256 as in the published UK sample, or ES256; a distinct `jti`
/// each) signed by a key of the software's JWKS, carrying a PS256 SSA from the directory; the software's transport certificate in an RFC 9440
/// `Client-Cert` header from a trusted proxy (so wrk can send it), validated against the transport
/// anchors on every request; the client, its registration token, the audit event and the `jti` written
/// to SQLite with `synchronous = FULL`. The peer verifies an SSA in a JSON body and keeps clients in
/// memory (its README). Target (issue #4): ≥ 4 × the peer's registrations/s, p99 ≤ 25 ms at 32 connections.
struct DCRBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcr", abstract: "POST /register with every check (fapi-obie) vs the Authlib DCR peer (wrk).")

    @Option(help: "Seconds per measurement.") var duration = 10
    @Option(help: "Concurrent connections.") var connections = 32
    @Option(help: "wrk threads.") var threads = 1
    @Option(help: "Rounds: Registrar and the peer alternate; medians are compared.") var rounds = 3
    @Option(help: "Distinct request JWTs minted per Registrar round (each jti is good once; more than a round can send).")
    var pool = 120_000
    @Option(help: "The Authlib peer's folder.") var peer = "../shared/peers/authlib-dcr"
    @Option(help: "A Python with authlib, flask, gunicorn, requests and jwcrypto (see the peer's README).")
    var peerPython = ".venv-peer/bin/python"
    @Flag(help: "Measure Registrar only.") var skipPeer = false
    @Flag(
        help:
            "Registrar's threads on core 0 and wrk on core 1, the peer skipped: a steadier server CPU per registration for comparing changes."
    )
    var oneCore = false
    @Option(help: "The request JWTs' algorithm: PS256 (the UK sample request's) or ES256 (a P-256 verify costs three RSA ones).")
    var requestSigning = "PS256"

    func run() async throws {
        guard let algorithm = SigningAlgorithm(rawValue: requestSigning) else {
            throw ValidationError("--request-signing is PS256 or ES256, not \(requestSigning)")
        }
        guard let wrk = ChildProcess.locate("wrk") else { throw ValidationError("wrk is not installed (apt-get install wrk)") }
        try await BenchServer.run(configure: { $0.trustedProxies = try TrustedProxies(parsing: "127.0.0.1") }) { server in
            let software = try await RegisteringSoftware.prepare(
                runtime: server.runtime, credentials: server.credentials, signing: algorithm)
            try await measure(wrk: wrk, base: server.base, software: software, folder: server.folder)
            let clients = try await server.store.rows(in: .registeredClients, ownerID: nil).count
            print("clients stored by Registrar during the run: \(clients)")
        }
    }

    func measure(wrk: String, base: String, software: RegisteringSoftware, folder: URL) async throws {
        let load = LoadGenerator(wrk: wrk, duration: duration, connections: connections, threads: threads)
        print(
            "registrar-bench dcr: \(ProcessInfo.processInfo.activeProcessorCount) cores, wrk -t\(threads) -c\(connections) -d\(duration)s, "
                + "loopback, release build: \(isReleaseBuild), request JWTs \(software.key.algorithm.rawValue)")
        let authlib = skipPeer || oneCore ? nil : try await AuthlibPeer.start(folder: peer, python: peerPython, scratch: folder)
        defer { authlib?.stop() }

        var ours: [LoadGenerator.Figures] = []
        var theirs: [LoadGenerator.Figures] = []
        for round in 1...max(1, rounds) {
            let bodies = folder.appending(path: "registrar-round-\(round).txt")
            try software.mintRequests(count: pool, audience: base).joined(separator: "\n").write(
                to: bodies, atomically: true, encoding: .utf8)
            let script = try BodyScript.write(
                in: folder, name: "registrar-round-\(round)", bodies: bodies, contentType: "application/jwt", threads: threads)
            ours.append(
                try await load.run(
                    url: "\(base)/register", headers: ["Client-Cert: \(software.clientCertHeader)"], script: script, separateCores: oneCore)
            )
            if let authlib {
                theirs.append(try await load.run(url: authlib.registerURL, script: authlib.script))
            }
            print(
                "round \(round): registrar \(format(ours.last!.requestsPerSecond, width: 0)) reg/s (p99 \(format(ours.last!.p99Milliseconds, width: 0, decimals: 2)) ms, "
                    + "\(format(ours.last!.coresUsed / ours.last!.requestsPerSecond * 1e6, width: 0)) µs of server CPU each)"
                    + (theirs.last.map {
                        "; authlib \(format($0.requestsPerSecond, width: 0)) reg/s (p99 \(format($0.p99Milliseconds, width: 0, decimals: 2)) ms)"
                    } ?? ""))
            try? FileManager.default.removeItem(at: bodies)
        }
        let registrar = LoadGenerator.median(ours)
        print("")
        print("medians of \(rounds) interleaved rounds, every response 201:")
        print(
            "registrar: \(format(registrar.requestsPerSecond, width: 0)) registrations/s, p99 \(format(registrar.p99Milliseconds, width: 0, decimals: 2)) ms "
                + "(target ≤ 25 ms: \(registrar.p99Milliseconds <= 25 ? "met" : "NOT MET")), server used \(format(registrar.coresUsed, width: 0, decimals: 2)) cores"
        )
        if !theirs.isEmpty {
            let peer = LoadGenerator.median(theirs)
            let ratio = registrar.requestsPerSecond / peer.requestsPerSecond
            print(
                "authlib peer: \(format(peer.requestsPerSecond, width: 0)) registrations/s, p99 \(format(peer.p99Milliseconds, width: 0, decimals: 2)) ms"
            )
            print("ratio: \(format(ratio, width: 0, decimals: 2)) × the peer (target ≥ 4: \(ratio >= 4 ? "met" : "NOT MET"))")
        }
        print(
            oneCore
                ? "note: Registrar on core 0, wrk on core 1; the p99 target is for the shared cores"
                : "note: wrk, the server under test and the peer's workers share the same cores")
    }
}

/// The sandbox software, made ready to register: a transport certificate from the directory CA, a
/// signing key in its JWKS, and an SSA.
struct RegisteringSoftware {
    let id: String
    let key: SigningKey
    let ssa: String
    let clientCertHeader: String

    static func prepare(runtime: DirectoryRuntime, credentials: SandboxSeed.Credentials, signing: SigningAlgorithm) async throws
        -> RegisteringSoftware
    {
        let (organisationID, softwareID) = (credentials.providerOrganisationID, credentials.softwareStatementID)
        let openssl = try OpenSSLCommand()
        let csr = try await openssl.makeCSR(name: "transport", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        let issued = try await runtime.certificates.issue(
            csrPEM: csr, purpose: .transport, softwareID: softwareID, organisationID: organisationID, by: .system)
        let der = issued.certificatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let key = try SigningKey.generate(signing)
        _ = try await runtime.directory.addKey(
            try JOSEJSON.encoder.encode(key.publicJWK), to: .software(organisationID: organisationID, softwareID: softwareID), by: .system)
        let ssa = try await runtime.issueAssertion(softwareID: softwareID, organisationID: organisationID, for: .system)
        return RegisteringSoftware(id: softwareID, key: key, ssa: ssa, clientCertHeader: ":\(der):")
    }

    /// Request JWTs as a UK TPP sends them, each with its own jti; signed on every core.
    func mintRequests(count: Int, audience: String) throws -> [String] {
        let now = Int(Date().timeIntervalSince1970)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let slices = (0..<cores).map { core in stride(from: core, to: count, by: cores) }
        let results = Mutex<[Int: Result<[String], any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: cores) { core in
            let minted = Result { try slices[core].map { _ in try mint(now: now, audience: audience) } }
            results.withLock { $0[core] = minted }
        }
        return try results.withLock { all in try (0..<cores).flatMap { try all[$0]!.get() } }
    }

    func mint(now: Int, audience: String) throws -> String {
        let claims = RegistrationRequestTemplate.requestClaims(softwareID: id, ssa: ssa, audience: audience, now: now, lifetime: 3600)
        return try CompactJWS.signJWT(payload: try JSONSerialization.data(withJSONObject: claims), with: key)
    }
}

/// A wrk script that POSTs the lines of a file, each once per pass, threads taking alternate lines.
enum BodyScript {
    static func write(in folder: URL, name: String, bodies: URL, contentType: String, threads: Int) throws -> String {
        let script = """
            local bodies, index = {}, 0
            local next_thread = 0
            function setup(thread) thread:set("offset", next_thread); next_thread = next_thread + 1 end
            function init(args)
              local n = 0
              for line in io.lines("\(bodies.path)") do
                if n % \(max(1, threads)) == offset then bodies[#bodies + 1] = line end
                n = n + 1
              end
            end
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "\(contentType)"
            function request()
              index = index % #bodies + 1
              return wrk.format(nil, nil, nil, bodies[index])
            end
            """
        let file = folder.appending(path: "\(name).lua")
        try script.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// The Authlib peer under gunicorn on a loopback port, with request bodies minted by its own tool.
struct AuthlibPeer {
    let process: Process
    let registerURL: String
    let script: String

    static func start(folder: String, python: String, scratch: URL) async throws -> AuthlibPeer {
        let peer = URL(fileURLWithPath: folder).standardizedFileURL
        guard FileManager.default.fileExists(atPath: peer.appending(path: "peer_authlib_dcr.py").path) else {
            throw ValidationError("no Authlib peer at \(peer.path); pass --peer or --skip-peer")
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ValidationError(
                "no Python at \(python); make one: python3 -m venv .venv-peer && .venv-peer/bin/pip install authlib flask gunicorn requests jwcrypto joserfc"
            )
        }
        let keys = scratch.appending(path: "peer-keys")
        let (process, base) = try await ServerProcess.start(
            { port in
                try await ChildProcess.start(
                    python,
                    [
                        peer.appending(path: "peer_authlib_dcr.py").path, "--port", String(port), "--jwks",
                        keys.appending(path: "ssa_issuer.jwks.json").path,
                    ])
            }, answering: "/healthz", failure: "the Authlib peer did not start")
        let server = AuthlibPeer(process: process, registerURL: "\(base)/register", script: peer.appending(path: "wrk_dcr.lua").path)
        do {
            return try await server.withBodies(python: python, peer: peer, keys: keys, scratch: scratch)
        } catch {
            server.stop()
            throw error
        }
    }

    /// Mints the peer's pool of JSON bodies (distinct SSAs) and points wrk_dcr.lua at them.
    func withBodies(python: String, peer: URL, keys: URL, scratch: URL) async throws -> AuthlibPeer {
        let bodies = scratch.appending(path: "peer-bodies.ndjson")
        let made = try await ChildProcess.run(
            python,
            [
                peer.appending(path: "load_dcr.py").path, "--url", registerURL, "--private-jwk",
                keys.appending(path: "ssa_issuer.private.jwk.json").path, "--make-wrk-bodies", bodies.path, "--pool", "1024",
            ])
        guard made.status == 0 else { throw ValidationError("the peer's bodies could not be made: \(made.errors)") }
        // wrk_dcr.lua reads DCR_BODIES from its environment; a copy with the path written in runs anywhere.
        let original = try String(contentsOfFile: script, encoding: .utf8)
        let localised = original.replacingOccurrences(of: #"os.getenv("DCR_BODIES") or "dcr_bodies.ndjson""#, with: "\"\(bodies.path)\"")
        let copy = scratch.appending(path: "wrk_dcr.lua")
        try localised.write(to: copy, atomically: true, encoding: .utf8)
        return AuthlibPeer(process: process, registerURL: registerURL, script: copy.path)
    }

    func stop() { ServerProcess.stop(process) }
}
