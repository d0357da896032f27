import Foundation

/// Reading the audit trail (operators only): pages of events by query, and what "an organisation's
/// trail" covers. Writing it is `ChangeSet`'s (`insert/update/delete(auditedAs:)`).
public struct AuditTrail: Sendable {
    public let store: any DirectoryStore

    public init(store: any DirectoryStore) { self.store = store }

    public func events(afterID: Int64 = 0, limit: Int = 100, for caller: Caller) async throws -> [AuditEvent] {
        try await events(matching: AuditQuery(after: afterID, limit: limit), for: caller)
    }

    public func events(matching query: AuditQuery, for caller: Caller) async throws -> [AuditEvent] {
        try caller.requireDirectoryRead()
        return try await store.auditEvents(matching: query)
    }

    /// The ids of an organisation and of every record it owns (software statements, authorisation
    /// servers, keys) or its software owns (keys, certificates): what "the organisation's audit trail" covers.
    public func recordIDs(ofOrganisation id: String) async throws -> [String] {
        var ids = [id]
        let software = try await store.rows(in: .softwareStatements, ownerID: id).map(\.id)
        ids += software
        for collection in [RecordCollection.authorisationServers, .participantKeys] {
            ids += try await store.rows(in: collection, ownerID: id).map(\.id)
        }
        for softwareID in software {
            for collection in [RecordCollection.participantKeys, .certificates] {
                ids += try await store.rows(in: collection, ownerID: softwareID).map(\.id)
            }
        }
        return ids
    }
}
