import ArgumentParser
import Directory
import Foundation
import PKI
import TrustedLists

/// `registrar trust import-tsl` and `registrar trust lists`: ETSI TS 119 612 trusted lists as anchors.
struct ImportTrustedList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-tsl",
        abstract: "Import the CA certificates of a signed ETSI TS 119 612 trusted list as trust anchors.",
        discussion: """
            FILE_OR_DIR is one list, or a folder of lists. A list of lists (the EU LOTL) is verified with --signer, \
            and the national lists beside it with the signer certificates the LOTL names for them; any other list \
            must verify with --signer. Nothing is fetched from the network. Progress goes to standard error.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "A trusted list (XML), or a folder of them.") var path: String
    @Option(help: "PEM certificate pinned as the signer of the list (of the LOTL when there is one).") var signer: String
    @Option(name: .customLong("service-type"), help: "Service type to import, e.g. CA/QC (default); repeat for more.")
    var serviceTypes: [String] = []
    @Option(name: .customLong("status"), help: "Current service status to import, e.g. granted (default); repeat for more.")
    var statuses: [String] = []
    @Option(name: .customLong("purpose"), help: "Anchor purpose: qwac and qseal (default), transport or signing; repeat for more.")
    var purposes: [String] = []

    func run() async throws {
        let (files, pinned, options) = try failingWithOneLine { try (readLists(), readSigner(), importOptions()) }
        let progress: (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        let outcomes = TrustedListVerifier.verify(files: files, pinnedSigner: pinned, progress: progress)
        var results: [TrustedListImporter.Result] = []
        var refusals: [String] = []
        try await withStore(store) { directoryStore in
            let importer = TrustedListImporter(store: directoryStore)
            for outcome in outcomes {
                switch outcome.verdict {
                case .refused(let failure):
                    refusals.append("\(outcome.file): \(failure)")
                case .verified(let verified):
                    do {
                        let result = try await importer.importList(verified, options: options, by: .cli)
                        results.append(result)
                        progress("  \(describe(result))")
                    } catch let error as DirectoryError {
                        refusals.append("\(outcome.file): \(error.description)")
                    }
                }
            }
        }
        if output.json { try Output.json(results) } else { results.forEach { print(describe($0)) } }
        guard refusals.isEmpty else {
            let summary =
                refusals.count == 1 ? refusals[0] : "\(refusals.count) of \(outcomes.count) lists were refused; first: \(refusals[0])"
            throw fail(CLIError(summary))
        }
    }

    private func describe(_ result: TrustedListImporter.Result) -> String {
        switch result.outcome {
        case .unchanged: "\(result.list) sequence \(result.sequenceNumber): already imported, unchanged"
        case .imported:
            "\(result.list) sequence \(result.sequenceNumber): imported, \(result.anchorsAdded) anchors added, \(result.anchorsRemoved) removed"
                + (result.previousSequenceNumber.map { " (replaces sequence \($0))" } ?? "")
                + (result.skipped.isEmpty ? "" : "; \(result.skipped.count) skipped:" + result.skipped.map { "\n  - \($0)" }.joined())
        }
    }

    private func readLists() throws -> [(name: String, bytes: Data)] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw CLIError("cannot read \(path)") }
        guard isFolder.boolValue else { return [((path as NSString).lastPathComponent, try readInput(path))] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.lowercased().hasSuffix(".xml") }.sorted()
        guard !names.isEmpty else { throw CLIError("\(path) holds no .xml trusted lists") }
        return try names.map { ($0, try readInput((path as NSString).appendingPathComponent($0))) }
    }

    /// The pinned signer, read by OpenSSL (as the signature check reads it): lists are signed with keys
    /// on curves swift-certificates does not know, such as Germany's on brainpoolP256r1.
    private func readSigner() throws -> [UInt8] {
        do {
            let certificates = try CertificateBundle.derBlocks(try readInput(signer))
            guard certificates.count == 1 else {
                throw CLIError("give exactly one signer certificate (\(signer) has \(certificates.count))")
            }
            guard TrustedListVerifier.isReadableCertificate(certificates[0]) else {
                throw CLIError("the signer certificate \(signer) is not a parseable X.509 certificate")
            }
            return certificates[0]
        } catch let failure as PKIFailure {
            throw CLIError("the signer certificate \(signer): \(failure.description)")
        }
    }

    private func importOptions() throws -> TrustedListImporter.Options {
        var options = TrustedListImporter.Options()
        if !serviceTypes.isEmpty {
            options.serviceTypes = Set(serviceTypes.map { relative($0, to: ["http://uri.etsi.org/TrstSvc/Svctype/"]) })
        }
        if !statuses.isEmpty {
            options.statuses = Set(
                statuses.map {
                    relative($0, to: ["http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/", "http://uri.etsi.org/TrstSvc/Svcstatus/"])
                })
        }
        if !purposes.isEmpty { options.purposes = try purposes.map(purposeNamed) }
        return options
    }

    /// `CA/QC` or its full URI alike.
    private func relative(_ value: String, to prefixes: [String]) -> String {
        prefixes.first(where: value.hasPrefix).map { String(value.dropFirst($0.count)) } ?? value
    }
}

struct ListTrustedLists: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lists", abstract: "List the trusted lists imported, with their sequence.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await withStore(store) { directoryStore in
            let lists = try await TrustedListImporter(store: directoryStore).lists(for: .cli)
            if output.json { return try Output.json(lists) }
            Output.table(
                ["LIST", "SEQUENCE", "ISSUED", "ANCHORS", "OPERATOR"],
                lists.map {
                    [$0.id, String($0.sequenceNumber), Timestamp.format($0.issuedAt), String($0.anchorIDs.count), $0.operatorName]
                })
        }
    }
}
