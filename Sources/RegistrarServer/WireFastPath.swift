import Foundation
import HTTPTypes
import HummingbirdCore
import Keys
import Logging
import NIOCore

/// Answers plain GET/HEAD requests for cached public documents (JWKS, participants, discovery, status
/// lists), and SSAs that `AssertionFastPath` can issue from memory, straight from the connection's bytes,
/// in front of the HTTP/1 codec: a JWKS poller's request costs one scan of its head and one write of
/// prepared bytes, instead of HTTP parsing, two conversions of header types and response encoding.
///
/// It answers a request only when `PlainRequest` accepts it, the answer is in memory (`DocumentCache` at
/// the current revision, or an SSA from memory) and no earlier request on the connection is still waiting
/// for the router (pipelining: responses must not overtake one another), with the status and headers the
/// router would send (`ConditionalResponse.served`, `AssertionFastPath.responseHeaders`). A plain request
/// it does not answer is handed to the HTTP codec whole, so the codec stays at a request boundary; at the
/// first byte that is not a plain request (a body, a head split across reads) it hands everything from
/// there on to the codec and leaves the connection for good.
final class WireFastPath: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let runtime: DirectoryRuntime
    /// Behind the codec, it counts the requests that went to the router and are not answered yet.
    private var behindTheCodec: PublishedDocumentFastPath?
    /// The document last served, copied for this connection (up to `largestCopiedDocument`): the bytes
    /// every response writes are then reference-counted by this connection's event loop alone instead of
    /// bouncing between cores.
    private var local: LocalDocument?
    /// Responses not yet added to the shared metric (one atomic update per batch, not per response).
    private var unreported = 0
    /// Larger documents are shared, not copied: thousands of connections polling a large participants
    /// document must not each hold a copy, and for large bodies the copying would outweigh the gain.
    static let largestCopiedDocument = 64 * 1024

    private struct LocalDocument {
        let target: String
        let revision: Int64
        let etag: String
        let body: ByteBuffer
        /// The cached document these are copied from, consulted only to build a response head.
        let source: DocumentCache.Document
        /// Response heads by variant (`notModified`, `isHead`), each valid for the second it was made in
        /// (its `Date` header).
        var heads: [HeadVariant: (second: time_t, bytes: ByteBuffer)] = [:]
    }

    private struct HeadVariant: Hashable {
        let notModified: Bool
        let isHead: Bool
    }

    init(runtime: DirectoryRuntime) { self.runtime = runtime }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let behindTheCodec = behindTheCodec ?? findHandlerBehindTheCodec(context) else {
            return stepAside(context: context, passing: unwrapInboundIn(data))
        }
        var buffer = unwrapInboundIn(data)
        var answered = false
        while buffer.readableBytes > 0, let request = buffer.withUnsafeReadableBytes(PlainRequest.parse) {
            let whole = buffer.readSlice(length: request.length)!
            if behindTheCodec.routedInFlight == 0, answer(request, context: context) {
                answered = true
                unreported += 1
            } else {
                context.fireChannelRead(wrapInboundOut(whole))
            }
        }
        if answered {
            context.flush()
            if unreported >= 256 { reportResponses() }
        }
        if buffer.readableBytes > 0 { stepAside(context: context, passing: buffer) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        reportResponses()
    }

    private func answer(_ request: PlainRequest, context: ChannelHandlerContext) -> Bool {
        guard let authorization = request.authorization else {
            guard loadDocument(for: request.target, allocator: context.channel.allocator) else { return false }
            respond(to: request, context: context)
            return true
        }
        guard !request.isHead, let jwt = AssertionFastPath.answer(path: request.target, authorization: authorization, runtime: runtime)
        else { return false }
        let allocator = context.channel.allocator
        context.write(
            wrapOutboundOut(Self.encode(status: .ok, headers: AssertionFastPath.responseHeaders(for: jwt), allocator: allocator)),
            promise: nil)
        context.write(wrapOutboundOut(allocator.buffer(string: jwt)), promise: nil)
        return true
    }

    /// Makes `local` the document for `target` at the current revision, if the cache holds it.
    private func loadDocument(for target: String, allocator: ByteBufferAllocator) -> Bool {
        let revision = runtime.currentRevision
        if let local, local.revision == revision, local.target == target { return true }
        guard let document = runtime.documents.cached(target, revision: revision) else { return false }
        var body = document.body
        if body.readableBytes <= Self.largestCopiedDocument {
            body = allocator.buffer(capacity: document.body.readableBytes)
            body.writeImmutableBuffer(document.body)
        }
        local = LocalDocument(
            target: target, revision: revision, etag: String(decoding: Array(document.etag.utf8), as: UTF8.self), body: body,
            source: document)
        return true
    }

    private func respond(to request: PlainRequest, context: ChannelHandlerContext) {
        let notModified = request.ifNoneMatch.map { ConditionalResponse.matches($0, etag: local!.etag) } ?? false
        let variant = HeadVariant(notModified: notModified, isHead: request.isHead)
        let second = time(nil)
        if let head = local!.heads[variant], head.second == second {
            context.write(wrapOutboundOut(head.bytes), promise: nil)
        } else {
            let answer = ConditionalResponse.served(
                local!.source, isHead: request.isHead, ifNoneMatch: request.ifNoneMatch, maxAge: runtime.configuration.cacheMaxAge)
            let head = Self.encode(status: answer.status, headers: answer.headers, allocator: context.channel.allocator)
            local!.heads[variant] = (second, head)
            context.write(wrapOutboundOut(head), promise: nil)
        }
        if !notModified, !request.isHead { context.write(wrapOutboundOut(local!.body), promise: nil) }
    }

    private func reportResponses() {
        if unreported > 0 { RegistrarMetrics.fastPathResponses.increment(by: unreported) }
        unreported = 0
    }

    private func findHandlerBehindTheCodec(_ context: ChannelHandlerContext) -> PublishedDocumentFastPath? {
        behindTheCodec = try? context.pipeline.syncOperations.handler(type: PublishedDocumentFastPath.self)
        return behindTheCodec
    }

    private func stepAside(context: ChannelHandlerContext, passing rest: ByteBuffer) {
        context.fireChannelRead(wrapInboundOut(rest))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// An HTTP/1.1 status line and header block, as NIO's response encoder writes them.
    static func encode(status: HTTPResponse.Status, headers: HTTPFields, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256)
        buffer.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        for field in headers {
            buffer.writeString(field.name.rawName)
            buffer.writeString(": ")
            buffer.writeString(field.value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("\r\n")
        return buffer
    }
}

/// The request head the wire fast path answers: `GET` or `HEAD` of an origin-form target over HTTP/1.1,
/// complete in the bytes at hand, with no body, no forwarded client certificate and no connection
/// options, at most one `Authorization` and one `If-None-Match`, every line ending in CRLF. Anything else,
/// including anything unusual that the HTTP codec might judge differently, is not one (nil), and goes to
/// the codec and the router.
struct PlainRequest: Equatable {
    let isHead: Bool
    /// Path and query, exactly as sent (the document cache's key).
    let target: String
    let ifNoneMatch: String?
    let authorization: String?
    /// Bytes of the request head, final empty line included.
    let length: Int

    /// Longer heads go to the codec, whose own limits apply.
    static let maximumLength = 8 * 1024

    /// Header fields that change what the router does or how the connection is framed (lower case).
    static let excludedFields: [[UInt8]] = PublishedDocumentFastPath.routedFields.map { Array($0.canonicalName.utf8) }

    static func parse(_ bytes: UnsafeRawBufferPointer) -> PlainRequest? {
        var reader = HeadReader(bytes: bytes.prefix(maximumLength))
        let isHead: Bool
        if reader.skip("GET ") {
            isHead = false
        } else if reader.skip("HEAD ") {
            isHead = true
        } else {
            return nil
        }
        guard reader.peek == UInt8(ascii: "/"), let target = reader.take(while: { $0 > 0x20 && $0 < 0x7F }),
            reader.skip(" HTTP/1.1\r\n")
        else { return nil }
        var ifNoneMatch: String?, authorization: String?
        while !reader.skip("\r\n") {
            guard let name = reader.take(while: isTokenCharacter), reader.skip(":"),
                let value = reader.take(while: { $0 != UInt8(ascii: "\r") && isFieldValueCharacter($0) }, allowingEmpty: true),
                reader.skip("\r\n")
            else { return nil }
            let lowercased = name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            if excludedFields.contains(where: { $0.elementsEqual(lowercased) }) { return nil }
            // A value has no CR or LF: trimming ASCII whitespace is trimming optional whitespace.
            if lowercased.elementsEqual("if-none-match".utf8) {
                guard ifNoneMatch == nil else { return nil }
                ifNoneMatch = String(decoding: ASCIIWhitespace.trimming(value), as: UTF8.self)
            } else if lowercased.elementsEqual("authorization".utf8) {
                guard authorization == nil else { return nil }
                authorization = String(decoding: ASCIIWhitespace.trimming(value), as: UTF8.self)
            }
        }
        return PlainRequest(
            isHead: isHead, target: String(decoding: target, as: UTF8.self), ifNoneMatch: ifNoneMatch, authorization: authorization,
            length: reader.offset)
    }

    /// RFC 9110 §5.6.2 tchar.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// RFC 9110 §5.5 field-vchar, SP and HTAB (obs-text included).
    private static func isFieldValueCharacter(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }
}

/// A cursor over a request head's bytes.
private struct HeadReader {
    let bytes: Slice<UnsafeRawBufferPointer>
    private(set) var offset = 0

    init(bytes: Slice<UnsafeRawBufferPointer>) { self.bytes = bytes }

    var peek: UInt8? { offset < bytes.count ? bytes[bytes.startIndex + offset] : nil }

    mutating func skip(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - offset >= count else { return false }
        let start = bytes.startIndex + offset
        for index in 0..<count where bytes[start + index] != literal.utf8Start[index] { return false }
        offset += count
        return true
    }

    mutating func take(while accepted: (UInt8) -> Bool, allowingEmpty: Bool = false) -> Slice<UnsafeRawBufferPointer>? {
        let start = offset
        while let byte = peek, accepted(byte) { offset += 1 }
        guard offset < bytes.count, allowingEmpty || offset > start else { return nil }
        return bytes[(bytes.startIndex + start)..<(bytes.startIndex + offset)]
    }
}

/// Hummingbird's HTTP/1 channel with both fast paths: the wire fast path in front of its codec and
/// `PublishedDocumentFastPath` behind it.
struct DocumentFastPathChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let runtime: DirectoryRuntime

    init(responder: @escaping HTTPChannelHandler.Responder, runtime: DirectoryRuntime) {
        self.base = HTTP1Channel(
            responder: responder, configuration: .init(additionalChannelHandlers: [PublishedDocumentFastPath(runtime: runtime)]))
        self.runtime = runtime
    }

    var responder: HTTPChannelHandler.Responder { base.responder }

    /// Observers of the connection's time-outs (`ConnectionDeadline`) go around the fast paths: one in
    /// front of the wire fast path, one between it and the codec, one behind the codec.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadline = ConnectionDeadline(runtime.configuration.connectionTimeouts)
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionDeadline.BytesObserver(deadline))
            try pipeline.addHandler(WireFastPath(runtime: runtime))
            try pipeline.addHandler(ConnectionDeadline.CodecBytesObserver(deadline))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }.flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(
                ConnectionDeadline.MessageObserver(deadline), position: .before(try pipeline.handler(type: PublishedDocumentFastPath.self)))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// Plain HTTP/1.1 with both fast paths.
    static func withFastPaths(runtime: DirectoryRuntime) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in DocumentFastPathChannel(responder: responder, runtime: runtime) }
    }
}
