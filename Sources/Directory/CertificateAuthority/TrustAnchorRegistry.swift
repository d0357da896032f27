import Foundation
import Keys
import PKI
import X509

/// The operator's trust anchors, per purpose, and the validation service built on them: what
/// `registrar trust …`, `registrar cert validate` and `POST /certificates/validate` use.
///
/// ```swift
/// let trust = TrustAnchorRegistry(store: store, authority: ca)
/// let anchor = try await trust.add(pemBytes, purpose: .qwac, label: "Example QTSP", by: operatorCaller)
/// let report = try await trust.validate(certificateBytes, purpose: nil, at: Date())
/// ```
public struct TrustAnchorRegistry: Sendable {
    let store: any DirectoryStore
    let authority: DirectoryCertificateAuthority
    let clock: @Sendable () -> Date

    public init(store: any DirectoryStore, authority: DirectoryCertificateAuthority, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.authority = authority
        self.clock = clock
    }

    public func add(_ upload: Data, purpose: CertificatePurpose, label: String?, by caller: Caller) async throws -> TrustAnchor {
        try caller.requireOperator()
        try InputRules.requireOptionalText(label, field: "label")
        let certificates: [Certificate]
        do { certificates = try CertificateBundle.parse(upload) } catch let failure as PKIFailure {
            throw DirectoryError.invalidInput(failure.description)
        }
        guard certificates.count == 1, let certificate = certificates.first else {
            throw DirectoryError.invalidInput("give exactly one certificate per anchor (this file has \(certificates.count))")
        }
        let now = clock()
        try Self.requireUsableAnchor(certificate, at: now)
        let anchor = try Self.anchor(
            for: certificate, purpose: purpose, label: label ?? certificate.subject.description, source: .init(kind: .manual), at: now)
        var changes = ChangeSet(actor: caller.auditName, at: now)
        try changes.insert(anchor, auditedAs: "trust-anchor.add")
        do { try await store.apply(changes) } catch StoreError.duplicate {
            throw DirectoryError.conflict("this certificate is already a \(purpose.rawValue) anchor (\(anchor.id))")
        }
        return anchor
    }

    public func anchors(for caller: Caller) async throws -> [TrustAnchor] {
        try caller.requireDirectoryRead()
        return try await allAnchors()
    }

    public func anchor(_ id: String, for caller: Caller) async throws -> TrustAnchor {
        try caller.requireOperator()
        guard id.count <= 64, let stored = try await store.record(TrustAnchor.self, id: id) else {
            throw DirectoryError.notFound("no trust anchor \(id)")
        }
        return stored.record
    }

    @discardableResult
    public func remove(_ id: String, by caller: Caller) async throws -> TrustAnchor {
        try caller.requireOperator()
        guard id.count <= 64, let stored = try await store.record(TrustAnchor.self, id: id) else {
            throw DirectoryError.notFound("no trust anchor \(id)")
        }
        var changes = ChangeSet(actor: caller.auditName, at: clock())
        changes.delete(stored, auditedAs: "trust-anchor.remove")
        try await store.apply(changes)
        return stored.record
    }

    /// Anchors per purpose and the directory's issuing CA as a known intermediate.
    public func trustStore() async throws -> TrustStore {
        var anchors: [CertificatePurpose: [Certificate]] = [:]
        for anchor in try await allAnchors() {
            anchors[anchor.purpose, default: []].append(try CertificateBundle.certificate(pem: anchor.certificatePEM))
        }
        let intermediates = (try? await authority.certificates()).map { [$0.issuing] } ?? []
        return TrustStore(anchors: anchors, intermediates: intermediates)
    }

    /// Validates the first certificate of `upload` (the rest are intermediates the caller offers) for
    /// `purpose`, or for the purpose it declares. Certificates this directory issued are checked for revocation.
    public func validate(_ upload: Data, purpose: CertificatePurpose?, trust: TrustStore? = nil, at time: Date) async throws
        -> CertificateReport
    {
        let certificates: [Certificate]
        do { certificates = try CertificateBundle.parse(upload) } catch let failure as PKIFailure {
            throw DirectoryError.invalidInput(failure.description)
        }
        let leaf = certificates[0]
        let chosen = purpose ?? CertificateReport.declaredPurpose(of: leaf)
        let anchors: TrustStore
        if let trust { anchors = trust } else { anchors = try await trustStore() }
        let verdict = await ChainValidator.validate(
            leaf: leaf, presented: Array(certificates.dropFirst()), purpose: chosen, trust: anchors, at: time,
            revocation: { [authority] in await authority.revocation(of: $0, issuers: anchors.intermediates) })
        var report: CertificateReport
        do { report = try CertificateReport(certificate: leaf, purpose: chosen, verdict: verdict, at: time) } catch {
            throw DirectoryError.invalidInput("the certificate cannot be re-encoded: \(error)")
        }
        if let root = verdict.chain.last, let fingerprint = try? CertificateBundle.sha256Fingerprint(root).lowercaseHex,
            let origin = try await store.record(TrustAnchor.self, id: TrustAnchor.identifier(fingerprint: fingerprint, purpose: chosen))?
                .record.source.trustedList
        {
            report.trustServiceProvider = .init(
                name: origin.providerName, service: origin.serviceName, list: "\(origin.list)#\(origin.sequenceNumber)")
        }
        return report
    }

    private func allAnchors() async throws -> [TrustAnchor] {
        try await store.records(TrustAnchor.self).map(\.record).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// An anchor must be able to sign certificates and must not have expired.
    static func requireUsableAnchor(_ certificate: Certificate, at now: Date) throws {
        if case .notCertificateAuthority = (try? certificate.extensions.basicConstraints) ?? nil {
            throw DirectoryError.invalidInput("\(certificate.subject) is not a CA certificate (basicConstraints cA is false)")
        }
        guard certificate.notValidAfter > now else {
            throw DirectoryError.invalidInput("\(certificate.subject) expired at \(Timestamp.format(certificate.notValidAfter))")
        }
    }

    static func anchor(
        for certificate: Certificate, purpose: CertificatePurpose, label: String, source: TrustAnchor.Source, at now: Date
    ) throws -> TrustAnchor {
        let fingerprint = try CertificateBundle.sha256Fingerprint(certificate).lowercaseHex
        return TrustAnchor(
            id: TrustAnchor.identifier(fingerprint: fingerprint, purpose: purpose), purpose: purpose, label: label,
            subject: certificate.subject.description, issuer: certificate.issuer.description, sha256Fingerprint: fingerprint,
            certificatePEM: try CertificateBundle.pem(certificate), notBefore: certificate.notValidBefore,
            notAfter: certificate.notValidAfter, source: source, createdAt: now, updatedAt: now)
    }
}
