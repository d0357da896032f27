import Foundation
import Keys

/// A collection of records, persisted as one table with the same shape in every back end: `id`,
/// `owner_id`, `revision`, `updated_at` and the record as a JSON `body`. Each module names its own
/// collections (the directory's are below; the registration role's beside its records), and a migration
/// in `Storage/Schema.swift` creates each table.
public struct RecordCollection: Hashable, Sendable, CustomStringConvertible {
    /// The table's name, and the `subject_type` of its audit events.
    public let rawValue: String
    /// Which revision counter a write to this collection moves.
    public let ledger: RevisionLedger

    public init(_ name: String, ledger: RevisionLedger = .directory) {
        rawValue = name
        self.ledger = ledger
    }

    public var description: String { rawValue }

    public static func == (left: Self, right: Self) -> Bool { left.rawValue == right.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

extension RecordCollection {
    public static let organisations = Self("organisations")
    public static let softwareStatements = Self("software_statements")
    public static let authorisationServers = Self("authorisation_servers")
    public static let participantKeys = Self("participant_keys")
    public static let signingKeys = Self("signing_keys")
    public static let apiTokens = Self("api_tokens")
    public static let certificateAuthorities = Self("certificate_authorities")
    public static let certificates = Self("certificates")
    public static let trustAnchors = Self("trust_anchors")
    public static let trustedLists = Self("trusted_lists")
    /// The directory's own settings (`DirectorySettings`): one record.
    public static let directorySettings = Self("directory_settings")
}

/// The store keeps a revision counter per ledger. The directory's moves with directory data and keys the
/// caches of published documents, trust anchors and keys; the registration role's clients move their
/// own, so that a stream of registrations does not empty the directory's caches on every request.
/// Writers of one ledger serialise on its counter, which is what orders each ledger's audit events.
public enum RevisionLedger: String, Sendable {
    case directory
    case registration
    /// People, their sign-ins and invitations: a sign-in must not empty the document caches either.
    case people

    /// The table holding the counter.
    public var table: String { "\(rawValue)_revision" }
}

/// A record the store can keep: it names its collection, its id and, where it belongs to another record
/// (software to an organisation, a key to its owner), that owner.
public protocol StoredRecord: Codable, Sendable {
    static var collection: RecordCollection { get }
    var id: String { get }
    var ownerID: String? { get }
    var updatedAt: Date { get }
}

/// A record as read back, with the directory revision at which it was last written; updates name it so
/// that a concurrent change is detected instead of overwritten.
public struct Stored<Record: Sendable>: Sendable {
    public var record: Record
    public var revision: Int64

    public init(record: Record, revision: Int64) {
        self.record = record
        self.revision = revision
    }
}

/// The raw row the back ends exchange with the domain.
public struct StoredRow: Sendable, Equatable {
    public var id: String
    public var ownerID: String?
    public var revision: Int64
    public var updatedAt: Date
    public var body: Data

    public init(id: String, ownerID: String?, revision: Int64, updatedAt: Date, body: Data) {
        self.id = id
        self.ownerID = ownerID
        self.revision = revision
        self.updatedAt = updatedAt
        self.body = body
    }
}

/// What the directory needs from persistence. Every write goes through `apply`, which is atomic: all of a
/// change set's writes and its audit events land together under one new revision, or nothing does.
///
/// Implemented by `SQLiteDirectoryStore` and `PostgresDirectoryStore` (module Storage); one conformance
/// suite runs against both.
public protocol DirectoryStore: Sendable {
    /// Applies the change set in one transaction and returns the new directory revision.
    @discardableResult
    func apply(_ changes: ChangeSet) async throws -> Int64
    func row(in collection: RecordCollection, id: String) async throws -> StoredRow?
    /// Rows ordered by id; `ownerID` filters when given.
    func rows(in collection: RecordCollection, ownerID: String?) async throws -> [StoredRow]
    /// The revision of the last committed change (0 for an empty store).
    func currentRevision() async throws -> Int64
    /// The audit events `query` selects, by id (oldest first, or newest first), at most its bounded limit.
    /// Ids grow in commit order (writers serialise on the revision), so a reader that resumes after (or
    /// before) the last id it saw never skips or repeats an event.
    func auditEvents(matching query: AuditQuery) async throws -> [AuditEvent]
    /// Notes the first use of a one-time value (a JWT's `jti`, scoped by its issuer) and keeps it until
    /// `expiry`; false when it is already noted and not yet expired. Atomic across nodes. It does not move
    /// the directory revision: replay bookkeeping is not directory data, and must not empty the caches.
    func noteFirstUse(of value: String, until expiry: Date, now: Date) async throws -> Bool
    func close() async throws
}

extension DirectoryStore {
    /// Events with an id greater than `afterID`, oldest first; only those about records of `subjectType`
    /// (a collection name) when given.
    public func auditEvents(afterID: Int64, limit: Int, subjectType: String? = nil) async throws -> [AuditEvent] {
        var query = AuditQuery(after: afterID, limit: limit)
        query.subjectType = subjectType
        return try await auditEvents(matching: query)
    }

    public func record<R: StoredRecord>(_ type: R.Type, id: String) async throws -> Stored<R>? {
        guard let row = try await row(in: R.collection, id: id) else { return nil }
        return Stored(record: try RecordCoding.decode(R.self, row: row), revision: row.revision)
    }

    public func records<R: StoredRecord>(_ type: R.Type, ownerID: String? = nil) async throws -> [Stored<R>] {
        try await rows(in: R.collection, ownerID: ownerID).map {
            Stored(record: try RecordCoding.decode(R.self, row: $0), revision: $0.revision)
        }
    }
}

/// A record that writes its own JSON form: the members its `Codable` conformance writes, as a
/// `JSONValue`, for records stored on a hot path (a registration's client and token).
public protocol JSONValueRepresentable {
    var jsonValue: JSONValue { get }
}

/// JSON coding of record bodies: ISO 8601 dates with fractional seconds, sorted keys.
public enum RecordCoding {
    /// A record's stored JSON: written directly when the record knows its JSON form, else by `encoder`.
    public static func encode<R: Encodable>(_ record: R) throws -> Data {
        if let direct = record as? any JSONValueRepresentable { return direct.jsonValue.serialized() }
        return try encoder.encode(record)
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 date-time: \(text)"))
            }
            return date
        }
        return decoder
    }()

