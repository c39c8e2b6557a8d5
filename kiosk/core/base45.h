/* base45.h — RFC 9285 Base45 encoding (the QR alphanumeric alphabet). */
#ifndef CK_BASE45_H
#define CK_BASE45_H

#include <stddef.h>
#include <stdint.h>

/* Encodes len bytes into out (NUL-terminated). Returns the text length, or
 * 0 with out="" when outlen is too small (needs len/2*3 + len%2*2 + 1). */
size_t base45_encode(const uint8_t *in, size_t len, char *out, size_t outlen);

/* Decodes NUL-terminated Base45 text into out[outcap]. Returns 0 and the
 * byte count in *outlen, or -1 for a character outside the alphabet, a
 * dangling single character, a triplet above 65535 (or a pair above 255), or
 * output that does not fit. */
int base45_decode(const char *in, uint8_t *out, size_t outcap, size_t *outlen);

#endif
