import ArgumentParser
import Directory
import Foundation
import PKI
import RegistrarServer

struct TrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust", abstract: "Administer the trust anchors certificates are validated against.",
        subcommands: [Add.self, List.self, Show.self, Remove.self, ImportTrustedList.self, ListTrustedLists.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trust a CA certificate (PEM or DER) for one purpose.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Certificate file, or - for standard input.") var file: String
        @Option(help: "transport, signing, qwac or qseal.") var purpose: String
        @Option(help: "A name for operators; defaults to the subject.") var label: String?

        func run() async throws {
            try await withTrust(store) { trust in
                let anchor = try await trust.add(try readInput(file), purpose: try purposeNamed(purpose), label: label, by: .cli)
                if output.json { try Output.json(anchor) } else { print(anchor.id) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List trust anchors.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withTrust(store) { trust in
                let anchors = try await trust.anchors(for: .cli)
                if output.json { return try Output.json(anchors) }
                Output.table(
                    ["ID", "PURPOSE", "SOURCE", "NOT AFTER", "LABEL"],
                    anchors.map {
                        let source = $0.source.trustedList.map { "tsl \($0.list)#\($0.sequenceNumber)" } ?? $0.source.kind.rawValue
                        return [$0.id, $0.purpose.rawValue, source, Timestamp.format($0.notAfter), $0.label]
                    })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one trust anchor with its certificate.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Anchor id (from `trust list`).") var id: String

        func run() async throws {
            try await withTrust(store) { trust in try Output.json(try await trust.anchor(id, for: .cli)) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop trusting an anchor.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Anchor id (from `trust list`).") var id: String

        func run() async throws {
            try await withTrust(store) { trust in
                let removed = try await trust.remove(id, by: .cli)
                print("removed \(removed.id) (\(removed.label))")
            }
        }
    }
}

/// Trust administration needs no keys: the registry reads anchors and the CA's public certificates only.
private func withTrust(_ options: StoreOptions, _ body: (TrustAnchorRegistry) async throws -> Void) async throws {
    let encryptionKey = try options.requireEncryptionKey()
    try await withStore(options) { store in
        try await body(PKIServices(store: store, encryptionKey: encryptionKey, configuration: ServerConfiguration()).trust)
    }
}
