import Foundation
import Synchronization

/// Failed sign-ins per network address, in this node's memory: past `limit` failures within `window`
/// an address is refused before any password is looked at. The per-account lock-out
/// (`PersonCredentials.lockedUntil`) is in the store and holds across nodes; this is the cheap first
/// line against one address trying many accounts, and each node counts its own.
public final class SignInThrottle: Sendable {
    public let limit: Int
    public let window: TimeInterval
    /// Addresses remembered at most; past it, the expired ones are dropped first, then the oldest.
    let capacity: Int
    private let failures = Mutex<[String: (count: Int, since: Date)]>([:])

    public init(limit: Int = 20, window: TimeInterval = 15 * 60, capacity: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    public func isBlocked(_ address: String, at now: Date) -> Bool {
        failures.withLock { table in
            guard let entry = table[address], now.timeIntervalSince(entry.since) < window else { return false }
            return entry.count >= limit
        }
    }

    public func noteFailure(from address: String, at now: Date) {
        failures.withLock { table in
            if table.count >= capacity {
                table = table.filter { now.timeIntervalSince($0.value.since) < window }
                if table.count >= capacity, let oldest = table.min(by: { $0.value.since < $1.value.since }) { table[oldest.key] = nil }
            }
            if let entry = table[address], now.timeIntervalSince(entry.since) < window {
                table[address] = (entry.count + 1, entry.since)
            } else {
                table[address] = (1, now)
            }
        }
    }
}
