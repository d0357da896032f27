import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// One TCP connection that sends bytes exactly as given (pipelined requests, a head split across writes)
/// and reads everything the server sends until it closes the connection: what an HTTP client library
/// would tidy away.
enum RawHTTPConnection {
    struct Response: Equatable {
        let statusLine: String
        let headers: [(name: String, value: String)]
        let body: Data

        subscript(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

        static func == (lhs: Response, rhs: Response) -> Bool {
            lhs.statusLine == rhs.statusLine && lhs.body == rhs.body
                && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
        }
    }

    /// Writes each chunk (pausing between them), then reads until the server closes; the last request
    /// should ask for that (`Connection: close`).
    static func exchange(port: Int, chunks: [String], pause: Duration = .milliseconds(50)) async throws -> Data {
        try await exchange(port: port, chunks: chunks.map { Array($0.utf8) }, pause: pause)
    }

    /// `closingOutput` ends the sending side after the last chunk (a client that stops mid-body).
    static func exchange(port: Int, chunks: [[UInt8]], pause: Duration = .milliseconds(50), closingOutput: Bool = false) async throws
        -> Data
    {
        let (channel, received) = try await connect(port: port)
        for (index, chunk) in chunks.enumerated() {
            if index > 0 { try await Task.sleep(for: pause) }
            try await channel.writeAndFlush(ByteBuffer(bytes: chunk))
        }
        if closingOutput { try await channel.close(mode: .output) }
        guard try await closedByServer(channel, within: .seconds(10)) != nil else { throw CancellationError() }
        return received.bytes
    }

    /// Sends `bytes` and waits for the server to close the connection: how long that took, or nil when it
    /// was still open after `limit` (the connection is then closed from this side).
    /// The clock starts before connecting, so the time is never shorter than the server's own count
    /// (which starts when it accepts the connection).
    static func timeUntilClosed(port: Int, sending bytes: String, limit: Duration) async throws -> Duration? {
        let start = ContinuousClock.now
        let (channel, _) = try await connect(port: port)
        // On a loaded machine the server's time-out may close the connection before these bytes go out:
        // that is the close being measured, not a failure.
        if !bytes.isEmpty {
            do { try await channel.writeAndFlush(ByteBuffer(string: bytes)) } catch ChannelError.ioOnClosedChannel {
                return ContinuousClock.now - start
            }
        }
        guard try await closedByServer(channel, within: limit - (ContinuousClock.now - start)) != nil else {
            try? await channel.close()
            return nil
        }
        return ContinuousClock.now - start
    }

    private static func connect(port: Int) async throws -> (any Channel, ReceivedBytes) {
        let received = ReceivedBytes()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return (channel, received)
    }

    private static func closedByServer(_ channel: any Channel, within limit: Duration) async throws -> Duration? {
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            let closed = try await group.next() ?? false
            group.cancelAll()
            return closed ? ContinuousClock.now - start : nil
        }
    }

    /// Splits what a server sent into responses, by `Content-Length` (bodiless statuses and answers to
    /// HEAD requests, listed in `bodiless`, carry none).
    static func responses(in data: Data, bodiless: Set<Int> = []) -> [Response] {
        var responses: [Response] = []
        var rest = data[...]
        let separator = Data("\r\n\r\n".utf8)
        while let end = rest.range(of: separator) {
            let head = String(decoding: rest[rest.startIndex..<end.lowerBound], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            let headers = lines.map { line in
                let (name, value) = line.split(separator: ":", maxSplits: 1).map(String.init).pair
                return (name: name, value: value.trimmingCharacters(in: .whitespaces))
            }
            let status = Int(statusLine.split(separator: " ")[1]) ?? 0
            let length =
                bodiless.contains(responses.count) || status == 304
                ? 0 : headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
            let bodyStart = end.upperBound
            let bodyEnd = min(rest.endIndex, bodyStart + length)
            responses.append(Response(statusLine: statusLine, headers: headers, body: Data(rest[bodyStart..<bodyEnd])))
            rest = rest[bodyEnd...]
        }
        return responses
    }
}

extension Array where Element == String {
    fileprivate var pair: (String, String) { (first ?? "", count > 1 ? self[1] : "") }
}

private final class ReceivedBytes: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let received = Mutex(Data())

    var bytes: Data { received.withLock { $0 } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        received.withLock { $0.append(contentsOf: buffer.readableBytesView) }
    }

    /// The server closed its sending side: the exchange is over (remote half-closure is allowed so that
    /// this side can close its own output first and still read the answer).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }
}
