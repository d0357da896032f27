import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys
import Synchronization

/// Public discovery: OpenID configuration, the directory JWKS, the OpenAPI contract, health.
enum DiscoveryRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let configuration = runtime.configuration
        let maxAge = configuration.cacheMaxAge

        routes.add(.get, "/.well-known/openid-configuration") { request, _ in
            let document = try await runtime.documents.document(
                for: request, revision: runtime.currentRevision, contentType: "application/json"
            ) {
                try JOSEJSON.encoder.encode(DirectoryDiscovery(configuration: configuration))
            }
            return ConditionalResponse.make(document, for: request, maxAge: maxAge)
        }

        routes.add(.get, "/jwks") { request, _ in
            let document = try await runtime.documents.document(
                for: request, revision: runtime.currentRevision, contentType: "application/jwk-set+json"
            ) {
                try await runtime.keyring.publishedJWKS().encoded()
            }
            return ConditionalResponse.make(document, for: request, maxAge: maxAge)
        }

        routes.add(.get, "/openapi.yaml") { request, _ in
            let document = try await runtime.documents.document(
                for: request, revision: runtime.currentRevision, contentType: "application/yaml"
            ) {
                guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "Resources"),
                    let bytes = try? Data(contentsOf: url)
                else { throw DirectoryError.notFound("the OpenAPI document is not bundled with this build") }
                return OpenAPIDocument.servedAt(configuration.publicURL, bytes)
            }
            return ConditionalResponse.make(document, for: request, maxAge: maxAge)
        }

        routes.add(.get, "/metrics") { _, context in
            try context.requireCaller().requireMetricsAccess()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            headers[.cacheControl] = "no-store"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: RegistrarMetrics.registry.emitToBuffer())))
        }

        // Liveness: the process answers. It never waits on the store, so an orchestrator does not restart
        // nodes because the database is away.
        routes.add(.get, "/health") { _, _ in
            try HTTPExchange.json(["status": "ok"])
        }

        // Readiness: the store answers within two seconds; a load balancer takes the node out otherwise.
        routes.add(.get, "/ready") { _, _ in
            guard await StoreProbe.answers(runtime.store, within: .seconds(2)) else {
                var headers = HTTPFields()
                headers[.retryAfter] = "5"
                return Problem(
                    status: .serviceUnavailable, code: "store_unavailable", detail: "the directory's store did not answer within 2 seconds",
                    instance: "/ready"
                ).response(extraHeaders: headers)
            }
            return try HTTPExchange.json(["status": "ready"])
        }
    }
}

/// Asks the store for its revision without waiting longer than a bound: the question runs in a task of
/// its own, so a store that hangs (a database behind a dead connection) holds that task, not the caller.
enum StoreProbe {
    static func answers(_ store: any DirectoryStore, within limit: Duration) async -> Bool {
        let verdict = Verdict()
        return await withCheckedContinuation { continuation in
            verdict.set(continuation)
            let question = Task { verdict.resolve((try? await store.currentRevision()) != nil) }
            Task {
                try? await Task.sleep(for: limit)
                question.cancel()
                verdict.resolve(false)
            }
        }
    }

    /// The first answer wins; later ones are dropped.
    private final class Verdict: Sendable {
        private let state = Mutex<(CheckedContinuation<Bool, Never>?, Bool?)>((nil, nil))

        func set(_ continuation: CheckedContinuation<Bool, Never>) {
            let early = state.withLock { value -> Bool? in
                if let answer = value.1 { return answer }
                value.0 = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }

        func resolve(_ answer: Bool) {
            let waiting = state.withLock { value -> CheckedContinuation<Bool, Never>? in
                guard value.1 == nil else { return nil }
                value.1 = answer
                defer { value.0 = nil }
                return value.0
            }
            waiting?.resume(returning: answer)
        }
    }
}

/// The bundled contract names `http://localhost:8080` as its server; the served copy names this
/// deployment's public URL, so that generated clients and API explorers call the right host.
enum OpenAPIDocument {
    static let bundledServer = "servers:\n  - url: http://localhost:8080\n"

    static func servedAt(_ publicURL: String, _ bytes: Data) -> Data {
        let text = String(decoding: bytes, as: UTF8.self)
        // The URL goes in as a YAML double-quoted scalar: JSON string escaping is valid there.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let quoted = String(decoding: (try? encoder.encode(publicURL)) ?? Data("\"\"".utf8), as: UTF8.self)
        return Data(text.replacingOccurrences(of: bundledServer, with: "servers:\n  - url: \(quoted)\n").utf8)
    }
}

/// The directory's OpenID-style discovery document.
struct DirectoryDiscovery: Codable {
    var issuer: String
    var jwks_uri: String
    var software_statement_issuer: String
    var software_statement_profile: String
    var software_statement_signing_alg_values_supported: [String]
    var participants_endpoint: String
    var organisation_status_endpoint: String
    var software_statement_status_endpoint: String
    var service_documentation: String
    // RFC 8414 metadata of the directory's own OAuth server (POST /token).
    var token_endpoint: String
    var grant_types_supported = ["client_credentials"]
    var token_endpoint_auth_methods_supported = ["private_key_jwt"]
    var token_endpoint_auth_signing_alg_values_supported = SigningAlgorithm.allCases.map(\.rawValue)
    var tls_client_certificate_bound_access_tokens = true
    // RFC 8414 requires these; they are what the registration role accepts for the clients it registers.
    var response_types_supported = ["code", "code id_token"]
    var subject_types_supported = ["public"]
    var scopes_supported = DirectoryScope.allCases.map(\.rawValue)
    // RFC 7591 registration role of this deployment.
    var registration_endpoint: String
    var registration_profile: String
    var id_token_signing_alg_values_supported = SigningAlgorithm.allCases.map(\.rawValue)
    var request_object_signing_alg_values_supported = SigningAlgorithm.allCases.map(\.rawValue)
    var tls_client_auth_subject_dn_supported = true
    /// RFC 8705 §5: the endpoints that need a client certificate, where they take one (the mutual-TLS
    /// listener, or this one).
    var mtls_endpoint_aliases: [String: String]

    init(configuration: ServerConfiguration) {
        let base = configuration.keystore.baseURL
        issuer = base
        jwks_uri = configuration.keystore.directoryJWKS
        software_statement_issuer = configuration.resolvedSSAIssuer
        software_statement_profile = configuration.profile.rawValue
        software_statement_signing_alg_values_supported = SigningAlgorithm.allCases.map(\.rawValue)
        participants_endpoint = "\(base)/participants"
        organisation_status_endpoint = "\(base)/status/organisations"
        software_statement_status_endpoint = "\(base)/status/software-statements"
        service_documentation = "\(base)/openapi.yaml"
        token_endpoint = configuration.tokenSettings.tokenEndpoint
        let registration = configuration.registrationSettings
        registration_endpoint = registration.registrationEndpoint
        registration_profile = registration.profile.name.rawValue
        mtls_endpoint_aliases = ["token_endpoint": token_endpoint, "registration_endpoint": registration_endpoint]
    }
}
