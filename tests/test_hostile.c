/* test_hostile.c — hostile input at the kiosk and on the command line:
 * very long badge strings, control characters and invalid UTF-8 from a
 * keyboard wedge, a long accented guest name, and SQL metacharacters. Each
 * must be handled without a crash, without truncating stored data (a value
 * too long is refused, never cut) and without injection (stored verbatim,
 * no extra rows). Store level first, then through the real executable. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct fx {
    TU_FIXTURE;
    char event[UTIL_UUID_LEN];
};

static const char SIG[] = "SG1-fake-but-non-empty";

/* SQL metacharacters, one per string, and the classic injection. */
static const char *const SQLMETA[] = {
    "' OR 1=1 --", "'", "\"", ";", "--", "%", "_", "\\", "O'Brien; DROP TABLE person; --",
    "Robert'); DELETE FROM attendance; --", "100%_\\\"'", NULL,
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "k.db");
    tu_people(f->s);
    snprintf(f->event, sizeof f->event, "%s",
             tu_event(f->s, "Taller de ética", "taller", "etica", "SCLC", "2020-11-25 10:00", 1));
    *state = f;
    return 0;
}

/* A string of n copies of c (caller frees). */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* 1 if text holds no control character (so it is one line, and no escape
 * sequence reaches a terminal or a log). */
static int no_controls(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return 0;
    return 1;
}

/* 1 if text is exactly one line ending in '\n', without other controls. */
static int one_line(const char *text)
{
    size_t n = strlen(text);
    if (n < 2 || text[n - 1] != '\n')
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            return 0;
    return 1;
}

/* Every result of a search is a real, active person of the roster. */
static void results_are_people(store *s, const store_person *res, int n)
{
    for (int i = 0; i < n; i++) {
        store_person p;
        assert_int_equal(store_person_get(s, res[i].employee_no, &p), STORE_OK);
        assert_true(p.active);
    }
}

/* ---- very long badge strings ---- */

static void long_badge_strings_are_refused_cleanly(void **state)
{
    struct fx *f = *state;
    char *digits = repeat('7', 10000), *letters = repeat('A', 10000);
    store_record r;
    store_person p, res[8];
    const char *badges[] = {digits, letters};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(store_person_get(f->s, badges[i], &p), STORE_NOTFOUND);
        assert_int_equal(store_checkin(f->s, f->event, badges[i], NULL, "badge", SIG, sizeof SIG, 100, &r),
                         STORE_NOTFOUND);
        assert_true(strlen(store_errmsg(f->s)) < 2048); /* bounded, one line */
        assert_true(no_controls(store_errmsg(f->s)));
        int n = store_search(f->s, badges[i], res, 8);
        assert_true(n >= 0 && n <= 8);
    }
    /* A 10,000-character guest name is refused, not cut. */
    assert_int_equal(store_checkin(f->s, f->event, NULL, letters, "guest", SIG, sizeof SIG, 100, &r),
                     STORE_INVALID);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), 0);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    free(digits);
    free(letters);
}

static void long_search_text_is_harmless(void **state)
{
    struct fx *f = *state;
    store_person res[8];
    /* 10,000 characters of a real word, of spaces, and of two-byte letters. */
    char *word = malloc(10001);
    for (int i = 0; i < 10000; i += 4)
        memcpy(word + i, "jose", 4);
    word[10000] = '\0';
    char *spaces = repeat(' ', 10000);
    char *accents = malloc(10001);
    for (int i = 0; i < 10000; i += 2)
        memcpy(accents + i, "\xc3\xb1", 2); /* ñ */
    accents[10000] = '\0';
    const char *queries[] = {word, spaces, accents};
    for (int i = 0; i < 3; i++) {
        int n = store_search(f->s, queries[i], res, 8);
        assert_true(n >= 0 && n <= 8);
        results_are_people(f->s, res, n);
    }
    free(word);
    free(spaces);
    free(accents);
}

/* ---- control characters and invalid UTF-8 (keyboard wedge) ---- */

static const char *const WEDGE_NUMBERS[] = {
    "1001\r", "1001\n", "\x1b[2J1001", "10\x07" "01", "1001\t", "1001\xff", "\xc3\x28" "1001", "\x7f" "1001",
    "1001\x1b", "\xed\xa0\x80", "\xc0\xaf", NULL,
};

