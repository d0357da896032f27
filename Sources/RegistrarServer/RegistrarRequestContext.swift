import Directory
import Hummingbird
import NIOCore

/// The per-request context: carries who is calling, so handlers never parse credentials themselves.
public struct RegistrarRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` when the request carried a valid bearer token.
    public var caller: Caller?
    /// Set by `ClientCertificateMiddleware` when the client presented a certificate that validated.
    public var clientCertificate: ClientCertificate?
    /// The peer of the connection: a trusted proxy, or the client itself.
    public let remoteAddress: SocketAddress?
    /// The connection, for what TLS established on it (the client's validated certificate chain).
    let connection: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        caller = nil
        clientCertificate = nil
        remoteAddress = source.channel.remoteAddress
        connection = source.channel
    }

    /// The authenticated caller, or 401.
    public func requireCaller() throws -> Caller {
        guard let caller else { throw DirectoryError.unauthenticated("this endpoint needs a bearer token (Authorization: Bearer …)") }
        return caller
    }

    /// The authenticated caller if it is an operator; 401 or 403 otherwise.
    public func requireOperator() throws -> Caller {
        let caller = try requireCaller()
        try caller.requireOperator()
        return caller
    }
}
