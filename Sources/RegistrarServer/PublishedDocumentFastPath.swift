import Directory
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Answers on the event loop, without the hand-off to Swift concurrency that every routed request pays:
/// GET/HEAD of public documents already cached at the current revision, and GET of a software
/// statement's SSA when the token's caller, the SSA's claims and the signing key are all in memory at
/// this revision (`AssertionFastPath`). Anything else (a document not built yet, a request with other
/// credentials or `Connection` options, any other method) goes on to the router unchanged, and the
/// router's answer for the same request would be the same (for an SSA: the same headers, a fresh JWT).
///
/// HTTP/1.1 allows pipelining and Hummingbird does not serialise it, so a request is answered here only
/// when no earlier request on the connection is still waiting for the router: responses stay in order.
final class PublishedDocumentFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let runtime: DirectoryRuntime
    /// Requests passed to the router whose responses have not ended yet (`WireFastPath` reads it).
    private(set) var routedInFlight = 0
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
            if routedInFlight == 0, let jwt = AssertionFastPath.answer(request, runtime: runtime) {
                answered = true
                respond(withAssertion: jwt, context: context)
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

    /// Header fields that send a request to the router whatever else it is: they change how the connection
    /// is framed, or (a forwarded client certificate) what the router's certificate middleware decides; a
    /// revoked forwarded certificate is refused there even on a public document. The one list both fast
    /// paths apply (`PlainRequest.excludedFields` is the same names as bytes).
    static let routedFields: [HTTPField.Name] = [
        .contentLength, .transferEncoding, .connection, .upgrade, .expect, .te, ClientCertificateMiddleware.certificateField,
        ClientCertificateMiddleware.chainField,
    ]

    static func leavesToRouter(_ fields: HTTPFields) -> Bool { routedFields.contains { fields[$0] != nil } }

    private func servable(_ request: HTTPRequest) -> DocumentCache.Document? {
        guard request.method == .get || request.method == .head, let path = request.path,
            request.headerFields[.authorization] == nil, !Self.leavesToRouter(request.headerFields)
        else { return nil }
        return runtime.documents.cached(path, revision: runtime.currentRevision)
    }

    private func respond(to request: HTTPRequest, with document: DocumentCache.Document, context: ChannelHandlerContext) {
        let answer = ConditionalResponse.served(
            document, isHead: request.method == .head, ifNoneMatch: request.headerFields[.ifNoneMatch],
            maxAge: runtime.configuration.cacheMaxAge)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: answer.headers))), promise: nil)
        if answer.sendsBody { context.write(wrapOutboundOut(.body(document.body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

extension PublishedDocumentFastPath {
    private func respond(withAssertion jwt: String, context: ChannelHandlerContext) {
        let headers = AssertionFastPath.responseHeaders(for: jwt)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: jwt))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// `GET /organisations/{organisationId}/software-statements/{softwareStatementId}/assertion` with an
/// API token, answered from memory. Only where no client certificate can take part: a connection that
/// could carry one (mutual TLS) or a forwarded `Client-Cert` header goes to the router, whose
/// certificate middleware may refuse the request (a revoked certificate).
enum AssertionFastPath {
    static func answer(_ request: HTTPRequest, runtime: DirectoryRuntime) -> String? {
        guard request.method == .get, let path = request.path, let authorization = request.headerFields[.authorization],
            !PublishedDocumentFastPath.leavesToRouter(request.headerFields)
        else { return nil }
        return answer(path: path, authorization: authorization, runtime: runtime)
    }

    /// For a GET without connection options or a forwarded client certificate.
    static func answer(path: String, authorization: String, runtime: DirectoryRuntime) -> String? {
        guard path.hasSuffix("/assertion"), path.hasPrefix("/organisations/"),
            !runtime.configuration.handshakeCertificatesPossible
        else { return nil }
        guard let parsed = SoftwarePath.parse(path[...]), parsed.rest == "assertion",
            let organisationID = identifier(parsed.organisationID), let softwareID = identifier(parsed.softwareID),
            let token = AuthenticationMiddleware.bearerCredential(authorization), !token.contains(".")
        else { return nil }
        return runtime.assertionFromMemory(softwareID: softwareID, organisationID: organisationID, bearer: token)
    }

    /// The headers `SoftwareStatementRoutes` answers an SSA with, and those the server adds.
    static func responseHeaders(for jwt: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/jwt"
        headers[.cacheControl] = "no-store"
        headers[.contentLength] = String(jwt.utf8.count)
        headers[.date] = HTTPDate.now()
        headers[.server] = RegistrarApplication.serverName
        return headers
    }

    /// A path segment that is one of the directory's identifiers (which need no percent-decoding);
    /// anything else is routed.
    private static func identifier(_ segment: Substring) -> String? {
        let text = String(segment)
        return RecordIdentifier.isWellFormed(text) ? text : nil
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
