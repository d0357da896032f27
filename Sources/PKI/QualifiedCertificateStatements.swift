import SwiftASN1
import X509

/// The eIDAS statements of a qualified certificate (ETSI EN 319 412-5) and the PSD2 statement
/// (ETSI TS 119 495 §5.1), read from and written to the RFC 3739 qcStatements extension:
///
/// ```
/// QCStatements ::= SEQUENCE OF QCStatement
/// QCStatement ::= SEQUENCE { statementId OBJECT IDENTIFIER, statementInfo ANY OPTIONAL }
/// PSD2QcType ::= SEQUENCE { rolesOfPSP RolesOfPSP, nCAName UTF8String, nCAId UTF8String }
/// RoleOfPSP ::= SEQUENCE { roleOfPspOid OBJECT IDENTIFIER, roleOfPspName UTF8String }
/// ```
public struct QualifiedCertificateStatements: Sendable, Equatable, Codable {
    /// QcCompliance: issued as a qualified certificate under eIDAS.
    public var isQualified: Bool
    /// QcSSCD: the private key lives in a qualified signature/seal creation device.
    public var keyInQSCD: Bool
    public var types: [QualifiedCertificateType]
    public var psd2: PSD2Attributes?
    /// Statements present but not interpreted, by dotted OID.
    public var otherStatements: [String]

    public init(
        isQualified: Bool = false, keyInQSCD: Bool = false, types: [QualifiedCertificateType] = [], psd2: PSD2Attributes? = nil,
        otherStatements: [String] = []
    ) {
        self.isQualified = isQualified
        self.keyInQSCD = keyInQSCD
        self.types = types
        self.psd2 = psd2
        self.otherStatements = otherStatements
    }

    enum Identifier {
        static let compliance: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 1]
        static let qscd: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 4]
        static let type: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 6]
        static let psd2: ASN1ObjectIdentifier = [0, 4, 0, 19495, 2]
    }

    /// The statements of a certificate, or nil when it has no qcStatements extension.
    public init?(certificate: Certificate) throws {
        guard let ext = certificate.extensions[oid: PKIObjectIdentifier.qcStatements] else { return nil }
        try self.init(extensionValue: ext.value)
    }

    public init(extensionValue: ArraySlice<UInt8>) throws {
        self.init()
        let root = try DER.parse(extensionValue)
        try DER.sequence(root, identifier: .sequence) { statements in
            while let statement = statements.next() {
                try DER.sequence(statement, identifier: .sequence) { fields in
                    guard let idNode = fields.next() else { throw ASN1Error.invalidASN1Object(reason: "QCStatement without statementId") }
                    let id = try ASN1ObjectIdentifier(derEncoded: idNode)
                    let info = fields.next()
                    switch id {
                    case Identifier.compliance: isQualified = true
                    case Identifier.qscd: keyInQSCD = true
                    case Identifier.type:
                        guard let info else { throw ASN1Error.invalidASN1Object(reason: "QcType without types") }
                        let oids = try DER.sequence(of: ASN1ObjectIdentifier.self, identifier: .sequence, rootNode: info)
                        types = oids.map { QualifiedCertificateType(oid: $0) }
                    case Identifier.psd2:
                        guard let info else { throw ASN1Error.invalidASN1Object(reason: "PSD2 statement without PSD2QcType") }
                        psd2 = try PSD2Attributes(derEncoded: info)
                    default: otherStatements.append(id.description)
                    }
                }
            }
        }
    }

    /// The extension (never critical: relying parties that do not know eIDAS must still accept the certificate).
    public func makeExtension() throws -> Certificate.Extension {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { statements in
            if isQualified { try Self.statement(Identifier.compliance, into: &statements) { _ in } }
            if keyInQSCD { try Self.statement(Identifier.qscd, into: &statements) { _ in } }
            if !types.isEmpty {
                try Self.statement(Identifier.type, into: &statements) { info in
                    try info.serializeSequenceOf(types.map(\.oid))
                }
            }
            if let psd2 {
                try Self.statement(Identifier.psd2, into: &statements) { info in try psd2.serialize(into: &info) }
            }
        }
        return Certificate.Extension(oid: PKIObjectIdentifier.qcStatements, critical: false, value: coder.serializedBytes[...])
    }

    private static func statement(
        _ id: ASN1ObjectIdentifier, into coder: inout DER.Serializer, info: (inout DER.Serializer) throws -> Void
    ) throws {
        try coder.appendConstructedNode(identifier: .sequence) { statement in
            try statement.serialize(id)
            try info(&statement)
        }
    }
}

/// QcType (EN 319 412-5 §4.2.3): what the qualified certificate is for.
public enum QualifiedCertificateType: Sendable, Equatable, Codable {
    case electronicSignature
    case electronicSeal
    case website
    case other(String)

    init(oid: ASN1ObjectIdentifier) {
        switch oid {
        case [0, 4, 0, 1862, 1, 6, 1]: self = .electronicSignature
        case [0, 4, 0, 1862, 1, 6, 2]: self = .electronicSeal
        case [0, 4, 0, 1862, 1, 6, 3]: self = .website
        default: self = .other(oid.description)
        }
    }

