import ChildProcess
import Directory
import Foundation
import Mail
import Testing

@testable import RegistrarServer

/// A real SMTP server (Tests/Witnesses/smtp_receiver.py, aiosmtpd) on a free port, keeping what it
/// receives in a folder; stopped when `body` ends.
struct SMTPReceiver {
    let port: Int
    let folder: URL

    static func run(
        auth: String? = nil, tls: (certificate: String, key: String)? = nil, _ body: (SMTPReceiver) async throws -> Void
    ) async throws {
        guard let python = Witness.python else { throw Witness.WitnessUnavailable(what: "REGISTRAR_TEST_PYTHON is not set") }
        let receiver = SMTPReceiver(port: try FreePort.loopback(), folder: try TestStores.temporaryFolder())
        var arguments = [
            Witness.packageRoot.appending(path: "Tests/Witnesses/smtp_receiver.py").path, String(receiver.port), receiver.folder.path,
        ]
        if let auth { arguments += ["--auth", auth] }
        if let tls { arguments += ["--tls", tls.certificate, tls.key] }
        let process = try await ChildProcess.start(python, arguments)
        defer { process.terminate() }
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: receiver.folder.appending(path: "ready").path) {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await body(receiver)
    }

    struct Message {
        var raw: String

        func header(_ name: String) -> String? {
            let head = raw.components(separatedBy: "\r\n\r\n").first ?? ""
            return head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ": ") }
                .map { String($0.dropFirst(name.count + 2)) }
        }

        /// The text body, from its base64 transfer encoding.
        var body: String {
            let encoded = raw.components(separatedBy: "\r\n\r\n").dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
            return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    func messages() throws -> [Message] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }.sorted().map {
            Message(raw: try String(contentsOf: folder.appending(path: $0), encoding: .utf8))
        }
    }
}

@Suite(witnessesAvailable) struct MailTests: ConsoleDriving {
    let people = PeopleConsoleTests()

