import ArgumentParser
import ChildProcess
import Foundation
import Keys
import Synchronization

/// wrk, run against one URL; its report parsed into requests/s and the 99th percentile latency.
struct LoadGenerator {
    struct Figures {
        var requestsPerSecond: Double
        var p99Milliseconds: Double
        var non2xx: Int
        /// CPU seconds this process (the in-process server) used per second of the run: the cores it used.
        var coresUsed: Double = .nan
    }

    let wrk: String
    let duration: Int
    let connections: Int
    let threads: Int

    /// `separateCores`: every thread of this process (the server) on core 0 and wrk, one thread, on core 1,
    /// so that the server's CPU per request is not inflated by time-sharing a core with the load generator.
    func run(url: String, headers: [String] = [], script: String? = nil, separateCores: Bool = false) async throws -> Figures {
        let arguments =
            ["-t\(separateCores ? 1 : threads)", "-c\(connections)", "-d\(duration)s", "--latency"] + headers.flatMap { ["-H", $0] }
            + (script.map { ["-s", $0] } ?? []) + [url]
        if separateCores { try await Self.pinThisProcess(to: "0") }
        let cpuBefore = Self.processCPUSeconds()
        let started = ContinuousClock.now
        let result: ChildProcess.Result
        if separateCores {
            let run: ChildProcess.Result?
            do { run = try await ChildProcess.run(try Self.taskset(), ["-c", "1", wrk] + arguments) } catch { run = nil }
            try await Self.pinThisProcess(to: "0-\(ProcessInfo.processInfo.activeProcessorCount - 1)")
            guard let run else { throw ValidationError("wrk could not be started under taskset") }
            result = run
        } else {
            result = try await ChildProcess.run(wrk, arguments)
        }
        let elapsed = ContinuousClock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard result.status == 0, var figures = Self.parse(result.output) else {
            throw ValidationError("wrk failed against \(url): \(result.errors)\(result.output)")
        }
        guard figures.non2xx == 0 else { throw ValidationError("\(figures.non2xx) responses from \(url) were not 2xx") }
        figures.coresUsed = (Self.processCPUSeconds() - cpuBefore) / wall
        return figures
    }

    static func taskset() throws -> String {
        guard let taskset = ChildProcess.locate("taskset", candidates: ["/usr/bin/taskset"]) else {
            throw ValidationError("taskset is not installed (apt-get install util-linux)")
        }
        return taskset
    }

    /// Every thread of this process, present and future, on the given CPU list.
    static func pinThisProcess(to cpus: String) async throws {
        let result = try await ChildProcess.run(try taskset(), ["-a", "-p", "-c", cpus, String(getpid())])
        guard result.status == 0 else { throw ValidationError("taskset failed: \(result.errors)") }
    }

    /// User plus system CPU time of this whole process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The run with the median requests/s.
    static func median(_ runs: [Figures]) -> Figures {
        runs.sorted { $0.requestsPerSecond < $1.requestsPerSecond }[runs.count / 2]
    }

    static func parse(_ report: String) -> Figures? {
        var requests: Double?
        var p99: Double?
        var non2xx = 0
        for line in report.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first == "Requests/sec:", fields.count == 2 { requests = Double(fields[1]) }
            if fields.first == "99%", fields.count == 2 { p99 = milliseconds(String(fields[1])) }
            if line.contains("Non-2xx or 3xx responses:"), let last = fields.last { non2xx = Int(last) ?? 0 }
        }
        guard let requests, let p99 else { return nil }
        return Figures(requestsPerSecond: requests, p99Milliseconds: p99, non2xx: non2xx)
    }

    /// wrk prints latencies as "812.00us", "1.23ms" or "2.01s".
    static func milliseconds(_ text: String) -> Double? {
        for (suffix, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * factor }
        }
        return nil
    }
}

/// nginx serving files from a folder on a loopback port: the reference for "serving bytes".
struct StaticFileServer {
    let process: Process
    let base: String