static void wedge_garbage_in_employee_numbers_finds_nobody(void **state)
{
    struct fx *f = *state;
    store_record r;
    store_person p;
    for (int i = 0; WEDGE_NUMBERS[i]; i++) {
        assert_int_equal(store_person_get(f->s, WEDGE_NUMBERS[i], &p), STORE_NOTFOUND);
        assert_int_equal(store_checkin(f->s, f->event, WEDGE_NUMBERS[i], NULL, "badge", SIG, sizeof SIG, 100, &r),
                         STORE_NOTFOUND);
    }
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), 0);
    /* Nor can such a number enter the roster. */
    for (int i = 0; WEDGE_NUMBERS[i]; i++) {
        store_person q;
        memset(&q, 0, sizeof q);
        snprintf(q.employee_no, sizeof q.employee_no, "%s", WEDGE_NUMBERS[i]);
        snprintf(q.surname1, sizeof q.surname1, "Prueba");
        snprintf(q.unit, sizeof q.unit, "SCLC");
        q.active = 1;
        assert_int_equal(store_person_upsert(f->s, &q, 100, NULL), STORE_INVALID);
    }
    assert_int_equal(store_person_count(f->s, 0), 3);
}

static void wedge_garbage_error_messages_stay_one_line(void **state)
{
    struct fx *f = *state;
    store_record r;
    /* The message names the number; it must not carry the raw control
     * characters to a terminal, a log or the screen. */
    for (int i = 0; WEDGE_NUMBERS[i]; i++) {
        store_checkin(f->s, f->event, WEDGE_NUMBERS[i], NULL, "badge", SIG, sizeof SIG, 100, &r);
        if (!no_controls(store_errmsg(f->s)))
            fail_msg("number %d: store_checkin's message carries control characters: \"%s\"", i,
                     store_errmsg(f->s));
    }
}

static void wedge_garbage_in_search_is_harmless(void **state)
{
    struct fx *f = *state;
    store_person res[8];
    const char *queries[] = {"jos\x1b[0m", "\xff\xfejose", "jo\x01se", "pe\xc3", "\xed\xa0\x80pena", "\r\n\t",
                             "\x1b", "pe\xc3\xb1" "a\x00ignored", NULL};
    for (int i = 0; queries[i]; i++) {
        int n = store_search(f->s, queries[i], res, 8);
        assert_true(n >= 0 && n <= 8);
        results_are_people(f->s, res, n);
    }
    /* Garbage around a real word still finds only that person. */
    int n = store_search(f->s, "\xff" "pe\xc3\xb1" "a\x1b", res, 8);
    assert_int_equal(n, 1);
    assert_string_equal(res[0].employee_no, "1001");
}

static void guest_name_with_invalid_utf8_is_refused(void **state)
{
    struct fx *f = *state;
    store_record r;
    const char *names[] = {"Ana \xff L\xf3pez", "\xc3\x28", "Ana \xed\xa0\x80", "Ana \xc0\xaf", NULL};
    for (int i = 0; names[i]; i++)
        assert_int_equal(store_checkin(f->s, f->event, NULL, names[i], "guest", SIG, sizeof SIG, 100, &r),
                         STORE_INVALID);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), 0);
}

static void guest_name_with_control_characters_is_refused(void **state)
{
    struct fx *f = *state;
    store_record r;
    /* A line break, an escape sequence or a bell in an evidence record
     * breaks lists and terminals; like invalid UTF-8, it is refused. */
    const char *names[] = {"Ana\nLópez", "Ana\rLópez", "Ana \x1b[31mLópez", "Ana\x07", "Ana\tLópez",
                           "Ana\x7fLópez", NULL};
    for (int i = 0; names[i]; i++) {
        int rc = store_checkin(f->s, f->event, NULL, names[i], "guest", SIG, sizeof SIG, 100 + i, &r);
        if (rc != STORE_INVALID)
            fail_msg("guest name %d with a control character: store_checkin returned %d, want STORE_INVALID (%d)",
                     i, rc, STORE_INVALID);
    }
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), 0);
}

