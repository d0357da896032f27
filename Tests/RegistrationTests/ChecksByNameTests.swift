import Crypto
import Directory
import Foundation
import Keys
import PKI
import Registration
import SwiftASN1
import Testing
import X509

/// Every check of every profile, aimed at by its name, in process (no TLS, no Python, no server): a
/// request that all of the profile's checks accept, then for each check one change that it alone
/// refuses, and the refusal names it.
@Suite struct ChecksByNameTests {
    static let directoryKey = try! SigningKey.generate(.PS256)
    /// Also the directory's, but ES256: Brasil accepts PS256 SSAs only.
    static let directoryECKey = try! SigningKey.generate(.ES256)
    static let softwareKey = try! SigningKey.generate(.PS256)
    static let stranger = try! SigningKey.generate(.PS256)
    static let softwareID = "0f6b5c3e-2d4a-4b8e-9a1c-7e5d3f2b1a09"
    static let issuer = "https://directory.example"
    static let bank = "https://bank.example"
    static let jwksURI = "https://directory.example/organisations/o/software-statements/s/jwks"

    /// A registration under evaluation in `profile`: an SSA and a request built from `ssaChanges` and
    /// `requestChanges` (nil removes a member), and the client's certificate.
    struct Case {
        var profile: RegistrationProfile.Name
        var ssaChanges: [String: Any?] = [:]
        var requestChanges: [String: Any?] = [:]
        var ssaKey = ChecksByNameTests.directoryKey
        var requestKey = ChecksByNameTests.softwareKey
        var certificateSoftware: String? = ChecksByNameTests.softwareID
        var organisationIdentifier = "OFBBR-o"
        var asJSON = false
        var active = true

        func ssa(now: Date) throws -> String {
            let (iat, exp) = (Int(now.timeIntervalSince1970) - 10, Int(now.timeIntervalSince1970) + 600)
            var claims: [String: Any] = [
                "iss": issuer, "iat": iat, "exp": exp, "jti": UUID().uuidString, "software_id": softwareID, "org_id": "o",
            ]
            switch profile {
            case .fapiOBIE:
                claims.merge(
                    [
                        "software_roles": ["AISP"], "software_redirect_uris": ["https://tpp.example/callback"],
                        "software_jwks_endpoint": jwksURI,
                    ]) { $1 }
            case .cdr:
                claims.merge(["redirect_uris": ["https://tpp.example/callback"], "jwks_uri": jwksURI, "legal_entity_id": "o"]) { $1 }
            case .ofb:
                claims.merge(
                    [
                        "software_statement_roles": [["role": "DADOS", "authorisation_domain": "Open Finance", "status": "Active"]],
                        "software_redirect_uris": ["https://tpp.example/callback"], "software_jwks_uri": jwksURI,
                        "software_client_name": "Sandbox Budget App",
                    ]) { $1 }
            }
            for (name, value) in ssaChanges { claims[name] = value }
            return try CompactJWS.signJWT(payload: try JSONSerialization.data(withJSONObject: claims), with: ssaKey)
        }

        func context(now: Date) throws -> RegistrationContext {
            let template = try RegistrationRequestTemplate(profile: profile, ssa: try ssa(now: now), audience: bank, now: now)
            var members = template.members
            if profile == .fapiOBIE { members["scope"] = "openid accounts" }
            for (name, value) in requestChanges { members[name] = value }
            let payload = try JSONSerialization.data(withJSONObject: members)
            let request =
                asJSON || !template.isSignedRequest
                ? try RegistrationRequest.decode(payload, mediaType: "application/json")
                : try RegistrationRequest.decode(
                    Data(try CompactJWS.signJWT(payload: payload, with: requestKey).utf8), mediaType: "application/jwt")
            return RegistrationContext(
                request: request,
                certificate: try certificateSoftware.map { try Self.certificate(naming: $0, organisationIdentifier, now) },
                settings: RegistrationSettings(
                    issuer: bank, registrationEndpoint: "\(bank)/register", profile: RegistrationProfile.named(profile)),
                now: now)
        }

