import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Keys

/// Managing organisations, their applications, authorisation servers and keys. Operators create
/// organisations and change their status; an organisation's own token reads it, publishes its servers,
/// and completes its data while it is an application.
enum OrganisationRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.directory
        let limit = runtime.configuration.maxRequestBodyBytes

        routes.add(.post, "/organisations") { request, context in
            let caller = try context.requireOperator()
            let input = try await HTTPExchange.decodeJSON(NewOrganisation.self, from: request, limit: limit)
            let organisation = try await directory.createOrganisation(input, by: caller)
            return try HTTPExchange.json(organisation, status: .created, headers: location("/organisations/\(organisation.id)", runtime))
        }

        routes.add(.get, "/organisations") { request, context in
            let organisations = try await directory.organisations(for: try context.requireCaller())
            return try ListPage.response(organisations, id: \.id, for: request, runtime: runtime)
        }

        routes.add(.get, "/organisations/{organisationId}") { _, context in
            let caller = try context.requireCaller()
            return try HTTPExchange.json(
                try await directory.organisation(try HTTPExchange.parameter("organisationId", in: context), for: caller))
        }

        routes.add(.put, "/organisations/{organisationId}") { request, context in
            let caller = try context.requireCaller()
            let id = try HTTPExchange.parameter("organisationId", in: context)
            try caller.requireAccess(toOrganisation: id)
            let input = try await HTTPExchange.decodeJSON(NewOrganisation.self, from: request, limit: limit)
            return try HTTPExchange.json(try await directory.updateOrganisation(id, input, by: caller))
        }

        routes.add(.put, "/organisations/{organisationId}/status") { request, context in
            let caller = try context.requireOperator()
            let change = try await HTTPExchange.decodeJSON(StatusChange.self, from: request, limit: limit)
            let status: OrganisationStatus = try InputRules.choice(change.status, field: "status")
            let id = try HTTPExchange.parameter("organisationId", in: context)
            return try HTTPExchange.json(try await directory.setOrganisationStatus(id, to: status, reason: change.reason, by: caller))
        }

        // An application: a Pending organisation and its first administrator's invitation, the link once.
        routes.add(.post, "/applications") { request, context in
            let caller = try context.requireOperator()
            let input = try await HTTPExchange.decodeJSON(NewApplication.self, from: request, limit: limit)
            let opened = try await runtime.onboarding.open(
                legalName: input.legalName, country: input.country, applicant: input.applicantEmail, by: caller)
            var body = JSONValue.object(try RecordCoding.encode(opened.organisation)) ?? [:]
            let link = PeopleConsoleRoutes.joinLink(opened.secret, runtime: runtime)
            // E-mailed to the applicant when the directory sends mail; otherwise (or when that fails) in the answer, once.
            let delivery = await runtime.mail.invitation(
                opened.invitation, link: link, what: "Administrator of \(opened.organisation.legalName), to complete its application")
            body["invitationSent"] = .bool(delivery == .sent)
            if delivery != .sent { body["invitationLink"] = .string(link) }
            body["invitationExpiresAt"] = .string(Timestamp.format(opened.invitation.expiresAt))
            var headers = location("/organisations/\(opened.organisation.id)", runtime)
            headers[.cacheControl] = "no-store"
            return try HTTPExchange.json(JSONValue.object(body), status: .created, headers: headers)
        }

        // The organisation's own token or people publish its servers, as staff may (`manageOrganisation`).
        routes.add(.post, "/organisations/{organisationId}/authorisation-servers") { request, context in
            let caller = try context.requireCaller()
            let input = try await HTTPExchange.decodeJSON(NewAuthorisationServer.self, from: request, limit: limit)
            let id = try HTTPExchange.parameter("organisationId", in: context)
            let server = try await directory.createAuthorisationServer(in: id, input, by: caller)
            return try HTTPExchange.json(server, status: .created)
        }

        let server = "/organisations/{organisationId}/authorisation-servers/{authorisationServerId}"
        routes.add(.get, server) { _, context in
            let caller = try context.requireCaller()
            return try HTTPExchange.json(
                try await directory.authorisationServer(
                    try HTTPExchange.parameter("authorisationServerId", in: context),
                    in: try HTTPExchange.parameter("organisationId", in: context), for: caller))
        }

        routes.add(.put, server) { request, context in
            let caller = try context.requireCaller()
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            try caller.requireAccess(toOrganisation: organisationID)
            let input = try await HTTPExchange.decodeJSON(NewAuthorisationServer.self, from: request, limit: limit)
            return try HTTPExchange.json(
                try await directory.updateAuthorisationServer(
                    try HTTPExchange.parameter("authorisationServerId", in: context), in: organisationID, input, by: caller))
        }

        routes.add(.get, "/organisations/{organisationId}/authorisation-servers") { request, context in
            let caller = try context.requireCaller()
            let id = try HTTPExchange.parameter("organisationId", in: context)
            _ = try await directory.organisation(id, for: caller)
            return try ListPage.response(try await directory.authorisationServers(in: id), id: \.id, for: request, runtime: runtime)
        }

        KeyRoutes.register(on: &routes, base: "/organisations/{organisationId}", runtime: runtime, operatorOnly: true) { context in
            .organisation(try HTTPExchange.parameter("organisationId", in: context))
        }
    }

    static func location(_ path: String, _ runtime: DirectoryRuntime) -> HTTPFields {
        var headers = HTTPFields()
        headers[.location] = runtime.configuration.keystore.baseURL + path
        return headers
    }
}

