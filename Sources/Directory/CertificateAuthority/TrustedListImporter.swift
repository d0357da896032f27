import Foundation
import Keys
import PKI
import TrustedLists
import X509

/// Where a trusted-list anchor came from: the list, its issue, the provider and the service.
public struct TrustedListOrigin: Codable, Sendable, Equatable {
    /// The list's identity: its territory (`IE`, `EU`), or its operator where it names no territory.
    public var list: String
    public var sequenceNumber: Int
    public var providerName: String
    public var serviceName: String
    public var serviceType: String
    public var serviceStatus: String
}

/// The last imported issue of one trusted list: what a re-import is compared with.
public struct TrustedListRecord: Codable, Sendable, Equatable, StoredRecord {
    public static let collection = RecordCollection.trustedLists

    public var id: String
    public var type: String
    public var operatorName: String
    public var sequenceNumber: Int
    public var issuedAt: Date
    public var nextUpdate: Date?
    public var file: String
    public var signerSHA256Fingerprint: String
    public var serviceTypes: [String]
    public var statuses: [String]
    public var anchorIDs: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public var ownerID: String? { nil }

    static func ownerID(of list: String) -> String { "trusted-list:\(list)" }
}

/// Turns verified trusted lists into trust anchors: the certificates of the services the operator wants
/// (type `CA/QC`, status `granted` by default), as anchors for the chosen purposes (QWAC and QSealC by
/// default), tagged with territory, provider, service, status and sequence. A newer issue replaces the
/// list's anchors in one change set; the same issue changes nothing; an older one is refused.
///
/// ```swift
/// let verified = try TrustedListVerifier.verify(bytes, file: "ie-tl.xml", signers: [pinnedDER])
/// let result = try await TrustedListImporter(store: store).importList(verified, options: .init(), by: caller)
/// ```
public struct TrustedListImporter: Sendable {
    public struct Options: Sendable {
        public var serviceTypes: Set<String>
        public var statuses: Set<String>
        public var purposes: [CertificatePurpose]

        public init(
            serviceTypes: Set<String> = ["CA/QC"], statuses: Set<String> = ["granted"], purposes: [CertificatePurpose] = [.qwac, .qseal]
        ) {
            self.serviceTypes = serviceTypes
            self.statuses = statuses
            self.purposes = purposes
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public enum Outcome: String, Codable, Sendable {
            case imported
            /// This issue was imported before; nothing changed.
            case unchanged
        }
        public var list: String
        public var sequenceNumber: Int
        public var previousSequenceNumber: Int?
        public var outcome: Outcome
        public var anchorsAdded: Int
        public var anchorsRemoved: Int
        /// Certificates of wanted services that did not become anchors, and why.
        public var skipped: [String]
    }

    let store: any DirectoryStore
    let clock: @Sendable () -> Date

    public init(store: any DirectoryStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    public func importList(_ verified: VerifiedTrustedList, options: Options, by caller: Caller) async throws -> Result {
        try caller.requireOperator()
        let list = verified.list
        let previous = try await store.record(TrustedListRecord.self, id: list.identity)
        if let previous, previous.record.sequenceNumber > list.sequenceNumber {
            throw DirectoryError.conflict(
                "\(list.identity): sequence \(list.sequenceNumber) is older than the imported sequence \(previous.record.sequenceNumber)")
        }
        if let previous, previous.record.sequenceNumber == list.sequenceNumber {
            return Result(
                list: list.identity, sequenceNumber: list.sequenceNumber, previousSequenceNumber: list.sequenceNumber, outcome: .unchanged,
                anchorsAdded: 0, anchorsRemoved: 0, skipped: [])
        }
        let now = clock()
        // One read of every anchor: the list's own are replaced, anyone else's are left alone.
        let ownerID = TrustedListRecord.ownerID(of: list.identity)
        let everyAnchor = try await store.records(TrustAnchor.self)
        let owned = everyAnchor.filter { $0.record.ownerID == ownerID }
        let others = Dictionary(uniqueKeysWithValues: everyAnchor.filter { $0.record.ownerID != ownerID }.map { ($0.record.id, $0.record) })
        let (anchors, skipped) = try anchors(from: list, options: options, keeping: others, at: now)

        var changes = ChangeSet(actor: caller.auditName, at: now)
        for old in owned { changes.delete(old) }
        for anchor in anchors { try changes.insert(anchor) }
        let record = TrustedListRecord(
            id: list.identity, type: list.type, operatorName: list.operatorName, sequenceNumber: list.sequenceNumber,
            issuedAt: list.issuedAt, nextUpdate: list.nextUpdate, file: verified.file,
            signerSHA256Fingerprint: CertificateBundle.sha256Fingerprint(der: verified.signer).lowercaseHex,
            serviceTypes: options.serviceTypes.sorted(),
            statuses: options.statuses.sorted(), anchorIDs: anchors.map(\.id), createdAt: previous?.record.createdAt ?? now, updatedAt: now)
        try changes.upsert(record, previous: previous, auditedAs: "trusted-list.import")
        do { try await store.apply(changes) } catch StoreError.duplicate {
            throw DirectoryError.conflict("\(list.identity) was imported by someone else at the same moment; run the import again")
        }
        return Result(
            list: list.identity, sequenceNumber: list.sequenceNumber, previousSequenceNumber: previous?.record.sequenceNumber,
            outcome: .imported, anchorsAdded: anchors.count, anchorsRemoved: owned.count, skipped: skipped)
    }

    public func lists(for caller: Caller) async throws -> [TrustedListRecord] {
        try caller.requireOperator()
        return try await store.records(TrustedListRecord.self).map(\.record)
    }

    private func anchors(from list: TrustedList, options: Options, keeping others: [String: TrustAnchor], at now: Date) throws -> (
        [TrustAnchor], [String]
    ) {
        var anchors: [TrustAnchor] = []
        var skipped: [String] = []
        for candidate in list.anchorCandidates(serviceTypes: options.serviceTypes, statuses: options.statuses) {
            let service = "\(candidate.providerName) / \(candidate.service.name)"
            guard let certificate = try? CertificateBundle.certificate(der: candidate.certificate) else {
                skipped.append("\(service): the certificate cannot be read (key type or curve not supported)")
                continue
            }
            do { try TrustAnchorRegistry.requireUsableAnchor(certificate, at: now) } catch let error as DirectoryError {
                skipped.append("\(service): \(error.description)")
                continue
            }
            let origin = TrustedListOrigin(
                list: list.identity, sequenceNumber: list.sequenceNumber, providerName: candidate.providerName,
                serviceName: candidate.service.name, serviceType: candidate.service.type, serviceStatus: candidate.service.status)
            for purpose in options.purposes {
                let anchor = try TrustAnchorRegistry.anchor(
                    for: certificate, purpose: purpose, label: service, source: .init(kind: .trustedList, trustedList: origin), at: now)
                if anchors.contains(where: { $0.id == anchor.id }) { continue }
                if let existing = others[anchor.id] {
                    skipped.append("\(service): already a \(purpose.rawValue) anchor (\(existing.id), \(existing.source.kind.rawValue))")
                    continue
                }
                anchors.append(anchor)
            }
        }
        return (anchors, skipped)
    }
}
