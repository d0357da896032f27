/* libxml2 + xmlsec1 (OpenSSL back end), for the CXMLSignature target only; Swift never imports it.
   SwiftPM forwards pkg-config's -I flags but not its -D flags, and without XMLSEC_NO_SIZE_T the
   xmlsec structs have the wrong size: repeat them here. */
#define XMLSEC_NO_SIZE_T 1
#define XMLSEC_CRYPTO_OPENSSL 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, whose headers clash with Foundation's. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <xmlsec/xmlsec.h>