/// Uploading, listing and revoking a keystore owner's public keys.
enum KeyRoutes {
    static let acceptedKeyTypes: Set<String> = [
        "application/json", "application/jwk+json", "application/x-pem-file", "application/pem-certificate-chain", "text/plain",
    ]

    static func register(
        on routes: inout RouteRegistrar, base: String, runtime: DirectoryRuntime, operatorOnly: Bool,
        owner: @escaping @Sendable (RegistrarRequestContext) throws -> ParticipantDirectory.KeyOwner
    ) {
        let directory = runtime.directory
        let limit = runtime.configuration.maxRequestBodyBytes

        routes.add(.post, "\(base)/keys") { request, context in
            let caller = try context.requireCaller()
            if operatorOnly { try caller.requireOperator() }
            try HTTPExchange.requireMediaType(request, accepted: acceptedKeyTypes)
            let upload = try await HTTPExchange.body(of: request, limit: limit)
            let key = try await directory.addKey(upload, to: try owner(context), by: caller)
            return try HTTPExchange.json(key, status: .created)
        }

        routes.add(.get, "\(base)/keys") { request, context in
            let caller = try context.requireCaller()
            let keyOwner = try owner(context)
            switch keyOwner {
            case .organisation(let id): _ = try await directory.organisation(id, for: caller)
            case .software(let organisationID, let softwareID):
                _ = try await directory.software(softwareID, in: organisationID, for: caller)
            }
            return try ListPage.response(
                try await directory.keys(of: keyOwner.identifier), id: \.id, for: request, runtime: runtime)
        }

        routes.add(.post, "\(base)/keys/{kid}/revoke") { request, context in
            let caller = try context.requireCaller()
            if operatorOnly { try caller.requireOperator() }
            let revocation: KeyRevocation =
                if request.headers[.contentType] == nil {
                    KeyRevocation(reason: nil)
                } else {
                    try await HTTPExchange.decodeJSON(KeyRevocation.self, from: request, limit: limit)
                }
            let kid = try HTTPExchange.parameter("kid", in: context)
            return try HTTPExchange.json(
                try await directory.revokeKey(kid: kid, of: try owner(context), reason: revocation.reason, by: caller))
        }
    }
}