    @Test func anInvitationGoesByEmailOnlyAndItsLinkLetsThePersonJoin() async throws {
        try await SMTPReceiver.run(auth: "registrar:s3cret") { receiver in
            let settings = try MailSettings(url: "smtp://registrar:s3cret@127.0.0.1:\(receiver.port)", from: "registrar@directory.example")
            try await LiveDirectory.run(configure: { $0.mail = settings }) { live in
                let (staff, _) = try await people.signedIn(live, "ana@directory.example", staff: .operator)
                let opened = try await post(
                    live, "/console/operator/applications",
                    [("legal_name", "Ben's Budgeting"), ("country", "GB"), ("email", "ben@tpp.example")], cookie: staff)
                #expect(opened.status == .ok && opened.text.contains("id=\"invitation-sent\""), "\(opened.text)")
                #expect(!opened.text.contains("rgi_"), "the link goes to the invited address only")

                let mail = try #require(try receiver.messages().first)
                #expect(mail.header("X-Envelope-From") == "registrar@directory.example")
                #expect(mail.header("X-Envelope-To") == "ben@tpp.example" && mail.header("To") == "ben@tpp.example")
                #expect(mail.header("Subject") == "Your invitation to the directory at 127.0.0.1")
                #expect(mail.body.contains("Administrator of Ben's Budgeting"), "\(mail.body)")
                let secret = try #require(mail.body.firstMatch(of: /invitation=(rgi_[A-Za-z0-9_-]+)/)?.1)
                let (joined, _) = try await people.join(live, secret: String(secret))
                #expect(joined.status == .seeOther, "the e-mailed link works")

                // Through the API the answer says it was sent, and carries no link.
                let api = try await live.request(
                    .post, "/applications", token: live.credentials.operatorToken,
                    body: Data(#"{"legalName":"Cleo Cards","country":"GB","applicantEmail":"cleo@cards.example"}"#.utf8))
                let answer = try api.object()
                #expect(answer["invitationSent"] as? Bool == true && answer["invitationLink"] == nil)
                #expect(try receiver.messages().count == 2)
            }
        }
    }

    @Test func aRefusedOrUnreachableMailServerLeavesTheLinkWithTheInviter() async throws {
        try await SMTPReceiver.run(auth: "registrar:s3cret") { receiver in
            let wrong = try MailSettings(url: "smtp://registrar:guess@127.0.0.1:\(receiver.port)", from: "registrar@directory.example")
            try await LiveDirectory.run(configure: { $0.mail = wrong }) { live in
                let (staff, _) = try await people.signedIn(live, "ana@directory.example", staff: .administrator)
                let invited = try await post(
                    live, "/console/operator/invitations", [("email", "eve@directory.example"), ("staff_role", "Auditor")], cookie: staff)
                #expect(invited.status == .ok && invited.text.contains("id=\"invitation-link\""))
                #expect(invited.text.contains("The e-mail could not be sent (the mail server refused AUTH PLAIN: 535"), "\(invited.text)")
                #expect(try receiver.messages().isEmpty)
            }
        }
        let nobody = try MailSettings(url: "smtp://127.0.0.1:\(try FreePort.loopback())", from: "registrar@directory.example")
        try await LiveDirectory.run(configure: { $0.mail = nobody }) { live in
            let api = try await live.request(
                .post, "/applications", token: live.credentials.operatorToken,
                body: Data(#"{"legalName":"Cleo Cards","country":"GB","applicantEmail":"cleo@cards.example"}"#.utf8))
            let answer = try api.object()
            #expect(api.status == .created && answer["invitationSent"] as? Bool == false)
            #expect((answer["invitationLink"] as? String)?.contains("invitation=rgi_") == true)
        }
    }

    @Test func startTLSProtectsThePasswordAndTheServerMustProveItsName() async throws {
        let openssl = try OpenSSLCommand()
        try await openssl.require([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", openssl.path("mail.key"), "-out", openssl.path("mail.pem"),
        ])
        try await SMTPReceiver.run(auth: "registrar:s3cret", tls: (openssl.path("mail.pem"), openssl.path("mail.key"))) { receiver in
            let url = "smtp+starttls://registrar:s3cret@127.0.0.1:\(receiver.port)"
            let trusted = try SMTPMailer(
                settings: MailSettings(url: url, from: "registrar@directory.example", trustRootsFile: openssl.path("mail.pem")))
            try await trusted.send(MailMessage(to: "ben@tpp.example", subject: "Über TLS", body: "line one\n.\nline three"))
            let mail = try #require(try receiver.messages().first)
            #expect(mail.header("Subject") == "=?utf-8?B?w5xiZXIgVExT?=")
            #expect(mail.body == "line one\r\n.\r\nline three", "a lone dot survives: the body is base64")

            let untrusted = try SMTPMailer(settings: MailSettings(url: url, from: "registrar@directory.example"))
            let unverified = await #expect(throws: MailFailure.self) {
                try await untrusted.send(MailMessage(to: "ben@tpp.example", subject: "x", body: "x"))
            }
            #expect(unverified?.description.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(String(describing: unverified))")
            let plain = try SMTPMailer(
                settings: MailSettings(url: "smtp://127.0.0.1:\(receiver.port)", from: "registrar@directory.example"))
            let cleartext = await #expect(throws: MailFailure.self, "the server requires STARTTLS first") {
                try await plain.send(MailMessage(to: "ben@tpp.example", subject: "x", body: "x"))
            }
            #expect(cleartext?.description.contains("530") == true, "\(String(describing: cleartext))")
            #expect(try receiver.messages().count == 1)
        }
    }

    /// A server (or a man in the middle) that sends a reply behind its STARTTLS 220, in clear text, would
    /// have it read as if it came over TLS: the client refuses instead.
    @Test func clearTextAfterStartTLSIsRefused() async throws {
        let python = try #require(Witness.python)
        let port = try FreePort.loopback()
        let folder = try TestStores.temporaryFolder()
        let server = try await ChildProcess.start(
            python,
            [
                "-c",
                """
                import socket, sys, time
                listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", int(sys.argv[1]))); listener.listen(1)
                open(sys.argv[2] + "/ready", "w").close()
                client, _ = listener.accept(); lines = client.makefile("rb")
                client.sendall(b"220 fake\\r\\n"); lines.readline()
                client.sendall(b"250-fake\\r\\n250 STARTTLS\\r\\n"); lines.readline()
                client.sendall(b"220 go ahead\\r\\n250 injected\\r\\n"); time.sleep(10)
                """, String(port), folder.path,
            ])
        defer { server.terminate() }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: folder.appending(path: "ready").path) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let mailer = try SMTPMailer(settings: MailSettings(url: "smtp+starttls://127.0.0.1:\(port)", from: "registrar@directory.example"))
        let refused = await #expect(throws: MailFailure.self) {
            try await mailer.send(MailMessage(to: "ben@tpp.example", subject: "x", body: "x"))
        }
        #expect(
            refused == .refused(command: "STARTTLS", reply: "clear-text data followed the server's 220"), "\(String(describing: refused))")
    }

    @Test func technicalContactsHearOfAnExpiringCertificateOnceAtThirtyAndOnceAtSevenDays() async throws {
        try await SMTPReceiver.run { receiver in
            let settings = try MailSettings(url: "smtp://127.0.0.1:\(receiver.port)", from: "registrar@directory.example")
            try await LiveDirectory.run(configure: { $0.mail = settings }) { live in
                let provider = live.credentials.providerOrganisationID
                let software = live.credentials.softwareStatementID
                _ = try await people.signedIn(live, "tia@tpp.example", to: Membership(organisationID: provider, role: .technicalContact))
                _ = try await people.signedIn(live, "ada@tpp.example", to: Membership(organisationID: provider, role: .administrator))
                let organisation = try await live.runtime.directory.organisation(provider)
                var data = NewOrganisation(
                    legalName: organisation.legalName, registrationNumber: organisation.registrationNumber, country: organisation.country,
                    contacts: [Contact(type: "Technical", name: "Ops desk", email: "ops@tpp.example")],
                    authorityClaims: organisation.authorityClaims)
                data.status = nil
                try await live.runtime.directory.updateOrganisation(provider, data, by: .system)
                let openssl = try OpenSSLCommand()
                let issued = try await live.runtime.certificates.issue(
                    csrPEM: try await openssl.makeCSR(name: "expiring", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
                    purpose: .transport, softwareID: software, organisationID: provider, by: .system)

                let notices = CertificateExpiryNotices(runtime: live.runtime)
                let day: TimeInterval = 86_400
                #expect(try await notices.sweep(at: issued.notAfter - 40 * day) == 0, "not yet")
                #expect(try await notices.sweep(at: issued.notAfter - 20 * day) == 2, "the technical contacts, not the administrator")
                #expect(try await notices.sweep(at: issued.notAfter - 19 * day) == 0, "once per threshold")
                #expect(try await notices.sweep(at: issued.notAfter - 5 * day) == 2)
                #expect(try await notices.sweep(at: issued.notAfter - 4 * day) == 0)
                #expect(try await notices.sweep(at: issued.notAfter + day) == 0, "expired is past telling")

                let mails = try receiver.messages()
                #expect(Set(mails.compactMap { $0.header("To") }) == ["tia@tpp.example", "ops@tpp.example"])
                #expect(mails.map { $0.header("Subject") ?? "" }.filter { $0.hasSuffix("expires in 20 days") }.count == 2)
                #expect(mails.map { $0.header("Subject") ?? "" }.filter { $0.hasSuffix("expires in 5 days") }.count == 2)
                #expect(
                    mails[0].body.contains(issued.id) && mails[0].body.contains("/console/organisations/\(provider)/software/\(software)"))
                let events = try await live.runtime.store.auditEvents(afterID: 0, limit: 1000)
                #expect(events.filter { $0.action == "certificate.expiry-notice" }.count == 2)
            }
        }
    }
}

