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
}
