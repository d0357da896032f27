import Directory
import Foundation

/// The pages people use to get in: signing in, accepting an invitation, and the link an inviter is
/// shown once. Every field has a label; a refusal is announced above the form it is about.
enum PeoplePages {
    static func signIn(directory: String, problem: String? = nil, notice: String? = nil) -> Data {
        var body = HTMLDocument()
        body.tag("<h1>Sign in</h1>")
        body.alert(problem)
        if let notice {
            body.tag("<p>")
            body.text(notice)
            body.tag("</p>")
        }
        body.form(posting: ["console", "sign-in"])
        body.field("E-mail", name: "email", type: "email", attributes: "autocomplete=\"username\" required maxlength=\"254\"")
        body.field(
            "Password", name: "password", type: "password", attributes: "autocomplete=\"current-password\" required maxlength=\"256\"")
        body.field(
            "Code from your authenticator app (if you set one up)", name: "code",
            attributes: "inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9 ]{6,8}\" maxlength=\"8\"")
        body.tag("<p><button type=\"submit\">Sign in</button></p></form>")

        body.tag("<h2>With an operator token</h2><p class=\"muted\">For automation and a directory's first start: paste an ")
        body.tag("operator API token (<code>registrar tokens create --operator</code>). It stays in this browser, in a cookie ")
        body.tag("sent only to the console.</p>")
        body.form(posting: ["console", "sign-in"])
        body.field("Operator token", name: "token", type: "password", attributes: "autocomplete=\"off\" required")
        body.tag("<p><button type=\"submit\">Sign in with the token</button></p></form><p>")
        body.link(path: ["console"], "← Participants")
        body.tag("</p>")
        return ConsolePage.render(title: "Sign in · \(directory)", body: body)
    }

    /// What a new person fills in to accept `invitation`: their name, a password, and an authenticator
    /// set up with `oneTimeSecret` (required for staff and administrators, offered to everyone).
    static func join(
        invitation: Invitation, secret: String, oneTimeSecret: [UInt8], name: String = "", problem: String? = nil, directory: String
    ) -> Data {
        var body = HTMLDocument()
        body.tag("<h1>Join ")
        body.text(directory)
        body.tag("</h1>")
        body.alert(problem)
        body.tag("<p>")
        body.text("You are invited as \(invitation.grants), signing in as \(invitation.email). ")
        body.text("This link works once, until \(Timestamp.format(invitation.expiresAt)).")
        body.tag("</p>")
        body.form(posting: ["console", "join"])
        body.hidden(name: "invitation", value: secret)
        body.hidden(name: "authenticator_secret", value: Base32.encode(oneTimeSecret))
        body.field("Your name", name: "name", attributes: "autocomplete=\"name\" required maxlength=\"128\"", value: name)
        body.field(
            "Password (12 characters or more)", name: "password", type: "password",
            attributes: "autocomplete=\"new-password\" required minlength=\"12\" maxlength=\"256\"")
        body.tag("<h2>Authenticator app</h2><p>")
        let needed = invitation.staffRole != nil || invitation.membership?.role == .administrator
        body.text(
            needed
                ? "Your role needs a second factor. Add this key to an authenticator app (time-based, 6 digits, 30 seconds):"
                : "Optional: add this key to an authenticator app (time-based, 6 digits, 30 seconds) to sign in with a code too:")
        body.tag("</p><p><code id=\"authenticator-key\">")
        body.text(groupsOfFour(Base32.encode(oneTimeSecret)))
        body.tag("</code></p><p class=\"muted\">Or as a link your app reads: <code>")
        body.text(OneTimePassword(secret: oneTimeSecret).provisioningURI(issuer: issuerName(directory), account: invitation.email))
        body.tag("</code></p>")
        if needed {
            body.field(
                "Code the app shows now", name: "code",
                attributes: "inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9 ]{6,8}\" maxlength=\"8\" required")
        } else {
            body.field(
                "Code the app shows now (leave empty to skip)", name: "code",
                attributes: "inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9 ]{6,8}\" maxlength=\"8\"")
        }
        body.tag("<p><button type=\"submit\">Join</button></p></form>")
        return ConsolePage.render(title: "Join · \(directory)", body: body)
    }

