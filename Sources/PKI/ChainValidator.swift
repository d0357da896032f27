import Foundation
import SwiftASN1
import X509

/// The certificates validation trusts: anchors per purpose, and intermediates the directory knows, so a
/// client that sends only its leaf still chains (its issuing CA is here).
public struct TrustStore: Sendable {
    public var anchors: [CertificatePurpose: [Certificate]]
    public var intermediates: [Certificate]

    public init(anchors: [CertificatePurpose: [Certificate]] = [:], intermediates: [Certificate] = []) {
        self.anchors = anchors
        self.intermediates = intermediates
    }
}

/// The outcome of validating one certificate for one purpose.
public struct ChainVerdict: Sendable {
    public var isValid: Bool { problems.isEmpty }
    /// Empty when valid; otherwise every reason found, first the decisive one.
    public var problems: [String]
    /// Leaf first, anchor last; empty when no chain to an anchor was found.
    public var chain: [Certificate]
    public var revocation: RevokedCertificate?

    /// The verdict on a chain already validated (in a TLS handshake) and found unrevoked.
    public static func valid(_ chain: [Certificate]) -> ChainVerdict { ChainVerdict(problems: [], chain: chain) }
}

/// RFC 5280 path validation with swift-certificates' `Verifier`, plus the rules of this directory:
/// the usages the purpose needs, the eIDAS type a QWAC or QSealC must declare, a qcStatements extension
/// understood even when critical, and revocation of certificates the directory itself issued.
///
/// ```swift
/// let verdict = await ChainValidator.validate(leaf: cert, presented: [], purpose: .transport, trust: store, at: Date())
/// ```
public enum ChainValidator {
    public typealias RevocationLookup = @Sendable (Certificate) async -> RevokedCertificate?

    public static func validate(
        leaf: Certificate, presented: [Certificate], purpose: CertificatePurpose, trust: TrustStore, at time: Date,
        revocation: RevocationLookup? = nil
    ) async -> ChainVerdict {
        let anchors = trust.anchors[purpose] ?? []
        guard !anchors.isEmpty else {
            return ChainVerdict(problems: ["no trust anchors are configured for purpose \(purpose.rawValue)"], chain: [])
        }
        var verifier = Verifier(rootCertificates: CertificateStore(anchors)) {
            RFC5280Policy(validationTime: time)
            PurposePolicy(purpose: purpose)
            QualifiedStatementsPolicy()
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(presented + trust.intermediates))
        // A stand-in key verifies nothing, so only OpenSSL's verdict counts for a chain through a certificate
        // carried for its key; a PSS-carried one cannot be in a valid chain but as its anchor, whose own
        // signature is never checked. (A cheap test on the hot path: the key is compared, nothing encoded.)
        if case .validCertificate(let chain) = result, !chain.contains(where: UnreadableKeyCarrier.isCarried) {
            return await judged(Array(chain), revocation: revocation)
        }
        if OpenSSLPathValidation.isNeeded(for: [leaf] + presented + trust.intermediates)
            || anchors.contains(where: UnreadableKeyCarrier.isCarried)
        {
            return await validatedByOpenSSL(
                leaf: leaf, intermediates: presented + trust.intermediates, anchors: anchors, purpose: purpose, at: time,
                revocation: revocation)
        }
        var problems: [String] = []
        if case .couldNotValidate(let failures) = result { problems = failures.map { $0.policyFailureReason.description } }
        if leaf.notValidAfter < time { problems.insert("the certificate expired at \(leaf.notValidAfter)", at: 0) }
        if leaf.notValidBefore > time { problems.insert("the certificate is not valid before \(leaf.notValidBefore)", at: 0) }
        if problems.isEmpty {
            problems = ["no chain to a \(purpose.rawValue) trust anchor (issuer: \(leaf.issuer))"]
        }
        var unique: [String] = []
        for problem in problems where !unique.contains(problem) { unique.append(problem) }
        return ChainVerdict(problems: unique, chain: [])
    }

