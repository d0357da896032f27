import ChildProcess
import Crypto
import Directory
import Foundation
import Keys
import PKI
import Registration
import Storage
import Testing
import X509

/// The ecosystems' published SSAs and request JWTs (../shared/reference/samples) through the same checks
/// the registration endpoint runs.
@Suite struct PublishedSamplesTests {
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func sample(_ path: String) throws -> String {
        let folder = try ReferenceData.folder(packageRoot: Self.packageRoot).appending(path: "samples")
        return try String(contentsOf: folder.appending(path: path), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The public key of a certificate as a JWK, the way an operator would trust a directory's signer.
    func jwk(ofCertificate pem: String) throws -> JSONWebKey {
        let certificate = try Certificate(pemEncoded: pem)
        return try PublicKeyMaterial(pem: try certificate.publicKey.serializeAsPEM().pemString).jwk
    }

    /// Runs the SSA checks alone on a request carrying `ssa`, trusting `issuer` with `keys`.
    func checkSSA(_ ssa: String, issuer: String, keys: JSONWebKeySet, profile: RegistrationProfile, at now: Date) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["software_statement": ssa])
        var context = RegistrationContext(
            request: try RegistrationRequest.decode(body, mediaType: "application/json"), certificate: nil,
            settings: RegistrationSettings(
                issuer: "https://bank.example", registrationEndpoint: "https://bank.example/register", profile: profile),
            now: now)
        let environment = RegistrationEnvironment(
            issuers: [TrustedDirectory(issuer: issuer) { kid in keys.candidates(forKID: kid) }], keystores: NoKeystores(),
            statuses: NoKeystores(),
            store: try await TemporaryStore.make())
        for check in [SoftwareStatementChecks.present] + SoftwareStatementChecks.verified {
            try await check.run(&context, environment)
        }
        if profile.name == .cdr { try await SoftwareStatementChecks.notExpired.run(&context, environment) }
    }

    @Test func theUKSSAAndRequestJWTVerifyAgainstObsigningWhenThatKeyIsTrusted() async throws {
        let key = try jwk(ofCertificate: try sample("uk_obie_wso2_docs/obsigning.pem"))
        let ssa = try sample("uk_obie_wso2_docs/02_ssa.jwt")
        let now = Date(timeIntervalSince1970: 1_750_919_500)
        try await checkSSA(ssa, issuer: "OpenBanking Ltd", keys: JSONWebKeySet(keys: [key]), profile: .fapiOBIE, at: now)

        let request = try RegistrationRequest.decode(
            Data(try sample("uk_obie_wso2_docs/01_dcr_request.jwt").utf8), mediaType: "application/jwt")
        #expect(request.form == .signedJWT && request.claims?.issuer == "oQ4KoaavpOuoE7rvQsZEOV")
        #expect(try request.metadata.softwareStatement == ssa, "the nested SSA is the published one")
        #expect(throws: Never.self) { try CompactJWS.verify(request.jwt ?? "", with: key) }

        // Not trusted: the same SSA is unapproved; trusted under another key: invalid.
        await #expect(throws: OAuthError.self) {
            try await checkSSA(ssa, issuer: "Some Other Directory", keys: JSONWebKeySet(keys: [key]), profile: .fapiOBIE, at: now)
        }
        let stranger = try SigningKey.generate(.PS256).publicJWK
        do {
            try await checkSSA(ssa, issuer: "OpenBanking Ltd", keys: JSONWebKeySet(keys: [stranger]), profile: .fapiOBIE, at: now)
            Issue.record("an SSA verified with a stranger's key")
        } catch let error as OAuthError {
            #expect(error.code == "invalid_software_statement")
        }
    }

    @Test func theCDRRegisterSSAVerifiesAsFirstPublishedAndIsRefusedAsLaterEdited() async throws {
        let keys = try JSONDecoder().decode(JSONWebKeySet.self, from: Data(try sample("au_cdr_cds_standards/ssa_signer.jwks.json").utf8))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await checkSSA(
            try sample("au_cdr_cds_standards/01b_ssa_oldest_in_history.jwt"), issuer: "cdr-register", keys: keys, profile: .cdr, at: now)
        do {
            try await checkSSA(try sample("au_cdr_cds_standards/01_ssa.jwt"), issuer: "cdr-register", keys: keys, profile: .cdr, at: now)
            Issue.record("the edited CDR SSA was accepted")
        } catch let error as OAuthError {
            #expect(error.code == "invalid_software_statement" && error.description.contains("signature"))
        }
    }

    @Test func theBrasilJSONRequestDecodesAndItsPublishedFormIsRefused() throws {
        // The sample file wraps the published body as {source, note, body}.
        let wrapped = try JSONSerialization.jsonObject(with: Data(try sample("br_ofb_specs_seguranca/02_dcr_request_body_fixed.json").utf8))
        let body = try JSONSerialization.data(withJSONObject: try #require((wrapped as? [String: Any])?["body"]))
        let fixed = try RegistrationRequest.decode(body, mediaType: "application/json")
        let statement = try fixed.metadata.softwareStatement
        #expect(fixed.form == .json && statement?.isEmpty == false)
        #expect(throws: OAuthError.self) {
            try RegistrationRequest.decode(
                Data(try sample("br_ofb_specs_seguranca/02_dcr_request_body_as_published.txt").utf8), mediaType: "application/json")
        }
    }
}

