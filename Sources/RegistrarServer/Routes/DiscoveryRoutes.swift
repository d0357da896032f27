import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys

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
                return bytes
            }
            return ConditionalResponse.make(document, for: request, maxAge: maxAge)
        }

        routes.add(.get, "/metrics") { _, context in
            _ = try context.requireOperator()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            headers[.cacheControl] = "no-store"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: RegistrarMetrics.registry.emitToBuffer())))
        }

        routes.add(.get, "/health") { _, _ in
            _ = try await runtime.store.currentRevision()
            return try HTTPExchange.json(["status": "ok"])
        }
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
    var scopes_supported = DirectoryScope.allCases.map(\.rawValue)
    // RFC 7591 registration role of this deployment.
    var registration_endpoint: String
    var registration_profile: String
    var id_token_signing_alg_values_supported = SigningAlgorithm.allCases.map(\.rawValue)
    var request_object_signing_alg_values_supported = SigningAlgorithm.allCases.map(\.rawValue)
    var tls_client_auth_subject_dn_supported = true
    /// RFC 8705 §5: the endpoints that need a client certificate; this listener serves them itself.
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
