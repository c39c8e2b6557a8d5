/* test_store.c — the database: open/migrate, refusal of foreign files, the
 * check-in and pledge rules, search, events, audit chain, and failure paths
 * (read-only file, full disk). */
#include "testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

struct fx {
    TU_FIXTURE;
    char event[UTIL_UUID_LEN];
};

static const char SIG[] = "SG1-fake-but-non-empty";

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "k.db");
    tu_people(f->s);
    tu_person(f->s, "1004", "Ana", "Peñaloza", "Gómez", "CHE", 0); /* inactive */
    snprintf(f->event, sizeof f->event, "%s",
             tu_event(f->s, "Taller de ética", "taller", "etica", "SCLC", "2020-11-25 10:00", 1));
    *state = f;
    return 0;
}

static void database_is_private_wal_and_full_sync(void **state)
{
    struct fx *f = *state;
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/k.db", f->dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char v[32];
    assert_int_equal(store_pragma(f->s, "synchronous", v, sizeof v), STORE_OK);
    assert_string_equal(v, "2"); /* FULL */
    assert_int_equal(store_pragma(f->s, "foreign_keys", v, sizeof v), STORE_OK);
    assert_string_equal(v, "1");
    assert_int_equal(store_pragma(f->s, "journal_mode", v, sizeof v), STORE_OK);
    assert_string_equal(v, "wal");
    assert_int_equal(store_pragma(f->s, "user_version; DROP TABLE audit", v, sizeof v), STORE_INVALID);
    assert_int_equal(tu_count(f->s, "PRAGMA user_version"), store_schema_version());
    assert_int_equal(strlen(store_kiosk_id(f->s)), 7);
}

static void private_even_with_permissive_umask(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), path[4200], err[256];
    mode_t old = umask(0);
    snprintf(path, sizeof path, "%s/open.db", dir);
    store *s;
    assert_int_equal(store_open(&s, path, 1, err, sizeof err), STORE_OK);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    store_close(s);
    tu_rmrf(dir);
    free(dir);
}

/* Returns the file's bytes (for "changes nothing" checks). */
static char *slurp(const char *path, size_t *len)
{
    char *b = util_read_file(path, len);
    assert_non_null(b);
    return b;
}

