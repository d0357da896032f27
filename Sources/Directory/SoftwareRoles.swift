/// Software may claim only roles its organisation holds: a role an authority granted and has not
/// withdrawn (an active `RoleGrant` of one of its authority claims). An organisation that states no
/// authority claims (the CDR's accredited data recipients are named by the register, not by a
/// competent authority) is not held to this.
public enum SoftwareRoles {
    public static func authorised(for organisation: Organisation) -> Set<String>? {
        guard !organisation.authorityClaims.isEmpty else { return nil }
        return Set(organisation.authorityClaims.flatMap { $0.roles.filter { $0.status == .active }.map(\.role) })
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
