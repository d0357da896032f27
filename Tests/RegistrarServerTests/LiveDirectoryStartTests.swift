import Foundation
import NIOCore
import NIOPosix
import Testing

/// A test server that cannot listen must fail its test at once: before, the harness waited forever for
/// a "listening" signal that never came, and the whole suite stalled with every thread idle.
@Suite struct LiveDirectoryStartTests {
    @Test func aServerWhosePortIsTakenFailsInsteadOfWaitingForever() async throws {
        let squatter = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let taken = try #require(squatter.localAddress?.port)
        await #expect(throws: LiveDirectory.ServerDidNotStart.self) {
            try await LiveDirectory.run(configure: { $0.port = taken }) { _ in
                Issue.record("the body ran without a server")
            }
        }
        try await squatter.close()
    }
}
