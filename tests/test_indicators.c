/* test_indicators.c — the PAT arithmetic against a small fixture computed
 * by hand (see the comments), plus the text/CSV/JSON writers. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicators.h"
#include "util.h"

static const char SIG[] = "signature";

struct fx {
    TU_FIXTURE;
    config c;
};

static void pledge_at(store *s, const char *no, const char *tz, const char *when)
{
    char carta[65], privacy[65];
    struct tm tm;
    int64_t t;
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, privacy);
    assert_int_equal(util_parse_local(when, &tm), 0);
    assert_int_equal(util_local_to_utc(tz, &tm, &t), 0);
    store_record r;
    if (store_pledge(s, no, carta, privacy, "keyed", NULL, 0, t, t, &r) != STORE_OK)
        fail_msg("pledge %s: %s", no, store_errmsg(s));
}

static void attend(store *s, const char *event, const char *no)
{
    store_record r;
    int rc = no ? store_checkin(s, event, no, NULL, "number", SIG, sizeof SIG, 1, &r)
                : store_checkin(s, event, NULL, "Invitado Externo", "guest", SIG, sizeof SIG, 1, &r);
    if (rc != STORE_OK)
        fail_msg("check-in %s: %s", no ? no : "guest", store_errmsg(s));
}

/* Fixture (year 2020):
 *   SCLC: A1..A4 active, A5 attended and pledged, then left (inactive).
 *   CHE:  B1, B2.   TAP: C1..C4.
 *   E1 SCLC etica 2020-03-10: A1, A2, A5, a guest.
 *   E2 SCLC etica 2020-06-01: A1 again, B1 (a CHE person at a SCLC event).
 *   E3 CHE "otro" 2020-05-01: B2 (does not qualify).
 *   E4 TAP hsas 2019-11-01: C1 (previous year).
 *   Pledges: A1 2020-02-01, A3 2019-05-05 (counts: up to the end of the
 *   year), B1 2021-01-10 (after), C2 2020-12-31 23:30 Mexico City time
 *   (= 2021-01-01 05:30 UTC: still 2020 locally), A5 2020-04-01 (inactive).
 * Expected 2020: SCLC 4 staff, 2 trained (50%), 2 pledged (50%), covered;
 *   CHE 2 staff, 1 trained (50%), 0 pledged; not covered (E3 is "otro");
 *   TAP 4 staff, 0 trained, 1 pledged (25%); not covered.
 *   Overall 10 staff, 3 trained (30%), 3 pledged (30%), 1 of 3 units. */
static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "k.db");
    config_defaults(&f->c, ".");
    store *s = f->s;
    assert_int_equal(store_unit_put(s, "TAP", "Tapachula", "America/Mexico_City"), STORE_OK);
    const char *sclc[] = {"A1", "A2", "A3", "A4", "A5"};
    for (int i = 0; i < 5; i++)
        tu_person(s, sclc[i], "Persona", "Sclc", sclc[i], "SCLC", 1);
    tu_person(s, "B1", "Persona", "Che", "B1", "CHE", 1);
    tu_person(s, "B2", "Persona", "Che", "B2", "CHE", 1);
    const char *tap[] = {"C1", "C2", "C3", "C4"};
    for (int i = 0; i < 4; i++)
        tu_person(s, tap[i], "Persona", "Tap", tap[i], "TAP", 1);
    char e1[40], e2[40], e3[40], e4[40];
    snprintf(e1, sizeof e1, "%s", tu_event(s, "E1", "taller", "etica", "SCLC", "2020-03-10 10:00", 1));
    snprintf(e2, sizeof e2, "%s", tu_event(s, "E2", "curso", "etica,otro", "SCLC", "2020-06-01 10:00", 1));
    snprintf(e3, sizeof e3, "%s", tu_event(s, "E3", "otro", "otro", "CHE", "2020-05-01 10:00", 1));
    snprintf(e4, sizeof e4, "%s", tu_event(s, "E4", "platica", "hsas", "TAP", "2019-11-01 10:00", 1));
    attend(s, e1, "A1");
    attend(s, e1, "A2");
    attend(s, e1, "A5");
    attend(s, e1, NULL);
    attend(s, e2, "A1");
    attend(s, e2, "B1");
    attend(s, e3, "B2");
    attend(s, e4, "C1");
    pledge_at(s, "A1", "America/Mexico_City", "2020-02-01 10:00");
    pledge_at(s, "A3", "America/Mexico_City", "2019-05-05 10:00");
    pledge_at(s, "B1", "America/Cancun", "2021-01-10 10:00");
    pledge_at(s, "C2", "America/Mexico_City", "2020-12-31 23:30");
    pledge_at(s, "A5", "America/Mexico_City", "2020-04-01 10:00");
    tu_person(s, "A5", "Persona", "Sclc", "A5", "SCLC", 0); /* left */
    *state = f;
    return 0;
}

