import Synchronization

/// One value made from the store and kept for one data revision (and, when `maximumAge` is set, for no
/// longer than that): an opened key, the trust store, the CRL.
final class RevisionMemo<Value: Sendable>: Sendable {
    private let state = Mutex<(revision: Int64, value: Value, madeAt: ContinuousClock.Instant)?>(nil)
    let maximumAge: Duration?

    init(maximumAge: Duration? = nil) { self.maximumAge = maximumAge }

    /// The kept value when it is still good at `revision`, without making one.
    func kept(at revision: Int64) -> Value? {
        let now = ContinuousClock.now
        guard let kept = state.withLock({ $0 }), kept.revision == revision, maximumAge.map({ now - kept.madeAt < $0 }) ?? true else {
            return nil
        }
        return kept.value
    }

    func value(at revision: Int64, orMake make: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let kept = kept(at: revision) { return kept }
        let made = try await make()
        state.withLock { kept in
            if kept == nil || kept!.revision <= revision { kept = (revision, made, now) }
        }
        return made
    }
}

/// The directory revision this node has seen, shared by the runtime and the closures it hands out.
final class RevisionCounter: Sendable {
    private let value = Atomic<Int64>(0)

    var current: Int64 { value.load(ordering: .acquiring) }

    /// Only ever forward: a slow read must not move the revision back.
    func raise(to latest: Int64) { _ = value.max(latest, ordering: .acquiringAndReleasing) }
}
