import Crypto
import Foundation

/// RFC 7638 JWK thumbprints: SHA-256 over the required members in lexicographic order.
/// Registrar uses them as the `kid` of every key it generates.
public enum JWKThumbprint {
    public enum Failure: Error, Equatable {
        case missingMember(String)
        case unsupportedKeyType(String)
    }

    public static func sha256(of jwk: JSONWebKey) throws -> String {
        Base64URL.encode(SHA256.hash(data: Data(try canonicalJSON(of: jwk).utf8)))
    }

    /// §3.2: only the required members, no whitespace, members sorted by name.
    /// Member values are base64url or curve names, so they never need JSON escaping;
    /// `requireBase64URL` keeps that true for hostile input.
    static func canonicalJSON(of jwk: JSONWebKey) throws -> String {
        func member(_ name: String, _ value: String?) throws -> String {
            guard let value, !value.isEmpty, value.utf8.allSatisfy(isSafe) else { throw Failure.missingMember(name) }
            return "\"\(name)\":\"\(value)\""
        }
        switch jwk.kty {
        case "RSA":
            return "{\(try member("e", jwk.e)),\"kty\":\"RSA\",\(try member("n", jwk.n))}"
        case "EC":
            return "{\(try member("crv", jwk.crv)),\"kty\":\"EC\",\(try member("x", jwk.x)),\(try member("y", jwk.y))}"
        case "OKP":
            return "{\(try member("crv", jwk.crv)),\"kty\":\"OKP\",\(try member("x", jwk.x))}"
        default:
            throw Failure.unsupportedKeyType(jwk.kty)
        }
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7f && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }
}
