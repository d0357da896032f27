import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys

/// Public reads relying parties poll: participants, status lists and keystore JWKS. All are cached per
/// revision with strong ETags.
enum PublicDirectoryRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let maxAge = runtime.configuration.cacheMaxAge

        addListing(
            "/participants", on: &routes, runtime: runtime, entries: { try await runtime.views.participants(.init(updatedSince: $0)) },
            id: \.OrganisationId
        ) {
            try RecordCoding.encoder.encode($0)
        }

        routes.add(.get, "/participants/{organisationId}") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            let document = try await runtime.documents.document(
                for: request, revision: runtime.currentRevision, contentType: "application/json"
            ) {
                try RecordCoding.encoder.encode(try await runtime.views.participant(id))
            }
            return ConditionalResponse.make(document, for: request, maxAge: maxAge)
        }

        addListing(
            "/status/organisations", on: &routes, runtime: runtime,
            entries: { try await runtime.views.organisationStatuses(updatedSince: $0) }, id: \.organisationId
        ) {
            try RecordCoding.encoder.encode(StatusList(data: $0))
        }
        addListing(
            "/status/software-statements", on: &routes, runtime: runtime,
            entries: { try await runtime.views.softwareStatuses(updatedSince: $0) }, id: \.softwareStatementId
        ) {
            try RecordCoding.encoder.encode(StatusList(data: $0))
        }

        let keystores: [(String, Bool, PublishedViews.KeySelection)] = [
            ("/organisations/{organisationId}/jwks", false, .active),
            ("/organisations/{organisationId}/jwks/revoked", false, .revoked),
            ("/organisations/{organisationId}/software-statements/{softwareStatementId}/jwks", true, .active),
            ("/organisations/{organisationId}/software-statements/{softwareStatementId}/jwks/revoked", true, .revoked),
            ("/organisations/{organisationId}/software-statements/{softwareStatementId}/transport/jwks", true, .transportActive),
            ("/organisations/{organisationId}/software-statements/{softwareStatementId}/transport/jwks/revoked", true, .transportRevoked),
        ]
        for (path, isSoftware, selection) in keystores {
            routes.add(.get, path) { request, context in
                let organisationID = try HTTPExchange.parameter("organisationId", in: context)
                let softwareID = isSoftware ? try HTTPExchange.parameter("softwareStatementId", in: context) : nil
                let document = try await runtime.documents.document(
                    for: request, revision: runtime.currentRevision, contentType: "application/jwk-set+json"
                ) {
                    try await runtime.views.keystore(organisationID: organisationID, softwareID: softwareID, selection: selection).encoded()
                }
                return ConditionalResponse.make(document, for: request, maxAge: maxAge)
            }
        }
    }

    /// A public list that can be long: cached per revision and request target, filtered by `updated-since`,
    /// paged by `after`/`limit` with `Link` and `X-Total-Count` headers (`ListingQuery`); `entries` come in
    /// the order of `id`.
    private static func addListing<Entry: Sendable>(
        _ path: String, on routes: inout RouteRegistrar, runtime: DirectoryRuntime,
        entries: @escaping @Sendable (Date?) async throws -> [Entry], id: @escaping @Sendable (Entry) -> String,
        encode: @escaping @Sendable ([Entry]) throws -> Data
    ) {
        routes.add(.get, path) { request, _ in
            let listing = try ListingQuery(request.uri.queryParameters)
            let document = try await runtime.documents.document(
                for: request, canonicalQuery: listing.canonicalQuery, revision: runtime.currentRevision, contentType: "application/json"
            ) {
                let page = listing.answer(
                    try await entries(listing.updatedSince), id: id, url: runtime.configuration.keystore.baseURL + path)
                return (try encode(page.items), page.headers)
            }
            return ConditionalResponse.make(document, for: request, maxAge: runtime.configuration.cacheMaxAge)
        }
    }
}
