import ChildProcess
import Foundation
import NIOSSL
import RegistrarServer

/// A server certificate for 127.0.0.1 and localhost from a throwaway CA, both made by openssl, and curl
/// pointed at it: the HTTPS listener's tests talk to it as any client would.
struct TLSFixture: Sendable {
    let openssl: OpenSSLCommand
    var serverCA: String { openssl.path("server-ca.pem") }

    static func make() async throws -> TLSFixture {
        let openssl = try OpenSSLCommand()
        let p256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try await openssl.require(
            ["req", "-x509"] + p256 + [
                "-keyout", openssl.path("server-ca.key"), "-out", openssl.path("server-ca.pem"), "-days", "2",
                "-subj", "/CN=Registrar test server CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign",
            ])
        try await openssl.require(
            ["req", "-new"] + p256 + ["-keyout", openssl.path("server.key"), "-out", openssl.path("server.csr"), "-subj", "/CN=localhost"])
        try openssl.write(
            "server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
        try await openssl.require([
            "x509", "-req", "-in", openssl.path("server.csr"), "-CA", openssl.path("server-ca.pem"), "-CAkey",
            openssl.path("server-ca.key"), "-CAcreateserial", "-days", "2", "-extfile", openssl.path("server.ext"),
            "-out", openssl.path("server.pem"),
        ])
        return TLSFixture(openssl: openssl)
    }

    func settings(_ mode: ClientCertificateMode) -> TLSSettings {
        TLSSettings(certificateChainPath: openssl.path("server.pem"), privateKeyPath: openssl.path("server.key"), clientCertificates: mode)
    }

    /// What the in-process test client trusts: the server CA, no client certificate.
    var clientConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(serverCA)
        return configuration
    }

    /// A certificate from a CA nobody trusted, with clientAuth: the handshake must refuse it.
    func foreignClientCertificate() async throws -> (certificate: String, key: String) {
        try await openssl.require([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", openssl.path("foreign.key"),
            "-out", openssl.path("foreign.pem"), "-days", "2", "-subj", "/CN=foreign client", "-addext", "extendedKeyUsage=clientAuth",
        ])
        return (openssl.path("foreign.pem"), openssl.path("foreign.key"))
    }

    /// curl trusting the server CA. Several transfers run in one curl (`--next`), which keeps the
    /// connection alive between them.
    func curl(_ transfers: [String]...) async throws -> ChildProcess.Result {
        guard let curl = ChildProcess.locate("curl", candidates: ["/usr/bin/curl"]) else { throw CurlUnavailable() }
        let common = ["--silent", "--show-error", "--max-time", "20", "--cacert", serverCA]
        let arguments = transfers.map { common + $0 }.joined(separator: ["--next"])
        return try await ChildProcess.run(curl, Array(arguments), directory: openssl.folder)
    }

    struct CurlUnavailable: Error, CustomStringConvertible {
        var description: String { "curl is not installed (apt-get install curl)" }
    }
}
