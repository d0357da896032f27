/// Which IP addresses count as public: what an outbound fetch may connect to unless the policy allows
/// non-public ones. Refused: unspecified, loopback, RFC 1918 private, carrier-grade NAT, link-local
/// (cloud metadata lives at 169.254.169.254), benchmarking, documentation, multicast and reserved
/// ranges; IPv6 unique-local, link-local, multicast, and IPv4 embedded in IPv6 by the same rules.
public enum AddressRules {
    public static func isPublic(ipv4 bytes: [UInt8]) -> Bool {
        guard bytes.count == 4 else { return false }
        let (a, b, c) = (bytes[0], bytes[1], bytes[2])
        switch a {
        case 0, 10, 127: return false
        case 100 where (64...127).contains(b): return false  // 100.64.0.0/10
        case 169 where b == 254: return false
        case 172 where (16...31).contains(b): return false
        case 192 where b == 168: return false
        case 192 where b == 0 && (c == 0 || c == 2): return false  // 192.0.0.0/24, 192.0.2.0/24
        case 198 where b == 18 || b == 19: return false  // 198.18.0.0/15
        case 198 where b == 51 && c == 100: return false
        case 203 where b == 0 && c == 113: return false
        case 224...255: return false  // multicast, reserved, broadcast
        default: return true
        }
    }

    public static func isPublic(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return false }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) {
            // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), ::1 and :: all lie here.
            if bytes[10] == 0xff, bytes[11] == 0xff { return isPublic(ipv4: Array(bytes[12..<16])) }
            return false
        }
        // 64:ff9b::/96, NAT64's well-known prefix, embeds the IPv4 address in its last four bytes.
        if bytes[0] == 0x00, bytes[1] == 0x64, bytes[2] == 0xff, bytes[3] == 0x9b { return isPublic(ipv4: Array(bytes[12..<16])) }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return isPublic(ipv4: Array(bytes[2..<6])) }  // 6to4
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x0d, bytes[3] == 0xb8 { return false }  // documentation
        if bytes[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local
        if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xff { return false }  // multicast
        return true
    }
}
