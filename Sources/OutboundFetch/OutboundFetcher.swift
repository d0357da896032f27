import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A GET over https that keeps to a `FetchPolicy`: the host must be allowed, its address is resolved
/// once and checked before connecting (so a DNS answer cannot swap in a private address between check
/// and connect), the certificate is verified for the host name (or the IP literal), no redirect is
/// followed, and the response may not exceed the size or the time the policy gives.
///
/// ```swift
/// let fetcher = try OutboundFetcher(policy: FetchPolicy(allowedHosts: ["keystore.example"]))
/// let body = try await fetcher.get("https://keystore.example/jwks.json")
/// ```
public struct OutboundFetcher: Sendable {
    public let policy: FetchPolicy
    let context: NIOSSLContext
    let group: any EventLoopGroup

    public init(policy: FetchPolicy, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let file = policy.trustRootsFile {
            configuration.additionalTrustRoots = [.file(file)]
        }
        self.policy = policy
        self.context = try NIOSSLContext(configuration: configuration)
        self.group = group
    }

    /// The body of a 200 answer to `GET url`.
    public func get(_ url: String, accept: String = "application/json") async throws -> Data {
        let target = try policy.target(of: url)
        let deadline = ContinuousClock.now + policy.timeout
        let address = try await resolve(target)
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw FetchFailure.timedOut(url: url, after: policy.timeout) }
        return try await exchange(target, at: address, accept: accept, within: remaining)
    }

    /// One address for the host, refused unless public (or the policy allows otherwise).
    func resolve(_ target: FetchTarget) async throws -> SocketAddress {
        let address: SocketAddress
        if let literal = try? SocketAddress(ipAddress: target.host, port: target.port) {
            address = literal
        } else {
            // getaddrinfo blocks: on a thread of its own, never on the cooperative pool or a shared pool.
            address = try await withCheckedThrowingContinuation { continuation in
                Thread {
                    continuation.resume(
                        with: Result { try SocketAddress.makeAddressResolvingHost(target.host, port: target.port) }
                            .mapError { _ in FetchFailure.cannotResolve(target.host) })
                }.start()
            }
        }
        guard policy.allowNonPublicAddresses || Self.isPublic(address) else {
            throw FetchFailure.addressNotPublic(host: target.host, address: address.ipAddress ?? "?")
        }
        return address
    }

    static func isPublic(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { AddressRules.isPublic(ipv4: Array($0)) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { AddressRules.isPublic(ipv6: Array($0)) }
        case .unixDomainSocket:
            return false
        }
    }

    func exchange(_ target: FetchTarget, at address: SocketAddress, accept: String, within timeout: Duration) async throws -> Data {
        let loop = group.next()
        let promise = loop.makePromise(of: ByteBuffer.self)
        let (context, limit, url, budget) = (self.context, policy.maximumBytes, target.url, policy.timeout)
        // An IP literal cannot be sent as SNI; NIOSSL then checks the certificate against the peer's IP.
        let serverName = address.ipAddress == target.host ? nil : target.host
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(Self.timeAmount(timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: serverName)
                    try channel.pipeline.syncOperations.addHandler(tls)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(url: url, limit: limit, promise: promise))
                }
            }
        let timer = loop.scheduleTask(in: Self.timeAmount(timeout)) {
            promise.fail(FetchFailure.timedOut(url: url, after: budget))
        }
        defer { timer.cancel() }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(to: address).get()
        } catch {
            promise.fail(error)
            throw Self.failure(error, url: url)
        }
        promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.pathAndQuery)
        head.headers.add(name: "Host", value: target.port == 443 ? target.host : "\(target.host):\(target.port)")
        head.headers.add(name: "Accept", value: accept)
        head.headers.add(name: "User-Agent", value: "Registrar")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            return Data(buffer: try await promise.futureResult.get())
        } catch {
            throw Self.failure(error, url: url)
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    static func failure(_ error: any Error, url: String) -> FetchFailure {
        if let failure = error as? FetchFailure { return failure }
        return .connection(url: url, reason: String(describing: error).prefix(200).description)
    }
}

/// Collects one response: a 200 head and at most `limit` body bytes; anything else fails the promise.
final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let url: String
    let limit: Int
    let promise: EventLoopPromise<ByteBuffer>
    var body = ByteBuffer()

    init(url: String, limit: Int, promise: EventLoopPromise<ByteBuffer>) {
        self.url = url
        self.limit = limit
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status == .ok else {
                return promise.fail(FetchFailure.status(url: url, code: Int(head.status.code)))
            }
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
                promise.fail(FetchFailure.tooLarge(url: url, limit: limit))
            }
        case .body(var part):
            guard body.readableBytes + part.readableBytes <= limit else {
                return promise.fail(FetchFailure.tooLarge(url: url, limit: limit))
            }
            body.writeBuffer(&part)
        case .end:
            promise.succeed(body)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(FetchFailure.connection(url: url, reason: "the connection closed before the response ended"))
    }
}
