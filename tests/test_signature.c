/* test_signature.c — the signature codec (kiosk/core/signature.c): the
 * bytes of the format, round trips of drawn, extreme and random pads, and
 * malformed blobs, since sig_decode reads blobs that other kiosks wrote.
 * Links only ck_core. The random round trips print their seed (CK_SEED=N
 * replays one). */
#include "testutil_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signature.h"

/* Pads are about 100 KB: keep them out of the stack. */
static signature a, b;

static void assert_same(const signature *x, const signature *y)
{
    assert_int_equal(x->width, y->width);
    assert_int_equal(x->height, y->height);
    assert_int_equal(x->npoints, y->npoints);
    for (int i = 0; i < x->npoints; i++) {
        const sig_point *p = &x->pts[i], *q = &y->pts[i];
        if (p->x != q->x || p->y != q->y || p->t != q->t || p->starts_stroke != q->starts_stroke)
            fail_msg("point %d: (%d,%d,%u,%d) came back as (%d,%d,%u,%d)", i, p->x, p->y, (unsigned)p->t,
                     p->starts_stroke, q->x, q->y, (unsigned)q->t, q->starts_stroke);
    }
}

/* Encodes s, decodes the blob into b and checks they match. */
static void round_trip(const signature *s)
{
    uint8_t *blob;
    size_t len;
    assert_int_equal(sig_encode(s, &blob, &len), 0);
    if (sig_decode(blob, len, &b) != 0)
        fail_msg("a blob sig_encode made (%zu bytes, %d points) does not decode", len, s->npoints);
    assert_same(s, &b);
    free(blob);
}

/* A blob to mutate: three wavy strokes on a 600 x 200 pad. */
static uint8_t *drawn(size_t *len)
{
    static const int dy[8] = {0, 3, 5, 3, 0, -3, -5, -3};
    uint8_t *blob;
    uint32_t t = 0;
    sig_clear(&a, 600, 200);
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < 40; i++)
            assert_int_equal(sig_add(&a, 40 + s * 180 + i * 4, 100 + dy[i % 8] * (s + 1), t += 9, i == 0), 0);
    assert_int_equal(sig_encode(&a, &blob, len), 0);
    return blob;
}

static void format_bytes(void **state)
{
    (void)state;
    /* Two strokes: (10,20) at 0 ms, (11,22) at 8 ms; then (5,5) at 20 ms. */
    static const uint8_t want[] = {'S', 'G', '1', 0x58, 0x02, 0xC8, 0x00, 3,
                                   1, 20, 40, 0,    /* flags, zigzag 10, zigzag 20, dt 0 */
                                   0, 2, 4, 8,      /* +1, +2, 8 ms */
                                   1, 11, 33, 12};  /* -6, -17, 12 ms */
    uint8_t *blob;
    size_t len;
    sig_clear(&a, 600, 200);
    sig_add(&a, 10, 20, 0, 1);
    sig_add(&a, 11, 22, 8, 0);
    sig_add(&a, 5, 5, 20, 1);
    assert_int_equal(sig_encode(&a, &blob, &len), 0);
    assert_int_equal(len, sizeof want);
    assert_memory_equal(blob, want, sizeof want);
    free(blob);
    /* The same bytes written by another kiosk decode to the same pad. */
    assert_int_equal(sig_decode(want, sizeof want, &b), 0);
    assert_same(&a, &b);
}

static void drawn_round_trip(void **state)
{
    (void)state;
    size_t len;
    uint8_t *blob = drawn(&len);
    free(blob);
    assert_int_equal(a.npoints, 120);
    assert_true(sig_is_enough(&a));
    round_trip(&a);
    assert_true(sig_ink_length(&b) > 300);
}

