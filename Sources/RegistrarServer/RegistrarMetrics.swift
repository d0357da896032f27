import Metrics
import Prometheus
import Synchronization

/// The process's metrics: swift-metrics backed by a Prometheus registry, rendered at `GET /metrics`.
/// Requests answered by the fast path for cached documents are counted in
/// `registrar_fast_path_responses_total`; routed ones by Hummingbird's metrics middleware.
public enum RegistrarMetrics {
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    /// Installs the Prometheus factory once per process (swift-metrics allows one bootstrap).
    public static func bootstrap() {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }
    }

    static let fastPathResponses = Counter(label: "registrar_fast_path_responses_total")

    // What the directory did, for dashboards and alerts on the business rather than on HTTP.
    static let assertionsIssued = Counter(label: "registrar_ssas_issued_total")
    static func certificatesIssued(_ purpose: String) -> Metrics.Counter {
        Counter(label: "registrar_certificates_issued_total", dimensions: [("purpose", purpose)])
    }
    /// E-mail handed to the SMTP server, and e-mail it did not take, by kind (invitation, certificate-expiry).
    static func mailSent(_ kind: String) -> Metrics.Counter {
        Counter(label: "registrar_mail_sent_total", dimensions: [("kind", kind)])
    }
    static func mailFailed(_ kind: String) -> Metrics.Counter {
        Counter(label: "registrar_mail_failed_total", dimensions: [("kind", kind)])
    }
    static func certificatesRevoked(_ reason: String) -> Metrics.Counter {
        Counter(label: "registrar_certificates_revoked_total", dimensions: [("reason", reason)])
    }
    static let registrations = Counter(label: "registrar_registrations_total")
    /// A refused registration, update or management call, by the named check that refused it.
    static func registrationRefusals(_ check: String) -> Metrics.Counter {
        Counter(label: "registrar_registration_refusals_total", dimensions: [("check", check)])
    }
}
