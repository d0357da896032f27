// swift-tools-version:6.1
import PackageDescription

// Dependencies point downward only:
//   registrar (CLI) → RegistrarServer → Directory, Storage → PKI → Keys
// Storage implements the store protocols that Directory declares.
let package = Package(
    name: "registrar",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "registrar", targets: ["registrar"]),
        .executable(name: "registrar-bench", targets: ["registrar-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", exact: "1.7.4"),
    ],
    targets: [
        // RSASSA-PSS signing through the system's OpenSSL (libssl-dev), several times faster than BoringSSL here.
        .target(name: "COpenSSLSigning", linkerSettings: [.linkedLibrary("crypto")]),
        // Path validation through the system's OpenSSL for RSASSA-PSS-signed certificates.
        .target(name: "COpenSSLChain", linkerSettings: [.linkedLibrary("crypto")]),
        .target(
            name: "Keys",
            dependencies: [
                "COpenSSLSigning",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // X.509 for the directory CA and for validating what participants present; no store, no HTTP.
        .target(
            name: "PKI",
            dependencies: [
                "Keys", "COpenSSLChain",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // libxml2 + xmlsec1 for ETSI TS 119 612 trusted lists: a system library, a C shim that keeps
        // libxml2 out of Swift, and the Swift module that reads and verifies lists.
        .systemLibrary(
            name: "CLibXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev", "libxml2-dev"])]),
        .target(
            name: "CXMLSignature",
            dependencies: ["CLibXMLSec"],
            cSettings: [
                // SwiftPM drops pkg-config's -D flags; xmlsec's struct layout depends on them.
                .define("XMLSEC_NO_SIZE_T"), .define("XMLSEC_CRYPTO_OPENSSL", to: "1"),
                .define("XMLSEC_NO_CRYPTO_DYNAMIC_LOADING", to: "1"), .define("XMLSEC_OPENSSL3_ENGINES", to: "1"),
                .define("XMLSEC_NO_GOST", to: "1"), .define("XMLSEC_NO_GOST2012", to: "1"),
                .define("__XMLSEC_FUNCTION__", to: "__func__"),
            ]
        ),
        .target(
            name: "TrustedLists",
            dependencies: ["CXMLSignature", .product(name: "X509", package: "swift-certificates")]
        ),
        .target(
            name: "Directory",
            dependencies: [
                "Keys", "PKI", "TrustedLists",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Bounded https GETs for remote JWKS and status documents: allowed hosts, public addresses, size and time.
        .target(
            name: "OutboundFetch",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // E-mail over SMTP (RFC 5321, STARTTLS, AUTH PLAIN): invitations and certificate-expiry notices.
        .target(
            name: "Mail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The registration role (RFC 7591/7592): request decoding, named checks, profiles, clients.
        .target(
            name: "Registration",
            dependencies: [
                "Directory", "Keys", "PKI", "OutboundFetch",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Storage",
            dependencies: [
                "Directory",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RegistrarServer",
            dependencies: [
                "Directory", "Registration", "Storage", "Keys", "PKI", "OutboundFetch", "Mail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "registrar",
            dependencies: [
                "RegistrarServer", "Directory", "Storage", "Keys", "PKI", "TrustedLists", "Registration", "Mail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "ChildProcess"),
        .executableTarget(
            name: "registrar-bench",
            dependencies: [
                "RegistrarServer", "Directory", "Storage", "Keys", "PKI", "ChildProcess", "Registration",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "KeysTests",
            dependencies: [
                "Keys", .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "DirectoryTests", dependencies: ["Directory", "Keys"]),
        .testTarget(
            name: "RegistrationTests",
            dependencies: [
                "Registration", "Directory", "Keys", "PKI", "Storage", "ChildProcess", "OutboundFetch",
                .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "TrustedListsTests",
            dependencies: ["TrustedLists", "PKI", "ChildProcess", .product(name: "X509", package: "swift-certificates")]
        ),
        .testTarget(
            name: "PKITests",
            dependencies: [
                "PKI", "Keys", "ChildProcess",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "Directory", "Keys", "PKI", "TrustedLists", "ChildProcess",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RegistrarServerTests",
            dependencies: [
                "RegistrarServer", "Directory", "Storage", "Keys", "PKI", "ChildProcess", "Registration", "OutboundFetch", "Mail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ]
)
