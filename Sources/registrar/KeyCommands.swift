import ArgumentParser
import Directory
import Foundation

/// `add-key` and `revoke-key` for organisations and software statements alike: the owner is the only
/// difference, so one pair of commands serves both.
struct KeyOwnerArguments: ParsableArguments {
    @Argument(help: "Organisation id or software statement id.") var owner: String

    /// An organisation id names the organisation's keystore; a software statement id, the software's.
    func resolve(in store: any DirectoryStore) async throws -> ParticipantDirectory.KeyOwner {
        if RecordIdentifier.isWellFormed(owner), try await store.record(Organisation.self, id: owner) != nil {
            return .organisation(owner)
        }
        let software = try await findSoftware(owner, in: store)
        return .software(organisationID: software.organisationID, softwareID: software.id)
    }
}

struct AddKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-key", abstract: "Register a public key (JWK or PEM) in an organisation's or software statement's keystore.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var owner: KeyOwnerArguments
    @Argument(help: "Key file (JWK JSON or PEM public key), or - for standard input.") var file: String
    @Option(help: "sig or enc.") var use: String = "sig"

    func run() async throws {
        try await withStore(store) { store in
            let key = try await ParticipantDirectory(store: store).addKey(
                try readInput(file), to: try await owner.resolve(in: store), use: use, by: .cli)
            if output.json { try Output.json(key) } else { print(key.kid) }
        }
    }
}

struct RevokeKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-key", abstract: "Move a key to its owner's revoked JWKS, with a reason.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var owner: KeyOwnerArguments
    @Argument(help: "The key's kid.") var kid: String
    @Option(help: "Why, for the record (e.g. compromised, superseded).") var reason: String?

    func run() async throws {
        try await withStore(store) { store in
            let key = try await ParticipantDirectory(store: store).revokeKey(
                kid: kid, of: try await owner.resolve(in: store), reason: reason, by: .cli)
            if output.json { try Output.json(key) } else { print("\(key.kid) revoked") }
        }
    }
}
