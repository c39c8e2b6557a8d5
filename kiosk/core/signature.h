/* signature.h — a handwritten signature as captured on the touch pad:
 * strokes of points with their time, kept in pad coordinates, and a compact
 * binary encoding for the database so exports can draw it at any size.
 *
 * Encoding (all integers little-endian or LEB128 varints of at most 32
 * bits):
 *   "SG1" | width u16 | height u16 | npoints varint |
 *   per point: varint flags (bit0 = starts a stroke) |
 *              zigzag varint dx | zigzag varint dy | varint dt (ms)
 * The first point's deltas are from (0, 0, 0). Blobs come from other kiosks
 * too (backups, central), so the decoder trusts nothing in them. */
#ifndef CK_SIGNATURE_H
#define CK_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#define SIG_MAX_POINTS 8192
#define SIG_MAX_SIDE 32767 /* pad width and height (points are int16) */

typedef struct sig_point {
    int16_t x, y;          /* pad coordinates, 0..width-1 / 0..height-1 */
    uint32_t t;            /* milliseconds since the pad was cleared */
    uint8_t starts_stroke; /* 1 for the first point of a stroke */
} sig_point;

typedef struct signature {
    int width, height;     /* pad size in pixels */
    int npoints;
    sig_point pts[SIG_MAX_POINTS];
} signature;

/* Empties the pad and sets its size. */
void sig_clear(signature *s, int width, int height);

/* Adds a point (clamped into the pad). new_stroke=1 when the finger just
 * went down. Points closer than 1 px to the previous point of the same
 * stroke are skipped. Returns 0, or -1 when the pad is full. */
int sig_add(signature *s, int x, int y, uint32_t t_ms, int new_stroke);

/* Total ink length in pad pixels. */
double sig_ink_length(const signature *s);

/* 1 if the signature is substantial enough to keep: at least 10 points and
 * ink at least half the pad width, spread over at least a fifth of the pad's
 * width or height; 0 for an empty or near-empty pad (a tap, a dot). */
int sig_is_enough(const signature *s);

/* Encodes into a malloc'd blob (*out, caller frees). A point whose time is
 * earlier than the previous point's is stored at the previous time. Returns
 * 0, or -1 (nothing allocated) when out of memory or when s is not a pad
 * sig_clear/sig_add could have made: a side outside 1..SIG_MAX_SIDE, more
 * than SIG_MAX_POINTS points, or a point outside the pad. */
int sig_encode(const signature *s, uint8_t **out, size_t *len);

/* Decodes and validates a blob: the magic, a side of 1..SIG_MAX_SIDE, at
 * most SIG_MAX_POINTS points each inside the pad, flags 0 or 1, no varint
 * over 32 bits, times that fit 32 bits, and nothing after the last point.
 * Returns 0, or -1 for a malformed blob (out then holds no points). */
int sig_decode(const void *blob, size_t len, signature *out);

#endif
