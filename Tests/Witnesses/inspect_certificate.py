"""Reads a certificate the way an independent relying party would, with pyca/cryptography, and prints
what it finds as JSON: subject attributes, key usages, and the qcStatements extension decoded by a small
DER reader written here (cryptography keeps unknown extensions as raw bytes)."""
import json
import sys

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

QC_STATEMENTS = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")
QC_TYPES = {"0.4.0.1862.1.6.1": "esign", "0.4.0.1862.1.6.2": "eseal", "0.4.0.1862.1.6.3": "web"}


def read_tlv(data, offset):
    tag = data[offset]
    length = data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[offset:offset + count], "big")
        offset += count
    return tag, data[offset:offset + length], offset + length


def children(data):
    offset, items = 0, []
    while offset < len(data):
        tag, value, offset = read_tlv(data, offset)
        items.append((tag, value))
    return items


def oid(value):
    first = value[0]
    parts, number = [first // 40, first % 40], 0
    for byte in value[1:]:
        number = (number << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(number)
            number = 0
    return ".".join(str(p) for p in parts)


def qc_statements(raw):
    tag, body, _ = read_tlv(raw, 0)
    assert tag == 0x30, "qcStatements is not a SEQUENCE"
    result = {"statements": []}
    for statement_tag, statement in children(body):
        assert statement_tag == 0x30
        parts = children(statement)
        statement_id = oid(parts[0][1])
        result["statements"].append(statement_id)
        if statement_id == "0.4.0.1862.1.6":
            result["types"] = [QC_TYPES.get(oid(v), oid(v)) for _, v in children(parts[1][1])]
        if statement_id == "0.4.0.19495.2":
            roles, name, nca_id = children(parts[1][1])
            result["psd2"] = {
                "roles": [children(role)[1][1].decode() for _, role in children(roles[1])],
                "role_oids": [oid(children(role)[0][1]) for _, role in children(roles[1])],
                "nca_name": name[1].decode(),
                "nca_id": nca_id[1].decode(),
            }
    return result


def main():
    certificate = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
    subject = certificate.subject
    report = {
        "organizationIdentifier": [a.value for a in subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)],
        "commonName": [a.value for a in subject.get_attributes_for_oid(NameOID.COMMON_NAME)],
        "uid": [a.value for a in subject.get_attributes_for_oid(NameOID.USER_ID)],
        "organizationalUnit": [a.value for a in subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)],
    }
    try:
        usage = certificate.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
        report["extendedKeyUsage"] = [u.dotted_string for u in usage]
    except x509.ExtensionNotFound:
        report["extendedKeyUsage"] = []
    try:
        extension = certificate.extensions.get_extension_for_oid(QC_STATEMENTS)
        report["qcStatements"] = qc_statements(extension.value.value)
        report["qcStatementsCritical"] = extension.critical
    except x509.ExtensionNotFound:
        report["qcStatements"] = None
    print(json.dumps(report))


if __name__ == "__main__":
    main()
