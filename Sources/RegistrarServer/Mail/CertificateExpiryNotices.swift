import Directory
import Foundation
import ServiceLifecycle

/// E-mails the technical contacts of software whose directory-issued certificate expires within 30
/// days, and again within 7. Each notice is claimed in the store's used values before it is sent, so
/// that every node may look and only one sends; a notice whose e-mail then fails is not sent again
/// (the next threshold's is), and the failure is logged and counted.
struct CertificateExpiryNotices: Service {
    let runtime: DirectoryRuntime

    /// Days before expiry at which a notice is due, latest first.
    static let thresholds = [7, 30]

    func run() async throws {
        // A service that returns ends the server's whole service group: without mail, it waits for the end.
        guard runtime.mail.mailer != nil else { return try await gracefulShutdown() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await sweep(at: Date()) } catch {
                    runtime.logger.warning("certificate-expiry notices not looked for", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: runtime.configuration.expiryNoticeInterval)
            }
        }
    }

    /// The threshold whose notice is due for a certificate valid until `notAfter`: the smallest one it
    /// is within, nil when it is further away than the largest or already expired.
    static func threshold(notAfter: Date, at now: Date) -> Int? {
        let remaining = notAfter.timeIntervalSince(now)
        guard remaining > 0 else { return nil }
        return thresholds.first { remaining <= TimeInterval($0) * 86_400 }
    }

    /// Sends the notices due at `now`; answers how many e-mails went out.
    @discardableResult
    func sweep(at now: Date) async throws -> Int {
        var sent = 0
        var everyone: [Person]?
        for stored in try await runtime.store.records(IssuedCertificate.self) where stored.record.status == .active {
            let certificate = stored.record
            guard let days = Self.threshold(notAfter: certificate.notAfter, at: now),
                let (organisation, software) = try await runtime.directory.participant(ofSoftware: certificate.softwareID),
                organisation.status.isPublished
            else { continue }
            // People are read once a sweep, and only when a notice is due.
            if everyone == nil { everyone = try await runtime.people.people(for: .system) }
            let recipients = Self.technicalContacts(of: organisation, among: everyone ?? [])
            guard !recipients.isEmpty, try await claim(certificate, days: days, at: now) else { continue }
            for address in recipients
            where await runtime.mail.expiryNotice(certificate, software: software, organisation: organisation, to: address, at: now)
                == .sent
            {
                sent += 1
            }
        }
        return sent
    }

    /// Members whose role is technical contact, and the organisation's Technical contact address.
    static func technicalContacts(of organisation: Organisation, among people: [Person]) -> [String] {
        let members = people.filter { $0.status == .active && $0.role(in: organisation.id) == .technicalContact }.map(\.email)
        let listed = organisation.contacts.filter { $0.type == "Technical" }.compactMap {
            $0.email.flatMap { try? EmailAddress.normalised($0) }
        }
        var seen = Set<String>()
        return (members + listed).filter { seen.insert($0).inserted }
    }

    /// Whether this node is the one to send this notice (every node may look; the store lets one claim it).
    private func claim(_ certificate: IssuedCertificate, days: Int, at now: Date) async throws -> Bool {
        var changes = ChangeSet(actor: "system", at: now)
        changes.claimFirstUse(
            .init(value: "certificate-expiry:\(certificate.id):\(days)", expiresAt: certificate.notAfter.addingTimeInterval(86_400)))
        changes.audit("certificate.expiry-notice", subject: certificate, before: nil, after: certificate)
        do {
            try await runtime.store.apply(changes)
            return true
        } catch StoreError.alreadyUsed {
            return false
        }
    }
}
