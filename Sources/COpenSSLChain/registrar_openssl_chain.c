#include "registrar_openssl_chain.h"

#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static X509 *parse(const unsigned char *der, size_t length) {
    if (length > 1 << 20) return NULL;
    const unsigned char *cursor = der;
    X509 *certificate = d2i_X509(NULL, &cursor, (long)length);
    if (certificate && cursor != der + length) { X509_free(certificate); return NULL; }
    return certificate;
}

/* eIDAS certificates may mark qcStatements critical; OpenSSL does not know it. Accept exactly that
   unhandled critical extension; the caller's own policy reads the statements afterwards. */
static int accept_critical_qc_statements(int ok, X509_STORE_CTX *context) {
    if (ok || X509_STORE_CTX_get_error(context) != X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION) return ok;
    X509 *certificate = X509_STORE_CTX_get_current_cert(context);
    ASN1_OBJECT *qc = OBJ_txt2obj("1.3.6.1.5.5.7.1.3", 1);
    int only_qc = qc != NULL;
    for (int i = 0; certificate && only_qc && i < X509_get_ext_count(certificate); i++) {
        X509_EXTENSION *extension = X509_get_ext(certificate, i);
        if (!X509_EXTENSION_get_critical(extension) || X509_supported_extension(extension)) continue;
        if (OBJ_cmp(X509_EXTENSION_get_object(extension), qc) != 0) only_qc = 0;
    }
    ASN1_OBJECT_free(qc);
    if (only_qc) X509_STORE_CTX_set_error(context, X509_V_OK);
    return only_qc;
}

int registrar_openssl_verify_chain(
    const unsigned char *leaf_der, size_t leaf_length,
    const unsigned char *const *candidates, const size_t *candidate_lengths, size_t intermediate_count, size_t anchor_count,
    long long at_time, int *chain, size_t chain_capacity, size_t *chain_length, char *error, size_t error_size) {
    size_t total = intermediate_count + anchor_count;
    int result = -1;
    X509 *leaf = parse(leaf_der, leaf_length);
    X509 **parsed = calloc(total ? total : 1, sizeof(X509 *));
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *context = X509_STORE_CTX_new();
    *chain_length = 0;
    if (!leaf || !parsed || !store || !untrusted || !context) {
        snprintf(error, error_size, "the certificate cannot be read by OpenSSL");
        goto done;
    }
    for (size_t i = 0; i < total; i++) {
        parsed[i] = parse(candidates[i], candidate_lengths[i]);
        if (!parsed[i]) continue;
        if (i < intermediate_count) sk_X509_push(untrusted, parsed[i]);
        else X509_STORE_add_cert(store, parsed[i]);
    }
    if (!X509_STORE_CTX_init(context, store, leaf, untrusted)) {
        snprintf(error, error_size, "OpenSSL could not start the validation");
        goto done;
    }
    X509_VERIFY_PARAM *parameters = X509_STORE_CTX_get0_param(context);
    X509_VERIFY_PARAM_set_time(parameters, (time_t)at_time);
    /* Anchors need not be self-signed (a trusted list may name an intermediate CA). */
    X509_VERIFY_PARAM_set_flags(parameters, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_X509_STRICT);
    X509_STORE_CTX_set_verify_cb(context, accept_critical_qc_statements);
    if (X509_verify_cert(context) == 1) {
        STACK_OF(X509) *found = X509_STORE_CTX_get0_chain(context);
        for (int position = 1; position < sk_X509_num(found) && *chain_length < chain_capacity; position++) {
            X509 *link = sk_X509_value(found, position);
            for (size_t i = 0; i < total; i++) {
                if (parsed[i] && X509_cmp(parsed[i], link) == 0) { chain[(*chain_length)++] = (int)i; break; }
            }
        }
        result = 1;
    } else {
        snprintf(error, error_size, "%s", X509_verify_cert_error_string(X509_STORE_CTX_get_error(context)));
        result = 0;
    }
done:
    if (context) X509_STORE_CTX_free(context);
    if (untrusted) sk_X509_free(untrusted);
    if (store) X509_STORE_free(store);
    for (size_t i = 0; parsed && i < total; i++) if (parsed[i]) X509_free(parsed[i]);
    free(parsed);
    if (leaf) X509_free(leaf);
    return result;
}
