import Directory
import Foundation
import Testing

@Suite struct TimestampTests {
    func foundation(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// The hand-written formatter writes what Foundation's ISO 8601 style writes, milliseconds included.
    @Test func formatsAsFoundationDoes() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [TimeInterval] = [0, -0.001, 0.0005, 0.9999, 951_782_400, 1_790_000_000.123, 253_402_300_799.999, -62_135_596_800]
        let random = (0..<2000).map { _ in
            TimeInterval(Int64.random(in: -62_000_000_000_000...253_000_000_000_000, using: &generator)) / 1000
        }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.format(date) == foundation(date), "\(seconds)")
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