static const ind_unit *unit(const indicators *ind, const char *code)
{
    for (int i = 0; i < ind->nunits; i++)
        if (strcmp(ind->units[i].code, code) == 0)
            return &ind->units[i];
    fail_msg("no unit %s", code);
    return NULL;
}

static void pct_rounding(void **state)
{
    (void)state;
    assert_true(indicators_pct(130, 812) == 16.01);
    assert_true(indicators_pct(401, 812) == 49.38);
    assert_true(indicators_pct(1, 3) == 33.33);
    assert_true(indicators_pct(2, 3) == 66.67);
    assert_true(indicators_pct(5, 0) == 0.0);
}

static void fixture_2020(void **state)
{
    struct fx *f = *state;
    indicators ind;
    assert_int_equal(indicators_compute(f->s, &f->c, 2020, &ind), STORE_OK);
    assert_int_equal(ind.staff, 10);
    assert_int_equal(ind.trained, 3);
    assert_int_equal(ind.pledged, 3);
    assert_true(ind.trained_pct == 30.0);
    assert_true(ind.pledged_pct == 30.0);
    assert_int_equal(ind.units_covered, 1);
    assert_int_equal(ind.units_total, 3);
    assert_true(ind.units_covered_pct == 33.33);
    const ind_unit *u = unit(&ind, "SCLC");
    assert_int_equal(u->staff, 4);
    assert_int_equal(u->trained, 2);
    assert_int_equal(u->pledged, 2);
    assert_true(u->has_training);
    u = unit(&ind, "CHE");
    assert_int_equal(u->staff, 2);
    assert_int_equal(u->trained, 1);
    assert_int_equal(u->pledged, 0);
    assert_false(u->has_training);
    u = unit(&ind, "TAP");
    assert_int_equal(u->staff, 4);
    assert_int_equal(u->trained, 0);
    assert_int_equal(u->pledged, 1);
    assert_true(u->pledged_pct == 25.0);
    assert_false(u->has_training);
    const int trained[12] = {0, 0, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3};
    const int pledged[12] = {1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3};
    for (int k = 0; k < 12; k++) {
        assert_int_equal(ind.monthly_trained[k], trained[k]);
        assert_int_equal(ind.monthly_pledged[k], pledged[k]);
    }
    indicators_free(&ind);
}

static void fixture_other_years_and_topics(void **state)
{
    struct fx *f = *state;
    indicators ind;
    assert_int_equal(indicators_compute(f->s, &f->c, 2019, &ind), STORE_OK);
    assert_int_equal(ind.trained, 1);  /* C1 at E4 */
    assert_int_equal(ind.pledged, 1);  /* A3 */
    assert_int_equal(ind.units_covered, 1);
    indicators_free(&ind);
    assert_int_equal(indicators_compute(f->s, &f->c, 2021, &ind), STORE_OK);
    assert_int_equal(ind.trained, 0);
    assert_int_equal(ind.pledged, 4);  /* A1, A3, C2, B1 */
    assert_int_equal(ind.units_covered, 0);
    indicators_free(&ind);
    /* Configured topics: only "otro" counts now. */
    f->c.ntopics = 1;
    snprintf(f->c.topics[0], sizeof f->c.topics[0], "otro");
    assert_int_equal(indicators_compute(f->s, &f->c, 2020, &ind), STORE_OK);
    assert_int_equal(ind.trained, 3);  /* A1 and B1 (E2), B2 (E3) */
    assert_int_equal(ind.units_covered, 2); /* SCLC (E2), CHE (E3) */
    indicators_free(&ind);
}

