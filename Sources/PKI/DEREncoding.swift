import Foundation
import SwiftASN1

/// The small DER chores every writer in this module shares.
enum DEREncoding {
    /// The DER bytes of one value (a certificate, a name, a public key).
    static func bytes(of value: some DERSerializable) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.serialize(value)
        return coder.serializedBytes
    }

    /// GeneralizedTime in whole seconds, UTC (RFC 5280 §4.1.2.5.2, RFC 6960).
    static func generalizedTime(_ date: Date) throws -> GeneralizedTime {
        let parts = utcComponents(date)
        return try GeneralizedTime(
            year: parts.year!, month: parts.month!, day: parts.day!, hours: parts.hour!, minutes: parts.minute!, seconds: parts.second!,
            fractionalSeconds: 0)
    }

    /// UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §5.1.2.4).
    static func serializeTime(_ date: Date, into coder: inout DER.Serializer) throws {
        let parts = utcComponents(date)
        if parts.year! < 2050 {
            try coder.serialize(
                try UTCTime(
                    year: parts.year!, month: parts.month!, day: parts.day!, hours: parts.hour!, minutes: parts.minute!,
                    seconds: parts.second!))
        } else {
            try coder.serialize(try generalizedTime(date))
        }
    }

    private static func utcComponents(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }
}
