import Foundation
import SwiftASN1
import X509

/// RFC 5280 §5.3.1 reason codes (removeFromCRL is for delta CRLs, which Registrar does not publish).
public enum RevocationReason: String, Sendable, Codable, CaseIterable {
    case unspecified
    case keyCompromise
    case caCompromise = "cACompromise"
    case affiliationChanged
    case superseded
    case cessationOfOperation
    case certificateHold
    case privilegeWithdrawn

    public var code: Int {
        switch self {
        case .unspecified: 0
        case .keyCompromise: 1
        case .caCompromise: 2
        case .affiliationChanged: 3
        case .superseded: 4
        case .cessationOfOperation: 5
        case .certificateHold: 6
        case .privilegeWithdrawn: 9
        }
    }
}

/// One revoked certificate, as a CRL (and the OCSP responder) states it.
public struct RevokedCertificate: Sendable, Equatable {
    public var serialNumber: Certificate.SerialNumber
    public var revokedAt: Date
    public var reason: RevocationReason

    public init(serialNumber: Certificate.SerialNumber, revokedAt: Date, reason: RevocationReason) {
        self.serialNumber = serialNumber
        self.revokedAt = revokedAt
        self.reason = reason
    }
}

/// Builds the issuing CA's CRL (RFC 5280 §5): a v2 list signed by the CA itself, with the authority key
/// identifier and a CRL number, each entry with its reason code.
///
/// ```swift
/// let der = try RevocationList.make(by: issuingCA, revoked: entries, number: 42, thisUpdate: now, nextUpdate: now + 86_400)
/// ```
public enum RevocationList {
    public static func make(
        by authority: CertificateAuthorityKey, revoked: [RevokedCertificate], number: Int64, thisUpdate: Date, nextUpdate: Date
    ) throws -> [UInt8] {
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { list in
            try list.serialize(1)  // v2
            try serializeSignatureAlgorithm(into: &list)
            try list.serialize(authority.certificate.subject)
            try DEREncoding.serializeTime(thisUpdate, into: &list)
            try DEREncoding.serializeTime(nextUpdate, into: &list)
            if !revoked.isEmpty {
                try list.appendConstructedNode(identifier: .sequence) { entries in
                    for entry in revoked {
                        try entries.appendConstructedNode(identifier: .sequence) { fields in
                            try fields.serialize(entry.serialNumber.bytes)
                            try DEREncoding.serializeTime(entry.revokedAt, into: &fields)
                            if entry.reason != .unspecified {
                                try fields.appendConstructedNode(identifier: .sequence) { extensions in
                                    var reason = DER.Serializer()
                                    try reason.serialize(ASN1Enumerated(entry.reason.code))
                                    try extensions.serialize(
                                        Certificate.Extension(
                                            oid: PKIObjectIdentifier.crlReason, critical: false, value: reason.serializedBytes[...]))
                                }
                            }
                        }
                    }
                }
            }
            try list.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { tagged in
                try tagged.appendConstructedNode(identifier: .sequence) { extensions in
                    try extensions.serialize(
                        Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: authority.keyIdentifier), critical: false))
                    var crlNumber = DER.Serializer()
                    try crlNumber.serialize(number)
                    try extensions.serialize(
                        Certificate.Extension(oid: PKIObjectIdentifier.crlNumber, critical: false, value: crlNumber.serializedBytes[...]))
                }
            }
        }
        let toBeSigned = tbs.serializedBytes
        let signature = try authority.signDER(toBeSigned)
        var list = DER.Serializer()
        try list.appendConstructedNode(identifier: .sequence) { outer in
            outer.serializeRawBytes(toBeSigned)
            try serializeSignatureAlgorithm(into: &outer)
            try outer.serialize(ASN1BitString(bytes: signature[...]))
        }
        return list.serializedBytes
    }

    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]

    /// ecdsa-with-SHA256 (RFC 5758 §3.2: parameters absent).
    static func serializeSignatureAlgorithm(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { algorithm in
            try algorithm.serialize(ecdsaWithSHA256)
        }
    }
}

/// ENUMERATED, which swift-asn1 has no public type for (tag 10, content as an INTEGER).
struct ASN1Enumerated: DERSerializable {
    let value: Int

    init(_ value: Int) { self.value = value }

    func serialize(into coder: inout DER.Serializer) throws {
        var integer = DER.Serializer()
        try integer.serialize(value)
        // Re-tag the INTEGER's content octets as ENUMERATED.
        let node = try DER.parse(integer.serializedBytes)
        guard case .primitive(let content) = node.content else { return }
        coder.appendPrimitiveNode(identifier: .enumerated) { $0.append(contentsOf: content) }
    }
}
