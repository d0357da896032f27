import Foundation

/// ETSI TS 119 612 lists that tests write themselves and sign with the xmlsec1 command line, an
/// independent signer: a signer key and certificate made by openssl, a list template, and signing.
public struct TrustedListFixture: Sendable {
    public let openssl: OpenSSLCommand
    public let xmlsec: String
    public var signerPath: String { openssl.path("list-signer.pem") }

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "xmlsec1 is not installed (apt-get install xmlsec1)" }
    }

    public struct SigningFailed: Error, CustomStringConvertible {
        public var errors: String
        public var description: String { "xmlsec1 --sign failed: \(errors)" }
    }

    public init(openssl: OpenSSLCommand) async throws {
        guard let xmlsec = ChildProcess.locate("xmlsec1", candidates: ["/usr/bin/xmlsec1"]) else { throw Unavailable() }
        self.openssl = openssl
        self.xmlsec = xmlsec
        try await openssl.require([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", openssl.path("list-signer.key"),
            "-out", signerPath, "-days", "30", "-subj", "/C=ZZ/O=Test Supervisory Body/CN=Trusted list signer",
            "-addext", "keyUsage=critical,digitalSignature",
        ])
    }

    /// A service of the list: its name and its certificate (PEM or base64 DER).
    public struct Service: Sendable {
        public var name: String
        public var certificate: String
        public var type = "CA/QC"
        public var status = "granted"

        public init(name: String, certificate: String, type: String = "CA/QC", status: String = "granted") {
            self.name = name
            self.certificate = certificate.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            self.type = type
            self.status = status
        }
    }

    /// An unsigned ds:Signature (ECDSA-SHA256, exclusive C14N) whose one reference is `reference`.
    public static func signatureTemplate(reference: String = "") -> String {
        """
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="sig"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
        <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>\
        <ds:Reference URI="\(reference)"><ds:Transforms>\
        <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
        <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>\
        </ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>
        """
    }

    public static func list(
        territory: String = "ZZ", sequence: Int, issued: Date = Date(), services: [Service], signature: String = signatureTemplate()
    ) -> String {
        let entries = services.map { service in
            """
            <TSPService><ServiceInformation>
            <ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/\(service.type)</ServiceTypeIdentifier>
            <ServiceName><Name xml:lang="en">\(service.name)</Name></ServiceName>
            <ServiceDigitalIdentity><DigitalId><X509Certificate>\(service.certificate)</X509Certificate></DigitalId></ServiceDigitalIdentity>
            <ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/\(service.status)</ServiceStatus>
            <StatusStartingTime>2020-01-01T00:00:00Z</StatusStartingTime></ServiceInformation></TSPService>
            """
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" Id="list" TSLTag="http://uri.etsi.org/19612/TSLTag">
            <SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>\(sequence)</TSLSequenceNumber>
            <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>
            <SchemeOperatorName><Name xml:lang="en">Test Supervisory Body</Name></SchemeOperatorName>
            <SchemeTerritory>\(territory)</SchemeTerritory><ListIssueDateTime>\(ISO8601DateFormatter().string(from: issued))</ListIssueDateTime>
            <NextUpdate><dateTime>2099-01-01T00:00:00Z</dateTime></NextUpdate></SchemeInformation>
            <TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="en">Example QTSP</Name></TSPName>
            </TSPInformation><TSPServices>\(entries)</TSPServices></TrustServiceProvider></TrustServiceProviderList>
            \(signature)</TrustServiceStatusList>
            """
    }

    /// Signs `template` with the fixture's signer; the signed list is written to `name` in the scratch folder.
    @discardableResult
    public func sign(_ template: String, as name: String = "signed.xml") async throws -> Data {
        try openssl.write("\(name).template", template)
        let result = try await ChildProcess.run(
            xmlsec,
            [
                "--sign", "--privkey-pem", "\(openssl.path("list-signer.key")),\(signerPath)", "--id-attr:Id", "TrustServiceStatusList",
                "--output", openssl.path(name), openssl.path("\(name).template"),
            ])
        guard result.status == 0 else { throw SigningFailed(errors: result.errors) }
        return try Data(contentsOf: openssl.folder.appending(path: name))
    }
}
