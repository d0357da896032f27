import Directory
import Foundation
import Hummingbird
import Registration

/// Registered clients for the bank's authorisation server and operators: a change feed
/// (`GET /clients?after=CURSOR`), one client, and an operator's switch to disable or re-enable one.
enum ClientRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let clients = runtime.clients
        let limit = runtime.configuration.maxRequestBodyBytes

        routes.add(.get, "/clients") { request, context in
            let caller = try context.requireCaller()
            let parameters = request.uri.queryParameters
            try ListingQuery.requireOnly(ListPage.names, in: parameters, taker: "the clients feed")
            let page = try ListPage(parameters)
            let changes = try await clients.changes(after: page.after, limit: page.limit ?? ListPage.defaultLimit, for: caller)
            // The same `Link` as every list; the body's `cursor` is what a reader keeps across restarts.
            let next = page.nextLink(
                changes.mayHaveMore ? changes.cursor : nil, url: runtime.configuration.keystore.baseURL + "/clients")
            return try HTTPExchange.json(changes, headers: next)
        }

        routes.add(.get, "/clients/{clientId}") { _, context in
            let caller = try context.requireCaller()
            return try HTTPExchange.json(try await clients.client(try HTTPExchange.parameter("clientId", in: context), for: caller))
        }

        routes.add(.put, "/clients/{clientId}/status") { request, context in
            let caller = try context.requireOperator()
            let change = try await HTTPExchange.decodeJSON(StatusChange.self, from: request, limit: limit)
            let status: RegisteredClient.Status = try InputRules.choice(change.status, field: "status")
            return try HTTPExchange.json(
                try await clients.setStatus(try HTTPExchange.parameter("clientId", in: context), to: status, by: caller))
        }
    }
}
