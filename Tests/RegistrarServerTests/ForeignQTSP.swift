import ChildProcess
import Foundation
import PKI

/// An eIDAS qualified trust service provider made by openssl, not by Registrar: its root, and a QWAC
/// with a critical qcStatements extension (QcCompliance, QcType web, PSD2 roles) for a PSD2 payment firm.
/// `rsassaPSS` makes both RSA certificates signed with RSASSA-PSS, as some QTSPs sign theirs; `curve`
/// names the EC curve otherwise (German QTSPs use brainpoolP256r1).
struct ForeignQTSP {
    let rootPEM: String
    let qwacPEM: String

    static let statements = QualifiedCertificateStatements(
        isQualified: true, types: [.website],
        psd2: PSD2Attributes(roles: [.accountInformation], authorityName: "Central Bank of Ireland", authorityID: "IE-CBI"))

    static func make(with openssl: OpenSSLCommand, rsassaPSS: Bool = false, curve: String = "P-256") async throws -> ForeignQTSP {
        let ec = rsassaPSS ? ["-newkey", "rsa:2048", "-nodes"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:\(curve)", "-nodes"]
        let signing = rsassaPSS ? OpenSSLCommand.rsassaPSSSigning : []
        try await openssl.require(
            ["req", "-x509"] + ec + [
                "-keyout", "qtsp.key", "-out", "qtsp.pem", "-days", "365", "-subj", "/C=IE/O=Example QTSP/CN=Example QTSP Root",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ] + signing)
        try await openssl.require(
            ["req", "-new"] + ec + [
                "-keyout", "qwac.key", "-out", "qwac.csr", "-subj",
                "/C=IE/O=Example Payments DAC/organizationIdentifier=PSDIE-CBI-C12345/CN=tpp.example",
            ])
        let qc = try statements.makeExtension().value.map { String(format: "%02X", $0) }.joined()
        try openssl.write(
            "qwac.ext",
            """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth,clientAuth
            1.3.6.1.5.5.7.1.3=critical,DER:\(qc)

            """)
        try await openssl.require(
            [
                "x509", "-req", "-in", "qwac.csr", "-CA", "qtsp.pem", "-CAkey", "qtsp.key", "-CAcreateserial", "-days", "30", "-out",
                "qwac.pem", "-extfile", "qwac.ext",
            ] + signing)
        return ForeignQTSP(rootPEM: try openssl.read("qtsp.pem"), qwacPEM: try openssl.read("qwac.pem"))
    }
}
