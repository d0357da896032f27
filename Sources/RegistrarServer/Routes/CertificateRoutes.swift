import Directory
import Foundation
import HTTPTypes
import Hummingbird
import PKI

/// The directory CA over HTTP: certificates for software statements (issue from a CSR, list, revoke),
/// the CA certificates and CRL relying parties fetch, and the validation service.
enum CertificateRoutes {
    static let pemTypes: Set<String> = [
        "application/x-pem-file", "application/pem-certificate-chain", "application/pkix-cert", "text/plain",
    ]

    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let limit = runtime.configuration.maxRequestBodyBytes
        let collection = "/organisations/{organisationId}/software-statements/{softwareStatementId}/certificates"

        routes.add(.post, collection) { request, context in
            let caller = try context.requireCaller()
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            let softwareID = try HTTPExchange.parameter("softwareStatementId", in: context)
            try caller.requireAccess(toOrganisation: organisationID)
            let order = try await CertificateOrder.read(from: request, limit: limit)
            let issued = try await runtime.certificates.issue(
                csrPEM: order.csr, purpose: order.purpose, softwareID: softwareID, organisationID: organisationID, by: caller)
            RegistrarMetrics.certificatesIssued(order.purpose.rawValue).increment()
            return try HTTPExchange.json(
                issued, status: .created,
                headers: OrganisationRoutes.location("/certificates/\(issued.id)", runtime))
        }

        routes.add(.get, collection) { request, context in
            let caller = try context.requireCaller()
            let organisationID = try HTTPExchange.parameter("organisationId", in: context)
            let softwareID = try HTTPExchange.parameter("softwareStatementId", in: context)
            let issued = try await runtime.certificates.certificates(softwareID: softwareID, organisationID: organisationID, for: caller)
            return try ListPage.response(issued, id: \.id, for: request, runtime: runtime)
        }

        routes.add(.get, "/certificates/{serialNumber}") { _, context in
            let caller = try context.requireCaller()
            let serial = try HTTPExchange.parameter("serialNumber", in: context)
            guard let issued = try await runtime.certificates.certificate(serialNumber: serial) else {
                throw DirectoryError.notFound("no certificate with serial number \(serial)")
            }
            try caller.requireAccess(toOrganisation: issued.organisationID)
            return try HTTPExchange.json(issued)
        }

        routes.add(.post, "/certificates/{serialNumber}/revoke") { request, context in
            let caller = try context.requireCaller()
            let body = try await HTTPExchange.decodeJSON(CertificateRevocation.self, from: request, limit: limit)
            let reason = try body.reason.map { try InputRules.choice($0, field: "reason") } ?? RevocationReason.unspecified
            let revoked = try await runtime.certificates.revoke(
                serialNumber: try HTTPExchange.parameter("serialNumber", in: context), reason: reason, by: caller)
            RegistrarMetrics.certificatesRevoked(reason.rawValue).increment()
            return try HTTPExchange.json(revoked)
        }

        routes.add(.post, "/certificates/validate") { request, context in
            _ = try context.requireCaller()
            try HTTPExchange.requireMediaType(request, accepted: pemTypes)
            let purpose = try request.uri.queryParameters.get("purpose").map {
                try InputRules.choice(String($0), field: "purpose") as CertificatePurpose
            }
            let upload = try await HTTPExchange.body(of: request, limit: limit)
            let report = try await runtime.trust.validate(
                upload, purpose: purpose, trust: try await runtime.currentTrustStore(), at: Date())
            return try HTTPExchange.json(report)
        }

        // The certificate this request came with (TLS, or RFC 9440 headers from a trusted proxy), as validated.
        routes.add(.get, "/client-certificate") { _, context in
            guard let presented = context.clientCertificate else {
                throw DirectoryError.notFound("this request carried no client certificate")
            }
            return try HTTPExchange.json(
                try CertificateReport(certificate: presented.leaf, purpose: .transport, verdict: .valid(presented.chain), at: Date()))
        }

        for (path, pick) in [("/pki/root.cer", true), ("/pki/issuing.cer", false)] {
            routes.add(.get, path) { request, _ in
                let document = try await runtime.documents.document(
                    for: request, revision: runtime.currentRevision, contentType: "application/pkix-cert"
                ) {
                    let (root, issuing) = try await runtime.certificateAuthority.certificates()
                    return Data(try CertificateBundle.der(pick ? root : issuing))
                }
                return ConditionalResponse.make(document, for: request, maxAge: runtime.configuration.cacheMaxAge)
            }
        }

        // OCSP (RFC 6960 appendix A): POST a DER request, or GET with the base64 request in the path.
        routes.add(.post, "/pki/ocsp") { request, _ in
            try HTTPExchange.requireMediaType(request, accepted: ["application/ocsp-request"])
            let body = try await HTTPExchange.body(of: request, limit: ocspRequestLimit)
            return ocspReply(await runtime.ocspResponse(for: Array(body)), cacheable: false)
        }
        routes.add(.get, "/pki/ocsp/**") { _, context in
            let encoded = context.parameters.getCatchAll().joined(separator: "/")
            let base64 = encoded.removingPercentEncoding ?? encoded
            guard base64.utf8.count <= ocspRequestLimit * 2, let der = Data(base64Encoded: base64) else {
                return ocspReply(OCSPResponder.malformedRequestResponse, cacheable: false)
            }
            return ocspReply(await runtime.ocspResponse(for: Array(der)), cacheable: true)
        }

        routes.add(.get, "/pki/issuing.crl") { _, _ in
            let list = try await runtime.currentRevocationList()
            var headers = HTTPFields()
            headers[.contentType] = "application/pkix-crl"
            // Caches may keep it until shortly before nextUpdate, never past it.
            headers[.cacheControl] = "public, max-age=\(min(runtime.configuration.cacheMaxAge, 3600))"
            headers[.lastModified] = HTTPDate.format(list.thisUpdate)
            headers[.expires] = HTTPDate.format(list.nextUpdate)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: list.der)))
        }
    }
}

/// OCSP requests are a few hundred bytes; 8 KiB leaves room for many certificates and extensions.
let ocspRequestLimit = 8 * 1024

func ocspReply(_ der: [UInt8], cacheable: Bool) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/ocsp-response"
    // A GET response may be cached by proxies for a while (RFC 5019 §6); a POST may carry a nonce.
    headers[.cacheControl] = cacheable ? "public, max-age=300" : "no-store"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: der)))
}

/// A certificate order: JSON `{"csr": PEM, "purpose": "transport"}`, or the PEM CSR itself
/// (`application/pkcs10`) with `?purpose=`.
struct CertificateOrder: Codable {
    var csr: String
    var purpose: CertificatePurpose

    static func read(from request: Request, limit: Int) async throws -> CertificateOrder {
        if HTTPExchange.mediaType(of: request) == "application/pkcs10" {
            guard let purpose = request.uri.queryParameters.get("purpose") else {
                throw DirectoryError.invalidInput("add ?purpose=transport or ?purpose=signing")
            }
            let body = try await HTTPExchange.body(of: request, limit: limit)
            return CertificateOrder(
                csr: String(decoding: body, as: UTF8.self), purpose: try InputRules.choice(String(purpose), field: "purpose"))
        }
        struct Body: Codable {
            var csr: String
            var purpose: String
        }
        let body = try await HTTPExchange.decodeJSON(Body.self, from: request, limit: limit)
        return CertificateOrder(csr: body.csr, purpose: try InputRules.choice(body.purpose, field: "purpose"))
    }
}

struct CertificateRevocation: Codable {
    var reason: String?
}
