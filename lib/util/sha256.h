/*
 * SHA-256 with OpenSSL's implementation fetched once per process: the
 * one-shot SHA256() and EVP_Digest(EVP_sha256()) look the algorithm up
 * again on every call in OpenSSL 3, which costs more than hashing a
 * short key (the hot paths hash a call id per request).
 */

#ifndef ELAAOMS_SHA256_H
#define ELAAOMS_SHA256_H

#include <stddef.h>

#define ELAAOMS_SHA256_LEN  32

/* 0 with the digest in out, -1 when OpenSSL failed */
int elaaoms_sha256(const void *data, size_t len,
    unsigned char out[ELAAOMS_SHA256_LEN]);

#endif /* ELAAOMS_SHA256_H */
