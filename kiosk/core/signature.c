/* signature.c — see signature.h. */
#include "signature.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sig_clear(signature *s, int width, int height)
{
    s->width = width > 0 ? width : 1;
    s->height = height > 0 ? height : 1;
    s->npoints = 0;
}

int sig_add(signature *s, int x, int y, uint32_t t_ms, int new_stroke)
{
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    if (x >= s->width) x = s->width - 1;
    if (y >= s->height) y = s->height - 1;
    if (s->npoints > 0 && !new_stroke) {
        const sig_point *p = &s->pts[s->npoints - 1];
        if (p->x == x && p->y == y)
            return 0;
    }
    if (s->npoints >= SIG_MAX_POINTS)
        return -1;
    sig_point *p = &s->pts[s->npoints++];
    p->x = (int16_t)x;
    p->y = (int16_t)y;
    p->t = t_ms;
    p->starts_stroke = (uint8_t)(new_stroke || s->npoints == 1);
    return 0;
}

double sig_ink_length(const signature *s)
{
    double len = 0;
    for (int i = 1; i < s->npoints; i++) {
        if (s->pts[i].starts_stroke)
            continue;
        double dx = s->pts[i].x - s->pts[i - 1].x, dy = s->pts[i].y - s->pts[i - 1].y;
        len += sqrt(dx * dx + dy * dy);
    }
    return len;
}

int sig_is_enough(const signature *s)
{
    if (s->npoints < 10)
        return 0;
    int minx = s->width, maxx = -1, miny = s->height, maxy = -1;
    for (int i = 0; i < s->npoints; i++) {
        const sig_point *p = &s->pts[i];
        if (p->x < minx) minx = p->x;
        if (p->x > maxx) maxx = p->x;
        if (p->y < miny) miny = p->y;
        if (p->y > maxy) maxy = p->y;
    }
    int spread = (maxx - minx) * 5 >= s->width || (maxy - miny) * 5 >= s->height;
    return spread && sig_ink_length(s) * 2 >= s->width;
}

static size_t put_varint(uint8_t *o, uint32_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        o[n++] = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v);
    return n;
}

static uint32_t zigzag(int32_t v) { return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31); }
static int32_t unzigzag(uint32_t v) { return (int32_t)(v >> 1) ^ -(int32_t)(v & 1); }

int sig_encode(const signature *s, uint8_t **out, size_t *len)
{
    /* Only what sig_decode accepts back. */
    if (s->width < 1 || s->width > SIG_MAX_SIDE || s->height < 1 || s->height > SIG_MAX_SIDE ||
        s->npoints < 0 || s->npoints > SIG_MAX_POINTS)
        return -1;
    for (int i = 0; i < s->npoints; i++)
        if (s->pts[i].x < 0 || s->pts[i].x >= s->width || s->pts[i].y < 0 || s->pts[i].y >= s->height)
            return -1;
    /* Worst case per point: 4 varints of 5 bytes. */
    uint8_t *b = malloc(16 + (size_t)s->npoints * 20);
    if (!b)
        return -1;
    size_t n = 0;
    memcpy(b, "SG1", 3);
    n = 3;
    b[n++] = (uint8_t)(s->width & 0xff);
    b[n++] = (uint8_t)(s->width >> 8);
    b[n++] = (uint8_t)(s->height & 0xff);
    b[n++] = (uint8_t)(s->height >> 8);
    n += put_varint(b + n, (uint32_t)s->npoints);
    int px = 0, py = 0;
    uint32_t pt = 0;
    for (int i = 0; i < s->npoints; i++) {
        const sig_point *p = &s->pts[i];
        n += put_varint(b + n, p->starts_stroke ? 1u : 0u);
        n += put_varint(b + n, zigzag(p->x - px));
        n += put_varint(b + n, zigzag(p->y - py));
        n += put_varint(b + n, p->t >= pt ? p->t - pt : 0);
        px = p->x;
        py = p->y;
        pt = p->t >= pt ? p->t : pt;
    }
    *out = b;
    *len = n;
    return 0;
}

/* Reads a varint of at most 32 bits (a fifth byte may carry only the top
 * 4 bits). Returns 0, or -1 when the blob ends first or the value is wider. */
static int get_varint(const uint8_t *b, size_t len, size_t *pos, uint32_t *v)
{
    uint32_t r = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (*pos >= len)
            return -1;
        uint8_t c = b[(*pos)++];
        if (shift == 28 && c > 0x0f)
            return -1;
        r |= (uint32_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

int sig_decode(const void *blob, size_t len, signature *out)
{
    const uint8_t *b = blob;
    size_t pos = 7;
    uint32_t n, flags, dx, dy, dt;
    int rc = -1;
    out->npoints = 0;
    if (!b || len < 8 || memcmp(b, "SG1", 3) != 0)
        return -1;
    out->width = b[3] | b[4] << 8;
    out->height = b[5] | b[6] << 8;
    if (out->width < 1 || out->width > SIG_MAX_SIDE || out->height < 1 || out->height > SIG_MAX_SIDE ||
        get_varint(b, len, &pos, &n) || n > SIG_MAX_POINTS)
        goto out;
    /* 64 bits: a delta of up to +-2^31 from a point inside the pad must not
     * overflow before it is found outside. */
    int64_t x = 0, y = 0;
    uint32_t t = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (get_varint(b, len, &pos, &flags) || get_varint(b, len, &pos, &dx) ||
            get_varint(b, len, &pos, &dy) || get_varint(b, len, &pos, &dt) || flags > 1)
            goto out;
        x += unzigzag(dx);
        y += unzigzag(dy);
        if (x < 0 || y < 0 || x >= out->width || y >= out->height || dt > UINT32_MAX - t)
            goto out;
        t += dt;
        sig_point *p = &out->pts[out->npoints++];
        p->x = (int16_t)x;
        p->y = (int16_t)y;
        p->t = t;
        p->starts_stroke = (uint8_t)(flags || i == 0);
    }
    if (pos == len)
        rc = 0;
out:
    if (rc != 0)
        out->npoints = 0;
    return rc;
}
