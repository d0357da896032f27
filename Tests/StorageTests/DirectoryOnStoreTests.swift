import Directory
import Foundation
import Keys
import Storage
import Testing

/// The directory's rules end to end over each real store: cascades, scoping, keys, tokens, rotation.
@Suite struct DirectoryOnStoreTests {
    func seeded(_ backend: StoreBackend) async throws -> (ParticipantDirectory, Organisation, SoftwareStatement) {
        let directory = ParticipantDirectory(store: try await backend.makeStore())
        let organisation = try await directory.createOrganisation(
            NewOrganisation(
                legalName: "TPP Ltd", country: "GB",
                authorityClaims: [AuthorityClaim(authority: "FCA", registrationID: "1", roles: [RoleGrant(role: "AISP")])]),
            by: .system)
        let software = try await directory.createSoftware(
            in: organisation.id, NewSoftwareStatement(clientName: "App", redirectUris: ["https://tpp.example/cb"], roles: ["AISP"]),
            by: .system)
        return (directory, organisation, software)
    }

    @Test(arguments: StoreBackend.available)
    func suspensionCascadesAndReinstatementRestores(backend: StoreBackend) async throws {
        let (directory, organisation, software) = try await seeded(backend)
        let second = try await directory.createSoftware(in: organisation.id, NewSoftwareStatement(clientName: "Second"), by: .system)
        try await directory.setSoftwareStatus(second.id, in: organisation.id, to: .inactive, by: .system)

        try await directory.setOrganisationStatus(organisation.id, to: .suspended, by: .operator(label: "ops"))
        #expect(try await directory.software(software.id, in: organisation.id).status == .inactive)

        try await directory.setOrganisationStatus(organisation.id, to: .active, by: .operator(label: "ops"))
        #expect(try await directory.software(software.id, in: organisation.id).status == .active)
        // The participant had made this one Inactive itself: reinstatement leaves it alone.
        #expect(try await directory.software(second.id, in: organisation.id).status == .inactive)

        let actions = try await AuditTrail(store: directory.store).events(for: .system).map(\.action)
        #expect(actions.filter { $0 == "software.status.cascade" }.count == 2)
        #expect(actions.filter { $0 == "organisation.status" }.count == 2)
        try await directory.store.close()
    }

