import ChildProcess
import Crypto
import Directory
import Foundation
import HTTPTypes
import Keys
import Testing

@testable import RegistrarServer

/// A provider's software and a bank's authorisation servers through the console's HTTP: each form
/// changes what the API publishes, a refusal is shown on the page it came from, and roles hold.
@Suite struct SoftwareConsoleTests: ConsoleDriving {
    let people = PeopleConsoleTests()

    @Test func aProviderCreatesSoftwareAddsAKeyTakesACertificateFromTheShownCommandAndDownloadsAnSSA() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let (cookie, _) = try await people.signedIn(
                live, "ben@tpp.example", to: Membership(organisationID: provider, role: .administrator))
            let organisation = try await page(live, "/console/organisations/\(provider)", cookie: cookie)
            #expect(organisation.text.contains("New software statement") && organisation.text.contains("value=\"AISP\""))
            #expect(!organisation.text.contains("value=\"ASPSP\""), "only the organisation's authorised roles are offered")

            let created = try await post(
                live, "/console/organisations/\(provider)/software",
                [
                    ("client_name", "Ben's Budgeting"), ("mode", "Live"),
                    ("redirect_uris", "https://tpp.example/cb\r\nhttps://tpp.example/cb2"),
                    ("roles", "AISP"), ("roles", "PISP"), ("description", ""),
                ], cookie: cookie)
            #expect(created.status == .seeOther, "\(created.text)")
            let location = try #require(created.headers[.location])
            let softwareID = try #require(location.split(separator: "/").last.map(String.init))
            let api = try await live.get(
                "/organisations/\(provider)/software-statements/\(softwareID)", token: live.credentials.providerToken)
            let record = try api.object()
            #expect(record["clientName"] as? String == "Ben's Budgeting" && record["roles"] as? [String] == ["AISP", "PISP"])
            #expect(record["redirectUris"] as? [String] == ["https://tpp.example/cb", "https://tpp.example/cb2"])
            #expect(record["description"] == nil, "an empty field is no value")

