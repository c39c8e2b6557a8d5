/* test_pin.c — the coordinator PIN: an Argon2id hash, never the PIN itself;
 * five wrong tries lock it for five minutes; the lock and the count of
 * wrong tries are in the database, so restarting the kiosk (closing and
 * reopening the store) does not reset them; a try that cannot be counted
 * (read-only database, full disk) is not checked. The PIN check is only
 * reachable from the touch UI, so brute force is tested here at the C
 * level. */
#include "testutil.h"

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

#include "keys.h"
#include "pin.h"

#define GOOD "2468"
#define T0 1700000000

struct fx {
    TU_FIXTURE;
    char path[4200];
    int keyed; /* the kiosk has its key: every write signs the chain head */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[256];
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "k.db");
    snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
    if (pin_set(f->s, GOOD, err, sizeof err) != 0)
        fail_msg("pin_set: %s", err);
    *state = f;
    return 0;
}

/* Closes and reopens the database: what a restart of the kiosk does. */
static void restart(struct fx *f)
{
    char err[512];
    store_close(f->s);
    f->s = NULL;
    if (store_open(&f->s, f->path, 0, err, sizeof err) != STORE_OK)
        fail_msg("reopen: %s", err);
    if (f->keyed && keys_signer_install(f->s, f->path, err, sizeof err) != 0)
        fail_msg("signer: %s", err);
}

/* The kiosk as it runs: with its key, the PIN set after it. */
static int setup_keyed(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[256];
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "k.db");
    f->keyed = 1;
    snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
    if (keys_create(f->s, f->path, T0, err, sizeof err) != STORE_OK || pin_set(f->s, GOOD, err, sizeof err) != 0)
        fail_msg("setup: %s", err);
    *state = f;
    return 0;
}

static void pin_is_stored_as_argon2id_hash(void **state)
{
    struct fx *f = *state;
    char hash[256];
    assert_int_equal(store_meta_get(f->s, "pin_hash", hash, sizeof hash), STORE_OK);
    assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
    assert_null(strstr(hash, GOOD));
    assert_int_equal(pin_check(f->s, GOOD, T0, NULL), PIN_OK);
}

static void pin_format_is_enforced(void **state)
{
    struct fx *f = *state;
    char err[256];
    const char *bad[] = {"", "123", "1234567890123", "12a4", "12 34", "' OR 1=1 --", NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(pin_set(f->s, bad[i], err, sizeof err), -1);
    assert_int_equal(pin_check(f->s, GOOD, T0, NULL), PIN_OK); /* unchanged */
}

static void fifth_wrong_pin_locks_for_five_minutes(void **state)
{
    struct fx *f = *state;
    int64_t until = 0;
    for (int i = 0; i < PIN_MAX_FAILURES - 1; i++)
        assert_int_equal(pin_check(f->s, "0000", T0 + i, NULL), PIN_WRONG);
    assert_int_equal(pin_check(f->s, "0000", T0 + 10, &until), PIN_LOCKED);
    assert_int_equal(until, T0 + 10 + PIN_LOCK_SECONDS);
    /* Locked: even the right PIN is refused, without being checked. */
    assert_int_equal(pin_check(f->s, GOOD, T0 + 11, NULL), PIN_LOCKED);
}

static void lockout_persists_across_restart(void **state)
{
    struct fx *f = *state;
    int64_t until = 0;
    for (int i = 0; i < PIN_MAX_FAILURES - 1; i++)
        assert_int_equal(pin_check(f->s, "1111", T0, NULL), PIN_WRONG);
    assert_int_equal(pin_check(f->s, "1111", T0, &until), PIN_LOCKED);
    assert_int_equal(until, T0 + PIN_LOCK_SECONDS);
    restart(f);
    /* Still locked after the restart, right PIN or not, until the end. */
    assert_int_equal(pin_check(f->s, GOOD, T0 + 1, &until), PIN_LOCKED);
    assert_int_equal(until, T0 + PIN_LOCK_SECONDS);
    assert_int_equal(pin_check(f->s, GOOD, T0 + PIN_LOCK_SECONDS - 1, NULL), PIN_LOCKED);
    restart(f);
    assert_int_equal(pin_check(f->s, GOOD, T0 + PIN_LOCK_SECONDS - 1, NULL), PIN_LOCKED);
    /* Then the right PIN works again. */
    assert_int_equal(pin_check(f->s, GOOD, T0 + PIN_LOCK_SECONDS, NULL), PIN_OK);
}

static void wrong_tries_count_across_restarts(void **state)
{
    struct fx *f = *state;
    /* Restarting between tries does not give an attacker fresh attempts. */
    for (int i = 0; i < PIN_MAX_FAILURES - 1; i++) {
        assert_int_equal(pin_check(f->s, "9999", T0 + i, NULL), PIN_WRONG);
        restart(f);
    }
    assert_int_equal(pin_check(f->s, "9999", T0 + 10, NULL), PIN_LOCKED);
    restart(f);
    assert_int_equal(pin_check(f->s, GOOD, T0 + 11, NULL), PIN_LOCKED);
}

static void right_pin_resets_the_count(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < PIN_MAX_FAILURES - 1; i++)
        assert_int_equal(pin_check(f->s, "0000", T0, NULL), PIN_WRONG);
    assert_int_equal(pin_check(f->s, GOOD, T0, NULL), PIN_OK);
    for (int i = 0; i < PIN_MAX_FAILURES - 1; i++)
        assert_int_equal(pin_check(f->s, "0000", T0, NULL), PIN_WRONG);
    assert_int_equal(pin_check(f->s, GOOD, T0, NULL), PIN_OK);
}

