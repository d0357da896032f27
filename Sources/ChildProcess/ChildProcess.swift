import Foundation

/// Runs another program to completion and collects its output.
///
/// The wait happens on a thread of its own: Swift's cooperative pool has one thread per core (two
/// here), and blocking it would starve an in-process server the child is talking to.
///
/// ```swift
/// let result = try await ChildProcess.run("/usr/bin/wrk", ["-c32", "http://127.0.0.1:8080/jwks"])
/// print(result.status, result.output)
/// ```
public enum ChildProcess {
    /// Foundation's `Process.run()` is not safe to call from several threads at once on Linux: a full
    /// test run with many witnesses starting together crashed inside it (a bad pointer in its memcpy).
    /// Spawning is a millisecond; waiting for the child, which is what takes time, stays concurrent.
    private static let spawning = NSLock()

    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
    }

    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:], directory: URL? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                unblockSignals()
                continuation.resume(
                    with: Swift.Result {
                        try runBlocking(executable, arguments, input: input, environment: environment, directory: directory)
                    })
            }.start()
        }
    }

    /// Starts a long-running program (a server) and returns it; the caller terminates it.
    public static func start(_ executable: String, _ arguments: [String], directory: URL? = nil) async throws -> Process {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                unblockSignals()
                continuation.resume(with: Swift.Result { try startBlocking(executable, arguments, directory: directory) })
            }.start()
        }
    }

    private static func startBlocking(_ executable: String, _ arguments: [String], directory: URL?) throws -> Process {
        let process = Process()
        process.executableURL = URL(filePath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try spawning.withLock { try process.run() }
        return process
    }

    /// The first of `candidates` that exists and is executable, else the name looked up on PATH.
    public static func locate(_ name: String, candidates: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let all = candidates + path.split(separator: ":").map { "\($0)/\(name)" }
        return all.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A child inherits the spawning thread's signal mask, and Swift's and NIO's threads block signals:
    /// a child that times itself with SIGALRM (`openssl speed`) would then never stop. Spawn with none blocked.
    private static func unblockSignals() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], input: Data?, environment: [String: String], directory: URL?
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(filePath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe(), errors = Pipe(), standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput
        try spawning.withLock { try process.run() }
        if let input { standardInput.fileHandleForWriting.write(input) }
        try standardInput.fileHandleForWriting.close()
        // Drain stderr on another thread so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errorData = Data()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData, as: UTF8.self))
    }
}
