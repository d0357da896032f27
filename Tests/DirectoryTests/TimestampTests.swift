import Directory
import Foundation
import Testing

@Suite struct TimestampTests {
    func foundation(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// The hand-written formatter writes what Foundation's ISO 8601 style writes, milliseconds included,
    /// except where the date lies a hair (up to a microsecond, or two ulps) below a millisecond:
    /// Foundation writes the millisecond before (1_790_000_000.123 as ".122"), this one the millisecond
    /// the date was made from, so that what it writes reads back to the same text.
    @Test func formatsAsFoundationDoes() throws {
        var generator = SystemRandomNumberGenerator()
        let fixed: [TimeInterval] = [0, -0.001, 0.0005, 0.9999, 951_782_400, 1_790_000_000.123, 253_402_300_799.999, -62_135_596_800]
        let random = (0..<2000).map { _ in
            TimeInterval(Int64.random(in: -62_000_000_000_000...253_000_000_000_000, using: &generator)) / 1000
        }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            let ours = Timestamp.format(date)
            let theirs = foundation(date)
            guard ours != theirs else { continue }
            let written = try #require(Timestamp.parse(ours)).timeIntervalSinceReferenceDate
            let truncated = try #require(Timestamp.parse(theirs)).timeIntervalSinceReferenceDate
            #expect(abs(written - truncated - 0.001) <= max(1e-6, written.ulp * 4), "one millisecond apart: \(ours) \(theirs)")
            let below = written - date.timeIntervalSinceReferenceDate
            #expect(below >= 0 && below <= max(1e-6, date.timeIntervalSinceReferenceDate.ulp * 2), "\(seconds): \(below)")
        }
    }

    /// Writing, reading and writing again gives the same text, for every millisecond: a record whose
    /// dates are re-encoded at each update keeps them.
    @Test func everyMillisecondSurvivesARoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let milliseconds = Int64.random(in: 0...4_102_444_800_000, using: &generator)
            let written = Timestamp.format(Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000))
            #expect(written.hasSuffix(String(format: ".%03dZ", Int(milliseconds % 1000))), "\(milliseconds)")
            let read = try #require(Timestamp.parse(written))
            #expect(Timestamp.format(read) == written)
        }
    }

    @Test func readsBackWhatItWrites() {
        let date = Date(timeIntervalSince1970: 1_790_000_000.5)
        #expect(Timestamp.format(date) == "2026-09-21T14:13:20.500Z")
        #expect(Timestamp.parse(Timestamp.format(date)) == date)
        #expect(Timestamp.format(.distantFuture) == foundation(.distantFuture))
        #expect(Timestamp.format(.distantPast) == foundation(.distantPast))
    }
}