static void no_pin_set_means_no_entry(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    store *s = tu_store(dir, "n.db");
    assert_int_equal(pin_check(s, "0000", T0, NULL), PIN_UNSET);
    assert_int_equal(pin_check(s, "", T0, NULL), PIN_UNSET);
    store_close(s);
    tu_tmpdir_done(dir);
}

/* In a child: the tries of an attacker against a database that cannot
 * record them. Exit 0 when no try was checked (all PIN_FAILED, the right
 * PIN included), 10 + the first try's position when one was. */
static int tries_unrecorded(const char *path)
{
    char err[512];
    store *s;
    if (store_open(&s, path, 0, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "open: %s\n", err);
        return 2;
    }
    for (int i = 0; i < 8; i++) {
        int rc = pin_check(s, "0000", T0 + i, NULL);
        if (rc != PIN_FAILED) {
            fprintf(stderr, "wrong PIN %d: %d\n", i + 1, rc);
            store_close(s);
            return 10 + i;
        }
    }
    int rc = pin_check(s, GOOD, T0 + 9, NULL);
    store_close(s);
    if (rc != PIN_FAILED) {
        fprintf(stderr, "right PIN after 8 unrecorded tries: %d (PIN_OK = %d)\n", rc, PIN_OK);
        return 18;
    }
    return 0;
}

/* Issue 12, item 13: with the database read-only, eight wrong PINs and
 * then the right one opened coordinator mode. A try that cannot be counted
 * is not checked. */
static void lockout_fails_closed_when_read_only(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    f->s = NULL;
    chmod(f->path, 0444);
    chmod(f->dir, 0555);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && setuid(65534) != 0) /* root ignores file modes */
            _exit(3);
        _exit(tries_unrecorded(f->path));
    }
    int st;
    waitpid(pid, &st, 0);
    chmod(f->dir, 0700);
    chmod(f->path, 0600);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    restart(f);
    assert_int_equal(pin_check(f->s, GOOD, T0 + 10, NULL), PIN_OK); /* nothing was counted */
}

/* Fills the database at path until not even one page more can be
 * written (the file size limit of this process). Returns 0 or -1. */
static int fill_up(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    /* A one-row table for the last, one-page writes (below). */
    if (sqlite3_exec(db, "CREATE TABLE fill_page(x INTEGER); INSERT INTO fill_page VALUES (0)", NULL, NULL, NULL) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    static char blob[65536];
    int n = 0;
    for (size_t size = sizeof blob; size >= 16; size /= 8) {
        for (;;) {
            sqlite3_stmt *st;
            sqlite3_prepare_v2(db, "INSERT INTO signature(uuid, kiosk_id, strokes) VALUES (?1, 'FILL', ?2)", -1, &st,
                               NULL);
            char uuid[40];
            snprintf(uuid, sizeof uuid, "fill-%d", n++);
            sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT);
            sqlite3_bind_blob(st, 2, blob, (int)size, SQLITE_STATIC);
            int rc = sqlite3_step(st);
            sqlite3_finalize(st);
            if (rc != SQLITE_DONE)
                break;
        }
    }
    /* Then writes of one page each (what a PIN try writes), until not even
     * one fits: smaller rows may still have found room in a page. */
    while (sqlite3_exec(db, "UPDATE fill_page SET x = x + 1", NULL, NULL, NULL) == SQLITE_OK)
        ;
    sqlite3_close(db);
    return 0;
}

/* The same on a full disk (a file size limit makes every write fail). */
static void lockout_fails_closed_when_disk_full(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    f->s = NULL;
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        rlim_t lim = (rlim_t)st.st_size + 400000;
        struct rlimit rl = {lim, lim};
        setrlimit(RLIMIT_FSIZE, &rl);
        if (fill_up(f->path) != 0)
            _exit(4);
        _exit(tries_unrecorded(f->path));
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    restart(f);
    assert_int_equal(pin_check(f->s, GOOD, T0 + 10, NULL), PIN_OK);
}

/* A lock that could not be written still holds: five counted tries. */
static void five_counted_tries_lock_even_without_the_lock_row(void **state)
{
    struct fx *f = *state;
    assert_int_equal(store_meta_set(f->s, "pin_failures", "5"), STORE_OK);
    int64_t until = 0;
    assert_int_equal(pin_check(f->s, GOOD, T0, &until), PIN_LOCKED);
    assert_int_equal(until, T0 + PIN_LOCK_SECONDS);
}

/* A new PIN is audited (its hash's SHA-256), and a PIN hash swapped in by
 * hand is reported by audit verify. */
