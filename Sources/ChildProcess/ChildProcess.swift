import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
    /// Children are started one at a time: a spawn is a millisecond, and so no child inherits the pipes
    /// of another being set up. `start` still uses Foundation's `Process` (a few long-running servers).
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
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let child = try spawning.withLock { try Spawned(executable, arguments, environment: variables, directory: directory) }
        if let input { child.write(input) }
        child.closeInput()
        // Drain stderr on another thread so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errorData = Data()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            errorData = Spawned.readAll(child.errors)
            drained.signal()
        }.start()
        let outputData = Spawned.readAll(child.output)
        drained.wait()
        return Result(
            status: child.wait(), output: String(decoding: outputData, as: UTF8.self), errors: String(decoding: errorData, as: UTF8.self))
    }
}

/// A child started with `posix_spawn` and three pipes. Foundation's `Process.run()` is not used here: on
/// Linux it lists the parent's open descriptors to close each in the child, and crashed (a bad pointer in
/// its memcpy) when other threads opened and closed many at once, as a full test run does. These pipes are
/// close-on-exec in the parent; only their dup2'ed copies, 0, 1 and 2, reach the child.
private struct Spawned {
    let pid: pid_t
    let input: Int32
    let output: Int32
    let errors: Int32

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    init(_ executable: String, _ arguments: [String], environment: [String: String], directory: URL?) throws {
        // posix_spawn has no portable chdir: a shell changes directory, then becomes the program.
        let (path, argv): (String, [String]) =
            if let directory {
                ("/bin/sh", ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path, executable] + arguments)
            } else {
                (executable, [executable] + arguments)
            }
        let pipes = try (Self.pipe(), Self.pipe(), Self.pipe())
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes.0.read, 0)
        posix_spawn_file_actions_adddup2(&actions, pipes.1.write, 1)
        posix_spawn_file_actions_adddup2(&actions, pipes.2.write, 2)
        // Nothing else of this process reaches the child: a server's accepted connection inherited by a
        // long-running child would stay open after the server closed it.
        try Self.closeFromThree(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // No signal blocked (Swift's and NIO's threads block some) and SIGPIPE back to its default.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { (arguments + variables).forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, path, &actions, &attributes, arguments, variables)
        for end in [pipes.0.read, pipes.1.write, pipes.2.write] { close(end) }
        guard status == 0 else {
            for end in [pipes.0.write, pipes.1.read, pipes.2.read] { close(end) }
            throw Failed(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        (input, output, errors) = (pipes.0.write, pipes.1.read, pipes.2.read)
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+, a GNU extension the Glibc module does not
    /// declare), found at run time.
    private static let addClosefrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    private static func closeFromThree(_ actions: inout posix_spawn_file_actions_t) throws {
        guard let addClosefrom else {
            throw Failed(description: "this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34+)")
        }
        guard addClosefrom(&actions, 3) == 0 else { throw Failed(description: "posix_spawn_file_actions_addclosefrom_np failed") }
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else { throw Failed(description: "pipe: \(String(cString: strerror(errno)))") }
        // Close-on-exec at once: spawns happen one at a time (`ChildProcess.spawning`), so no other child
        // can be started between the two calls and inherit these ends.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    func write(_ data: Data) {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(input, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // the child stopped reading; what it says shows that
                }
                offset += written
            }
        }
    }

    func closeInput() { close(input) }

    /// Everything until end of file, then the descriptor closed.
    static func readAll(_ descriptor: Int32) -> Data {
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return data
            }
        }
    }

    /// The exit status, or the number of the signal that ended it.
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }
}
