import SwiftASN1
import X509

/// Who a participant certificate names, built by the directory from its own records and never from
/// the CSR: country, organisation, organizationIdentifier, OU (the organisation id where the ecosystem
/// wants it), and the software id as CN and UID.
public struct SubjectIdentity: Sendable, Equatable {
    public var country: String
    public var organisationName: String
    public var organisationIdentifier: OrganisationIdentifier?
    public var organisationalUnit: String?
    public var commonName: String
    public var userID: String?

    public init(
        country: String, organisationName: String, organisationIdentifier: OrganisationIdentifier? = nil, organisationalUnit: String? = nil,
        commonName: String, userID: String? = nil
    ) {
        self.country = country
        self.organisationName = organisationName
        self.organisationIdentifier = organisationIdentifier
        self.organisationalUnit = organisationalUnit
        self.commonName = commonName
        self.userID = userID
    }

    public func distinguishedName() throws -> DistinguishedName {
        var attributes: [RelativeDistinguishedName.Attribute] = [
            try .init(type: .RDNAttributeType.countryName, printableString: country),
            .init(type: .RDNAttributeType.organizationName, utf8String: organisationName),
        ]
        if let organisationIdentifier {
            attributes.append(.init(type: PKIObjectIdentifier.organizationIdentifier, utf8String: organisationIdentifier.description))
        }
        if let organisationalUnit {
            attributes.append(.init(type: .RDNAttributeType.organizationalUnitName, utf8String: organisationalUnit))
        }
        attributes.append(.init(type: .RDNAttributeType.commonName, utf8String: commonName))
        if let userID { attributes.append(.init(type: PKIObjectIdentifier.userID, utf8String: userID)) }
        return DistinguishedName(attributes.map { RelativeDistinguishedName($0) })
    }
}

extension DistinguishedName {
    /// The first value of an attribute type, as text.
    public func firstValue(of type: ASN1ObjectIdentifier) -> String? { values(of: type).first }

    /// Every value of an attribute type, as text, in the order the name lists them.
    public func values(of type: ASN1ObjectIdentifier) -> [String] {
        flatMap { rdn in rdn.filter { $0.type == type }.map { String($0.value) ?? $0.value.description } }
    }
}
