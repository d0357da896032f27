import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import PKI
import X509

/// How the HTTPS listener treats client certificates.
public enum ClientCertificateMode: String, Sendable, CaseIterable {
    /// No certificate is asked for; RFC 9440 headers from trusted proxies still count.
    case none
    /// A certificate is asked for; clients without one connect, clients with an invalid one do not.
    case optional
    /// The handshake fails without a valid transport certificate.
    case required
}

/// The HTTPS listener: the server's certificate chain and key, and the client-certificate mode.
public struct TLSSettings: Sendable {
    public var certificateChainPath: String
    public var privateKeyPath: String
    public var clientCertificates: ClientCertificateMode

    public init(certificateChainPath: String, privateKeyPath: String, clientCertificates: ClientCertificateMode = .optional) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCertificates = clientCertificates
    }

    /// Reads the PEM files; a missing or unreadable file is a one-line error, before anything listens.
    func makeContext() throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath) } catch {
            throw TLSSetupError("cannot read the TLS certificate chain \(certificateChainPath): \(error)")
        }
        guard !chain.isEmpty else { throw TLSSetupError("\(certificateChainPath) holds no PEM certificate") }
        do { key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem) } catch {
            throw TLSSetupError("cannot read the TLS private key \(privateKeyPath): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        switch clientCertificates {
        case .none: configuration.certificateVerification = .none
        case .optional: configuration.certificateVerification = .optionalVerification
        // No hostname check: a client certificate names the client, not the host it connects from.
        case .required: configuration.certificateVerification = .noHostnameVerification
        }
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw TLSSetupError("the TLS certificate and key do not make a usable TLS context: \(error)")
        }
    }
}

public struct TLSSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Puts TLS in front of Hummingbird's HTTP/1 channel and validates client certificates in the handshake
/// with the directory's own `ChainValidator` (transport anchors, clientAuth, expiry, revocation), instead
/// of BoringSSL's store: anchors change at run time and carry eIDAS rules BoringSSL does not know. The
/// validated chain is kept on the connection (`nioSSL_peerValidatedCertificateChain`) for the request
/// context.
struct MutualTLSChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let base: DocumentFastPathChannel
    let context: NIOSSLContext
    let mode: ClientCertificateMode
    let validate: @Sendable ([NIOSSLCertificate]) async -> NIOSSLVerificationResultWithMetadata

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let handler: NIOSSLServerHandler
            if mode == .none {
                handler = NIOSSLServerHandler(context: context)
            } else {
                handler = NIOSSLServerHandler(
                    context: context,
                    customVerificationCallbackWithMetadata: { [validate] certificates, promise in
                        promise.completeWithTask { await validate(certificates) }
                    })
            }
            try channel.pipeline.syncOperations.addHandler(handler)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS, client certificates judged by `validate`.
    static func mutualTLS(
        _ settings: TLSSettings, runtime: DirectoryRuntime,
        validate: @escaping @Sendable ([NIOSSLCertificate]) async -> NIOSSLVerificationResultWithMetadata
    ) throws -> HTTPServerBuilder {
        let context = try settings.makeContext()
        return HTTPServerBuilder { responder in
            MutualTLSChannel(
                base: DocumentFastPathChannel(responder: responder, runtime: runtime),
                context: context, mode: settings.clientCertificates, validate: validate)
        }
    }
}

extension DirectoryRuntime {
    /// The TLS handshake's verdict on a client's certificates (leaf first, as sent).
    func verifyHandshakeCertificates(_ presented: [NIOSSLCertificate]) async -> NIOSSLVerificationResultWithMetadata {
        let certificates: [Certificate]
        do { certificates = try presented.map { try CertificateBundle.certificate(der: try $0.toDERBytes()) } } catch {
            logger.info("refused a TLS client certificate that does not parse", metadata: ["error": "\(error)"])
            return .failed
        }
        guard let leaf = certificates.first,
            let verdict = try? await validateTransport(leaf: leaf, presented: Array(certificates.dropFirst()))
        else { return .failed }
        guard verdict.isValid else {
            logger.info(
                "refused a TLS client certificate",
                metadata: ["subject": "\(leaf.subject)", "problems": "\(verdict.problems.joined(separator: "; "))"])
            return .failed
        }
        do {
            let chain = try verdict.chain.map { try NIOSSLCertificate(bytes: try CertificateBundle.der($0), format: .der) }
            return .certificateVerified(VerificationMetadata(ValidatedCertificateChain(chain)))
        } catch {
            return .failed
        }
    }
}
