import Directory
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The directory's token endpoint (RFC 6749 §3.2): client credentials for software statements, with
/// `private_key_jwt` over mutual TLS, answered with certificate-bound access tokens (RFC 8705).
enum TokenRoutes {
    static let path = "/token"
    static let formType = "application/x-www-form-urlencoded"
    /// A client assertion is a few kilobytes at most; an x5c header can push it past four.
    static let maxBodyBytes = 32 * 1024
    /// RFC 6749 §5.1 still asks for `Pragma: no-cache` beside `Cache-Control: no-store`.
    static let pragma = HTTPField.Name("Pragma")!

    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        routes.add(.post, path) { request, context in
            guard HTTPExchange.mediaType(of: request) == formType else {
                throw OAuthError.invalidRequest("send the token request as \(formType)")
            }
            let body: Data
            do { body = try await HTTPExchange.body(of: request, limit: maxBodyBytes) } catch is NIOTooManyBytesError {
                throw OAuthError.invalidRequest("the token request is larger than \(maxBodyBytes) bytes")
            }
            let form = try FormBody.parse(body)
            let grant = try await runtime.grantAccessToken(.init(form: form), certificate: context.clientCertificate)
            var headers = HTTPFields()
            headers[TokenRoutes.pragma] = "no-cache"
            return try HTTPExchange.json(grant, headers: headers)
        }
    }
}

/// `application/x-www-form-urlencoded` bodies, the HTML form's encoding (WHATWG URL standard): `+` is a
/// space and `%XX` a byte; nil for a body that does not decode. The token endpoint and the console read
/// their forms with it.
enum FormEncoding {
    static func pairs(_ body: Data) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for pair in body.split(separator: UInt8(ascii: "&")) where !pair.isEmpty {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : Data()[...]) else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func decode(_ bytes: Data.SubSequence) -> String? {
        String(decoding: bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self).removingPercentEncoding
    }
}

/// A token request's form with RFC 6749 §3.2's rules: an empty value counts as absent, and a parameter
/// sent twice is an invalid request.
enum FormBody {
    static func parse(_ body: Data) throws -> [String: String] {
        guard let pairs = FormEncoding.pairs(body) else { throw OAuthError.invalidRequest("the request body is not valid form encoding") }
        var fields: [String: String] = [:]
        for (name, value) in pairs where !value.isEmpty {
            guard fields[name] == nil else { throw OAuthError.invalidRequest("the parameter \(name.prefix(64)) is sent more than once") }
            fields[name] = value
        }
        return fields
    }
}
