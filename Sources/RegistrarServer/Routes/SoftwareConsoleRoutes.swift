import Directory
import Foundation
import HTTPTypes
import Hummingbird
import PKI

/// What a provider does with its software in the console: each form calls the domain method the API
/// calls (`createSoftware`, `addKey`, `issue`, …), which decides whether this person's role may. A
/// refusal is shown on the page the form came from.
enum SoftwareConsoleRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let organisationPath = "/console/organisations/{organisationId}"
        let item = "\(organisationPath)/software/{softwareStatementId}"

        routes.add(.post, "\(organisationPath)/software") { request, context in
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            return try await ConsoleRoutes.consoleAction(request, runtime: runtime) { caller, form in
                let software = try await runtime.directory.createSoftware(
                    in: organisationID, try NewSoftwareStatement(form: form), by: caller)
                return ConsoleRoutes.redirect(to: HTMLDocument.path(pagePath(of: software)), cookie: nil)
            }
        }

        routes.add(.get, item) { request, context in
            let ids = try SoftwareIDs(context)
            guard let caller = try await ConsoleSession.signedIn(request, runtime: runtime) else {
                return ConsoleRoutes.redirect(to: "/console/sign-in", cookie: nil)
            }
            return try await PeopleConsoleRoutes.refusedAsPage(directory: runtime.configuration.publicURL) {
                ConsoleRoutes.privatePage(try await page(ids, for: caller, runtime: runtime))
            }
        }

        routes.add(.post, item) { request, context in
            let ids = try SoftwareIDs(context)
            return try await softwareAction(request, ids, runtime: runtime, returningTo: "details") { caller, form in
                let current = try await runtime.directory.software(ids.software, in: ids.organisation, for: caller)
                try await runtime.directory.updateSoftware(
                    ids.software, in: ids.organisation, try NewSoftwareStatement(form: form, keeping: current), by: caller)
            }
        }

        routes.add(.post, "\(item)/status") { request, context in
            let ids = try SoftwareIDs(context)
            return try await softwareAction(request, ids, runtime: runtime, returningTo: "status") { caller, form in
                let status: SoftwareStatus = try InputRules.choice(form("status") ?? "", field: "status")
                // Removed is final: the person says so, as an operator does for a trust anchor.
                guard status != .removed || form("confirm") == "yes" else {
                    throw DirectoryError.invalidInput("tick the box that says Removed is final to remove this software statement")
                }
                try await runtime.directory.setSoftwareStatus(ids.software, in: ids.organisation, to: status, by: caller)
            }
        }

        routes.add(.get, "\(item)/assertion.jwt") { request, context in
            let ids = try SoftwareIDs(context)
            guard let caller = try await ConsoleSession.signedIn(request, runtime: runtime) else {
                return ConsoleRoutes.redirect(to: "/console/sign-in", cookie: nil)
            }
            return try await PeopleConsoleRoutes.refusedAsPage(directory: runtime.configuration.publicURL) {
                let jwt = try await runtime.issueAssertion(softwareID: ids.software, organisationID: ids.organisation, for: caller)
                return download(Data(jwt.utf8), type: "application/jwt", name: "\(ids.software).jwt")
            }
        }

        registerKeysAndCertificates(on: &routes, item: item, runtime: runtime)
    }

    private static func registerKeysAndCertificates(on routes: inout RouteRegistrar, item: String, runtime: DirectoryRuntime) {
        routes.add(.post, "\(item)/keys") { request, context in
            let ids = try SoftwareIDs(context)
            return try await softwareAction(request, ids, runtime: runtime, returningTo: "keys") { caller, form in
                let use = form("use") ?? "sig"
                guard use == "sig" || use == "enc" else { throw DirectoryError.invalidInput("use must be sig or enc") }
                try await runtime.directory.addKey(Data((form("key") ?? "").utf8), to: ids.keyOwner, use: use, by: caller)
            }
        }

        routes.add(.post, "\(item)/keys/{kid}/revoke") { request, context in
            let ids = try SoftwareIDs(context)
            let kid = try HTTPExchange.parameter("kid", in: context)
            return try await softwareAction(request, ids, runtime: runtime, returningTo: "keys") { caller, _ in
                try await runtime.directory.revokeKey(kid: kid, of: ids.keyOwner, reason: "revoked in the console", by: caller)
            }
        }

        routes.add(.post, "\(item)/certificates") { request, context in
            let ids = try SoftwareIDs(context)
            return try await softwareAction(request, ids, runtime: runtime, returningTo: "certificates") { caller, form in
                let purpose: CertificatePurpose = try InputRules.choice(form("purpose") ?? "", field: "purpose")
                _ = try await runtime.certificates.issue(
                    csrPEM: form("csr") ?? "", purpose: purpose, softwareID: ids.software, organisationID: ids.organisation, by: caller)
                RegistrarMetrics.certificatesIssued(purpose.rawValue).increment()
            }
        }

        routes.add(.post, "\(item)/certificates/{serialNumber}/revoke") { request, context in
            let ids = try SoftwareIDs(context)
            let serial = try HTTPExchange.parameter("serialNumber", in: context)
            return try await softwareAction(request, ids, runtime: runtime, returningTo: "certificates") { caller, form in
                let reason: RevocationReason = try InputRules.choice(form("reason") ?? "", field: "reason")
                try await requireCertificate(serial, of: ids, runtime: runtime)
                try await runtime.certificates.revoke(serialNumber: serial, reason: reason, by: caller)
                RegistrarMetrics.certificatesRevoked(reason.rawValue).increment()
            }
        }

        // The certificate and the directory's issuing CA, leaf first (RFC 8446 §4.4.2's order, what a TLS
        // server or client is configured with); the root is the trust anchor, published at /pki/root.cer.
        routes.add(.get, "\(item)/certificates/{serialNumber}/chain.pem") { request, context in
            let ids = try SoftwareIDs(context)
            let serial = try HTTPExchange.parameter("serialNumber", in: context)
            guard let caller = try await ConsoleSession.signedIn(request, runtime: runtime) else {
                return ConsoleRoutes.redirect(to: "/console/sign-in", cookie: nil)
            }
            return try await PeopleConsoleRoutes.refusedAsPage(directory: runtime.configuration.publicURL) {
                _ = try await runtime.directory.software(ids.software, in: ids.organisation, for: caller)
                let issued = try await requireCertificate(serial, of: ids, runtime: runtime)
                let issuing = try CertificateBundle.pem(try await runtime.certificateAuthority.certificates().issuing)
                return download(
                    Data((issued.certificatePEM + "\n" + issuing + "\n").utf8), type: "application/pem-certificate-chain",
                    name: "\(issued.id).pem")
            }
        }
    }

    /// One change from the software's page: done, back to the page's `section`; refused, the page again
    /// with the reason above it.
    private static func softwareAction(
        _ request: Request, _ ids: SoftwareIDs, runtime: DirectoryRuntime, returningTo section: String,
        _ change: @escaping (Caller, ConsoleForm) async throws -> Void
    ) async throws -> Response {
        try await ConsoleRoutes.consoleAction(
            request, runtime: runtime,
            refusedOn: { caller, problem in try await page(ids, for: caller, runtime: runtime, problem: problem) }
        ) { caller, form in
            try await change(caller, form)
            return ConsoleRoutes.redirect(to: HTMLDocument.path(ids.page) + "#\(section)", cookie: nil)
        }
    }

    private static func page(_ ids: SoftwareIDs, for caller: Caller, runtime: DirectoryRuntime, problem: String? = nil) async throws -> Data
    {
        let directory = runtime.directory
        let organisation = try await directory.organisation(ids.organisation, for: caller)
        let software = try await directory.software(ids.software, in: ids.organisation, for: caller)
        let profile = runtime.configuration.profile
        let claimable = SoftwareRoles.claimable(by: organisation, in: profile)
        let view = SoftwarePages.SoftwareView(
            organisation: organisation, software: software, keys: try await directory.keys(of: software.id),
            certificates: try await runtime.certificates.certificates(
                softwareID: software.id, organisationID: organisation.id, for: caller),
            missingForAssertion: profile.claimSet.missingData(software: software, organisation: organisation),
            claimableRoles: claimable + software.roles.filter { !claimable.contains($0) },
            managesSoftware: caller.may(.manageSoftware(id: software.id), inOrganisation: organisation.id),
            fetchesAssertion: caller.may(.fetchAssertion(softwareID: software.id), inOrganisation: organisation.id),
            jwksURL: runtime.configuration.keystore.softwareJWKS(organisation.id, software.id))
        return SoftwarePages.page(view, signedInAs: caller.consoleName, directory: runtime.configuration.publicURL, problem: problem)
    }

    /// The certificate `serial`, when it is this software's: a path naming one software statement never
    /// reaches another's certificate.
    @discardableResult
    private static func requireCertificate(_ serial: String, of ids: SoftwareIDs, runtime: DirectoryRuntime) async throws
        -> IssuedCertificate
    {
        guard let issued = try await runtime.certificates.certificate(serialNumber: serial), issued.softwareID == ids.software,
            issued.organisationID == ids.organisation
        else { throw DirectoryError.notFound("no certificate \(serial.prefix(40)) for this software statement") }
        return issued
    }

    private static func download(_ body: Data, type: String, name: String) -> Response {
        var headers = ConsolePage.headers
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func pagePath(of software: SoftwareStatement) -> [String] {
        ["console", "organisations", software.organisationID, "software", software.id]
    }
}

/// The organisation and software statement a console path names.
private struct SoftwareIDs {
    let organisation: String
    let software: String

    init(_ context: RegistrarRequestContext) throws {
        organisation = try HTTPExchange.parameter("organisationId", in: context)
        software = try HTTPExchange.parameter("softwareStatementId", in: context)
    }

    var keyOwner: ParticipantDirectory.KeyOwner { .software(organisationID: organisation, softwareID: software) }
    var page: [String] { ["console", "organisations", organisation, "software", software] }
}
