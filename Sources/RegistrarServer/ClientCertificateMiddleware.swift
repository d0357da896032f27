import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PKI
import X509

/// Puts the client's validated certificate in the request context. Behind a TLS-terminating proxy it
/// comes from the RFC 9440 headers, believed only from `trustedProxies`; from anyone else the headers
/// are ignored and logged, so a client cannot claim a certificate by sending a header.
struct ClientCertificateMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    let runtime: DirectoryRuntime
    static let certificateField = HTTPField.Name(ClientCertificateHeaders.certificate)!
    static let chainField = HTTPField.Name(ClientCertificateHeaders.chain)!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[Self.certificateField] else { return try await next(request, context) }
        guard runtime.configuration.trustedProxies.contains(context.remoteAddress) else {
            context.logger.warning(
                "ignored a Client-Cert header from an address that is not a trusted proxy",
                metadata: ["remote": "\(context.remoteAddress?.description ?? "unknown")"])
            return try await next(request, context)
        }
        let parsed: (leaf: Data, chain: [Data])
        do { parsed = try ClientCertificateHeaders.parse(certificate: header, chain: request.headers[Self.chainField]) } catch {
            throw DirectoryError.unauthenticated("\(error)")
        }
        let certificates: [Certificate]
        do { certificates = try ([parsed.leaf] + parsed.chain).map { try Certificate(derEncoded: Array($0)) } } catch {
            throw DirectoryError.unauthenticated("the forwarded client certificate is not an X.509 certificate")
        }
        let verdict = await ChainValidator.validate(
            leaf: certificates[0], presented: Array(certificates.dropFirst()), purpose: .transport,
            trust: try await runtime.currentTrustStore(),
            at: Date(), revocation: { [runtime] in await runtime.revocation(of: $0) })
        guard verdict.isValid else {
            throw DirectoryError.unauthenticated("the client certificate is not valid: \(verdict.problems.joined(separator: "; "))")
        }
        var context = context
        context.clientCertificate = ClientCertificate(verdict: verdict)
        return try await next(request, context)
    }
}

/// A client certificate that passed transport validation, leaf first, anchor last.
public struct ClientCertificate: Sendable {
    public let verdict: ChainVerdict
    public var chain: [Certificate] { verdict.chain }
    public var leaf: Certificate { verdict.chain[0] }
}
