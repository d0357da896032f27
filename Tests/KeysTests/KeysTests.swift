import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Keys
import Testing

@Suite struct JWKThumbprintTests {
    /// RFC 7638 §3.1's own example.
    @Test func rfc7638ExampleKeyHasThePublishedThumbprint() throws {
        let jwk = JSONWebKey(
            kty: "RSA",
            n:
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            e: "AQAB")
        #expect(try JWKThumbprint.sha256(of: jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test func thumbprintIgnoresOptionalMembers() throws {
        let key = try SigningKey.generate(.ES256)
        var decorated = key.publicJWK
        decorated.kid = "something else"
        decorated.use = "enc"
        #expect(try JWKThumbprint.sha256(of: decorated) == key.kid)
    }

    @Test func thumbprintRefusesMembersThatWouldNeedEscaping() {
        let hostile = JSONWebKey(kty: "RSA", n: "abc\",\"x\":\"", e: "AQAB")
        #expect(throws: JWKThumbprint.Failure.missingMember("n")) { try JWKThumbprint.sha256(of: hostile) }
    }
}

@Suite struct Base64URLTests {
    @Test func roundTripsWithoutPadding() {
        let bytes = Data([0xfb, 0xff, 0x00, 0x10])
        let text = Base64URL.encode(bytes)
        #expect(text == "-_8AEA")
        #expect(Base64URL.decode(text) == bytes)
    }

