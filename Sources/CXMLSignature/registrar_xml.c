#define _GNU_SOURCE
#include "registrar_xml.h"
#include "../CLibXMLSec/shim.h"
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/keys.h>
#include <xmlsec/errors.h>
#include <xmlsec/transforms.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/crypto.h>
#include <limits.h>
#include <openssl/x509.h>
#include <time.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct registrar_xml_document {
    xmlDocPtr doc;
};

/* xmlsec reports through a global callback; keep the last message of this thread for the caller. */
static __thread char last_xmlsec_error[256];

static void remember_xmlsec_error(const char *file, int line, const char *func, const char *object, const char *subject,
                                  int reason, const char *message) {
    (void)file; (void)line; (void)func; (void)object;
    snprintf(last_xmlsec_error, sizeof last_xmlsec_error, "%s%s%s", subject ? subject : "", subject ? ": " : "",
             message ? message : xmlSecErrorsGetMsg((xmlSecSize)reason));
}

static void ignore_libxml_error(void *context, const char *message, ...) { (void)context; (void)message; }
static void ignore_structured_error(void *context, xmlErrorPtr error) { (void)context; (void)error; }

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int initialized = -1;

static void initialize_once(void) {
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, ignore_libxml_error);
    xmlSetStructuredErrorFunc(NULL, ignore_structured_error);
    if (xmlSecInit() < 0) { initialized = -1; return; }
    if (xmlSecCheckVersion() != 1) { initialized = -2; return; } /* headers and library disagree */
    if (xmlSecOpenSSLAppInit(NULL) < 0 || xmlSecOpenSSLInit() < 0) { initialized = -3; return; }
    xmlSecErrorsSetCallback(remember_xmlsec_error);
    initialized = 0;
}

int registrar_xml_initialize(void) {
    pthread_once(&once, initialize_once);
    return initialized;
}

static void set_error(char *error, size_t size, const char *message) {
    if (error && size) snprintf(error, size, "%s", message);
}

registrar_xml_document *registrar_xml_parse(const char *bytes, size_t length, char *error, size_t error_size) {
    if (registrar_xml_initialize() != 0) { set_error(error, error_size, "libxml2/xmlsec1 did not initialise"); return NULL; }
    if (length > INT_MAX) { set_error(error, error_size, "the document is too large"); return NULL; }
    if (length >= 2 && ((unsigned char)bytes[0] == 0xFE || (unsigned char)bytes[0] == 0xFF || bytes[0] == 0 || bytes[1] == 0)) {
        set_error(error, error_size, "only UTF-8 documents are read");
        return NULL;
    }
    /* DTDs are how XXE and entity expansion ("billion laughs") work, and trusted lists never carry one:
       refuse before the parser sees it, and check again after. */
    if (memmem(bytes, length, "<!DOCTYPE", 9) != NULL) {
        set_error(error, error_size, "the document declares a DTD (<!DOCTYPE>); trusted lists never do, so it is refused");
        return NULL;
    }
    xmlParserCtxtPtr parser = xmlNewParserCtxt();
    if (!parser) { set_error(error, error_size, "out of memory"); return NULL; }
    /* No XML_PARSE_NOENT (no entity substitution), no DTDLOAD/DTDATTR, no network; blanks kept, since
       canonicalisation digests them. */
    xmlDocPtr doc = xmlCtxtReadMemory(parser, bytes, (int)length, "trusted-list.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        xmlErrorPtr failure = xmlCtxtGetLastError(parser);
        if (error && error_size) {
            char message[160] = "unknown error";
            if (failure && failure->message) {
                snprintf(message, sizeof message, "%s", failure->message);
                size_t end = strlen(message);
                while (end > 0 && (message[end - 1] == '\n' || message[end - 1] == ' ')) message[--end] = 0;
            }
            snprintf(error, error_size, "not well-formed XML (line %d: %s)", failure ? failure->line : 0, message);
        }
        xmlFreeParserCtxt(parser);
        return NULL;
    }
    xmlFreeParserCtxt(parser);
    if (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc)) {
        set_error(error, error_size, doc->intSubset || doc->extSubset ? "the document declares a DTD" : "the document has no root element");
        xmlFreeDoc(doc);
        return NULL;
    }
    registrar_xml_document *document = malloc(sizeof *document);
    if (!document) { xmlFreeDoc(doc); set_error(error, error_size, "out of memory"); return NULL; }
    document->doc = doc;
    return document;
}

void registrar_xml_free(registrar_xml_document *document) {
    if (!document) return;
    xmlFreeDoc(document->doc);
    free(document);
}

static int is_dsig_element(xmlNodePtr node, const char *name) {
    return node && node->type == XML_ELEMENT_NODE && node->ns && xmlStrEqual(node->ns->href, xmlSecDSigNs) &&
           xmlStrEqual(node->name, BAD_CAST name);
}

