import Directory
import PostgresNIO

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

    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        let state = error.serverInfo?[.sqlState].map { " \($0)" } ?? ""
        return "\(error.code)\(state)"
    }
}
