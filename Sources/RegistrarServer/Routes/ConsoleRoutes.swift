import Directory
import Foundation
import HTTPTypes
import Hummingbird
import PKI

/// The web console. Public pages (the participant browser) are built from the same views as the
/// participants document and cached the same way (per revision, strong ETag, 304); the operator's pages
/// need a signed-in operator (`ConsoleSession`) and are never cached.
enum ConsoleRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.configuration.publicURL

        routes.add(.get, "/console") { request, _ in
            let query = try ParticipantBrowserQuery(request.uri.queryParameters)
            return try await page(for: request, canonicalQuery: query.canonical(), runtime: runtime) {
                let search = try await runtime.participantSearch()
                return ParticipantPages.list(
                    search.page(matching: query.text, number: query.page, size: ParticipantBrowserQuery.pageSize), query: query,
                    inDirectory: search.count, directory: directory)
            }
        }

        routes.add(.get, "/console/participants/{organisationId}") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            return try await page(for: request, runtime: runtime) {
                ParticipantPages.detail(try await runtime.views.participant(id), directory: directory)
            }
        }

        routes.add(.get, "/console/sign-in") { request, _ in
            let joined = request.uri.queryParameters["joined"] != nil
            return privatePage(
                PeoplePages.signIn(directory: directory, notice: joined ? "Welcome: sign in with your e-mail, password and code." : nil))
        }

        routes.add(.post, "/console/sign-in") { request, context in
            guard ConsoleSession.isSameOrigin(request, runtime: runtime) else {
                return privatePage(
                    PeoplePages.signIn(directory: directory, problem: "Sign in from this server's own page."), status: .forbidden)
            }
            try HTTPExchange.requireMediaType(request, accepted: ["application/x-www-form-urlencoded"])
            let form = try await HTTPExchange.body(of: request, limit: 4096)
            let field = { (name: String) in ConsoleSession.formField(name, in: form) ?? "" }
            if ConsoleSession.formField("token", in: form) != nil {
                let token = field("token").trimmingCharacters(in: .whitespaces)
                guard try await ConsoleSession.operatorCaller(token: token, runtime: runtime) != nil else {
                    return privatePage(
                        PeoplePages.signIn(directory: directory, problem: "That is not a working operator token."), status: .unauthorized)
                }
                return redirect(to: "/console/operator", cookie: ConsoleSession.signInCookie(token: token, runtime: runtime))
            }
            let started: SignIn.Started
            do {
                started = try await runtime.signIn.signIn(
                    email: field("email"), password: field("password"), code: field("code"),
                    from: context.remoteAddress?.ipAddress ?? "unknown", replacing: ConsoleSession.sessionSecret(request))
            } catch let refusal as DirectoryError {
                runtime.refusals.record(
                    status: 401, method: "POST", path: "/console/sign-in", detail: "a sign-in failed",
                    remote: context.remoteAddress?.ipAddress)
                return privatePage(PeoplePages.signIn(directory: directory, problem: refusal.description), status: .unauthorized)
            }
            let next = started.person.staffRole != nil ? "/console/operator" : "/console/home"
            return redirect(to: next, cookie: ConsoleSession.signInCookie(token: started.secret, runtime: runtime))
        }

        routes.add(.post, "/console/sign-out") { request, _ in
            guard ConsoleSession.isSameOrigin(request, runtime: runtime) else {
                return privatePage(
                    PeoplePages.signIn(directory: directory, problem: "Sign out from this server's own page."), status: .forbidden)
            }
            if let secret = ConsoleSession.sessionSecret(request) { try await runtime.signIn.signOut(secret) }
            return redirect(to: "/console", cookie: ConsoleSession.signOutCookie(runtime: runtime))
        }

        registerOperatorActions(on: &routes, runtime: runtime)
        PeopleConsoleRoutes.register(on: &routes, runtime: runtime)
        SoftwareConsoleRoutes.register(on: &routes, runtime: runtime)
        ServerConsoleRoutes.register(on: &routes, runtime: runtime)

        routes.add(.get, "/console/operator/audit") { request, _ in
            let query = try ConsoleAuditQuery(request.uri.queryParameters)
            guard let caller = try await ConsoleSession.signedInOperator(request, runtime: runtime) else {
                return redirect(to: "/console/sign-in", cookie: nil)
            }
            var subjects: [String]?
            if let organisation = query.organisation { subjects = try await runtime.auditTrail.recordIDs(ofOrganisation: organisation) }
            return privatePage(
                AuditPages.page(
                    try await runtime.auditTrail.events(matching: query.query(subjectIDs: subjects), for: caller), query: query,
                    organisations: try await runtime.directory.organisations(for: caller), signedInAs: caller.consoleName,
                    directory: directory))
        }

        routes.add(.get, "/console/operator") { request, _ in
            let after = try ListingQuery.auditCursor(request.uri.queryParameters)
            guard let caller = try await ConsoleSession.signedInOperator(request, runtime: runtime) else {
                return redirect(to: "/console/sign-in", cookie: nil)
            }
            let pageSize = 100
            let people = OperatorPages.PeopleView(
                people: try await runtime.people.people(for: caller), invitations: try await runtime.people.invitations(for: caller))
            let organisations = try await runtime.directory.organisations(for: caller)
            let software = try await runtime.directory.allSoftwareStatements()
            let administration = AdministrationPages.View(
                keys: try await runtime.keyring.keys().map(\.record), tokens: try await runtime.apiTokens.list(for: caller),
                organisationNames: Dictionary(organisations.map { ($0.id, $0.legalName) }, uniquingKeysWith: { first, _ in first }))
            let glance = OperatorPages.Glance(
                software: software, refusals: runtime.refusals.newestFirst,
                expiring: AttentionPanels.Expiring.naming(
                    try await runtime.certificates.expiring(within: AttentionPanels.window, at: Date(), for: caller), software: software,
                    organisations: organisations))
            return privatePage(
                OperatorPages.overview(
                    operator: caller, organisations: organisations, glance: glance, people: people, administration: administration,
                    anchors: try await runtime.trust.anchors(for: caller),
                    events: try await runtime.auditTrail.events(afterID: after, limit: pageSize, for: caller), after: after,
                    pageSize: pageSize, directory: directory))
        }
    }

    /// The operator's changes: the same domain calls as the API's, from the console's forms.
    private static func registerOperatorActions(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        routes.add(.post, "/console/operator/organisations/{organisationId}/status") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            return try await operatorAction(request, runtime: runtime, returningTo: "organisations") { caller, form in
                let status: OrganisationStatus = try InputRules.choice(form("status") ?? "", field: "status")
                // A final status is said twice: the choice, and the box that names what it does.
                guard !status.isFinal || form("confirm") == "yes" else {
                    throw DirectoryError.invalidInput(
                        "\(status.rawValue) is final: tick the box that says what it does to confirm it")
                }
                _ = try await runtime.directory.setOrganisationStatus(id, to: status, reason: form.optional("reason"), by: caller)
            }
        }

        routes.add(.post, "/console/operator/signing-keys/rotate") { request, _ in
            try await operatorAction(request, runtime: runtime, returningTo: "signing-keys") { caller, form in
                guard form("confirm") == "yes" else { throw DirectoryError.invalidInput("tick the box that says what a rotation does") }
                _ = try await runtime.keyring.rotate(algorithm: runtime.configuration.signingAlgorithm, by: caller)
            }
        }

        routes.add(.post, "/console/operator/signing-keys/{kid}/retire") { request, context in
            let kid = try HTTPExchange.parameter("kid", in: context)
            return try await operatorAction(request, runtime: runtime, returningTo: "signing-keys") { caller, _ in
                _ = try await runtime.keyring.retire(kid: kid, by: caller)
            }
        }

        routes.add(.post, "/console/operator/tokens/{tokenId}/revoke") { request, context in
            let id = try HTTPExchange.parameter("tokenId", in: context)
            return try await operatorAction(request, runtime: runtime, returningTo: "tokens") { caller, _ in
                _ = try await runtime.apiTokens.revoke(id, by: caller)
            }
        }

        routes.add(.post, "/console/operator/trust-anchors") { request, _ in
            try await operatorAction(request, runtime: runtime, returningTo: "trust-anchors") { caller, form in
                let purpose: CertificatePurpose = try InputRules.choice(form("purpose") ?? "", field: "purpose")
                let label = form("label").flatMap { $0.isEmpty ? nil : $0 }
                _ = try await runtime.trust.add(Data((form("certificate") ?? "").utf8), purpose: purpose, label: label, by: caller)
            }
        }

        routes.add(.post, "/console/operator/trust-anchors/{anchorId}/remove") { request, context in
            let id = try HTTPExchange.parameter("anchorId", in: context)
            return try await operatorAction(request, runtime: runtime, returningTo: "trust-anchors") { caller, form in
                guard form("confirm") == "yes" else { throw DirectoryError.invalidInput("tick “sure” to remove a trust anchor") }
                _ = try await runtime.trust.remove(id, by: caller)
            }
        }
    }

    /// Runs one change posted from a console form by a signed-in operator or staff member, then goes
    /// back to the operator page's `section`.
    static func operatorAction(
        _ request: Request, runtime: DirectoryRuntime, returningTo section: String,
        _ change: (Caller, ConsoleForm) async throws -> Void
    ) async throws -> Response {
        try await consoleAction(request, runtime: runtime, signedIn: ConsoleSession.signedInOperator) { caller, form in
            try await change(caller, form)
            return redirect(to: "/console/operator#\(section)", cookie: nil)
        }
    }

    /// Runs one change posted from a console form: from this server's origin, by whoever `signedIn`
    /// finds. `change` answers (a 303 back, or a page showing a secret once); a refusal the API would
    /// answer with a 4xx problem is shown with the same status and words: on the page the form came
    /// from when `refusedOn` draws it with the problem beside the form, otherwise on a page of its own.
    static func consoleAction(
        _ request: Request, runtime: DirectoryRuntime,
        signedIn: (Request, DirectoryRuntime) async throws -> Caller? = ConsoleSession.signedIn,
        refusedOn: ((Caller, String) async throws -> Data)? = nil,
        _ change: (Caller, ConsoleForm) async throws -> Response
    ) async throws -> Response {
        let directory = runtime.configuration.publicURL
        guard ConsoleSession.isSameOrigin(request, runtime: runtime) else {
            return privatePage(
                OperatorPages.refused("Make changes from this server's own pages.", directory: directory), status: .forbidden)
        }
        guard let caller = try await signedIn(request, runtime) else {
            return privatePage(PeoplePages.signIn(directory: directory, problem: "Sign in again to make changes."), status: .unauthorized)
        }
        try HTTPExchange.requireMediaType(request, accepted: ["application/x-www-form-urlencoded"])
        let body = try await HTTPExchange.body(of: request, limit: runtime.configuration.maxRequestBodyBytes)
        do {
            return try await change(caller, ConsoleForm(body: body))
        } catch {
            guard let (problem, _) = Problem.from(error), problem.status < 500 else { throw error }
            runtime.refusals.record(
                status: problem.status, method: "POST", path: request.uri.path, detail: "\(caller.consoleName): \(problem.detail)",
                remote: nil)
            let page =
                if let refusedOn, let drawn = try? await refusedOn(caller, problem.detail) { drawn } else {
                    OperatorPages.refused(problem.detail, directory: directory)
                }
            return privatePage(page, status: .init(code: problem.status))
        }
    }

    /// A page for one signed-in browser: never stored by a cache, and never in `DocumentCache` (whose
    /// documents the fast paths serve to anyone).
    static func privatePage(_ body: Data, status: HTTPResponse.Status = .ok) -> Response {
        var headers = ConsolePage.headers
        headers[.contentType] = ConsolePage.contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// 303 See Other (RFC 9110 §15.4.4): after a form post the browser fetches the next page with GET.
    static func redirect(to path: String, cookie: String?) -> Response {
        var headers = HTTPFields()
        headers[.location] = path
        headers[.cacheControl] = "no-store"
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    private static func page(
        for request: Request, canonicalQuery: String? = nil, runtime: DirectoryRuntime, build: () async throws -> Data
    ) async throws -> Response {
        let document = try await runtime.documents.document(
            for: request, canonicalQuery: canonicalQuery, revision: runtime.currentRevision, contentType: ConsolePage.contentType
        ) {
            (try await build(), ConsolePage.headers)
        }
        return ConditionalResponse.make(document, for: request, maxAge: runtime.configuration.cacheMaxAge)
    }
}
