import Directory
import Foundation
import Hummingbird
import Keys

/// Operator-only administration: API tokens, the audit trail, the directory's signing keys.
enum AdministrationRoutes {
    struct TokenRequest: Codable {
        var role: APIToken.Role
        var organisationId: String?
        var label: String
    }

    struct IssuedToken: Codable {
        var token: String
        /// What `DELETE /tokens/{id}` takes: the secret's SHA-256, never the secret.
        var id: String
        var role: APIToken.Role
        var organisationId: String?
        var label: String
        var createdAt: Date
    }

    struct RotationRequest: Codable {
        var algorithm: SigningAlgorithm?
    }

    /// A signing key as operators see it: never the sealed private key.
    struct SigningKeySummary: Codable {
        var kid: String
        var algorithm: SigningAlgorithm
        var state: DirectorySigningKey.State
        var createdAt: Date
        var activatedAt: Date?
        var retiredAt: Date?

        init(_ key: DirectorySigningKey) {
            kid = key.id
            algorithm = key.algorithm
            state = key.state
            createdAt = key.createdAt
            activatedAt = key.activatedAt
            retiredAt = key.retiredAt
        }
    }

    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.directory
        let limit = runtime.configuration.maxRequestBodyBytes

        routes.add(.post, "/tokens") { request, context in
            let caller = try context.requireOperator()
            let input = try await HTTPExchange.decodeJSON(TokenRequest.self, from: request, limit: limit)
            let issued = try await runtime.apiTokens.create(
                role: input.role, organisationID: input.organisationId, label: input.label, by: caller)
            return try HTTPExchange.json(
                IssuedToken(
                    token: issued.secret, id: issued.token.id, role: issued.token.role, organisationId: issued.token.organisationID,
                    label: issued.token.label,
                    createdAt: issued.token.createdAt), status: .created)
        }

        routes.add(.get, "/tokens") { request, context in
            let tokens = try await runtime.apiTokens.list(for: try context.requireOperator())
            return try ListPage.response(tokens, id: \.id, for: request, runtime: runtime)
        }

        routes.add(.delete, "/tokens/{tokenId}") { _, context in
            let caller = try context.requireOperator()
            try await runtime.apiTokens.revoke(try HTTPExchange.parameter("tokenId", in: context), by: caller)
            return Response(status: .noContent)
        }

        routes.add(.get, "/audit-events") { request, context in
            let caller = try context.requireCaller()
            try caller.requireOperator()
            var listing = try AuditListing(request.uri.queryParameters)
            if let organisation = listing.organisation {
                listing.query.subjectIDs = try await runtime.auditTrail.recordIDs(ofOrganisation: organisation)
            }
            let events = try await runtime.auditTrail.events(matching: listing.query, for: caller)
            return try HTTPExchange.json(
                events.map { AuditEventView($0) },
                headers: listing.nextLink(after: events, url: runtime.configuration.publicURL + "/audit-events"))
        }

        routes.add(.get, "/signing-keys") { request, context in
            _ = try context.requireOperator()
            let keys = try await runtime.keyring.keys().map { SigningKeySummary($0.record) }
            return try ListPage.response(keys, id: \.kid, for: request, runtime: runtime)
        }

        routes.add(.post, "/signing-keys/rotate") { request, context in
            let caller = try context.requireOperator()
            let input: RotationRequest =
                request.headers[.contentType] == nil
                ? RotationRequest() : try await HTTPExchange.decodeJSON(RotationRequest.self, from: request, limit: limit)
            let rotated = try await runtime.keyring.rotate(algorithm: input.algorithm ?? runtime.configuration.signingAlgorithm, by: caller)
            return try HTTPExchange.json([SigningKeySummary(rotated.current), SigningKeySummary(rotated.next)])
        }

        routes.add(.post, "/signing-keys/{kid}/retire") { _, context in
            let caller = try context.requireCaller()
            let retired = try await runtime.keyring.retire(kid: try HTTPExchange.parameter("kid", in: context), by: caller)
            return try HTTPExchange.json(SigningKeySummary(retired))
        }
    }
}
