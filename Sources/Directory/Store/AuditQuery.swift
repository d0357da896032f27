import Foundation

/// Which audit events to read, and in which order: what an operator narrows the trail with.
///
/// ```swift
/// var query = AuditQuery(limit: 50)
/// query.newestFirst = true
/// query.action = "organisation."          // a kind: every action that starts with it
/// let page = try await store.auditEvents(matching: query)
/// ```
public struct AuditQuery: Sendable, Equatable {
    /// Only events with a larger id (resume reading forwards).
    public var after: Int64?
    /// Only events with a smaller id (resume reading backwards, newest first).
    public var before: Int64?
    public var newestFirst = false
    /// A collection name (`organisations`, `software_statements`, …).
    public var subjectType: String?
    public var subjectID: String?
    /// Events about any of these records (an organisation and everything it owns: `AuditTrail
    /// .recordIDs(ofOrganisation:)`).
    public var subjectIDs: [String]?
    /// The actor exactly as recorded (`operator:LABEL`, `software:ID`, `cli:USER`).
    public var actor: String?
    /// An action (`organisation.create`), or a kind when it ends with a dot (`organisation.`).
    public var action: String?
    /// Events at or after `since` and before `until`.
    public var since: Date?
    public var until: Date?
    public var limit: Int

    public static let maximumLimit = 1000

    public init(after: Int64? = nil, limit: Int = 100) {
        self.after = after
        self.limit = limit
    }

    /// The limit within 1…1000.
    public var boundedLimit: Int { min(max(limit, 1), Self.maximumLimit) }

    /// One condition of the query's `WHERE`, for a back end to render with its own placeholders. Only the
    /// filters given become conditions, so that the database can use its indexes (a `? IS NULL OR …`
    /// form hides them from the planner).
    public struct Condition: Sendable, Equatable {
        public enum Value: Sendable, Equatable {
            case integer(Int64)
            case text(String)
            case time(Date)
            /// For `IN`: one of these.
            case texts([String])
        }
        public let column: String
        /// `=`, `>`, `<`, `>=`, `IN` (with `.texts`), or `LIKE` (with `\` as its escape character).
        public let comparison: String
        public let value: Value
    }

    public var conditions: [Condition] {
        var conditions: [Condition] = []
        if let after { conditions.append(.init(column: "id", comparison: ">", value: .integer(after))) }
        if let before { conditions.append(.init(column: "id", comparison: "<", value: .integer(before))) }
        if let subjectType { conditions.append(.init(column: "subject_type", comparison: "=", value: .text(subjectType))) }
        if let subjectID { conditions.append(.init(column: "subject_id", comparison: "=", value: .text(subjectID))) }
        if let subjectIDs { conditions.append(.init(column: "subject_id", comparison: "IN", value: .texts(subjectIDs))) }
        if let actor { conditions.append(.init(column: "actor", comparison: "=", value: .text(actor))) }
        if let actionPattern { conditions.append(.init(column: "action", comparison: "LIKE", value: .text(actionPattern))) }
        if let since { conditions.append(.init(column: "at", comparison: ">=", value: .time(since))) }
        if let until { conditions.append(.init(column: "at", comparison: "<", value: .time(until))) }
        return conditions
    }

    /// The action filter as a SQL `LIKE` pattern (`_` and `%` in names are escaped with `\`).
    public var actionPattern: String? {
        guard let action else { return nil }
        let escaped = action.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return action.hasSuffix(".") ? escaped + "%" : escaped
    }
}
