/* signature.h — a handwritten signature as captured on the touch pad:
 * strokes of points with their time, kept in pad coordinates, and a compact
 * binary encoding for the database so exports can draw it at any size.
 *
 * Encoding (all integers little-endian or LEB128 varints):
 *   "SG1" | width u16 | height u16 | npoints varint |
 *   per point: varint flags (bit0 = starts a stroke) |
 *              zigzag varint dx | zigzag varint dy | varint dt (ms)
 * The first point's deltas are from (0, 0, 0). */
#ifndef CK_SIGNATURE_H
#define CK_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#define SIG_MAX_POINTS 8192

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

/* Encodes into a malloc'd blob (*out, caller frees). Returns 0 or -1. */
int sig_encode(const signature *s, uint8_t **out, size_t *len);

/* Decodes and validates a blob. Returns 0, or -1 for a malformed blob. */
int sig_decode(const void *blob, size_t len, signature *out);

#endif
