import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Answers GET/HEAD for public documents already cached at the current revision directly on the event
/// loop, without the hand-off to Swift concurrency that every routed request pays. Anything else (a
/// document not built yet, a request with credentials or `Connection` options, any other method) goes
/// on to the router unchanged, and the router's answer for the same request would be byte-identical.
///
/// HTTP/1.1 allows pipelining and Hummingbird does not serialise it, so a request is answered here only
/// when no earlier request on the connection is still waiting for the router: responses stay in order.
final class PublishedDocumentFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let runtime: DirectoryRuntime
    /// Requests passed to the router whose responses have not ended yet.
    private var routedInFlight = 0
    /// The current request was answered here; its remaining parts are dropped.
    private var answered = false

    init(runtime: DirectoryRuntime) { self.runtime = runtime }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            if routedInFlight == 0, let document = servable(request) {
                answered = true
                respond(to: request, with: document, context: context)
                RegistrarMetrics.fastPathResponses.increment()
                return
            }
            routedInFlight += 1
        case .body:
            if answered { return }
        case .end:
            if answered {
                answered = false
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { routedInFlight = max(0, routedInFlight - 1) }
        context.write(data, promise: promise)
    }

    private func servable(_ request: HTTPRequest) -> DocumentCache.Document? {
        guard request.method == .get || request.method == .head, let path = request.path,
            request.headerFields[.authorization] == nil, request.headerFields[.connection] == nil
        else { return nil }
        return runtime.documents.cached(path, revision: runtime.currentRevision)
    }

    private func respond(to request: HTTPRequest, with document: DocumentCache.Document, context: ChannelHandlerContext) {
        let (status, fields, withBody) = ConditionalResponse.decide(
            document, ifNoneMatch: request.headerFields[.ifNoneMatch], maxAge: runtime.configuration.cacheMaxAge)
        var headers = fields
        headers[.contentLength] = withBody || request.method == .head ? String(document.body.readableBytes) : nil
        headers[.date] = HTTPDate.now()
        headers[.server] = RegistrarApplication.serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: headers))), promise: nil)
        if withBody, request.method == .get { context.write(wrapOutboundOut(.body(document.body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7), formatted once per second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        let instant = Date()
        let second = Int(instant.timeIntervalSince1970)
        if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = format(instant)
        cache.withLock { $0 = (second, text) }
        return text
    }

    static func format(_ instant: Date) -> String {
        instant.formatted(
            Date.VerbatimFormatStyle(
                format:
                    "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
                locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "GMT")!,
                calendar: Calendar(identifier: .gregorian)))
    }
}