static void extremes_round_trip(void **state)
{
    (void)state;
    /* An empty pad, and the smallest one. */
    sig_clear(&a, 640, 300);
    round_trip(&a);
    sig_clear(&a, 1, 1);
    assert_int_equal(sig_add(&a, 0, 0, 0, 1), 0);
    round_trip(&a);
    /* The largest pad, corner to corner, with the longest possible pause. */
    sig_clear(&a, SIG_MAX_SIDE, SIG_MAX_SIDE);
    sig_add(&a, 0, 0, 0, 1);
    sig_add(&a, SIG_MAX_SIDE - 1, SIG_MAX_SIDE - 1, 1, 0);
    sig_add(&a, 0, SIG_MAX_SIDE - 1, UINT32_MAX - 1, 1);
    sig_add(&a, SIG_MAX_SIDE - 1, 0, UINT32_MAX, 0);
    round_trip(&a);
    /* A full pad: every point a stroke of its own. */
    sig_clear(&a, 1000, 1000);
    for (int i = 0; i < SIG_MAX_POINTS; i++)
        assert_int_equal(sig_add(&a, i % 1000, i / 1000 * 100, (uint32_t)i, 1), 0);
    assert_int_equal(sig_add(&a, 1, 1, SIG_MAX_POINTS, 1), -1);
    round_trip(&a);
}

static void time_going_back_is_stored_as_no_time(void **state)
{
    (void)state;
    uint8_t *blob;
    size_t len;
    sig_clear(&a, 100, 100);
    sig_add(&a, 1, 1, 50, 1);
    sig_add(&a, 2, 2, 40, 0);
    sig_add(&a, 3, 3, 60, 0);
    assert_int_equal(sig_encode(&a, &blob, &len), 0);
    assert_int_equal(sig_decode(blob, len, &b), 0);
    assert_int_equal(b.pts[1].t, 50);
    assert_int_equal(b.pts[2].t, 60);
    free(blob);
}

static void encode_refuses_what_decode_would(void **state)
{
    (void)state;
    uint8_t *blob = NULL;
    size_t len;
    sig_clear(&a, SIG_MAX_SIDE + 1, 10); /* points would not fit int16 */
    assert_int_equal(sig_encode(&a, &blob, &len), -1);
    sig_clear(&a, 10, 10);
    sig_add(&a, 5, 5, 0, 1);
    a.pts[0].x = 10; /* outside the pad */
    assert_int_equal(sig_encode(&a, &blob, &len), -1);
    a.pts[0].x = -1;
    assert_int_equal(sig_encode(&a, &blob, &len), -1);
    assert_null(blob);
}

static void random_round_trips(void **state)
{
    (void)state;
    srand(tu_seed("signature round trips", 2024));
    for (int k = 0; k < 300; k++) {
        int w = 1 + rand() % (k % 10 == 0 ? SIG_MAX_SIDE : 1200);
        int h = 1 + rand() % (k % 10 == 1 ? SIG_MAX_SIDE : 500);
        int n = rand() % (k % 50 == 0 ? SIG_MAX_POINTS + 100 : 400);
        uint32_t t = 0;
        sig_clear(&a, w, h);
        for (int i = 0; i < n; i++) {
            t += (uint32_t)(rand() % 4 == 0 ? rand() % 100000 : rand() % 20);
            /* Some points outside the pad: sig_add clamps them in. */
            sig_add(&a, rand() % (w + 40) - 20, rand() % (h + 40) - 20, t, rand() % 30 == 0);
        }
        round_trip(&a);
    }
}

/* Each malformed blob fails and leaves no points behind. */
static void refused(const void *blob, size_t len, const char *what)
{
    b.npoints = 123;
    if (sig_decode(blob, len, &b) != -1)
        fail_msg("%s: decoded", what);
    if (b.npoints != 0)
        fail_msg("%s: %d points left behind", what, b.npoints);
}

