import Directory

/// An ecosystem's registration rules: a list of named checks, run in order, and how the response looks.
///
/// ```swift
/// let profile = RegistrationProfile.fapiOBIE
/// try await profile.evaluate(&context, environment)   // throws the first refusal, naming its check
/// ```
public struct RegistrationProfile: Sendable {
    public enum Name: String, Sendable, CaseIterable {
        case fapiOBIE = "fapi-obie"
        case cdr
        case ofb
    }

    public let name: Name
    public let checks: [RegistrationCheck]
    /// The SSA's claims are copied into the stored metadata and the response (CDR, Brasil).
    public let flattensSoftwareStatement: Bool
    /// One client per software statement (CDR); a second registration is refused.
    public let oneClientPerSoftware: Bool

    public static func named(_ name: Name) -> RegistrationProfile {
        switch name {
        case .fapiOBIE: fapiOBIE
        case .cdr: cdr
        case .ofb: ofb
        }
    }

    /// Runs the checks in order; the first that refuses throws its RFC 7591 error carrying the check's name.
    public func evaluate(_ context: inout RegistrationContext, _ environment: RegistrationEnvironment) async throws {
        for check in checks {
            do { try await check.run(&context, environment) } catch var refusal as OAuthError {
                refusal.check = refusal.check ?? check.name
                throw refusal
            }
        }
    }

    static let fapiAlgorithms: Set<String> = ["PS256", "ES256"]

    /// UK Open Banking DCR v3.3 with FAPI 1 Advanced.
    public static let fapiOBIE = RegistrationProfile(
        name: .fapiOBIE,
        checks: [
            RequestChecks.signed, MetadataChecks.clientCertificatePresented, SoftwareStatementChecks.present,
            SoftwareStatementChecks.isSignedJWT, SoftwareStatementChecks.fromTrustedDirectory,
            SoftwareStatementChecks.signatureVerifies, SoftwareStatementChecks.namesTheSoftware, SoftwareStatementChecks.issuedInThePast,
            SoftwareStatementChecks.softwareStillActive,
            RequestChecks.signedBySoftwareKey, RequestChecks.claimsNameThisExchange, RequestChecks.softwareIDMatches,
            MetadataChecks.certificateNamesTheSoftware, MetadataChecks.redirectURIsWithinSSA(takeSSAsWhenOmitted: true),
            MetadataChecks.keysByReferenceOnly, MetadataChecks.tokenEndpointAuthentication, MetadataChecks.tlsClientAuthSubjectMatches,
            MetadataChecks.allowedValues([
                "grant_types": ["authorization_code", "client_credentials", "refresh_token"],
                "response_types": ["code", "code id_token"],
                "id_token_signed_response_alg": fapiAlgorithms, "request_object_signing_alg": fapiAlgorithms,
                "application_type": ["web", "mobile", "native"],
            ]),
            MetadataChecks.scopesWithinRoles(
                ["AISP": ["accounts"], "PISP": ["payments"], "CBPII": ["fundsconfirmations"]], always: ["openid"]),
            // Last: a request refused by an earlier check does not use up its jti.
            RequestChecks.notReplayed,
        ],
        flattensSoftwareStatement: false, oneClientPerSoftware: false)

    /// Australia's Consumer Data Right: DCR with a CDR Register SSA (which expires).
    public static let cdr = RegistrationProfile(
        name: .cdr,
        checks: [
            RequestChecks.signed, MetadataChecks.clientCertificatePresented, SoftwareStatementChecks.present,
            SoftwareStatementChecks.isSignedJWT, SoftwareStatementChecks.fromTrustedDirectory,
            SoftwareStatementChecks.signatureVerifies, SoftwareStatementChecks.namesTheSoftware, SoftwareStatementChecks.notExpired,
            SoftwareStatementChecks.softwareStillActive,
            RequestChecks.signedBySoftwareKey, RequestChecks.claimsNameThisExchange, RequestChecks.softwareIDMatches,
            MetadataChecks.certificateNamesTheSoftware, MetadataChecks.redirectURIsWithinSSA(takeSSAsWhenOmitted: true),
            MetadataChecks.keysByReferenceOnly,
            MetadataChecks.tokenEndpointAuthentication, MetadataChecks.tlsClientAuthSubjectMatches,
            MetadataChecks.allowedValues([
                "grant_types": ["authorization_code", "client_credentials", "refresh_token"],
                "response_types": ["code", "code id_token"],
                "id_token_signed_response_alg": fapiAlgorithms, "request_object_signing_alg": fapiAlgorithms,
                "application_type": ["web"],
            ]),
            RequestChecks.notReplayed,
        ],
        flattensSoftwareStatement: true, oneClientPerSoftware: true)

    /// Open Finance Brasil DCR/DCM: JSON requests, a PS256 SSA at most 5 minutes old, certificate rules,
    /// scopes from the regulatory roles, one client per software statement.
    public static let ofb = RegistrationProfile(
        name: .ofb,
        checks: [
            MetadataChecks.clientCertificatePresented, SoftwareStatementChecks.present, SoftwareStatementChecks.isSignedJWT,
            SoftwareStatementChecks.fromTrustedDirectory,
            SoftwareStatementChecks.signatureVerifies, SoftwareStatementChecks.namesTheSoftware,
            SoftwareStatementChecks.signedWith(["PS256"]), SoftwareStatementChecks.issuedWithin(300),
            SoftwareStatementChecks.softwareStillActive, RequestChecks.softwareIDMatches,
            MetadataChecks.brasilCertificateSubject, MetadataChecks.redirectURIsWithinSSA(takeSSAsWhenOmitted: false),
            MetadataChecks.keysByReferenceOnly, MetadataChecks.tokenEndpointAuthentication, MetadataChecks.tlsClientAuthSubjectMatches,
            // The published registration example asks for the implicit grant and `id_token` responses.
            MetadataChecks.allowedValues([
                "grant_types": ["authorization_code", "client_credentials", "refresh_token", "implicit"],
                "response_types": ["code", "code id_token", "id_token"],
                "id_token_signed_response_alg": fapiAlgorithms, "request_object_signing_alg": fapiAlgorithms,
                "application_type": ["web"],
            ]),
            MetadataChecks.scopesWithinRoles(brasilScopesByRole, always: ["openid"], grantAllWhenOmitted: true),
        ],
        flattensSoftwareStatement: true, oneClientPerSoftware: true)

    /// Brasil DCR "Regulatory Roles for OpenID and OAuth 2.0 Mappings" (CONTA and CCORR: openid only).
    static let brasilScopesByRole: [String: Set<String>] = [
        "DADOS": [
            "accounts", "credit-cards-accounts", "consents", "customers", "invoice-financings", "financings", "loans",
            "unarranged-accounts-overdraft", "resources",
        ],
        "PAGTO": ["payments"],
    ]
}