/// The Brasil sample end to end through `ClientRegistry` under the ofb profile: the published request
/// body, its SSA's published claims signed afresh by a key standing in for the Brasil directory's (whose
/// key is not published), and a client certificate with the UID and organizationIdentifier the spec asks.
@Suite struct PublishedBrasilRequestTests {
    let samples = PublishedSamplesTests()
    let directoryKey = try! SigningKey.generate(.PS256)
    let now = Date()

    func publishedClaims() throws -> [String: Any] {
        let file = try JSONSerialization.jsonObject(with: Data(try samples.sample("br_ofb_specs_seguranca/01_ssa.json").utf8))
        return try #require((file as? [String: Any])?["claims"] as? [String: Any])
    }

    /// The published body, with another SSA when given.
    func publishedBody(softwareStatement: String? = nil) throws -> Data {
        let wrapped = try JSONSerialization.jsonObject(
            with: Data(try samples.sample("br_ofb_specs_seguranca/02_dcr_request_body_fixed.json").utf8))
        var body = try #require((wrapped as? [String: Any])?["body"] as? [String: Any])
        if let softwareStatement { body["software_statement"] = softwareStatement }
        return try JSONSerialization.data(withJSONObject: body)
    }

    func sign(_ claims: [String: Any], with key: SigningKey? = nil) throws -> String {
        try CompactJWS.signJWT(payload: try JSONSerialization.data(withJSONObject: claims), with: key ?? directoryKey)
    }

