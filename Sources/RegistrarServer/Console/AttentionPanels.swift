import Directory
import Foundation

/// What needs attention, at the top of a home page: for staff, the directory at a glance and the
/// certificates about to expire across it; for an organisation, its own.
enum AttentionPanels {
    /// How far ahead "about to expire" looks.
    static let window: TimeInterval = 30 * 86_400

    struct Expiring {
        var certificate: IssuedCertificate
        var software: SoftwareStatement?
        var organisation: Organisation?

        /// `certificates` with the software and organisation each belongs to, from the lists given.
        static func naming(_ certificates: [IssuedCertificate], software: [SoftwareStatement], organisations: [Organisation]) -> [Expiring]
        {
            let softwareByID = Dictionary(software.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let organisationsByID = Dictionary(organisations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return certificates.map {
                Expiring(certificate: $0, software: softwareByID[$0.softwareID], organisation: organisationsByID[$0.organisationID])
            }
        }
    }

    static func staff(
        organisations: [Organisation], software: [SoftwareStatement], expiring: [Expiring], refusals: [RecentRefusals.Refusal],
        into body: inout HTMLDocument
    ) {
        body.tag("<h2 id=\"glance\">At a glance</h2><p>")
        body.text(
            "Organisations: " + counts(organisations.map(\.status.rawValue)) + ". Software statements: "
                + counts(software.map(\.status.rawValue)) + ".")
        body.tag("</p>")
        certificates(expiring, showingOrganisation: true, into: &body)
        body.tag("<h3 id=\"refusals\">Recent refusals on this node</h3>")
        body.table(
            headings: ["At", "Status", "Request", "Why", "From"],
            rows: refusals.prefix(20).map { [Timestamp.format($0.at), String($0.status), $0.request, $0.detail, $0.remote] },
            empty: "None since this node started.")
    }

    static func organisation(expiring: [Expiring], into body: inout HTMLDocument) {
        guard !expiring.isEmpty else { return }
        certificates(expiring, showingOrganisation: false, into: &body)
    }

    private static func certificates(_ expiring: [Expiring], showingOrganisation: Bool, into body: inout HTMLDocument) {
        body.tag("<h3 id=\"expiring\">Certificates expiring within 30 days</h3>")
        let shown = expiring.prefix(50)
        body.table(
            headings: (showingOrganisation ? ["Organisation"] : []) + ["Software", "Purpose", "Serial number", "Expires"],
            rows: shown.map { item in
                (showingOrganisation ? [item.organisation?.legalName ?? item.certificate.organisationID] : [])
                    + [
                        item.software?.clientName ?? item.certificate.softwareID, item.certificate.purpose.rawValue, item.certificate.id,
                        Timestamp.format(item.certificate.notAfter),
                    ]
            }, empty: "None.",
            linking: { index in
                showingOrganisation
                    ? ["console", "organisations", shown[shown.startIndex + index].certificate.organisationID]
                    : [
                        "console", "organisations", shown[shown.startIndex + index].certificate.organisationID, "software",
                        shown[shown.startIndex + index].certificate.softwareID,
                    ]
            })
        if expiring.count > shown.count {
            body.tag("<p class=\"muted\">")
            body.text("and \(expiring.count - shown.count) more.")
            body.tag("</p>")
        }
    }

    /// "3 Active, 1 Pending": each status once, the largest count first, then by name.
    static func counts(_ statuses: [String]) -> String {
        guard !statuses.isEmpty else { return "none" }
        let tally = Dictionary(statuses.map { ($0, 1) }, uniquingKeysWith: +)
        return tally.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}
