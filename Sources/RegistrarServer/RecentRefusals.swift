import Foundation
import Synchronization

/// The last refusals this node answered (a 400, 401, 403, 409 or 422: a request that was not let
/// through), newest first, for staff to see at a glance. Kept in memory and bounded: a flood of bad
/// requests costs nothing but pushes older entries out. Paths are kept without their query, where an
/// invitation's secret may travel.
final class RecentRefusals: Sendable {
    struct Refusal: Sendable, Equatable {
        var at: Date
        var status: Int
        var request: String
        var detail: String
        var remote: String
    }

    static let recorded: Set<Int> = [400, 401, 403, 409, 422]
    let capacity: Int
    private let entries = Mutex<[Refusal]>([])

    init(capacity: Int = 50) { self.capacity = capacity }

    func record(status: Int, method: String, path: String, detail: String, remote: String?) {
        guard Self.recorded.contains(status) else { return }
        let refusal = Refusal(
            at: Date(), status: status, request: "\(method) \(path.prefix(200))", detail: String(detail.prefix(200)),
            remote: remote ?? "unknown")
        entries.withLock { entries in
            entries.insert(refusal, at: 0)
            if entries.count > capacity { entries.removeLast(entries.count - capacity) }
        }
    }

    var newestFirst: [Refusal] { entries.withLock { $0 } }
}
