import Foundation

/// Record identifiers: random UUIDs (122 bits of randomness), lower-case, URL-safe and unguessable.
/// UUIDs also fit the Brasil and CDR formats (`OFBBR-{org_id}`, `legal_entity_id`).
public enum RecordIdentifier {
    public static func make() -> String { UUID().uuidString.lowercased() }

    /// Accepts what `make` produces, so a malformed identifier in a URL is refused before any look-up.
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 36 && UUID(uuidString: String(text)) != nil && text == text.lowercased()
    }
}