static void refuses_database_from_the_future(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), path[4200], err[512];
    snprintf(path, sizeof path, "%s/future.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE TABLE meta(key, value); PRAGMA user_version = %d;", store_schema_version() + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    size_t l1, l2;
    char *before = slurp(path, &l1);
    store *s = NULL;
    assert_int_equal(store_open(&s, path, 0, err, sizeof err), STORE_INVALID);
    assert_null(s);
    assert_non_null(strstr(err, "newer version"));
    char *after = slurp(path, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(before, after, l1);
    free(before);
    free(after);
    tu_rmrf(dir);
    free(dir);
}

static void refuses_corrupt_and_foreign_files(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), err[512];
    static const char junk_text[] = "this is not a database at all, just some text........";
    char *junk = tu_write(dir, "junk.db", junk_text, sizeof junk_text - 1);
    store *s = NULL;
    size_t l1, l2;
    char *before = slurp(junk, &l1);
    assert_int_equal(store_open(&s, junk, 0, err, sizeof err), STORE_INVALID);
    assert_null(s);
    assert_non_null(strstr(err, "junk.db"));
    char *after = slurp(junk, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(before, after, l1);
    free(before);
    free(after);
    /* A real SQLite file of another program. */
    char path[4200];
    snprintf(path, sizeof path, "%s/other.db", dir);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    assert_int_equal(store_open(&s, path, 0, err, sizeof err), STORE_INVALID);
    assert_non_null(strstr(err, "not a cepci-kiosk database"));
    /* A missing file is not created without create=1. */
    snprintf(path, sizeof path, "%s/missing.db", dir);
    assert_int_equal(store_open(&s, path, 0, err, sizeof err), STORE_NOTFOUND);
    assert_int_equal(access(path, F_OK), -1);
    free(junk);
    tu_rmrf(dir);
    free(dir);
}

static void checkin_rules(void **state)
{
    struct fx *f = *state;
    store_record r, r2;
    /* Signature asked: refused without one. */
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "number", NULL, 0, 1606320000, &r), STORE_INVALID);
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "number", SIG, sizeof SIG, 1606320000, &r), STORE_OK);
    assert_string_equal(r.employee_no, "1001");
    assert_string_equal(r.type, "attendance");
    assert_true(r.has_signature);
    char want[32];
    snprintf(want, sizeof want, "%s-000001", store_kiosk_id(f->s));
    assert_string_equal(r.folio, want);
    /* Second check-in: the earlier record, no second row. */
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "badge", SIG, sizeof SIG, 1606323600, &r2),
                     STORE_EXISTS);
    assert_string_equal(r2.folio, r.folio);
    assert_int_equal(r2.at, 1606320000);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), 1);
    /* Unknown and inactive people. */
    assert_int_equal(store_checkin(f->s, f->event, "9999", NULL, "number", SIG, sizeof SIG, 1, &r), STORE_NOTFOUND);
    assert_int_equal(store_checkin(f->s, f->event, "1004", NULL, "number", SIG, sizeof SIG, 1, &r), STORE_NOTFOUND);
    assert_non_null(strstr(store_errmsg(f->s), "inactive"));
    /* Guests: counted apart, no employee number. */
    assert_int_equal(store_checkin(f->s, f->event, NULL, "Invitada Peña", "guest", SIG, sizeof SIG, 2, &r), STORE_OK);
    assert_string_equal(r.guest_name, "Invitada Peña");
    assert_int_equal(store_checkin(f->s, f->event, NULL, "", "guest", SIG, sizeof SIG, 2, &r), STORE_INVALID);
    /* The same guest name twice (case, accents and spacing aside): the
     * earlier record, no second row. */
    assert_int_equal(store_checkin(f->s, f->event, NULL, "  invitada  PENA ", "guest", SIG, sizeof SIG, 3, &r2),
                     STORE_EXISTS);
    assert_string_equal(r2.folio, r.folio);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance WHERE guest_name IS NOT NULL"), 1);
    assert_int_equal(store_checkin(f->s, f->event, "1002", NULL, "teleport", SIG, sizeof SIG, 2, &r), STORE_INVALID);
    /* Closed event: refused, except a paper list typed in. */
    assert_int_equal(store_event_set_state(f->s, f->event, "closed", 3), STORE_OK);
    assert_int_equal(store_checkin(f->s, f->event, "1002", NULL, "number", SIG, sizeof SIG, 4, &r), STORE_CLOSED);
    assert_int_equal(store_checkin(f->s, f->event, "1002", NULL, "keyed", NULL, 0, 4, &r), STORE_OK);
    assert_string_equal(r.method, "keyed");
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), 3);
    /* Unknown event. */
    assert_int_equal(store_checkin(f->s, "ffffffff", "1003", NULL, "number", NULL, 0, 4, &r), STORE_NOTFOUND);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    /* Lookup by folio. */
    assert_int_equal(store_record_by_folio(f->s, want, &r2), STORE_OK);
    assert_string_equal(r2.employee_no, "1001");
    void *blob;
    size_t len;
    assert_int_equal(store_record_signature(f->s, &r2, &blob, &len), STORE_OK);
    assert_int_equal(len, sizeof SIG);
    assert_memory_equal(blob, SIG, len);
    free(blob);
}

static int collect(const store_attendee *a, void *arg)
{
    char *names = arg;
    strcat(names, a->name);
    strcat(names, a->guest ? "(g);" : ";");
    return 0;
}

static void find_and_list_attendance(void **state)
{
    struct fx *f = *state;
    store_record r, got;
    assert_int_equal(store_attendance_find(f->s, f->event, "1001", &got), STORE_NOTFOUND);
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "number", SIG, sizeof SIG, 10, &r), STORE_OK);
    assert_int_equal(store_checkin(f->s, f->event, NULL, "Invitada Ruiz", "guest", SIG, sizeof SIG, 20, &r), STORE_OK);
    assert_int_equal(store_checkin(f->s, f->event, "1003", NULL, "search", SIG, sizeof SIG, 30, &r), STORE_OK);
    assert_int_equal(store_attendance_find(f->s, f->event, "1001", &got), STORE_OK);
    assert_int_equal(got.at, 10);
    char names[512] = "";
    assert_int_equal(store_attendance_each(f->s, f->event, 0, collect, names), STORE_OK);
    assert_string_equal(names, "José Peña Íñiguez;Invitada Ruiz(g);Juan Pérez;");
    names[0] = '\0';
    assert_int_equal(store_attendance_each(f->s, f->event, 1, collect, names), STORE_OK);
    assert_string_equal(names, "Juan Pérez;Invitada Ruiz(g);José Peña Íñiguez;");
    char carta[65], privacy[65];
    util_sha256_hex("c", 1, carta);
    util_sha256_hex("p", 1, privacy);
    assert_int_equal(store_pledge_find(f->s, "1002", carta, &got), STORE_NOTFOUND);
    assert_int_equal(store_pledge(f->s, "1002", carta, privacy, "keyed", NULL, 0, 5, 5, &r), STORE_OK);
    assert_int_equal(store_pledge_find(f->s, "1002", carta, &got), STORE_OK);
    assert_string_equal(got.folio, r.folio);
}

