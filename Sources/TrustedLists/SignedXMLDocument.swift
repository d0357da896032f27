import CXMLSignature
import Foundation

/// Why a trusted list was not accepted: it does not parse as one, or its signature is not trusted.
public enum TrustedListFailure: Error, CustomStringConvertible, Equatable {
    case malformed(String)
    case refused(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "not a usable trusted list: \(reason)"
        case .refused(let reason): "signature refused: \(reason)"
        }
    }
}

/// An XML document parsed by libxml2 with every dangerous feature off (no network, no DTD, no entity
/// substitution), whose one enveloped signature can be verified against a pinned key. The fields are
/// read from the very tree that was verified, never from a second parse.
final class SignedXMLDocument {
    /// The EU LOTL is under 0.5 MB; a hundred times that is no trusted list.
    static let maximumBytes = 50 * 1024 * 1024
    private let document: OpaquePointer

    init(_ bytes: Data) throws(TrustedListFailure) {
        guard bytes.count <= Self.maximumBytes else { throw .malformed("the document is larger than \(Self.maximumBytes / 1_048_576) MiB") }
        guard !bytes.isEmpty else { throw .malformed("the document is empty") }
        var error = [CChar](repeating: 0, count: 256)
        let parsed = bytes.withUnsafeBytes { raw in
            registrar_xml_parse(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count, &error, error.count)
        }
        guard let parsed else { throw .malformed(Self.message(error)) }
        document = parsed
    }

    deinit { registrar_xml_free(document) }

    /// Succeeds when the document's single enveloped signature verifies with `signerDER`'s public key.
    func verifySignature(signerDER: [UInt8]) throws(TrustedListFailure) {
        var error = [CChar](repeating: 0, count: 256)
        let verified = signerDER.withUnsafeBufferPointer {
            registrar_xml_verify_signature(document, $0.baseAddress, $0.count, &error, error.count)
        }
        guard verified == 1 else { throw .refused(Self.message(error)) }
    }

    /// A certificate's validity period as OpenSSL reads it (any curve), nil when it does not parse.
    static func validity(of der: [UInt8]) -> ClosedRange<Date>? {
        var notBefore: Int64 = 0
        var notAfter: Int64 = 0
        let status = der.withUnsafeBufferPointer { registrar_xml_certificate_validity($0.baseAddress, $0.count, &notBefore, &notAfter) }
        guard status == 0, notBefore <= notAfter else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(notBefore))...Date(timeIntervalSince1970: TimeInterval(notAfter))
    }

    private static func message(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The element tree, for reading fields.
    func root() -> XMLElementNode {
        let builder = TreeBuilder()
        let context = Unmanaged.passUnretained(builder).toOpaque()
        registrar_xml_walk(
            document,
            { context, event, namespace, name, value in
                Unmanaged<TreeBuilder>.fromOpaque(context!).takeUnretainedValue().receive(event, namespace, name, value)
            }, context)
        return builder.finished ?? XMLElementNode(namespace: nil, name: "")
    }
}

/// One element: its name, attributes, child elements and direct text.
struct XMLElementNode: Sendable {
    var namespace: String?
    var name: String
    var attributes: [String: String] = [:]
    var children: [XMLElementNode] = []
    var text = ""

    func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }
    func children(_ name: String) -> [XMLElementNode] { children.filter { $0.name == name } }

    /// The first element down a path of child names.
    func find(_ path: String...) -> XMLElementNode? {
        var node = self
        for name in path {
            guard let next = node.child(name) else { return nil }
            node = next
        }
        return node
    }

    /// Every element named `name` at any depth below.
    func descendants(_ name: String) -> [XMLElementNode] {
        children.flatMap { ($0.name == name ? [$0] : []) + $0.descendants(name) }
    }

    var value: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}

private final class TreeBuilder {
    var stack: [XMLElementNode] = []
    var finished: XMLElementNode?

    func receive(_ event: Int32, _ namespace: UnsafePointer<CChar>?, _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) {
        switch UInt32(event) {
        case REGISTRAR_XML_START.rawValue:
            stack.append(XMLElementNode(namespace: namespace.map { String(cString: $0) }, name: name.map { String(cString: $0) } ?? ""))
        case REGISTRAR_XML_ATTRIBUTE.rawValue:
            guard !stack.isEmpty, let name, let value else { return }
            stack[stack.count - 1].attributes[String(cString: name)] = String(cString: value)
        case REGISTRAR_XML_TEXT.rawValue:
            guard !stack.isEmpty, let value else { return }
            stack[stack.count - 1].text += String(cString: value)
        case REGISTRAR_XML_END.rawValue:
            guard let element = stack.popLast() else { return }
            if stack.isEmpty { finished = element } else { stack[stack.count - 1].children.append(element) }
        default: break
        }
    }
}
