import Foundation
import Keys
import NIOCore

/// RFC 9440: a TLS-terminating proxy passes the client's certificate as `Client-Cert` (one Structured
/// Field Byte Sequence, `:base64-DER:`) and the rest of the chain as `Client-Cert-Chain` (a list of them).
enum ClientCertificateHeaders {
    static let certificate = "Client-Cert"
    static let chain = "Client-Cert-Chain"
    /// A certificate is rarely over 4 KiB; ten of them is a generous chain.
    static let maximumHeaderLength = 64 * 1024
    static let maximumChainLength = 10

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The DER bytes of one `:base64:` byte sequence (RFC 8941 §3.3.5).
    static func byteSequence(_ text: Substring) throws -> Data {
        let trimmed = ASCIIWhitespace.trimming(text.utf8)
        guard trimmed.count >= 2, trimmed.first == UInt8(ascii: ":"), trimmed.last == UInt8(ascii: ":"),
            let bytes = Base64.decode(bytes: trimmed.dropFirst().dropLast()), !bytes.isEmpty
        else { throw Malformed(description: "\(certificate) must be a structured-field byte sequence (:base64 DER:)") }
        return bytes
    }

    /// The leaf and the chain, as DER, from the two header values.
    static func parse(certificate value: String, chain: String?) throws -> (leaf: Data, chain: [Data]) {
        guard value.utf8.count + (chain?.utf8.count ?? 0) <= maximumHeaderLength else {
            throw Malformed(description: "the client certificate headers are larger than \(maximumHeaderLength) bytes")
        }
        let leaf = try byteSequence(Substring(value))
        let members = chain.map { $0.split(separator: ",") } ?? []
        guard members.count <= maximumChainLength else {
            throw Malformed(description: "\(Self.chain) has more than \(maximumChainLength) certificates")
        }
        return (leaf, try members.map(byteSequence))
    }
}

/// Addresses whose RFC 9440 headers are believed: single addresses or CIDR ranges, IPv4 or IPv6.
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        var network: [UInt8]
        var prefixLength: Int
    }

    let ranges: [Range]

    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) { self.ranges = ranges }

    /// Parses `10.0.0.0/8, 127.0.0.1, ::1`; an entry that is not an address or range is refused by name.
    public init(parsing list: String) throws {
        var ranges: [Range] = []
        for entry in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1)
            guard let bytes = Self.addressBytes(String(parts[0])) else {
                throw ClientCertificateHeaders.Malformed(description: "'\(entry)' is not an IP address")
            }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else {
                throw ClientCertificateHeaders.Malformed(description: "'\(entry)' has an invalid prefix length")
            }
            ranges.append(Range(network: bytes, prefixLength: prefix))
        }
        self.ranges = ranges
    }

    public var isEmpty: Bool { ranges.isEmpty }

    func contains(_ address: SocketAddress?) -> Bool {
        address?.ipAddress.map(contains(ipAddress:)) ?? false
    }

    public func contains(ipAddress text: String) -> Bool {
        guard let bytes = Self.addressBytes(text) else { return false }
        return ranges.contains { range in
            guard range.network.count == bytes.count else { return false }
            var remaining = range.prefixLength
            for (network, candidate) in zip(range.network, bytes) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if network & mask != candidate & mask { return false }
                remaining -= 8
            }
            return true
        }
    }

    static func addressBytes(_ text: String) -> [UInt8]? {
        guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return nil }
        switch address {
        case .v4(let v4): return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6): return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default: return nil
        }
    }
}
