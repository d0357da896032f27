import ChildProcess
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
            issuers: [TrustedSSAIssuer(issuer: issuer) { kid in keys.candidates(forKID: kid) }], keystores: NoKeystores(),
            statuses: NoKeystores(),
            store: try await TemporaryStore.make())
        for check in [SoftwareStatementChecks.present, SoftwareStatementChecks.signedByTrustedIssuer] {
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
