import ArgumentParser
import Directory
import Foundation
import Registration

struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients", abstract: "The clients registered through POST /register: list, show, disable, enable.",
        subcommands: [List.self, Show.self, Disable.self, Enable.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered clients, oldest first.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withStore(store) { store in
                let clients = try await RegisteredClients(store: store).all(for: .cli)
                if output.json { return try Output.json(clients) }
                Output.table(
                    ["CLIENT ID", "SOFTWARE", "ORGANISATION", "STATUS", "PROFILE", "NAME", "REGISTERED"],
                    clients.map {
                        [
                            $0.clientId, $0.softwareId, $0.organisationId ?? "-", $0.status.rawValue, $0.profile,
                            $0.metadata["client_name"]?.stringValue ?? $0.metadata["software_client_name"]?.stringValue ?? "-",
                            Timestamp.format($0.createdAt),
                        ]
                    })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one registered client with its metadata (JSON).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Client id.") var clientID: String

        func run() async throws {
            try await withStore(store) { store in try Output.json(try await RegisteredClients(store: store).client(clientID, for: .cli)) }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a client: its registration token stops working and the authorisation server sees it Disabled.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Client id.") var clientID: String

        func run() async throws { try await ClientsCommand.set(clientID, to: .disabled, store: store) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled client again.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Client id.") var clientID: String

        func run() async throws { try await ClientsCommand.set(clientID, to: .active, store: store) }
    }

    static func set(_ clientID: String, to status: RegisteredClient.Status, store options: StoreOptions) async throws {
        try await withStore(options) { store in
            let client = try await RegisteredClients(store: store).setStatus(clientID, to: status, by: .cli)
            print("client \(client.clientId) is \(client.status.rawValue)")
        }
    }
}
