/// Directory staff roles: the people who run the ecosystem.
public enum StaffRole: String, Codable, Sendable, CaseIterable {
    /// Everything an operator does, and managing the staff themselves.
    case administrator = "Administrator"
    /// Administers participants, trust and keys; invites organisations' administrators.
    case `operator` = "Operator"
    /// Reads everything, changes nothing.
    case auditor = "Auditor"
}

/// A person's role in one organisation.
public enum OrganisationRole: String, Codable, Sendable, CaseIterable {
    /// Everything the organisation may do, and its people and API tokens.
    case administrator = "Administrator"
    /// Software statements, keys, certificates, authorisation servers and SSAs.
    case technicalContact = "TechnicalContact"
    /// Reads the organisation; is the one the ecosystem writes to about it.
    case businessContact = "BusinessContact"
    /// Reads the organisation, changes nothing.
    case readOnly = "ReadOnly"
}

/// What each role may do: the one table the console, the API and the CLI all consult through
/// `Caller.require`. docs/people.md prints the same table.
public enum AccessPolicy {
    /// What directory staff may do across the whole directory.
    public enum StaffPermission: String, Sendable, CaseIterable {
        /// Read every organisation, the audit trail, trust anchors and the list of tokens and people.
        case readDirectory
        /// Change participants, trust anchors, the directory's keys and API tokens; invite and disable
        /// organisation members.
        case administer
        /// Invite, change and disable directory staff.
        case manageStaff
    }

    /// What a member may do inside their organisation.
    public enum OrganisationPermission: String, Sendable, CaseIterable {
        case read
        /// Create software statements and authorisation servers, add organisation keys.
        case manageOrganisation
        /// Change a software statement: status, keys and certificates.
        case manageSoftware
        case fetchAssertion
        /// Invite and remove members, create and revoke the organisation's API tokens.
        case managePeople
    }

    public static let staff: [StaffRole: Set<StaffPermission>] = [
        .administrator: [.readDirectory, .administer, .manageStaff],
        .operator: [.readDirectory, .administer],
        .auditor: [.readDirectory],
    ]

    public static let organisation: [OrganisationRole: Set<OrganisationPermission>] = [
        .administrator: [.read, .manageOrganisation, .manageSoftware, .fetchAssertion, .managePeople],
        .technicalContact: [.read, .manageOrganisation, .manageSoftware, .fetchAssertion],
        .businessContact: [.read],
        .readOnly: [.read],
    ]

    public static func permits(_ role: StaffRole, _ permission: StaffPermission) -> Bool {
        staff[role]?.contains(permission) ?? false
    }

    public static func permits(_ role: OrganisationRole, _ permission: OrganisationPermission) -> Bool {
        organisation[role]?.contains(permission) ?? false
    }

    /// The permission an organisation-level action needs.
    public static func permission(for action: Caller.Action) -> OrganisationPermission {
        switch action {
        case .read: .read
        case .manageOrganisation: .manageOrganisation
        case .manageSoftware: .manageSoftware
        case .fetchAssertion: .fetchAssertion
        case .managePeople: .managePeople
        }
    }
}
