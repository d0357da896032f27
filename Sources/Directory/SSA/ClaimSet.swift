import Foundation
import Keys

/// A claim set under construction: optional members are simply left out when the directory has no value.
public struct ClaimSet: Sendable, Equatable {
    public private(set) var members: [String: JSONValue] = [:]

    public init() {}

    public subscript(name: String) -> JSONValue? {
        get { members[name] }
        set { members[name] = newValue }
    }

    public mutating func set(_ name: String, _ value: String?) {
        if let value { members[name] = .string(value) }
    }

    public func encoded() throws -> Data {
        try RecordCoding.encoder.encode(members)
    }
}
