import Foundation
import Keys
import PKI
import X509

/// Certificates for software statements: issued from a CSR by the directory CA, published in the
/// software's keystore JWKS (`x5c`, `x5t#S256`, `use` tls or sig), revoked into the revoked JWKS and the CRL.
///
/// ```swift
/// let certificates = ParticipantCertificates(directory: directory, authority: ca, profile: .obie)
/// let issued = try await certificates.issue(csrPEM: pem, purpose: .transport, softwareID: sid, organisationID: oid, by: caller)
/// try await certificates.revoke(serialNumber: issued.id, reason: .keyCompromise, by: caller)
/// ```
public struct ParticipantCertificates: Sendable {
    let directory: ParticipantDirectory
    public let authority: DirectoryCertificateAuthority
    let profile: EcosystemProfile

    public init(directory: ParticipantDirectory, authority: DirectoryCertificateAuthority, profile: EcosystemProfile) {
        self.directory = directory
        self.authority = authority
        self.profile = profile
    }

    var store: any DirectoryStore { directory.store }

    public func issue(csrPEM: String, purpose: CertificatePurpose, softwareID: String, organisationID: String, by caller: Caller)
        async throws
        -> IssuedCertificate
    {
        let organisation = try await directory.storedOrganisation(organisationID, for: caller, to: .manageSoftware(id: softwareID)).record
        let software = try await directory.storedSoftware(softwareID, in: organisationID, for: caller, to: .manageSoftware(id: softwareID))
            .record
        guard purpose.isIssuable else { throw DirectoryError.invalidInput("purpose must be transport or signing") }
        try StatusLifecycle.requireActive(organisation: organisation, software: software, toIssue: "certificates")
        let reviewed: SigningRequestReview.Reviewed
        do { reviewed = try SigningRequestReview.review(pem: csrPEM) } catch let failure as PKIFailure {
            throw DirectoryError.invalidInput(failure.description)
        }
        let now = directory.clock()
        let request = LeafCertificateRequest(
            purpose: purpose, subject: CertificateSubjects.subject(for: profile, organisation: organisation, software: software),
            publicKey: reviewed.publicKey,
            statements: CertificateSubjects.statements(for: profile, organisation: organisation, purpose: purpose))
        let issuer = try await authority.issuer()
        let certificate = try issuer.issue(request, now: now)
        let issued = try record(for: certificate, purpose: purpose, software: software, at: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.insert(issued, auditedAs: "certificate.issue")
        let key = ParticipantKey(
            owner: .software, ownerIdentifier: softwareID, organisationID: organisationID,
            jwk: try jwk(for: certificate, issuedBy: issuer.authority.certificate, record: issued),
            at: now)
        try changes.insert(key, auditedAs: "key.add")
        try await directory.apply(changes)
        return issued
    }

    /// Revokes a certificate: its JWKS entry moves to the revoked set and it enters the next CRL.
    @discardableResult
    public func revoke(serialNumber: String, reason: RevocationReason, by caller: Caller) async throws -> IssuedCertificate {
        let serial = serialNumber.lowercased()
        guard serial.count <= 40, let stored = try await store.record(IssuedCertificate.self, id: serial) else {
            throw DirectoryError.notFound("no certificate with serial number \(serialNumber)")
        }
        try caller.require(.manageSoftware(id: stored.record.softwareID), inOrganisation: stored.record.organisationID)
        guard stored.record.status == .active else { throw DirectoryError.invalidTransition("certificate \(serial) is already revoked") }
        let now = directory.clock()
        var revoked = stored.record
        revoked.status = .revoked
        revoked.revocationReason = reason
        revoked.revokedAt = now
        revoked.updatedAt = now
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.update(revoked, readAt: stored.revision, auditedAs: "certificate.revoke", before: stored.record)
        let keyID = ParticipantKey.identifier(ownerIdentifier: revoked.softwareID, kid: revoked.x5tS256)
        if let key = try await store.record(ParticipantKey.self, id: keyID), key.record.status == .active {
            let revokedKey = key.record.revoked(reason: reason.rawValue, at: now)
            try changes.update(revokedKey, readAt: key.revision, auditedAs: "key.revoke", before: key.record)
        }
        try await directory.apply(changes)
        return revoked
    }

    public func certificates(softwareID: String, organisationID: String, for caller: Caller) async throws -> [IssuedCertificate] {
        _ = try await directory.storedSoftware(softwareID, in: organisationID, for: caller)
        return try await store.records(IssuedCertificate.self, ownerID: softwareID).map(\.record).sorted {
            ($0.createdAt, $0.id) < ($1.createdAt, $1.id)
        }
    }

    /// Active certificates that expire within `window` of `now` (and have not yet), soonest first: for
    /// one organisation's software (its members), or across the directory (staff).
    public func expiring(within window: TimeInterval, at now: Date, inOrganisation organisationID: String? = nil, for caller: Caller)
        async throws -> [IssuedCertificate]
    {
        let candidates: [IssuedCertificate]
        if let organisationID {
            var owned: [IssuedCertificate] = []
            for software in try await directory.softwareStatements(in: organisationID, for: caller) {
                owned += try await store.records(IssuedCertificate.self, ownerID: software.id).map(\.record)
            }
            candidates = owned
        } else {
            try caller.requireDirectoryRead()
            candidates = try await store.records(IssuedCertificate.self).map(\.record)
        }
        return candidates.filter { $0.status == .active && $0.notAfter > now && $0.notAfter <= now.addingTimeInterval(window) }
            .sorted { ($0.notAfter, $0.id) < ($1.notAfter, $1.id) }
    }

    public func certificate(serialNumber: String) async throws -> IssuedCertificate? {
        let serial = serialNumber.lowercased()
        guard serial.count <= 40 else { return nil }
        return try await store.record(IssuedCertificate.self, id: serial)?.record
    }

    private func record(for certificate: Certificate, purpose: CertificatePurpose, software: SoftwareStatement, at now: Date) throws
        -> IssuedCertificate
    {
        IssuedCertificate(
            id: certificate.serialNumber.hexString, organisationID: software.organisationID, softwareID: software.id, purpose: purpose,
            subject: certificate.subject.description, certificatePEM: try CertificateBundle.pem(certificate),
            x5tS256: try CertificateBundle.x5tS256(certificate), status: .active, revocationReason: nil,
            revokedAt: nil, notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter, createdAt: now, updatedAt: now)
    }

    /// The JWKS entry: the certified public key with the chain up to (not including) the root.
    private func jwk(for certificate: Certificate, issuedBy issuing: Certificate, record issued: IssuedCertificate) throws -> JSONWebKey {
        var jwk = try PublicKeyMaterial(pem: try CertificateBundle.publicKeyPEM(certificate.publicKey)).jwk
        jwk.kid = issued.x5tS256
        jwk.use = issued.purpose.jwkUse
        jwk.x5c = try [certificate, issuing].map { Data(try CertificateBundle.der($0)).base64EncodedString() }
        jwk.x5tS256 = issued.x5tS256
        return jwk
    }
}