static void event_texts_with_control_characters_are_refused(void **state)
{
    struct fx *f = *state;
    long before = tu_count(f->s, "SELECT count(*) FROM event");
    const char *bad[] = {"Taller\nde ética", "Taller\x1b[2J", "Taller\tA", "Taller \xff", NULL};
    for (int i = 0; bad[i]; i++) {
        for (int field = 0; field < 3; field++) {
            store_event e;
            memset(&e, 0, sizeof e);
            snprintf(e.title, sizeof e.title, "%s", field == 0 ? bad[i] : "Taller");
            snprintf(e.place, sizeof e.place, "%s", field == 1 ? bad[i] : "Sala 1");
            snprintf(e.instructor, sizeof e.instructor, "%s", field == 2 ? bad[i] : "Ana");
            snprintf(e.kind, sizeof e.kind, "taller");
            snprintf(e.topics, sizeof e.topics, "etica");
            snprintf(e.unit, sizeof e.unit, "SCLC");
            snprintf(e.start, sizeof e.start, "2020-12-01 09:00");
            if (store_event_add(f->s, &e, 100) != STORE_INVALID)
                fail_msg("event text %d in field %d was accepted", i, field);
        }
    }
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM event"), before);
}

/* ---- a long accented guest name ---- */

/* A name of exactly nchars characters cycling through accented letters and
 * spaces (caller frees). */
static char *accented_name(int nchars)
{
    static const char *const parts[] = {"Ñ", "á", "é", "í", "ó", "ú", "ü", "a", " ", "M", "ñ", "Á"};
    char *s = calloc((size_t)nchars * 2 + 1, 1);
    for (int i = 0; i < nchars; i++) {
        const char *p = parts[i % 12];
        if (i == 0 || i == nchars - 1)
            p = "Ñ"; /* no space at either end */
        strcat(s, p);
    }
    return s;
}

static void guest_name_of_100_accented_characters_round_trips(void **state)
{
    struct fx *f = *state;
    char *name = accented_name(100);
    store_record r, back;
    assert_true(strlen(name) > 100); /* bytes, not characters */
    assert_int_equal(store_checkin(f->s, f->event, NULL, name, "guest", SIG, sizeof SIG, 100, &r), STORE_OK);
    assert_int_equal(store_record_by_folio(f->s, r.folio, &back), STORE_OK);
    assert_int_equal(strlen(back.guest_name), strlen(name));
    assert_memory_equal(back.guest_name, name, strlen(name) + 1);
    /* And in the file itself, byte for byte. */
    sqlite3 *db = tu_db(f->s);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT guest_name FROM attendance WHERE folio = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, r.folio, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_bytes(st, 0), (int)strlen(name));
    assert_memory_equal(sqlite3_column_text(st, 0), name, strlen(name));
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(name);
}

static void guest_name_too_long_is_refused_never_cut(void **state)
{
    struct fx *f = *state;
    store_record r, back;
    /* The longest name that fits is stored whole... */
    char *fits = repeat('a', sizeof r.guest_name - 1);
    fits[0] = 'A';
    assert_int_equal(store_checkin(f->s, f->event, NULL, fits, "guest", SIG, sizeof SIG, 100, &r), STORE_OK);
    assert_int_equal(store_record_by_folio(f->s, r.folio, &back), STORE_OK);
    assert_string_equal(back.guest_name, fits);
    /* ...one byte more is refused, and nothing is written. */
    char *too = repeat('b', sizeof r.guest_name);
    long before = tu_count(f->s, "SELECT count(*) FROM attendance");
    assert_int_equal(store_checkin(f->s, f->event, NULL, too, "guest", SIG, sizeof SIG, 101, &r), STORE_INVALID);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), before);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance WHERE length(guest_name) < 255 "
                                 "AND guest_name LIKE 'bbb%'"), 0);
    free(fits);
    free(too);
}

/* ---- SQL metacharacters ---- */

static void sql_metacharacters_in_search_match_nothing(void **state)
{
    struct fx *f = *state;
    store_person res[8];
    for (int i = 0; SQLMETA[i]; i++) {
        int n = store_search(f->s, SQLMETA[i], res, 8);
        if (n != 0)
            fail_msg("search \"%s\" returned %d people", SQLMETA[i], n);
    }
}

static void sql_metacharacters_in_lookups_find_nothing(void **state)
{
    struct fx *f = *state;
    const char *keys[] = {"1001' OR '1'='1", "x' OR 1=1 --", "' OR ''='", "1001'--", "%", "_", NULL};
    store_person p;
    store_event e;
    store_record r;
    for (int i = 0; keys[i]; i++) {
        if (store_person_get(f->s, keys[i], &p) != STORE_NOTFOUND)
            fail_msg("store_person_get(\"%s\") found someone", keys[i]);
        if (store_event_get(f->s, keys[i], &e) != STORE_NOTFOUND)
            fail_msg("store_event_get(\"%s\") found an event", keys[i]);
        if (store_record_by_folio(f->s, keys[i], &r) != STORE_NOTFOUND)
            fail_msg("store_record_by_folio(\"%s\") found a record", keys[i]);
        assert_int_equal(store_checkin(f->s, f->event, keys[i], NULL, "badge", SIG, sizeof SIG, 100, &r),
                         STORE_NOTFOUND);
    }
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), 0);
}

