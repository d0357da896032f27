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

        routes.add(.get, "/participants") { request, _ in
            let listing = try ListingQuery(request.uri.queryParameters)
            let document = try await runtime.documents.document(
                for: request, revision: runtime.currentRevision, contentType: "application/json"
            ) {
                let all = try await runtime.views.participants(.init(updatedSince: listing.updatedSince))
                let headers = listing.headers(total: all.count, url: runtime.configuration.keystore.baseURL + "/participants")
                return (try RecordCoding.encoder.encode(listing.page(of: all)), headers)
            }
            return ConditionalResponse.make(document, for: request, maxAge: maxAge)
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

        routes.add(.get, "/status/organisations") { request, _ in
            let listing = try ListingQuery(request.uri.queryParameters)
            let document = try await runtime.documents.document(
                for: request, revision: runtime.currentRevision, contentType: "application/json"
            ) {
                let all = try await runtime.views.organisationStatuses(updatedSince: listing.updatedSince)
                return (
                    try RecordCoding.encoder.encode(StatusList(data: listing.page(of: all))),
                    listing.headers(total: all.count, url: runtime.configuration.keystore.baseURL + "/status/organisations")
                )
            }
            return ConditionalResponse.make(document, for: request, maxAge: maxAge)
        }

        routes.add(.get, "/status/software-statements") { request, _ in
            let listing = try ListingQuery(request.uri.queryParameters)
            let document = try await runtime.documents.document(
                for: request, revision: runtime.currentRevision, contentType: "application/json"
            ) {
                let all = try await runtime.views.softwareStatuses(updatedSince: listing.updatedSince)
                return (
                    try RecordCoding.encoder.encode(StatusList(data: listing.page(of: all))),
                    listing.headers(total: all.count, url: runtime.configuration.keystore.baseURL + "/status/software-statements")
                )
            }
            return ConditionalResponse.make(document, for: request, maxAge: maxAge)
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
}
