import ChildProcess
import Directory
import Foundation
import HTTPTypes
import Keys
import RegistrarServer
import Registration
import Testing

/// Fuzzing `POST /register` through the HTTP API: request JWTs whose claims are mutated and then signed
/// with a real key of the software (so the mutations reach every metadata check), raw byte mutations of
/// signed requests and JSON bodies, and mutated RFC 9440 `Client-Cert` headers from a trusted proxy.
/// Every answer must be a 201 or an RFC 7591 error (400/401 JSON with `error`), never a 5xx, and the
/// server must still register a good request at the end.
///
/// Deterministic: the seed is fixed (REGISTRAR_FUZZ_SEED overrides it, REGISTRAR_FUZZ_ITERATIONS the
/// count) and printed with any failure, so a finding replays.
@Suite struct RegistrationFuzzTests {
    static let registrationErrors: Set<String> = [
        "invalid_software_statement", "unapproved_software_statement", "invalid_redirect_uri", "invalid_client_metadata", "invalid_token",
    ]

    @Test func mutatedRequestsGetAnRFC7591AnswerAndNeverA5xx() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["REGISTRAR_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5eed_7591
        let iterations = environment["REGISTRAR_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 400
        try await LiveDirectory.run(configure: { $0.trustedProxies = try! TrustedProxies(parsing: "127.0.0.1") }) { live in
            let openssl = try OpenSSLCommand()
            let (_, certificate) = try await live.issueCertificate("transport", openssl: openssl)
            let key = try SigningKey.generate(.ES256)
            let path =
                "/organisations/\(live.credentials.providerOrganisationID)/software-statements/\(live.credentials.softwareStatementID)"
            let uploaded = try await live.request(
                .post, "\(path)/keys", token: live.credentials.providerToken, body: try JOSEJSON.encoder.encode(key.publicJWK))
            #expect(uploaded.status == .created, "\(uploaded.text)")
            let ssa = try await live.get("\(path)/assertion", token: live.credentials.providerToken).text
            var fuzzer = RequestFuzzer(
                seed: seed, software: live.credentials.softwareStatementID, audience: live.baseURL, ssa: ssa, key: key,
                certificate: certificate)

            var outcomes: [Int: Int] = [:]
            for iteration in 0..<iterations {
                let attempt = try fuzzer.next()
                if environment["REGISTRAR_FUZZ_TRACE"] != nil { print("fuzz \(iteration) \(attempt.kind) \(attempt.body.count) bytes") }
                var headers: HTTPFields = [.contentType: attempt.contentType]
                if let header = attempt.clientCert { headers[ClientCertificateTests.clientCert] = header }
                let reply = try await live.request(.post, "/register", headers: headers, body: attempt.body, contentType: nil)
                outcomes[Int(reply.status.code), default: 0] += 1
                let body = (try? reply.object()) ?? [:]
                let replay = "seed \(seed) iteration \(iteration) (\(attempt.kind)): \(reply.status.code) \(reply.text.prefix(300))"
                #expect(reply.status.code < 500, "\(replay)")
                if reply.status != .created {
                    #expect([400, 401, 413, 415].contains(Int(reply.status.code)), "\(replay)")
                    #expect(Self.registrationErrors.contains(body["error"] as? String ?? ""), "\(replay)")
                }
            }
            print("registration fuzz, seed \(seed): \(iterations) requests, answers \(outcomes.sorted { $0.key < $1.key })")
            #expect(outcomes[201, default: 0] > 0, "some mutations still register: the fuzzer reaches past the checks")

            let good = try fuzzer.validRequest()
            let reply = try await live.request(
                .post, "/register",
                headers: [.contentType: "application/jwt", ClientCertificateTests.clientCert: fuzzer.certificateHeader],
                body: good, contentType: nil)
            #expect(reply.status == .created, "the server still registers after the fuzzing: \(reply.text)")
        }
    }
}

/// Makes one hostile registration request at a time from a seeded generator.
struct RequestFuzzer {
    struct Attempt {
        var kind: String
        var body: Data
        var contentType: String
        var clientCert: String?
    }

    var random: SplitMix64
    let software: String
    let audience: String
    let ssa: String
    let key: SigningKey
    let certificate: Data
    var certificateHeader: String { ":\(certificate.base64EncodedString()):" }

    init(seed: UInt64, software: String, audience: String, ssa: String, key: SigningKey, certificate: Data) {
        self.random = SplitMix64(seed: seed)
        self.software = software
        self.audience = audience
        self.ssa = ssa
        self.key = key
        self.certificate = certificate
    }

    func claims() -> [String: Any] {
        RegistrationRequestTemplate.requestClaims(
            softwareID: software, ssa: ssa, audience: audience, now: Int(Date().timeIntervalSince1970), lifetime: 600)
    }

    func validRequest() throws -> Data { try sign(claims()) }

