import Crypto
import Directory
import Foundation
import Keys
import PKI
import X509

/// The sandbox as a whole ecosystem on one machine: beside `sandbox.env` it keeps the files a
/// third-party provider needs to run the registration flow against it, in `DATA/sandbox/`:
///
/// - `https.pem`, `https.key`: the mutual-TLS listener's certificate (localhost, 127.0.0.1, ::1) and key;
///   `https-ca.pem`, the root that signed it, for clients to trust (`curl --cacert`);
/// - `tpp-signing.key`: the provider software's signing key (PKCS#8), whose public half is in its keystore;
/// - `tpp-transport.pem`, `tpp-transport.key`: its transport certificate from the directory CA, and key.
///
/// Private keys are written 0600 in a 0700 folder. Sandbox only: a real provider's keys never leave it.
public struct SandboxEcosystem: Sendable {
    public let folder: URL

    public init(dataFolder: String) {
        folder = URL(fileURLWithPath: dataFolder).appending(path: "sandbox")
    }

    public var listenerCertificate: URL { folder.appending(path: "https.pem") }
    public var listenerKey: URL { folder.appending(path: "https.key") }
    public var listenerRoot: URL { folder.appending(path: "https-ca.pem") }
    public var providerSigningKey: URL { folder.appending(path: "tpp-signing.key") }
    public var providerTransportCertificate: URL { folder.appending(path: "tpp-transport.pem") }
    public var providerTransportKey: URL { folder.appending(path: "tpp-transport.key") }

    /// A month before the listener's certificate expires it is made again (clients then trust the new root).
    static let renewal: TimeInterval = 30 * 86_400

    /// The mutual-TLS listener's settings, its certificate made on first use or when it nears its end.
    public func listenerTLS(now: Date = Date()) throws -> TLSSettings {
        if !listenerCertificateIsCurrent(now: now) {
            let made = try ServerCertificate.make(hostNames: ["localhost"], addresses: ["127.0.0.1", "::1"], now: now)
            try write(made.privateKeyPEM + "\n", to: listenerKey, secret: true)
            try write(try made.chainPEM, to: listenerCertificate)
            try write(try made.rootPEM, to: listenerRoot)
        }
        return TLSSettings(certificateChainPath: listenerCertificate.path, privateKeyPath: listenerKey.path, clientCertificates: .optional)
    }

    private func listenerCertificateIsCurrent(now: Date) -> Bool {
        let paths = [listenerCertificate, listenerKey, listenerRoot].map(\.path)
        guard paths.allSatisfy(FileManager.default.fileExists(atPath:)),
            let bytes = try? Data(contentsOf: listenerCertificate),
            let certificate = try? CertificateBundle.parse(bytes).first
        else { return false }
        return certificate.notValidAfter > now + Self.renewal
    }

    /// Writes the provider's signing key and a transport certificate the directory CA issues for its
    /// software (from a CSR made here, as a provider would make one).
    public func writeProvider(
        signingKey: SigningKey, credentials: SandboxSeed.Credentials, certificates: ParticipantCertificates
    ) async throws {
        let transportKey = P256.Signing.PrivateKey()
        let request = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(credentials.softwareStatementID) },
            privateKey: Certificate.PrivateKey(transportKey), attributes: CertificateSigningRequest.Attributes(),
            signatureAlgorithm: .ecdsaWithSHA256)
        let issued = try await certificates.issue(
            csrPEM: try request.serializeAsPEM().pemString, purpose: .transport, softwareID: credentials.softwareStatementID,
            organisationID: credentials.providerOrganisationID, by: .system)
        try write(signingKey.pkcs8PEM + "\n", to: providerSigningKey, secret: true)
        try write(transportKey.pemRepresentation + "\n", to: providerTransportKey, secret: true)
        try write(
            issued.certificatePEM.hasSuffix("\n") ? issued.certificatePEM : issued.certificatePEM + "\n", to: providerTransportCertificate)
    }

    /// `sandbox.env`: the credentials, where the provider's files are, the two URLs, and `PATH` with the
    /// folder of this `registrar`, so that `registrar tpp …` runs the same build.
    public func environmentFile(
        credentials: SandboxSeed.Credentials, directoryURL: String, mutualTLSURL: String, registrationProfile: String,
        commandFolder: String?
    ) -> String {
        var lines = [
            credentials.environmentFile.trimmingCharacters(in: .newlines),
            "# The directory: public documents over HTTP, and mutual TLS for /token and /register (trust SANDBOX_CA)",
            "export SANDBOX_URL=\(directoryURL)",
            "export SANDBOX_MTLS_URL=\(mutualTLSURL)",
            "export SANDBOX_CA=\(Self.quoted(listenerRoot.path))",
            "# The provider's software: its signing key (public half in its keystore), its transport certificate and key",
            "export TPP_SIGNING_KEY=\(Self.quoted(providerSigningKey.path))",
            "export TPP_TRANSPORT_CERT=\(Self.quoted(providerTransportCertificate.path))",
            "export TPP_TRANSPORT_KEY=\(Self.quoted(providerTransportKey.path))",
            "export TPP_REGISTRATION_PROFILE=\(registrationProfile)",
        ]
        if let commandFolder { lines.append("export PATH=\(Self.quoted(commandFolder)):\"$PATH\"") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A shell word for a path: single-quoted, with any single quote closed, escaped and reopened.
    static func quoted(_ path: String) -> String {
        "'" + path.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    private func write(_ text: String, to file: URL, secret: Bool = false) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? FileManager.default.removeItem(at: file)
        guard
            FileManager.default.createFile(
                atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: secret ? 0o600 : 0o644])
        else { throw SandboxFileError(path: file.path) }
    }
}

public struct SandboxFileError: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "cannot write \(path)" }
}
