import Crypto
import Foundation

/// The key-encryption key that protects private keys at rest (AES-256-GCM). Every node sharing one
/// database needs the same KEK: it lives in a 0600 file created by `registrar init`, or in
/// `REGISTRAR_KEK` (base64).
///
/// ```swift
/// let kek = try KeyEncryptionKey.loadOrCreate(at: dataFolder.appending(path: "kek"))
/// let sealed = try kek.seal(Data(key.pkcs8PEM.utf8), boundTo: key.kid)
/// let pem = try kek.open(sealed, boundTo: key.kid)
/// ```
public struct KeyEncryptionKey: Sendable {
    public enum Failure: Error, Equatable {
        case wrongLength
        case unreadableFile(String)
        case tooPermissive(String)
        case cannotOpen
    }

    private let key: SymmetricKey
    private static let version = "v1."

    public init(rawBytes: Data) throws {
        guard rawBytes.count == 32 else { throw Failure.wrongLength }
        key = SymmetricKey(data: rawBytes)
    }

    public init(base64: String) throws {
        guard let bytes = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure.wrongLength
        }
        try self.init(rawBytes: bytes)
    }

    public static func generate() -> (key: KeyEncryptionKey, base64: String) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return (try! KeyEncryptionKey(rawBytes: bytes), bytes.base64EncodedString())
    }

    /// Reads the KEK file, refusing one that others can read; creates it (0600) when absent.
    public static func loadOrCreate(at path: String) throws -> KeyEncryptionKey {
        let files = FileManager.default
        if !files.fileExists(atPath: path) {
            let (key, base64) = generate()
            guard files.createFile(atPath: path, contents: Data((base64 + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Failure.unreadableFile(path)
            }
            return key
        }
        let attributes = try files.attributesOfItem(atPath: path)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw Failure.tooPermissive(path)
        }
        guard let data = files.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure.unreadableFile(path)
        }
        return try KeyEncryptionKey(base64: text)
    }

    /// The ciphertext is bound to `context` (the key id) as additional authenticated data, so a sealed key
    /// cannot be swapped onto another record.
    public func seal(_ plaintext: Data, boundTo context: String) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw Failure.cannotOpen }
        return Self.version + combined.base64EncodedString()
    }

    public func open(_ sealed: String, boundTo context: String) throws -> Data {
        guard sealed.hasPrefix(Self.version), let combined = Data(base64Encoded: String(sealed.dropFirst(Self.version.count))),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        else { throw Failure.cannotOpen }
        return plaintext
    }
}
