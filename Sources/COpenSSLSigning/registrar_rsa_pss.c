#include "registrar_rsa_pss.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>

struct registrar_rsa_key {
    EVP_PKEY *pkey;
};

registrar_rsa_key *registrar_rsa_key_from_pem(const char *pem, size_t length) {
    if (length > 65536) return NULL;
    BIO *bio = BIO_new_mem_buf(pem, (int)length);
    if (bio == NULL) return NULL;
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (pkey == NULL) return NULL;
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    registrar_rsa_key *key = malloc(sizeof(registrar_rsa_key));
    if (key == NULL) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    key->pkey = pkey;
    return key;
}

void registrar_rsa_key_free(registrar_rsa_key *key) {
    if (key == NULL) return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

size_t registrar_rsa_key_size(const registrar_rsa_key *key) {
    return (size_t)EVP_PKEY_get_size(key->pkey);
}

long registrar_rsa_pss_sha256_sign(const registrar_rsa_key *key, const uint8_t *data, size_t length, uint8_t *signature,
                                   size_t capacity) {
    long result = -1;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *parameters = NULL;
    size_t written = capacity;
    if (context == NULL) return -1;
    if (EVP_DigestSignInit(context, &parameters, EVP_sha256(), NULL, key->pkey) == 1
        && EVP_PKEY_CTX_set_rsa_padding(parameters, RSA_PKCS1_PSS_PADDING) == 1
        && EVP_PKEY_CTX_set_rsa_pss_saltlen(parameters, RSA_PSS_SALTLEN_DIGEST) == 1
        && EVP_PKEY_CTX_set_rsa_mgf1_md(parameters, EVP_sha256()) == 1
        && EVP_DigestSign(context, signature, &written, data, length) == 1) {
        result = (long)written;
    }
    EVP_MD_CTX_free(context);
    return result;
}