static void draft_event_refuses_checkin(void **state)
{
    struct fx *f = *state;
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "Borrador");
    snprintf(e.kind, sizeof e.kind, "curso");
    snprintf(e.topics, sizeof e.topics, "etica");
    snprintf(e.unit, sizeof e.unit, "SCLC");
    snprintf(e.start, sizeof e.start, "2020-12-01 09:00");
    assert_int_equal(store_event_add(f->s, &e, 1), STORE_OK);
    store_record r;
    assert_int_equal(store_checkin(f->s, e.id, "1001", NULL, "keyed", NULL, 0, 1, &r), STORE_CLOSED);
    assert_non_null(strstr(store_errmsg(f->s), "not open yet"));
}

static void pledge_rules(void **state)
{
    struct fx *f = *state;
    char carta[65], carta2[65], privacy[65];
    util_sha256_hex("carta v1", 8, carta);
    util_sha256_hex("carta v2", 8, carta2);
    util_sha256_hex("aviso", 5, privacy);
    store_record r, r2;
    assert_int_equal(store_pledge(f->s, "1001", carta, privacy, "kiosk", NULL, 0, 10, 10, &r), STORE_INVALID);
    assert_int_equal(store_pledge(f->s, "1001", carta, privacy, "kiosk", SIG, sizeof SIG, 10, 10, &r), STORE_OK);
    assert_string_equal(r.carta_sha256, carta);
    assert_int_equal(store_pledge(f->s, "1001", carta, privacy, "keyed", NULL, 0, 20, 20, &r2), STORE_EXISTS);
    assert_string_equal(r2.folio, r.folio);
    /* A new Carta version may be signed again. */
    assert_int_equal(store_pledge(f->s, "1001", carta2, privacy, "keyed", NULL, 0, 30, 30, &r2), STORE_OK);
    assert_int_equal(store_pledge(f->s, "9999", carta, privacy, "keyed", NULL, 0, 30, 30, &r2), STORE_NOTFOUND);
    assert_int_equal(store_pledge(f->s, "1002", "abc", privacy, "keyed", NULL, 0, 30, 30, &r2), STORE_INVALID);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM pledge"), 2);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
}

/* What a racing child got, as its exit status: pledge result * 4 + check-in
 * result, each 0 = saved, 1 = STORE_EXISTS, 2 = anything else. */
static int race_code(int rc)
{
    return rc == STORE_OK ? 0 : rc == STORE_EXISTS ? 1 : 2;
}

/* In a child: its own connection to path; blocks until the parent closes
 * the start pipe, then pledges and checks in the same person as its
 * siblings, at the same moment. */
static int race_child(const char *path, int go, const char *carta, const char *privacy, const char *event)
{
    char err[512], byte;
    store *s;
    store_record r;
    if (store_open(&s, path, 0, err, sizeof err) != STORE_OK)
        return 15;
    if (read(go, &byte, 1) != 0) /* EOF is the start signal */
        return 14;
    int p = store_pledge(s, "1001", carta, privacy, "keyed", NULL, 0, 100, 100, &r);
    if (p == STORE_EXISTS && !r.folio[0])
        p = STORE_ERROR; /* "already signed" must come with the earlier record */
    else if (p != STORE_OK && p != STORE_EXISTS)
        fprintf(stderr, "racing pledge: %s\n", store_errmsg(s));
    int c = store_checkin(s, event, "1002", NULL, "keyed", NULL, 0, 100, &r);
    if (c != STORE_OK && c != STORE_EXISTS)
        fprintf(stderr, "racing check-in: %s\n", store_errmsg(s));
    store_close(s);
    return race_code(p) * 4 + race_code(c);
}

/* Several processes record the same pledge and the same check-in at once:
 * exactly one is saved, every other one hears "already signed/registered"
 * (STORE_EXISTS with the saved record), never a raw UNIQUE error. */
