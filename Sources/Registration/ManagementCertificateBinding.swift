import Directory
import PKI
import X509

/// RFC 7592 management is over mutual TLS like registration itself: a registration access token is a
/// certificate-bound credential (RFC 8705 §3), so a stolen token is useless without the client's key.
/// The certificate must be the one the client registered with, or a renewal of it: a certificate that
/// names the same software (UID or CN is its `software_id`), as every profile's certificates do.
/// Refusals are 401 `invalid_token`, the answer RFC 8705 §3 gives for a binding that does not hold.
public enum ManagementCertificateBinding {
    /// The check's name, as refusals, logs and metrics give it.
    public static let name = "client certificate bound to the registration access token"

    static func check(_ certificate: Certificate?, for client: RegisteredClient) throws {
        guard let certificate else {
            throw refusal("managing a client needs the TLS client certificate it was registered with (mutual TLS); none was presented")
        }
        if let bound = client.certificateThumbprint, (try? CertificateBundle.x5tS256(certificate)) == bound { return }
        guard MetadataChecks.certificate(certificate, namesSoftware: client.softwareID) else {
            throw refusal("the TLS client certificate is neither the client's nor one naming its software \(client.softwareID)")
        }
    }

    private static func refusal(_ description: String) -> OAuthError {
        var error = OAuthError.invalidToken(description)
        error.check = name
        return error
    }
}
