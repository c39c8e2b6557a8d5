/* test_export_labels.c — the words the evidence documents use (issue 14,
 * item 7): the time-zone line in words, the day a row typed in from a
 * paper list shows, topic labels with one capitalisation, the attachments
 * line, file-name slugs. */
#include "testutil.h"

#include <string.h>
#include <time.h>

#include "export_labels.h"

static void tz_lines(void **state)
{
    (void)state;
    char out[160];
    export_tz_text("America/Mexico_City", out, sizeof out);
    assert_string_equal(out, "Horas en tiempo del centro de México");
    export_tz_text("America/Merida", out, sizeof out);
    assert_string_equal(out, "Horas en tiempo del centro de México");
    export_tz_text("America/Cancun", out, sizeof out);
    assert_string_equal(out, "Horas en tiempo del sureste de México (Quintana Roo)");
    export_tz_text("America/Tijuana", out, sizeof out);
    assert_string_equal(out, "Horas en tiempo del noroeste de México (Baja California)");
    export_tz_text("Europe/Madrid", out, sizeof out);
    assert_string_equal(out, "Horas en la zona horaria Europe/Madrid");
    export_tz_text(NULL, out, sizeof out);
    assert_string_equal(out, "Horas en la zona horaria ");
}

static struct tm day(int y, int m, int d, int hh)
{
    struct tm t;
    memset(&t, 0, sizeof t);
    t.tm_year = y - 1900;
    t.tm_mon = m - 1;
    t.tm_mday = d;
    t.tm_hour = hh;
    return t;
}

static void keyed_days(void **state)
{
    (void)state;
    char out[16];
    /* Typed in a week after a one-day workshop: the workshop's day. */
    struct tm t = day(2026, 3, 17, 9);
    export_keyed_day(&t, "2026-03-10 10:00", "2026-03-10 12:00", out, sizeof out);
    assert_string_equal(out, "10/03/2026");
    /* Without an end: the same. */
    export_keyed_day(&t, "2026-03-10 10:00", "", out, sizeof out);
    assert_string_equal(out, "10/03/2026");
    /* An online course over weeks, a row dated within it: its own day. */
    t = day(2026, 3, 20, 12);
    export_keyed_day(&t, "2026-03-02 09:00", "2026-03-31 18:00", out, sizeof out);
    assert_string_equal(out, "20/03/2026");
    /* Typed in before the course (a clock set wrong): the first day. */
    t = day(2026, 2, 27, 12);
    export_keyed_day(&t, "2026-03-02 09:00", "2026-03-31 18:00", out, sizeof out);
    assert_string_equal(out, "02/03/2026");
}

static void labels(void **state)
{
    (void)state;
    char out[300];
    assert_string_equal(export_topic_label("conflicto-intereses"), "Prevención de conflictos de intereses");
    export_topics_text("etica, conflicto-intereses", out, sizeof out);
    assert_string_equal(out, "Ética, Prevención de conflictos de intereses");
    int counts[4] = {3, 1, 0, 0};
    export_attachments_text(counts, out, sizeof out);
    assert_string_equal(out, "Anexos: 3 fotografías, 1 lista en papel escaneada");
    export_slug("Taller de prevención de conflictos de intereses", out, sizeof out);
    assert_string_equal(out, "taller-prevencion-conflictos");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tz_lines),
        cmocka_unit_test(keyed_days),
        cmocka_unit_test(labels),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
