import Crypto
import Foundation
import SwiftASN1
import X509

/// An RFC 6960 OCSP responder for the certificates one CA issued, the CA signing its own responses
/// (§2.6: no delegated responder certificate needed). Requests and responses are DER; every outcome,
/// including a malformed request, is an `OCSPResponse`, which is what OCSP clients understand.
///
/// ```swift
/// let der = OCSPResponder(authority: issuingCA).respond(to: requestDER, at: Date()) { serial in
///     store.status(of: serial)   // .good, .revoked(...), or .unknown
/// }
/// ```
public struct OCSPResponder: Sendable {
    public enum Status: Sendable, Equatable {
        case good
        case revoked(at: Date, reason: RevocationReason)
        case unknown
    }

    public let authority: CertificateAuthorityKey
    /// How long a response may be cached: its nextUpdate is this far after thisUpdate.
    public var validity: TimeInterval = 3600
    /// More certificates in one request than this is not a request we answer.
    public static let maximumRequests = 20

    public init(authority: CertificateAuthorityKey) {
        self.authority = authority
    }

    enum Identifier {
        static let basicResponse: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 1]
        static let nonce: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 2]
        static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
        static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    }

    /// One certificate asked about: the CertID exactly as the client sent it, and its serial number.
    struct CertificateQuestion {
        var certIDBytes: ArraySlice<UInt8>
        var hashAlgorithm: ASN1ObjectIdentifier
        var issuerNameHash: ArraySlice<UInt8>
        var issuerKeyHash: ArraySlice<UInt8>
        var serialNumber: Certificate.SerialNumber
    }

    public func respond(to request: [UInt8], at now: Date, status: (Certificate.SerialNumber) async -> Status) async -> [UInt8] {
        guard let (questions, nonce) = try? Self.parse(request), !questions.isEmpty, questions.count <= Self.maximumRequests else {
            return Self.errorResponse(status: 1)  // malformedRequest
        }
        var answers: [(CertificateQuestion, Status)] = []
        for question in questions {
            answers.append((question, issuedByThisAuthority(question) ? await status(question.serialNumber) : .unknown))
        }
        do { return try signedResponse(answers, nonce: nonce, at: now) } catch {
            return Self.errorResponse(status: 2)  // internalError
        }
    }

    /// The CertID names this CA when its name and key hashes match ours (SHA-1 or SHA-256).
    func issuedByThisAuthority(_ question: CertificateQuestion) -> Bool {
        guard let nameDER = try? DEREncoding.bytes(of: authority.certificate.subject) else { return false }
        let keyBits = authority.certificate.publicKey.subjectPublicKeyInfoBytes
        switch question.hashAlgorithm {
        case Identifier.sha1:
            return question.issuerNameHash.elementsEqual(Insecure.SHA1.hash(data: nameDER))
                && question.issuerKeyHash.elementsEqual(Insecure.SHA1.hash(data: Array(keyBits)))
        case Identifier.sha256:
            return question.issuerNameHash.elementsEqual(SHA256.hash(data: nameDER))
                && question.issuerKeyHash.elementsEqual(SHA256.hash(data: Array(keyBits)))
        default:
            return false
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> ([CertificateQuestion], nonce: ArraySlice<UInt8>?) {
        let root = try DER.parse(bytes)
        return try DER.sequence(root, identifier: .sequence) { outer in
            guard let tbs = outer.next() else { throw ASN1Error.invalidASN1Object(reason: "no tbsRequest") }
            _ = outer.next()  // optionalSignature: requests need not be signed here
            return try DER.sequence(tbs, identifier: .sequence) { fields in
                var questions: [CertificateQuestion] = []
                var nonce: ArraySlice<UInt8>?
                while let field = fields.next() {
                    switch field.identifier {
                    case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific),
                        ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
                        continue  // version, requestorName
                    case .sequence:
                        questions = try DER.sequence(field, identifier: .sequence) { requests in
                            var list: [CertificateQuestion] = []
                            while let request = requests.next() { list.append(try question(in: request)) }
                            return list
                        }
                    case ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
                        nonce = try DER.explicitlyTagged(field, tagNumber: 2, tagClass: .contextSpecific) { extensions in
                            try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extensions)
                        }.first { $0.oid == Identifier.nonce }?.value
                    default:
                        throw ASN1Error.invalidASN1Object(reason: "unexpected field in TBSRequest")
                    }
                }
                return (questions, nonce)
            }
        }
    }

    static func question(in request: ASN1Node) throws -> CertificateQuestion {
        try DER.sequence(request, identifier: .sequence) { parts in
            guard let certID = parts.next() else { throw ASN1Error.invalidASN1Object(reason: "Request without CertID") }
            _ = parts.next()  // singleRequestExtensions
            return try DER.sequence(certID, identifier: .sequence) { fields in
                guard let algorithm = fields.next(), let nameHash = fields.next(), let keyHash = fields.next(), let serial = fields.next()
                else { throw ASN1Error.invalidASN1Object(reason: "CertID needs four fields") }
                let oid = try DER.sequence(algorithm, identifier: .sequence) { items -> ASN1ObjectIdentifier in
                    guard let first = items.next() else { throw ASN1Error.invalidASN1Object(reason: "empty AlgorithmIdentifier") }
                    _ = items.next()  // NULL parameters
                    return try ASN1ObjectIdentifier(derEncoded: first)
                }
                return CertificateQuestion(
                    certIDBytes: certID.encodedBytes, hashAlgorithm: oid, issuerNameHash: try ASN1OctetString(derEncoded: nameHash).bytes,
                    issuerKeyHash: try ASN1OctetString(derEncoded: keyHash).bytes,
                    serialNumber: Certificate.SerialNumber(bytes: try ArraySlice<UInt8>(derEncoded: serial)))
            }
        }
    }

    func signedResponse(_ answers: [(CertificateQuestion, Status)], nonce: ArraySlice<UInt8>?, at now: Date) throws -> [UInt8] {
        var data = DER.Serializer()
        try data.appendConstructedNode(identifier: .sequence) { responseData in
            // responderID byKey [2] EXPLICIT KeyHash: SHA-1 of the CA's public key bits.
            try responseData.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { keyHash in
                try keyHash.serialize(
                    ASN1OctetString(
                        contentBytes: ArraySlice(Insecure.SHA1.hash(data: Array(authority.certificate.publicKey.subjectPublicKeyInfoBytes)))
                    ))
            }
            try responseData.serialize(try DEREncoding.generalizedTime(now))
            try responseData.appendConstructedNode(identifier: .sequence) { responses in
                for (question, status) in answers {
                    try responses.appendConstructedNode(identifier: .sequence) { single in
                        single.serializeRawBytes(question.certIDBytes)
                        switch status {
                        case .good:
                            single.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { _ in }
                        case .revoked(let at, let reason):
                            try single.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)) {
                                info in
                                try info.serialize(try DEREncoding.generalizedTime(at))
                                if reason != .unspecified {
                                    try info.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { tagged in
                                        try tagged.serialize(ASN1Enumerated(reason.code))
                                    }
                                }
                            }
                        case .unknown:
                            single.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific)) { _ in }
                        }
                        try single.serialize(try DEREncoding.generalizedTime(now))
                        try single.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { next in
                            try next.serialize(try DEREncoding.generalizedTime(now + validity))
                        }
                    }
                }
            }
            if let nonce {
                try responseData.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { tagged in
                    try tagged.appendConstructedNode(identifier: .sequence) { extensions in
                        try extensions.serialize(Certificate.Extension(oid: Identifier.nonce, critical: false, value: nonce))
                    }
                }
            }
        }
        let toBeSigned = data.serializedBytes
        var basic = DER.Serializer()
        try basic.appendConstructedNode(identifier: .sequence) { response in
            response.serializeRawBytes(toBeSigned)
            try RevocationList.serializeSignatureAlgorithm(into: &response)
            try response.serialize(ASN1BitString(bytes: try authority.signDER(toBeSigned)[...]))
        }
        var outer = DER.Serializer()
        try outer.appendConstructedNode(identifier: .sequence) { response in
            try response.serialize(ASN1Enumerated(0))  // successful
            try response.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { tagged in
                try tagged.appendConstructedNode(identifier: .sequence) { bytes in
                    try bytes.serialize(Identifier.basicResponse)
                    try bytes.serialize(ASN1OctetString(contentBytes: basic.serializedBytes[...]))
                }
            }
        }
        return outer.serializedBytes
    }

    /// The answer to a request that cannot be read: malformedRequest.
    public static var malformedRequestResponse: [UInt8] { errorResponse(status: 1) }

    /// The answer when the responder cannot sign (its key cannot be opened): internalError.
    public static var internalErrorResponse: [UInt8] { errorResponse(status: 2) }

    /// An unsuccessful OCSPResponse: only the status, no response bytes (RFC 6960 §4.2.1).
    static func errorResponse(status: Int) -> [UInt8] {
        var coder = DER.Serializer()
        try? coder.appendConstructedNode(identifier: .sequence) { response in try response.serialize(ASN1Enumerated(status)) }
        return coder.serializedBytes
    }
}