    /// An invitation for an address that already signs in here: accepted by that person, signed in.
    static func joinAsExisting(invitation: Invitation, secret: String, signedInAs: String?, directory: String) -> Data {
        var body = HTMLDocument()
        body.tag("<h1>Join</h1><p>")
        body.text("You are invited as \(invitation.grants).")
        body.tag("</p>")
        if signedInAs == invitation.email {
            body.form(posting: ["console", "join"])
            body.hidden(name: "invitation", value: secret)
            body.tag("<p><button type=\"submit\">Accept</button></p></form>")
        } else {
            body.tag("<p>")
            body.text("\(invitation.email) already signs in here: sign in as \(invitation.email), then open this link again.")
            body.tag("</p><p>")
            body.link(path: ["console", "sign-in"], "Sign in")
            body.tag("</p>")
        }
        return ConsolePage.render(title: "Join · \(directory)", body: body)
    }

    /// The link an inviter passes on, shown this once (only its hash is kept).
    static func invitationCreated(
        _ invitation: Invitation, link: String, returnTo: [String], directory: String, problem: String? = nil
    ) -> Data {
        shownOnce(
            title: "Invitation ready",
            sentence: (problem.map { $0 + " " } ?? "") + "Send this link to \(invitation.email). It makes them \(invitation.grants); "
                + "it works once, until \(Timestamp.format(invitation.expiresAt)), and is not shown again.", id: "invitation-link",
            value: link, returnTo: returnTo, directory: directory)
    }

    /// The invitation went by e-mail to the invited address, and only there.
    static func invitationSent(_ invitation: Invitation, returnTo: [String], directory: String) -> Data {
        var body = HTMLDocument()
        body.tag("<h1>Invitation sent</h1><p id=\"invitation-sent\">")
        body.text(
            "An e-mail with the link went to \(invitation.email). It makes them \(invitation.grants); it works once, until "
                + "\(Timestamp.format(invitation.expiresAt)).")
        body.tag("</p><p>")
        body.link(path: returnTo, "← Back")
        body.tag("</p>")
        return ConsolePage.render(title: "Invitation sent · \(directory)", body: body)
    }

    /// A new API token's secret, shown this once.
    static func tokenCreated(_ token: APIToken, secret: String, returnTo: [String], directory: String) -> Data {
        shownOnce(
            title: "Token created",
            sentence: "“\(token.label)”: copy the secret now; it is not shown again. Use it as Authorization: Bearer ….",
            id: "token-secret", value: secret, returnTo: returnTo, directory: directory)
    }

    /// A page showing a secret its only time: a sentence, the value in an element `id` names (tests and
    /// people copy it from there), and the way back.
    private static func shownOnce(
        title: StaticString, sentence: String, id: StaticString, value: String, returnTo: [String], directory: String
    ) -> Data {
        var body = HTMLDocument()
        body.tag("<h1>")
        body.tag(title)
        body.tag("</h1><p>")
        body.text(sentence)
        body.tag("</p><p><code id=\"")
        body.tag(id)
        body.tag("\">")
        body.text(value)
        body.tag("</code></p><p>")
        body.link(path: returnTo, "← Back")
        body.tag("</p>")
        return ConsolePage.render(title: "\(title) · \(directory)", body: body)
    }

    static func notFound(_ detail: String, directory: String) -> Data {
        var body = HTMLDocument()
        body.tag("<h1>Not found</h1>")
        body.alert(detail)
        body.tag("<p>")
        body.link(path: ["console"], "← Participants")
        body.tag("</p>")
        return ConsolePage.render(title: "Not found · \(directory)", body: body)
    }

    /// The directory's host, as authenticator apps label the account.
    static func issuerName(_ directory: String) -> String {
        URLComponents(string: directory)?.host ?? "Registrar"
    }

    private static func groupsOfFour(_ text: String) -> String {
        var groups: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }
}
