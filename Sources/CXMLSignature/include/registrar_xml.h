#ifndef REGISTRAR_XML_H
#define REGISTRAR_XML_H
/* Parsing and enveloped XMLDSig/XAdES verification of ETSI TS 119 612 trusted lists with libxml2 and
   xmlsec1. Nothing of libxml2 shows here: Swift sees an opaque document, a verdict and a walk. */
#include <stddef.h>

typedef struct registrar_xml_document registrar_xml_document;

/* Once per process; later calls return the first result. 0 on success. */
int registrar_xml_initialize(void);

/* Parses without network, DTD loading or entity substitution; a document with a DOCTYPE is refused.
   NULL with `error` filled when refused or malformed. */
registrar_xml_document *registrar_xml_parse(const char *bytes, size_t length, char *error, size_t error_size);
void registrar_xml_free(registrar_xml_document *document);

/* Verifies the document's one enveloped signature with the public key of `signer_der` (an X.509
   certificate), refusing unsigned, doubly signed, non-enveloped and wrapped documents.
   1 verified; 0 refused, `error` says why. */
int registrar_xml_verify_signature(
    registrar_xml_document *document, const unsigned char *signer_der, size_t der_length, char *error, size_t error_size);

/* notBefore and notAfter of a DER certificate, seconds since 1970. 0 on success. */
int registrar_xml_certificate_validity(const unsigned char *der, size_t length, long long *not_before, long long *not_after);

enum registrar_xml_event { REGISTRAR_XML_START = 1, REGISTRAR_XML_END = 2, REGISTRAR_XML_TEXT = 3, REGISTRAR_XML_ATTRIBUTE = 4 };
/* Element start (namespace, name), attribute (namespace, name, value), text (value), element end. */
typedef void (*registrar_xml_visitor)(void *context, int event, const char *namespace_uri, const char *name, const char *value);
void registrar_xml_walk(const registrar_xml_document *document, registrar_xml_visitor visitor, void *context);

#endif
