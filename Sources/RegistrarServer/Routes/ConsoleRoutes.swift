import Directory
import Foundation
import Hummingbird

/// The web console's public pages: the participant browser. Built from the same views as the
/// participants document and cached the same way (per revision, strong ETag, 304).
enum ConsoleRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.configuration.publicURL

        routes.add(.get, "/console") { request, _ in
            try await page(for: request, runtime: runtime) {
                ParticipantPages.list(try await runtime.views.participants(), directory: directory)
            }
        }

        routes.add(.get, "/console/participants/{organisationId}") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            return try await page(for: request, runtime: runtime) {
                ParticipantPages.detail(try await runtime.views.participant(id), directory: directory)
            }
        }
    }

    private static func page(for request: Request, runtime: DirectoryRuntime, build: () async throws -> Data) async throws -> Response {
        let document = try await runtime.documents.document(
            for: request, revision: runtime.currentRevision, contentType: ConsolePage.contentType
        ) {
            (try await build(), ConsolePage.headers)
        }
        return ConditionalResponse.make(document, for: request, maxAge: runtime.configuration.cacheMaxAge)
    }
}
