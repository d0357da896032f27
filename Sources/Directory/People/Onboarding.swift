import Foundation

/// A new organisation joining the ecosystem. Staff open an application: a Pending organisation under a
/// provisional name, and an invitation for its first administrator. That person joins and completes
/// the organisation's data (`ParticipantDirectory.updateOrganisation`, allowed while Pending); staff
/// then approve it (Active: a participant, published from then on) or reject it (Rejected, with the
/// reason the applicant is shown), through the status lifecycle like every other status change.
///
/// ```swift
/// let opened = try await Onboarding(directory: directory, people: people)
///     .open(legalName: "Ben's Budgeting Ltd", country: "GB", applicant: "ben@tpp.example", by: staff)
/// // opened.secret goes into the link /console/join?invitation=…, shown once or e-mailed
/// ```
public struct Onboarding: Sendable {
    let directory: ParticipantDirectory
    let people: People

    public init(directory: ParticipantDirectory, people: People) {
        self.directory = directory
        self.people = people
    }

    public struct Opened: Sendable {
        public var organisation: Organisation
        public var invitation: Invitation
        public var secret: String
    }

    /// The address is checked before anything is written, so a typing error leaves no application
    /// without an applicant.
    public func open(legalName: String, country: String, applicant email: String, by caller: Caller) async throws -> Opened {
        try caller.requireOperator()
        _ = try EmailAddress.normalised(email)
        let organisation = try await directory.createOrganisation(
            NewOrganisation(legalName: legalName, country: country, status: .pending), by: caller)
        let (invitation, secret) = try await people.invite(
            email: email, to: Membership(organisationID: organisation.id, role: .administrator), by: caller)
        return Opened(organisation: organisation, invitation: invitation, secret: secret)
    }

    /// Applications staff have to decide, oldest first.
    public func waiting(for caller: Caller) async throws -> [Organisation] {
        try caller.requireDirectoryRead()
        return try await directory.organisations().filter { $0.status == .pending }.sorted { $0.createdAt < $1.createdAt }
    }
}
