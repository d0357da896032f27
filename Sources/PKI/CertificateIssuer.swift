import Foundation
import SwiftASN1
import X509

/// Where relying parties find the issuing CA's certificate, its CRL and its OCSP responder; written
/// into every certificate it issues (CRL distribution point, authority information access).
public struct PKIEndpoints: Sendable, Equatable {
    public var crl: String
    public var ocsp: String
    public var issuingCertificate: String

    public init(baseURL: String) {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        crl = "\(base)/pki/issuing.crl"
        ocsp = "\(base)/pki/ocsp"
        issuingCertificate = "\(base)/pki/issuing.cer"
    }
}

/// What the directory asks its CA to certify: a reviewed public key, a subject from directory data, and
/// a purpose that decides the key usages.
public struct LeafCertificateRequest: Sendable {
    public var purpose: CertificatePurpose
    public var subject: SubjectIdentity
    public var publicKey: Certificate.PublicKey
    public var lifetime: TimeInterval
    public var statements: QualifiedCertificateStatements?

    public static let defaultLifetime: TimeInterval = 2 * 365 * 86_400

    public init(
        purpose: CertificatePurpose, subject: SubjectIdentity, publicKey: Certificate.PublicKey, lifetime: TimeInterval = defaultLifetime,
        statements: QualifiedCertificateStatements? = nil
    ) {
        self.purpose = purpose
        self.subject = subject
        self.publicKey = publicKey
        self.lifetime = lifetime
        self.statements = statements
    }
}

/// Issues participant certificates under the directory's issuing CA, with the extensions each purpose needs:
/// transport certificates get digitalSignature and the clientAuth/serverAuth usages (mTLS both ways);
/// signing certificates digitalSignature and nonRepudiation, with no extended usage.
public struct CertificateIssuer: Sendable {
    public let authority: CertificateAuthorityKey
    public let endpoints: PKIEndpoints

    public init(authority: CertificateAuthorityKey, endpoints: PKIEndpoints) {
        self.authority = authority
        self.endpoints = endpoints
    }

    public func issue(_ request: LeafCertificateRequest, serialNumber: Certificate.SerialNumber = .init(), now: Date) throws -> Certificate
    {
        guard request.purpose.isIssuable else {
            throw PKIFailure.refused("the directory CA does not issue \(request.purpose.rawValue) certificates")
        }
        try SigningRequestReview.requireAcceptableKey(request.publicKey)
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(keyUsage(for: request.purpose))
            SubjectKeyIdentifier(hash: request.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: authority.keyIdentifier)
            AuthorityInformationAccess([
                .init(method: .ocspServer, location: .uniformResourceIdentifier(endpoints.ocsp)),
                .init(method: .issuingCA, location: .uniformResourceIdentifier(endpoints.issuingCertificate)),
            ])
        }
        if request.purpose == .transport {
            try extensions.append(Certificate.Extension(try ExtendedKeyUsage([.clientAuth, .serverAuth]), critical: false))
        }
        try extensions.append(try Self.crlDistributionPoint(endpoints.crl))
        if let statements = request.statements { try extensions.append(try statements.makeExtension()) }
        let notAfter = min(now + request.lifetime, authority.certificate.notValidAfter)
        return try Certificate(
            version: .v3, serialNumber: serialNumber, publicKey: request.publicKey,
            notValidBefore: now - CertificateAuthorityKey.backdating, notValidAfter: notAfter,
            issuer: authority.certificate.subject, subject: try request.subject.distinguishedName(),
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: authority.certificateSigner)
    }

    private func keyUsage(for purpose: CertificatePurpose) -> KeyUsage {
        switch purpose {
        case .transport, .qwac: KeyUsage(digitalSignature: true)
        case .signing, .qseal: KeyUsage(digitalSignature: true, nonRepudiation: true)
        }
    }

    /// CRLDistributionPoints ::= SEQUENCE OF DistributionPoint, with one full-name URI (RFC 5280 §4.2.1.13).
    static func crlDistributionPoint(_ uri: String) throws -> Certificate.Extension {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { points in
            try points.appendConstructedNode(identifier: .sequence) { point in
                // distributionPoint [0] { fullName [0] GeneralNames }
                try point.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { name in
                    try name.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { names in
                        try names.serialize(GeneralName.uniformResourceIdentifier(uri))
                    }
                }
            }
        }
        return Certificate.Extension(oid: PKIObjectIdentifier.crlDistributionPoints, critical: false, value: coder.serializedBytes[...])
    }
}
