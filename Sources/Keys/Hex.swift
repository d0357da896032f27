import Foundation

private let lowercaseDigits = Array("0123456789abcdef".utf8)
private let uppercaseDigits = Array("0123456789ABCDEF".utf8)

extension Sequence<UInt8> {
    /// Lower-case hexadecimal, as fingerprints and serial numbers are shown.
    public var lowercaseHex: String { hex(digits: lowercaseDigits) }
    public var uppercaseHex: String { hex(digits: uppercaseDigits) }

    private func hex(digits: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
