import Foundation

/// An ETSI TS 119 612 trusted list as far as trust decisions need it: who publishes it, which issue it
/// is, its trust service providers and services, and (for a list of lists) its pointers to other lists.
public struct TrustedList: Sendable {
    public static let listOfListsTypeSuffix = "listofthelists"

    public var sequenceNumber: Int
    public var type: String
    /// ISO 3166 code, or `EU`; some national lists outside the EU scheme (gematik's) carry none.
    public var territory: String?
    public var operatorName: String
    public var issuedAt: Date
    public var nextUpdate: Date?
    public var providers: [Provider]
    public var pointers: [Pointer]

    /// What names this list across its issues: the territory, else the scheme operator.
    public var identity: String { territory ?? operatorName }

    /// A list of trusted lists (the EU LOTL, a third country's): pointers, no services of its own.
    public var isListOfLists: Bool { type.lowercased().hasSuffix(Self.listOfListsTypeSuffix) }

    public struct Provider: Sendable {
        public var name: String
        public var services: [Service]
    }

    public struct Service: Sendable {
        /// Relative to `http://uri.etsi.org/TrstSvc/Svctype/`, e.g. `CA/QC`.
        public var type: String
        public var name: String
        /// Relative to the status namespace, e.g. `granted`, `withdrawn`.
        public var status: String
        public var statusStartingTime: Date?
        /// DER certificates of the service's digital identity.
        public var certificates: [[UInt8]]
    }

    /// Where another list lives and which certificates may sign it.
    public struct Pointer: Sendable {
        public var location: String
        public var territory: String?
        public var type: String?
        public var mimeType: String?
        public var signerCertificates: [[UInt8]]

        /// Pointers also name the PDF edition of a list; only the XML one can be verified.
        public var isXML: Bool { mimeType.map { $0.lowercased().contains("xml") } ?? location.lowercased().hasSuffix(".xml") }
    }
}

/// Reads a `TrustServiceStatusList` element into a `TrustedList`.
enum TrustedListReader {
    static let serviceTypePrefix = "http://uri.etsi.org/TrstSvc/Svctype/"
    static let statusPrefixes = ["http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/", "http://uri.etsi.org/TrstSvc/Svcstatus/"]

    static func read(_ root: XMLElementNode) throws(TrustedListFailure) -> TrustedList {
        guard root.name == "TrustServiceStatusList" else {
            throw .malformed("the root element is \(root.name), not TrustServiceStatusList")
        }
        guard let scheme = root.child("SchemeInformation") else { throw .malformed("no SchemeInformation") }
        guard let sequence = scheme.child("TSLSequenceNumber").flatMap({ Int($0.value) }), sequence > 0 else {
            throw .malformed("no valid TSLSequenceNumber")
        }
        let territory = scheme.child("SchemeTerritory")?.value
        if let territory, territory.isEmpty || territory.count > 8 {
            throw .malformed("SchemeTerritory \(territory) is not a territory code")
        }
        let operatorName = name(in: scheme.child("SchemeOperatorName"))
        guard territory != nil || !operatorName.isEmpty else { throw .malformed("neither SchemeTerritory nor SchemeOperatorName") }
        guard let issued = scheme.child("ListIssueDateTime").flatMap({ date($0.value) }) else {
            throw .malformed("no valid ListIssueDateTime")
        }
        let providers = (root.child("TrustServiceProviderList")?.children("TrustServiceProvider") ?? []).map { provider in
            TrustedList.Provider(
                name: name(in: provider.find("TSPInformation", "TSPName")),
                services: (provider.child("TSPServices")?.children("TSPService") ?? []).compactMap(service))
        }
        let pointers = (scheme.child("PointersToOtherTSL")?.children("OtherTSLPointer") ?? []).map(pointer)
        return TrustedList(
            sequenceNumber: sequence, type: scheme.child("TSLType")?.value ?? "", territory: territory,
            operatorName: operatorName, issuedAt: issued,
            nextUpdate: scheme.find("NextUpdate", "dateTime").flatMap { date($0.value) }, providers: providers, pointers: pointers)
    }

    private static func service(_ element: XMLElementNode) -> TrustedList.Service? {
        guard let information = element.child("ServiceInformation"), let type = information.child("ServiceTypeIdentifier")?.value else {
            return nil
        }
        let status = information.child("ServiceStatus")?.value ?? ""
        return TrustedList.Service(
            type: type.hasPrefix(serviceTypePrefix) ? String(type.dropFirst(serviceTypePrefix.count)) : type,
            name: name(in: information.child("ServiceName")),
            status: statusPrefixes.first(where: status.hasPrefix).map { String(status.dropFirst($0.count)) } ?? status,
            statusStartingTime: information.child("StatusStartingTime").flatMap { date($0.value) },
            certificates: certificates(in: information.children("ServiceDigitalIdentity")))
    }

    private static func pointer(_ element: XMLElementNode) -> TrustedList.Pointer {
        let information = element.child("AdditionalInformation")?.children("OtherInformation") ?? []
        func other(_ name: String) -> String? { information.lazy.compactMap { $0.child(name)?.value }.first }
        return TrustedList.Pointer(
            location: element.child("TSLLocation")?.value ?? "", territory: other("SchemeTerritory"), type: other("TSLType"),
            mimeType: other("MimeType"),
            signerCertificates: certificates(in: element.child("ServiceDigitalIdentities")?.children("ServiceDigitalIdentity") ?? []))
    }

    private static func certificates(in identities: [XMLElementNode]) -> [[UInt8]] {
        identities.flatMap { $0.children("DigitalId") }.compactMap { $0.child("X509Certificate")?.value }.compactMap {
            Data(base64Encoded: $0, options: .ignoreUnknownCharacters).map(Array.init)
        }
    }

    /// The English name where there is one, else the first.
    private static func name(in element: XMLElementNode?) -> String {
        let names = element?.children("Name") ?? []
        let english = names.first { $0.attributes["lang"]?.lowercased().hasPrefix("en") == true }
        return (english ?? names.first)?.value ?? ""
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        return formatter.date(from: text)
    }
}
