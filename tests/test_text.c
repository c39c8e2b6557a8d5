/* test_text.c — the text engine (kiosk/core/text.c): UTF-8 decoding with
 * validation, fitting and greedy word wrapping with a measure callback.
 * Linked with ck_core only.
 *
 * The random test prints its seed; CK_SEED=N replays it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "text.h"

/* ---- decoding ---- */

/* Decodes s (length n) and checks the length and code point. */
static void check_decode(const char *s, size_t n, size_t want_len, uint32_t want_cp)
{
    uint32_t cp = 0x12345;
    size_t k = text_utf8_decode(s, n, &cp);
    if (k != want_len || cp != want_cp)
        fail_msg("decode of %zu bytes (first 0x%02X): got length %zu U+%04X, want %zu U+%04X", n,
                 (unsigned char)s[0], k, (unsigned)cp, want_len, (unsigned)want_cp);
}

static void decode_valid(void **state)
{
    (void)state;
    check_decode("A", 1, 1, 'A');
    check_decode("\0", 1, 1, 0); /* a NUL inside len is an ordinary character */
    check_decode("\xc3\xb1", 2, 2, 0xF1);               /* ñ */
    check_decode("\xc2\x80", 2, 2, 0x80);               /* smallest two-byte */
    check_decode("\xdf\xbf", 2, 2, 0x7FF);
    check_decode("\xe0\xa0\x80", 3, 3, 0x800);          /* smallest three-byte */
    check_decode("\xe2\x82\xac", 3, 3, 0x20AC);         /* € */
    check_decode("\xed\x9f\xbf", 3, 3, 0xD7FF);         /* just below the surrogates */
    check_decode("\xee\x80\x80", 3, 3, 0xE000);         /* just above them */
    check_decode("\xef\xbf\xbd", 3, 3, 0xFFFD);         /* a genuine U+FFFD */
    check_decode("\xf0\x90\x80\x80", 4, 4, 0x10000);
    check_decode("\xf0\x9f\x98\x80", 4, 4, 0x1F600);
    check_decode("\xf4\x8f\xbf\xbf", 4, 4, 0x10FFFF);   /* the last code point */
    check_decode("\xc3\xb1xyz", 5, 2, 0xF1);            /* only the first character */
}

static void decode_invalid(void **state)
{
    (void)state;
    check_decode("", 0, 0, TEXT_REPLACEMENT);
    check_decode("\x80", 1, 0, TEXT_REPLACEMENT);             /* stray continuation */
    check_decode("\xbf\x80", 2, 0, TEXT_REPLACEMENT);
    check_decode("\xf5\x80\x80\x80", 4, 0, TEXT_REPLACEMENT); /* lead above F4 */
    check_decode("\xfe", 1, 0, TEXT_REPLACEMENT);
    check_decode("\xff", 1, 0, TEXT_REPLACEMENT);
    check_decode("\xc3", 1, 0, TEXT_REPLACEMENT);             /* truncated */
    check_decode("\xc3\xb1", 1, 0, TEXT_REPLACEMENT);         /* len cuts it */
    check_decode("\xe2\x82", 2, 0, TEXT_REPLACEMENT);
    check_decode("\xf0\x9f\x98", 3, 0, TEXT_REPLACEMENT);
    check_decode("\xc3" "A", 2, 0, TEXT_REPLACEMENT);         /* missing continuation */
    check_decode("\xe2\x82" "A", 3, 0, TEXT_REPLACEMENT);
    check_decode("\xc3\0", 2, 0, TEXT_REPLACEMENT);
    check_decode("\xf4\x90\x80\x80", 4, 0, TEXT_REPLACEMENT); /* above U+10FFFF */
}

static void decode_overlong(void **state)
{
    (void)state;
    check_decode("\xc0\xaf", 2, 0, TEXT_REPLACEMENT);         /* '/' in two bytes */
    check_decode("\xc0\x80", 2, 0, TEXT_REPLACEMENT);         /* NUL in two bytes */
    check_decode("\xc1\xbf", 2, 0, TEXT_REPLACEMENT);
    check_decode("\xe0\x80\xaf", 3, 0, TEXT_REPLACEMENT);
    check_decode("\xe0\x9f\xbf", 3, 0, TEXT_REPLACEMENT);     /* U+07FF in three bytes */
    check_decode("\xf0\x80\x80\xaf", 4, 0, TEXT_REPLACEMENT);
    check_decode("\xf0\x8f\xbf\xbf", 4, 0, TEXT_REPLACEMENT); /* U+FFFF in four bytes */
}