@Suite struct MailSettingsTests {
    @Test func theURLNamesTheServerAndHowItIsReached() throws {
        let submission = try MailSettings(url: "smtp+starttls://reg%40istrar:p%3Ass@mail.example", from: "registrar@directory.example")
        #expect(submission.security == .startTLS && submission.port == 587 && submission.host == "mail.example")
        #expect(submission.username == "reg@istrar" && submission.password == "p:ss")
        #expect(submission.redacted == "smtp+starttls://reg@istrar:***@mail.example:587")
        #expect(try MailSettings(url: "smtps://mail.example", from: "a@b.example").port == 465)
        #expect(try MailSettings(url: "smtp://127.0.0.1:2525", from: "a@b.example").security == .none)
    }

    @Test(arguments: [
        "http://mail.example", "smtp://", "smtp://user:password@mail.example", "smtp://mail.example/path", "smtps://mail.example?x=1",
    ])
    func refusedURLsSayWhy(_ url: String) {
        #expect(throws: MailSettings.Invalid.self) { try MailSettings(url: url, from: "registrar@directory.example") }
    }

    @Test(arguments: ["registrar", "a@b", "<a@b.example>", "a@b.example\r\nRCPT TO:<x@y.example>", "a b@c.example"])
    func addressesCannotAddToTheConversation(_ address: String) {
        #expect(throws: MailSettings.Invalid.self) { try MailAddress.require(address, field: "the recipient") }
        #expect(throws: MailSettings.Invalid.self) {
            try MailMessage(to: address, subject: "x", body: "x").rendered(from: "a@b.example", at: Date(), messageID: "1@x")
        }
    }

    @Test func aSubjectIsOneLine() {
        #expect(throws: MailSettings.Invalid.self) {
            try MailMessage(to: "a@b.example", subject: "x\r\nBcc: c@d.example", body: "x").rendered(
                from: "a@b.example", at: Date(), messageID: "1@x")
        }
    }
}