static void malformed_blobs_are_refused(void **state)
{
    (void)state;
    static const uint8_t ok[] = {'S', 'G', '1', 10, 0, 10, 0, 1, 1, 2, 2, 0};
    assert_int_equal(sig_decode(ok, sizeof ok, &b), 0);
    assert_int_equal(b.npoints, 1);

    refused(NULL, 12, "no blob");
    refused(ok, 0, "empty");
    refused("SG1\x0a\x00\x0a\x00", 7, "header without a point count");
    uint8_t x[64];
#define TRY(what, ...)                                                                                      \
    do {                                                                                                    \
        static const uint8_t bytes_[] = {__VA_ARGS__};                                                      \
        memcpy(x, bytes_, sizeof bytes_);                                                                   \
        refused(x, sizeof bytes_, what);                                                                    \
    } while (0)
    TRY("bad magic", 'S', 'G', '2', 10, 0, 10, 0, 0);
    TRY("zero width", 'S', 'G', '1', 0, 0, 10, 0, 0);
    TRY("zero height", 'S', 'G', '1', 10, 0, 0, 0, 0);
    TRY("width over int16", 'S', 'G', '1', 0x00, 0x80, 10, 0, 1, 1, 0, 0, 0);
    TRY("height 65535", 'S', 'G', '1', 10, 0, 0xFF, 0xFF, 0);
    TRY("more points than a pad holds", 'S', 'G', '1', 10, 0, 10, 0, 0x81, 0x40); /* 8193 */
    TRY("fewer points than announced", 'S', 'G', '1', 10, 0, 10, 0, 2, 1, 2, 2, 0);
    TRY("a byte after the last point", 'S', 'G', '1', 10, 0, 10, 0, 1, 1, 2, 2, 0, 0);
    TRY("flags 2", 'S', 'G', '1', 10, 0, 10, 0, 1, 2, 2, 2, 0);
    TRY("x at the width", 'S', 'G', '1', 10, 0, 10, 0, 1, 1, 20, 2, 0);
    TRY("y at the height", 'S', 'G', '1', 10, 0, 10, 0, 1, 1, 2, 20, 0);
    TRY("x below zero", 'S', 'G', '1', 10, 0, 10, 0, 1, 1, 1, 2, 0);
    TRY("y below zero on the second point", 'S', 'G', '1', 10, 0, 10, 0, 2, 1, 2, 2, 0, 0, 0, 5, 0);
    TRY("varint of 6 bytes", 'S', 'G', '1', 10, 0, 10, 0, 1, 1, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00, 2, 0);
    TRY("varint over 32 bits", 'S', 'G', '1', 10, 0, 10, 0, 1, 1, 0x82, 0x80, 0x80, 0x80, 0x10, 2, 0);
    TRY("point count over 32 bits", 'S', 'G', '1', 10, 0, 10, 0, 0x81, 0x80, 0x80, 0x80, 0x10);
    /* +2^31-1 then -2^31: overflowed an int before it was found outside. */
    TRY("huge x step", 'S', 'G', '1', 10, 0, 10, 0, 2, 1, 2, 2, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0);
    TRY("huge negative x step", 'S', 'G', '1', 10, 0, 10, 0, 1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 2, 0);
    TRY("times past 2^32 ms", 'S', 'G', '1', 10, 0, 10, 0, 2, 1, 2, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0,
        1);
#undef TRY

    /* Every strict prefix of a real blob is refused. */
    size_t len;
    uint8_t *blob = drawn(&len);
    for (size_t n = 0; n < len; n++) {
        char what[64];
        snprintf(what, sizeof what, "the first %zu of %zu bytes", n, len);
        refused(blob, n, what);
    }
    free(blob);
}

/* Any change of one byte either is refused or gives a pad that stays
 * consistent: every point inside it, times never going back. */
static void every_byte_mutation_is_harmless(void **state)
{
    (void)state;
    size_t len;
    uint8_t *blob = drawn(&len);
    int accepted = 0, refused_n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t orig = blob[i];
        for (int v = 0; v < 256; v++) {
            if (v == orig)
                continue;
            blob[i] = (uint8_t)v;
            if (sig_decode(blob, len, &b) != 0) {
                assert_int_equal(b.npoints, 0);
                refused_n++;
                continue;
            }
            accepted++;
            assert_true(b.width >= 1 && b.width <= SIG_MAX_SIDE && b.height >= 1 && b.height <= SIG_MAX_SIDE);
            for (int k = 0; k < b.npoints; k++) {
                const sig_point *p = &b.pts[k];
                assert_true(p->x >= 0 && p->x < b.width && p->y >= 0 && p->y < b.height);
                assert_true(k == 0 ? p->starts_stroke == 1 : p->t >= b.pts[k - 1].t);
            }
            (void)sig_ink_length(&b);
            (void)sig_is_enough(&b);
        }
        blob[i] = orig;
    }
    /* Both outcomes happen: the test reached deep into the format. */
    assert_true(accepted > 0 && refused_n > 0);
    free(blob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_bytes),
        cmocka_unit_test(drawn_round_trip),
        cmocka_unit_test(extremes_round_trip),
        cmocka_unit_test(time_going_back_is_stored_as_no_time),
        cmocka_unit_test(encode_refuses_what_decode_would),
        cmocka_unit_test(random_round_trips),
        cmocka_unit_test(malformed_blobs_are_refused),
        cmocka_unit_test(every_byte_mutation_is_harmless),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
