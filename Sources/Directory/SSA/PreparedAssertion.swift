import Foundation
import Keys

/// An SSA's claims that stay the same from one issuance to the next, encoded once; `assertion` adds
/// the registered claims (iss, iat, exp, jti) and signs. The server keeps one per software statement
/// and data revision, so issuing an SSA reads nothing from the store.
public struct PreparedAssertion: Sendable {
    public let organisationID: String
    public let softwareID: String
    /// The profile's members, encoded, without the enclosing braces.
    private let members: Data
    private let encodedIssuer: Data
    private let lifetime: TimeInterval

    public init(organisationID: String, softwareID: String, claims: ClaimSet, issuer: String, lifetime: TimeInterval) throws {
        self.organisationID = organisationID
        self.softwareID = softwareID
        self.lifetime = lifetime
        encodedIssuer = try RecordCoding.encoder.encode(issuer)
        let object = try claims.encoded()
        members = object.count > 2 ? object.dropFirst().dropLast() : Data()
    }

    /// The signed SSA: NumericDates in whole seconds (RFC 7519 §2), a fresh `jti`, header alg/kid/typ.
    public func assertion(signedBy key: SigningKey, at now: Date, jwtID: String) throws -> String {
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        var payload = Data(#"{"exp":\#(issuedAt + Int64(lifetime)),"iat":\#(issuedAt),"iss":"#.utf8)
        payload.append(encodedIssuer)
        payload.append(contentsOf: #","jti":"#.utf8)
        payload.append(try Self.jsonString(jwtID))
        if !members.isEmpty {
            payload.append(UInt8(ascii: ","))
            payload.append(members)
        }
        payload.append(UInt8(ascii: "}"))
        return try CompactJWS.signJWT(payload: payload, with: key)
    }

    /// Identifiers Registrar makes (UUIDs) need no escaping; anything else goes through the encoder.
    private static func jsonString(_ text: String) throws -> Data {
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        return plain ? Data("\"\(text)\"".utf8) : try RecordCoding.encoder.encode(text)
    }
}