static void decode_surrogates(void **state)
{
    (void)state;
    check_decode("\xed\xa0\x80", 3, 0, TEXT_REPLACEMENT);     /* U+D800 */
    check_decode("\xed\xaf\xbf", 3, 0, TEXT_REPLACEMENT);     /* U+DBFF */
    check_decode("\xed\xb0\x80", 3, 0, TEXT_REPLACEMENT);     /* U+DC00 */
    check_decode("\xed\xbf\xbf", 3, 0, TEXT_REPLACEMENT);     /* U+DFFF */
    /* CESU-8 pair for U+1F600: two surrogates, each refused. */
    check_decode("\xed\xa0\xbd\xed\xb8\x80", 6, 0, TEXT_REPLACEMENT);
}

static void decode_walks_spanish(void **state)
{
    (void)state;
    const char *s = "Peña Íñiguez";
    static const uint32_t want[] = {'P', 'e', 0xF1, 'a', ' ', 0xCD, 0xF1, 'i', 'g', 'u', 'e', 'z'};
    size_t i = 0, n = strlen(s), k = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = text_utf8_decode(s + i, n - i, &cp);
        assert_true(len > 0);
        assert_true(k < sizeof want / sizeof *want);
        assert_int_equal(cp, want[k++]);
        i += len;
    }
    assert_int_equal(k, sizeof want / sizeof *want);
}

static void floor_and_combining(void **state)
{
    (void)state;
    assert_int_equal(text_utf8_count("Peña Íñiguez", strlen("Peña Íñiguez")), 12);
    assert_int_equal(text_utf8_count("a\xff\xc3" "b", 4), 4); /* invalid bytes count one each */
    assert_int_equal(text_utf8_count("Jose\xcc\x81", 6), 5);  /* a combining mark is a code point */
    assert_int_equal(text_utf8_count("", 0), 0);
    const char *s = "añb€";   /* a C3 B1 b E2 82 AC */
    size_t n = strlen(s);
    assert_int_equal(text_utf8_floor(s, n, 0), 0);
    assert_int_equal(text_utf8_floor(s, n, 1), 1);
    assert_int_equal(text_utf8_floor(s, n, 2), 1);  /* inside ñ */
    assert_int_equal(text_utf8_floor(s, n, 3), 3);
    assert_int_equal(text_utf8_floor(s, n, 5), 4);  /* inside € */
    assert_int_equal(text_utf8_floor(s, n, 6), 4);
    assert_int_equal(text_utf8_floor(s, n, 7), 7);  /* the end */
    assert_int_equal(text_utf8_floor(s, n, 99), 7);
    assert_true(text_is_combining(0x0301));
    assert_true(text_is_combining(0x0303));
    assert_false(text_is_combining('e'));
    assert_false(text_is_combining(0xE9));
    assert_false(text_is_combining(0x02B9));
}

/* ---- fitting and wrapping ---- */

/* A fixed-width measure: one unit per character, combining marks take no
 * room and an invalid byte takes one. Counts its calls in *ctx. */
static double mono(const char *s, size_t len, void *ctx)
{
    size_t i = 0, w = 0;
    if (ctx)
        ++*(int *)ctx;
    while (i < len) {
        uint32_t cp;
        size_t k = text_utf8_decode(s + i, len - i, &cp);
        w += k == 0 || !text_is_combining(cp);
        i += k ? k : 1;
    }
    return (double)w;
}

/* Wraps text at width with mono into "line|line|..." (cut lines end in '~'). */
static void wrap_all(const char *text, double width, char *out, size_t outlen)
{
    size_t pos = 0, len = strlen(text), o = 0;
    text_line l;
    int n = 0;
    out[0] = '\0';
    while (text_wrap_next(text, len, &pos, width, mono, NULL, &l)) {
        assert_true(++n < 1000);
        int w = snprintf(out + o, outlen - o, "%s%.*s%s", n > 1 ? "|" : "", (int)l.len, text + l.off, l.cut ? "~" : "");
        assert_true(w >= 0 && (size_t)w < outlen - o);
        o += (size_t)w;
    }
    assert_int_equal(pos, len);
}

