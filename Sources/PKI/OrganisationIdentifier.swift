/// The organizationIdentifier attribute in the form ETSI EN 319 412-1 §5.1.4 gives it: a three-letter
/// scheme, a two-letter country, a hyphen, then the identifier. For PSD2 (ETSI TS 119 495 §5.2.1) the
/// identifier is the competent authority's id, a hyphen, and the authorisation number:
/// `PSDGB-FCA-123456`. Open Finance Brasil uses `OFBBR-{organisation id}`.
///
/// ```swift
/// let parsed = OrganisationIdentifier(parsing: "PSDGB-FCA-123456")   // scheme PSD, GB, authority FCA, id 123456
/// OrganisationIdentifier.psd2(country: "GB", authority: "FCA", authorisationNumber: "123456").description
/// ```
public struct OrganisationIdentifier: Sendable, Equatable, Codable, CustomStringConvertible {
    /// PSD, NTR (national trade register), VAT, LEI, OFB… as written in the certificate.
    public var scheme: String
    public var country: String
    /// The competent authority (NCA) for the PSD scheme; nil for the others.
    public var authority: String?
    public var identifier: String

    public init(scheme: String, country: String, authority: String? = nil, identifier: String) {
        self.scheme = scheme
        self.country = country
        self.authority = authority
        self.identifier = identifier
    }

    public static func psd2(country: String, authority: String, authorisationNumber: String) -> Self {
        Self(scheme: "PSD", country: country, authority: authority, identifier: authorisationNumber)
    }

    /// Nil when the text does not follow the scheme-country-identifier form.
    public init?(parsing text: String) {
        let characters = Array(text)
        guard characters.count > 6, characters[5] == "-",
            characters[0..<3].allSatisfy({ $0.isASCII && $0.isUppercase }),
            characters[3..<5].allSatisfy({ $0.isASCII && $0.isUppercase })
        else { return nil }
        scheme = String(characters[0..<3])
        country = String(characters[3..<5])
        let rest = String(characters[6...])
        if scheme == "PSD" {
            // TS 119 495: the NCA identifier is 2 to 8 capital letters, then a hyphen.
            let parts = rest.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, (2...8).contains(parts[0].count), parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }),
                !parts[1].isEmpty
            else { return nil }
            authority = String(parts[0])
            identifier = String(parts[1])
        } else {
            authority = nil
            identifier = rest
        }
    }

    public var description: String {
        if let authority { "\(scheme)\(country)-\(authority)-\(identifier)" } else { "\(scheme)\(country)-\(identifier)" }
    }
}
