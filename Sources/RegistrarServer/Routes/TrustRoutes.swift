import Directory
import Foundation
import HTTPTypes
import Hummingbird
import PKI

/// Trust anchors, for operators: the same operations as `registrar trust add|list|show|remove`.
enum TrustRoutes {
    static func register(on routes: inout RouteRegistrar, runtime: DirectoryRuntime) {
        let limit = runtime.configuration.maxRequestBodyBytes

        routes.add(.post, "/trust-anchors") { request, context in
            let caller = try context.requireOperator()
            try HTTPExchange.requireMediaType(request, accepted: CertificateRoutes.pemTypes)
            let query = request.uri.queryParameters
            guard let purposeName = query.get("purpose") else {
                throw DirectoryError.invalidInput("add ?purpose= (\(CertificatePurpose.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let purpose: CertificatePurpose = try InputRules.choice(String(purposeName), field: "purpose")
            let upload = try await HTTPExchange.body(of: request, limit: limit)
            let anchor = try await runtime.trust.add(upload, purpose: purpose, label: query.get("label").map { String($0) }, by: caller)
            return try HTTPExchange.json(
                anchor, status: .created, headers: OrganisationRoutes.location("/trust-anchors/\(anchor.id)", runtime))
        }

        routes.add(.get, "/trust-anchors") { request, context in
            let anchors = try await runtime.trust.anchors(for: try context.requireOperator())
            return try ListPage.response(anchors, id: \.id, for: request, runtime: runtime)
        }

        routes.add(.get, "/trust-anchors/{anchorId}") { _, context in
            let caller = try context.requireOperator()
            return try HTTPExchange.json(try await runtime.trust.anchor(try HTTPExchange.parameter("anchorId", in: context), for: caller))
        }

        routes.add(.delete, "/trust-anchors/{anchorId}") { _, context in
            let caller = try context.requireOperator()
            _ = try await runtime.trust.remove(try HTTPExchange.parameter("anchorId", in: context), by: caller)
            return Response(status: .noContent)
        }
    }
}
