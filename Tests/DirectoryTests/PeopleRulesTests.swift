import Foundation
import Testing

@testable import Directory

/// RFC 6238 and RFC 4648 by their published vectors, the access table as docs/people.md states it, and
/// the password hash and sign-in throttle rules.
@Suite struct OneTimePasswordTests {
    /// RFC 6238 Appendix B, the SHA-1 rows: the seed is the ASCII string "12345678901234567890", 8 digits.
    @Test(arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfc6238Vectors(seconds: Double, expected: String) {
        let generator = OneTimePassword(secret: Array("12345678901234567890".utf8), digits: 8)
        #expect(generator.code(at: Date(timeIntervalSince1970: seconds)) == expected)
    }

    /// RFC 4648 §10, without padding.
    @Test(arguments: [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI"),
    ])
    func base32Vectors(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
        #expect(Base32.decode(encoded.lowercased() + "===") == Array(plain.utf8), "either case, padding ignored")
    }

    @Test func base32RefusesOtherCharacters() {
        #expect(Base32.decode("MZXW1") == nil)
        #expect(Base32.decode("MZ!W") == nil)
    }

    @Test func aCodeCountsForItsStepAndOneEitherSideOnly() {
        let generator = OneTimePassword(secret: OneTimePassword.newSecret())
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = generator.step(at: now)
        #expect(generator.matchingStep(of: generator.code(atStep: step), at: now) == step)
        #expect(generator.matchingStep(of: generator.code(atStep: step - 1), at: now) == step - 1)
        #expect(generator.matchingStep(of: generator.code(atStep: step + 1), at: now) == step + 1)
        let tooOld = generator.code(atStep: step - 2)
        if ![step - 1, step, step + 1].map(generator.code(atStep:)).contains(tooOld) {
            #expect(generator.matchingStep(of: tooOld, at: now) == nil)
        }
        let spaced = generator.code(atStep: step)
        #expect(generator.matchingStep(of: "\(spaced.prefix(3)) \(spaced.dropFirst(3))", at: now) == step, "typed with a space")
        for malformed in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"] { #expect(generator.matchingStep(of: malformed, at: now) == nil) }
    }

    @Test func theProvisioningURINamesTheIssuerAndAccount() {
        let generator = OneTimePassword(secret: Array("12345678901234567890".utf8))
        let uri = generator.provisioningURI(issuer: "directory.example", account: "ana+ops@bank.example")
        #expect(
            uri
                == "otpauth://totp/directory.example%3Aana%2Bops%40bank.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=directory.example&algorithm=SHA1&digits=6&period=30"
        )
    }
}

@Suite struct AccessPolicyTests {
    func member(_ role: OrganisationRole, of organisation: String = "org-a") -> Caller {
        .person(
            PersonCaller(id: "p", email: "p@x.example", staffRole: nil, memberships: [Membership(organisationID: organisation, role: role)])
        )
    }

    func staff(_ role: StaffRole) -> Caller { .person(PersonCaller(id: "s", email: "s@x.example", staffRole: role, memberships: [])) }

    @Test func membersActInTheirOwnOrganisationAsTheirRoleAllows() throws {
        let actions: [Caller.Action] = [
            .read, .manageOrganisation, .manageSoftware(id: "s"), .fetchAssertion(softwareID: "s"), .managePeople,
        ]
        let allowed: [OrganisationRole: [Bool]] = [
            .administrator: [true, true, true, true, true],
            .technicalContact: [true, true, true, true, false],
            .businessContact: [true, false, false, false, false],
            .readOnly: [true, false, false, false, false],
        ]
        for (role, expected) in allowed {
            for (action, permitted) in zip(actions, expected) {
                #expect(((try? member(role).require(action, inOrganisation: "org-a")) != nil) == permitted, "\(role) \(action)")
                #expect(throws: DirectoryError.self, "\(role) \(action) in another organisation") {
                    try member(role).require(action, inOrganisation: "org-b")
                }
            }
        }
    }

    @Test func staffRolesFollowTheTable() throws {
        #expect(staff(.administrator).permits(.manageStaff) && staff(.administrator).isOperator)
        #expect(!staff(.operator).permits(.manageStaff) && staff(.operator).isOperator)
        #expect(!staff(.auditor).isOperator && staff(.auditor).permits(.readDirectory))
        try staff(.auditor).require(.read, inOrganisation: "any")
        #expect(throws: DirectoryError.self) { try staff(.auditor).require(.manageOrganisation, inOrganisation: "any") }
        #expect(throws: DirectoryError.self) { try staff(.auditor).requireOperator() }
        try staff(.operator).require(.managePeople, inOrganisation: "any")
        #expect(throws: DirectoryError.self) { try member(.administrator).requireDirectoryRead() }
    }

    @Test func anOrganisationTokenNeverManagesPeopleOrTokens() throws {
        let token = Caller.organisation(id: "org-a", label: "automation")
        try token.require(.manageOrganisation, inOrganisation: "org-a")
        #expect(throws: DirectoryError.self) { try token.require(.managePeople, inOrganisation: "org-a") }
    }

    @Test func theTableCoversEveryRole() {
        #expect(Set(AccessPolicy.staff.keys) == Set(StaffRole.allCases))
        #expect(Set(AccessPolicy.organisation.keys) == Set(OrganisationRole.allCases))
    }
}

