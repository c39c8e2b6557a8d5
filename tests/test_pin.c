/* test_pin.c — the coordinator PIN: an Argon2id hash, never the PIN itself;
 * five wrong tries lock it for five minutes; the lock and the count of
 * wrong tries are in the database, so restarting the kiosk (closing and
 * reopening the store) does not reset them. The PIN check is only reachable
 * from the touch UI, so brute force is tested here at the C level. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pin.h"

#define GOOD "2468"
#define T0 1700000000

struct fx {
    TU_FIXTURE;
    char path[4200];
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
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
