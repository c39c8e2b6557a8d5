/* base45.c — RFC 9285 Base45 (see base45.h).
 *
 * Every two bytes [a, b] become the number n = a*256 + b written as three
 * base-45 digits c, d, e (n = c + d*45 + e*45*45), least significant first;
 * a final odd byte becomes two digits. The alphabet is exactly the QR code
 * alphanumeric set, so the text fits the compact QR alphanumeric mode. */
#include "base45.h"

#include <string.h>

static const char ALPHABET[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Value of one Base45 character, or -1 outside the alphabet (lower case is
 * outside: the encoding is canonical, one text per byte string). */
static int digit(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A' + 10;
    switch (ch) {
    case ' ': return 36;
    case '$': return 37;
    case '%': return 38;
    case '*': return 39;
    case '+': return 40;
    case '-': return 41;
    case '.': return 42;
    case '/': return 43;
    case ':': return 44;
    default: return -1;
    }
}

size_t base45_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
    size_t need = len / 2 * 3 + len % 2 * 2 + 1;
    if (outlen < need) {
        if (outlen > 0)
            out[0] = '\0';
        return 0;
    }
    size_t o = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        unsigned n = (unsigned)in[i] * 256u + in[i + 1];
        out[o++] = ALPHABET[n % 45];
        out[o++] = ALPHABET[n / 45 % 45];
        out[o++] = ALPHABET[n / 2025];
    }
    if (len % 2) {
        unsigned n = in[len - 1];
        out[o++] = ALPHABET[n % 45];
        out[o++] = ALPHABET[n / 45];
    }
    out[o] = '\0';
    return o;
}

int base45_decode(const char *in, uint8_t *out, size_t outcap, size_t *outlen)
{
    size_t len = strlen(in), o = 0;
    if (outlen)
        *outlen = 0;
    if (len % 3 == 1)
        return -1; /* a dangling single character */
    for (size_t i = 0; i < len; i += 3) {
        size_t chunk = len - i >= 3 ? 3 : 2;
        long n = 0, mul = 1;
        for (size_t k = 0; k < chunk; k++, mul *= 45) {
            int d = digit((unsigned char)in[i + k]);
            if (d < 0)
                return -1;
            n += d * mul;
        }
        if (chunk == 3) {
            if (n > 65535 || o + 2 > outcap)
                return -1;
            out[o++] = (uint8_t)(n >> 8);
            out[o++] = (uint8_t)(n & 0xff);
        } else {
            if (n > 255 || o + 1 > outcap)
                return -1;
            out[o++] = (uint8_t)n;
        }
    }
    if (outlen)
        *outlen = o;
    return 0;
}