            // A key, as PEM.
            let key = P256.Signing.PrivateKey()
            let added = try await post(
                live, "\(location)/keys", [("key", key.publicKey.pemRepresentation), ("use", "sig")], cookie: cookie)
            #expect(added.status == .seeOther && added.headers[.location] == "\(location)#keys", "\(added.text)")
            let jwks = try await live.get("/organisations/\(provider)/software-statements/\(softwareID)/jwks").object()
            let kids = (jwks["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
            #expect(kids.count == 1)

            // The CSR from the command the page shows, run as a person would paste it.
            let softwarePage = try await page(live, location, cookie: cookie)
            #expect(softwarePage.status == .ok && softwarePage.text.contains("Download a new SSA"))
            let shown = try #require(softwarePage.text.firstMatch(of: /<pre id="csr-command">([^<]+)<\/pre>/)?.1)
            let command = String(shown).replacingOccurrences(of: "&quot;", with: "\"")
            let openssl = try OpenSSLCommand()
            let made = try await ChildProcess.run("/bin/sh", ["-c", command], directory: openssl.folder)
            #expect(made.status == 0, "\(made.errors)")
            let ordered = try await post(
                live, "\(location)/certificates", [("purpose", "transport"), ("csr", try openssl.read("\(softwareID).csr"))], cookie: cookie
            )
            #expect(ordered.status == .seeOther, "\(ordered.text)")
            let issued = try #require(
                try await live.runtime.certificates.certificates(softwareID: softwareID, organisationID: provider, for: .system).first)

            // The chain downloads, and openssl verifies it to the directory's root.
            let chain = try await page(live, "\(location)/certificates/\(issued.id)/chain.pem", cookie: cookie)
            #expect(chain.status == .ok && chain.headers[.contentType] == "application/pem-certificate-chain")
            #expect(chain.headers[.contentDisposition] == "attachment; filename=\"\(issued.id).pem\"")
            #expect(chain.text.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 3, "the certificate and the issuing CA")
            let root = try await live.get("/pki/root.cer")
            try openssl.write("root.cer", bytes: root.body)
            try openssl.write("chain.pem", chain.text)
            try await openssl.require(["x509", "-inform", "DER", "-in", openssl.path("root.cer"), "-out", openssl.path("root.pem")])
            let verified = try await openssl.run(
                ["verify", "-CAfile", openssl.path("root.pem"), "-untrusted", openssl.path("chain.pem"), openssl.path("chain.pem")])
            #expect(verified.output.contains(": OK"), "\(verified.output)\(verified.errors)")

            // The SSA, a download of the same JWT the API issues.
            let assertion = try await page(live, "\(location)/assertion.jwt", cookie: cookie)
            #expect(assertion.status == .ok && assertion.headers[.contentType] == "application/jwt")
            let claims = try JSONSerialization.jsonObject(with: try CompactJWS.decode(assertion.text).payload) as? [String: Any]
            #expect(claims?["software_id"] as? String == softwareID)

            // Revoked from the page: the CRL-backed record says so, and the page no longer offers it.
            let revoked = try await post(
                live, "\(location)/certificates/\(issued.id)/revoke", [("reason", "superseded")], cookie: cookie)
            #expect(revoked.status == .seeOther, "\(revoked.text)")
            #expect(try await live.runtime.certificates.certificate(serialNumber: issued.id)?.status == .revoked)
        }
    }

    @Test func detailsChangeAndRemovalAsksForTheWordsThatItIsFinal() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let software = live.credentials.softwareStatementID
            let (cookie, _) = try await people.signedIn(
                live, "tia@tpp.example", to: Membership(organisationID: provider, role: .technicalContact))
            let path = "/console/organisations/\(provider)/software/\(software)"
            let before = try await live.runtime.directory.software(software, in: provider)

            let renamed = try await post(
                live, path,
                [("client_name", "Renamed"), ("redirect_uris", before.redirectURIs.joined(separator: "\n"))]
                    + before.roles.map { ("roles", $0) },
                cookie: cookie)
            #expect(renamed.status == .seeOther && renamed.headers[.location] == "\(path)#details", "\(renamed.text)")
            let after = try await live.runtime.directory.software(software, in: provider)
            #expect(after.clientName == "Renamed" && after.roles == before.roles && after.status == .active)
            let events = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000)
            #expect(events.contains { $0.action == "software.update" && $0.actor == "person:tia@tpp.example" })

            // A refusal is shown on the software's page, beside its forms, and changes nothing.
            let unauthorised = try await post(live, path, [("client_name", "X"), ("roles", "ASPSP")], cookie: cookie)
            #expect(unauthorised.status == .badRequest && unauthorised.text.contains("role=\"alert\""))
            #expect(unauthorised.text.contains("Change the details") && unauthorised.text.contains("ASPSP"))
            #expect(try await live.runtime.directory.software(software, in: provider).clientName == "Renamed")

            let unconfirmed = try await post(live, "\(path)/status", [("status", "Removed")], cookie: cookie)
            #expect(unconfirmed.status == .badRequest && unconfirmed.text.contains("Removed is final"))
            #expect(try await live.runtime.directory.software(software, in: provider).status == .active)
            let removed = try await post(live, "\(path)/status", [("status", "Removed"), ("confirm", "yes")], cookie: cookie)
            #expect(removed.status == .seeOther)
            let final = try await page(live, path, cookie: cookie)
            #expect(final.text.contains("Removed") && !final.text.contains("Change the details") && !final.text.contains("Add the key"))
        }
    }

    @Test func aReadOnlyMemberChangesNothingAndAnotherOrganisationsMemberSeesNothing() async throws {
        try await LiveDirectory.run { live in
            let provider = live.credentials.providerOrganisationID
            let bank = live.credentials.bankOrganisationID
            let software = live.credentials.softwareStatementID
            let path = "/console/organisations/\(provider)/software/\(software)"
            let keysBefore = try await live.runtime.directory.keys(of: software)
            let (reader, _) = try await people.signedIn(live, "rita@tpp.example", to: Membership(organisationID: provider, role: .readOnly))

            let readable = try await page(live, path, cookie: reader)
            #expect(readable.status == .ok && readable.text.contains("Your role does not fetch SSAs"))
            #expect(!readable.text.contains("<form method=\"post\" action=\"\(path)"), "no form to change anything")
            let pem = P256.Signing.PrivateKey().publicKey.pemRepresentation
            let refused = try await post(live, "\(path)/keys", [("key", pem), ("use", "sig")], cookie: reader)
            #expect(refused.status == .forbidden && refused.text.contains("role=\"alert\""))
            #expect(try await page(live, "\(path)/assertion.jwt", cookie: reader).status == .forbidden)
            let created = try await post(live, "/console/organisations/\(provider)/software", [("client_name", "Sneaky")], cookie: reader)
            #expect(created.status == .forbidden)

            let (outsider, _) = try await people.signedIn(
                live, "otto@bank.example", to: Membership(organisationID: bank, role: .administrator))
            #expect(try await page(live, path, cookie: outsider).status == .forbidden)
            let foreign = try await post(live, "\(path)/keys", [("key", pem), ("use", "sig")], cookie: outsider)
            #expect(foreign.status == .forbidden)
            #expect(try await live.runtime.directory.keys(of: software) == keysBefore)

            // A form posted from another origin never reaches the domain, whoever is signed in.
            let (admin, _) = try await people.signedIn(
                live, "ada@tpp.example", to: Membership(organisationID: provider, role: .administrator))
            let crossSite = try await console.post(
                live, "\(path)/keys", form: [("key", pem), ("use", "sig")], cookie: admin, origin: "https://evil.example")
            #expect(crossSite.status == .forbidden)
            #expect(try await live.runtime.directory.keys(of: software) == keysBefore)
            // A path naming this software never reaches another software's certificate, even in the same organisation.
            let other = try await live.runtime.directory.createSoftware(
                in: provider, NewSoftwareStatement(clientName: "Other"), by: .system)
            let openssl = try OpenSSLCommand()
            let theirs = try await live.runtime.certificates.issue(
                csrPEM: try await openssl.makeCSR(name: "other", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]), purpose: .transport,
                softwareID: other.id, organisationID: provider, by: .system)
            #expect(try await page(live, "\(path)/certificates/\(theirs.id)/chain.pem", cookie: admin).status == .notFound)
            let misdirected = try await post(live, "\(path)/certificates/\(theirs.id)/revoke", [("reason", "superseded")], cookie: admin)
            #expect(misdirected.status == .notFound)
            #expect(try await live.runtime.certificates.certificate(serialNumber: theirs.id)?.status == .active)
            let own = "/console/organisations/\(provider)/software/\(other.id)/certificates/\(theirs.id)/chain.pem"
            #expect(try await page(live, own, cookie: admin).status == .ok)
        }
    }

    @Test func aBankPublishesAnAuthorisationServerThatAppearsInTheParticipantsDocument() async throws {
        try await LiveDirectory.run { live in
            let bank = live.credentials.bankOrganisationID
            let (cookie, _) = try await people.signedIn(
                live, "otto@bank.example", to: Membership(organisationID: bank, role: .administrator))
            let form: [(String, String)] = [
                ("name", "Otto Bank Business"), ("issuer", "https://as.otto-bank.example"),
                ("discovery", "https://as.otto-bank.example/.well-known/openid-configuration"), ("supports_dcr", "yes"),
                ("api_family", "payments"), ("api_version", "3.1.11"),
                ("api_endpoints", "https://api.otto-bank.example/open-banking/v3.1/pisp"),
                ("certification_status", "Certified"),
            ]
            let refused = try await post(
                live, "/console/organisations/\(bank)/authorisation-servers",
                form.map { $0.0 == "issuer" ? ("issuer", "http://as.otto-bank.example") : $0 }, cookie: cookie)
            #expect(refused.status == .badRequest && refused.text.contains("issuer must be an absolute https URI"))

            let published = try await post(live, "/console/organisations/\(bank)/authorisation-servers", form, cookie: cookie)
            #expect(published.status == .seeOther, "\(published.text)")
            let participant = try await live.get("/participants/\(bank)").text
            #expect(participant.contains("https://as.otto-bank.example") && participant.contains("Otto Bank Business"))
            #expect(participant.contains("3.1.11") && participant.contains("Certified"))
            let organisation = try await page(live, "/console/organisations/\(bank)", cookie: cookie)
            #expect(organisation.text.contains("payments 3.1.11 (Certified)"))
        }
    }

    @Test func aBankChangesItsServersResourcesAndTheirCertificationWhichTheParticipantsDocumentCarries() async throws {
        try await LiveDirectory.run { live in
            let bank = live.credentials.bankOrganisationID
            let server = try #require(try await live.runtime.directory.authorisationServers(in: bank).first)
            let resource = try #require(server.apiResources.first)
            let (cookie, _) = try await people.signedIn(
                live, "otto@bank.example", to: Membership(organisationID: bank, role: .administrator))
            let path = "/console/organisations/\(bank)/authorisation-servers/\(server.id)"
            let shown = try await page(live, path, cookie: cookie)
            #expect(shown.status == .ok && shown.text.contains("Add an API resource") && shown.text.contains(resource.family))

            let certified = try await post(
                live, "\(path)/resources/\(resource.id)",
                [
                    ("api_family", resource.family), ("api_version", resource.version),
                    ("api_endpoints", resource.discoveryEndpoints.joined(separator: "\n")), ("certification_status", "Certified"),
                    ("certification_uri", "https://conformance.example/submissions/\(resource.family).zip"),
                    ("certification_start", "2026-11-01"), ("certification_expiry", "2027-11-01"),
                ], cookie: cookie)
            #expect(certified.status == .seeOther && certified.headers[.location] == "\(path)#resources", "\(certified.text)")
            let backwards = try await post(
                live, "\(path)/resources/\(resource.id)",
                [
                    ("api_family", resource.family), ("api_version", resource.version), ("certification_start", "2027-11-01"),
                    ("certification_expiry", "2026-11-01"),
                ], cookie: cookie)
            #expect(backwards.status == .badRequest && backwards.text.contains("must follow its certificationStartDate"))
            #expect(backwards.text.contains("Add an API resource"), "shown on the server's page")

            let added = try await post(
                live, "\(path)/resources",
                [("api_family", "consents"), ("api_version", "2.0.0"), ("certification_status", "Awaiting Certification")],
                cookie: cookie)
            #expect(added.status == .seeOther)
            let twice = try await post(live, "\(path)/resources", [("api_family", "consents"), ("api_version", "2.0.0")], cookie: cookie)
            #expect(twice.status == .badRequest, "each family and version once")

            let participant = try await live.get("/participants/\(bank)").object()
            let published = ((participant["AuthorisationServers"] as? [[String: Any]])?.first?["ApiResources"] as? [[String: Any]]) ?? []
            let same = try #require(published.first { $0["ApiResourceId"] as? String == resource.id }, "the changed resource keeps its id")
            #expect(same["CertificationStatus"] as? String == "Certified")
            #expect(same["ApiCertificationUri"] as? String == "https://conformance.example/submissions/\(resource.family).zip")
            #expect(same["CertificationStartDate"] as? String == "2026-11-01T00:00:00.000Z")
            #expect(same["CertificationExpirationDate"] as? String == "2027-11-01T00:00:00.000Z")
            #expect(published.contains { $0["ApiFamilyType"] as? String == "consents" })

            let consents = try #require(try await live.runtime.directory.authorisationServers(in: bank).first?.apiResources.last)
            #expect(try await post(live, "\(path)/resources/\(consents.id)/remove", [], cookie: cookie).status == .seeOther)
            let renamed = try await post(
                live, path,
                [("name", "Sandbox Bank Business"), ("issuer", server.issuer), ("discovery", server.openIDDiscoveryDocument)],
                cookie: cookie)
            #expect(renamed.status == .seeOther)
            let after = try #require(try await live.runtime.directory.authorisationServers(in: bank).first)
            #expect(after.customerFriendlyName == "Sandbox Bank Business" && !after.supportsDynamicClientRegistration)
            #expect(after.apiResources.map(\.id) == server.apiResources.map(\.id), "details change, resources stay")

            // Another organisation's member reads the page but changes nothing.
            let provider = live.credentials.providerOrganisationID
            let (outsider, _) = try await people.signedIn(
                live, "ben@tpp.example", to: Membership(organisationID: provider, role: .administrator))
            #expect(try await page(live, path, cookie: outsider).status == .forbidden)
            #expect(try await post(live, "\(path)/resources/\(resource.id)/remove", [], cookie: outsider).status == .forbidden)
            let api = try await live.request(
                .put, "/organisations/\(bank)/authorisation-servers/\(server.id)", token: live.credentials.providerToken,
                body: Data(
                    #"{"issuer":"https://x.example","openIDDiscoveryDocument":"https://x.example/d","customerFriendlyName":"X"}"#.utf8))
            #expect(api.status == .forbidden)
            #expect(try await live.runtime.directory.authorisationServers(in: bank).first == after)
        }
    }
}
