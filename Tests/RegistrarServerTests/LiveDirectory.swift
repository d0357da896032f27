import ChildProcess
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Keys
import Logging
import NIOCore
import PKI
import RegistrarServer
import ServiceLifecycle
import Storage

/// A real Registrar server on a loopback port, seeded like the sandbox, for end-to-end tests through HTTP.
struct LiveDirectory: Sendable {
    let port: Int
    let credentials: SandboxSeed.Credentials
    let runtime: DirectoryRuntime
    let routes: RouteCatalogue
    let client: TestClient

    var baseURL: String { runtime.configuration.publicURL }

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func json<T: Decodable>(_ type: T.Type) throws -> T { try RecordCoding.decoder.decode(T.self, from: body) }
        func object() throws -> [String: Any] { (try JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
    }

    func request(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, headers: HTTPFields = [:], body: Data? = nil,
        contentType: String? = "application/json"
    ) async throws -> Reply {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        if body != nil, let contentType { fields[.contentType] = contentType }
        let response = try await client.execute(
            .init(path, method: method, authority: "127.0.0.1:\(port)", headers: fields, body: body.map { ByteBuffer(bytes: $0) }))
        let bytes = response.body.map { Data(buffer: $0) } ?? Data()
        return Reply(status: response.head.status, headers: response.head.headerFields, body: bytes)
    }

    func get(_ path: String, token: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.get, path, token: token, headers: headers)
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json: String, token: String?) async throws -> Reply {
        try await request(method, path, token: token, body: Data(json.utf8))
    }

    /// The server ended before it listened: its port, free when it was picked, was taken meanwhile (by
    /// another test's server or an outgoing connection's ephemeral port).
    struct ServerDidNotStart: Error { let reason: String }

    /// Starts a seeded directory on `store` (a fresh SQLite file by default), runs `body`, shuts down.
    /// A server that cannot listen on its port is started again on another (with a fresh store).
    static func run(
        profile: EcosystemProfile = .obie, store providedStore: (any DirectoryStore)? = nil, seed: Bool = true,
        tls: (fixture: TLSFixture, mode: ClientCertificateMode)? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (LiveDirectory) async throws -> Void
    ) async throws {
        for attempt in 1... {
            do {
                return try await runOnce(
                    profile: profile, store: providedStore, seed: seed, tls: tls, configure: configure, body)
            } catch let error as ServerDidNotStart where attempt < 3 && providedStore == nil {
                print("live directory: the server did not start (\(error.reason)); trying another port")
            }
        }
    }

    private static func runOnce(
        profile: EcosystemProfile, store providedStore: (any DirectoryStore)?, seed: Bool,
        tls: (fixture: TLSFixture, mode: ClientCertificateMode)?,
        configure: (inout ServerConfiguration) -> Void,
        _ body: @Sendable (LiveDirectory) async throws -> Void
    ) async throws {
        let store: any DirectoryStore = if let providedStore { providedStore } else { try await TestStores.sqlite() }
        let port = try FreePort.loopback()
        var configuration = ServerConfiguration()
        configuration.port = port
        configuration.publicURL = "http://127.0.0.1:\(port)"
        configuration.profile = profile
        configuration.revisionPollInterval = .milliseconds(100)
        // scrypt at OWASP's cost takes seconds in a debug build; one test asks for it (PeopleConsoleTests).
        configuration.passwordHashCost = .init(logN: 12, r: 8, p: 1)
        if let tls {
            configuration.tls = tls.fixture.settings(tls.mode)
            configuration.publicURL = "https://127.0.0.1:\(port)"
        }
        configure(&configuration)
        let runtime = try await DirectoryRuntime(configuration: configuration, store: store, encryptionKey: TestStores.encryptionKey)
        let credentials = seed ? try await SandboxSeed.seedIfEmpty(runtime.directory, profile: profile) : nil
        let signal = ListeningSignal()
        var logger = Logger(label: "registrar.test")
        logger.logLevel = .warning
        let (application, routes) = try RegistrarApplication.build(runtime: runtime, logger: logger) { signal.listening(on: $0) }
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await signal.run(services) }
            guard await signal.port() != nil else {
                let reason: String
                do {
                    try await group.waitForAll()
                    reason = "it stopped"
                } catch { reason = "\(error)" }
                if providedStore == nil { try await store.close() }
                throw ServerDidNotStart(reason: reason)
            }
            let client = TestClient(
                host: "127.0.0.1", port: port,
                configuration: .init(tlsConfiguration: tls?.fixture.clientConfiguration, timeout: .seconds(30), serverName: "localhost"))
            client.connect()
            // Start caught up with the seed's writes: otherwise the revision poller may move the revision
            // (and empty the document caches) in the middle of a test that compares cached answers.
            try await runtime.refreshRevision()
            let live = LiveDirectory(
                port: port,
                credentials: credentials
                    ?? .init(
                        operatorToken: "", providerToken: "", bankOrganisationID: "", providerOrganisationID: "", softwareStatementID: ""),
                runtime: runtime, routes: routes, client: client)
            do {
                try await body(live)
            } catch {
                try? await client.shutdown()
                await services.triggerGracefulShutdown()
                throw error
            }
            try await client.shutdown()
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
        if providedStore == nil { try await store.close() }
    }
}

extension LiveDirectory {
    /// Issues a certificate for the sandbox software over the API from a CSR openssl made; the key stays
    /// in `NAME.key`, the certificate is written to `NAME.pem` (NAME is the purpose unless given).
    /// Returns the record and its DER.
    /// A certificate from the directory CA for `software` (the sandbox software by default), written to `{name}.pem`.
    func issueCertificate(_ purpose: String, name: String? = nil, software: String? = nil, openssl: OpenSSLCommand) async throws -> (
        IssuedCertificate, Data
    ) {
        let name = name ?? purpose
        let csr = try await openssl.makeCSR(name: name, key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        let software = software ?? credentials.softwareStatementID
        let path = "/organisations/\(credentials.providerOrganisationID)/software-statements/\(software)/certificates?purpose=\(purpose)"
        let issued = try await request(
            .post, path, token: credentials.providerToken, body: Data(csr.utf8), contentType: "application/pkcs10"
        )
        .json(IssuedCertificate.self)
        try openssl.write("\(name).pem", issued.certificatePEM)
        let body = issued.certificatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: body) else { throw CertificateNotIssued(answer: issued.certificatePEM) }
        return (issued, der)
    }

    struct CertificateNotIssued: Error { var answer: String }
}

enum TestStores {
    static let encryptionKey = KeyEncryptionKey.generate().key

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "registrar-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func sqlite() async throws -> any DirectoryStore {
        try SQLiteDirectoryStore(path: try temporaryFolder().appending(path: "registrar.sqlite").path)
    }
}