static void concurrent_duplicates_report_exists(void **state)
{
    enum { CHILDREN = 4, ROUNDS = 8 };
    struct fx *f = *state;
    char path[4200], privacy[65];
    snprintf(path, sizeof path, "%s/k.db", f->dir);
    util_sha256_hex("aviso", 5, privacy);
    for (int round = 0; round < ROUNDS; round++) {
        char carta[65], text[32], event[UTIL_UUID_LEN];
        snprintf(text, sizeof text, "carta v%d", round);
        util_sha256_hex(text, strlen(text), carta);
        snprintf(event, sizeof event, "%s",
                 tu_event(f->s, "Plática", "platica", "etica", "SCLC", "2020-11-26 10:00", 0));
        store_close(f->s); /* children must not inherit a live connection */
        f->s = NULL;
        int go[2];
        pid_t pid[CHILDREN];
        assert_int_equal(pipe(go), 0);
        for (int i = 0; i < CHILDREN; i++) {
            pid[i] = fork();
            assert_true(pid[i] >= 0);
            if (pid[i] == 0) {
                close(go[1]);
                _exit(race_child(path, go[0], carta, privacy, event));
            }
        }
        close(go[0]);
        usleep(100000); /* let every child open its connection and block */
        close(go[1]);
        int pledged = 0, pledge_exists = 0, checked = 0, checkin_exists = 0;
        for (int i = 0; i < CHILDREN; i++) {
            int st;
            assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
            assert_true(WIFEXITED(st));
            int code = WEXITSTATUS(st);
            if (code >= 12)
                fail_msg("round %d: child could not start (%d)", round, code);
            pledged += code / 4 == 0;
            pledge_exists += code / 4 == 1;
            checked += code % 4 == 0;
            checkin_exists += code % 4 == 1;
        }
        char err[512];
        assert_int_equal(store_open(&f->s, path, 0, err, sizeof err), STORE_OK);
        if (pledged != 1 || pledge_exists != CHILDREN - 1)
            fail_msg("round %d: pledges saved %d, already signed %d, failed %d", round, pledged, pledge_exists,
                     CHILDREN - pledged - pledge_exists);
        if (checked != 1 || checkin_exists != CHILDREN - 1)
            fail_msg("round %d: check-ins saved %d, already registered %d, failed %d", round, checked,
                     checkin_exists, CHILDREN - checked - checkin_exists);
    }
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM pledge"), ROUNDS);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance"), ROUNDS);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
}

static int names(store_person *res, int n, const char *want)
{
    for (int i = 0; i < n; i++) {
        char full[512];
        store_person_fullname(&res[i], full, sizeof full);
        if (strcmp(full, want) == 0)
            return 1;
    }
    return 0;
}

static void search_folds_accents_and_prefixes(void **state)
{
    struct fx *f = *state;
    store_person res[8];
    int n = store_search(f->s, "jose", res, 8);
    assert_int_equal(n, 2); /* José Peña and María José López */
    assert_true(names(res, n, "José Peña Íñiguez"));
    assert_true(names(res, n, "María José López Ruiz"));
    n = store_search(f->s, "pena", res, 8);
    assert_int_equal(n, 1); /* Peñaloza is inactive */
    assert_string_equal(res[0].employee_no, "1001");
    n = store_search(f->s, "PEÑA", res, 8);
    assert_int_equal(n, 1);
    n = store_search(f->s, "iñi jos", res, 8);
    assert_int_equal(n, 1);
    n = store_search(f->s, "jose lop", res, 8);
    assert_int_equal(n, 1);
    assert_string_equal(res[0].employee_no, "1002");
    assert_int_equal(store_search(f->s, "zzz", res, 8), 0);
    assert_int_equal(store_search(f->s, "  ", res, 8), 0);
    assert_int_equal(store_search(f->s, "' OR 1=1 --", res, 8), 0);
    assert_int_equal(store_search(f->s, "%", res, 8), 0);
    /* At most max results. */
    assert_int_equal(store_search(f->s, "p", res, 1), 1);
}

static void search_limits_results(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 30; i++) {
        char no[16];
        snprintf(no, sizeof no, "2%03d", i);
        tu_person(f->s, no, "Luis", "García", "Núñez", "CHE", 1);
    }
    store_person res[8];
    assert_int_equal(store_search(f->s, "garcia", res, 8), 8);
    assert_int_equal(store_search(f->s, "luis nu", res, 8), 8);
}

