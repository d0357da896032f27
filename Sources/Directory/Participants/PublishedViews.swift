import Foundation
import Keys

/// The public documents the directory serves, built from the store. Member names of the participants
/// document follow the Open Finance Brasil participants API (PascalCase), which banks' tooling reads.
/// Contacts are deliberately not published: they are personal data, visible to operators only.
public struct PublishedViews: Sendable {
    let store: any DirectoryStore

    public init(store: any DirectoryStore) { self.store = store }

    public struct ParticipantQuery: Sendable, Hashable {
        public var updatedSince: Date?
        public init(updatedSince: Date? = nil) { self.updatedSince = updatedSince }
    }

    /// Every participant (an organisation from its approval on: `OrganisationStatus.isPublished`) with
    /// its authorisation servers, ordered by organisation id. `updatedSince` keeps organisations whose
    /// record or any of whose servers changed after that instant.
    public func participants(_ query: ParticipantQuery = .init()) async throws -> [ParticipantEntry] {
        let organisations = try await publishedOrganisations()
        let servers = Dictionary(grouping: try await store.records(AuthorisationServer.self).map(\.record), by: \.organisationID)
        return organisations.compactMap { organisation in
            let own = servers[organisation.id] ?? []
            if let since = query.updatedSince {
                let latest = ([organisation.updatedAt] + own.map(\.updatedAt)).max() ?? organisation.updatedAt
                guard latest > since else { return nil }
            }
            return ParticipantEntry(organisation: organisation, servers: own)
        }
    }

    public func participant(_ organisationID: String) async throws -> ParticipantEntry {
        guard let organisation = try await publishedOrganisation(organisationID) else {
            throw DirectoryError.notFound("no participant \(organisationID)")
        }
        return ParticipantEntry(
            organisation: organisation, servers: try await store.records(AuthorisationServer.self, ownerID: organisationID).map(\.record))
    }

    /// Every organisation's status, ordered by id; `updatedSince` keeps those changed after it.
    public func organisationStatuses(updatedSince: Date? = nil) async throws -> [OrganisationStatusEntry] {
        try await publishedOrganisations().filter { $0.updatedAt > (updatedSince ?? .distantPast) }.map {
            OrganisationStatusEntry(organisationId: $0.id, status: $0.status.rawValue, updatedAt: Timestamp.format($0.updatedAt))
        }
    }

    /// Every software statement's status, ordered by id; `updatedSince` keeps those changed after it.
    public func softwareStatuses(updatedSince: Date? = nil) async throws -> [SoftwareStatusEntry] {
        try await store.records(SoftwareStatement.self).map(\.record).filter { $0.updatedAt > (updatedSince ?? .distantPast) }.map {
            SoftwareStatusEntry(
                softwareStatementId: $0.id, organisationId: $0.organisationID, status: $0.status.rawValue,
                updatedAt: Timestamp.format($0.updatedAt))
        }
    }

    /// Which of a keystore owner's keys a JWKS shows.
    public enum KeySelection: Sendable, Hashable {
        case active
        case revoked
        case transportActive
        case transportRevoked
    }

    /// An organisation's or software statement's keys. Fails with notFound when the owner does not exist,
    /// so that an unknown id is told apart from an owner without keys.
    public func keystore(organisationID: String, softwareID: String?, selection: KeySelection) async throws -> JSONWebKeySet {
        guard try await publishedOrganisation(organisationID) != nil else {
            throw DirectoryError.notFound("no organisation \(organisationID)")
        }
        if let softwareID {
            guard RecordIdentifier.isWellFormed(softwareID), let software = try await store.record(SoftwareStatement.self, id: softwareID),
                software.record.organisationID == organisationID
            else { throw DirectoryError.notFound("no software statement \(softwareID) in organisation \(organisationID)") }
        }
        let keys = try await store.records(ParticipantKey.self, ownerID: softwareID ?? organisationID).map(\.record)
        let chosen = keys.filter { key in
            let transport = key.jwk.use == "tls"
            switch selection {
            case .active: return key.status == .active && !transport
            case .revoked: return key.status == .revoked && !transport
            case .transportActive: return key.status == .active && transport
            case .transportRevoked: return key.status == .revoked && transport
            }
        }
        return JSONWebKeySet(keys: chosen.sorted { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }.map(\.jwk))
    }

    /// Applications (Pending, Rejected) are not participants: no published document names them.
    private func publishedOrganisations() async throws -> [Organisation] {
        try await store.records(Organisation.self).map(\.record).filter(\.status.isPublished)
    }

