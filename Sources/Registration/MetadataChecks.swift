import Directory
import Foundation
import PKI
import X509

/// The checks on the client metadata: what the client may be registered with.
public enum MetadataChecks {
    /// Every redirect URI is one of the SSA's, https, and not a loopback host. `takeSSAsWhenOmitted`
    /// decides whether a request without any takes the SSA's set (else it is refused).
    public static func redirectURIsWithinSSA(takeSSAsWhenOmitted: Bool) -> RegistrationCheck {
        RegistrationCheck("redirect_uris within the software statement's") { context, _ in
            let ssa = try context.requireSSA()
            guard let requested = try context.metadata.redirectURIs, !requested.isEmpty else {
                guard takeSSAsWhenOmitted, !ssa.redirectURIs.isEmpty else {
                    throw OAuthError.invalidRedirectURI("the request names no redirect_uris")
                }
                context.accepted["redirect_uris"] = .strings(ssa.redirectURIs)
                return
            }
            for uri in requested {
                switch RedirectURIRule.refusal(of: uri) {
                case .notAbsoluteHTTPS?:
                    throw OAuthError.invalidRedirectURI("redirect URI \(uri.prefix(200)) is not an absolute https URI without a fragment")
                case .localMachine?: throw OAuthError.invalidRedirectURI("redirect URI \(uri.prefix(200)) points at a loopback host")
                case nil: break
                }
                guard ssa.redirectURIs.contains(uri) else {
                    throw OAuthError.invalidRedirectURI("redirect URI \(uri.prefix(200)) is not among the software statement's")
                }
            }
        }
    }

    /// Keys by reference only: `jwks` by value is refused; a `jwks_uri` must be the SSA's.
    public static let keysByReferenceOnly = RegistrationCheck("keys by reference to the software statement's JWKS") { context, _ in
        let ssa = try context.requireSSA()
        if let jwks = context.metadata.members["jwks"], jwks != .null {
            throw OAuthError.invalidClientMetadata("jwks by value is not accepted; the software's keys are the directory's (jwks_uri)")
        }
        if let uri = try context.metadata.jwksURI, uri != ssa.jwksURI {
            throw OAuthError.invalidClientMetadata("jwks_uri must be the software statement's software JWKS (\(ssa.jwksURI ?? "none"))")
        }
    }

    public static let signingAlgorithms: Set<String> = ["PS256", "ES256"]
    static let defaultSigningAlgorithm = "PS256"

    /// FAPI: `private_key_jwt` (with `token_endpoint_auth_signing_alg` PS256/ES256) or `tls_client_auth`
    /// (with `tls_client_auth_subject_dn` matching the presented certificate under RFC 4517).
    public static let tokenEndpointAuthentication = RegistrationCheck("token endpoint authentication method") { context, _ in
        let method = try context.metadata.tokenEndpointAuthMethod
        switch method {
        case "private_key_jwt":
            // Optional in RFC 7591 and the profiles; when omitted the server's default applies (Brasil's
            // "Applying Server Defaults"), and it is written down so the AS enforces one algorithm.
            guard let algorithm = try context.metadata.string("token_endpoint_auth_signing_alg") else {
                context.accepted["token_endpoint_auth_signing_alg"] = .string(defaultSigningAlgorithm)
                return
            }
            guard signingAlgorithms.contains(algorithm) else {
                throw OAuthError.invalidClientMetadata("private_key_jwt needs token_endpoint_auth_signing_alg PS256 or ES256")
            }
        case "tls_client_auth":
            // Which subject is `tlsClientAuthSubjectMatches`' to judge.
            guard try context.metadata.string("tls_client_auth_subject_dn") != nil else {
                throw OAuthError.invalidClientMetadata("tls_client_auth needs tls_client_auth_subject_dn")
            }
        default:
            throw OAuthError.invalidClientMetadata(
                "token_endpoint_auth_method must be private_key_jwt or tls_client_auth, not \(method?.prefix(40) ?? "nothing")")
        }
    }

    /// RFC 8705 §2.1.2: a `tls_client_auth` client names the subject of its certificate, and the
    /// certificate it registers with has that subject (RFC 4517 distinguishedNameMatch).
    public static let tlsClientAuthSubjectMatches = RegistrationCheck("tls_client_auth subject DN matches the certificate") {
        context, _ in
        guard try context.metadata.tokenEndpointAuthMethod == "tls_client_auth",
            let dn = try context.metadata.string("tls_client_auth_subject_dn")
        else { return }
        guard let certificate = context.certificate, DistinguishedNameMatch.matches(dn, subject: certificate.subject) else {
            throw OAuthError.invalidClientMetadata(
                "tls_client_auth_subject_dn \(dn.prefix(200)) does not match the client certificate's subject (RFC 4517 distinguishedNameMatch)"
            )
        }
    }

