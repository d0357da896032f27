/// Who is asking. Every operation states the caller, which both authorises it and names it in the audit.
public enum Caller: Sendable, Equatable {
    case `operator`(label: String)
    case organisation(id: String, label: String)
    /// A bank's authorisation server reading the clients registered here (a `clients` token).
    case clientReader(label: String)
    /// A Prometheus scraper reading `GET /metrics` (a `metrics` token).
    case metricsReader(label: String)
    /// A software statement acting for itself with a certificate-bound access token from `POST /token`.
    case software(SoftwareClient)
    /// The operator at the command line, with direct access to the store.
    case commandLine(user: String)
    /// Registrar itself (sandbox seeding, start-up key generation).
    case system

    public init(token: APIToken) {
        switch token.role {
        case .operator: self = .operator(label: token.label)
        case .organisation: self = .organisation(id: token.organisationID ?? "", label: token.label)
        case .clients: self = .clientReader(label: token.label)
        case .metrics: self = .metricsReader(label: token.label)
        }
    }

    public var auditName: String {
        switch self {
        case .operator(let label): "operator:\(label)"
        case .organisation(let id, let label): "organisation:\(id):\(label)"
        case .clientReader(let label): "clients:\(label)"
        case .metricsReader(let label): "metrics:\(label)"
        case .software(let client): "software:\(client.organisationID):\(client.softwareID)"
        case .commandLine(let user): "cli:\(user)"
        case .system: "system"
        }
    }

    public var isOperator: Bool {
        switch self {
        case .operator, .commandLine, .system: true
        case .organisation, .software, .clientReader, .metricsReader: false
        }
    }

    public func requireOperator() throws {
        guard isOperator else { throw DirectoryError.forbidden("this operation needs an operator token") }
    }

    /// Reading the process's metrics: operators and holders of a `metrics` token.
    public func requireMetricsAccess() throws {
        if case .metricsReader = self { return }
        guard isOperator else { throw DirectoryError.forbidden("reading metrics needs an operator or metrics token") }
    }

    /// Reading registered clients: operators and holders of a `clients` token.
    public func requireClientAccess() throws {
        if case .clientReader = self { return }
        guard isOperator else { throw DirectoryError.forbidden("reading registered clients needs an operator or clients token") }
    }

    /// What a participant asks to do inside one organisation.
    public enum Action: Sendable, Equatable {
        /// Read the organisation and its software statements.
        case read
        /// Change the organisation itself: new software, authorisation servers, organisation keys.
        case manageOrganisation
        /// Change one software statement: its status, keys and certificates.
        case manageSoftware(id: String)
        /// Obtain one software statement's SSA.
        case fetchAssertion(softwareID: String)
    }

    /// Operators act on any organisation; an organisation's token acts on its own only; a software
    /// statement's access token acts on that software statement only, and only within its scopes.
    public func require(_ action: Action, inOrganisation organisationID: String) throws {
        switch self {
        case .operator, .commandLine, .system:
            return
        case .organisation(let id, _):
            guard id == organisationID else { throw DirectoryError.forbidden("this token is scoped to another organisation") }
        case .clientReader:
            throw DirectoryError.forbidden("a clients token reads registered clients only")
        case .metricsReader:
            throw DirectoryError.forbidden("a metrics token reads /metrics only")
        case .software(let client):
            guard client.organisationID == organisationID else {
                throw DirectoryError.forbidden("this access token is scoped to another organisation")
            }
            try client.permit(action)
        }
    }

    /// Read access to an organisation (`require(.read, inOrganisation:)`).
    public func requireAccess(toOrganisation organisationID: String) throws {
        try require(.read, inOrganisation: organisationID)
    }
}

/// The scopes of the directory's own OAuth API. A software statement's access token carries some of them.
public enum DirectoryScope: String, Sendable, Codable, CaseIterable, Comparable {
    case read = "directory:read"
    case software = "directory:software"
    case assertion = "directory:ssa"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Space-separated, as RFC 6749 §3.3 writes scopes; the order is fixed so that equal sets read alike.
    public static func text(_ scopes: Set<DirectoryScope>) -> String { scopes.sorted().map(\.rawValue).joined(separator: " ") }
}

/// A software statement authenticated by a certificate-bound access token.
public struct SoftwareClient: Sendable, Equatable, Hashable {
    public var organisationID: String
    public var softwareID: String
    public var scopes: Set<DirectoryScope>

    public init(organisationID: String, softwareID: String, scopes: Set<DirectoryScope>) {
        self.organisationID = organisationID
        self.softwareID = softwareID
        self.scopes = scopes
    }

    func permit(_ action: Caller.Action) throws {
        let needed: DirectoryScope
        switch action {
        case .read:
            needed = .read
        case .manageOrganisation:
            throw DirectoryError.forbidden("an access token acts for its own software statement only; use an organisation token")
        case .manageSoftware(let id):
            guard id == softwareID else { throw DirectoryError.forbidden("this access token belongs to another software statement") }
            needed = .software
        case .fetchAssertion(let id):
            guard id == softwareID else { throw DirectoryError.forbidden("this access token belongs to another software statement") }
            needed = .assertion
        }
        guard scopes.contains(needed) else { throw DirectoryError.forbidden("this access token lacks the scope \(needed.rawValue)") }
    }
}
