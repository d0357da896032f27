#ifndef REGISTRAR_RSA_PSS_H
#define REGISTRAR_RSA_PSS_H

#include <stddef.h>
#include <stdint.h>

/* RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt) signing with the system's OpenSSL 3, which signs
   several times faster than BoringSSL on machines with AVX-512 IFMA. OpenSSL's own headers stay in the
   .c file so they never meet BoringSSL's in a Swift module. */

typedef struct registrar_rsa_key registrar_rsa_key;

/* Parses a PKCS#8 PEM RSA private key; NULL when it is not one. */
registrar_rsa_key *registrar_rsa_key_from_pem(const char *pem, size_t length);

void registrar_rsa_key_free(registrar_rsa_key *key);

/* The signature's length in bytes (the modulus size). */
size_t registrar_rsa_key_size(const registrar_rsa_key *key);

/* Signs SHA-256(data) with PSS; returns the signature length, or -1 on failure. Safe to call from
   several threads on one key. */
long registrar_rsa_pss_sha256_sign(const registrar_rsa_key *key, const uint8_t *data, size_t length, uint8_t *signature,
                                   size_t capacity);

#endif
