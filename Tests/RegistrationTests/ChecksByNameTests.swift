import Directory
import Foundation
import Keys
import PKI
import Registration
import Testing
import X509

/// Every check of a profile, aimed at by its name, in process (no TLS, no Python, no server): a request
/// that all checks accept, then for each check one change that it alone refuses, and the refusal names it.
@Suite struct ChecksByNameTests {
    /// A UK registration under evaluation: a directory and a software key, an SSA and a request JWT built
    /// from `ssaChanges` and `requestChanges` (nil removes a member), and the client's certificate.
    struct Case {
        static let directoryKey = try! SigningKey.generate(.ES256)
        static let softwareKey = try! SigningKey.generate(.PS256)
        static let softwareID = "0f6b5c3e-2d4a-4b8e-9a1c-7e5d3f2b1a09"
        static let issuer = "https://directory.example"
        static let bank = "https://bank.example"
        static let jwksURI = "https://directory.example/organisations/o/software-statements/s/jwks"

        var ssaChanges: [String: Any?] = [:]
        var requestChanges: [String: Any?] = [:]
        var ssaKey = directoryKey
        var requestKey = softwareKey
        var certificateName: String? = softwareID
        var asJSON = false
        var active = true

        func ssa(now: Date) throws -> String {
            var claims: [String: Any] = [
                "iss": Self.issuer, "iat": Int(now.timeIntervalSince1970) - 10, "exp": Int(now.timeIntervalSince1970) + 600,
                "jti": UUID().uuidString, "software_id": Self.softwareID, "org_id": "o", "software_roles": ["AISP"],
                "software_redirect_uris": ["https://tpp.example/callback"], "software_jwks_endpoint": Self.jwksURI,
            ]
            for (name, value) in ssaChanges { claims[name] = value }
            return try CompactJWS.signJWT(payload: try JSONSerialization.data(withJSONObject: claims), with: ssaKey)
        }

        func context(now: Date) throws -> RegistrationContext {
            var members = try RegistrationRequestTemplate(profile: .fapiOBIE, ssa: try ssa(now: now), audience: Self.bank, now: now).members
            members["scope"] = "openid accounts"
            for (name, value) in requestChanges { members[name] = value }
            let payload = try JSONSerialization.data(withJSONObject: members)
            let request =
                asJSON
                ? try RegistrationRequest.decode(payload, mediaType: "application/json")
                : try RegistrationRequest.decode(
                    Data(try CompactJWS.signJWT(payload: payload, with: requestKey).utf8), mediaType: "application/jwt")
            let certificate = try certificateName.map {
                try CertificateAuthorityKey.makeRoot(commonName: $0, organisation: "Sandbox Budgeting Ltd", now: now).certificate
            }
            return RegistrationContext(
                request: request, certificate: certificate,
                settings: RegistrationSettings(issuer: Self.bank, registrationEndpoint: "\(Self.bank)/register", profile: .fapiOBIE),
                now: now)
        }

        func environment() async throws -> RegistrationEnvironment {
            let directoryKey = Self.directoryKey.publicJWK
            return RegistrationEnvironment(
                issuers: [TrustedDirectory(issuer: Self.issuer) { _ in [directoryKey] }],
                keystores: Keystore(keys: [Self.jwksURI: [Self.softwareKey.publicJWK]]), statuses: Statuses(active: active),
                store: try await TemporaryStore.make())
        }

        /// The check that refused, or nil when every check accepted.
        func refusingCheck() async throws -> String? {
            let now = Date()
            var context = try context(now: now)
            do {
                try await RegistrationProfile.fapiOBIE.evaluate(&context, try await environment())
                return nil
            } catch let refusal as OAuthError {
                return refusal.check
            }
        }
    }

    struct Keystore: SoftwareKeystoreSource {
        let keys: [String: [JSONWebKey]]
        func keys(at url: String, kid: String?) async throws -> [JSONWebKey] { keys[url] ?? [] }
    }

    struct Statuses: ParticipantStatusSource {
        let active: Bool
        func isActive(softwareID: String, organisationID: String?, issuer: String) async throws -> Bool { active }
    }

    static let stranger = try! SigningKey.generate(.PS256)

    /// One change per check that it alone refuses.
    static var cases: [(check: String, case: Case)] {
        [
            ("request is a signed JWT", Case(asJSON: true)),
            ("client certificate presented", Case(certificateName: nil)),
            ("software statement present", Case(requestChanges: ["software_statement": nil])),
            ("software statement signed by a trusted issuer", Case(ssaKey: stranger)),
            ("software statement issued in the past", Case(ssaChanges: ["iat": Int(Date().timeIntervalSince1970) + 3600])),
            ("software and organisation active at the directory", Case(active: false)),
            ("request signed by a key of the software's JWKS", Case(requestKey: stranger)),
            ("request JWT iss, aud, exp and iat", Case(requestChanges: ["aud": "https://another-bank.example"])),
            ("software_id matches the software statement", Case(requestChanges: ["software_id": "another-software"])),
            ("client certificate names the software", Case(certificateName: "another-software")),
            ("redirect_uris within the software statement's", Case(requestChanges: ["redirect_uris": ["https://tpp.example/elsewhere"]])),
            ("keys by reference to the software statement's JWKS", Case(requestChanges: ["jwks": ["keys": []]])),
            ("token endpoint authentication method", Case(requestChanges: ["token_endpoint_auth_method": "client_secret_basic"])),
            ("grant types, response types, algorithms and application type", Case(requestChanges: ["grant_types": ["password"]])),
            ("scopes within the software's roles", Case(requestChanges: ["scope": "payments"])),
            ("request JWT not replayed", Case(requestChanges: ["jti": nil])),
        ]
    }

    @Test func aGoodRequestPassesEveryCheck() async throws {
        #expect(try await Case().refusingCheck() == nil)
    }

    @Test func everyCheckOfTheProfileIsAimedAt() {
        #expect(Self.cases.map(\.check) == RegistrationProfile.fapiOBIE.checks.map(\.name))
    }

    @Test(arguments: cases.indices)
    func eachCheckRefusesWhatItIsAbout(index: Int) async throws {
        let (check, aimed) = Self.cases[index]
        #expect(try await aimed.refusingCheck() == check)
    }

    @Test func checkNamesAreUniqueWithinEachProfile() {
        for name in RegistrationProfile.Name.allCases {
            let names = RegistrationProfile.named(name).checks.map(\.name)
            #expect(Set(names).count == names.count, "\(name.rawValue): \(names)")
        }
    }
}
