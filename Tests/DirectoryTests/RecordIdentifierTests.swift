import Foundation
import Testing

@testable import Directory

/// Record identifiers are UUIDv7 (RFC 9562 §5.7): time-ordered for the store's indexes, random enough
/// not to be guessed from one another.
@Suite struct RecordIdentifierTests {
    @Test func identifiersAreVersion7UUIDsWithTheCreationTime() throws {
        let instant = Date(timeIntervalSince1970: 1_795_000_000.123)
        let identifier = RecordIdentifier.make(at: instant)
        #expect(RecordIdentifier.isWellFormed(identifier))
        let uuid = try #require(UUID(uuidString: identifier)).uuid
        #expect(uuid.6 >> 4 == 7, "version")
        #expect(uuid.8 >> 6 == 0b10, "variant")
        let milliseconds = [uuid.0, uuid.1, uuid.2, uuid.3, uuid.4, uuid.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_795_000_000_123)
    }

    @Test func laterIdentifiersSortAfterEarlierOnesAndNoneRepeat() {
        // Half a millisecond into a whole second: adding n ms in floating point never lands on a
        // millisecond's edge, where truncation could give two instants the same millisecond.
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) + 0.0005)
        let identifiers = (0..<2_000).map { RecordIdentifier.make(at: start.addingTimeInterval(Double($0) / 1000)) }
        #expect(identifiers == identifiers.sorted())
        let sameInstant = (0..<2_000).map { _ in RecordIdentifier.make(at: start) }
        #expect(Set(sameInstant).count == 2_000)
        // 74 random bits: within one millisecond, no two share their random tail's first 64 bits either.
        #expect(Set(sameInstant.map { $0.suffix(17) }).count == 2_000)
    }

    @Test func earlierRandomIdentifiersStayWellFormed() {
        #expect(RecordIdentifier.isWellFormed(UUID().uuidString.lowercased()))
        #expect(!RecordIdentifier.isWellFormed(UUID().uuidString))
        #expect(!RecordIdentifier.isWellFormed("0192f0c4-7b3a-7c00-8000-00000000000"))
    }
}
