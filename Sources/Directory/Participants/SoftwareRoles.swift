/// Software may claim only roles its organisation holds: a role an authority granted and has not
/// withdrawn (an active `RoleGrant` of one of its authority claims). An organisation that states no
/// authority claims (the CDR's accredited data recipients are named by the register, not by a
/// competent authority) is not held to this.
public enum SoftwareRoles {
    public static func authorised(for organisation: Organisation) -> Set<String>? {
        guard !organisation.authorityClaims.isEmpty else { return nil }
        return Set(organisation.authorityClaims.flatMap { $0.roles.filter { $0.status == .active }.map(\.role) })
    }

    /// The roles to offer new software of `organisation`: its authorised ones, or, where it states no
    /// authority claims, every software role of the ecosystem.
    public static func claimable(by organisation: Organisation, in profile: EcosystemProfile) -> [String] {
        authorised(for: organisation).map { $0.sorted() } ?? RoleVocabulary.softwareRoles(in: profile)
    }

    public static func requireAuthorised(_ roles: [String], by organisation: Organisation) throws {
        guard let authorised = authorised(for: organisation) else { return }
        let unauthorised = roles.filter { !authorised.contains($0) }
        guard unauthorised.isEmpty else {
            throw DirectoryError.invalidInput(
                "roles \(unauthorised.map { $0.prefix(64) }.joined(separator: ", ")) are not among the organisation's authorised roles (\(authorised.sorted().joined(separator: ", ")))"
            )
        }
    }
}

/// The roles each ecosystem names, for its organisations (granted by a competent authority) and for
/// software: a role outside them is a typing error or another ecosystem's, refused at creation rather
/// than found out when an SSA or a registration carries it.
public enum RoleVocabulary {
    /// Roles a competent authority grants in the ecosystem; nil where the ecosystem names none (the CDR
    /// register accredits data recipients; its organisations carry no authority roles to check).
    public static func organisationRoles(in profile: EcosystemProfile) -> [String]? {
        switch profile {
        case .obie: ["ASPSP", "AISP", "PISP", "CBPII"]
        case .ofb: ["CONTA", "DADOS", "PAGTO", "CCORR"]
        case .cdr: nil
        }
    }

    /// Roles software may claim: in the UK and Brasil the organisation's, in the CDR the one a software
    /// product has.
    public static func softwareRoles(in profile: EcosystemProfile) -> [String] {
        switch profile {
        case .obie, .ofb: organisationRoles(in: profile) ?? []
        case .cdr: [CDRClaimSet.softwareRole]
        }
    }

    public static func requireKnown(softwareRoles roles: [String], in profile: EcosystemProfile) throws {
        try requireKnown(roles, among: softwareRoles(in: profile), naming: "software roles", profile)
    }

    public static func requireKnown(authorityClaims claims: [AuthorityClaim], in profile: EcosystemProfile) throws {
        guard let known = organisationRoles(in: profile) else { return }
        try requireKnown(claims.flatMap { $0.roles.map(\.role) }, among: known, naming: "authority claim roles", profile)
    }

    private static func requireKnown(_ roles: [String], among known: [String], naming what: String, _ profile: EcosystemProfile) throws {
        let unknown = roles.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw DirectoryError.invalidInput(
                "\(what) \(unknown.map { $0.prefix(64) }.joined(separator: ", ")) are not roles of the \(profile.rawValue) profile (\(known.joined(separator: ", ")))"
            )
        }
    }
}
