import Foundation
import Keys
import X509

/// What the validation service tells about a certificate, in the spirit of the UK directory's: its
/// kind, names, dates, the parsed organizationIdentifier and eIDAS statements, and the verdict.
public struct CertificateReport: Sendable, Codable {
    /// transport, signing, qwac or qseal: the purpose it was judged for.
    public var type: CertificatePurpose
    public var valid: Bool
    public var problems: [String]
    public var expired: Bool
    public var revoked: Bool
    public var revocation: Revocation?
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var notBefore: Date
    public var notAfter: Date
    public var sha256Fingerprint: String
    /// How the issuer signed it: `RSASSA-PSS`, `sha256WithRSAEncryption`, `ecdsaWithSHA256`, ….
    public var signatureAlgorithm: String
    public var organisationIdentifier: ParsedOrganisationIdentifier?
    public var qcStatements: QualifiedCertificateStatements?
    /// The organisation name of the issuer, which for an eIDAS certificate is the QTSP.
    public var issuerOrganisation: String?
    /// Subjects from the leaf to the anchor, when a chain was found.
    public var chain: [String]
    /// The trust service provider whose trusted-list entry made the anchor, where the anchor came from one.
    public var trustServiceProvider: TrustServiceProvider?

    public struct TrustServiceProvider: Sendable, Codable, Equatable {
        public var name: String
        public var service: String
        /// The trusted list's territory and sequence, e.g. `IE#18`.
        public var list: String

        public init(name: String, service: String, list: String) {
            self.name = name
            self.service = service
            self.list = list
        }
    }

    public struct Revocation: Sendable, Codable, Equatable {
        public var revokedAt: Date
        public var reason: RevocationReason
    }

    public struct ParsedOrganisationIdentifier: Sendable, Codable, Equatable {
        public var value: String
        public var scheme: String?
        public var country: String?
        public var authority: String?
        public var identifier: String?
    }

    public init(certificate: Certificate, purpose: CertificatePurpose, verdict: ChainVerdict, at time: Date) throws {
        type = purpose
        valid = verdict.isValid
        problems = verdict.problems
        expired = certificate.notValidAfter < time
        revoked = verdict.revocation != nil
        revocation = verdict.revocation.map { Revocation(revokedAt: $0.revokedAt, reason: $0.reason) }
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        serialNumber = certificate.serialNumber.hexString
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        sha256Fingerprint = try CertificateBundle.sha256Fingerprint(certificate).lowercaseHex
        signatureAlgorithm =
            CertificateBundle.isSignedWithRSASSAPSS(certificate)
            ? "RSASSA-PSS"
            : UnreadableKeyCarrier.originalSignatureAlgorithm(of: certificate)
                ?? String(describing: certificate.signatureAlgorithm).replacingOccurrences(of: "SignatureAlgorithm.", with: "")
        organisationIdentifier = certificate.subject.firstValue(of: PKIObjectIdentifier.organizationIdentifier).map { value in
            let parsed = OrganisationIdentifier(parsing: value)
            return ParsedOrganisationIdentifier(
                value: value, scheme: parsed?.scheme, country: parsed?.country, authority: parsed?.authority, identifier: parsed?.identifier
            )
        }
        qcStatements = try? QualifiedCertificateStatements(certificate: certificate)
        issuerOrganisation = certificate.issuer.firstValue(of: .RDNAttributeType.organizationName)
        chain = verdict.chain.map(\.subject.description)
    }

    /// The purpose a certificate declares itself for, when the caller does not say: its eIDAS type if it
    /// is a qualified certificate, then its extended key usages.
    public static func declaredPurpose(of certificate: Certificate) -> CertificatePurpose {
        if let statements = try? QualifiedCertificateStatements(certificate: certificate), statements.isQualified {
            if statements.types.contains(.website) { return .qwac }
            if statements.types.contains(.electronicSeal) { return .qseal }
        }
        if let usages = try? certificate.extensions.extendedKeyUsage, usages.contains(.clientAuth) || usages.contains(.serverAuth) {
            return .transport
        }
        return .signing
    }
}
