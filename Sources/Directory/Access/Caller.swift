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
    /// A person signed in to the console, with their staff role and memberships as they stand now.
    case person(PersonCaller)

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
        case .person(let person): "person:\(person.email)"
        }
    }

    /// May change anything in the directory: operators' tokens, the CLI, Registrar itself, and staff
    /// whose role administers (`AccessPolicy.staff`).
    public var isOperator: Bool { permits(.administer) }

    /// Whether the caller holds a directory-wide permission (`AccessPolicy.StaffPermission`).
    public func permits(_ permission: AccessPolicy.StaffPermission) -> Bool {
        switch self {
        case .operator, .commandLine, .system: true
        case .person(let person): person.staffRole.map { AccessPolicy.permits($0, permission) } ?? false
        case .organisation, .software, .clientReader, .metricsReader: false
        }
    }

    public func requireOperator() throws {
        guard isOperator else { throw DirectoryError.forbidden("this operation needs an operator token or an operator's sign-in") }
    }

    /// Reading across the whole directory (the audit trail, every token, every person): operators and
    /// every staff role, auditors included.
    public func requireDirectoryRead() throws {
        guard permits(.readDirectory) else { throw DirectoryError.forbidden("reading this needs directory staff or an operator token") }
    }

    /// Inviting, changing and disabling directory staff: staff administrators (and the CLI).
    public func requireStaffManagement() throws {
        guard permits(.manageStaff) else { throw DirectoryError.forbidden("managing directory staff needs a staff administrator") }
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
        /// Invite and remove the organisation's members; create and revoke its API tokens.
        case managePeople
    }

    /// Operators act on any organisation; an organisation's token acts on its own only; a software
    /// statement's access token acts on that software statement only, and only within its scopes.
    public func require(_ action: Action, inOrganisation organisationID: String) throws {
        switch self {
        case .operator, .commandLine, .system:
            return
        case .organisation(let id, _):
            guard id == organisationID else { throw DirectoryError.forbidden("this token is scoped to another organisation") }
            // A token never makes tokens or invites people: that stays with a person who signed in.
            guard action != .managePeople else {
                throw DirectoryError.forbidden("an organisation token cannot manage people or tokens; an administrator signs in for that")
            }
        case .clientReader:
            throw DirectoryError.forbidden("a clients token reads registered clients only")
        case .metricsReader:
            throw DirectoryError.forbidden("a metrics token reads /metrics only")
        case .software(let client):
            guard client.organisationID == organisationID else {
                throw DirectoryError.forbidden("this access token is scoped to another organisation")
            }
            try client.permit(action)
        case .person(let person):
            try person.permit(action, inOrganisation: organisationID)
        }
    }

    /// Whether `require(action, inOrganisation:)` would let this caller through: what a page asks to
    /// decide which forms to show.
    public func may(_ action: Action, inOrganisation organisationID: String) -> Bool {
        (try? require(action, inOrganisation: organisationID)) != nil
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
        case .managePeople:
            throw DirectoryError.forbidden("an access token acts for its own software statement only; use an organisation token")
        }
        guard scopes.contains(needed) else { throw DirectoryError.forbidden("this access token lacks the scope \(needed.rawValue)") }
    }
}

/// A signed-in person as the directory sees them for one request: read from the store when their
/// session is, so a changed role or a removed membership counts at once.
public struct PersonCaller: Sendable, Equatable, Hashable {
    public var id: String
    public var email: String
    public var staffRole: StaffRole?
    public var memberships: [Membership]

    public init(id: String, email: String, staffRole: StaffRole?, memberships: [Membership]) {
        self.id = id
        self.email = email
        self.staffRole = staffRole
        self.memberships = memberships
    }

    public init(_ person: Person) {
        self.init(id: person.id, email: person.email, staffRole: person.staffRole, memberships: person.memberships)
    }

    /// Staff with `administer` act in every organisation, auditors read them; a member acts in their
    /// own organisations as their role allows (`AccessPolicy.organisation`).
    func permit(_ action: Caller.Action, inOrganisation organisationID: String) throws {
        if let staffRole {
            if AccessPolicy.permits(staffRole, .administer) { return }
            if action == .read, AccessPolicy.permits(staffRole, .readDirectory) { return }
        }
        guard let membership = memberships.first(where: { $0.organisationID == organisationID }) else {
            throw DirectoryError.forbidden("you are not a member of this organisation")
        }
        let needed = AccessPolicy.permission(for: action)
        guard AccessPolicy.permits(membership.role, needed) else {
            throw DirectoryError.forbidden("your role (\(membership.role.rawValue)) may not \(needed.rawValue) here")
        }
    }
}