    private func publishedOrganisation(_ id: String) async throws -> Organisation? {
        guard RecordIdentifier.isWellFormed(id), let organisation = try await store.record(Organisation.self, id: id)?.record,
            organisation.status.isPublished
        else { return nil }
        return organisation
    }
}

public struct StatusList<Entry: Codable & Sendable>: Codable, Sendable {
    public var data: [Entry]

    public init(data: [Entry]) { self.data = data }
}

public struct OrganisationStatusEntry: Codable, Sendable, Equatable {
    public var organisationId: String
    public var status: String
    public var updatedAt: String
}

public struct SoftwareStatusEntry: Codable, Sendable, Equatable {
    public var softwareStatementId: String
    public var organisationId: String
    public var status: String
    public var updatedAt: String
}

/// One organisation in the participants document.
public struct ParticipantEntry: Codable, Sendable, Equatable {
    public var OrganisationId: String
    public var Status: String
    public var OrganisationName: String
    public var LegalEntityName: String
    public var RegistrationNumber: String?
    public var CountryOfRegistration: String
    public var CreatedOn: String
    public var LastUpdated: String
    public var OrgDomainRoleClaims: [RoleClaim]
    public var AuthorisationServers: [Server]

    public struct RoleClaim: Codable, Sendable, Equatable {
        public var AuthorityName: String
        public var RegistrationId: String
        public var Role: String
        public var Status: String
    }

    public struct Server: Codable, Sendable, Equatable {
        public var AuthorisationServerId: String
        public var Issuer: String
        public var OpenIDDiscoveryDocument: String
        public var CustomerFriendlyName: String
        public var CustomerFriendlyLogoUri: String?
        public var CustomerFriendlyDescription: String?
        public var DeveloperPortalUri: String?
        public var TermsOfServiceUri: String?
        public var SupportsDynamicClientRegistration: Bool
        public var SupportsCiba: Bool
        public var LastUpdated: String
        public var ApiResources: [Resource]
    }

    /// As the Open Finance Brasil participants API writes an API resource.
    public struct Resource: Codable, Sendable, Equatable {
        public var ApiResourceId: String
        public var ApiFamilyType: String
        public var ApiVersion: String
        public var CertificationStatus: String
        public var ApiCertificationUri: String?
        public var CertificationStartDate: String?
        public var CertificationExpirationDate: String?
        public var ApiDiscoveryEndpoints: [Endpoint]
    }

    public struct Endpoint: Codable, Sendable, Equatable {
        public var ApiEndpoint: String
    }

    init(organisation: Organisation, servers: [AuthorisationServer]) {
        OrganisationId = organisation.id
        Status = organisation.status.rawValue
        OrganisationName = organisation.legalName
        LegalEntityName = organisation.legalName
        RegistrationNumber = organisation.registrationNumber
        CountryOfRegistration = organisation.country
        CreatedOn = Timestamp.format(organisation.createdAt)
        LastUpdated = Timestamp.format(([organisation.updatedAt] + servers.map(\.updatedAt)).max() ?? organisation.updatedAt)
        OrgDomainRoleClaims = organisation.authorityClaims.flatMap { claim in
            claim.roles.map {
                RoleClaim(AuthorityName: claim.authority, RegistrationId: claim.registrationID, Role: $0.role, Status: $0.status.rawValue)
            }
        }
        AuthorisationServers = servers.map { server in
            Server(
                AuthorisationServerId: server.id, Issuer: server.issuer, OpenIDDiscoveryDocument: server.openIDDiscoveryDocument,
                CustomerFriendlyName: server.customerFriendlyName, CustomerFriendlyLogoUri: server.customerFriendlyLogoURI,
                CustomerFriendlyDescription: server.customerFriendlyDescription, DeveloperPortalUri: server.developerPortalURI,
                TermsOfServiceUri: server.termsOfServiceURI, SupportsDynamicClientRegistration: server.supportsDynamicClientRegistration,
                SupportsCiba: server.supportsCIBA, LastUpdated: Timestamp.format(server.updatedAt),
                ApiResources: server.apiResources.map {
                    Resource(
                        ApiResourceId: $0.id, ApiFamilyType: $0.family, ApiVersion: $0.version,
                        CertificationStatus: $0.certificationStatus.rawValue, ApiCertificationUri: $0.certificationURI,
                        CertificationStartDate: $0.certificationStartDate.map(Timestamp.format),
                        CertificationExpirationDate: $0.certificationExpirationDate.map(Timestamp.format),
                        ApiDiscoveryEndpoints: $0.discoveryEndpoints.map(Endpoint.init))
                })
        }
    }
}
