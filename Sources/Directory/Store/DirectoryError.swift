import Foundation

/// Every refusal the directory can give. The server maps each case to one HTTP status and an RFC 9457
/// problem document in exactly one place; the CLI prints `description`.
public enum DirectoryError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case invalidInput(String)
    case invalidTransition(String)
    case forbidden(String)
    /// The record is in a state that forbids the request (e.g. SSA for inactive software).
    case notActive(String)
    /// Data the ecosystem profile requires is missing; nothing was issued.
    case incompleteData(String)
    case conflict(String)
    case unauthenticated(String)

    public var description: String {
        switch self {
        case .notFound(let s), .invalidInput(let s), .invalidTransition(let s), .forbidden(let s), .notActive(let s),
            .incompleteData(let s), .conflict(let s), .unauthenticated(let s):
            s
        }
    }
}

/// Failures of the storage layer, in terms the domain understands.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// An insert met an existing id.
    case duplicate(collection: RecordCollection, id: String)
    /// An update's expected revision no longer matched: someone else changed the record first.
    case concurrentModification(collection: RecordCollection, id: String)
    case corruptRecord(collection: RecordCollection, id: String)
    case unavailable(String)
    /// A value a change set claims for first use (a request JWT's `jti`) was already used.
    case alreadyUsed(String)

    public var description: String {
        switch self {
        case .duplicate(let c, let id): "\(c.rawValue) record \(id) already exists"
        case .concurrentModification(let c, let id): "\(c.rawValue) record \(id) was changed concurrently; retry"
        case .corruptRecord(let c, let id): "\(c.rawValue) record \(id) cannot be read"
        case .unavailable(let why): "the store is unavailable: \(why)"
        case .alreadyUsed(let value): "\(value.prefix(128)) was already used"
        }
    }
}