static void sql_metacharacters_in_guest_names_stored_verbatim(void **state)
{
    struct fx *f = *state;
    store_record r, back;
    for (int i = 0; SQLMETA[i]; i++) {
        assert_int_equal(store_checkin(f->s, f->event, NULL, SQLMETA[i], "guest", SIG, sizeof SIG, 100 + i, &r),
                         STORE_OK);
        assert_int_equal(store_record_by_folio(f->s, r.folio, &back), STORE_OK);
        assert_string_equal(back.guest_name, SQLMETA[i]);
    }
    int n = 0;
    while (SQLMETA[n])
        n++;
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), n);
    assert_int_equal(store_person_count(f->s, 0), 3);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
}

static void sql_metacharacters_in_event_titles_stored_verbatim(void **state)
{
    struct fx *f = *state;
    long before = tu_count(f->s, "SELECT count(*) FROM event");
    for (int i = 0; SQLMETA[i]; i++) {
        store_event e, got;
        memset(&e, 0, sizeof e);
        snprintf(e.title, sizeof e.title, "%s", SQLMETA[i]);
        snprintf(e.kind, sizeof e.kind, "taller");
        snprintf(e.topics, sizeof e.topics, "etica");
        snprintf(e.unit, sizeof e.unit, "SCLC");
        snprintf(e.start, sizeof e.start, "2020-12-01 09:00");
        snprintf(e.place, sizeof e.place, "Sala ';--");
        snprintf(e.instructor, sizeof e.instructor, "%s", SQLMETA[i]);
        assert_int_equal(store_event_add(f->s, &e, 100), STORE_OK);
        assert_int_equal(store_event_get(f->s, e.id, &got), STORE_OK);
        assert_string_equal(got.title, SQLMETA[i]);
        assert_string_equal(got.instructor, SQLMETA[i]);
        assert_string_equal(got.place, "Sala ';--");
    }
    int n = 0;
    while (SQLMETA[n])
        n++;
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM event"), before + n);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
}

static void sql_metacharacters_in_roster_fields_stored_verbatim(void **state)
{
    struct fx *f = *state;
    for (int i = 0; SQLMETA[i]; i++) {
        store_person p, got;
        memset(&p, 0, sizeof p);
        snprintf(p.employee_no, sizeof p.employee_no, "9%03d", i);
        snprintf(p.given_name, sizeof p.given_name, "%s", SQLMETA[i]);
        snprintf(p.surname1, sizeof p.surname1, "Inyección%s", SQLMETA[i]);
        snprintf(p.unit, sizeof p.unit, "SCLC");
        snprintf(p.area, sizeof p.area, "%s", SQLMETA[i]);
        snprintf(p.position, sizeof p.position, "%s", SQLMETA[i]);
        snprintf(p.email, sizeof p.email, "%s@x.mx", SQLMETA[i]);
        p.active = 1;
        assert_int_equal(store_person_upsert(f->s, &p, 100, NULL), STORE_OK);
        assert_int_equal(store_person_get(f->s, p.employee_no, &got), STORE_OK);
        assert_string_equal(got.given_name, p.given_name);
        assert_string_equal(got.surname1, p.surname1);
        assert_string_equal(got.area, p.area);
        assert_string_equal(got.position, p.position);
        assert_string_equal(got.email, p.email);
    }
    int n = 0;
    while (SQLMETA[n])
        n++;
    assert_int_equal(store_person_count(f->s, 0), 3 + n);
    /* An employee number is a token: metacharacters are refused. */
    store_person bad;
    memset(&bad, 0, sizeof bad);
    snprintf(bad.employee_no, sizeof bad.employee_no, "1' OR '1'='1");
    snprintf(bad.surname1, sizeof bad.surname1, "X");
    snprintf(bad.unit, sizeof bad.unit, "SCLC");
    assert_int_equal(store_person_upsert(f->s, &bad, 100, NULL), STORE_INVALID);
    /* The search still finds exactly the one person by an injected word. */
    store_person res[8];
    assert_int_equal(store_search(f->s, "obrien", res, 8), 1);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
}

/* ---- through the real executable ---- */

struct cli {
    char *dir;
    char db[4200];
    char event[64];
};

