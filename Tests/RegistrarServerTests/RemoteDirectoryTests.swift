import Foundation
import NIOCore
import NIOPosix
import OutboundFetch
import RegistrarServer
import Registration
import Testing

/// A registration endpoint that trusts another directory over the network: SSA keys, the software's
/// JWKS and the status list are fetched over real https from a second node, within the fetch policy.
@Suite(witnessesAvailable) struct RemoteDirectoryTests {
    typealias Registrar = RegistrationTests.Registrar

    /// Runs a registration node on the directory's store that knows the directory only by its URLs.
    static func withRegistrationNode(
        for registrar: Registrar, statusList: Bool = true, configure: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (Registrar) async throws -> Void
    ) async throws {
        let directory = registrar.client.live
        let tls = registrar.client.tls
        try await LiveDirectory.run(
            store: directory.runtime.store, seed: false, tls: (tls, .optional),
            configure: { configuration in
                configuration.remoteDirectories = [
                    RemoteDirectory(
                        issuer: directory.baseURL, jwksURL: "\(directory.baseURL)/jwks",
                        statusURL: statusList ? "\(directory.baseURL)/status/software-statements" : nil)
                ]
                configuration.fetchNonPublicAddresses = true
                configuration.fetchTrustRootsFile = tls.serverCA
                configure(&configuration)
            }
        ) { node in
            try await body(Registrar(client: registrar.client, server: node.baseURL))
        }
    }

    @Test func anSSAFromAnotherDirectoryRegistersWithKeysAndStatusFetchedOverHTTPS() async throws {
        try await RegistrationTests.run { registrar, ssa in
            try await Self.withRegistrationNode(for: registrar) { remote in
                #expect(remote.issuer != registrar.client.live.baseURL)
                let created = try await remote.register(remote.claims(ssa: ssa))
                #expect(created.status == 201, "\(created.body)")
                #expect((created.body["registration_client_uri"] as? String)?.hasPrefix(remote.issuer) == true)
                // The request JWT must name this node, not the directory.
                let misaddressed = try await remote.register(remote.claims(ssa: ssa, ["aud": registrar.client.live.baseURL]))
                #expect(misaddressed.status == 400 && "\(misaddressed.body)".contains("aud"), "\(misaddressed.body)")
            }
        }
    }

    @Test func fetchesOutsideThePolicyRefuseTheRegistrationWithTheReason() async throws {
        try await RegistrationTests.run { registrar, ssa in
            // Loopback is not a public address: refused unless the operator allows it.
            try await Self.withRegistrationNode(for: registrar, configure: { $0.fetchNonPublicAddresses = false }) { remote in
                let refused = try await remote.register(remote.claims(ssa: ssa))
                #expect(refused.status == 400 && refused.body["error"] as? String == "invalid_software_statement", "\(refused.body)")
                #expect("\(refused.body)".contains("not a public address"), "\(refused.body)")
            }
            // A certificate this node does not trust.
            try await Self.withRegistrationNode(for: registrar, configure: { $0.fetchTrustRootsFile = nil }) { remote in
                let refused = try await remote.register(remote.claims(ssa: ssa))
                #expect(refused.status == 400 && refused.body["error"] as? String == "invalid_software_statement", "\(refused.body)")
                #expect("\(refused.body)".contains("could not be fetched"), "\(refused.body)")
            }
            // An issuer nobody configured is unapproved, without any fetch.
            try await Self.withRegistrationNode(
                for: registrar,
                configure: {
                    $0.remoteDirectories[0].issuer = "https://some-other-directory.example"
                }
            ) { remote in
                let refused = try await remote.register(remote.claims(ssa: ssa))
                #expect(refused.status == 400 && refused.body["error"] as? String == "unapproved_software_statement", "\(refused.body)")
            }
        }
    }

