import Directory
import Foundation
import Logging
import Mail

/// What the directory e-mails people: invitation links and certificate-expiry notices. Without SMTP
/// settings nothing is sent and callers show an invitation link to the inviter instead.
struct DirectoryMail: Sendable {
    let mailer: SMTPMailer?
    let directoryURL: String
    let logger: Logger

    init(configuration: ServerConfiguration, logger: Logger) throws {
        directoryURL = configuration.publicURL
        self.logger = logger
        mailer = try configuration.mail.map {
            try SMTPMailer(settings: $0, clientName: URLComponents(string: configuration.publicURL)?.host ?? "registrar")
        }
    }

    enum Delivery: Equatable {
        case sent
        case notConfigured
        case failed(String)
    }

    /// The invitation's link, to the invited address only. `what` says what it makes them, in words.
    func invitation(_ invitation: Invitation, link: String, what: String) async -> Delivery {
        await send(
            MailMessage(
                to: invitation.email, subject: "Your invitation to the directory at \(host)",
                body: """
                    You have been invited to the directory at \(directoryURL): \(what).

                    Accept the invitation here. The link works once, until \(Timestamp.format(invitation.expiresAt)):
                    \(link)

                    If you did not expect this, ignore this message: nothing happens unless the link is opened.
                    """), kind: "invitation")
    }

    /// A certificate the directory issued expires in `days` days or fewer.
    func expiryNotice(
        _ certificate: IssuedCertificate, software: SoftwareStatement, organisation: Organisation, to address: String, at now: Date
    ) async -> Delivery {
        let page = "\(directoryURL)/console/organisations/\(organisation.id)/software/\(software.id)#certificates"
        let days = max(0, Int(certificate.notAfter.timeIntervalSince(now) / 86_400))
        return await send(
            MailMessage(
                to: address, subject: "A \(certificate.purpose.rawValue) certificate of \(software.clientName) expires in \(days) days",
                body: """
                    The \(certificate.purpose.rawValue) certificate \(certificate.id) that the directory at \(directoryURL)
                    issued to \(software.clientName) (\(organisation.legalName)) expires at \(Timestamp.format(certificate.notAfter)).

                    Request a new one from a new key before then, and configure it where the software uses it:
                    \(page)

                    You receive this as a technical contact of \(organisation.legalName).
                    """), kind: "certificate-expiry")
    }

    private var host: String { URLComponents(string: directoryURL)?.host ?? directoryURL }

    private func send(_ message: MailMessage, kind: String) async -> Delivery {
        guard let mailer else { return .notConfigured }
        do {
            try await mailer.send(message)
            RegistrarMetrics.mailSent(kind).increment()
            return .sent
        } catch {
            RegistrarMetrics.mailFailed(kind).increment()
            logger.warning("e-mail not sent", metadata: ["kind": "\(kind)", "error": "\(error)"])
            return .failed("\(error)")
        }
    }
}
