import Foundation
import Keys

/// An audit event as the API shows it: the record before and after the change as JSON objects, not as
/// strings holding JSON (the API and `registrar audit --json`).
public struct AuditEventView: Encodable {
    public let event: AuditEvent

    public init(_ event: AuditEvent) { self.event = event }

    enum CodingKeys: String, CodingKey { case id, at, actor, action, subjectType, subjectId, before, after, revision }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event.id, forKey: .id)
        try container.encode(event.at, forKey: .at)
        try container.encode(event.actor, forKey: .actor)
        try container.encode(event.action, forKey: .action)
        try container.encode(event.subjectType, forKey: .subjectType)
        try container.encode(event.subjectID, forKey: .subjectId)
        try container.encode(event.before.flatMap { JSONValue.object(Data($0.utf8)).map(JSONValue.object) } ?? .null, forKey: .before)
        try container.encode(event.after.flatMap { JSONValue.object(Data($0.utf8)).map(JSONValue.object) } ?? .null, forKey: .after)
        try container.encode(event.revision, forKey: .revision)
    }
}