    /// A chain found valid, checked for revocation of its leaf.
    private static func judged(_ chain: [Certificate], revocation: RevocationLookup?) async -> ChainVerdict {
        if let revocation, let revoked = await revocation(chain[0]) {
            return ChainVerdict(
                problems: ["the certificate was revoked at \(revoked.revokedAt) (\(revoked.reason.rawValue))"], chain: chain,
                revocation: revoked)
        }
        return ChainVerdict(problems: [], chain: chain)
    }

    /// RSASSA-PSS signatures and brainpool keys, which swift-certificates does not verify: OpenSSL finds
    /// and verifies the path; the purpose and qcStatements rules are then applied here, exactly as the
    /// Verifier would.
    private static func validatedByOpenSSL(
        leaf: Certificate, intermediates: [Certificate], anchors: [Certificate], purpose: CertificatePurpose, at time: Date,
        revocation: RevocationLookup?
    ) async -> ChainVerdict {
        switch OpenSSLPathValidation.chain(leaf: leaf, intermediates: intermediates, anchors: anchors, at: time) {
        case .failure(let problem):
            return ChainVerdict(problems: ["\(problem.reason) (validated by OpenSSL: RSASSA-PSS signature or brainpool key)"], chain: [])
        case .success(let chain):
            if let problem = PurposePolicy.problem(with: leaf, for: purpose) { return ChainVerdict(problems: [problem], chain: []) }
            if let problem = QualifiedStatementsPolicy.problem(with: chain) { return ChainVerdict(problems: [problem], chain: []) }
            return await judged(chain, revocation: revocation)
        }
    }
}

/// The leaf carries the usages its purpose needs; a QWAC or QSealC declares the matching eIDAS type.
struct PurposePolicy: VerifierPolicy {
    let purpose: CertificatePurpose
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        let leaf = chain.leaf
        if let problem = Self.problem(with: leaf, for: purpose) { return .failsToMeetPolicy(reason: problem) }
        return .meetsPolicy
    }

    static func problem(with leaf: Certificate, for purpose: CertificatePurpose) -> String? {
        let usages = (try? leaf.extensions.extendedKeyUsage).flatMap { $0 }.map { Array($0) }
        let keyUsage = (try? leaf.extensions.keyUsage).flatMap { $0 }
        let statements = try? QualifiedCertificateStatements(certificate: leaf)
        switch purpose {
        // An absent extended key usage means "any" to RFC 5280, but the ecosystems require TLS
        // certificates to state it, so absence fails here.
        case .transport:
            guard let usages, usages.contains(.clientAuth) || usages.contains(.any) else {
                return "a transport certificate needs the clientAuth extended key usage"
            }
        case .qwac:
            guard let usages, usages.contains(.clientAuth) || usages.contains(.serverAuth) || usages.contains(.any) else {
                return "a QWAC needs the serverAuth or clientAuth extended key usage"
            }
            guard let statements, statements.types.contains(.website) else { return "a QWAC must declare QcType web (EN 319 412-5)" }
        case .signing, .qseal:
            if let keyUsage, !keyUsage.digitalSignature, !keyUsage.nonRepudiation {
                return "a signing certificate needs the digitalSignature or nonRepudiation key usage"
            }
            if let usages, !usages.isEmpty, usages.allSatisfy({ $0 == .clientAuth || $0 == .serverAuth }) {
                return
                    "a TLS certificate (extended key usage \(usages.map(\.description).joined(separator: ", "))) is not a signing certificate"
            }
            if purpose == .qseal, statements?.types.contains(.electronicSeal) != true {
                return "a QSealC must declare QcType eseal (EN 319 412-5)"
            }
        }
        return nil
    }
}

/// eIDAS certificates may mark qcStatements critical; this policy understands it, so such a chain is
/// not refused for an "unhandled critical extension", and refuses one whose statements do not parse.
struct QualifiedStatementsPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [PKIObjectIdentifier.qcStatements]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        if let problem = Self.problem(with: Array(chain)) { return .failsToMeetPolicy(reason: problem) }
        return .meetsPolicy
    }

    static func problem(with chain: [Certificate]) -> String? {
        for certificate in chain {
            do { _ = try QualifiedCertificateStatements(certificate: certificate) } catch {
                return "the qcStatements extension of \(certificate.subject) cannot be parsed"
            }
        }
        return nil
    }
}