    var oid: ASN1ObjectIdentifier {
        switch self {
        case .electronicSignature: [0, 4, 0, 1862, 1, 6, 1]
        case .electronicSeal: [0, 4, 0, 1862, 1, 6, 2]
        case .website: [0, 4, 0, 1862, 1, 6, 3]
        case .other(let dotted): (try? ASN1ObjectIdentifier(dotRepresentation: dotted)) ?? [0, 4, 0, 1862, 1, 6]
        }
    }

    /// The names the UK validation service and EN 319 412-5 use.
    public var name: String {
        switch self {
        case .electronicSignature: "QcTypeESign"
        case .electronicSeal: "QcTypeESeal"
        case .website: "QcTypeWeb"
        case .other(let dotted): dotted
        }
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        self =
            switch name {
            case "QcTypeESign": .electronicSignature
            case "QcTypeESeal": .electronicSeal
            case "QcTypeWeb": .website
            default: .other(name)
            }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// The PSD2 statement: the roles the payment service provider is authorised for and by whom.
public struct PSD2Attributes: Sendable, Equatable, Codable {
    public var roles: [PSD2Role]
    /// The competent authority's name ("Financial Conduct Authority") and id ("GB-FCA").
    public var authorityName: String
    public var authorityID: String

    enum CodingKeys: String, CodingKey {
        case roles, authorityName
        case authorityID = "authorityId"
    }

    public init(roles: [PSD2Role], authorityName: String, authorityID: String) {
        self.roles = roles
        self.authorityName = authorityName
        self.authorityID = authorityID
    }

    init(derEncoded node: ASN1Node) throws {
        (roles, authorityName, authorityID) = try DER.sequence(node, identifier: .sequence) { fields in
            guard let rolesNode = fields.next(), let nameNode = fields.next(), let idNode = fields.next() else {
                throw ASN1Error.invalidASN1Object(reason: "PSD2QcType needs roles, NCA name and NCA id")
            }
            let roles = try DER.sequence(rolesNode, identifier: .sequence) { nodes in
                var roles: [PSD2Role] = []
                while let role = nodes.next() {
                    roles.append(
                        try DER.sequence(role, identifier: .sequence) { parts in
                            guard let oidNode = parts.next(), let nameNode = parts.next() else {
                                throw ASN1Error.invalidASN1Object(reason: "RoleOfPSP needs an OID and a name")
                            }
                            return PSD2Role(
                                oid: try ASN1ObjectIdentifier(derEncoded: oidNode), name: String(try ASN1UTF8String(derEncoded: nameNode)))
                        })
                }
                return roles
            }
            return (roles, String(try ASN1UTF8String(derEncoded: nameNode)), String(try ASN1UTF8String(derEncoded: idNode)))
        }
    }

    func serialize(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { fields in
            try fields.appendConstructedNode(identifier: .sequence) { list in
                for role in roles {
                    try list.appendConstructedNode(identifier: .sequence) { entry in
                        try entry.serialize(try role.asn1OID)
                        try entry.serialize(ASN1UTF8String(role.name))
                    }
                }
            }
            try fields.serialize(ASN1UTF8String(authorityName))
            try fields.serialize(ASN1UTF8String(authorityID))
        }
    }
}

/// A PSD2 role (TS 119 495 §5.1): account servicing, payment initiation, account information, card issuing.
public struct PSD2Role: Sendable, Equatable, Codable {
    /// PSP_AS, PSP_PI, PSP_AI or PSP_IC.
    public var name: String
    public var oid: String

    public static let accountServicing = PSD2Role(name: "PSP_AS", oid: "0.4.0.19495.1.1")
    public static let paymentInitiation = PSD2Role(name: "PSP_PI", oid: "0.4.0.19495.1.2")
    public static let accountInformation = PSD2Role(name: "PSP_AI", oid: "0.4.0.19495.1.3")
    public static let cardBasedPaymentInstruments = PSD2Role(name: "PSP_IC", oid: "0.4.0.19495.1.4")
    public static let all = [accountServicing, paymentInitiation, accountInformation, cardBasedPaymentInstruments]

    public init(name: String, oid: String) {
        self.name = name
        self.oid = oid
    }

    init(oid: ASN1ObjectIdentifier, name: String) {
        self.init(name: name, oid: oid.description)
    }

    /// The PSD2 role for a directory role name (ASPSP, PISP, AISP, CBPII), if it has one.
    public static func forDirectoryRole(_ role: String) -> PSD2Role? {
        switch role.uppercased() {
        case "ASPSP": accountServicing
        case "PISP": paymentInitiation
        case "AISP": accountInformation
        case "CBPII", "PIISP": cardBasedPaymentInstruments
        default: nil
        }
    }

    var asn1OID: ASN1ObjectIdentifier {
        get throws { try ASN1ObjectIdentifier(dotRepresentation: oid) }
    }
}
