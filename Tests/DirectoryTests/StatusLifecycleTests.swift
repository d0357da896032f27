import Directory
import Foundation
import Testing

@Suite struct StatusLifecycleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func organisation(_ status: OrganisationStatus) -> Organisation {
        Organisation(id: RecordIdentifier.make(), legalName: "Org", country: "GB", status: status, createdAt: now, updatedAt: now)
    }

    func software(_ status: SoftwareStatus, suspendedByOrganisation: Bool = false) -> SoftwareStatement {
        var software = SoftwareStatement(
            id: RecordIdentifier.make(), organisationID: "o", clientName: "App", status: status, createdAt: now, updatedAt: now)
        software.inactivatedByOrganisationStatus = suspendedByOrganisation
        return software
    }

    @Test(arguments: [
        (OrganisationStatus.active, OrganisationStatus.suspended), (.active, .revoked), (.active, .surrendered),
        (.suspended, .active), (.suspended, .revoked), (.suspended, .surrendered), (.pending, .active), (.pending, .rejected),
    ])
    func allowedOrganisationTransitions(from: OrganisationStatus, to: OrganisationStatus) throws {
        try StatusLifecycle.checkTransition(of: organisation(from), to: to)
    }

    @Test(arguments: [
        (OrganisationStatus.revoked, OrganisationStatus.active), (.surrendered, .active), (.revoked, .suspended),
        (.active, .active), (.surrendered, .revoked), (.rejected, .active), (.active, .pending), (.suspended, .pending),
        (.pending, .suspended), (.active, .rejected),
    ])
    func refusedOrganisationTransitionsSayWhy(from: OrganisationStatus, to: OrganisationStatus) {
        #expect {
            try StatusLifecycle.checkTransition(of: organisation(from), to: to)
        } throws: { error in
            guard case DirectoryError.invalidTransition(let why) = error else { return false }
            return why.contains("is \(from.rawValue) and cannot become \(to.rawValue)")
        }
    }

    @Test func removedSoftwareIsFinal() {
        #expect(throws: DirectoryError.self) {
            try StatusLifecycle.checkTransition(of: software(.removed), to: .active, organisationStatus: .active)
        }
    }

    @Test func softwareCannotBecomeActiveUnderAnInactiveOrganisation() {
        #expect {
            try StatusLifecycle.checkTransition(of: software(.inactive), to: .active, organisationStatus: .suspended)
        } throws: { error in
            (error as? DirectoryError)?.description.contains("while its organisation is Suspended") == true
        }
    }

    @Test func suspensionMakesActiveSoftwareInactive() {
        #expect(StatusLifecycle.cascade(.suspended, to: software(.active)) == .inactive)
        #expect(StatusLifecycle.cascade(.suspended, to: software(.inactive)) == nil)
        #expect(StatusLifecycle.cascade(.suspended, to: software(.removed)) == nil)
    }

    @Test(arguments: [OrganisationStatus.revoked, .surrendered, .rejected])
    func revocationAndSurrenderRemoveAllSoftware(status: OrganisationStatus) {
        #expect(StatusLifecycle.cascade(status, to: software(.active)) == .removed)
        #expect(StatusLifecycle.cascade(status, to: software(.inactive)) == .removed)
        #expect(StatusLifecycle.cascade(status, to: software(.removed)) == nil)
    }

    @Test func applicationsAreNotPublishedAndRejectedIsFinal() {
        #expect(OrganisationStatus.allCases.filter { !$0.isPublished } == [.pending, .rejected])
        #expect(OrganisationStatus.allCases.filter(\.isFinal) == [.revoked, .surrendered, .rejected])
    }

    @Test func aRejectionNeedsAReasonOtherChangesMayGiveOne() throws {
        for missing in [nil, "", "  \n"] {
            #expect(throws: DirectoryError.self) { try StatusLifecycle.checkReason(missing, for: .rejected) }
        }
        try StatusLifecycle.checkReason("no FCA authorisation found", for: .rejected)
        try StatusLifecycle.checkReason(nil, for: .active)
        #expect(throws: DirectoryError.self) { try StatusLifecycle.checkReason(String(repeating: "x", count: 1025), for: .suspended) }
    }

    @Test func anOrganisationStartsActiveOrPending() throws {
        try StatusLifecycle.checkInitial(.active)
        try StatusLifecycle.checkInitial(.pending)
        for status in [OrganisationStatus.suspended, .revoked, .surrendered, .rejected] {
            #expect(throws: DirectoryError.self) { try StatusLifecycle.checkInitial(status) }
        }
    }

    @Test func membersChangeTheirOrganisationsDataOnlyWhileItIsAnApplication() throws {
        let member = Caller.organisation(id: "o", label: "automation")
        try StatusLifecycle.checkEditable(organisation(.pending), by: member)
        #expect(throws: DirectoryError.forbidden("an approved organisation's data is changed by the directory's staff")) {
            try StatusLifecycle.checkEditable(organisation(.active), by: member)
        }
        try StatusLifecycle.checkEditable(organisation(.suspended), by: .system)
        for final in [OrganisationStatus.revoked, .rejected] {
            #expect(throws: DirectoryError.self) { try StatusLifecycle.checkEditable(organisation(final), by: .system) }
        }
    }

    @Test func reinstatementRestoresOnlyWhatTheSuspensionTook() {
        #expect(StatusLifecycle.cascade(.active, to: software(.inactive, suspendedByOrganisation: true)) == .active)
        #expect(StatusLifecycle.cascade(.active, to: software(.inactive, suspendedByOrganisation: false)) == nil)
    }
}