static int cli_setup(void **state)
{
    struct cli *c = calloc(1, sizeof *c);
    c->dir = tu_tmpdir();
    snprintf(c->db, sizeof c->db, "%s/k.db", c->dir);
    const char *init[] = {"--db", c->db, "init", "--institution", "Prueba", "--unit", "SCLC", NULL};
    assert_int_equal(tu_run(NULL, NULL, init), 0);
    static const char csv[] = "numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto\n"
                              "1001,José,Peña,Íñiguez,SCLC,\"Área '; DROP TABLE person; --\",\"Jefe \"\"A\"\" 100%_\"\n"
                              "1002,María,O'Brien,\"\\\",SCLC,Dirección,-- comentario\n";
    char *path = tu_write(c->dir, "r.csv", csv, sizeof csv - 1);
    const char *imp[] = {"--db", c->db, "roster", "import", path, NULL};
    assert_int_equal(tu_run(NULL, NULL, imp), 0);
    free(path);
    char *out = NULL;
    const char *add[] = {"--db", c->db, "event", "add", "--title", "Taller", "--kind", "taller", "--topics",
                         "etica", "--unit", "SCLC", "--start", "2020-11-25 10:00", "--no-signature", NULL};
    assert_int_equal(tu_run(&out, NULL, add), 0);
    out[strcspn(out, "\n")] = '\0';
    snprintf(c->event, sizeof c->event, "%s", out);
    free(out);
    const char *open[] = {"--db", c->db, "event", "open", c->event, NULL};
    assert_int_equal(tu_run(NULL, NULL, open), 0);
    *state = c;
    return 0;
}

static int cli_teardown(void **state)
{
    struct cli *c = *state;
    tu_tmpdir_done(c->dir);
    free(c);
    return 0;
}