    @Test func softwareTheRemoteStatusListDoesNotShowActiveIsUnapproved() async throws {
        try await RegistrationTests.run { registrar, ssa in
            let live = registrar.client.live
            let inactive = try await live.send(
                .put, "/organisations/\(registrar.client.organisation)/software-statements/\(registrar.client.software)/status",
                json: #"{"status":"Inactive"}"#, token: live.credentials.operatorToken)
            #expect(inactive.status == .ok)
            try await Self.withRegistrationNode(for: registrar) { remote in
                let refused = try await remote.register(remote.claims(ssa: ssa))
                #expect(refused.status == 400 && refused.body["error"] as? String == "unapproved_software_statement", "\(refused.body)")
            }
            // Without a status list, signature and freshness are what is checked.
            try await Self.withRegistrationNode(for: registrar, statusList: false) { remote in
                let created = try await remote.register(remote.claims(ssa: ssa))
                #expect(created.status == 201, "\(created.body)")
            }
        }
    }

    /// The fetcher itself against the directory's HTTPS listener and a server that never answers.
    @Test func theFetcherKeepsToSizeTimeStatusAndCertificate() async throws {
        try await AccessTokenTests.Client.run { client in
            let tls = client.tls
            let base = client.live.baseURL
            let allowed = FetchPolicy(allowedHosts: ["127.0.0.1"], allowNonPublicAddresses: true, trustRootsFile: tls.serverCA)
            let jwks = try await OutboundFetcher(policy: allowed).get("\(base)/jwks")
            #expect((try JSONSerialization.jsonObject(with: jwks) as? [String: Any])?["keys"] != nil)

            var small = allowed
            small.maximumBytes = 64
            await #expect(throws: FetchFailure.tooLarge(url: "\(base)/jwks", limit: 64)) {
                try await OutboundFetcher(policy: small).get("\(base)/jwks")
            }
            await #expect(throws: FetchFailure.status(url: "\(base)/nothing-here", code: 404)) {
                try await OutboundFetcher(policy: allowed).get("\(base)/nothing-here")
            }
            var publicOnly = allowed
            publicOnly.allowNonPublicAddresses = false
            await #expect(throws: FetchFailure.addressNotPublic(host: "127.0.0.1", address: "127.0.0.1")) {
                try await OutboundFetcher(policy: publicOnly).get("\(base)/jwks")
            }
            var systemRoots = allowed
            systemRoots.trustRootsFile = nil
            do {
                _ = try await OutboundFetcher(policy: systemRoots).get("\(base)/jwks")
                Issue.record("a certificate from an untrusted CA was accepted")
            } catch let failure as FetchFailure {
                guard case .connection = failure else { return #expect(Bool(false), "\(failure)") }
            }

            // A server that accepts the connection and never says anything.
            let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
            defer { silent.close(promise: nil) }
            var impatient = allowed
            impatient.timeout = .milliseconds(300)
            let url = "https://127.0.0.1:\(silent.localAddress?.port ?? 0)/jwks"
            let started = ContinuousClock.now
            await #expect(throws: FetchFailure.timedOut(url: url, after: .milliseconds(300))) {
                try await OutboundFetcher(policy: impatient).get(url)
            }
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }

    /// Unknown kids refetch a cached JWKS at most once per refresh interval.
    @Test func anUnknownKIDRefetchesAtMostOncePerInterval() async throws {
        try await AccessTokenTests.Client.run { client in
            let policy = FetchPolicy(allowedHosts: ["127.0.0.1"], allowNonPublicAddresses: true, trustRootsFile: client.tls.serverCA)
            let timing = FetchedDocumentTiming(lifetime: .seconds(300), refreshInterval: .seconds(3))
            let cache = RemoteDocumentCache.keySets(fetcher: try OutboundFetcher(policy: policy), timing: timing)
            let url = "\(client.live.baseURL)/jwks"
            let known = try await cache.keys(at: url, kid: nil)
            #expect(!known.isEmpty)
            #expect(try await cache.keys(at: url, kid: known[0].kid) == [known[0]])
            #expect(try await cache.keys(at: url, kid: "no-such-kid").isEmpty)
            #expect(await cache.fetchCount == 1, "served from the cache; the unknown kid waits for the refresh interval")
            try await Task.sleep(for: .milliseconds(3100))
            for _ in 0..<20 { _ = try await cache.keys(at: url, kid: "no-such-kid") }
            #expect(await cache.fetchCount == 2, "one refetch for the unknown kid, then the rate limit again")
            async let concurrent = withThrowingTaskGroup(of: Int.self) { group in
                let fresh = RemoteDocumentCache.keySets(fetcher: try OutboundFetcher(policy: policy))
                for _ in 0..<8 { group.addTask { try await fresh.keys(at: url, kid: nil).count } }
                _ = try await group.reduce(0, +)
                return await fresh.fetchCount
            }
            #expect(try await concurrent == 1, "concurrent misses share one fetch")
        }
    }
}