static void find_signatures(xmlNodePtr node, xmlNodePtr *found, int *count) {
    for (xmlNodePtr child = node; child; child = child->next) {
        if (child->type != XML_ELEMENT_NODE) continue;
        if (is_dsig_element(child, "Signature")) {
            if (*count < 2) found[*count] = child;
            (*count)++;
        }
        find_signatures(child->children, found, count);
    }
}

/* Registers every `Id` attribute as an XML ID, so `#id` references resolve; two elements with one Id
   would let a reference pick the wrong one, so that is refused. Returns 0, or -1 with `error` set. */
static int register_ids(xmlDocPtr doc, xmlNodePtr node, char *error, size_t error_size) {
    for (xmlNodePtr child = node; child; child = child->next) {
        if (child->type != XML_ELEMENT_NODE) continue;
        for (xmlAttrPtr attribute = child->properties; attribute; attribute = attribute->next) {
            if (attribute->ns || !xmlStrEqual(attribute->name, BAD_CAST "Id")) continue;
            xmlChar *value = xmlNodeListGetString(doc, attribute->children, 1);
            if (!value) continue;
            int clash = 0;
            xmlAttrPtr existing = xmlGetID(doc, value);
            if (existing && existing != attribute) clash = 1;
            else if (!existing) xmlAddID(NULL, doc, value, attribute);
            if (clash && error) snprintf(error, error_size, "two elements share Id=\"%.80s\" (signature wrapping)", (const char *)value);
            xmlFree(value);
            if (clash) return -1;
        }
        if (register_ids(doc, child->children, error, error_size) < 0) return -1;
    }
    return 0;
}

static int is_inside(xmlNodePtr node, xmlNodePtr ancestor) {
    for (; node; node = node->parent) if (node == ancestor) return 1;
    return 0;
}

/* The signature must cover the whole list (one `URI=""` reference); any other reference may only name
   an element inside the signature itself (XAdES SignedProperties). */
static int check_references(xmlDocPtr doc, xmlNodePtr signature, char *error, size_t error_size) {
    xmlNodePtr signed_info = NULL;
    for (xmlNodePtr child = signature->children; child; child = child->next)
        if (is_dsig_element(child, "SignedInfo")) { signed_info = child; break; }
    if (!signed_info) { set_error(error, error_size, "the signature has no SignedInfo"); return -1; }
    int whole_document = 0;
    for (xmlNodePtr reference = signed_info->children; reference; reference = reference->next) {
        if (!is_dsig_element(reference, "Reference")) continue;
        xmlChar *uri = xmlGetNoNsProp(reference, BAD_CAST "URI");
        int problem = 0;
        if (!uri) {
            set_error(error, error_size, "a signature reference has no URI");
            problem = 1;
        } else if (uri[0] == 0) {
            whole_document++;
        } else if (uri[0] == '#') {
            xmlAttrPtr target = xmlGetID(doc, uri + 1);
            if (!target || !is_inside(target->parent, signature)) {
                if (error) snprintf(error, error_size, "signature reference %.80s points outside the signature (signature wrapping)", (const char *)uri);
                problem = 1;
            }
        } else {
            if (error) snprintf(error, error_size, "signature reference %.80s is not in this document", (const char *)uri);
            problem = 1;
        }
        if (uri) xmlFree(uri);
        if (problem) return -1;
    }
    if (whole_document != 1) {
        set_error(error, error_size, whole_document == 0 ? "the signature does not cover the whole list (no URI=\"\" reference)"
                                                         : "the signature covers the whole list more than once");
        return -1;
    }
    return 0;
}

static int restrict_transforms(xmlSecDSigCtxPtr context) {
    xmlSecTransformId canonical[] = {xmlSecTransformInclC14NId, xmlSecTransformInclC14NWithCommentsId,
                                     xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId};
    xmlSecTransformId digests[] = {xmlSecTransformSha256Id, xmlSecTransformSha384Id, xmlSecTransformSha512Id};
    xmlSecTransformId signatures[] = {xmlSecTransformRsaSha256Id, xmlSecTransformRsaSha384Id, xmlSecTransformRsaSha512Id,
                                      xmlSecTransformEcdsaSha256Id, xmlSecTransformEcdsaSha384Id, xmlSecTransformEcdsaSha512Id};
    for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++) {
        if (xmlSecDSigCtxEnableReferenceTransform(context, canonical[i]) < 0) return -1;
        if (xmlSecDSigCtxEnableSignatureTransform(context, canonical[i]) < 0) return -1;
    }
    if (xmlSecDSigCtxEnableReferenceTransform(context, xmlSecTransformEnvelopedId) < 0) return -1;
    for (size_t i = 0; i < sizeof digests / sizeof digests[0]; i++)
        if (xmlSecDSigCtxEnableReferenceTransform(context, digests[i]) < 0) return -1;
    for (size_t i = 0; i < sizeof signatures / sizeof signatures[0]; i++)
        if (xmlSecDSigCtxEnableSignatureTransform(context, signatures[i]) < 0) return -1;
    return 0;
}

