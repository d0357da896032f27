import Synchronization

/// Values computed from the store and valid for one data revision. When the revision moves the whole
/// cache is dropped, so nothing served from it can be older than the revision this node has seen.
public final class RevisionScopedCache<Value: Sendable>: Sendable {
    private struct State: Sendable {
        var revision: Int64 = -1
        var values: [String: Value] = [:]
    }

    private let state = Mutex(State())
    /// Bounds memory when callers vary keys (query strings, tokens): when full, the cache starts afresh.
    public let capacity: Int

    public init(capacity: Int) { self.capacity = capacity }

    public func value(for key: String, at revision: Int64) -> Value? {
        state.withLock { $0.revision == revision ? $0.values[key] : nil }
    }

    public func store(_ value: Value, for key: String, at revision: Int64) {
        state.withLock { state in
            if revision > state.revision || (revision == state.revision && state.values.count >= capacity) {
                state = State(revision: revision)
            }
            if revision == state.revision { state.values[key] = value }
        }
    }

    /// The kept value, or one made now and kept; without a revision nothing is kept.
    public func value(for key: String, at revision: Int64?, orMake make: () async throws -> Value) async throws -> Value {
        guard let revision else { return try await make() }
        if let hit = value(for: key, at: revision) { return hit }
        let made = try await make()
        store(made, for: key, at: revision)
        return made
    }
}