/* I.2 needs a unit to have *held* a training: a draft, an empty event or
 * one attended only by guests covers nothing. */
static void empty_or_guest_only_events_cover_nothing(void **state)
{
    struct fx *f = *state;
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "Anunciado");
    snprintf(e.kind, sizeof e.kind, "curso");
    snprintf(e.topics, sizeof e.topics, "etica");
    snprintf(e.unit, sizeof e.unit, "TAP");
    snprintf(e.start, sizeof e.start, "2020-09-01 10:00");
    assert_int_equal(store_event_add(f->s, &e, 1), STORE_OK); /* stays a draft */
    char guests[40];
    snprintf(guests, sizeof guests, "%s", tu_event(f->s, "Solo invitados", "taller", "etica", "CHE",
                                                    "2020-09-02 10:00", 1));
    attend(f->s, guests, NULL);
    tu_event(f->s, "Vacío", "taller", "etica", "TAP", "2020-09-03 10:00", 1);
    indicators ind;
    assert_int_equal(indicators_compute(f->s, &f->c, 2020, &ind), STORE_OK);
    assert_int_equal(ind.units_covered, 1); /* still only SCLC */
    assert_false(unit(&ind, "CHE")->has_training);
    assert_false(unit(&ind, "TAP")->has_training);
    indicators_free(&ind);
}

static void writers(void **state)
{
    struct fx *f = *state;
    indicators ind;
    assert_int_equal(indicators_compute(f->s, &f->c, 2020, &ind), STORE_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_int_equal(indicators_write(&ind, "json", m), 0);
    fclose(m);
    assert_non_null(strstr(buf, "{\"year\": 2020,"));
    assert_non_null(strstr(buf, "\"goals\": {\"trained_pct\": 15, \"units_covered_pct\": 100, \"pledged_pct\": 50}"));
    assert_non_null(strstr(buf, "\"overall\": {\"staff\": 10, \"trained\": 3, \"trained_pct\": 30,"));
    assert_non_null(strstr(buf, "\"units_covered\": 1, \"units_total\": 3,"));
    assert_non_null(strstr(buf, "{\"code\": \"TAP\", \"name\": \"Tapachula\", \"staff\": 4,"));
    assert_non_null(strstr(buf, "\"has_training\": true}"));
    free(buf);
    m = open_memstream(&buf, &len);
    assert_int_equal(indicators_write(&ind, "csv", m), 0);
    fclose(m);
    assert_memory_equal(buf, "\xEF\xBB\xBF", 3);
    assert_non_null(strstr(buf, "2020,SCLC,San Cristóbal de Las Casas,4,2,50,15,2,50,50,sí\r\n"));
    assert_non_null(strstr(buf, "2020,TOTAL,Todas las unidades,10,3,30,15,3,30,50,1 de 3 unidades\r\n"));
    free(buf);
    m = open_memstream(&buf, &len);
    assert_int_equal(indicators_write(&ind, "text", m), 0);
    fclose(m);
    assert_non_null(strstr(buf, "San Cristóbal de Las Casas"));
    assert_non_null(strstr(buf, "30.00 %"));
    free(buf);
    m = open_memstream(&buf, &len);
    assert_int_equal(indicators_write(&ind, "xml", m), -1);
    fclose(m);
    free(buf);
    indicators_free(&ind);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pct_rounding),
        cmocka_unit_test_setup_teardown(fixture_2020, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(fixture_other_years_and_topics, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(empty_or_guest_only_events_cover_nothing, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(writers, setup, tu_teardown),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
