import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import PKI
import X509

/// Puts the client's validated certificate in the request context. It comes from the TLS handshake
/// (validated there, `MutualTLSChannel`) or, behind a TLS-terminating proxy, from the RFC 9440 headers,
/// believed only from `trustedProxies`; from anyone else the headers are ignored and logged, so a client
/// cannot claim a certificate by sending a header. A trusted proxy's header wins over the proxy's own
/// handshake certificate, which names the proxy, not the client.
struct ClientCertificateMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    let runtime: DirectoryRuntime
    static let certificateField = HTTPField.Name(ClientCertificateHeaders.certificate)!
    static let chainField = HTTPField.Name(ClientCertificateHeaders.chain)!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[Self.certificateField], runtime.configuration.trustedProxies.contains(context.remoteAddress) {
            context.clientCertificate = try await forwarded(header, chain: request.headers[Self.chainField])
        } else {
            if request.headers[Self.certificateField] != nil {
                context.logger.warning(
                    "ignored a Client-Cert header from an address that is not a trusted proxy",
                    metadata: ["remote": "\(context.remoteAddress?.description ?? "unknown")"])
            }
            context.clientCertificate = try await fromHandshake(context.connection)
        }
        return try await next(request, context)
    }

    /// The chain validated in the handshake, checked again for revocation: a keep-alive connection
    /// outlives the moment its certificate was judged.
    private func fromHandshake(_ connection: any Channel) async throws -> ClientCertificate? {
        guard runtime.configuration.handshakeCertificatesPossible,
            let validated = try? await connection.nioSSL_peerValidatedCertificateChain().get()
        else { return nil }
        let chain: [Certificate]
        do { chain = try validated.map { try CertificateBundle.certificate(der: try $0.toDERBytes()) } } catch {
            throw DirectoryError.unauthenticated("the TLS client certificate cannot be read")
        }
        if let revoked = await runtime.revocation(of: chain[0]) {
            throw DirectoryError.unauthenticated("the client certificate was revoked at \(revoked.revokedAt) (\(revoked.reason.rawValue))")
        }
        return ClientCertificate(chain: chain, source: .handshake)
    }

    /// A forwarded chain is judged once per trust revision and minute: a client sends the same
    /// certificate with every request, and parsing and path validation were a twentieth of a registration.
    private func forwarded(_ header: String, chain: String?) async throws -> ClientCertificate {
        let (key, revision, now) = (chain.map { "\(header)\n\($0)" } ?? header, runtime.currentRevision, Date())
        if let kept = runtime.forwardedCertificates.value(for: key, at: revision), now < kept.goodUntil { return kept.certificate }
        let certificate = try await validateForwarded(header, chain: chain)
        runtime.forwardedCertificates.store(ForwardedCertificateVerdict(certificate, judgedAt: now), for: key, at: revision)
        return certificate
    }

    private func validateForwarded(_ header: String, chain: String?) async throws -> ClientCertificate {
        let parsed: (leaf: Data, chain: [Data])
        do { parsed = try ClientCertificateHeaders.parse(certificate: header, chain: chain) } catch {
            throw DirectoryError.unauthenticated("\(error)")
        }
        let certificates: [Certificate]
        do { certificates = try ([parsed.leaf] + parsed.chain).map { try CertificateBundle.certificate(der: Array($0)) } } catch {
            throw DirectoryError.unauthenticated("the forwarded client certificate is not an X.509 certificate")
        }
        let verdict = try await runtime.validateTransport(leaf: certificates[0], presented: Array(certificates.dropFirst()))
        guard verdict.isValid else {
            throw DirectoryError.unauthenticated("the client certificate is not valid: \(verdict.problems.joined(separator: "; "))")
        }
        return ClientCertificate(chain: verdict.chain, source: .trustedProxy)
    }
}

/// A forwarded certificate found valid, believed again until a minute has passed or a certificate of its
/// chain expires, whichever comes first (and only while the revision stays: anchors, revocations).
struct ForwardedCertificateVerdict: Sendable {
    static let lifetime: TimeInterval = 60
    let certificate: ClientCertificate
    let goodUntil: Date

    init(_ certificate: ClientCertificate, judgedAt now: Date) {
        self.certificate = certificate
        let expiries = certificate.chain.map(\.notValidAfter)
        self.goodUntil = min(now.addingTimeInterval(Self.lifetime), expiries.min() ?? now)
    }
}

/// A client certificate that passed transport validation, leaf first, anchor last.
public struct ClientCertificate: Sendable {
    public enum Source: String, Sendable {
        /// Presented in this server's own TLS handshake.
        case handshake
        /// Forwarded by a trusted proxy in RFC 9440 headers.
        case trustedProxy = "trusted-proxy"
    }
    public let chain: [Certificate]
    public let source: Source
    public var leaf: Certificate { chain[0] }

    /// The leaf's SHA-256 thumbprint in base64url: RFC 8705's `x5t#S256`, what access tokens are bound to.
    public func thumbprint() throws -> String { try CertificateBundle.x5tS256(leaf) }
}