static void wrap_greedy(void **state)
{
    (void)state;
    char out[512];
    wrap_all("uno dos tres cuatro", 7, out, sizeof out);
    assert_string_equal(out, "uno dos|tres|cuatro");
    wrap_all("uno dos tres cuatro", 100, out, sizeof out);
    assert_string_equal(out, "uno dos tres cuatro");
    wrap_all("  uno   dos  ", 5, out, sizeof out); /* spaces at the ends never show */
    assert_string_equal(out, "uno|dos");
    wrap_all("uno   dos", 9, out, sizeof out);     /* inner spaces are kept */
    assert_string_equal(out, "uno   dos");
    wrap_all("", 10, out, sizeof out);
    assert_string_equal(out, "");
    wrap_all("    ", 10, out, sizeof out);
    assert_string_equal(out, "");
}

static void wrap_newlines(void **state)
{
    (void)state;
    char out[512];
    wrap_all("a\n\nb", 10, out, sizeof out);
    assert_string_equal(out, "a||b");
    wrap_all("uno  \ndos", 10, out, sizeof out);
    assert_string_equal(out, "uno|dos");
    wrap_all("\nuno", 10, out, sizeof out);
    assert_string_equal(out, "|uno");
    wrap_all("uno\n", 10, out, sizeof out);
    assert_string_equal(out, "uno");
    /* A line that ends because the next word is too long does not also
     * swallow a later newline. */
    wrap_all("uno dosdos\n\ntres", 5, out, sizeof out);
    assert_string_equal(out, "uno|dosdo~|s||tres");
}

static void wrap_long_word(void **state)
{
    (void)state;
    char out[512];
    wrap_all("Supercalifragilisticoexpialidoso", 10, out, sizeof out);
    assert_string_equal(out, "Supercalif~|ragilistic~|oexpialido~|so");
    /* A long word after a short one starts on its own line. */
    wrap_all("de Supercalifragilistico", 10, out, sizeof out);
    assert_string_equal(out, "de|Supercalif~|ragilistic~|o");
    /* Narrower than one character: one character per line, never stuck. */
    wrap_all("ñu é", 0, out, sizeof out);
    assert_string_equal(out, "ñ~|u|é");
    /* Invalid bytes are one character each. */
    wrap_all("\xff\xfe", 1, out, sizeof out);
    assert_string_equal(out, "\xff~|\xfe");
}

static void wrap_pena_iniguez(void **state)
{
    (void)state;
    char out[512];
    wrap_all("José Peña Íñiguez", 9, out, sizeof out);
    assert_string_equal(out, "José Peña|Íñiguez");
    wrap_all("José Peña Íñiguez", 4, out, sizeof out);
    assert_string_equal(out, "José|Peña|Íñig~|uez");
    wrap_all("Peña Íñiguez", 12, out, sizeof out);
    assert_string_equal(out, "Peña Íñiguez");
    /* Byte offsets: "Peña" is 5 bytes, "Íñiguez" starts at byte 6. */
    size_t pos = 0;
    text_line l;
    const char *s = "Peña Íñiguez";
    assert_int_equal(text_wrap_next(s, strlen(s), &pos, 6, mono, NULL, &l), 1);
    assert_int_equal(l.off, 0);
    assert_int_equal(l.len, 5);
    assert_int_equal(l.cut, 0);
    assert_int_equal(pos, 6);
    assert_int_equal(text_wrap_next(s, strlen(s), &pos, 6, mono, NULL, &l), 1);
    assert_int_equal(l.off, 6);
    assert_int_equal(l.cut, 1);
    assert_memory_equal(s + l.off, "Íñigue", l.len);
}

static void wrap_combining_accents(void **state)
{
    (void)state;
    char out[512];
    /* Decomposed "José María Peña": the accents take no room and stay with
     * their letters when a word is cut. */
    const char *nfd = "Jose\xcc\x81 Mari\xcc\x81" "a Pen\xcc\x83" "a";
    wrap_all(nfd, 4, out, sizeof out);
    assert_string_equal(out, "Jose\xcc\x81|Mari\xcc\x81~|a|Pen\xcc\x83" "a");
    wrap_all(nfd, 3, out, sizeof out);
    assert_string_equal(out, "Jos~|e\xcc\x81|Mar~|i\xcc\x81" "a|Pen\xcc\x83~|a");
}

