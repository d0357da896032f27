import Foundation
import Keys
import SwiftASN1
import X509

/// RFC 4517 `distinguishedNameMatch` between a DN written as RFC 4514 text (a registration's
/// `tls_client_auth_subject_dn`) and a certificate's subject. Attribute types may be names (CN, O, OU, C,
/// L, ST, STREET, DC, UID, serialNumber, organizationIdentifier, emailAddress) or dotted OIDs; values may
/// be escaped strings or `#`-hex BER (how Brasil writes `2.5.4.97`). Values compare as caseIgnoreMatch:
/// case and insignificant spaces do not count. RDN order counts; the order inside a multi-valued RDN does not.
///
/// ```swift
/// DistinguishedNameMatch.matches("CN=app,OU=org,O=TPP Ltd,C=GB", subject: certificate.subject)  // true
/// ```
public enum DistinguishedNameMatch {
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    struct Assertion: Hashable {
        var type: ASN1ObjectIdentifier
        var value: String
    }

    static let names: [String: ASN1ObjectIdentifier] = [
        "cn": .RDNAttributeType.commonName, "o": .RDNAttributeType.organizationName, "ou": .RDNAttributeType.organizationalUnitName,
        "c": .RDNAttributeType.countryName, "l": .RDNAttributeType.localityName, "st": .RDNAttributeType.stateOrProvinceName,
        "street": .RDNAttributeType.streetAddress, "dc": .RDNAttributeType.domainComponent, "uid": PKIObjectIdentifier.userID,
        "serialnumber": [2, 5, 4, 5], "organizationidentifier": PKIObjectIdentifier.organizationIdentifier,
        "emailaddress": [1, 2, 840, 113_549, 1, 9, 1], "e": [1, 2, 840, 113_549, 1, 9, 1],
    ]

    public static func matches(_ text: String, subject: DistinguishedName) -> Bool {
        guard let written = try? parse(text) else { return false }
        let actual = subject.map { rdn in Set(rdn.map { Assertion(type: $0.type, value: normalise(Self.text(of: $0.value))) }) }
        return written == actual
    }

    /// The RFC 4514 §3 descriptors a relying party must know; Brasil writes every other type by OID.
    static let descriptors: [ASN1ObjectIdentifier: String] = Dictionary(
        uniqueKeysWithValues: ["CN", "L", "ST", "O", "OU", "C", "STREET", "DC", "UID"].map { (names[$0.lowercased()]!, $0) })

    /// A subject as RFC 4514 text the way Open Finance Brasil has clients write `tls_client_auth_subject_dn`:
    /// last RDN first, the RFC 4514 §3 descriptors by name with escaped string values, every other type as
    /// its dotted OID with `#` and the hex of the value's DER (`2.5.4.97=#0C2A4F464242522D…`).
    public static func brasilText(of subject: DistinguishedName) -> String {
        subject.reversed().map { rdn in
            rdn.map { attribute in
                if let name = descriptors[attribute.type] { return "\(name)=\(escaped(text(of: attribute.value)))" }
                var serializer = DER.Serializer()
                let hex = (try? serializer.serialize(ASN1Any(attribute.value))).map {
                    serializer.serializedBytes.uppercaseHex
                }
                return "\(attribute.type)=#\(hex ?? "")"
            }.joined(separator: "+")
        }.joined(separator: ",")
    }

    /// RFC 4514 §2.4 escaping of a string value.
    static func escaped(_ value: String) -> String {
        var output = ""
        for (index, character) in value.enumerated() {
            let special = ",+\"\\<>;".contains(character)
            let edge = (index == 0 && (character == "#" || character == " ")) || (index == value.count - 1 && character == " ")
            if special || edge { output.append("\\") }
            output.append(character)
        }
        return output
    }

    /// The RDNs of RFC 4514 text in ASN.1 order (the text names the last RDN first).
    static func parse(_ text: String) throws -> [Set<Assertion>] {
        var rdns: [Set<Assertion>] = []
        for rdn in try split(Array(text.utf8), at: [UInt8(ascii: ","), UInt8(ascii: ";")]) {
            var assertions = Set<Assertion>()
            for ava in try split(rdn, at: [UInt8(ascii: "+")]) {
                guard let equals = ava.firstIndex(of: UInt8(ascii: "=")) else { throw Malformed(description: "an attribute has no '='") }
                let name = String(decoding: ava[..<equals], as: UTF8.self).trimmingSpaces()
                assertions.insert(Assertion(type: try type(named: name), value: normalise(try value(Array(ava[(equals + 1)...])))))
            }
            rdns.append(assertions)
        }
        guard !rdns.isEmpty else { throw Malformed(description: "the DN is empty") }
        return rdns.reversed()
    }

    static func type(named name: String) throws -> ASN1ObjectIdentifier {
        if let known = names[name.lowercased()] { return known }
        let arcs = name.split(separator: ".", omittingEmptySubsequences: false).map { UInt($0) }
        guard arcs.count >= 2, arcs.allSatisfy({ $0 != nil }), let oid = try? ASN1ObjectIdentifier(elements: arcs.map { $0! }) else {
            throw Malformed(description: "unknown attribute type \(name.prefix(40))")
        }
        return oid
    }

    /// Splits at unescaped separators.
    static func split(_ bytes: [UInt8], at separators: Set<UInt8>) throws -> [[UInt8]] {
        var parts: [[UInt8]] = [[]]
        var escaped = false
        for byte in bytes {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if separators.contains(byte) {
                parts.append([])
                continue
            }
            parts[parts.count - 1].append(byte)
        }
        guard !escaped else { throw Malformed(description: "the DN ends with a lone backslash") }
        return parts
    }

    /// An attribute value: `#` and the hex of a BER string, or an RFC 4514 escaped string.
    static func value(_ raw: [UInt8]) throws -> String {
        let text = String(decoding: raw, as: UTF8.self).trimmingSpaces()
        if text.hasPrefix("#") {
            let hex = Array(text.utf8.dropFirst())
            guard hex.count.isMultiple(of: 2), let bytes = hexBytes(hex), let node = try? DER.parse(bytes),
                case .primitive(let content) = node.content
            else { throw Malformed(description: "a #-hex value is not a BER-encoded string") }
            return String(decoding: content, as: UTF8.self)
        }
        var output: [UInt8] = []
        var index = 0
        let bytes = Array(text.utf8)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                if index + 2 < bytes.count, let pair = hexBytes(Array(bytes[(index + 1)...(index + 2)])) {
                    output += pair
                    index += 3
                } else {
                    output.append(bytes[index + 1])
                    index += 2
                }
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func text(of value: RelativeDistinguishedName.Attribute.Value) -> String {
        String(value) ?? value.description
    }

    /// caseIgnoreMatch with RFC 4518 insignificant-space handling.
    static func normalise(_ value: String) -> String {
        value.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    static func hexBytes(_ hex: [UInt8]) -> [UInt8]? {
        guard hex.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < hex.count {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " ", !text.hasSuffix("\\ ") { text = text.dropLast() }
        return String(text)
    }
}
