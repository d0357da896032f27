import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Sends one message per connection to an SMTP submission server (RFC 5321): greeting, EHLO,
/// STARTTLS when the settings ask (RFC 3207, then EHLO again), AUTH PLAIN when they carry a password
/// (RFC 4954), MAIL FROM, RCPT TO, DATA, QUIT. Every reply is checked; the first unexpected one ends
/// the conversation with `MailFailure.refused`, naming the command and the server's words. The whole
/// exchange is bounded by `MailSettings.timeout`, and replies by `SMTPReplyReader.maximumReplyBytes`.
///
/// ```swift
/// let mailer = try SMTPMailer(settings: MailSettings(url: "smtp+starttls://registrar:secret@mail.example:587", from: "registrar@directory.example"))
/// try await mailer.send(MailMessage(to: "ben@tpp.example", subject: "Your invitation", body: "…"))
/// ```
public struct SMTPMailer: Sendable {
    public let settings: MailSettings
    let context: NIOSSLContext?
    let group: any EventLoopGroup
    /// The name said in EHLO: this directory's host.
    let clientName: String

    public init(settings: MailSettings, clientName: String = "registrar", group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
        throws
    {
        self.settings = settings
        self.group = group
        self.clientName = clientName.isEmpty ? "registrar" : clientName
        if settings.security == .none {
            context = nil
        } else {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let file = settings.trustRootsFile { configuration.additionalTrustRoots = [.file(file)] }
            context = try NIOSSLContext(configuration: configuration)
        }
    }

    public func send(_ message: MailMessage) async throws {
        let data = try message.rendered(
            from: settings.from, at: Date(), messageID: "\(UUID().uuidString.lowercased())@\(clientName)")
        let reader = SMTPReplyReader()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(Int64(settings.timeout.components.seconds)))
                .channelInitializer { [context, settings] channel in
                    channel.eventLoop.makeCompletedFuture {
                        if settings.security == .implicitTLS, let context {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: context, serverHostname: Self.serverName(settings.host)))
                        }
                        try channel.pipeline.syncOperations.addHandler(reader)
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            throw MailFailure.unreachable("\(settings.host):\(settings.port): \(error)")
        }
        // The deadline closes the connection; a reply still awaited then fails as timed out.
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(settings.timeout.components.seconds) * 1_000_000_000)) {
            reader.timedOut = true
            channel.close(promise: nil)
        }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        try await converse(over: channel, reader: reader, data: data, to: message.to)
    }

    private func converse(over channel: any Channel, reader: SMTPReplyReader, data: String, to recipient: String) async throws {
        let conversation = Conversation(channel: channel, reader: reader)
        try await conversation.expect(220, after: "connecting")
        var extensions = try await conversation.command("EHLO \(clientName)", expecting: 250).lines
        if settings.security == .startTLS {
            guard extensions.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw MailFailure.refused(command: "EHLO", reply: "the server does not offer STARTTLS")
            }
            _ = try await conversation.command("STARTTLS", expecting: 220)
            // Anything the server sent after its 220 came in clear text and would be read as if it came
            // over TLS (the STARTTLS command-injection attack): refuse rather than carry it over.
            try await reader.requireNothingBuffered(on: channel)
            guard let context else { throw MailFailure.unreachable("no TLS context") }
            let handler = try NIOSSLClientHandler(context: context, serverHostname: Self.serverName(settings.host))
            try await channel.pipeline.addHandler(handler, position: .first).get()
            extensions = try await conversation.command("EHLO \(clientName)", expecting: 250).lines
        }
        if let username = settings.username {
            guard extensions.contains(where: { $0.uppercased().hasPrefix("AUTH") && $0.uppercased().contains("PLAIN") }) else {
                throw MailFailure.refused(command: "EHLO", reply: "the server does not offer AUTH PLAIN")
            }
            let credentials = Data("\0\(username)\0\(settings.password ?? "")".utf8).base64EncodedString()
            _ = try await conversation.command("AUTH PLAIN \(credentials)", expecting: 235, naming: "AUTH PLAIN")
        }
        _ = try await conversation.command("MAIL FROM:<\(settings.from)>", expecting: 250)
        _ = try await conversation.command("RCPT TO:<\(recipient)>", expecting: 250, 251)
        _ = try await conversation.command("DATA", expecting: 354)
        _ = try await conversation.command(data + ".", expecting: 250, naming: "the message")
        _ = try? await conversation.command("QUIT", expecting: 221)
    }

    /// SNI and certificate names are host names; an IP literal is checked against the certificate's
    /// addresses without SNI.
    static func serverName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}

