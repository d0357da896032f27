import ChildProcess
import Foundation
import Testing

/// Runs the independent programs that judge Registrar's output: Python's PyJWT/jwcrypto/jsonschema, curl,
/// and the `registrar` binary itself for CLI behaviour.
enum Witness {
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    typealias Result = ChildProcess.Result

    /// The Python with the witness packages (scripts/test sets REGISTRAR_TEST_PYTHON).
    static var python: String? { ProcessInfo.processInfo.environment["REGISTRAR_TEST_PYTHON"] }

    /// Under scripts/test every witness must be present: a missing one fails instead of skipping.
    static var strict: Bool { ProcessInfo.processInfo.environment["REGISTRAR_TEST_STRICT"] == "1" }

    static var pythonAvailable: Bool { python != nil }

    static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
        directory: URL? = nil
    ) async throws -> Result {
        try await ChildProcess.run(executable, arguments, input: input, environment: environment, directory: directory)
    }

    /// Runs one of Tests/Witnesses/*.py; records the script's own words when it fails.
    @discardableResult
    static func python(_ script: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
        guard let python else {
            throw WitnessUnavailable(what: "REGISTRAR_TEST_PYTHON is not set; run scripts/test")
        }
        let path = packageRoot.appending(path: "Tests/Witnesses/\(script)").path
        let result = try await run(python, [path] + arguments)
        #expect(result.status == 0, "\(script) failed:\n\(result.output)\(result.errors)", sourceLocation: sourceLocation)
        return result
    }

    static var registrarBinary: String { packageRoot.appending(path: ".build/debug/registrar").path }

    struct WitnessUnavailable: Error, CustomStringConvertible {
        var what: String
        var description: String { what }
    }
}

/// Witness tests run when the witnesses are there, and must run under scripts/test.
let witnessesAvailable: ConditionTrait = .enabled(
    if: Witness.pythonAvailable || Witness.strict, "needs the Python witnesses (scripts/test)")
