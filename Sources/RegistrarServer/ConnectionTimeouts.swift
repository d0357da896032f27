import Hummingbird
import HummingbirdCore
import Metrics
import NIOCore
import NIOHTTPTypes

/// How long a connection may take over each part of an exchange before the server closes it, so that a
/// client that sends half a request head (or a body a byte a minute) cannot hold a connection forever.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.connectionTimeouts = ConnectionTimeouts(requestHead: .seconds(10))
/// ```
public struct ConnectionTimeouts: Sendable, Equatable {
    /// From the connection's start (TLS handshake included), or from the first byte of a later request,
    /// to the end of the request head: nginx's `client_header_timeout`.
    public var requestHead: Duration
    /// The longest pause between two reads of a request body: nginx's `client_body_timeout`.
    public var requestBody: Duration
    /// How long a connection may wait, idle, for its next request: nginx's `keepalive_timeout`. Keep it
    /// longer than the idle time-out of a load balancer in front.
    public var keepAlive: Duration

    public init(requestHead: Duration = .seconds(30), requestBody: Duration = .seconds(30), keepAlive: Duration = .seconds(75)) {
        self.requestHead = requestHead
        self.requestBody = requestBody
        self.keepAlive = keepAlive
    }
}

/// One connection's deadline, moved by three observers in its pipeline: `bytes` (every decrypted byte,
/// before the wire fast path, which answers requests the codec never sees), `codecBytes` (bytes the
/// wire fast path passed on to the HTTP codec) and `messages` (request and response parts). While a
/// request is with the server there is no deadline: the server's own time is not the client's fault.
/// Moving the deadline is a store; the one timer re-arms itself when it fires early.
final class ConnectionDeadline {
    enum Phase: String { case head, body, waiting, idle }

    private let timeouts: ConnectionTimeouts
    private var phase = Phase.head
    private var deadline: NIODeadline
    /// Requests whose head arrived and whose response has not been sent completely.
    private var unanswered = 0
    private var readingRequest = false
    private var timer: Scheduled<Void>?
    private var timerDue = NIODeadline.distantFuture
    private var context: ChannelHandlerContext?

    static let closed = Counter(label: "registrar_connections_timed_out_total")

    init(_ timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
        deadline = .now() + TimeAmount(timeouts.requestHead)
    }

    func start(_ context: ChannelHandlerContext) {
        self.context = context
        arm()
    }

    func stop() {
        timer?.cancel()
        timer = nil
        context = nil
    }

    /// Any bytes: an idle connection served by the wire fast path is in use.
    func bytesArrived() {
        if phase == .idle { move(to: .idle) }
    }

    /// Bytes for the codec: a request head has begun unless one is being read or answered.
    func codecBytesArrived() {
        if phase == .idle { move(to: .head) }
    }

    func requestHeadArrived() {
        unanswered += 1
        readingRequest = true
        move(to: .body)
    }

    func requestBodyArrived() {
        if readingRequest { move(to: .body) }
    }

    func requestEnded() {
        readingRequest = false
        move(to: .waiting)
    }

    func responseEnded() {
        unanswered = max(0, unanswered - 1)
        if !readingRequest, unanswered == 0 { move(to: .idle) }
    }

    private func move(to next: Phase) {
        phase = next
        let allowance: Duration? =
            switch next {
            case .head: timeouts.requestHead
            case .body: timeouts.requestBody
            case .idle: timeouts.keepAlive
            case .waiting: nil
            }
        guard let allowance else { return }
        deadline = .now() + TimeAmount(allowance)
        if deadline < timerDue { arm() }
    }

    private func arm() {
        guard let context else { return }
        timer?.cancel()
        timerDue = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in fire() }
    }

    private func fire() {
        timer = nil
        timerDue = .distantFuture
        guard phase != .waiting, let context else { return }
        guard deadline <= .now() else { return arm() }
        Self.closed.increment()
        context.close(promise: nil)
    }

    /// First after TLS: sees every byte, starts and stops the clock with the connection.
    final class BytesObserver: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let deadline: ConnectionDeadline
        init(_ deadline: ConnectionDeadline) { self.deadline = deadline }

        func handlerAdded(context: ChannelHandlerContext) { if context.channel.isActive { deadline.start(context) } }
        func channelActive(context: ChannelHandlerContext) {
            deadline.start(context)
            context.fireChannelActive()
        }
        func handlerRemoved(context: ChannelHandlerContext) { deadline.stop() }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadline.bytesArrived()
            context.fireChannelRead(data)
        }
    }

    /// Between the wire fast path and the HTTP codec.
    final class CodecBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let deadline: ConnectionDeadline
        init(_ deadline: ConnectionDeadline) { self.deadline = deadline }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadline.codecBytesArrived()
            context.fireChannelRead(data)
        }
    }

    /// Behind the codec, in front of `PublishedDocumentFastPath`, so that it sees the responses of both
    /// that fast path and the router.
    final class MessageObserver: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        let deadline: ConnectionDeadline
        init(_ deadline: ConnectionDeadline) { self.deadline = deadline }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: deadline.requestHeadArrived()
            case .body: deadline.requestBodyArrived()
            case .end: deadline.requestEnded()
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { deadline.responseEnded() }
            context.write(data, promise: promise)
        }
    }
}
