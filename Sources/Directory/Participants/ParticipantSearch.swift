import Foundation

/// The public participant browser's search: every participant once, in name order, with the words a
/// person may look for folded into one key (name, legal name, id, registration number, roles, the
/// authorisation servers' names and issuers). Built once per data revision; a search is one pass over
/// the keys, so it costs the same whichever page is asked for.
///
/// ```swift
/// let search = ParticipantSearch(try await views.participants())
/// let page = search.page(matching: "budget", number: 1, size: 50)   // page.entries, page.total
/// ```
public struct ParticipantSearch: Sendable {
    private let entries: [ParticipantEntry]
    private let keys: [String]

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
            return Self.fold(words.joined(separator: " "))
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
        let words = Self.fold(query).split(separator: " ").map(String.init)
        let first = (max(1, number) - 1) * size
        var matched: [ParticipantEntry] = []
        var total = 0
        for index in keys.indices where words.allSatisfy({ keys[index].contains($0) }) {
            if total >= first && matched.count < size { matched.append(entries[index]) }
            total += 1
        }
        return Page(entries: matched, total: total, number: max(1, number), size: size)
    }

    /// Lower case without diacritics, so that "societe" finds "Société".
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }
}
