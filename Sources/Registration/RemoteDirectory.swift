import Directory
import Foundation
import Keys
import OutboundFetch

/// A directory on the network whose SSAs this registration endpoint accepts: the `iss` its SSAs carry,
/// its JWKS URL and, optionally, a status list that says which software statements are still Active.
public struct RemoteDirectory: Sendable, Equatable {
    public var issuer: String
    public var jwksURL: String
    /// A Registrar `/status/software-statements` document or the CDR Register's software product
    /// status list. Without one, the SSA's signature and freshness are all that is checked.
    public var statusURL: String?

    public init(issuer: String, jwksURL: String, statusURL: String? = nil) {
        self.issuer = issuer
        self.jwksURL = jwksURL
        self.statusURL = statusURL
    }

    /// `ISSUER=JWKS_URL` or `ISSUER=JWKS_URL,STATUS_URL`, as the command line gives it. The issuer may
    /// itself contain `=`; the JWKS URL starts at the first `=https://`.
    public static func parse(_ text: String) throws -> RemoteDirectory {
        guard let separator = text.range(of: "=https://") else {
            throw DirectoryError.invalidInput("a trusted SSA issuer is ISSUER=JWKS_URL[,STATUS_URL] with https URLs: \(text.prefix(200))")
        }
        let issuer = String(text[..<separator.lowerBound])
        let urls = text[text.index(after: separator.lowerBound)...].split(separator: ",", maxSplits: 1).map(String.init)
        guard !issuer.isEmpty, urls.allSatisfy({ $0.hasPrefix("https://") && URLComponents(string: $0)?.host?.isEmpty == false }) else {
            throw DirectoryError.invalidInput("a trusted SSA issuer is ISSUER=JWKS_URL[,STATUS_URL] with https URLs: \(text.prefix(200))")
        }
        return RemoteDirectory(issuer: issuer, jwksURL: urls[0], statusURL: urls.count > 1 ? urls[1] : nil)
    }

    /// The hosts fetches may reach by default: the directory's keystore (where, in every ecosystem
    /// here, the software statements' JWKS live too) and its status list.
    public var hosts: Set<String> {
        Set([jwksURL, statusURL].compactMap { $0.flatMap { URLComponents(string: $0)?.host?.lowercased() } })
    }
}

/// Which software statements a status list names Active. Reads Registrar's own list
/// (`{"data":[{"softwareStatementId","status"}]}`) and the CDR Register's (`softwareProductId` and
/// `softwareProductStatus`, in `data` or `softwareProductStatusList`).
public struct SoftwareStatusList: Sendable, Equatable {
    public var active: Set<String>
    public var listed: Set<String>

    public static func parse(_ body: Data) throws -> SoftwareStatusList {
        guard let root = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let entries = (root["data"] ?? root["softwareProductStatusList"]) as? [[String: Any]]
        else { throw RemoteDocumentError.notA("software status list") }
        var list = SoftwareStatusList(active: [], listed: [])
        for entry in entries {
            guard let id = (entry["softwareStatementId"] ?? entry["softwareProductId"]) as? String,
                let status = (entry["status"] ?? entry["softwareProductStatus"]) as? String
            else { continue }
            list.listed.insert(id)
            if status.uppercased() == "ACTIVE" { list.active.insert(id) }
        }
        return list
    }
}

/// The directories a registration endpoint trusts, local and remote, as the checks consult them: SSA
/// issuers' keys, software JWKS and statuses. Keystore URLs under the local directory's public URL are
/// read from its store; others are fetched under the fetch policy and cached.
public struct TrustedDirectories: SoftwareKeystoreSource, ParticipantStatusSource {
    let local: LocalDirectorySource?
    let localIssuer: String?
    let remote: [RemoteDirectory]
    let keySets: RemoteDocumentCache<JSONWebKeySet>?
    let statusLists: RemoteDocumentCache<SoftwareStatusList>?

    /// `local` with its issuer when this deployment runs a directory; `fetcher` when any keystore or
    /// status is remote.
    public init(
        local: (source: LocalDirectorySource, issuer: String, keys: @Sendable () async throws -> JSONWebKeySet)?, remote: [RemoteDirectory],
        fetcher: OutboundFetcher?
    ) {
        let keySets = fetcher.map { RemoteDocumentCache.keySets(fetcher: $0) }
        self.local = local?.source
        self.localIssuer = local?.issuer
        self.remote = remote
        self.keySets = keySets
        self.statusLists = fetcher.map {
            RemoteDocumentCache(fetcher: $0, timing: .statuses, accept: "application/json", parse: SoftwareStatusList.parse)
        }
        var issuers = remote.map { directory in
            TrustedDirectory(issuer: directory.issuer) { kid in
                try await Self.fetchKeys(directory.jwksURL, kid: kid, from: keySets, purpose: "the signing keys of \(directory.issuer)")
            }
        }
        if let local {
            issuers.insert(TrustedDirectory(issuer: local.issuer) { kid in try await local.keys().candidates(forKID: kid) }, at: 0)
        }
        self.issuers = issuers
    }

    public let issuers: [TrustedDirectory]

    public func keys(at url: String, kid: String?) async throws -> [JSONWebKey] {
        if let local, local.serves(url) { return try await local.keys(at: url, kid: kid) }
        return try await Self.fetchKeys(url, kid: kid, from: keySets, purpose: "the software JWKS")
    }

    public func isActive(softwareID: String, organisationID: String?, issuer: String) async throws -> Bool {
        if let local, issuer == localIssuer {
            return try await local.isActive(softwareID: softwareID, organisationID: organisationID, issuer: issuer)
        }
        guard let directory = remote.first(where: { $0.issuer == issuer }) else { return false }
        guard let url = directory.statusURL else { return true }
        guard let statusLists else { return false }
        do {
            return try await statusLists.document(at: url).active.contains(softwareID)
        } catch {
            throw OAuthError.unapprovedSoftwareStatement(
                "the status of software \(softwareID.prefix(64)) could not be read at \(issuer): \(error)")
        }
    }

    static func fetchKeys(_ url: String, kid: String?, from cache: RemoteDocumentCache<JSONWebKeySet>?, purpose: String) async throws
        -> [JSONWebKey]
    {
        guard let cache else {
            throw OAuthError.invalidSoftwareStatement("\(purpose) at \(url.prefix(200)) is not on this server, which fetches nothing")
        }
        do {
            return try await cache.keys(at: url, kid: kid)
        } catch {
            throw OAuthError.invalidSoftwareStatement("\(purpose) could not be fetched: \(error)")
        }
    }
}