    @Test(arguments: ["a", "ab=", "a+b", "a/b", "a b", "Zm9v\n"])
    func refusesNonURLAlphabetAndBadLengths(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}

@Suite struct CompactJWSTests {
    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var software_id: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test(arguments: SigningAlgorithm.allCases)
    func signedTokenVerifiesHereAndInJWTKit(algorithm: SigningAlgorithm) async throws {
        let key = try SigningKey.generate(algorithm)
        let payload = Data(#"{"iss":"https://directory.example","software_id":"abc"}"#.utf8)
        let token = try CompactJWS.sign(payload: payload, header: JOSEHeader(alg: algorithm, kid: key.kid), with: key)

        let (header, verifiedPayload) = try CompactJWS.verify(token, with: key.publicJWK)
        #expect(header.alg == algorithm.rawValue && header.kid == key.kid && header.typ == "JWT")
        #expect(verifiedPayload == payload)

        // An independent implementation, given only the published JWKS.
        let jwks = String(decoding: try JSONWebKeySet(keys: [key.publicJWK]).encoded(), as: UTF8.self)
        let collection = try await JWTKeyCollection().add(jwksJSON: jwks)
        let claims = try await collection.verify(token, as: Claims.self)
        #expect(claims.software_id == "abc")
    }

    @Test func tamperedPayloadFailsVerification() throws {
        let key = try SigningKey.generate(.ES256)
        let token = try CompactJWS.sign(payload: Data("{}".utf8), header: JOSEHeader(alg: .ES256, kid: key.kid), with: key)
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(Data(#"{"admin":true}"#.utf8))
        #expect(throws: CompactJWS.Failure.badSignature) { try CompactJWS.verify(parts.joined(separator: "."), with: key.publicJWK) }
    }

    @Test func algNoneAndHMACAreRefused() throws {
        let key = try SigningKey.generate(.ES256)
        for alg in ["none", "HS256", "RS256"] {
            let header = Base64URL.encode(Data(#"{"alg":"\#(alg)","kid":"\#(key.kid)"}"#.utf8))
            let token = "\(header).\(Base64URL.encode(Data("{}".utf8)))."
            #expect(throws: (any Error).self) { try CompactJWS.verify(token, with: key.publicJWK) }
        }
    }

    /// RFC 7515 §4.1.11: a JWS naming critical extensions the recipient does not understand is invalid
    /// (Registrar understands none, so `b64: false` with its `crit` is refused too).
    @Test func criticalExtensionsAreRefused() throws {
        let key = try SigningKey.generate(.ES256)
        let header = Base64URL.encode(Data(#"{"alg":"ES256","b64":false,"crit":["b64"]}"#.utf8))
        let payload = Base64URL.encode(Data("{}".utf8))
        let signature = Base64URL.encode(try key.sign(Data("\(header).\(payload)".utf8)))
        #expect(throws: CompactJWS.Failure.criticalExtension) { try CompactJWS.decode("\(header).\(payload).\(signature)") }
    }

    @Test func keyAlgorithmMustMatchTheHeader() throws {
        let rsa = try SigningKey.generate(.PS256)
        let ec = try SigningKey.generate(.ES256)
        let token = try CompactJWS.sign(payload: Data("{}".utf8), header: JOSEHeader(alg: .ES256, kid: ec.kid), with: ec)
        #expect(throws: CompactJWS.Failure.keyDoesNotMatchAlgorithm) { try CompactJWS.verify(token, with: rsa.publicJWK) }
    }

    @Test func signingKeyRoundTripsThroughPKCS8() throws {
        for algorithm in SigningAlgorithm.allCases {
            let key = try SigningKey.generate(algorithm)
            let reopened = try SigningKey(algorithm: algorithm, pkcs8PEM: key.pkcs8PEM)
            #expect(reopened.publicJWK == key.publicJWK)
        }
    }

    @Test func rsaKeysUnder2048BitsAreNeverGenerated() {
        #expect(throws: SigningKey.Failure.rsaKeyTooSmall(bits: 1024)) { try SigningKey.generate(.PS256, rsaBits: 1024) }
    }
}

@Suite struct KeyEncryptionKeyTests {
    @Test func sealedKeyOpensOnlyWithTheSameKEKAndContext() throws {
        let kek = KeyEncryptionKey.generate().key
        let other = KeyEncryptionKey.generate().key
        let sealed = try kek.seal(Data("private".utf8), boundTo: "kid-1")
        #expect(try kek.open(sealed, boundTo: "kid-1") == Data("private".utf8))
        #expect(throws: KeyEncryptionKey.Failure.cannotOpen) { try kek.open(sealed, boundTo: "kid-2") }
        #expect(throws: KeyEncryptionKey.Failure.cannotOpen) { try other.open(sealed, boundTo: "kid-1") }
        #expect(!sealed.contains("private"))
    }

    @Test func kekFileIsCreated0600AndAGroupReadableOneIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appending(path: "kek-\(UUID().uuidString)").path
        let created = try KeyEncryptionKey.loadOrCreate(at: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let sealed = try created.seal(Data("x".utf8), boundTo: "k")
        #expect(try KeyEncryptionKey.loadOrCreate(at: path).open(sealed, boundTo: "k") == Data("x".utf8))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        #expect(throws: KeyEncryptionKey.Failure.tooPermissive(path)) { try KeyEncryptionKey.loadOrCreate(at: path) }
    }
}

@Suite struct PublicKeyImportTests {
    @Test func acceptsAPublicJWKAndKeepsItsKid() throws {
        let key = try SigningKey.generate(.ES256)
        var jwk = key.publicJWK
        jwk.kid = "my-key-1"
        let imported = try PublicKeyImport.jwk(from: try JOSEJSON.encoder.encode(jwk))
        #expect(imported.kid == "my-key-1" && imported.x == jwk.x && imported.use == "sig")
    }

    @Test func acceptsAPEMPublicKeyAndNamesItByThumbprint() throws {
        let key = P256.Signing.PrivateKey()
        let imported = try PublicKeyImport.jwk(from: Data(key.publicKey.pemRepresentation.utf8))
        #expect(imported.kty == "EC" && imported.crv == "P-256")
        #expect(imported.kid == (try JWKThumbprint.sha256(of: imported)))
    }

    @Test func refusesPrivateJWKs() throws {
        let key = P256.Signing.PrivateKey()
        let raw = key.publicKey.rawRepresentation
        let jwk =
            #"{"kty":"EC","crv":"P-256","x":"\#(Base64URL.encode(raw.prefix(32)))","y":"\#(Base64URL.encode(raw.suffix(32)))","d":"\#(Base64URL.encode(key.rawRepresentation))"}"#
        #expect(throws: PublicKeyImport.Failure.containsPrivateMembers) { try PublicKeyImport.jwk(from: Data(jwk.utf8)) }
    }

    @Test func refusesPrivatePEMs() {
        let pem = P256.Signing.PrivateKey().pemRepresentation
        #expect(throws: PublicKeyImport.Failure.containsPrivateMembers) { try PublicKeyImport.jwk(from: Data(pem.utf8)) }
    }

    @Test func refusesSymmetricKeys() {
        #expect(throws: PublicKeyImport.Failure.symmetricKey) { try PublicKeyImport.jwk(from: Data(#"{"kty":"oct","k":"c2VjcmV0"}"#.utf8)) }
    }

    @Test func refusesWeakRSAKeys() throws {
        let weak = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024)).publicKey.getKeyPrimitives()
        let jwk = #"{"kty":"RSA","n":"\#(Base64URL.encode(weak.modulus))","e":"\#(Base64URL.encode(weak.publicExponent))"}"#
        #expect(throws: PublicKeyImport.Failure.weakKey("RSA keys need at least 2048 bits, this one has 1024")) {
            try PublicKeyImport.jwk(from: Data(jwk.utf8))
        }
    }

    @Test func refusesOtherCurvesAndKeyTypes() throws {
        let p521 = P521.Signing.PrivateKey().publicKey.rawRepresentation
        let jwk = #"{"kty":"EC","crv":"P-521","x":"\#(Base64URL.encode(p521.prefix(66)))","y":"\#(Base64URL.encode(p521.suffix(66)))"}"#
        #expect(throws: PublicKeyImport.Failure.weakKey("curve P-521 is not accepted (P-256 or P-384)")) {
            try PublicKeyImport.jwk(from: Data(jwk.utf8))
        }
        #expect(throws: PublicKeyImport.Failure.weakKey("key type OKP is not accepted (RSA or EC)")) {
            try PublicKeyImport.jwk(from: Data(#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#.utf8))
        }
    }

    @Test(arguments: ["", "null", "[]", "{\"kty\":\"EC\"}", "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----", "\u{0}\u{1}"])
    func refusesGarbage(_ upload: String) {
        #expect(throws: PublicKeyImport.Failure.self) { try PublicKeyImport.jwk(from: Data(upload.utf8)) }
    }

    @Test func refusesPointsNotOnTheCurve() {
        let jwk =
            #"{"kty":"EC","crv":"P-256","x":"\#(Base64URL.encode(Data(repeating: 1, count: 32)))","y":"\#(Base64URL.encode(Data(repeating: 2, count: 32)))"}"#
        #expect(throws: PublicKeyImport.Failure.notAKey) { try PublicKeyImport.jwk(from: Data(jwk.utf8)) }
    }
}