@Suite struct InputRulesTests {
    @Test(arguments: ["https://tpp.example/cb", "https://tpp.example:8443/a/b?c=d"])
    func acceptsHTTPSRedirects(_ uri: String) throws {
        try InputRules.requireRedirectURI(uri)
    }

    @Test(arguments: [
        "http://tpp.example/cb", "https://localhost/cb", "https://127.0.0.1/cb", "https://tpp.example/cb#frag", "tpp.example/cb",
        "https:///cb", "javascript:alert(1)", "https://app.localhost/cb",
    ])
    func refusesUnsafeRedirects(_ uri: String) {
        #expect(throws: DirectoryError.self) { try InputRules.requireRedirectURI(uri) }
    }

    @Test(arguments: ["gb", "GBR", "G1", ""])
    func refusesNonAlpha2Countries(_ country: String) {
        #expect(throws: DirectoryError.self) { try InputRules.requireCountryCode(country) }
    }

    @Test func refusesEmptyOverlongAndControlText() {
        #expect(throws: DirectoryError.self) { try InputRules.requireText("   ", field: "name") }
        #expect(throws: DirectoryError.self) { try InputRules.requireText(String(repeating: "a", count: 257), field: "name") }
        #expect(throws: DirectoryError.self) { try InputRules.requireText("a\u{0}b", field: "name") }
    }
}

@Suite struct CallerTests {
    @Test func organisationTokensReachOnlyTheirOwnOrganisation() throws {
        let caller = Caller.organisation(id: "org-a", label: "tpp")
        try caller.requireAccess(toOrganisation: "org-a")
        #expect(throws: DirectoryError.forbidden("this token is scoped to another organisation")) {
            try caller.requireAccess(toOrganisation: "org-b")
        }
        #expect(throws: DirectoryError.self) { try caller.requireOperator() }
        try Caller.operator(label: "ops").requireAccess(toOrganisation: "org-b")
    }

    @Test func tokenSecretsAreStoredOnlyAsTheirHash() {
        let issued = APIToken.issue(role: .operator, organisationID: nil, label: "ops", at: Date())
        #expect(issued.secret.hasPrefix("rgr_") && issued.secret.count > 40)
        #expect(issued.token.id == APIToken.hash(of: issued.secret))
        let stored = String(decoding: try! RecordCoding.encoder.encode(issued.token), as: UTF8.self)
        #expect(!stored.contains(issued.secret))
    }

    @Test func identifiersAreWellFormedUUIDs() {
        let id = RecordIdentifier.make()
        #expect(RecordIdentifier.isWellFormed(id))
        #expect(!RecordIdentifier.isWellFormed(id.uppercased()))
        #expect(!RecordIdentifier.isWellFormed("../etc/passwd"))
    }
}
