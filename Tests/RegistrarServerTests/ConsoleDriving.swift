import Foundation

/// What a suite driving the console's pages does as a signed-in browser: post a form from this
/// server's origin with the session cookie, and fetch a page with it.
protocol ConsoleDriving {
    var people: PeopleConsoleTests { get }
}

extension ConsoleDriving {
    var console: OperatorConsoleTests { people.console }

    func post(_ live: LiveDirectory, _ path: String, _ form: [(String, String)], cookie: String) async throws -> LiveDirectory.Reply {
        try await console.post(live, path, form: form, cookie: cookie)
    }

    func page(_ live: LiveDirectory, _ path: String, cookie: String) async throws -> LiveDirectory.Reply {
        try await live.get(path, headers: console.withCookie(cookie))
    }
}
