/*
 * SHA-256, the algorithm fetched once (see sha256.h).
 */

#include <pthread.h>

#include <openssl/evp.h>

#include "util/sha256.h"


static EVP_MD          *elaaoms_sha256_md;
static pthread_once_t   elaaoms_sha256_once = PTHREAD_ONCE_INIT;


static void
elaaoms_sha256_fetch(void)
{
    /* kept for the process's life: nothing frees it before exit */
    elaaoms_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}


int
elaaoms_sha256(const void *data, size_t len,
    unsigned char out[ELAAOMS_SHA256_LEN])
{
    unsigned int  n;

    (void) pthread_once(&elaaoms_sha256_once, elaaoms_sha256_fetch);

    if (elaaoms_sha256_md == NULL
        || EVP_Digest(data, len, out, &n, elaaoms_sha256_md, NULL) != 1
        || n != ELAAOMS_SHA256_LEN)
    {
        return -1;
    }

    return 0;
}
