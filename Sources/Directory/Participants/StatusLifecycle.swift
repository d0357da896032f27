import Foundation

/// Organisation statuses, after the CDR Register's participant statuses.
public enum OrganisationStatus: String, Codable, Sendable, CaseIterable {
    case active = "Active"
    case suspended = "Suspended"
    case revoked = "Revoked"
    case surrendered = "Surrendered"

    /// Revoked and Surrendered are final: a new authorisation means a new organisation record.
    public var allowedNextStatuses: Set<OrganisationStatus> {
        switch self {
        case .active: [.suspended, .revoked, .surrendered]
        case .suspended: [.active, .revoked, .surrendered]
        case .revoked, .surrendered: []
        }
    }
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
        case .revoked, .surrendered: software.status == .removed ? nil : .removed
        case .active: software.status == .inactive && software.inactivatedByOrganisationStatus ? .active : nil
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