static void event_validation(void **state)
{
    struct fx *f = *state;
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "Plática");
    snprintf(e.kind, sizeof e.kind, "platica");
    snprintf(e.topics, sizeof e.topics, "hsas,igualdad-genero");
    snprintf(e.unit, sizeof e.unit, "CHE");
    snprintf(e.start, sizeof e.start, "2020-03-08 10:00");
    snprintf(e.end, sizeof e.end, "2020-03-08 12:00");
    snprintf(e.pat, sizeof e.pat, "1.2.3");
    store_event bad = e;
    snprintf(bad.kind, sizeof bad.kind, "fiesta");
    assert_int_equal(store_event_add(f->s, &bad, 1), STORE_INVALID);
    bad = e;
    snprintf(bad.topics, sizeof bad.topics, "etica,chismes");
    assert_int_equal(store_event_add(f->s, &bad, 1), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "chismes"));
    bad = e;
    snprintf(bad.unit, sizeof bad.unit, "MARS");
    assert_int_equal(store_event_add(f->s, &bad, 1), STORE_INVALID);
    bad = e;
    snprintf(bad.start, sizeof bad.start, "2020-02-30 10:00");
    assert_int_equal(store_event_add(f->s, &bad, 1), STORE_INVALID);
    bad = e;
    snprintf(bad.end, sizeof bad.end, "2020-03-07 10:00");
    assert_int_equal(store_event_add(f->s, &bad, 1), STORE_INVALID);
    bad = e;
    snprintf(bad.pat, sizeof bad.pat, "1..2");
    assert_int_equal(store_event_add(f->s, &bad, 1), STORE_INVALID);
    long before = tu_count(f->s, "SELECT count(*) FROM event");
    assert_int_equal(store_event_add(f->s, &e, 1), STORE_OK);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM event"), before + 1);
    store_event got;
    char prefix[9];
    snprintf(prefix, sizeof prefix, "%.8s", e.id);
    assert_int_equal(store_event_get(f->s, prefix, &got), STORE_OK);
    assert_string_equal(got.title, "Plática");
    assert_string_equal(got.state, "draft");
    assert_int_equal(store_event_get(f->s, "zz", &got), STORE_NOTFOUND);
    assert_int_equal(store_event_set_state(f->s, e.id, "party", 1), STORE_INVALID);
}

static void audit_detects_edit_delete_and_insert(void **state)
{
    struct fx *f = *state;
    store_record r;
    sqlite3 *db = tu_db(f->s); /* the attacker's own connection */
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "number", SIG, sizeof SIG, 100, &r), STORE_OK);
    assert_int_equal(store_checkin(f->s, f->event, "1002", NULL, "number", SIG, sizeof SIG, 101, &r), STORE_OK);
    long n;
    assert_int_equal(store_audit_verify(f->s, &n), STORE_OK);
    assert_true(n > 5);
    /* Engine-level append-only guard. */
    assert_int_not_equal(sqlite3_exec(db, "UPDATE attendance SET at = 5", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    /* Someone removes the guard and edits a record. */
    sqlite3_exec(db, "DROP TRIGGER attendance_no_update; DROP TRIGGER attendance_no_delete; "
                     "DROP TRIGGER audit_no_delete; DROP TRIGGER audit_no_update", NULL, NULL, NULL);
    assert_int_equal(sqlite3_exec(db, "UPDATE attendance SET at = at + 3600 WHERE employee_no = '1001'", NULL,
                                  NULL, NULL), SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "edited"));
    sqlite3_exec(db, "UPDATE attendance SET at = at - 3600 WHERE employee_no = '1001'", NULL, NULL, NULL);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    /* A person's roster data edited behind the program's back. */
    sqlite3_exec(db, "UPDATE person SET surname1 = 'Otro' WHERE employee_no = '1003'", NULL, NULL, NULL);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    sqlite3_exec(db, "UPDATE person SET surname1 = 'Pérez' WHERE employee_no = '1003'", NULL, NULL, NULL);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    /* Text moved from one field to the next (a separator inside a name
     * must not make two different rows read the same). */
    tu_person(f->s, "1005", "Ana|B", "C", "", "SCLC", 1);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    sqlite3_exec(db, "UPDATE person SET given_name = 'Ana', surname1 = 'B|C' WHERE employee_no = '1005'", NULL,
                 NULL, NULL);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    sqlite3_exec(db, "UPDATE person SET given_name = 'Ana|B', surname1 = 'C' WHERE employee_no = '1005'", NULL,
                 NULL, NULL);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    /* Deleted record. */
    sqlite3_exec(db, "DELETE FROM attendance WHERE employee_no = '1002'", NULL, NULL, NULL);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "deleted"));
    sqlite3_close(db);
}

static void audit_detects_removed_entry(void **state)
{
    struct fx *f = *state;
    store_record r;
    sqlite3 *db = tu_db(f->s);
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "number", SIG, sizeof SIG, 100, &r), STORE_OK);
    assert_int_equal(store_checkin(f->s, f->event, "1002", NULL, "number", SIG, sizeof SIG, 101, &r), STORE_OK);
    sqlite3_exec(db, "DROP TRIGGER audit_no_delete", NULL, NULL, NULL);
    /* Remove the first attendance's entry from the middle of the chain. */
    assert_int_equal(sqlite3_exec(db, "DELETE FROM audit WHERE kind = 'attendance' AND seq = "
                                      "(SELECT min(seq) FROM audit WHERE kind = 'attendance')", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "removed"));
    sqlite3_close(db);
}

