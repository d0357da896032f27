import Foundation

/// Organisation statuses, after the CDR Register's participant statuses, and before them the two of an
/// application to join: Pending (its administrator completes the data, staff decide) and Rejected.
public enum OrganisationStatus: String, Codable, Sendable, CaseIterable {
    case active = "Active"
    case suspended = "Suspended"
    case revoked = "Revoked"
    case surrendered = "Surrendered"
    /// An application: not yet a participant, in no published document.
    case pending = "Pending"
    /// An application staff turned down, with the reason recorded: final, never published.
    case rejected = "Rejected"

    /// Revoked, Surrendered and Rejected are final: a new authorisation means a new organisation record.
    /// Nothing goes back to Pending: an approved organisation's data is the staff's to change.
    public var allowedNextStatuses: Set<OrganisationStatus> {
        switch self {
        case .pending: [.active, .rejected]
        case .active: [.suspended, .revoked, .surrendered]
        case .suspended: [.active, .revoked, .surrendered]
        case .revoked, .surrendered, .rejected: []
        }
    }

    /// Whether the organisation is a participant that the published documents (participants, statuses,
    /// keystores) show: from its approval on, suspended and ended ones included, applications never.
    public var isPublished: Bool { self != .pending && self != .rejected }

    public var isFinal: Bool { allowedNextStatuses.isEmpty }
}

/// Software statement statuses, after the CDR Register's software product statuses.
public enum SoftwareStatus: String, Codable, Sendable, CaseIterable {
    case active = "Active"
    case inactive = "Inactive"
    case removed = "Removed"

    public var allowedNextStatuses: Set<SoftwareStatus> {
        switch self {
        case .active: [.inactive, .removed]
        case .inactive: [.active, .removed]
        case .removed: []
        }
    }
}

/// The status rules in one place, each a small function a test can aim at.
public enum StatusLifecycle {
    public static func checkTransition(of organisation: Organisation, to next: OrganisationStatus) throws {
        guard organisation.status.allowedNextStatuses.contains(next) else {
            throw DirectoryError.invalidTransition(
                "organisation \(organisation.id) is \(organisation.status.rawValue) and cannot become \(next.rawValue)"
                    + Self.allowedSuffix(organisation.status.allowedNextStatuses.map(\.rawValue)))
        }
    }

    public static func checkTransition(of software: SoftwareStatement, to next: SoftwareStatus, organisationStatus: OrganisationStatus)
        throws
    {
        guard software.status.allowedNextStatuses.contains(next) else {
            throw DirectoryError.invalidTransition(
                "software statement \(software.id) is \(software.status.rawValue) and cannot become \(next.rawValue)"
                    + Self.allowedSuffix(software.status.allowedNextStatuses.map(\.rawValue)))
        }
        if next == .active && organisationStatus != .active {
            throw DirectoryError.invalidTransition(
                "software statement \(software.id) cannot become Active while its organisation is \(organisationStatus.rawValue)")
        }
    }

    /// What an organisation's new status does to its software (CDR cascade):
    /// Suspended → Active software becomes Inactive; Revoked or Surrendered → all software Removed;
    /// back to Active → software that the suspension made Inactive becomes Active again.
    public static func cascade(_ next: OrganisationStatus, to software: SoftwareStatement) -> SoftwareStatus? {
        switch next {
        case .suspended: software.status == .active ? .inactive : nil
        case .revoked, .surrendered, .rejected: software.status == .removed ? nil : .removed
        case .active: software.status == .inactive && software.inactivatedByOrganisationStatus ? .active : nil
        case .pending: nil
        }
    }

    /// A rejection says why (the applicant reads it); other changes may. At most 1024 characters.
    public static func checkReason(_ reason: String?, for next: OrganisationStatus) throws {
        if next == .rejected, reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true {
            throw DirectoryError.invalidInput("a rejection needs a reason, which the applicant is shown")
        }
        try InputRules.requireOptionalText(reason, field: "reason", maximum: 1024)
    }

    /// An organisation starts Active (created by staff) or Pending (an application to complete).
    public static func checkInitial(_ status: OrganisationStatus) throws {
        guard status == .active || status == .pending else {
            throw DirectoryError.invalidInput("a new organisation is Active or Pending")
        }
    }

    /// Who may change an organisation's data: staff while it is not final; its own administrators only
    /// while it is an application, because after approval its authority claims decide the roles its
    /// software may claim.
    public static func checkEditable(_ organisation: Organisation, by caller: Caller) throws {
        guard !organisation.status.isFinal else {
            throw DirectoryError.invalidTransition("organisation \(organisation.id) is \(organisation.status.rawValue); its data is final")
        }
        guard caller.isOperator || organisation.status == .pending else {
            throw DirectoryError.forbidden("an approved organisation's data is changed by the directory's staff")
        }
    }

    /// The gate for everything the directory issues to software (SSAs, certificates): Active software of
    /// an Active organisation. `what` names the thing in the refusal ("SSAs", "certificates").
    public static func requireActive(organisation: Organisation, software: SoftwareStatement, toIssue what: String) throws {
        guard organisation.status == .active else {
            throw DirectoryError.notActive(
                "organisation \(organisation.id) is \(organisation.status.rawValue); \(what) are issued only for Active organisations")
        }
        guard software.status == .active else {
            throw DirectoryError.notActive(
                "software statement \(software.id) is \(software.status.rawValue); \(what) are issued only for Active software")
        }
    }

    private static func allowedSuffix(_ allowed: [String]) -> String {
        allowed.isEmpty ? " (it is final)" : " (allowed: \(allowed.sorted().joined(separator: ", ")))"
    }
}
