import ArgumentParser
import Directory
import Foundation
import Keys
import PKI
import RegistrarServer

/// The directory CA's services for one command: opened on the store with the KEK and the public URL
/// that certificates point back to.
struct PKIServices {
    let authority: DirectoryCertificateAuthority
    let certificates: ParticipantCertificates
    let trust: TrustAnchorRegistry

    init(store: any DirectoryStore, encryptionKey: KeyEncryptionKey, configuration: ServerConfiguration) {
        authority = DirectoryCertificateAuthority(store: store, encryptionKey: encryptionKey, endpoints: configuration.pkiEndpoints)
        certificates = ParticipantCertificates(
            directory: ParticipantDirectory(store: store), authority: authority, profile: configuration.profile)
        trust = TrustAnchorRegistry(store: store, authority: authority)
    }
}

/// Runs a command body with the PKI services on the store; bad options or store failures become one line.
func withPKI<T>(
    _ store: StoreOptions, _ identity: DirectoryIdentityOptions, _ body: (PKIServices, any DirectoryStore) async throws -> T
) async throws -> T {
    _ = try failingWithOneLine { try identity.given() }
    let encryptionKey = try store.requireEncryptionKey()
    return try await withStore(store) { directoryStore in
        let configuration = try await identity.configuration(in: directoryStore)
        return try await body(
            PKIServices(store: directoryStore, encryptionKey: encryptionKey, configuration: configuration), directoryStore)
    }
}

struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Issue, list, revoke and validate certificates.",
        subcommands: [Issue.self, List.self, Show.self, Revoke.self, Validate.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a transport or signing certificate for Active software from a PEM CSR; prints the certificate.",
            discussion: """
                The certificate's CRL, OCSP and CA-issuer URLs are under the public URL kept with the directory
                (set with `registrar init --public-url` or `serve --public-url`).
                Example:
                  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tpp.key -out tpp.csr -subj /CN=tpp
                  registrar cert issue --software SOFTWARE_ID --purpose transport --csr tpp.csr > tpp.pem
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup(title: "The directory (kept with its data)") var identity: DirectoryIdentityOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Software statement id.") var software: String
        @Option(help: "transport (mTLS) or signing.") var purpose: String
        @Option(help: "PEM certificate signing request file, or - for standard input.") var csr: String

        func run() async throws {
            try await withPKI(store, identity) { services, store in
                let chosen = try purposeNamed(purpose)
                let csrText = String(decoding: try readInput(csr), as: UTF8.self)
                let statement = try await findSoftware(software, in: store)
                let issued = try await services.certificates.issue(
                    csrPEM: csrText, purpose: chosen, softwareID: statement.id, organisationID: statement.organisationID, by: .cli)
                if output.json { try Output.json(issued) } else { print(issued.certificatePEM, terminator: "") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a software statement's certificates.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Software statement id.") var software: String

        func run() async throws {
            try await withStore(store) { store in
                let statement = try await findSoftware(software, in: store)
                let issued = try await store.records(IssuedCertificate.self, ownerID: statement.id).map(\.record).sorted {
                    ($0.createdAt, $0.id) < ($1.createdAt, $1.id)
                }
                if output.json { return try Output.json(issued) }
                Output.table(
                    ["SERIAL", "PURPOSE", "STATUS", "NOT AFTER", "SUBJECT"],
                    issued.map { [$0.id, $0.purpose.rawValue, $0.status.rawValue, Timestamp.format($0.notAfter), $0.subject] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one issued certificate by serial number.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Serial number in hex.") var serial: String

        func run() async throws {
            try await withStore(store) { store in
                guard serial.count <= 40, let issued = try await store.record(IssuedCertificate.self, id: serial.lowercased())?.record
                else {
                    throw DirectoryError.notFound("no certificate with serial number \(serial)")
                }
                try Output.json(issued)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an issued certificate: it moves to the revoked JWKS and into the CRL.")
        @OptionGroup var store: StoreOptions
        @OptionGroup(title: "The directory (kept with its data)") var identity: DirectoryIdentityOptions
        @Argument(help: "Serial number in hex.") var serial: String
        @Option(help: "RFC 5280 reason: \(RevocationReason.allCases.map(\.rawValue).joined(separator: ", ")).") var reason: String =
            "unspecified"

        func run() async throws {
            try await withPKI(store, identity) { services, _ in
                let chosen: RevocationReason = try InputRules.choice(reason, field: "reason")
                let revoked = try await services.certificates.revoke(serialNumber: serial, reason: chosen, by: .cli)
                print("revoked \(revoked.id) (\(chosen.rawValue))")
            }
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a certificate (PEM or DER; extra PEM blocks are intermediates) against the trust anchors.",
            discussion: "Exits 0 when valid, 2 when invalid (the report says why), 1 on bad input.")
        @OptionGroup var store: StoreOptions
        @OptionGroup(title: "The directory (kept with its data)") var identity: DirectoryIdentityOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Certificate file, or - for standard input.") var file: String
        @Option(help: "transport, signing, qwac or qseal; default: what the certificate declares.") var purpose: String?

        func run() async throws {
            let report = try await withPKI(store, identity) { services, _ in
                try await services.trust.validate(try readInput(file), purpose: try purpose.map(purposeNamed), at: Date())
            }
            if output.json {
                try Output.json(report)
            } else {
                print("\(report.valid ? "VALID" : "INVALID") \(report.type.rawValue) certificate")
                print("subject: \(report.subject)")
                print("issuer:  \(report.issuer)")
                print("serial:  \(report.serialNumber)  expires: \(Timestamp.format(report.notAfter))\(report.expired ? " (expired)" : "")")
                print("signed:  \(report.signatureAlgorithm)")
                if let identifier = report.organisationIdentifier { print("organizationIdentifier: \(identifier.value)") }
                if let psd2 = report.qcStatements?.psd2 {
                    print("PSD2 roles: \(psd2.roles.map(\.name).joined(separator: ", ")) (\(psd2.authorityName), \(psd2.authorityID))")
                }
                for problem in report.problems { print("problem: \(problem)") }
            }
            if !report.valid { throw ExitCode(2) }
        }
    }
}

func purposeNamed(_ name: String) throws -> CertificatePurpose {
    try InputRules.choice(name.lowercased(), field: "purpose")
}
