import Directory
import PostgresNIO
import Synchronization

/// Which PostgreSQL failures mean "the database is not there right now" (answered 503 with
/// `Retry-After`, never 500): a lost or refused connection, an administrator's or a crash's shutdown, a
/// server still starting, too many connections, a closed pool. Decided once, here, for every query.
public enum PostgresUnavailability {
    /// SQLSTATE classes and codes: 08 connection exception, 57P01 admin shutdown, 57P02 crash shutdown,
    /// 57P03 cannot connect now, 53300 too many connections.
    static let unavailableStates: Set<String> = ["57P01", "57P02", "57P03", "53300"]

    public static func isUnavailable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .connectionError, .clientClosedConnection, .uncleanShutdown, .poolClosed: return true
        case .server:
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return state.hasPrefix("08") || unavailableStates.contains(state)
        default: return false
        }
    }

    /// Runs `body`; a failure that means unavailability becomes `StoreError.unavailable`.
    public static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch  where isUnavailable(error) {
            throw StoreError.unavailable("the PostgreSQL database is unavailable: \(describe(error))")
        }
    }

    /// Runs `body` for at most `limit`: past it the caller gets `StoreError.unavailable` at once, and the
    /// operation is cancelled (a query on a connection that stopped answering may linger until the
    /// connection dies; it no longer holds up the request).
    public static func bounded<T: Sendable>(within limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let outcome = FirstOutcome(continuation)
            let work = Task { outcome.finish(await Result(catching: body)) }
            let timer = Task {
                try await Task.sleep(for: limit)
                if outcome.finish(.failure(StoreError.unavailable("the PostgreSQL database did not answer within \(limit)"))) {
                    work.cancel()
                }
            }
            outcome.afterwards = { timer.cancel() }
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        let state = error.serverInfo?[.sqlState].map { " \($0)" } ?? ""
        return "\(error.code)\(state)"
    }
}

/// Resumes a continuation with whichever outcome comes first (the work's or the timer's), once.
private final class FirstOutcome<T: Sendable>: Sendable {
    private let state: Mutex<(continuation: CheckedContinuation<T, any Error>?, afterwards: (@Sendable () -> Void)?)>

    init(_ continuation: CheckedContinuation<T, any Error>) { state = Mutex((continuation, nil)) }

    /// Run once the continuation is resumed (the timer is stopped); set after both tasks started.
    var afterwards: (@Sendable () -> Void)? {
        get { state.withLock { $0.afterwards } }
        set { state.withLock { $0.afterwards = newValue } }
    }

    /// Resumes with `result` unless another outcome came first; true when this one did.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (continuation, afterwards) = state.withLock { state in
            defer { state.continuation = nil }
            return (state.continuation, state.afterwards)
        }
        guard let continuation else { return false }
        continuation.resume(with: result)
        afterwards?()
        return true
    }
}

extension Result where Failure == any Error {
    init(catching body: @Sendable () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