    /// A transport certificate for the sample software, issued by a throwaway CA.
    /// A client certificate as Brasil's CAs issue them since 31 August 2022 (organizationIdentifier), or,
    /// with `organisationInOU`, as they did before (org_id in OU, issued at that date).
    func certificate(softwareID: String, organisationID: String, organisationInOU issued: Date? = nil) throws -> Certificate {
        let key = P256.Signing.PrivateKey()
        let organisation =
            issued == nil
            ? RelativeDistinguishedName(.init(type: PKIObjectIdentifier.organizationIdentifier, utf8String: "OFBBR-\(organisationID)"))
            : RelativeDistinguishedName(.init(type: .RDNAttributeType.organizationalUnitName, utf8String: organisationID))
        let subject = DistinguishedName([
            RelativeDistinguishedName(.init(type: .RDNAttributeType.countryName, value: try .init(printableString: "BR"))),
            RelativeDistinguishedName(.init(type: .RDNAttributeType.organizationName, utf8String: "Open Banking Brasil")),
            RelativeDistinguishedName(.init(type: .RDNAttributeType.commonName, utf8String: "accounting.raidiam.com")), organisation,
            RelativeDistinguishedName(.init(type: PKIObjectIdentifier.userID, utf8String: softwareID)),
        ])
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: issued ?? now - 3600,
            notValidAfter: now + 86_400,
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: Certificate.Extensions(),
            issuerPrivateKey: .init(key))
    }

    func registry(issuer: String, alsoTrusting other: SigningKey? = nil) async throws -> ClientRegistry {
        let keys = [directoryKey.publicJWK] + (other.map { [$0.publicJWK] } ?? [])
        return ClientRegistry(
            settings: RegistrationSettings(
                issuer: "https://bank.example", registrationEndpoint: "https://bank.example/register", profile: .ofb),
            environment: RegistrationEnvironment(
                issuers: [TrustedDirectory(issuer: issuer) { _ in keys }], keystores: NoKeystores(), statuses: EveryoneActive(),
                store: try await TemporaryStore.make()))
    }

    @Test func thePublishedBrasilRequestIsAcceptedUnderOFBWhenATrustedDirectorySignedItsSSA() async throws {
        var claims = try publishedClaims()
        claims["iat"] = Int(now.timeIntervalSince1970)
        let issuer = try #require(claims["iss"] as? String)
        let (softwareID, organisationID) = (try #require(claims["software_id"] as? String), try #require(claims["org_id"] as? String))
        let ssa = try sign(claims)
        let registry = try await registry(issuer: issuer)
        let certificate = try certificate(softwareID: softwareID, organisationID: organisationID)

        let request = try RegistrationRequest.decode(try publishedBody(softwareStatement: ssa), mediaType: "application/json")
        let created = try await registry.register(request, certificate: certificate, at: now).client
        #expect(created.softwareID == softwareID && created.organisationID == organisationID)
        #expect(created.metadata["software_statement"]?.stringValue == ssa, "the SSA is kept unmodified")
        #expect(created.metadata["redirect_uris"]?.stringArray == ["https://www.raidiam.com/accounting/cb"])
        #expect(created.metadata["token_endpoint_auth_signing_alg"]?.stringValue == "PS256", "the server default fills the omitted alg")
        #expect(created.metadata["software_statement_roles"] != nil, "the SSA's claims are flattened into the client")
        let scopes = Set(created.metadata["scope"]?.stringValue?.split(separator: " ").map(String.init) ?? [])
        #expect(scopes.isSuperset(of: ["openid", "accounts", "consents", "resources", "payments"]), "DADOS and PAGTO scopes: \(scopes)")
        #expect(created.metadata["client_id"] == nil, "the body's client_id is not metadata")

        // Brasil allows one registration per software statement.
        await #expect(throws: OAuthError.self) {
            try await registry.register(
                try RegistrationRequest.decode(try publishedBody(softwareStatement: ssa), mediaType: "application/json"),
                certificate: certificate, at: now)
        }
    }

    /// Eight registrations of one software at once: the store's unique key lets exactly one through. A
    /// disabled holder gives way to a new registration, and cannot be enabled beside it.
    @Test func oneRegistrationPerSoftwareHoldsWhenRegistrationsRace() async throws {
        var claims = try publishedClaims()
        claims["iat"] = Int(now.timeIntervalSince1970)
        let (softwareID, organisationID) = (try #require(claims["software_id"] as? String), try #require(claims["org_id"] as? String))
        let registry = try await registry(issuer: try #require(claims["iss"] as? String))
        let certificate = try certificate(softwareID: softwareID, organisationID: organisationID)
        let body = try publishedBody(softwareStatement: try sign(claims))
        let now = self.now
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        let request = try RegistrationRequest.decode(body, mediaType: "application/json")
                        return try await registry.register(request, certificate: certificate, at: now).client.id
                    } catch let error as OAuthError { return error.description }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = outcomes.filter { !$0.contains("already registered") }
        #expect(created.count == 1, "\(outcomes)")
        let store = registry.environment.store
        #expect(try await store.records(RegisteredClient.self).map(\.record.id) == created)

        let clients = RegisteredClients(store: store)
        let first = try #require(created.first)
        _ = try await clients.setStatus(first, to: .disabled, by: .commandLine(user: "test"), at: now)
        let second = try await registry.register(
            try RegistrationRequest.decode(body, mediaType: "application/json"), certificate: certificate, at: now)
        await #expect(throws: DirectoryError.self) { _ = try await clients.setStatus(first, to: .active, by: .commandLine(user: "test")) }
        try await registry.delete(second.client.id, token: second.registrationAccessToken, certificate: certificate, at: now)
        #expect(try await clients.setStatus(first, to: .active, by: .commandLine(user: "test")).status == .active)
    }

    @Test func theBrasilRulesRefuseTheWrongCertificateAnOldSSAAndAnES256SSA() async throws {
        var claims = try publishedClaims()
        claims["iat"] = Int(now.timeIntervalSince1970)
        let issuer = try #require(claims["iss"] as? String)
        let softwareID = try #require(claims["software_id"] as? String)
        let ellipticKey = try SigningKey.generate(.ES256)
        let registry = try await registry(issuer: issuer, alsoTrusting: ellipticKey)
        func refusal(_ body: Data, _ certificate: Certificate) async throws -> OAuthError? {
            do {
                _ = try await registry.register(
                    try RegistrationRequest.decode(body, mediaType: "application/json"), certificate: certificate, at: now)
                return nil
            } catch let error as OAuthError { return error }
        }
        let good = try publishedBody(softwareStatement: try sign(claims))
        let otherOrganisation = try await refusal(good, try certificate(softwareID: softwareID, organisationID: "another-org"))
        #expect(otherOrganisation?.description.contains("organizationIdentifier") == true, "\(String(describing: otherOrganisation))")
        let otherSoftware = try await refusal(
            good, try certificate(softwareID: "another-software", organisationID: claims["org_id"] as! String))
        #expect(otherSoftware?.description.contains("UID") == true, "\(String(describing: otherSoftware))")

        let right = try certificate(softwareID: softwareID, organisationID: claims["org_id"] as! String)
        var stale = claims
        stale["iat"] = Int(now.timeIntervalSince1970) - 600
        let old = try await refusal(try publishedBody(softwareStatement: try sign(stale)), right)
        #expect(old?.code == "invalid_software_statement" && old?.description.contains("at most 300") == true)
        let elliptic = try await refusal(try publishedBody(softwareStatement: try sign(claims, with: ellipticKey)), right)
        #expect(elliptic?.code == "invalid_software_statement" && elliptic?.description.contains("PS256 only") == true)
        // Certificates from before 31 August 2022 name the organisation in OU; later ones must not.
        let july2022 = try #require(ISO8601DateFormatter().date(from: "2022-07-01T00:00:00Z"))
        let september2022 = try #require(ISO8601DateFormatter().date(from: "2022-09-01T00:00:00Z"))
        let organisationID = claims["org_id"] as! String
        let wrongUnit = try await refusal(
            good, try certificate(softwareID: softwareID, organisationID: "another-org", organisationInOU: july2022))
        #expect(wrongUnit?.description.contains("has no OU \(organisationID)") == true, "\(String(describing: wrongUnit))")
        let lateUnit = try await refusal(
            good, try certificate(softwareID: softwareID, organisationID: organisationID, organisationInOU: september2022))
        #expect(lateUnit?.description.contains("no organizationIdentifier") == true, "\(String(describing: lateUnit))")
        let oldStyle = try await refusal(
            good, try certificate(softwareID: softwareID, organisationID: organisationID, organisationInOU: july2022))
        #expect(oldStyle == nil, "a pre-2022 certificate with OU = org_id registers: \(String(describing: oldStyle))")

        // As published (2021, signed by the real directory, whose key is not trusted here).
        let published = try await refusal(try publishedBody(), right)
        #expect(published?.code == "invalid_software_statement" && published?.description.contains("signature") == true)
    }
}

struct EveryoneActive: ParticipantStatusSource {
    func isActive(softwareID: String, organisationID: String?, issuer: String) async throws -> Bool { true }
}

/// A registration environment without remote sources, for checks that never reach them.
struct NoKeystores: SoftwareKeystoreSource, ParticipantStatusSource {
    func keys(at url: String, kid: String?) async throws -> [JSONWebKey] {
        throw OAuthError.invalidSoftwareStatement("no keystores in this test")
    }
    func isActive(softwareID: String, organisationID: String?, issuer: String) async throws -> Bool { false }
}

enum TemporaryStore {
    static func make() async throws -> any DirectoryStore {
        let folder = FileManager.default.temporaryDirectory.appending(path: "registrar-registration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try SQLiteDirectoryStore(path: folder.appending(path: "registrar.sqlite").path)
    }
}
