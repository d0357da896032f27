import Directory
import Foundation
import HTTPTypes
import Hummingbird

/// How people and operators sign in to the console. The cookie holds either a person's session secret
/// (`rgs_…`: e-mail, password and TOTP code, a server-side `SignInSession` every node honours) or, as
/// a way in for automation and first start, an operator API token (`rgr_…`, nothing kept on the
/// server). Either way it is a cookie only the browser holds (`HttpOnly`), sent only to the console's
/// own paths (`Path=/console`) and only from its own pages (`SameSite=Strict`).
///
/// The API never reads this cookie: API calls authenticate with `Authorization` alone, so a page
/// elsewhere cannot make a browser act on the API with it. Forms that change anything are refused unless
/// they come from this server's own origin (`isSameOrigin`), on top of `SameSite`.
enum ConsoleSession {
    static let cookieName = "registrar_console"
    /// A working day for an operator token; signing in again costs one paste.
    static let lifetime = 8 * 3600

    /// Who this request's cookie signs in, or nil (no cookie, an ended session, or a token that is not
    /// an operator's).
    static func signedIn(_ request: Request, runtime: DirectoryRuntime) async throws -> Caller? {
        guard let value = cookie(named: cookieName, in: request.headers[values: .cookie]), isTokenShaped(value) else { return nil }
        if value.hasPrefix(sessionPrefix) { return try await runtime.signIn.caller(forSession: value).map { .person($0.caller) } }
        return try await operatorCaller(token: value, runtime: runtime)
    }

    /// Who may open the operator's pages: operators' tokens and directory staff (auditors read them).
    static func signedInOperator(_ request: Request, runtime: DirectoryRuntime) async throws -> Caller? {
        guard let caller = try await signedIn(request, runtime: runtime), caller.permits(.readDirectory) else { return nil }
        return caller
    }

    static let sessionPrefix = "rgs_"

    /// The session secret this request's cookie holds, if it holds one.
    static func sessionSecret(_ request: Request) -> String? {
        guard let value = cookie(named: cookieName, in: request.headers[values: .cookie]), value.hasPrefix(sessionPrefix),
            isTokenShaped(value)
        else { return nil }
        return value
    }

    /// An operator caller for `token`, or nil: organisation and client tokens do not open the console.
    static func operatorCaller(token: String, runtime: DirectoryRuntime) async throws -> Caller? {
        guard isTokenShaped(token), let caller = try await runtime.authenticate(bearer: token), case .operator = caller else { return nil }
        return caller
    }

    /// `Set-Cookie` (RFC 6265 §4.1) that signs the browser in; `Secure` whenever the public URL is https.
    static func signInCookie(token: String, runtime: DirectoryRuntime) -> String {
        let maxAge = token.hasPrefix(sessionPrefix) ? Int(SignInSession.absoluteTimeout) : lifetime
        return "\(cookieName)=\(token); Path=/console; Max-Age=\(maxAge); HttpOnly; SameSite=Strict\(secureAttribute(runtime))"
    }

    static func signOutCookie(runtime: DirectoryRuntime) -> String {
        "\(cookieName)=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict\(secureAttribute(runtime))"
    }

    private static func secureAttribute(_ runtime: DirectoryRuntime) -> String {
        runtime.configuration.publicURL.lowercased().hasPrefix("https://") ? "; Secure" : ""
    }

    /// A form post must come from a page of this server: its `Origin` (RFC 6454) is the public URL's,
    /// or, from a browser that sends none or `null`, `Sec-Fetch-Site` says same-origin.
    ///
    /// Browsers send `Origin: null` for a form post from a page whose `Referrer-Policy` is `no-referrer`
    /// (Fetch §3.1, "serializing a request origin"), which every console page's is: then the
    /// `Sec-Fetch-Site` the browser sets, and no page can forge, decides.
    static func isSameOrigin(_ request: Request, runtime: DirectoryRuntime) -> Bool {
        if let origin = request.headers[HTTPField.Name("Origin")!], origin != "null" {
            return origin.lowercased() == Self.origin(of: runtime.configuration.publicURL)
        }
        return request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "same-origin"
    }

    /// `scheme://host[:port]` of a URL, lower-cased, the default port left out.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased()
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        return "\(scheme)://\(host)" + (components.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
    }

    /// The value of one cookie among `Cookie` header lines (RFC 6265 §5.4), as Hummingbird reads them.
    static func cookie(named name: String, in headers: [String]) -> String? {
        Cookies(from: headers)[name]?.value
    }

    /// One field of an `application/x-www-form-urlencoded` body (the HTML form's encoding); the first
    /// when it is sent twice.
    static func formField(_ name: String, in body: Data) -> String? {
        FormEncoding.pairs(body)?.first { $0.name == name }?.value
    }

    /// API token secrets are short runs of letters, digits, `_` and `-`: anything else is not one, and is
    /// never written into a `Set-Cookie` header.
    static func isTokenShaped(_ token: String) -> Bool {
        !token.isEmpty && token.utf8.count <= 256
            && token.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}

extension Caller {
    /// How the console names whoever is signed in: a person by their e-mail, a token by its audit name.
    var consoleName: String {
        if case .person(let person) = self { return person.email }
        return auditName
    }
}

/// A posted `application/x-www-form-urlencoded` body; `form("name")` is one field's value.
struct ConsoleForm: Sendable {
    let body: Data

    func callAsFunction(_ name: String) -> String? { ConsoleSession.formField(name, in: body) }

    /// A field left empty is no value: optional details stay absent instead of becoming "".
    func optional(_ name: String) -> String? {
        guard let value = self(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every value sent under `name` (ticked checkboxes).
    func all(_ name: String) -> [String] { FormEncoding.pairs(body)?.filter { $0.name == name }.map(\.value) ?? [] }

    /// One entry per non-empty line (a text area of URIs).
    func lines(_ name: String) -> [String] {
        (self(name) ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