        /// A client certificate whose CN and UID name the software, with an organizationIdentifier.
        static func certificate(naming software: String, _ organisationIdentifier: String, _ now: Date) throws -> Certificate {
            let key = P256.Signing.PrivateKey()
            let name = DistinguishedName(
                [
                    RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: software),
                    RelativeDistinguishedName.Attribute(type: PKIObjectIdentifier.userID, utf8String: software),
                    RelativeDistinguishedName.Attribute(
                        type: PKIObjectIdentifier.organizationIdentifier, utf8String: organisationIdentifier),
                ].map { RelativeDistinguishedName($0) })
            return try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: now - 60, notValidAfter: now + 3600,
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: Certificate.Extensions(),
                issuerPrivateKey: .init(key))
        }

        /// The check that refused, or nil when every check accepted.
        func refusingCheck() async throws -> String? {
            let now = Date()
            var context = try context(now: now)
            let trusted = [directoryKey.publicJWK, directoryECKey.publicJWK]
            let environment = RegistrationEnvironment(
                issuers: [TrustedDirectory(issuer: issuer) { _ in trusted }], keystores: Keystore(keys: [jwksURI: [softwareKey.publicJWK]]),
                statuses: Statuses(active: active), store: try await TemporaryStore.make())
            do {
                try await RegistrationProfile.named(profile).evaluate(&context, environment)
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

    /// For each profile, one change per check that it alone refuses, in the profile's order.
    static func cases(_ profile: RegistrationProfile.Name) -> [(check: String, case: Case)] {
        let base = Case(profile: profile)
        func with(_ change: (inout Case) -> Void) -> Case {
            var changed = base
            change(&changed)
            return changed
        }
        let now = Int(Date().timeIntervalSince1970)
        let common: [String: Case] = [
            "request is a signed JWT": with { $0.asJSON = true },
            "client certificate presented": with { $0.certificateSoftware = nil },
            "software statement present": with { $0.requestChanges["software_statement"] = .some(nil) },
            "software statement is a signed JWT": with { $0.requestChanges["software_statement"] = "not.a-jwt" },
            "software statement from a trusted directory": with { $0.ssaChanges["iss"] = "https://elsewhere.example" },
            "software statement signature verifies": with { $0.ssaKey = stranger },
            "software statement names its software": with { $0.ssaChanges["software_id"] = "" },
            "software statement signed with PS256": with { $0.ssaKey = directoryECKey },
            "software statement issued in the past": with { $0.ssaChanges["iat"] = now + 3600 },
            "software statement issued within 300 seconds": with { $0.ssaChanges["iat"] = now - 3600 },
            "software statement not expired": with { $0.ssaChanges["exp"] = now - 3600 },
            "software and organisation active at the directory": with { $0.active = false },
            "request signed by a key of the software's JWKS": with { $0.requestKey = stranger },
            "request JWT iss, aud, exp and iat": with { $0.requestChanges["aud"] = "https://another-bank.example" },
            "software_id matches the software statement": with { $0.requestChanges["software_id"] = "another-software" },
            "client certificate names the software": with { $0.certificateSoftware = "another-software" },
            "client certificate UID and organizationIdentifier": with { $0.organisationIdentifier = "OFBBR-another" },
            "redirect_uris within the software statement's": with {
                $0.requestChanges["redirect_uris"] = ["https://tpp.example/elsewhere"]
            },
            "keys by reference to the software statement's JWKS": with { $0.requestChanges["jwks"] = ["keys": []] },
            "token endpoint authentication method": with { $0.requestChanges["token_endpoint_auth_method"] = "client_secret_basic" },
            "tls_client_auth subject DN matches the certificate": with {
                $0.requestChanges["token_endpoint_auth_method"] = "tls_client_auth"
                $0.requestChanges["token_endpoint_auth_signing_alg"] = .some(nil)
                $0.requestChanges["tls_client_auth_subject_dn"] = "CN=another-software"
            },
            "grant types, response types, algorithms and application type": with { $0.requestChanges["grant_types"] = ["password"] },
            "scopes within the software's roles": with { $0.requestChanges["scope"] = "payments" },
            "request JWT not replayed": with { $0.requestChanges["jti"] = .some(nil) },
        ]
        // A check without a change here gets the unchanged case, which passes: the test then fails for it.
        return RegistrationProfile.named(profile).checks.map { check in (check.name, common[check.name] ?? base) }
    }

    @Test(arguments: RegistrationProfile.Name.allCases)
    func aGoodRequestPassesEveryCheck(profile: RegistrationProfile.Name) async throws {
        #expect(try await Case(profile: profile).refusingCheck() == nil)
    }

    @Test(arguments: RegistrationProfile.Name.allCases)
    func eachCheckRefusesWhatItIsAbout(profile: RegistrationProfile.Name) async throws {
        for (check, aimed) in Self.cases(profile) {
            #expect(try await aimed.refusingCheck() == check, "\(profile.rawValue): \(check)")
        }
    }

    @Test func checkNamesAreUniqueWithinEachProfile() {
        for name in RegistrationProfile.Name.allCases {
            let names = RegistrationProfile.named(name).checks.map(\.name)
            #expect(Set(names).count == names.count, "\(name.rawValue): \(names)")
        }
    }
}