    static func decode<R: StoredRecord>(_ type: R.Type, row: StoredRow) throws -> R {
        do {
            return try decoder.decode(R.self, from: row.body)
        } catch {
            throw StoreError.corruptRecord(collection: R.collection, id: row.id)
        }
    }
}

/// RFC 3339 timestamps in UTC with millisecond precision, the form every API response uses.
public enum Timestamp {
    /// `2026-11-22T05:23:13.972Z`. Written out by hand: every stored record carries two of these and
    /// Foundation's ISO 8601 format style was a visible cost of each registration.
    public static func format(_ date: Date) -> String {
        // Whole seconds and truncated milliseconds from the reference date, as Foundation counts them,
        // but a microsecond (or two ulps) short of a millisecond counts as that millisecond: a date read back from
        // "….231Z" is the nearest double, which may lie just below .231, and truncating it wrote
        // ".230": every update of a record moved its createdAt a millisecond back.
        let sinceReference = date.timeIntervalSinceReferenceDate
        let whole = sinceReference.rounded(.down)
        guard whole.isFinite, abs(whole) < 1e12 else { return formatStyle(date) }
        var seconds = time_t(whole + Date.timeIntervalBetween1970AndReferenceDate)
        let tolerance = max(0.001, sinceReference.ulp * 2000)
        let fraction = min(999, Int((sinceReference - whole) * 1000 + tolerance))
        var parts = tm()
        // Before the Gregorian reform Foundation writes Julian dates; those few go through Foundation.
        guard gmtime_r(&seconds, &parts) != nil, (1583...9999).contains(Int(parts.tm_year) + 1900) else { return formatStyle(date) }
        var text = [UInt8]()
        text.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int, then separator: UInt8?) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
            if let separator { text.append(separator) }
        }
        digits(Int(parts.tm_year) + 1900, 4, then: UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2, then: UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2, then: UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2, then: UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2, then: UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2, then: UInt8(ascii: "."))
        digits(fraction, 3, then: UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// The same text through Foundation, for dates outside years 1–9999.
    static func formatStyle(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(
            text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}
