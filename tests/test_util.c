/* test_util.c — UTF-8 folding, Windows-1252, dates and time zones. */
#include "testutil_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static void fold_accents_and_enye(void **state)
{
    (void)state;
    char out[128];
    util_fold("José Peña Íñiguez", out, sizeof out);
    assert_string_equal(out, "jose pena iniguez");
    util_fold("  MARÍA  de-la   Luz ", out, sizeof out);
    assert_string_equal(out, "maria de la luz");
    util_fold("Müller Ångström Œdipe", out, sizeof out);
    assert_string_equal(out, "muller angstrom oedipe");
    util_fold("O'Brien", out, sizeof out);
    assert_string_equal(out, "obrien");
}

/* Header keys: the same for every spelling a coordinator's spreadsheet
 * uses, "de"/"del" dropped only as whole words, cut at the buffer. */
static void header_keys(void **state)
{
    (void)state;
    char out[64], small[8];
    util_header_key("Número de Empleado", out, sizeof out);
    assert_string_equal(out, "numeroempleado");
    util_header_key("  NUMERO_EMPLEADO ", out, sizeof out);
    assert_string_equal(out, "numeroempleado");
    util_header_key("Unidad del Delegado", out, sizeof out);
    assert_string_equal(out, "unidaddelegado");
    util_header_key("Denominación", out, sizeof out);
    assert_string_equal(out, "denominacion");
    util_header_key("Área de adscripción", small, sizeof small);
    assert_string_equal(small, "area");
    util_header_key("", out, sizeof out);
    assert_string_equal(out, "");
}

static void fold_invalid_utf8_is_separator(void **state)
{
    (void)state;
    char out[64];
    util_fold("ab\xff\xfe" "cd", out, sizeof out);
    assert_string_equal(out, "ab cd");
    util_fold("\xc3", out, sizeof out); /* truncated sequence */
    assert_string_equal(out, "");
}

static void fold_respects_output_size(void **state)
{
    (void)state;
    char out[6];
    size_t n = util_fold("ábcdéfghij", out, sizeof out);
    assert_int_equal(n, 5);
    assert_string_equal(out, "abcde");
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(util_utf8_valid("Peña", 5));
    assert_false(util_utf8_valid("Pe\xf1" "a", 4));        /* Latin-1 ñ */
    assert_false(util_utf8_valid("\xc0\xaf", 2));           /* overlong */
    assert_false(util_utf8_valid("\xed\xa0\x80", 3));       /* surrogate */
}

static void cp1252_converts(void **state)
{
    (void)state;
    size_t n;
    char *s = util_cp1252_to_utf8("Pe\xf1" "a \x80 \x93x\x94", 10, &n);
    assert_string_equal(s, "Peña € “x”");
    free(s);
}

static void parse_local_dates(void **state)
{
    (void)state;
    struct tm tm;
    assert_int_equal(util_parse_local("2020-11-25 10:30", &tm), 0);
    assert_int_equal(tm.tm_year, 120);
    assert_int_equal(tm.tm_hour, 10);
    assert_int_equal(util_parse_local("2020-02-29", &tm), 0);
    assert_int_equal(util_parse_local("2021-02-29", &tm), -1);
    assert_int_equal(util_parse_local("2020-13-01 10:00", &tm), -1);
    assert_int_equal(util_parse_local("2020-1-1 10:00", &tm), -1);
    assert_int_equal(util_parse_local("2020-01-01T10:00", &tm), -1);
    assert_int_equal(util_parse_local("2020-01-01 24:00", &tm), -1);
    assert_int_equal(util_parse_local("", &tm), -1);
}

static void time_zones(void **state)
{
    (void)state;
    struct tm tm;
    int64_t t;
    util_parse_local("2020-11-25 10:00", &tm);
    assert_int_equal(util_local_to_utc("America/Mexico_City", &tm, &t), 0);
    assert_int_equal(t, 1606320000); /* 16:00 UTC (UTC-6) */
    assert_int_equal(util_local_to_utc("America/Cancun", &tm, &t), 0);
    assert_int_equal(t, 1606316400); /* 15:00 UTC (UTC-5) */
    assert_int_equal(util_local_to_utc("Nowhere/Atlantis", &tm, &t), -1);
    assert_int_equal(util_local_to_utc("America", &tm, &t), -1); /* a folder, not a zone */
    assert_false(util_tz_valid("../../etc/passwd"));
    assert_true(util_tz_valid("America/Cancun"));
    char buf[32];
    util_format_time("America/Cancun", 1606316400, "%H:%M", buf, sizeof buf);
    assert_string_equal(buf, "10:00");
}

static void atomic_write_is_private(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), path[4200];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    umask(0);
    assert_int_equal(util_write_file_atomic(path, "hola", 4), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/missing/out.txt", dir);
    assert_int_equal(util_write_file_atomic(path, "x", 1), -1);
    umask(022);
    tu_tmpdir_done(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fold_accents_and_enye),
        cmocka_unit_test(fold_invalid_utf8_is_separator),
        cmocka_unit_test(fold_respects_output_size),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(cp1252_converts),
        cmocka_unit_test(parse_local_dates),
        cmocka_unit_test(header_keys),
        cmocka_unit_test(time_zones),
        cmocka_unit_test(atomic_write_is_private),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
