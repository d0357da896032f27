/// Why the PKI refused something, in words an operator or a participant can act on.
public enum PKIFailure: Error, Equatable, CustomStringConvertible {
    /// The input is not what it claims to be: not PEM, not DER, not a CSR, truncated, oversized.
    case malformed(String)
    /// Well-formed but not acceptable: weak key, bad signature, wrong purpose.
    case refused(String)

    public var description: String {
        switch self {
        case .malformed(let why), .refused(let why): why
        }
    }
}