    func sign(_ claims: [String: Any]) throws -> Data {
        Data(try CompactJWS.signJWT(payload: try JSONSerialization.data(withJSONObject: claims), with: key).utf8)
    }

    mutating func next() throws -> Attempt {
        switch random.below(10) {
        case 0...4:
            var claims = claims()
            for _ in 0...random.below(3) { mutate(&claims) }
            return Attempt(
                kind: "signed mutated claims", body: try sign(claims), contentType: "application/jwt", clientCert: certificateHeader)
        case 5, 6:
            return Attempt(
                kind: "mutated bytes of a signed request", body: mutateBytes(try validRequest()), contentType: "application/jwt",
                clientCert: certificateHeader)
        case 7:
            var claims = claims()
            for _ in 0...random.below(3) { mutate(&claims) }
            let json = (try? JSONSerialization.data(withJSONObject: claims)) ?? Data("{}".utf8)
            return Attempt(
                kind: "JSON body", body: random.below(2) == 0 ? json : mutateBytes(json), contentType: "application/json",
                clientCert: certificateHeader)
        case 8:
            return Attempt(
                kind: "mutated Client-Cert", body: try validRequest(), contentType: "application/jwt", clientCert: mutatedHeader())
        default:
            let types = ["application/jwt", "application/jose", "text/plain", "application/json; charset=utf-8", "", "application/jwt, x"]
            return Attempt(
                kind: "odd content type", body: try validRequest(), contentType: types[random.below(types.count)],
                clientCert: certificateHeader)
        }
    }

    static let names = [
        "iss", "aud", "iat", "exp", "jti", "nbf", "software_id", "software_statement", "redirect_uris", "token_endpoint_auth_method",
        "token_endpoint_auth_signing_alg", "grant_types", "response_types", "id_token_signed_response_alg", "request_object_signing_alg",
        "application_type", "scope", "jwks", "jwks_uri", "tls_client_auth_subject_dn", "client_id", "client_name", "software_roles",
    ]

    mutating func mutate(_ claims: inout [String: Any]) {
        let name = Self.names[random.below(Self.names.count)]
        if random.below(6) == 0 {
            claims[name] = nil
        } else {
            claims[name] = hostileValue(depth: 0)
        }
    }

    mutating func hostileValue(depth: Int) -> Any {
        switch random.below(depth > 2 ? 9 : 12) {
        case 0: return ""
        case 1: return String(repeating: "A", count: 1 + random.below(20_000))
        case 2:
            return [
                "https://localhost/cb", "javascript:alert(1)", "https://tpp.example/callback#frag", "http://tpp.example/cb", "\u{0000}",
                "\u{202E}evil", "CN=x,O=\\,,C=GB", "#0403", "𝓤𝓷𝓲𝓬𝓸𝓭𝓮",
            ][random.below(9)]
        case 3: return [Int.max, Int.min, 0, -1, 4_102_444_800_000][random.below(5)]
        case 4: return [1e308, -0.0, 1.5, 3.4e-300][random.below(4)]
        case 5: return random.below(2) == 0
        case 6: return NSNull()
        case 7: return ssa
        case 8: return software
        // Long arrays at the top only, short ones below: the generator must stay small itself.
        case 9: return (0..<random.below(depth == 0 ? 300 : 4)).map { _ in hostileValue(depth: depth + 1) }
        case 10: return ["keys": [["kty": "oct", "k": "c2VjcmV0"]], "nested": hostileValue(depth: depth + 1)]
        default:
            var nested: Any = "deep"
            for _ in 0..<(50 + random.below(400)) { nested = [nested] }
            return nested
        }
    }

    mutating func mutateBytes(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        for _ in 0...random.below(8) where !bytes.isEmpty {
            let index = random.below(bytes.count)
            switch random.below(5) {
            case 0: bytes[index] ^= UInt8(1 << random.below(8))
            case 1: bytes.removeSubrange(index..<min(bytes.count, index + 1 + random.below(64)))
            case 2: bytes.insert(contentsOf: Array([".", "{", "\"", "\\", "%", "="].randomElement(using: &random)!.utf8), at: index)
            case 3: bytes[index] = UInt8(random.below(256))
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return Data(bytes)
    }

    mutating func mutatedHeader() -> String {
        switch random.below(4) {
        case 0: return ":\(mutateBytes(certificate).base64EncodedString()):"
        case 1: return ":\(Data(certificate.prefix(random.below(certificate.count))).base64EncodedString()):"
        case 2: return String(decoding: mutateBytes(Data(certificateHeader.utf8)), as: UTF8.self)
        default: return ":\(Data((0..<random.below(2000)).map { _ in UInt8(random.below(256)) }).base64EncodedString()):"
        }
    }
}

/// A small, fast, seedable generator: the same seed gives the same requests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
}