    @Test(arguments: StoreBackend.available)
    func revocationRemovesSoftwareForGood(backend: StoreBackend) async throws {
        let (directory, organisation, software) = try await seeded(backend)
        try await directory.setOrganisationStatus(organisation.id, to: .revoked, by: .system)
        #expect(try await directory.software(software.id, in: organisation.id).status == .removed)
        await #expect(throws: DirectoryError.self) { try await directory.setOrganisationStatus(organisation.id, to: .active, by: .system) }
        await #expect(throws: DirectoryError.self) {
            try await directory.setSoftwareStatus(software.id, in: organisation.id, to: .active, by: .system)
        }
        await #expect(throws: DirectoryError.self) {
            try await directory.createSoftware(in: organisation.id, NewSoftwareStatement(clientName: "Late"), by: .system)
        }
        try await directory.store.close()
    }

    @Test(arguments: StoreBackend.available)
    func organisationTokensManageOnlyTheirOwnSoftware(backend: StoreBackend) async throws {
        let (directory, organisation, software) = try await seeded(backend)
        let other = try await directory.createOrganisation(NewOrganisation(legalName: "Other", country: "AU"), by: .system)
        let token = try await APITokens(store: directory.store).create(
            role: .organisation, organisationID: organisation.id, label: "tpp", by: .system)
        let caller = try #require(try await APITokens(store: directory.store).authenticate(bearer: token.secret))
        #expect(caller == .organisation(id: organisation.id, label: "tpp"))
        #expect(try await APITokens(store: directory.store).authenticate(bearer: token.secret + "x") == nil)

        try await directory.setSoftwareStatus(software.id, in: organisation.id, to: .inactive, by: caller)
        await #expect(throws: DirectoryError.forbidden("this token is scoped to another organisation")) {
            try await directory.createSoftware(in: other.id, NewSoftwareStatement(clientName: "Intruder"), by: caller)
        }
        await #expect(throws: DirectoryError.self) {
            try await directory.setOrganisationStatus(organisation.id, to: .surrendered, by: caller)
        }
        await #expect(throws: DirectoryError.self) {
            try await APITokens(store: directory.store).create(role: .operator, organisationID: nil, label: "escalate", by: caller)
        }
        try await directory.store.close()
    }

    @Test(arguments: StoreBackend.available)
    func keysAreUniquePerOwnerAndRevocationMovesThemToTheRevokedSet(backend: StoreBackend) async throws {
        let (directory, organisation, software) = try await seeded(backend)
        let owner = ParticipantDirectory.KeyOwner.software(organisationID: organisation.id, softwareID: software.id)
        let key = try SigningKey.generate(.ES256)
        let upload = try JOSEJSON.encoder.encode(key.publicJWK)
        _ = try await directory.addKey(upload, to: owner, by: .system)
        await #expect(throws: DirectoryError.conflict("a key with kid \(key.kid) is already registered for \(software.id)")) {
            try await directory.addKey(upload, to: owner, by: .system)
        }
        let views = PublishedViews(store: directory.store)
        #expect(
            try await views.keystore(organisationID: organisation.id, softwareID: software.id, selection: .active).keys.map(\.kid) == [
                key.kid
            ])

        try await directory.revokeKey(kid: key.kid, of: owner, reason: "compromised", by: .system)
        #expect(try await views.keystore(organisationID: organisation.id, softwareID: software.id, selection: .active).keys.isEmpty)
        #expect(
            try await views.keystore(organisationID: organisation.id, softwareID: software.id, selection: .revoked).keys.map(\.kid) == [
                key.kid
            ])
        await #expect(throws: DirectoryError.self) { try await directory.revokeKey(kid: key.kid, of: owner, reason: nil, by: .system) }
        await #expect(throws: DirectoryError.notFound("no organisation 00000000-0000-4000-8000-000000000000")) {
            try await views.keystore(organisationID: "00000000-0000-4000-8000-000000000000", softwareID: nil, selection: .active)
        }
        try await directory.store.close()
    }

    @Test(arguments: StoreBackend.available)
    func keyringRotatesThroughNextCurrentRetiredRemoved(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let kek = KeyEncryptionKey.generate().key
        let keyring = DirectoryKeyring(store: store, encryptionKey: kek)
        try await keyring.ensureSigningKeys(algorithm: .PS256, by: .system)
        try await keyring.ensureSigningKeys(algorithm: .PS256, by: .system)
        let first = try await keyring.keys().map(\.record)
        #expect(first.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.current, .next])
        let firstCurrent = try #require(first.first { $0.state == .current })
        let firstNext = try #require(first.first { $0.state == .next })
        #expect(try await keyring.currentSigner().kid == firstCurrent.id)

        let rotated = try await keyring.rotate(algorithm: .ES256, by: .system)
        #expect(rotated.current.id == firstNext.id)
        #expect(rotated.next.algorithm == .ES256)
        #expect(try await keyring.publishedJWKS().keys.map(\.kid) == [firstNext.id, rotated.next.id, firstCurrent.id])

        await #expect(throws: DirectoryError.self) { try await keyring.retire(kid: rotated.current.id, by: .system) }
        try await keyring.retire(kid: firstCurrent.id, by: .system)
        #expect(!(try await keyring.publishedJWKS().keys.map(\.kid).contains(firstCurrent.id)))

        // Private keys are stored sealed, never in the clear.
        for row in try await store.rows(in: .signingKeys, ownerID: nil) {
            let body = String(decoding: row.body, as: UTF8.self)
            let record = try RecordCoding.decoder.decode(DirectorySigningKey.self, from: row.body)
            #expect(!body.contains("PRIVATE KEY") && record.sealedPrivateKey.hasPrefix("v1."))
        }
        // Another node with a different KEK cannot sign.
        await #expect(throws: DirectoryError.self) {
            try await DirectoryKeyring(store: store, encryptionKey: KeyEncryptionKey.generate().key).currentSigner()
        }
        try await store.close()
    }

    @Test(arguments: StoreBackend.available)
    func concurrentWritesGetDistinctRevisionsAndAllLand(backend: StoreBackend) async throws {
        let (directory, organisation, _) = try await seeded(backend)
        let before = try await directory.store.currentRevision()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    _ = try await directory.createSoftware(
                        in: organisation.id, NewSoftwareStatement(clientName: "App \(index)"), by: .system)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await directory.store.currentRevision() == before + 20)
        #expect(try await directory.softwareStatements(in: organisation.id).count == 21)
        let revisions = try await AuditTrail(store: directory.store).events(afterID: 0, limit: 1000, for: .system).map(\.revision)
        #expect(Set(revisions.suffix(20)).count == 20)
        try await directory.store.close()
    }

    @Test(arguments: StoreBackend.available)
    func ssaGatesRefuseInactiveSoftwareAndIncompleteData(backend: StoreBackend) async throws {
        let (directory, organisation, software) = try await seeded(backend)
        let signer = try SigningKey.generate(.ES256)
        let settings = SSAIssuer.Settings(profile: .obie, issuer: "test", keystore: KeystoreURLs(baseURL: "https://d.example"))
        let issuer = SSAIssuer(directory: directory, settings: settings, signer: { signer })
        let token = try await issuer.issue(softwareID: software.id, organisationID: organisation.id, for: .system)
        let (_, payload) = try CompactJWS.verify(token, with: signer.publicJWK)
        #expect(String(decoding: payload, as: UTF8.self).contains("\"software_id\":\"\(software.id)\""))

        let cdr = SSAIssuer(
            directory: directory, settings: SSAIssuer.Settings(profile: .cdr, issuer: "test", keystore: settings.keystore),
            signer: { signer })
        await #expect {
            try await cdr.issue(softwareID: software.id, organisationID: organisation.id, for: .system)
        } throws: { error in
            guard case DirectoryError.incompleteData(let why) = error else { return false }
            return why.contains("software description") && why.contains("software recipient base URI")
        }
        try await directory.setSoftwareStatus(software.id, in: organisation.id, to: .inactive, by: .system)
        await #expect(throws: DirectoryError.self) {
            try await issuer.issue(softwareID: software.id, organisationID: organisation.id, for: .system)
        }
        try await directory.store.close()
    }
}
