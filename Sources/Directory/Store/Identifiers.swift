import Foundation
import Keys

/// Record identifiers: UUIDv7 (RFC 9562 §5.7), lower-case and URL-safe. The first 48 bits are the
/// creation time in milliseconds and the other 74 (the version and variant aside) come from the
/// system's CSPRNG, so an identifier cannot be guessed from another; being time-ordered, new records
/// land at the end of the store's indexes instead of on a random page of each (fewer pages read and
/// written per insert). UUIDs also fit the Brasil and CDR formats (`OFBBR-{org_id}`, `legal_entity_id`).
public enum RecordIdentifier {
    public static func make() -> String { make(at: Date()) }

    static func make(at instant: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, instant.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        let (high, low) = (generator.next() as UInt64, generator.next() as UInt64)
        for index in 6..<8 { bytes[index] = UInt8(truncatingIfNeeded: high >> (8 * (index - 6))) }
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: low >> (8 * (index - 8))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        let hex = bytes.lowercaseHex
        let utf8 = Array(hex.utf8)
        return [utf8[0..<8], utf8[8..<12], utf8[12..<16], utf8[16..<20], utf8[20..<32]]
            .map { String(decoding: $0, as: UTF8.self) }.joined(separator: "-")
    }

    /// Accepts what `make` produces (and the random UUIDs of earlier versions), so a malformed
    /// identifier in a URL is refused before any look-up.
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 36 && UUID(uuidString: String(text)) != nil && text == text.lowercased()
    }
}