/* Runs fn in a child with a file size limit; returns its exit status. */
static int in_child_with_fsize(long limit, int (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {(rlim_t)limit, (rlim_t)limit};
        setrlimit(RLIMIT_FSIZE, &rl);
        _exit(fn(arg));
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

struct full_ctx {
    char path[4200];
    char event[UTIL_UUID_LEN];
    int acknowledged;
};

/* In the child: check people in until the disk "fills"; exit 0 if the
 * failure was a clean STORE_FULL, writing how many were acknowledged. */
static int fill_disk(void *arg)
{
    struct full_ctx *c = arg;
    char err[512];
    store *s;
    if (store_open(&s, c->path, 0, err, sizeof err) != STORE_OK)
        return 10;
    static char big[60000];
    memset(big, 'x', sizeof big);
    int rc = STORE_OK, ok = 0;
    for (int i = 0; i < 1000 && rc == STORE_OK; i++) {
        char no[16];
        store_record r;
        snprintf(no, sizeof no, "1%03d", i % 3 + 1);
        /* Guests with big signatures: many records, each acknowledged. */
        char guest[32];
        snprintf(guest, sizeof guest, "Invitado %d", i); /* one guest name per event */
        rc = store_checkin(s, c->event, NULL, guest, "guest", big, sizeof big, 1000 + i, &r);
        if (rc == STORE_OK)
            ok++;
    }
    char ackpath[4300];
    snprintf(ackpath, sizeof ackpath, "%s.ack", c->path);
    FILE *fa = fopen(ackpath, "w");
    if (fa) {
        fprintf(fa, "%d\n%s\n", ok, store_errmsg(s));
        fclose(fa);
    }
    store_close(s);
    return rc == STORE_FULL ? 0 : 11;
}

static void full_disk_loses_nothing_acknowledged(void **state)
{
    struct fx *f = *state;
    struct full_ctx c;
    snprintf(c.path, sizeof c.path, "%s/k.db", f->dir);
    snprintf(c.event, sizeof c.event, "%s", f->event);
    sqlite3 *db = tu_db(f->s);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_close(db);
    struct stat st;
    stat(c.path, &st);
    /* The ack file is written after the limit too, so give it room. */
    assert_int_equal(in_child_with_fsize((long)st.st_size + 2000000, fill_disk, &c), 0);
    char ackpath[4300];
    snprintf(ackpath, sizeof ackpath, "%s.ack", c.path);
    size_t len;
    char *ack = util_read_file(ackpath, &len);
    assert_non_null(ack);
    int acknowledged = atoi(ack);
    assert_true(acknowledged > 0);
    assert_non_null(strstr(ack, "disk"));
    free(ack);
    /* Every acknowledged record is there, and the file is sound. */
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attendance WHERE method = 'guest'"), acknowledged);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    sqlite3_stmt *q;
    db = tu_db(f->s);
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    sqlite3_close(db);
    /* Space is back: work resumes. */
    store_record r;
    assert_int_equal(store_checkin(f->s, f->event, "1003", NULL, "number", SIG, sizeof SIG, 5000, &r), STORE_OK);
}

static int write_readonly(void *arg)
{
    const char *path = arg;
    char err[512];
    store *s;
    int rc = store_open(&s, path, 0, err, sizeof err);
    if (rc != STORE_OK) {
        fprintf(stderr, "read-only open: %s\n", err);
        return 20;
    }
    store_record r;
    store_event e;
    int code = 0;
    rc = store_event_get(s, "", &e); /* reading works */
    (void)rc;
    if (store_person_count(s, 1) != 3)
        code = 21;
    /* Writing fails cleanly. */
    struct stat st;
    (void)st;
    sqlite3 *db;
    sqlite3_stmt *q;
    const char *ev = NULL;
    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    sqlite3_prepare_v2(db, "SELECT uuid FROM event LIMIT 1", -1, &q, NULL);
    if (sqlite3_step(q) == SQLITE_ROW)
        ev = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
    rc = store_checkin(s, ev, "1003", NULL, "number", SIG, sizeof SIG, 7, &r);
    if (rc != STORE_READONLY)
        code = 22;
    else if (!strstr(store_errmsg(s), "read-only"))
        code = 23;
    free((void *)ev);
    store_close(s);
    return code;
}

static void read_only_database_fails_cleanly(void **state)
{
    struct fx *f = *state;
    char path[4200];
    snprintf(path, sizeof path, "%s/k.db", f->dir);
    store_close(f->s);
    f->s = NULL;
    size_t l1, l2;
    char *before = slurp(path, &l1);
    /* root ignores file modes: drop to nobody in a child. */
    chmod(path, 0444);
    chmod(f->dir, 0755);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && setuid(65534) != 0)
            _exit(30);
        _exit(write_readonly(path));
    }
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    char *after = slurp(path, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(before, after, l1);
    free(before);
    free(after);
    chmod(path, 0600);
    char err[512];
    assert_int_equal(store_open(&f->s, path, 0, err, sizeof err), STORE_OK);
}

/* In a child as nobody: opens the read-only copy at path; exit 0 when the
 * open was refused with one line naming the -wal file, 40 + n when it
 * opened (n people in it). */
static int open_wal_copy(void *arg)
{
    const char *path = arg;
    char err[1024];
    store *s;
    if (store_open(&s, path, 0, err, sizeof err) == STORE_OK) {
        int n = store_person_count(s, 0);
        store_close(s);
        return 40 + (n > 0 ? n : 0);
    }
    fprintf(stderr, "refused: %s\n", err);
    return strstr(err, "-wal") && !strchr(err, '\n') ? 0 : 30;
}

/* Issue 12, item 12: a read-only copy with a -wal file beside it (records
 * not yet checkpointed into the main file) must not be opened as an
 * immutable file, which would silently drop those records. */
static void read_only_copy_with_wal_is_refused(void **state)
{
    struct fx *f = *state;
    char src[4200], dir[4300], db[4400], wal[4400], cmd[9000];
    snprintf(src, sizeof src, "%s/k.db", f->dir);
    /* Records in the WAL only: no checkpoint while the store is open. */
    sqlite3 *raw = tu_db(f->s);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    store_record r;
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "number", SIG, sizeof SIG, 100, &r), STORE_OK);
    snprintf(dir, sizeof dir, "%s/copy", f->dir);
    snprintf(db, sizeof db, "%s/k.db", dir);
    snprintf(wal, sizeof wal, "%s/k.db-wal", dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && cp '%s-wal' '%s'", src, db, src, wal);
    assert_int_equal(system(cmd), 0);
    struct stat st;
    assert_int_equal(stat(wal, &st), 0);
    assert_true(st.st_size > 0);
    chmod(db, 0444);
    chmod(wal, 0444);
    chmod(dir, 0555); /* no -shm can be made: the old code fell back to immutable=1 */
    chmod(f->dir, 0755);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && setuid(65534) != 0)
            _exit(31);
        _exit(open_wal_copy(db));
    }
    int status;
    waitpid(pid, &status, 0);
    chmod(dir, 0755);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("the read-only copy with a -wal was opened (exit %d)", WEXITSTATUS(status));
    /* Without the -wal, the same read-only copy opens (a clean copy). */
    unlink(wal);
    chmod(dir, 0555);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && setuid(65534) != 0)
            _exit(31);
        _exit(open_wal_copy(db));
    }
    waitpid(pid, &status, 0);
    chmod(dir, 0755);
    assert_true(WIFEXITED(status));
    assert_true(WEXITSTATUS(status) >= 40);
}