static void fit_prefix(void **state)
{
    (void)state;
    int calls = 0;
    const char *s = "Íñiguez";
    assert_int_equal(text_fit(s, strlen(s), 100, mono, &calls), strlen(s));
    assert_int_equal(text_fit(s, strlen(s), 2, mono, NULL), 4);   /* "Íñ" */
    assert_int_equal(text_fit(s, strlen(s), 0.5, mono, NULL), 0);
    assert_int_equal(text_fit(s, 0, 0, mono, NULL), 0);
    const char *nfd = "Jose\xcc\x81\xcc\xa7x"; /* e with two marks */
    assert_int_equal(text_fit(nfd, strlen(nfd), 3, mono, NULL), 3);
    assert_int_equal(text_fit(nfd, strlen(nfd), 4, mono, NULL), 8);
    /* Bisection: a long word costs a logarithmic number of measures. */
    char big[4001];
    memset(big, 'x', 4000);
    big[4000] = '\0';
    calls = 0;
    assert_int_equal(text_fit(big, 4000, 1234, mono, &calls), 1234);
    assert_true(calls < 20);
}

/* Random text of words, accented letters, combining marks, newlines and
 * invalid bytes; every wrap must keep its promises. */
static void wrap_random(void **state)
{
    (void)state;
    static const char *const parts[] = {"a", "b", "ñ", "É", "\xcc\x81", "€", " ", " ", "  ", "\n", "\xff", "😀",
                                        "palabra", "Íñiguez"};
    const char *env = getenv("CK_SEED");
    unsigned seed = env && *env ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL);
    printf("test_text: wrap_random seed %u (replay with CK_SEED=%u)\n", seed, seed);
    srand(seed);
    for (int round = 0; round < 2000; round++) {
        char text[300];
        size_t n = 0;
        while (n < 200) {
            const char *p = parts[rand() % (int)(sizeof parts / sizeof *parts)];
            memcpy(text + n, p, strlen(p));
            n += strlen(p);
        }
        text[n] = '\0';
        double width = rand() % 12;
        size_t pos = 0, last = 0;
        text_line l;
        char kept[300];
        size_t nk = 0;
        while (text_wrap_next(text, n, &pos, width, mono, NULL, &l)) {
            /* Every line moves on, and lies between the last and pos. */
            assert_true(pos > last && l.off >= last && l.off + l.len <= pos && pos <= n);
            last = pos;
            if (l.len) {
                assert_true(text[l.off] != ' ' && text[l.off + l.len - 1] != ' ');
                /* Wider than the width only when it is one character. */
                double w = mono(text + l.off, l.len, NULL);
                assert_true(w <= width || w <= 1);
                /* A cut line never leaves a combining mark to the next. */
                if (l.cut) {
                    uint32_t cp;
                    size_t e = l.off + l.len;
                    assert_true(text_utf8_decode(text + e, n - e, &cp) == 0 || !text_is_combining(cp));
                }
            }
            for (size_t i = l.off; i < l.off + l.len; i++)
                if (text[i] != ' ')
                    kept[nk++] = text[i];
        }
        /* Every byte other than spaces and newlines comes out, in order. */
        size_t nw = 0;
        for (size_t i = 0; i < n; i++)
            if (text[i] != ' ' && text[i] != '\n') {
                if (nw >= nk || kept[nw] != text[i])
                    fail_msg("seed %u round %d: byte %zu lost or moved", seed, round, i);
                nw++;
            }
        assert_int_equal(nw, nk);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_valid),
        cmocka_unit_test(decode_invalid),
        cmocka_unit_test(decode_overlong),
        cmocka_unit_test(decode_surrogates),
        cmocka_unit_test(decode_walks_spanish),
        cmocka_unit_test(floor_and_combining),
        cmocka_unit_test(wrap_greedy),
        cmocka_unit_test(wrap_newlines),
        cmocka_unit_test(wrap_long_word),
        cmocka_unit_test(wrap_pena_iniguez),
        cmocka_unit_test(wrap_combining_accents),
        cmocka_unit_test(fit_prefix),
        cmocka_unit_test(wrap_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
