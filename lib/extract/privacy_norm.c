/*
 * The text the privacy detectors read: characters that look like ASCII
 * ones are read as those (a full-width at sign and full stop in an
 * address, full-width digits, a no-break space between digit groups, an
 * en dash in a phone number), each mapped character becoming one byte
 * with its offset in the original kept, so that spans found in the
 * normalised text redact the original bytes.
 */

#include <stdlib.h>

#include "extract/privacy_internal.h"


/* the ASCII byte the UTF-8 character at in[i] stands for (0: none), and
 * its length in *n */
static unsigned char
elaaoms_pii_ascii_for(const unsigned char *in, size_t len, size_t i,
    size_t *n)
{
    unsigned  cp;

    if (in[i] == 0xc2 && i + 1 < len && in[i + 1] == 0xa0) {
        *n = 2;
        return ' ';                         /* U+00A0 no-break space */
    }

    if ((in[i] & 0xf0) != 0xe0 || i + 2 >= len
        || (in[i + 1] & 0xc0) != 0x80 || (in[i + 2] & 0xc0) != 0x80)
    {
        return 0;
    }

    cp = ((in[i] & 0x0fu) << 12) | ((in[i + 1] & 0x3fu) << 6)
         | (in[i + 2] & 0x3fu);
    *n = 3;

    if (cp >= 0xff01 && cp <= 0xff5e) {
        return (unsigned char) (cp - 0xff01 + 0x21);   /* full-width */
    }

    switch (cp) {
    case 0xfe6b:                            /* small commercial at */
        return '@';
    case 0x3002:                            /* ideographic full stop */
    case 0xff61:                            /* its half-width form */
        return '.';
    case 0x2007:                            /* figure space */
    case 0x2009:                            /* thin space */
    case 0x202f:                            /* narrow no-break space */
    case 0x3000:                            /* ideographic space */
        return ' ';
    case 0x2010:                            /* hyphen */
    case 0x2011:                            /* non-breaking hyphen */
    case 0x2012:                            /* figure dash */
    case 0x2013:                            /* en dash */
    case 0x2212:                            /* minus sign */
        return '-';
    default:
        return 0;
    }
}


int
elaaoms_pii_normalise(const unsigned char *text, size_t len,
    unsigned char **norm, size_t **map, size_t *normlen)
{
    size_t          i, j, n;
    size_t         *m;
    unsigned char  *out, c;

    *norm = NULL;
    *map = NULL;
    *normlen = len;

    for (i = 0; i < len; i++) {
        if (text[i] >= 0x80 && elaaoms_pii_ascii_for(text, len, i, &n)) {
            break;
        }
    }

    if (i == len) {
        return 0;
    }

    out = malloc(len + 1);
    m = malloc((len + 1) * sizeof(size_t));
    if (out == NULL || m == NULL) {
        free(out);
        free(m);
        return -1;
    }

    for (i = 0, j = 0; i < len; j++) {
        m[j] = i;
        c = (text[i] >= 0x80) ? elaaoms_pii_ascii_for(text, len, i, &n) : 0;
        if (c) {
            out[j] = c;
            i += n;
        } else {
            out[j] = text[i];
            i++;
        }
    }

    m[j] = len;
    out[j] = '\0';

    *norm = out;
    *map = m;
    *normlen = j;

    return 0;
}