/* The chain hash of both formats is SHA-256 over the documented bytes. */
static void chain_hash_formats(void **state)
{
    (void)state;
    char h1[UTIL_SHA256_HEX], h2[UTIL_SHA256_HEX], want[UTIL_SHA256_HEX];
    static const char v1[] = "prev\n1700000000\nperson\nu-1\n[\"person\"]\n";
    static const char v2[] = "prev\nQDECM8W\n1700000000\nperson\nu-1\n[\"person\"]\n";
    assert_int_equal(store_chain_hash(1, "prev", "QDECM8W", 1700000000, "person", "u-1", "[\"person\"]", h1), STORE_OK);
    util_sha256_hex(v1, strlen(v1), want);
    assert_string_equal(h1, want);
    assert_int_equal(store_chain_hash(2, "prev", "QDECM8W", 1700000000, "person", "u-1", "[\"person\"]", h2), STORE_OK);
    util_sha256_hex(v2, strlen(v2), want);
    assert_string_equal(h2, want);
    assert_int_equal(store_chain_hash(3, "prev", "K", 0, "k", "u", "c", h1), STORE_INVALID);
}

/* Entries carry format 2, this database's epoch and positions 1, 2, 3 ...;
 * the head is the last of them. */
static void entries_have_epoch_and_positions(void **state)
{
    struct fx *f = *state;
    char epoch[64];
    store_head h;
    assert_int_equal(store_meta_get(f->s, "epoch", epoch, sizeof epoch), STORE_OK);
    assert_int_equal(strlen(epoch), 36);
    long n = tu_count(f->s, "SELECT count(*) FROM audit");
    assert_true(n > 5);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM audit WHERE format = 2 AND pos = "
                                    "(SELECT count(*) FROM audit b WHERE b.seq <= audit.seq)"), n);
    assert_int_equal(store_audit_head(f->s, &h), STORE_OK);
    assert_int_equal(h.pos, n);
    assert_string_equal(h.epoch, epoch);
    assert_string_equal(h.kiosk_id, store_kiosk_id(f->s));
    /* A signed head needs a signer: none here. */
    store_signed_head sh;
    assert_int_equal(store_audit_sign_head(f->s, "export", 1, &sh), STORE_INVALID);
    /* The signer must be the key the database holds for this kiosk. */
    unsigned char pk[32], sk[64], other[32], osk[64];
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(other, osk);
    assert_int_equal(store_key_put(f->s, store_kiosk_id(f->s), pk, "", "", 1), STORE_OK);
    assert_int_equal(store_set_signer(f->s, other, NULL, NULL, NULL), STORE_TAMPERED);
}