static long db_count(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    long n = -1;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

static void cli_checkin_hostile_numbers(void **state)
{
    struct cli *c = *state;
    char *longno = repeat('9', 10000);
    const char *numbers[] = {"1001' OR '1'='1", "1001; --", "%", "_", "' OR 1=1 --", longno, "1001\xff",
                             "\xc3\x28", NULL};
    for (int i = 0; numbers[i]; i++) {
        char *out = NULL, *err = NULL;
        const char *argv[] = {"--db", c->db, "checkin", c->event, numbers[i], NULL};
        assert_int_not_equal(tu_run(&out, &err, argv), 0);
        assert_string_equal(out, "");
        assert_true(strlen(err) < 4096);
        if (!one_line(err))
            fail_msg("checkin number %d: stderr is not one clean line: \"%s\"", i, err);
        free(out);
        free(err);
    }
    assert_int_equal(db_count(c->db, "SELECT count(*) FROM attendance"), 0);
    /* The real number still works. */
    const char *ok[] = {"--db", c->db, "checkin", c->event, "1001", NULL};
    assert_int_equal(tu_run(NULL, NULL, ok), 0);
    assert_int_equal(db_count(c->db, "SELECT count(*) FROM attendance"), 1);
    free(longno);
}

static void cli_checkin_control_characters_one_line_error(void **state)
{
    struct cli *c = *state;
    const char *numbers[] = {"1001\n", "10\n01", "\x1b[2J1001", "1001\r", "1001\t", NULL};
    for (int i = 0; numbers[i]; i++) {
        char *out = NULL, *err = NULL;
        const char *argv[] = {"--db", c->db, "checkin", c->event, numbers[i], NULL};
        assert_int_not_equal(tu_run(&out, &err, argv), 0);
        assert_string_equal(out, "");
        if (!one_line(err))
            fail_msg("checkin number %d with a control character: stderr is not one clean line: \"%s\"", i, err);
        free(out);
        free(err);
    }
    assert_int_equal(db_count(c->db, "SELECT count(*) FROM attendance"), 0);
}

static void cli_roster_search_metacharacters(void **state)
{
    struct cli *c = *state;
    for (int i = 0; SQLMETA[i]; i++) {
        char *out = NULL;
        const char *argv[] = {"--db", c->db, "roster", "list", "--search", SQLMETA[i], NULL};
        assert_int_equal(tu_run(&out, NULL, argv), 0);
        if (out[0])
            fail_msg("roster list --search \"%s\" listed: %s", SQLMETA[i], out);
        free(out);
    }
    /* An apostrophe in a real search is just part of the name. */
    char *one = NULL;
    const char *obrien[] = {"--db", c->db, "roster", "list", "--search", "o'bri", NULL};
    assert_int_equal(tu_run(&one, NULL, obrien), 0);
    assert_true(strncmp(one, "1002\t", 5) == 0 && strchr(one, '\n') == one + strlen(one) - 1);
    free(one);
    /* The roster fields came through the CSV verbatim. */
    char *out = NULL;
    const char *all[] = {"--db", c->db, "roster", "list", NULL};
    assert_int_equal(tu_run(&out, NULL, all), 0);
    assert_non_null(strstr(out, "1001\tJosé Peña Íñiguez\tSCLC\tÁrea '; DROP TABLE person; --\tJefe \"A\" 100%_\t"));
    assert_non_null(strstr(out, "1002\tMaría O'Brien \\\tSCLC\tDirección\t-- comentario\t"));
    free(out);
    assert_int_equal(db_count(c->db, "SELECT count(*) FROM person"), 2);
}

static void cli_event_title_metacharacters(void **state)
{
    struct cli *c = *state;
    long before = db_count(c->db, "SELECT count(*) FROM event");
    for (int i = 0; SQLMETA[i]; i++) {
        char *out = NULL, *err = NULL;
        const char *argv[] = {"--db", c->db, "event", "add", "--title", SQLMETA[i], "--kind", "curso", "--topics",
                              "etica", "--unit", "SCLC", "--start", "2020-12-01 09:00", "--place", SQLMETA[i],
                              NULL};
        if (tu_run(&out, &err, argv) != 0)
            fail_msg("event add --title \"%s\": %s", SQLMETA[i], err);
        out[strcspn(out, "\n")] = '\0';
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM event WHERE uuid = '%s' AND title = place", out);
        assert_int_equal(db_count(c->db, sql), 1);
        free(out);
        free(err);
    }
    int n = 0;
    while (SQLMETA[n])
        n++;
    assert_int_equal(db_count(c->db, "SELECT count(*) FROM event"), before + n);
    /* Each title reads back verbatim in the list. */
    char *out = NULL;
    const char *list[] = {"--db", c->db, "event", "list", NULL};
    assert_int_equal(tu_run(&out, NULL, list), 0);
    for (int i = 0; SQLMETA[i]; i++) {
        char want[256]; /* title, place (the same text), no instructor, no PAT key, 0 counted, 0 attendees */
        snprintf(want, sizeof want, "\t%s\t%s\t\t\t0\t0\n", SQLMETA[i], SQLMETA[i]);
        assert_non_null(strstr(out, want));
    }
    free(out);
    /* A 10,000-character title is refused, never cut. */
    char *longt = repeat('T', 10000), *err = NULL;
    const char *big[] = {"--db", c->db, "event", "add", "--title", longt, "--kind", "curso", "--topics", "etica",
                         "--unit", "SCLC", "--start", "2020-12-01 09:00", NULL};
    assert_int_not_equal(tu_run(NULL, &err, big), 0);
    assert_true(one_line(err));
    assert_int_equal(db_count(c->db, "SELECT count(*) FROM event"), before + n);
    free(err);
    free(longt);
    const char *audit[] = {"--db", c->db, "audit", "verify", NULL};
    assert_int_equal(tu_run(NULL, NULL, audit), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(long_badge_strings_are_refused_cleanly, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(long_search_text_is_harmless, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(wedge_garbage_in_employee_numbers_finds_nobody, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(wedge_garbage_error_messages_stay_one_line, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(wedge_garbage_in_search_is_harmless, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(guest_name_with_invalid_utf8_is_refused, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(guest_name_with_control_characters_is_refused, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(event_texts_with_control_characters_are_refused, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(guest_name_of_100_accented_characters_round_trips, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(guest_name_too_long_is_refused_never_cut, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(sql_metacharacters_in_search_match_nothing, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(sql_metacharacters_in_lookups_find_nothing, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(sql_metacharacters_in_guest_names_stored_verbatim, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(sql_metacharacters_in_event_titles_stored_verbatim, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(sql_metacharacters_in_roster_fields_stored_verbatim, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(cli_checkin_hostile_numbers, cli_setup, cli_teardown),
        cmocka_unit_test_setup_teardown(cli_checkin_control_characters_one_line_error, cli_setup, cli_teardown),
        cmocka_unit_test_setup_teardown(cli_roster_search_metacharacters, cli_setup, cli_teardown),
        cmocka_unit_test_setup_teardown(cli_event_title_metacharacters, cli_setup, cli_teardown),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
