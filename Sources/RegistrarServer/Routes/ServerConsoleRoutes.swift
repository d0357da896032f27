import Directory
import Foundation
import HTTPTypes
import Hummingbird

/// What a bank does with its authorisation servers in the console: publish one, change its details,
/// add, change (certification included) and remove its API resources. Every change is one
/// `updateAuthorisationServer` (or `createAuthorisationServer`), the API's own, which checks the role.
enum ServerConsoleRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let collection = "/console/organisations/{organisationId}/authorisation-servers"
        let item = "\(collection)/{authorisationServerId}"

        routes.add(.post, collection) { request, context in
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            return try await ConsoleRoutes.consoleAction(request, runtime: runtime) { caller, form in
                _ = try await runtime.directory.createAuthorisationServer(
                    in: organisationID, try NewAuthorisationServer(form: form), by: caller)
                return ConsoleRoutes.redirect(
                    to: HTMLDocument.path(["console", "organisations", organisationID]) + "#servers", cookie: nil)
            }
        }

        routes.add(.get, item) { request, context in
            let ids = try ServerIDs(context)
            guard let caller = try await ConsoleSession.signedIn(request, runtime: runtime) else {
                return ConsoleRoutes.redirect(to: "/console/sign-in", cookie: nil)
            }
            return try await PeopleConsoleRoutes.refusedAsPage(directory: runtime.configuration.publicURL) {
                ConsoleRoutes.privatePage(try await page(ids, for: caller, runtime: runtime))
            }
        }

        routes.add(.post, item) { request, context in
            let ids = try ServerIDs(context)
            return try await change(request, ids, runtime: runtime, returningTo: "details") { current, form in
                try NewAuthorisationServer(form: form, keeping: current)
            }
        }

        routes.add(.post, "\(item)/resources") { request, context in
            let ids = try ServerIDs(context)
            return try await change(request, ids, runtime: runtime, returningTo: "resources") { current, form in
                var input = NewAuthorisationServer(current)
                input.apiResources = (input.apiResources ?? []) + [try NewAPIResource(form: form)]
                return input
            }
        }

        routes.add(.post, "\(item)/resources/{resourceId}") { request, context in
            let ids = try ServerIDs(context)
            let resourceID = try HTTPExchange.parameter("resourceId", in: context)
            return try await change(request, ids, runtime: runtime, returningTo: "resources") { current, form in
                guard let index = current.apiResources.firstIndex(where: { $0.id == resourceID }) else {
                    throw DirectoryError.notFound("no API resource \(resourceID.prefix(40)) on this server")
                }
                var input = NewAuthorisationServer(current)
                input.apiResources?[index] = try NewAPIResource(form: form)
                return input
            }
        }

        routes.add(.post, "\(item)/resources/{resourceId}/remove") { request, context in
            let ids = try ServerIDs(context)
            let resourceID = try HTTPExchange.parameter("resourceId", in: context)
            return try await change(request, ids, runtime: runtime, returningTo: "resources") { current, _ in
                guard current.apiResources.contains(where: { $0.id == resourceID }) else {
                    throw DirectoryError.notFound("no API resource \(resourceID.prefix(40)) on this server")
                }
                var input = NewAuthorisationServer(current)
                input.apiResources = current.apiResources.filter { $0.id != resourceID }.map(NewAPIResource.init)
                return input
            }
        }
    }

    /// One change from the server's page: the form's edit of what is recorded, saved as a whole; a
    /// refusal shows the page again with the reason.
    private static func change(
        _ request: Request, _ ids: ServerIDs, runtime: DirectoryRuntime, returningTo section: String,
        _ edit: @escaping (AuthorisationServer, ConsoleForm) throws -> NewAuthorisationServer
    ) async throws -> Response {
        try await ConsoleRoutes.consoleAction(
            request, runtime: runtime,
            refusedOn: { caller, problem in try await page(ids, for: caller, runtime: runtime, problem: problem) }
        ) { caller, form in
            let current = try await runtime.directory.authorisationServer(ids.server, in: ids.organisation, for: caller)
            try await runtime.directory.updateAuthorisationServer(ids.server, in: ids.organisation, try edit(current, form), by: caller)
            return ConsoleRoutes.redirect(
                to: HTMLDocument.path(["console", "organisations", ids.organisation, "authorisation-servers", ids.server]) + "#\(section)",
                cookie: nil)
        }
    }

    private static func page(_ ids: ServerIDs, for caller: Caller, runtime: DirectoryRuntime, problem: String? = nil) async throws -> Data {
        let organisation = try await runtime.directory.organisation(ids.organisation, for: caller)
        let server = try await runtime.directory.authorisationServer(ids.server, in: ids.organisation, for: caller)
        let editable = caller.may(.manageOrganisation, inOrganisation: organisation.id) && organisation.status == .active
        return ServerPages.page(
            server, of: organisation, editable: editable, signedInAs: caller.consoleName, directory: runtime.configuration.publicURL,
            problem: problem)
    }
}

/// The organisation and authorisation server a console path names.
private struct ServerIDs {
    let organisation: String
    let server: String

    init(_ context: RegistrarRequestContext) throws {
        organisation = try HTTPExchange.parameter("organisationId", in: context)
        server = try HTTPExchange.parameter("authorisationServerId", in: context)
    }
}