    /// Registration is over mutual TLS: a validated client certificate is required.
    public static let clientCertificatePresented = RegistrationCheck("client certificate presented") { context, _ in
        guard context.certificate != nil else {
            throw OAuthError.invalidClientMetadata("registration needs a TLS client certificate (mutual TLS) that the server trusts")
        }
    }

    /// The certificate belongs to the software: its subject's UID or CN is the SSA's software_id. Without
    /// it, software A's SSA could be replayed by whoever holds software B's transport certificate.
    public static let certificateNamesTheSoftware = RegistrationCheck("client certificate names the software") { context, _ in
        let ssa = try context.requireSSA()
        guard let certificate = context.certificate else { return }
        guard let softwareID = ssa.softwareID, Self.certificate(certificate, namesSoftware: softwareID) else {
            throw OAuthError.invalidClientMetadata("the client certificate's UID or CN is not the software_id \(ssa.softwareID ?? "")")
        }
    }

    /// The subject's UID or CN is the software's id: how every profile's transport certificates name it.
    static func certificate(_ certificate: Certificate, namesSoftware softwareID: String) -> Bool {
        [certificate.subject.firstValue(of: PKIObjectIdentifier.userID), certificate.subject.firstValue(of: .RDNAttributeType.commonName)]
            .contains(softwareID)
    }

    /// Certificates issued before this day name the organisation in OU, not in organizationIdentifier
    /// (Brasil DCR ID3, registration provision 14).
    static let brasilOrganizationIdentifierSince = Date(timeIntervalSince1970: 1_661_904_000)  // 2022-08-31T00:00:00Z

    /// Brasil: UID = software_id and organizationIdentifier = OFBBR-{org_id}; a certificate issued before
    /// 31 August 2022 without organizationIdentifier names org_id in OU instead.
    public static let brasilCertificateSubject = RegistrationCheck("client certificate UID and organizationIdentifier") { context, _ in
        let ssa = try context.requireSSA()
        guard let certificate = context.certificate else { return }
        guard certificate.subject.firstValue(of: PKIObjectIdentifier.userID) == ssa.softwareID else {
            throw OAuthError.invalidClientMetadata("the client certificate's UID is not the software_id \(ssa.softwareID ?? "")")
        }
        let organisationID = ssa.organisationID ?? ""
        guard let identifier = certificate.subject.firstValue(of: PKIObjectIdentifier.organizationIdentifier) else {
            guard certificate.notValidBefore < brasilOrganizationIdentifierSince else {
                throw OAuthError.invalidClientMetadata(
                    "the client certificate has no organizationIdentifier (required of certificates issued since 2022-08-31)")
            }
            let units = certificate.subject.values(of: .RDNAttributeType.organizationalUnitName)
            guard units.contains(organisationID) else {
                throw OAuthError.invalidClientMetadata("the client certificate (issued before 2022-08-31) has no OU \(organisationID)")
            }
            return
        }
        guard identifier == "OFBBR-\(organisationID)" else {
            throw OAuthError.invalidClientMetadata("the client certificate's organizationIdentifier is not OFBBR-\(organisationID)")
        }
    }

    /// Each listed member, when present, holds only values from its allowed set.
    public static func allowedValues(_ allowed: [String: Set<String>]) -> RegistrationCheck {
        RegistrationCheck("grant types, response types, algorithms and application type") { context, _ in
            for (member, values) in allowed.sorted(by: { $0.key < $1.key }) {
                guard let value = context.metadata.members[member], value != .null else { continue }
                let given = value.stringArray ?? value.stringValue.map { [$0] }
                guard let given, given.allSatisfy(values.contains) else {
                    throw OAuthError.invalidClientMetadata("\(member) must be among \(values.sorted().joined(separator: ", "))")
                }
            }
        }
    }

    /// Scopes are filtered to what the software's roles allow (never widened): the rest are dropped.
    /// `grantAllWhenOmitted` (Brasil's server defaults) gives a request without `scope` every scope its
    /// roles allow.
    public static func scopesWithinRoles(_ scopesByRole: [String: Set<String>], always: Set<String>, grantAllWhenOmitted: Bool = false)
        -> RegistrationCheck
    {
        RegistrationCheck("scopes within the software's roles") { context, _ in
            let ssa = try context.requireSSA()
            let allowed = ssa.roles.reduce(always) { $0.union(scopesByRole[$1] ?? []) }
            guard let requested = try context.metadata.scope else {
                if grantAllWhenOmitted { context.accepted["scope"] = .string(allowed.sorted().joined(separator: " ")) }
                return
            }
            let kept = requested.split(separator: " ").map(String.init).filter(allowed.contains)
            guard !kept.isEmpty else {
                throw OAuthError.invalidClientMetadata(
                    "none of the requested scopes is allowed by the software's roles \(ssa.roles.joined(separator: ", "))")
            }
            context.accepted["scope"] = .string(kept.joined(separator: " "))
        }
    }
}
