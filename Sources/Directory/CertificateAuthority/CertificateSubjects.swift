import PKI

/// How each ecosystem names a participant certificate's subject, always from directory records:
///
/// | profile | organizationIdentifier | OU |
/// |---|---|---|
/// | obie | `PSD{country}-{authority}-{registration id}` from the first authority claim, else `NTR{country}-{registration number}` | organisation id |
/// | ofb | `OFBBR-{organisation id}` | organisation id |
/// | cdr | `NTR{country}-{registration number}` when there is one | none |
///
/// CN and UID are the software statement id in every profile.
enum CertificateSubjects {
    static func subject(for profile: EcosystemProfile, organisation: Organisation, software: SoftwareStatement) -> SubjectIdentity {
        let identifier: OrganisationIdentifier?
        let unit: String?
        switch profile {
        case .obie:
            identifier = psd2Identifier(of: organisation) ?? tradeRegisterIdentifier(of: organisation)
            unit = organisation.id
        case .ofb:
            identifier = OrganisationIdentifier(scheme: "OFB", country: "BR", identifier: organisation.id)
            unit = organisation.id
        case .cdr:
            identifier = tradeRegisterIdentifier(of: organisation)
            unit = nil
        }
        return SubjectIdentity(
            country: organisation.country, organisationName: organisation.legalName, organisationIdentifier: identifier,
            organisationalUnit: unit, commonName: software.id, userID: software.id)
    }

    /// Under the UK (eIDAS-derived) profile, certificates state the PSD2 roles the organisation holds,
    /// as a QWAC or QSealC would; the directory CA is not a QTSP, so it never claims QcCompliance.
    static func statements(for profile: EcosystemProfile, organisation: Organisation, purpose: CertificatePurpose)
        -> QualifiedCertificateStatements?
    {
        guard profile == .obie, let claim = organisation.authorityClaims.first else { return nil }
        var roles: [PSD2Role] = []
        for grant in claim.roles where grant.status == .active {
            if let role = PSD2Role.forDirectoryRole(grant.role), !roles.contains(role) { roles.append(role) }
        }
        guard !roles.isEmpty else { return nil }
        return QualifiedCertificateStatements(
            types: [purpose == .transport ? .website : .electronicSeal],
            psd2: PSD2Attributes(roles: roles, authorityName: claim.authority, authorityID: "\(organisation.country)-\(claim.authority)"))
    }

    private static func psd2Identifier(of organisation: Organisation) -> OrganisationIdentifier? {
        guard let claim = organisation.authorityClaims.first else { return nil }
        let candidate = OrganisationIdentifier.psd2(
            country: organisation.country, authority: claim.authority, authorisationNumber: claim.registrationID)
        // Only a well-formed NCA id (2 to 8 capital letters) makes a PSD2 identifier.
        return OrganisationIdentifier(parsing: candidate.description) == candidate ? candidate : nil
    }

    private static func tradeRegisterIdentifier(of organisation: Organisation) -> OrganisationIdentifier? {
        organisation.registrationNumber.map { OrganisationIdentifier(scheme: "NTR", country: organisation.country, identifier: $0) }
    }
}