int registrar_xml_verify_signature(registrar_xml_document *document, const unsigned char *signer_der, size_t der_length,
                                   char *error, size_t error_size) {
    xmlDocPtr doc = document->doc;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr signatures[2] = {NULL, NULL};
    int count = 0;
    find_signatures(root, signatures, &count);
    if (count == 0) { set_error(error, error_size, "the list is not signed (no ds:Signature)"); return 0; }
    if (count > 1) {
        if (error) snprintf(error, error_size, "the list carries %d signatures; exactly one enveloped signature is accepted", count);
        return 0;
    }
    xmlNodePtr signature = signatures[0];
    if (signature->parent != root) {
        set_error(error, error_size, "the signature is not enveloped in the list's root element (signature wrapping)");
        return 0;
    }
    if (register_ids(doc, root, error, error_size) < 0) return 0;
    if (check_references(doc, signature, error, error_size) < 0) return 0;

    last_xmlsec_error[0] = 0;
    xmlSecKeyPtr key = xmlSecOpenSSLAppKeyLoadMemory(signer_der, (xmlSecSize)der_length, xmlSecKeyDataFormatCertDer, NULL, NULL, NULL);
    if (!key) { set_error(error, error_size, "the signer certificate's key cannot be loaded"); return 0; }
    xmlSecDSigCtxPtr context = xmlSecDSigCtxCreate(NULL);
    if (!context) { xmlSecKeyDestroy(key); set_error(error, error_size, "out of memory"); return 0; }
    context->signKey = key; /* the pinned key; the document's own KeyInfo is never consulted */
    context->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
    int verdict = 0;
    if (restrict_transforms(context) < 0) {
        set_error(error, error_size, "cannot restrict the signature transforms");
    } else if (xmlSecDSigCtxVerify(context, signature) < 0) {
        if (error) snprintf(error, error_size, "the signature cannot be processed: %s",
                            last_xmlsec_error[0] ? last_xmlsec_error : "unsupported algorithm or transform");
    } else if (context->status == xmlSecDSigStatusSucceeded) {
        verdict = 1;
    } else {
        const char *message = "the signature value does not verify with the pinned signer's key";
        xmlSecSize references = xmlSecPtrListGetSize(&context->signedInfoReferences);
        for (xmlSecSize i = 0; i < references; i++) {
            xmlSecDSigReferenceCtxPtr reference = xmlSecPtrListGetItem(&context->signedInfoReferences, i);
            if (reference && reference->status != xmlSecDSigStatusSucceeded) {
                message = "a signed digest does not match: the list was changed after it was signed";
                break;
            }
        }
        set_error(error, error_size, message);
    }
    xmlSecDSigCtxDestroy(context); /* destroys the key too */
    return verdict;
}

static void walk(xmlDocPtr doc, xmlNodePtr node, registrar_xml_visitor visitor, void *context) {
    for (xmlNodePtr child = node; child; child = child->next) {
        if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
            if (child->content) visitor(context, REGISTRAR_XML_TEXT, NULL, NULL, (const char *)child->content);
            continue;
        }
        if (child->type != XML_ELEMENT_NODE) continue;
        visitor(context, REGISTRAR_XML_START, child->ns ? (const char *)child->ns->href : NULL, (const char *)child->name, NULL);
        for (xmlAttrPtr attribute = child->properties; attribute; attribute = attribute->next) {
            xmlChar *value = xmlNodeListGetString(doc, attribute->children, 1);
            visitor(context, REGISTRAR_XML_ATTRIBUTE, attribute->ns ? (const char *)attribute->ns->href : NULL,
                    (const char *)attribute->name, value ? (const char *)value : "");
            if (value) xmlFree(value);
        }
        walk(doc, child->children, visitor, context);
        visitor(context, REGISTRAR_XML_END, NULL, NULL, NULL);
    }
}

void registrar_xml_walk(const registrar_xml_document *document, registrar_xml_visitor visitor, void *context) {
    walk(document->doc, xmlDocGetRootElement(document->doc), visitor, context);
}

/* The validity of a certificate, read by OpenSSL: swift-certificates refuses keys on curves it does not
   know (brainpoolP256r1 signs Germany's list). */
int registrar_xml_certificate_validity(const unsigned char *der, size_t length, long long *not_before, long long *not_after) {
    const unsigned char *cursor = der;
    if (length > LONG_MAX) return -1;
    X509 *certificate = d2i_X509(NULL, &cursor, (long)length);
    if (!certificate) return -1;
    struct tm before, after;
    int ok = ASN1_TIME_to_tm(X509_get0_notBefore(certificate), &before) == 1 &&
             ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &after) == 1;
    X509_free(certificate);
    if (!ok) return -1;
    *not_before = (long long)timegm(&before);
    *not_after = (long long)timegm(&after);
    return 0;
}
