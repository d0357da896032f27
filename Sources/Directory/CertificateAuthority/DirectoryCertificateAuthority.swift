import Foundation
import Keys
import PKI
import X509

/// The directory's own CA: a root and an issuing CA, created once (by `registrar init`, the sandbox, or
/// the first start) with their private keys sealed in the store like the signing keys, so every node on
/// one database issues under the same CA. The root is also a trust anchor for transport and signing.
///
/// ```swift
/// let ca = DirectoryCertificateAuthority(store: store, encryptionKey: kek, endpoints: PKIEndpoints(baseURL: url))
/// try await ca.ensureExists(by: .system)
/// let issuer = try await ca.issuer()
/// ```
public struct DirectoryCertificateAuthority: Sendable {
    let store: any DirectoryStore
    let encryptionKey: KeyEncryptionKey
    public let endpoints: PKIEndpoints
    let clock: @Sendable () -> Date

    public static let rootName = "Registrar Directory Root CA"
    public static let issuingName = "Registrar Directory Issuing CA"

    public init(
        store: any DirectoryStore, encryptionKey: KeyEncryptionKey, endpoints: PKIEndpoints,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.encryptionKey = encryptionKey
        self.endpoints = endpoints
        self.clock = clock
    }

    /// Creates the root and issuing CAs, and the root's trust anchors, when there is no CA yet.
    public func ensureExists(organisation: String = "Registrar", country: String = "GB", by caller: Caller) async throws {
        guard try await store.records(CertificateAuthorityRecord.self).isEmpty else { return }
        let now = clock()
        let root = try CertificateAuthorityKey.makeRoot(commonName: Self.rootName, organisation: organisation, country: country, now: now)
        let issuing = try CertificateAuthorityKey.makeIssuing(
            commonName: Self.issuingName, organisation: organisation, country: country, under: root, now: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        for (key, role) in [(root, CertificateAuthorityRecord.Role.root), (issuing, .issuing)] {
            // The id is the role, so two nodes creating the CA at once collide and one change set wins whole.
            let id = role.rawValue
            let record = CertificateAuthorityRecord(
                id: id, role: role, certificatePEM: try CertificateBundle.pem(key.certificate),
                sealedPrivateKey: try encryptionKey.seal(Data(key.privateKeyPEM.utf8), boundTo: id), createdAt: now, updatedAt: now)
            try changes.insert(record, auditedAs: "certificate-authority.create")
        }
        for purpose in [CertificatePurpose.transport, .signing] {
            let anchor = try TrustAnchorRegistry.anchor(
                for: root.certificate, purpose: purpose, label: Self.rootName, source: .init(kind: .directory), at: now)
            try changes.insert(anchor, auditedAs: "trust-anchor.add")
        }
        do { try await store.apply(changes) } catch StoreError.duplicate {
            // Another node created the CA at the same moment; theirs stands.
        }
    }

    public func certificates() async throws -> (root: Certificate, issuing: Certificate) {
        let records = try await store.records(CertificateAuthorityRecord.self).map(\.record)
        guard let root = records.last(where: { $0.role == .root }), let issuing = records.last(where: { $0.role == .issuing }) else {
            throw DirectoryError.notActive("the directory has no CA yet; run `registrar init`")
        }
        return (try Certificate(pemEncoded: root.certificatePEM), try Certificate(pemEncoded: issuing.certificatePEM))
    }

    /// Opens the issuing CA's private key.
    public func issuer() async throws -> CertificateIssuer {
        let records = try await store.records(CertificateAuthorityRecord.self).map(\.record)
        guard let issuing = records.last(where: { $0.role == .issuing }) else {
            throw DirectoryError.notActive("the directory has no CA yet; run `registrar init`")
        }
        let pem: Data
        do { pem = try encryptionKey.open(issuing.sealedPrivateKey, boundTo: issuing.id) } catch {
            throw DirectoryError.conflict(
                "the key-encryption key cannot open the issuing CA's key; is this node configured with the same KEK?")
        }
        let key = try CertificateAuthorityKey(
            certificate: try Certificate(pemEncoded: issuing.certificatePEM), privateKeyPEM: String(decoding: pem, as: UTF8.self))
        return CertificateIssuer(authority: key, endpoints: endpoints)
    }

    /// What the OCSP responder says about one serial number of the issuing CA.
    public func status(of serialNumber: Certificate.SerialNumber) async -> OCSPResponder.Status {
        guard let issued = try? await store.record(IssuedCertificate.self, id: serialNumber.hexString)?.record else { return .unknown }
        switch issued.status {
        case .active: return .good
        case .revoked: return .revoked(at: issued.revokedAt ?? issued.updatedAt, reason: issued.revocationReason ?? .unspecified)
        }
    }

    /// How a certificate was revoked, when one of `issuers` (the directory's issuing CA) issued it and it is
    /// revoked; nil for every other certificate. Validations in the request path use it.
    public func revocation(of certificate: Certificate, issuers: [Certificate]) async -> RevokedCertificate? {
        guard issuers.contains(where: { $0.subject == certificate.issuer }),
            case .revoked(let at, let reason) = await status(of: certificate.serialNumber)
        else { return nil }
        return RevokedCertificate(serialNumber: certificate.serialNumber, revokedAt: at, reason: reason)
    }

    /// The issuing CA's CRL: every revoked certificate not yet expired. Its number is the time it was made
    /// in seconds, which only grows, whichever node makes it.
    public func revocationList(by issuer: CertificateIssuer, validFor lifetime: TimeInterval = 86_400) async throws -> (
        der: [UInt8], thisUpdate: Date, nextUpdate: Date
    ) {
        let now = clock()
        let revoked = try await store.records(IssuedCertificate.self).map(\.record).filter { $0.status == .revoked && $0.notAfter > now }
        let entries = revoked.sorted { $0.id < $1.id }.compactMap { certificate -> RevokedCertificate? in
            guard let serial = Certificate.SerialNumber(hexString: certificate.id) else { return nil }
            return RevokedCertificate(
                serialNumber: serial, revokedAt: certificate.revokedAt ?? certificate.updatedAt,
                reason: certificate.revocationReason ?? .unspecified)
        }
        let der = try RevocationList.make(
            by: issuer.authority, revoked: entries, number: Int64(now.timeIntervalSince1970), thisUpdate: now, nextUpdate: now + lifetime)
        return (der, now, now + lifetime)
    }
}
