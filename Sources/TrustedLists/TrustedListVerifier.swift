import Foundation

/// A trusted list whose signature verified with a signer the caller trusts.
public struct VerifiedTrustedList: Sendable {
    public var file: String
    public var list: TrustedList
    /// DER of the certificate whose key verified the signature.
    public var signer: [UInt8]
}

/// What became of one file of an import.
public struct TrustedListOutcome: Sendable {
    public enum Verdict: Sendable {
        case verified(VerifiedTrustedList)
        case refused(TrustedListFailure)
    }
    public var file: String
    public var identity: String?
    public var sequenceNumber: Int?
    public var verdict: Verdict
}

/// Verifies trusted lists: a list given on its own, or a list of lists (the EU LOTL) with the national
/// lists it points to that are available locally, each verified with the signer certificates the LOTL
/// names for it. Nothing is fetched over the network.
///
/// ```swift
/// let outcomes = TrustedListVerifier.verify(files: [("eu-lotl.xml", lotl), ("ie-tl.xml", ie)], pinnedSigner: der) { print($0) }
/// ```
public enum TrustedListVerifier {
    /// Whether OpenSSL, which checks list signatures, reads `der` as a certificate.
    public static func isReadableCertificate(_ der: [UInt8]) -> Bool { SignedXMLDocument.validity(of: der) != nil }

    /// Parses and verifies one list with any one of `signers`, each judged valid at the list's issue time.
    public static func verify(_ bytes: Data, file: String, signers: [[UInt8]]) throws(TrustedListFailure) -> VerifiedTrustedList {
        let document = try SignedXMLDocument(bytes)
        let list = try TrustedListReader.read(document.root())
        return try verify(document, list: list, file: file, signers: signers)
    }

    public static func verify(
        files: [(name: String, bytes: Data)], pinnedSigner: [UInt8], progress: (String) -> Void = { _ in }
    ) -> [TrustedListOutcome] {
        var outcomes: [TrustedListOutcome] = []
        var parsed: [(name: String, document: SignedXMLDocument, list: TrustedList)] = []
        for (index, file) in files.enumerated() {
            progress("[\(index + 1)/\(files.count)] reading \(file.name)")
            do {
                let document = try SignedXMLDocument(file.bytes)
                parsed.append((file.name, document, try TrustedListReader.read(document.root())))
            } catch {
                outcomes.append(TrustedListOutcome(file: file.name, verdict: .refused(error)))
            }
        }
        var handled = Set<String>()
        for lotl in parsed where lotl.list.isListOfLists {
            handled.insert(lotl.name)
            let verdict = outcome(lotl.document, lotl.list, file: lotl.name, signers: [pinnedSigner], progress: progress)
            outcomes.append(verdict)
            guard case .verified = verdict.verdict else { continue }
            for pointer in lotl.list.pointers
            where pointer.isXML && pointer.type?.lowercased().hasSuffix(TrustedList.listOfListsTypeSuffix) != true {
                let candidates = parsed.filter {
                    !$0.list.isListOfLists && $0.list.territory != nil && $0.list.territory == pointer.territory
                        && !handled.contains($0.name)
                }
                if candidates.isEmpty {
                    progress("  \(pointer.territory ?? "?"): not available locally (\(pointer.location))")
                }
                for candidate in candidates {
                    handled.insert(candidate.name)
                    outcomes.append(
                        outcome(
                            candidate.document, candidate.list, file: candidate.name, signers: pointer.signerCertificates,
                            progress: progress))
                }
            }
        }
        for other in parsed where !handled.contains(other.name) {
            outcomes.append(outcome(other.document, other.list, file: other.name, signers: [pinnedSigner], progress: progress))
        }
        return outcomes
    }

    private static func outcome(
        _ document: SignedXMLDocument, _ list: TrustedList, file: String, signers: [[UInt8]], progress: (String) -> Void
    ) -> TrustedListOutcome {
        let result: TrustedListOutcome.Verdict
        do { result = .verified(try verify(document, list: list, file: file, signers: signers)) } catch { result = .refused(error) }
        switch result {
        case .verified: progress("  \(list.identity) sequence \(list.sequenceNumber) (\(file)): signature verified")
        case .refused(let failure): progress("  \(list.identity) sequence \(list.sequenceNumber) (\(file)): \(failure)")
        }
        return TrustedListOutcome(file: file, identity: list.identity, sequenceNumber: list.sequenceNumber, verdict: result)
    }

    private static func verify(
        _ document: SignedXMLDocument, list: TrustedList, file: String, signers: [[UInt8]]
    ) throws(TrustedListFailure) -> VerifiedTrustedList {
        guard !signers.isEmpty else { throw .refused("no signer certificate is known for this list") }
        var lastFailure = TrustedListFailure.refused("no signer certificate was valid when the list was issued (\(list.issuedAt))")
        for signer in signers {
            // Signer certificates expire long before anyone stops caring about old lists; what counts is
            // whether the certificate was valid when the list was issued.
            guard let validity = SignedXMLDocument.validity(of: signer), validity.contains(list.issuedAt) else { continue }
            do {
                try document.verifySignature(signerDER: signer)
                return VerifiedTrustedList(file: file, list: list, signer: signer)
            } catch {
                lastFailure = error
            }
        }
        throw lastFailure
    }
}

extension TrustedList {
    /// A certificate of a service that passes the operator's filter, with where it came from.
    public struct AnchorCandidate: Sendable {
        public var certificate: [UInt8]
        public var providerName: String
        public var service: Service
    }

    /// Certificates of services whose type and current status are wanted (`CA/QC` and `granted` by default).
    public func anchorCandidates(serviceTypes: Set<String> = ["CA/QC"], statuses: Set<String> = ["granted"]) -> [AnchorCandidate] {
        providers.flatMap { provider in
            provider.services.filter { serviceTypes.contains($0.type) && statuses.contains($0.status) }.flatMap { service in
                service.certificates.map { AnchorCandidate(certificate: $0, providerName: provider.name, service: service) }
            }
        }
    }
}
