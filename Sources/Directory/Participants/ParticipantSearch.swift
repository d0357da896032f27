import Foundation

/// The public participant browser's search: every participant once, in name order, with the words a
/// person may look for folded into one key (name, legal name, id, registration number, roles, the
/// authorisation servers' names and issuers). Built once per data revision; a search is one pass over
/// the keys, so it costs the same whichever page is asked for. Keys are folded UTF-8 bytes searched
/// byte by byte: a Unicode-aware `String.contains` per key made a new question at 10,000
/// participants cost 15 ms (registrar-bench console).
///
/// ```swift
/// let search = ParticipantSearch(try await views.participants())
/// let page = search.page(matching: "budget", number: 1, size: 50)   // page.entries, page.total
/// ```
public struct ParticipantSearch: Sendable {
    private let entries: [ParticipantEntry]
    private let keys: [[UInt8]]

    public init(_ participants: [ParticipantEntry]) {
        let sorted = participants.sorted {
            ($0.OrganisationName.lowercased(), $0.OrganisationId) < ($1.OrganisationName.lowercased(), $1.OrganisationId)
        }
        entries = sorted
        keys = sorted.map { entry in
            let words =
                [entry.OrganisationName, entry.LegalEntityName, entry.OrganisationId, entry.RegistrationNumber ?? ""]
                + entry.OrgDomainRoleClaims.flatMap { [$0.Role, $0.RegistrationId] }
                + entry.AuthorisationServers.flatMap { [$0.CustomerFriendlyName, $0.Issuer] }
            return Array(Self.fold(words.joined(separator: " ")).utf8)
        }
    }

    public var count: Int { entries.count }

    public struct Page: Sendable {
        public var entries: [ParticipantEntry]
        /// How many participants match, on every page.
        public var total: Int
        public var number: Int
        public var size: Int

        public var pageCount: Int { max(1, (total + size - 1) / size) }
    }

    /// Page `number` (from 1) of the participants whose key holds every word of `query`, in name order.
    public func page(matching query: String, number: Int, size: Int) -> Page {
        let words = Self.fold(query).split(separator: " ").map { Array($0.utf8) }
        let first = (max(1, number) - 1) * size
        var matched: [ParticipantEntry] = []
        var total = 0
        for index in keys.indices where words.allSatisfy({ Self.bytes(keys[index], contain: $0) }) {
            if total >= first && matched.count < size { matched.append(entries[index]) }
            total += 1
        }
        return Page(entries: matched, total: total, number: max(1, number), size: size)
    }

    /// Whether `needle` occurs in `haystack`. Folded text is compared as UTF-8: equal text, equal bytes.
    static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { word in
                var start = 0
                let last = hay.count - word.count
                while start <= last {
                    if hay[start] == first {
                        var offset = 1
                        while offset < word.count && hay[start + offset] == word[offset] { offset += 1 }
                        if offset == word.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }

    /// Lower case without diacritics, so that "societe" finds "Société".
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }
}
