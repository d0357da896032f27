import SwiftASN1

/// The object identifiers Registrar reads and writes that swift-certificates does not name.
public enum PKIObjectIdentifier {
    /// X.520 organizationIdentifier (ETSI EN 319 412-1 §5.1.4 gives its eIDAS format).
    public static let organizationIdentifier: ASN1ObjectIdentifier = [2, 5, 4, 97]
    /// RFC 4519 uid (userId), where UK and Brasil certificates carry the software id.
    public static let userID: ASN1ObjectIdentifier = [0, 9, 2342, 19_200_300, 100, 1, 1]
    /// RFC 5280 §4.2.1.13 CRL distribution points.
    public static let crlDistributionPoints: ASN1ObjectIdentifier = [2, 5, 29, 31]
    /// RFC 5280 §5.2.3 CRL number and §5.3.1 reason code.
    public static let crlNumber: ASN1ObjectIdentifier = [2, 5, 29, 20]
    public static let crlReason: ASN1ObjectIdentifier = [2, 5, 29, 21]
    /// RFC 3739 qcStatements, the extension that carries eIDAS and PSD2 statements.
    public static let qcStatements: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 1, 3]
}
