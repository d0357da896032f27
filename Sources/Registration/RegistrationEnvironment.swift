import Directory
import Foundation
import Keys
import Synchronization

/// A directory whose SSAs this registration endpoint accepts: the `iss` its SSAs carry and where its
/// signing keys come from (the local directory's keyring, or a remote directory's JWKS).
public struct TrustedDirectory: Sendable {
    public var issuer: String
    /// The keys that may have signed a JWS naming `kid` (nil: all of them).
    public var keys: @Sendable (_ kid: String?) async throws -> [JSONWebKey]

    public init(issuer: String, keys: @escaping @Sendable (_ kid: String?) async throws -> [JSONWebKey]) {
        self.issuer = issuer
        self.keys = keys
    }
}

/// Where a software statement's signing keys are published (the SSA's `software_jwks_endpoint`).
public protocol SoftwareKeystoreSource: Sendable {
    /// The active keys at `url` that may have signed a JWS naming `kid`; throws `OAuthError` saying
    /// why they cannot be had.
    func keys(at url: String, kid: String?) async throws -> [JSONWebKey]
}

/// Whether a directory still lists a software statement and its organisation as Active.
public protocol ParticipantStatusSource: Sendable {
    func isActive(softwareID: String, organisationID: String?, issuer: String) async throws -> Bool
}

/// What the checks consult outside the request: trusted issuers, keystores, statuses, and the replay
/// store for request-JWT `jti`s.
public struct RegistrationEnvironment: Sendable {
    public var issuers: [TrustedDirectory]
    public var keystores: any SoftwareKeystoreSource
    public var statuses: any ParticipantStatusSource
    public var store: any DirectoryStore

    public init(
        issuers: [TrustedDirectory], keystores: any SoftwareKeystoreSource, statuses: any ParticipantStatusSource, store: any DirectoryStore
    ) {
        self.issuers = issuers
        self.keystores = keystores
        self.statuses = statuses
        self.store = store
    }
}

/// The local directory as keystore and status source, for a registration role in the same deployment
/// (the sandbox runs both): keystore URLs under the directory's own public URL are read from its store.
/// Given the directory's revision, answers are kept until it moves (a registration reads the same
/// software's keys and status as the one before it).
public struct LocalDirectorySource: SoftwareKeystoreSource, ParticipantStatusSource {
    let views: PublishedViews
    let directory: ParticipantDirectory
    let urls: KeystoreURLs
    let revision: (@Sendable () -> Int64)?
    let keySets = RevisionScopedCache<JSONWebKeySet>(capacity: 4096)
    let statuses = RevisionScopedCache<(organisationID: String, active: Bool)?>(capacity: 4096)

    public init(store: any DirectoryStore, keystore: KeystoreURLs, revision: (@Sendable () -> Int64)? = nil) {
        self.directory = ParticipantDirectory(store: store)
        self.views = PublishedViews(store: store)
        self.urls = keystore
        self.revision = revision
    }

    /// Whether `url` is in this directory's keystore.
    public func serves(_ url: String) -> Bool { url.hasPrefix("\(urls.baseURL)/") }

    public func keys(at url: String, kid: String?) async throws -> [JSONWebKey] {
        let path = url.hasPrefix(urls.baseURL) ? SoftwarePath.parse(url.dropFirst(urls.baseURL.count)) : nil
        guard let path, path.rest == "jwks" else {
            throw OAuthError.invalidSoftwareStatement(
                "the software JWKS \(url.prefix(200)) is not in a keystore this server can read (only \(urls.baseURL) is configured)")
        }
        do {
            let keys = try await keySets.value(for: url, at: revision?()) {
                try await views.keystore(
                    organisationID: String(path.organisationID), softwareID: String(path.softwareID), selection: .active)
            }
            return keys.candidates(forKID: kid)
        } catch DirectoryError.notFound(let reason) {
            throw OAuthError.invalidSoftwareStatement("the software JWKS \(url.prefix(200)) does not exist: \(reason)")
        }
    }

    public func isActive(softwareID: String, organisationID: String?, issuer: String) async throws -> Bool {
        let status = try await statuses.value(for: softwareID, at: revision?()) {
            guard let (organisation, software) = try await directory.participant(ofSoftware: softwareID) else { return nil }
            return (organisation.id, software.status == .active && organisation.status == .active)
        }
        guard let status else { return false }
        if let organisationID, organisationID != status.organisationID { return false }
        return status.active
    }
}