    static func start(serving files: [String: Data], in folder: URL) async throws -> StaticFileServer {
        guard let nginx = ChildProcess.locate("nginx", candidates: ["/usr/sbin/nginx"]) else {
            throw ValidationError("nginx is not installed (apt-get install nginx-light), or pass --skip-nginx")
        }
        let root = folder.appending(path: "static")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: root.appending(path: name)) }
        let configuration = { (port: Int) in
            """
            worker_processes auto;
            daemon off;
            pid \(folder.path)/nginx.pid;
            error_log \(folder.path)/nginx-error.log;
            events { worker_connections 1024; }
            http {
                access_log off;
                sendfile on;
                tcp_nopush on;
                keepalive_requests 1000000;
                types { application/json json; }
                client_body_temp_path \(folder.path)/body;
                proxy_temp_path \(folder.path)/proxy;
                fastcgi_temp_path \(folder.path)/fastcgi;
                uwsgi_temp_path \(folder.path)/uwsgi;
                scgi_temp_path \(folder.path)/scgi;
                server {
                    listen 127.0.0.1:\(port);
                    root \(root.path);
                    etag on;
                }
            }
            """
        }
        let file = folder.appending(path: "nginx.conf")
        let (process, base) = try await ServerProcess.start(
            { port in
                try configuration(port).write(to: file, atomically: true, encoding: .utf8)
                return try await ChildProcess.start(nginx, ["-c", file.path, "-p", folder.path])
            }, answering: "/jwks.json", failure: "nginx did not start; see \(folder.path)/nginx-error.log")
        return StaticFileServer(process: process, base: base)
    }

    /// SIGTERM is nginx's fast shutdown.
    func stop() { ServerProcess.stop(process) }
}

/// A reference server the benchmark started as a child process.
enum ServerProcess {
    /// Launches a child on a free loopback port and waits until `path` answers there. A port found free
    /// can be taken before the child binds it (`FreePort` probes, then lets go): a child that exits
    /// before answering is started again on another port, three times at most.
    static func start(_ launch: (Int) async throws -> Process, answering path: String, failure: String) async throws -> (
        process: Process, base: String
    ) {
        for _ in 0..<3 {
            let port = try FreePort.loopback()
            let process = try await launch(port)
            let base = "http://127.0.0.1:\(port)"
            if try await answers(base + path, within: 100, while: process) { return (process, base) }
            let exited = !process.isRunning
            stop(process)
            if !exited { break }
        }
        throw ValidationError(failure)
    }

    /// Whether `url` answers 2xx within `attempts` tries 100 ms apart (the server has started); false
    /// at once when `process` has exited.
    static func answers(_ url: String, within attempts: Int, while process: Process) async throws -> Bool {
        for _ in 0..<attempts where process.isRunning {
            if let curl = ChildProcess.locate("curl"), try await ChildProcess.run(curl, ["-sf", "-o", "/dev/null", url]).status == 0 {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// SIGTERM, then up to five seconds for it to go. `waitUntilExit` would wait on a run loop nobody
    /// spins here, so poll.
    static func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        for _ in 0..<50 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
    }
}

/// `openssl speed`'s RSA-2048 signatures per second on one core.
enum OpenSSLSpeed {
    static func rsa2048SignaturesPerSecond(seconds: Int) async throws -> Double {
        guard let openssl = ChildProcess.locate("openssl") else { throw ValidationError("openssl is not installed") }
        let result = try await ChildProcess.run(openssl, ["speed", "-seconds", String(seconds), "rsa2048"])
        // "rsa 2048 bits 0.000651s 0.000019s   1535.6  51813.5": sign/s is the sixth field.
        for line in result.output.split(separator: "\n") where line.hasPrefix("rsa 2048 bits") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 7, let signs = Double(fields[5]) { return signs }
        }
        throw ValidationError("cannot read openssl speed's output:\n\(result.output)")
    }
}

/// PS256 signatures per second with Registrar's own signing code, no HTTP: the ceiling for SSA issuance.
enum SigningRate {
    static func measure(threads: Int, seconds: Double) throws -> Double {
        let key = try SigningKey.generate(.PS256)
        let input = Data(repeating: 0x41, count: 1500)
        let deadline = Date().addingTimeInterval(seconds)
        let counts = Mutex<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<threads {
            DispatchQueue.global().async(group: group) {
                var done = 0
                while Date() < deadline {
                    _ = try? key.sign(input)
                    done += 1
                }
                counts.withLock { $0 += done }
            }
        }
        group.wait()
        return Double(counts.withLock { $0 }) / seconds
    }
}
