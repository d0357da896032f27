import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Counts routed requests by path template, method and the status the client really received. It runs
/// outside `ProblemMiddleware`, so a refusal thrown as an error (400, 401, 404…) is counted with the
/// status of the problem document it became, not as a 500 (Hummingbird's `MetricsMiddleware` labels
/// every error that is not its own `HTTPResponseError` 500, and sat inside the conversion).
/// `hb_request_errors` counts only the server's own failures (5xx), so an alert on it means trouble here.
/// The metric names and labels are Hummingbird's, so dashboards built on them keep working.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    private let cache = Cache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let active = cache.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            // Recorded when the handler answers; writing the body (at most a page) is not timed.
            cache.endpoint(context.endpointPath ?? "NotFound", request.method, response.status).record(since: started)
            return response
        } catch {
            // Only an error ProblemMiddleware let through (none today) gets here.
            cache.endpoint(context.endpointPath ?? "NotFound", request.method, .internalServerError).record(since: started)
            throw error
        }
    }

    struct EndpointMetrics: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter?

        func record(since started: UInt64) {
            requests.increment()
            duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
            errors?.increment()
        }
    }

    /// Metric objects per label set: creating one asks the registry under its lock.
    final class Cache: Sendable {
        private struct Key: Hashable {
            let route: String
            let method: HTTPRequest.Method
            let status: Int
        }
        private let endpoints = Mutex<[Key: EndpointMetrics]>([:])
        private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])

        func active(_ method: HTTPRequest.Method) -> Meter {
            methods.withLock { meters in
                if let meter = meters[method] { return meter }
                let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
                meters[method] = meter
                return meter
            }
        }

        func endpoint(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) -> EndpointMetrics {
            let key = Key(route: route, method: method, status: status.code)
            return endpoints.withLock { cached in
                if let metrics = cached[key] { return metrics }
                let dimensions = [
                    ("http.route", route), ("http.request.method", method.rawValue), ("http.response.status_code", String(status.code)),
                ]
                let metrics = EndpointMetrics(
                    requests: Counter(label: "hb.requests", dimensions: dimensions),
                    duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds),
                    errors: status.code >= 500
                        ? Counter(
                            label: "hb.request.errors",
                            dimensions: [
                                ("http.route", route), ("http.request.method", method.rawValue), ("error.type", String(status.code)),
                            ])
                        : nil)
                cached[key] = metrics
                return metrics
            }
        }
    }
}
