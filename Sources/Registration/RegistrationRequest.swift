import Directory
import Foundation
import Keys

/// A decoded registration request: a signed request JWT (`application/jwt`, UK and CDR) whose claims
/// are the client metadata, or plain JSON metadata (`application/json`, Brasil). Nothing is trusted
/// yet; the profile's checks decide.
public struct RegistrationRequest: Sendable {
    public enum Form: Sendable, Equatable {
        case signedJWT
        case json
    }

    public var form: Form
    public var metadata: ClientMetadata
    /// The compact request JWT, taken apart once (for verifying it against the software's keys), and its
    /// registered claims (signed form only).
    public var jwt: String?
    public var parts: CompactJWS.Parts?
    public var claims: RegisteredClaims?
    public var header: JOSEHeader? { parts?.header }

    /// A request body is a few kilobytes; an SSA with many roles and keys stays well below this.
    public static let maximumBytes = 64 * 1024
    public static let jwtTypes: Set<String> = ["application/jwt", "application/jose"]

    public static func decode(_ body: Data, mediaType: String?) throws -> RegistrationRequest {
        guard body.count <= maximumBytes else {
            throw OAuthError.invalidClientMetadata("the registration request is larger than \(maximumBytes) bytes")
        }
        switch mediaType {
        case let type? where jwtTypes.contains(type):
            let token = String(decoding: ASCIIWhitespace.trimming(body), as: UTF8.self)
            guard let parts = try? CompactJWS.decode(token) else {
                throw OAuthError.invalidClientMetadata("the request body is not a compact signed JWT")
            }
            let members = try object(parts.payload, named: "the request JWT's claims", invalid: OAuthError.invalidClientMetadata)
            guard let claims = RegisteredClaims(members: members) else {
                throw OAuthError.invalidClientMetadata(
                    "the request JWT's registered claims (iss, aud, exp, iat, jti…) have the wrong types")
            }
            return RegistrationRequest(
                form: .signedJWT, metadata: ClientMetadata(members: members), jwt: token, parts: parts, claims: claims)
        case "application/json"?:
            let members = try object(body, named: "the request body", invalid: OAuthError.invalidClientMetadata)
            return RegistrationRequest(form: .json, metadata: ClientMetadata(members: members))
        default:
            throw OAuthError.invalidClientMetadata(
                "send the registration request as application/jwt (a signed request JWT) or application/json, not \(mediaType ?? "no Content-Type")"
            )
        }
    }

    /// The members of a JSON object, or the profile's error naming what is wrong with it and where (a
    /// member given twice, say).
    static func object(_ data: Data, named what: String, invalid: (String) -> OAuthError) throws -> [String: JSONValue] {
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch { throw invalid("\(what) are not JSON: \(error)") }
        guard case .object(let members) = value else { throw invalid("\(what) are not a JSON object") }
        return members
    }
}
