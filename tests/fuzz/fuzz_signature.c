/* libFuzzer target: the signature codec (kiosk/core/signature.c), which
 * decodes blobs that other kiosks wrote. Any bytes either are refused,
 * leaving no points, or give a consistent pad (every point inside it, the
 * first starting a stroke, times never going back) that encodes again and
 * decodes to the same points. */
#include <stdint.h>
#include <stdlib.h>

#include "signature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static signature s, again;
    s.npoints = -1;
    if (sig_decode(data, size, &s) != 0) {
        if (s.npoints != 0)
            abort();
        return 0;
    }
    if (s.width < 1 || s.width > SIG_MAX_SIDE || s.height < 1 || s.height > SIG_MAX_SIDE ||
        s.npoints < 0 || s.npoints > SIG_MAX_POINTS)
        abort();
    for (int i = 0; i < s.npoints; i++) {
        const sig_point *p = &s.pts[i];
        if (p->x < 0 || p->x >= s.width || p->y < 0 || p->y >= s.height || p->starts_stroke > 1)
            abort();
        if (i == 0 ? !p->starts_stroke : p->t < s.pts[i - 1].t)
            abort();
    }
    /* What the PDF export does with a decoded pad. */
    if (sig_ink_length(&s) < 0)
        abort();
    (void)sig_is_enough(&s);
    uint8_t *blob;
    size_t len;
    if (sig_encode(&s, &blob, &len) != 0)
        abort();
    if (sig_decode(blob, len, &again) != 0 || again.width != s.width || again.height != s.height ||
        again.npoints != s.npoints)
        abort();
    for (int i = 0; i < s.npoints; i++) {
        const sig_point *p = &s.pts[i], *q = &again.pts[i];
        if (p->x != q->x || p->y != q->y || p->t != q->t || p->starts_stroke != q->starts_stroke)
            abort();
    }
    free(blob);
    return 0;
}