static void pin_change_is_audited(void **state)
{
    struct fx *f = *state;
    char err[256];
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    assert_int_equal(pin_set_at(f->s, "13579", T0, err, sizeof err), 0);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    assert_true(tu_count(f->s, "SELECT count(*) FROM audit WHERE kind = 'meta' AND record_uuid = 'pin_hash'") >= 2);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM audit WHERE content LIKE '%argon2%'"), 0);
    sqlite3 *db = tu_db(f->s);
    sqlite3_exec(db, "UPDATE meta SET value = 'x' || value WHERE key = 'pin_hash'", NULL, NULL, NULL);
    sqlite3_close(db);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "pin_hash"));
    /* The PIN of a hash put in by hand opens nothing. */
    char known[crypto_pwhash_STRBYTES];
    assert_int_equal(crypto_pwhash_str(known, "1111", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
    char sql[512];
    snprintf(sql, sizeof sql, "UPDATE meta SET value = '%s' WHERE key = 'pin_hash'", known);
    db = tu_db(f->s);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(pin_check(f->s, "1111", T0 + 1, NULL), PIN_FAILED);
    /* And no new PIN is written over it. */
    assert_int_equal(pin_set_at(f->s, "24680", T0 + 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "no longer matches"));
}

/* Puts `hash` in as the PIN hash with plain SQL, and makes an audit entry
 * vouch for it: either a whole second lineage of this kiosk's chain (a new
 * epoch, position 1, a correct hash), or the newest genuine entry's content
 * rewritten in place. Neither is covered by a head the key signed. */
static void swap_pin(struct fx *f, const char *hash, int second_lineage)
{
    unsigned char d[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof d + 1], content[128], entry[UTIL_SHA256_HEX], sql[2048], kiosk[16] = "";
    crypto_hash_sha256(d, (const unsigned char *)hash, strlen(hash));
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    snprintf(content, sizeof content, "[\"meta\",\"pin_hash\",\"%s\"]", hex);
    assert_int_equal(store_meta_get(f->s, "kiosk_id", kiosk, sizeof kiosk), STORE_OK);
    static const char zero[] = "0000000000000000000000000000000000000000000000000000000000000000";
    assert_int_equal(store_chain_hash(2, zero, kiosk, T0 + 5, "meta", "pin_hash", content, entry), STORE_OK);
    if (second_lineage)
        snprintf(sql, sizeof sql,
                 "UPDATE meta SET value = '%s' WHERE key = 'pin_hash'; "
                 "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, format, epoch, pos) "
                 "VALUES ('%s', %d, 'meta', 'pin_hash', '%s', '%s', '%s', 2, "
                 "'00000000-0000-4000-8000-0000000000aa', 1)",
                 hash, kiosk, T0 + 5, content, zero, entry);
    else
        snprintf(sql, sizeof sql,
                 "UPDATE meta SET value = '%s' WHERE key = 'pin_hash'; DROP TRIGGER audit_no_update; "
                 "UPDATE audit SET content = '%s' WHERE seq = (SELECT max(seq) FROM audit WHERE kind = 'meta' AND "
                 "record_uuid = 'pin_hash')",
                 hash, content);
    sqlite3 *db = tu_db(f->s);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s", msg);
    sqlite3_close(db);
}

/* The PIN of a hash swapped in with an entry of its own opens nothing, and
 * audit verify reports it: the entry sits in a lineage no signed head
 * covers, or it no longer hashes to itself. */
static void pin_swap_attack(struct fx *f, int second_lineage)
{
    char known[crypto_pwhash_STRBYTES];
    assert_int_equal(crypto_pwhash_str(known, "1111", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
    restart(f);
    assert_int_equal(pin_check(f->s, GOOD, T0 + 9, NULL), PIN_OK); /* genuine: opens */
    swap_pin(f, known, second_lineage);
    restart(f);
    assert_int_equal(pin_check(f->s, "1111", T0 + 10, NULL), PIN_FAILED);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
}

static void pin_swap_in_a_second_lineage_opens_nothing(void **state)
{
    pin_swap_attack(*state, 1);
}

static void pin_swap_with_its_entry_rewritten_opens_nothing(void **state)
{
    pin_swap_attack(*state, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pin_is_stored_as_argon2id_hash, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(pin_format_is_enforced, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(fifth_wrong_pin_locks_for_five_minutes, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(lockout_persists_across_restart, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(wrong_tries_count_across_restarts, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(right_pin_resets_the_count, setup, tu_teardown),
        cmocka_unit_test(no_pin_set_means_no_entry),
        cmocka_unit_test_setup_teardown(lockout_fails_closed_when_read_only, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(lockout_fails_closed_when_disk_full, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(five_counted_tries_lock_even_without_the_lock_row, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(pin_change_is_audited, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(pin_swap_in_a_second_lineage_opens_nothing, setup_keyed, tu_teardown),
        cmocka_unit_test_setup_teardown(pin_swap_with_its_entry_rewritten_opens_nothing, setup_keyed, tu_teardown),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
