import Foundation
import Keys
import OutboundFetch

/// Documents fetched over https (a remote directory's JWKS, a software statement's JWKS, a status list)
/// and kept for `lifetime`. When the cached document lacks what the caller wants (a JWKS without the
/// kid a JWS names), it is fetched again, at most once per `refreshInterval` per URL, so requests naming
/// unknown kids cannot turn this server into a load generator against someone's keystore. Concurrent
/// misses for one URL share one fetch. When a fetch fails, a document fetched within
/// `maximumStaleness` is still used (zero: fail closed).
public actor RemoteDocumentCache<Document: Sendable> {
    struct Entry {
        var document: Document
        var fetchedAt: ContinuousClock.Instant
    }

    let fetcher: OutboundFetcher
    let timing: FetchedDocumentTiming
    let accept: String
    let parse: @Sendable (Data) throws -> Document
    var entries: [String: Entry] = [:]
    var attempts: [String: ContinuousClock.Instant] = [:]
    var inFlight: [String: Task<Document, any Error>] = [:]
    /// How many fetches were started; tests read it to see the cache and the rate limit at work.
    public private(set) var fetchCount = 0

    public init(
        fetcher: OutboundFetcher, timing: FetchedDocumentTiming, accept: String, parse: @escaping @Sendable (Data) throws -> Document
    ) {
        self.fetcher = fetcher
        self.timing = timing
        self.accept = accept
        self.parse = parse
    }

    /// The document at `url`, fetched when none is cached, the cached one expired, or it does not
    /// satisfy `wanted` and the last attempt is older than the refresh interval.
    public func document(at url: String, satisfying wanted: @Sendable (Document) -> Bool = { _ in true }) async throws -> Document {
        let now = ContinuousClock.now
        if let entry = entries[url], now - entry.fetchedAt < timing.lifetime {
            let recentlyTried = attempts[url].map { now - $0 < timing.refreshInterval } ?? false
            if recentlyTried || wanted(entry.document) { return entry.document }
        }
        do {
            return try await fetch(url)
        } catch {
            if let entry = entries[url], now - entry.fetchedAt < timing.maximumStaleness { return entry.document }
            throw error
        }
    }

    func fetch(_ url: String) async throws -> Document {
        if let running = inFlight[url] { return try await running.value }
        attempts[url] = ContinuousClock.now
        fetchCount += 1
        let (fetcher, accept, parse) = (self.fetcher, self.accept, self.parse)
        let task = Task { try parse(try await fetcher.get(url, accept: accept)) }
        inFlight[url] = task
        defer { inFlight[url] = nil }
        let document = try await task.value
        entries[url] = Entry(document: document, fetchedAt: ContinuousClock.now)
        return document
    }
}

extension RemoteDocumentCache where Document == JSONWebKeySet {
    /// A cache of JWK Sets that keeps only signing keys (`use` absent or `sig`).
    public static func keySets(fetcher: OutboundFetcher, timing: FetchedDocumentTiming = .keySets) -> RemoteDocumentCache<JSONWebKeySet> {
        RemoteDocumentCache(fetcher: fetcher, timing: timing, accept: "application/jwk-set+json, application/json") { body in
            guard JSONValue.object(body) != nil, let set = try? JSONDecoder().decode(JSONWebKeySet.self, from: body) else {
                throw RemoteDocumentError.notA("JWK Set")
            }
            return JSONWebKeySet(keys: set.keys.filter { $0.use == nil || $0.use == "sig" })
        }
    }

    /// The keys that may have signed a JWS naming `kid`, refetching once if the cached set lacks it.
    public func keys(at url: String, kid: String?) async throws -> [JSONWebKey] {
        try await document(at: url) { set in kid == nil || set.keys.contains { $0.kid == kid } }.candidates(forKID: kid)
    }
}

/// A fetched document that is not what the URL should serve.
public enum RemoteDocumentError: Error, CustomStringConvertible {
    case notA(String)
    public var description: String {
        switch self {
        case .notA(let kind): "the answer is not a \(kind)"
        }
    }
}

/// How long a fetched document is used, how often it may be refetched for something it lacks, and how
/// long a stale one stands in when a fetch fails.
public struct FetchedDocumentTiming: Sendable {
    public var lifetime: Duration
    public var refreshInterval: Duration
    public var maximumStaleness: Duration

    public init(lifetime: Duration, refreshInterval: Duration = .seconds(60), maximumStaleness: Duration = .zero) {
        self.lifetime = lifetime
        self.refreshInterval = refreshInterval
        self.maximumStaleness = maximumStaleness
    }

    /// Key sets change rarely and a keystore outage should not stop registrations.
    public static let keySets = FetchedDocumentTiming(lifetime: .seconds(300), maximumStaleness: .seconds(86_400))
    /// Statuses must be current: a minute's cache, and no verdict from a list that cannot be had.
    public static let statuses = FetchedDocumentTiming(lifetime: .seconds(60))
}