@Suite struct PasswordAndThrottleTests {
    @Test func aHashVerifiesItsPasswordOnlyAndNamesItsCost() async throws {
        let cheap = PasswordHash.Cost(logN: 10, r: 8, p: 1)
        let hash = try await PasswordHash.make("correct horse battery", cost: cheap)
        #expect(hash.hasPrefix("scrypt$ln=10,r=8,p=1$"))
        #expect(await PasswordHash.verify("correct horse battery", against: hash))
        #expect(!(await PasswordHash.verify("correct horse batterY", against: hash)))
        #expect(try await PasswordHash.make("correct horse battery", cost: cheap) != hash, "a fresh salt each time")
        for malformed in [
            "", "scrypt$ln=10,r=8,p=1$AAAA$AAAA", "bcrypt$x$y$z", "scrypt$ln=40,r=8,p=1$" + hash.split(separator: "$")[2] + "$x",
        ] {
            #expect(!(await PasswordHash.verify("correct horse battery", against: malformed)), "\(malformed)")
        }
    }

    @Test func theStandardCostIsOWASPsScryptMinimum() async throws {
        #expect(PasswordHash.Cost.standard == .init(logN: 17, r: 8, p: 1))
        let hash = try await PasswordHash.make("a long enough password")
        let verified = await PasswordHash.verify("a long enough password", against: hash)
        #expect(hash.hasPrefix("scrypt$ln=17,r=8,p=1$") && verified)
    }

    @Test func passwordsNeedTwelveCharactersAndAreNotTheAddress() throws {
        #expect(throws: DirectoryError.self) { try PasswordHash.requireAcceptable("short", email: "a@b.example") }
        #expect(throws: DirectoryError.self) { try PasswordHash.requireAcceptable("ana@bank.example", email: "Ana@bank.example") }
        try PasswordHash.requireAcceptable("twelve chars", email: "a@b.example")
    }

    @Test func addressesAreNormalisedAndMalformedOnesRefused() throws {
        #expect(try EmailAddress.normalised("  Ana.Lima@Bank.Example ") == "ana.lima@bank.example")
        for bad in [
            "", "ana", "ana@", "@bank.example", "ana@bank", "a b@bank.example", "ana@@bank.example", "ana@bank.example.", "<a>@b.example",
        ] {
            #expect(throws: DirectoryError.self, "\(bad)") { try EmailAddress.normalised(bad) }
        }
    }

    @Test func anAddressIsBlockedAfterItsLimitWithinTheWindowOnly() {
        let throttle = SignInThrottle(limit: 3, window: 60, capacity: 2)
        let start = Date(timeIntervalSince1970: 1_000)
        for _ in 0..<3 { throttle.noteFailure(from: "192.0.2.1", at: start) }
        #expect(throttle.isBlocked("192.0.2.1", at: start.addingTimeInterval(10)))
        #expect(!throttle.isBlocked("192.0.2.2", at: start))
        #expect(!throttle.isBlocked("192.0.2.1", at: start.addingTimeInterval(61)), "the window passed")
        throttle.noteFailure(from: "192.0.2.2", at: start.addingTimeInterval(1))
        throttle.noteFailure(from: "192.0.2.3", at: start.addingTimeInterval(2))
        #expect(!throttle.isBlocked("192.0.2.1", at: start.addingTimeInterval(10)), "past its capacity the oldest address is forgotten")
    }
}