public enum MailFailure: Error, CustomStringConvertible, Equatable {
    case unreachable(String)
    case refused(command: String, reply: String)
    case timedOut
    case closed

    public var description: String {
        switch self {
        case .unreachable(let why): "the mail server cannot be reached (\(why))"
        case .refused(let command, let reply): "the mail server refused \(command): \(reply)"
        case .timedOut: "the mail server did not answer in time"
        case .closed: "the mail server closed the connection"
        }
    }
}

/// One command and its reply at a time, in order.
private struct Conversation {
    let channel: any Channel
    let reader: SMTPReplyReader

    func expect(_ codes: Int..., after what: String) async throws {
        let reply = try await reader.next(on: channel)
        guard codes.contains(reply.code) else { throw MailFailure.refused(command: what, reply: reply.text) }
    }

    func command(_ line: String, expecting codes: Int..., naming name: String? = nil) async throws -> SMTPReply {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n")).get()
        } catch {
            // The connection ended (a failed TLS handshake, the server hung up): the reader knows why.
            _ = try await reader.next(on: channel)
            throw MailFailure.closed
        }
        let reply = try await reader.next(on: channel)
        guard codes.contains(reply.code) else {
            throw MailFailure.refused(command: name ?? String(line.prefix(while: { $0 != " " && $0 != ":" })), reply: reply.text)
        }
        return reply
    }
}

/// A reply: its code and its lines' texts (`250-PIPELINING` … `250 SMTPUTF8`).
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
    var text: String { "\(code) \(lines.joined(separator: " / "))".prefix(300).description }
}

/// Reads replies off the connection and hands them out in order. Its state is touched on the channel's
/// event loop only (`next(on:)` and `requireNothingBuffered(on:)` hop there), hence `@unchecked Sendable`.
final class SMTPReplyReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    /// A server that talks without end is cut off here.
    static let maximumReplyBytes = 64 * 1024

    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var ready: [SMTPReply] = []
    private var waiting: [CheckedContinuation<SMTPReply, any Error>] = []
    private var failure: MailFailure?
    var timedOut = false

    func next(on channel: any Channel) async throws -> SMTPReply {
        try await withCheckedThrowingContinuation { continuation in
            channel.eventLoop.execute {
                if !self.ready.isEmpty {
                    continuation.resume(returning: self.ready.removeFirst())
                } else if let failure = self.failure {
                    continuation.resume(throwing: failure)
                } else {
                    self.waiting.append(continuation)
                }
            }
        }
    }

    /// Fails when bytes or replies wait unread (before TLS starts, nothing may).
    func requireNothingBuffered(on channel: any Channel) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            channel.eventLoop.execute {
                if self.ready.isEmpty && self.pending.isEmpty && self.lines.isEmpty {
                    continuation.resume()
                } else {
                    continuation.resume(
                        throwing: MailFailure.refused(command: "STARTTLS", reply: "clear-text data followed the server's 220"))
                }
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard pending.count + lines.reduce(0, { $0 + $1.utf8.count }) <= Self.maximumReplyBytes else {
            return fail(.refused(command: "the conversation", reply: "a reply longer than \(Self.maximumReplyBytes) bytes"), context)
        }
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(pending[..<end])
            pending.removeSubrange(...end)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard line.count >= 3, let code = Int(String(decoding: line[0..<3], as: UTF8.self)), (200...599).contains(code) else {
                return fail(.refused(command: "the conversation", reply: "a line that is not an SMTP reply"), context)
            }
            lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
            // "250-…" continues a reply; "250 …" (or a bare "250") ends it.
            if line.count == 3 || line[3] != UInt8(ascii: "-") {
                deliver(SMTPReply(code: code, lines: lines))
                lines = []
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(timedOut ? .timedOut : .closed, context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(timedOut ? .timedOut : .unreachable("\(error)"), context)
    }

    private func deliver(_ reply: SMTPReply) {
        if waiting.isEmpty { ready.append(reply) } else { waiting.removeFirst().resume(returning: reply) }
    }

    private func fail(_ failure: MailFailure, _ context: ChannelHandlerContext) {
        if self.failure == nil { self.failure = failure }
        let waiters = waiting
        waiting = []
        for waiter in waiters { waiter.resume(throwing: self.failure ?? failure) }
        context.close(promise: nil)
    }
}