/* Signed-head texts: round trip, and anything else is refused. */
static void head_text_round_trip(void **state)
{
    (void)state;
    store_signed_head h, g;
    char text[STORE_HEAD_TEXT_MAX], err[256];
    memset(&h, 0, sizeof h);
    snprintf(h.h.kiosk_id, sizeof h.h.kiosk_id, "QDECM8W");
    util_uuid(h.h.epoch);
    h.h.pos = 42;
    util_sha256_hex("x", 1, h.h.hash);
    h.signed_at = 1767225600;
    for (int i = 0; i < 64; i++)
        h.sig[i] = (unsigned char)(i * 7);
    store_head_text(&h, text, sizeof text);
    assert_int_equal(strncmp(text, "CKH1:QDECM8W:", 13), 0);
    assert_int_equal(store_head_parse(text, &g, err, sizeof err), STORE_OK);
    assert_int_equal(g.h.pos, 42);
    assert_int_equal(g.signed_at, 1767225600);
    assert_string_equal(g.h.epoch, h.h.epoch);
    assert_string_equal(g.h.hash, h.h.hash);
    assert_memory_equal(g.sig, h.sig, 64);
    char msg[256];
    assert_true(store_head_message(&h.h, h.signed_at, msg, sizeof msg) > 0);
    char want[300];
    snprintf(want, sizeof want, "CKH1\nQDECM8W\n%s\n42\n%s\n1767225600\n", h.h.epoch, h.h.hash);
    assert_string_equal(msg, want);
    const char *bad[] = {"", "CKH1:", "CKH2:x", "CKH1:QDECM8W:x:42:h:1:s", NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(store_head_parse(bad[i], &g, err, sizeof err), STORE_INVALID);
    char t2[STORE_HEAD_TEXT_MAX + 8];
    snprintf(t2, sizeof t2, "%s:00", text); /* an extra field */
    assert_int_equal(store_head_parse(t2, &g, err, sizeof err), STORE_INVALID);
    snprintf(t2, sizeof t2, "%s", text);
    t2[strlen(t2) - 1] = 'g'; /* not hex */
    assert_int_equal(store_head_parse(t2, &g, err, sizeof err), STORE_INVALID);
    snprintf(t2, sizeof t2, "%s", text);
    char *p = strstr(t2, ":42:");
    memcpy(p, ":04", 3); /* a leading zero: not canonical */
    assert_int_equal(store_head_parse(t2, &g, err, sizeof err), STORE_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(database_is_private_wal_and_full_sync, setup, tu_teardown),
        cmocka_unit_test(private_even_with_permissive_umask),
        cmocka_unit_test(refuses_database_from_the_future),
        cmocka_unit_test(refuses_corrupt_and_foreign_files),
        cmocka_unit_test_setup_teardown(checkin_rules, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(draft_event_refuses_checkin, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(find_and_list_attendance, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(pledge_rules, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(concurrent_duplicates_report_exists, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(search_folds_accents_and_prefixes, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(search_limits_results, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(event_validation, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(audit_detects_edit_delete_and_insert, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(audit_detects_removed_entry, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(full_disk_loses_nothing_acknowledged, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(read_only_database_fails_cleanly, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(read_only_copy_with_wal_is_refused, setup, tu_teardown),
        cmocka_unit_test(chain_hash_formats),
        cmocka_unit_test_setup_teardown(entries_have_epoch_and_positions, setup, tu_teardown),
        cmocka_unit_test(head_text_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
