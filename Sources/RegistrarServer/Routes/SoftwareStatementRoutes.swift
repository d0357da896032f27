import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys

/// Software statements, their keys and their SSAs. An organisation's token manages its own software.
enum SoftwareStatementRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.directory
        let limit = runtime.configuration.maxRequestBodyBytes
        let collection = "/organisations/{organisationId}/software-statements"
        let item = "\(collection)/{softwareStatementId}"

        routes.add(.post, collection) { request, context in
            let caller = try context.requireCaller()
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            try caller.requireAccess(toOrganisation: organisationID)
            let input = try await HTTPExchange.decodeJSON(NewSoftwareStatement.self, from: request, limit: limit)
            let software = try await directory.createSoftware(in: organisationID, input, by: caller)
            // Said at creation, not first at SSA time: what the profile still needs before an SSA is issued.
            let missing = runtime.configuration.profile.claimSet.missingData(
                software: software, organisation: try await directory.organisation(organisationID))
            var body = JSONValue.object(try RecordCoding.encode(software)) ?? [:]
            body["missingForSSA"] = .strings(missing)
            return try HTTPExchange.json(
                JSONValue.object(body), status: .created,
                headers: OrganisationRoutes.location("/organisations/\(organisationID)/software-statements/\(software.id)", runtime))
        }

        routes.add(.get, collection) { request, context in
            let caller = try context.requireCaller()
            let software = try await directory.softwareStatements(
                in: try HTTPExchange.parameter("organisationId", in: context), for: caller)
            return try ListPage.response(software, id: \.id, for: request, runtime: runtime)
        }

        routes.add(.get, item) { _, context in
            let caller = try context.requireCaller()
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            let softwareID = try HTTPExchange.parameter("softwareStatementId", in: context)
            return try HTTPExchange.json(try await directory.software(softwareID, in: organisationID, for: caller))
        }

        routes.add(.put, item) { request, context in
            let caller = try context.requireCaller()
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            try caller.requireAccess(toOrganisation: organisationID)
            let input = try await HTTPExchange.decodeJSON(NewSoftwareStatement.self, from: request, limit: limit)
            let softwareID = try HTTPExchange.parameter("softwareStatementId", in: context)
            return try HTTPExchange.json(try await directory.updateSoftware(softwareID, in: organisationID, input, by: caller))
        }

        routes.add(.put, "\(item)/status") { request, context in
            let caller = try context.requireCaller()
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            try caller.requireAccess(toOrganisation: organisationID)
            let change = try await HTTPExchange.decodeJSON(StatusChange.self, from: request, limit: limit)
            let status: SoftwareStatus = try InputRules.choice(change.status, field: "status")
            let softwareID = try HTTPExchange.parameter("softwareStatementId", in: context)
            return try HTTPExchange.json(try await directory.setSoftwareStatus(softwareID, in: organisationID, to: status, by: caller))
        }

        routes.add(.get, "\(item)/assertion") { _, context in
            let caller = try context.requireCaller()
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            let softwareID = try HTTPExchange.parameter("softwareStatementId", in: context)
            let jwt = try await runtime.issueAssertion(softwareID: softwareID, organisationID: organisationID, for: caller)
            var headers = HTTPFields()
            headers[.contentType] = "application/jwt"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: jwt)))
        }

        KeyRoutes.register(on: &routes, base: item, runtime: runtime, operatorOnly: false) { context in
            .software(
                organisationID: try HTTPExchange.parameter("organisationId", in: context),
                softwareID: try HTTPExchange.parameter("softwareStatementId", in: context))
        }
    }
}
