#ifndef REGISTRAR_OPENSSL_CHAIN_H
#define REGISTRAR_OPENSSL_CHAIN_H
/* RFC 5280 path validation by the system's OpenSSL, for chains swift-certificates cannot verify
   (RSASSA-PSS signatures). Certificates go in as DER; the chain found comes back as indexes into
   `candidates` (intermediates first, then anchors), leaf excluded. */
#include <stddef.h>

/* 1 valid; 0 not valid (`error` says why); -1 unusable input. */
int registrar_openssl_verify_chain(
    const unsigned char *leaf, size_t leaf_length,
    const unsigned char *const *candidates, const size_t *candidate_lengths, size_t intermediate_count, size_t anchor_count,
    long long at_time, int *chain, size_t chain_capacity, size_t *chain_length, char *error, size_t error_size);

#endif
