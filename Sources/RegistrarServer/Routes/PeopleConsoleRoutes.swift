import Directory
import Foundation
import HTTPTypes
import Hummingbird

/// The console for people: accepting an invitation, a person's home, an organisation's own page, and
/// the changes made from them (inviting, removing members, tokens, disabling people). Each change calls
/// the same domain method as the API and the CLI, which decides whether this caller may.
enum PeopleConsoleRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.configuration.publicURL
        registerJoining(on: &routes, runtime: runtime)

        routes.add(.get, "/console/home") { request, _ in
            guard let caller = try await ConsoleSession.signedIn(request, runtime: runtime) else {
                return ConsoleRoutes.redirect(to: "/console/sign-in", cookie: nil)
            }
            guard case .person(let me) = caller, me.staffRole == nil else {
                return ConsoleRoutes.redirect(to: "/console/operator", cookie: nil)
            }
            let person = try await runtime.people.person(me.id)
            var memberships: [MemberPages.Membership] = []
            for organisation in try await runtime.directory.organisations(for: caller) {
                let managesPeople = caller.may(.managePeople, inOrganisation: organisation.id)
                memberships.append(
                    MemberPages.Membership(
                        organisation: organisation,
                        expiringCertificates: try await runtime.certificates.expiring(
                            within: AttentionPanels.window, at: Date(), inOrganisation: organisation.id, for: caller
                        ).count,
                        waitingInvitations: managesPeople
                            ? try await runtime.people.invitations(ofOrganisation: organisation.id, for: caller).count : nil))
            }
            return ConsoleRoutes.privatePage(MemberPages.home(person: person, memberships: memberships, directory: directory))
        }

        routes.add(.get, "/console/organisations/{organisationId}") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            guard let caller = try await ConsoleSession.signedIn(request, runtime: runtime) else {
                return ConsoleRoutes.redirect(to: "/console/sign-in", cookie: nil)
            }
            return try await refusedAsPage(directory: directory) {
                ConsoleRoutes.privatePage(try await organisationPage(id, for: caller, runtime: runtime))
            }
        }

        routes.add(.post, "/console/organisations/{organisationId}/details") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            return try await ConsoleRoutes.consoleAction(
                request, runtime: runtime,
                refusedOn: { caller, problem in try await organisationPage(id, for: caller, runtime: runtime, problem: problem) }
            ) { caller, form in
                let current = try await runtime.directory.organisation(id, for: caller)
                try await runtime.directory.updateOrganisation(id, NewOrganisation(form: form, keeping: current), by: caller)
                return ConsoleRoutes.redirect(to: HTMLDocument.path(["console", "organisations", id]) + "#details", cookie: nil)
            }
        }

        registerMemberActions(on: &routes, runtime: runtime)
        registerStaffActions(on: &routes, runtime: runtime)
    }

    /// `/console/join?invitation=…`: the link in an invitation. The secret travels in the query, which
    /// the access log leaves out, and back in the form's body, never in a path.
    private static func registerJoining(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.configuration.publicURL
        routes.add(.get, "/console/join") { request, _ in
            let secret = request.uri.queryParameters["invitation"].map(String.init) ?? ""
            let invitation: Stored<Invitation>
            do { invitation = try await runtime.people.invitation(secret: secret) } catch let refusal as DirectoryError {
                return ConsoleRoutes.privatePage(PeoplePages.notFound(refusal.description, directory: directory), status: .notFound)
            }
            if try await runtime.people.person(withEmail: invitation.record.email) != nil {
                let signedIn = try await ConsoleSession.signedIn(request, runtime: runtime)
                let email: String? = if case .person(let me) = signedIn { me.email } else { nil }
                return ConsoleRoutes.privatePage(
                    PeoplePages.joinAsExisting(invitation: invitation.record, secret: secret, signedInAs: email, directory: directory))
            }
            return ConsoleRoutes.privatePage(
                PeoplePages.join(
                    invitation: invitation.record, secret: secret, oneTimeSecret: OneTimePassword.newSecret(), directory: directory))
        }

        routes.add(.post, "/console/join") { request, _ in
            guard ConsoleSession.isSameOrigin(request, runtime: runtime) else {
                return ConsoleRoutes.privatePage(
                    OperatorPages.refused("Join from this server's own page.", directory: directory), status: .forbidden)
            }
            try HTTPExchange.requireMediaType(request, accepted: ["application/x-www-form-urlencoded"])
            let form = try await HTTPExchange.body(of: request, limit: 8192)
            let field = { (name: String) in ConsoleSession.formField(name, in: form) ?? "" }
            let secret = field("invitation")
            let invitation: Stored<Invitation>
            do { invitation = try await runtime.people.invitation(secret: secret) } catch let refusal as DirectoryError {
                return ConsoleRoutes.privatePage(PeoplePages.notFound(refusal.description, directory: directory), status: .notFound)
            }
            if try await runtime.people.person(withEmail: invitation.record.email) != nil {
                guard case .person(let me) = try await ConsoleSession.signedIn(request, runtime: runtime) else {
                    return ConsoleRoutes.redirect(to: "/console/sign-in", cookie: nil)
                }
                return try await refusedAsPage(directory: directory) {
                    _ = try await runtime.people.accept(secret, as: me)
                    return ConsoleRoutes.redirect(to: "/console/home", cookie: nil)
                }
            }
            let authenticatorSecret = Base32.decode(field("authenticator_secret")) ?? []
            guard authenticatorSecret.count >= 16, authenticatorSecret.count <= 64 else {
                return ConsoleRoutes.privatePage(
                    OperatorPages.refused("The form lost its authenticator key: open the invitation link again.", directory: directory),
                    status: .badRequest)
            }
            do {
                _ = try await runtime.people.accept(
                    secret,
                    enrolment: .init(
                        name: field("name").trimmingCharacters(in: .whitespaces), password: field("password"),
                        oneTimePasswordSecret: authenticatorSecret, code: field("code")))
            } catch let refusal as DirectoryError {
                // The same key again, so that the entry already added to the app stays good.
                return ConsoleRoutes.privatePage(
                    PeoplePages.join(
                        invitation: invitation.record, secret: secret, oneTimeSecret: authenticatorSecret, name: field("name"),
                        problem: refusal.description, directory: directory), status: .unprocessableContent)
            }
            return ConsoleRoutes.redirect(to: "/console/sign-in?joined=1", cookie: nil)
        }
    }

    /// What an organisation's administrators do from its page.
    private static func registerMemberActions(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.configuration.publicURL
        routes.add(.post, "/console/organisations/{organisationId}/invitations") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            return try await ConsoleRoutes.consoleAction(request, runtime: runtime) { caller, form in
                let role: OrganisationRole = try InputRules.choice(form("role") ?? "", field: "role")
                let (invitation, secret) = try await runtime.people.invite(
                    email: form("email") ?? "", to: Membership(organisationID: id, role: role), by: caller)
                return await invitationAnswer(invitation, secret: secret, returnTo: ["console", "organisations", id], runtime: runtime)
            }
        }

        routes.add(.post, "/console/organisations/{organisationId}/members/{personId}/remove") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            let personID = try HTTPExchange.parameter("personId", in: context)
            return try await ConsoleRoutes.consoleAction(request, runtime: runtime) { caller, _ in
                try await runtime.people.removeMembership(of: personID, from: id, by: caller)
                return ConsoleRoutes.redirect(to: "/console/organisations/\(id)#members", cookie: nil)
            }
        }

        routes.add(.post, "/console/organisations/{organisationId}/tokens") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            return try await ConsoleRoutes.consoleAction(request, runtime: runtime) { caller, form in
                let (token, secret) = try await runtime.apiTokens.create(
                    role: .organisation, organisationID: id, label: form("label") ?? "", by: caller)
                return ConsoleRoutes.privatePage(
                    PeoplePages.tokenCreated(token, secret: secret, returnTo: ["console", "organisations", id], directory: directory))
            }
        }

        routes.add(.post, "/console/organisations/{organisationId}/tokens/{tokenId}/revoke") { request, context in
            let id = try HTTPExchange.parameter("organisationId", in: context)
            let tokenID = try HTTPExchange.parameter("tokenId", in: context)
            return try await ConsoleRoutes.consoleAction(request, runtime: runtime) { caller, _ in
                let token = try await runtime.apiTokens.revoke(tokenID, by: caller)
                guard token.organisationID == id else { throw DirectoryError.notFound("no such token in this organisation") }
                return ConsoleRoutes.redirect(to: "/console/organisations/\(id)#tokens", cookie: nil)
            }
        }

        routes.add(.post, "/console/invitations/{invitationId}/withdraw") { request, context in
            let id = try HTTPExchange.parameter("invitationId", in: context)
            return try await ConsoleRoutes.consoleAction(request, runtime: runtime) { caller, _ in
                try await runtime.people.withdrawInvitation(id, by: caller)
                return ConsoleRoutes.redirect(to: "/console/home", cookie: nil)
            }
        }
    }

    /// What staff do from the operator page: invite (an organisation's member, or staff) and disable.
    private static func registerStaffActions(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let directory = runtime.configuration.publicURL
        routes.add(.post, "/console/operator/invitations") { request, _ in
            try await ConsoleRoutes.consoleAction(request, runtime: runtime, signedIn: ConsoleSession.signedInOperator) { caller, form in
                let email = form("email") ?? ""
                let invited: (invitation: Invitation, secret: String)
                if let staffRole = form("staff_role") {
                    invited = try await runtime.people.invite(
                        email: email, staffRole: try InputRules.choice(staffRole, field: "staff_role"), by: caller)
                } else {
                    let role: OrganisationRole = try InputRules.choice(form("role") ?? "", field: "role")
                    invited = try await runtime.people.invite(
                        email: email, to: Membership(organisationID: form("organisation") ?? "", role: role), by: caller)
                }
                return await invitationAnswer(
                    invited.invitation, secret: invited.secret, returnTo: ["console", "operator"], runtime: runtime)
            }
        }

        routes.add(.post, "/console/operator/applications") { request, _ in
            try await ConsoleRoutes.consoleAction(request, runtime: runtime, signedIn: ConsoleSession.signedInOperator) { caller, form in
                let opened = try await runtime.onboarding.open(
                    legalName: form("legal_name") ?? "", country: form("country") ?? "", applicant: form("email") ?? "", by: caller)
                return await invitationAnswer(
                    opened.invitation, secret: opened.secret, returnTo: ["console", "operator"], runtime: runtime)
            }
        }

        routes.add(.post, "/console/operator/people/{personId}/status") { request, context in
            let id = try HTTPExchange.parameter("personId", in: context)
            return try await ConsoleRoutes.operatorAction(request, runtime: runtime, returningTo: "people") { caller, form in
                let status: Person.Status = try InputRules.choice(form("status") ?? "", field: "status")
                try await runtime.people.setStatus(of: id, to: status, by: caller)
            }
        }
    }

    /// An organisation's page as `caller` may see it, with `problem` (a refused change) above its forms.
    static func organisationPage(_ id: String, for caller: Caller, runtime: DirectoryRuntime, problem: String? = nil) async throws
        -> Data
    {
        let organisation = try await runtime.directory.organisation(id, for: caller)
        let managesPeople = caller.may(.managePeople, inOrganisation: id)
        let managesOrganisation = caller.may(.manageOrganisation, inOrganisation: id)
        let profile = runtime.configuration.profile
        let software = try await runtime.directory.softwareStatements(in: id, for: caller)
        let expiring = try await runtime.certificates.expiring(within: AttentionPanels.window, at: Date(), inOrganisation: id, for: caller)
        let view = MemberPages.OrganisationView(
            organisation: organisation, software: software,
            expiring: AttentionPanels.Expiring.naming(expiring, software: software, organisations: [organisation]),
            members: try await runtime.people.people(inOrganisation: id, for: caller),
            invitations: managesPeople ? try await runtime.people.invitations(ofOrganisation: id, for: caller) : [],
            tokens: managesPeople ? try await runtime.apiTokens.list(ofOrganisation: id, for: caller) : [],
            servers: try await runtime.directory.authorisationServers(in: id),
            claimableRoles: SoftwareRoles.claimable(by: organisation, in: profile),
            authorityRoles: RoleVocabulary.organisationRoles(in: profile),
            managesPeople: managesPeople, managesOrganisation: managesOrganisation,
            editsDetails: managesOrganisation && (try? StatusLifecycle.checkEditable(organisation, by: caller)) != nil)
        return MemberPages.organisation(
            view, signedInAs: caller.consoleName, directory: runtime.configuration.publicURL, problem: problem)
    }

    /// After an invitation: e-mailed to the invited address when the directory sends mail (the page says
    /// so and shows no link), otherwise the link shown once to the inviter; when the e-mail fails, the
    /// page says why and shows the link.
    static func invitationAnswer(_ invitation: Invitation, secret: String, returnTo: [String], runtime: DirectoryRuntime) async
        -> Response
    {
        let directory = runtime.configuration.publicURL
        let link = joinLink(secret, runtime: runtime)
        switch await runtime.mail.invitation(invitation, link: link, what: await invitationWords(invitation, runtime: runtime)) {
        case .sent:
            return ConsoleRoutes.privatePage(PeoplePages.invitationSent(invitation, returnTo: returnTo, directory: directory))
        case .notConfigured:
            return ConsoleRoutes.privatePage(
                PeoplePages.invitationCreated(invitation, link: link, returnTo: returnTo, directory: directory))
        case .failed(let why):
            return ConsoleRoutes.privatePage(
                PeoplePages.invitationCreated(
                    invitation, link: link, returnTo: returnTo, directory: directory,
                    problem: "The e-mail could not be sent (\(why)); send this link yourself."))
        }
    }

    /// What an invitation makes someone, naming the organisation.
    static func invitationWords(_ invitation: Invitation, runtime: DirectoryRuntime) async -> String {
        guard let membership = invitation.membership,
            let organisation = try? await runtime.directory.organisation(membership.organisationID)
        else { return invitation.grants }
        return "\(membership.role.rawValue) of \(organisation.legalName)"
    }

    /// The link an invitation is accepted at.
    static func joinLink(_ secret: String, runtime: DirectoryRuntime) -> String {
        "\(runtime.configuration.publicURL)/console/join?invitation=\(secret)"
    }

    /// Runs `body`, showing a refusal the API would answer with a 4xx as a page with the same words.
    static func refusedAsPage(directory: String, _ body: () async throws -> Response) async throws -> Response {
        do { return try await body() } catch {
            guard let (problem, _) = Problem.from(error), problem.status < 500 else { throw error }
            return ConsoleRoutes.privatePage(
                OperatorPages.refused(problem.detail, directory: directory), status: .init(code: problem.status))
        }
    }
}
