/* test_base45.c — RFC 9285 Base45: the RFC's examples, invalid input, and
 * round trips of every short length. */
#include "testutil_core.h"

#include <stdlib.h>
#include <string.h>

#include "base45.h"

static void enc_is(const char *in, const char *want)
{
    char out[128];
    size_t n = base45_encode((const uint8_t *)in, strlen(in), out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void dec_is(const char *in, const char *want)
{
    uint8_t out[128];
    size_t n = 999;
    assert_int_equal(base45_decode(in, out, sizeof out, &n), 0);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
}

static void dec_fails(const char *in)
{
    uint8_t out[128];
    size_t n = 999;
    if (base45_decode(in, out, sizeof out, &n) == 0)
        fail_msg("decoding '%s' should fail", in);
}

static void test_rfc_examples(void **state)
{
    (void)state;
    enc_is("AB", "BB8");
    enc_is("Hello!!", "%69 VD92EX0");
    enc_is("base-45", "UJCLQE7W581");
    enc_is("", "");
    dec_is("BB8", "AB");
    dec_is("%69 VD92EX0", "Hello!!");
    dec_is("UJCLQE7W581", "base-45");
    dec_is("QED8WEX0", "ietf!");
    dec_is("", "");
}

static void test_invalid(void **state)
{
    (void)state;
    dec_fails("GGW");         /* 65536 + ... > 65535 */
    dec_fails(":::");         /* 44 + 44*45 + 44*2025 = 91124 */
    dec_fails("GGWBB8");      /* a bad triplet first */
    dec_fails("BB8GGW");      /* a bad triplet last */
    dec_fails("ZZ");          /* 35 + 35*45 = 1610 > 255 */
    dec_fails("A");           /* dangling character */
    dec_fails("BB8A");        /* dangling after a triplet */
    dec_fails("bb8");         /* lower case is outside the alphabet */
    dec_fails("BB#");
    dec_fails("BB\n");
    dec_fails("B_8");
    /* The largest values still decode. */
    dec_is("FGW", "\xff\xff");
    dec_is("U5", "\xff");
}

static void test_small_buffers(void **state)
{
    (void)state;
    char out[8];
    uint8_t bin[1];
    size_t n;
    /* "Hello!!" needs 11 + 1 bytes. */
    assert_int_equal(base45_encode((const uint8_t *)"Hello!!", 7, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(base45_encode((const uint8_t *)"AB", 2, out, 4), 3);
    assert_int_equal(base45_encode((const uint8_t *)"AB", 2, out, 3), 0);
    assert_int_equal(base45_decode("BB8", bin, sizeof bin, &n), -1);
    assert_int_equal(base45_decode("U5", bin, sizeof bin, &n), 0);
    assert_int_equal(n, 1);
}

static void test_round_trip(void **state)
{
    (void)state;
    uint8_t in[200], back[200];
    char text[320];
    srand(tu_seed("base45 round trip", 45));
    for (size_t len = 0; len <= sizeof in; len++) {
        for (size_t i = 0; i < len; i++)
            in[i] = (uint8_t)rand();
        if (len > 2)
            in[0] = 0xff, in[1] = 0xff, in[len - 1] = 0; /* extremes */
        size_t n = base45_encode(in, len, text, sizeof text);
        assert_int_equal(n, len / 2 * 3 + len % 2 * 2);
        assert_int_equal(strlen(text), n);
        /* Every character is in the QR alphanumeric set. */
        assert_int_equal(strspn(text, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"), n);
        size_t m;
        assert_int_equal(base45_decode(text, back, sizeof back, &m), 0);
        assert_int_equal(m, len);
        assert_memory_equal(back, in, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_examples),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_small_buffers),
        cmocka_unit_test(test_round_trip),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
