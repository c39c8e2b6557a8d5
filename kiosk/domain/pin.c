/* pin.c — see pin.h.
 *
 * The lockout fails closed: a try is counted in the database before the
 * PIN is checked, and when it cannot be counted (disk full, read-only
 * file, a damaged database) the PIN is not checked at all. Otherwise a
 * database that cannot be written would allow unlimited guesses. */
#include "pin.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The integer setting key into *v (0 when missing). Returns STORE_OK, or
 * the error when it cannot be read. */
static int meta_int(store *s, const char *key, long long *v)
{
    char buf[32];
    *v = 0;
    int rc = store_meta_get(s, key, buf, sizeof buf);
    if (rc == STORE_OK)
        *v = strtoll(buf, NULL, 10);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

static int meta_put_int(store *s, const char *key, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return store_meta_set(s, key, buf);
}

int pin_set_at(store *s, const char *pin, int64_t now, char *err, size_t errlen)
{
    size_t n = strlen(pin);
    if (n < 4 || n > 12 || strspn(pin, "0123456789") != n) {
        snprintf(err, errlen, "the PIN must be 4 to 12 digits");
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pin, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        snprintf(err, errlen, "cannot hash the PIN (out of memory)");
        return -1;
    }
    int rc = store_begin(s);
    if (!rc)
        rc = store_meta_set_at(s, "pin_hash", hash, now); /* audited */
    if (!rc)
        rc = meta_put_int(s, "pin_failures", 0);
    if (!rc)
        rc = meta_put_int(s, "pin_locked_until", 0); /* a new PIN ends a lockout */
    if (!rc)
        rc = store_commit(s);
    if (rc) {
        store_rollback(s);
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    /* A signed head kept at the PIN's audit entry: the PIN check trusts the
     * entry by it without walking the chain from there to the head. Without
     * a key (or if it fails) the check walks to the head instead. */
    store_audit_sign_head(s, "pin", now, NULL);
    return 0;
}

int pin_set(store *s, const char *pin, char *err, size_t errlen)
{
    return pin_set_at(s, pin, (int64_t)time(NULL), err, errlen);
}

/* Writes the lock until `until` and a zero count, in one transaction. */
static int lock(store *s, int64_t until)
{
    int rc = store_begin(s);
    if (!rc)
        rc = meta_put_int(s, "pin_locked_until", until);
    if (!rc)
        rc = meta_put_int(s, "pin_failures", 0);
    if (!rc)
        rc = store_commit(s);
    if (rc)
        store_rollback(s);
    return rc;
}

int pin_check(store *s, const char *pin, int64_t now, int64_t *until)
{
    char hash[crypto_pwhash_STRBYTES];
    long long locked, failures;
    if (until)
        *until = 0;
    if (meta_int(s, "pin_locked_until", &locked) || meta_int(s, "pin_failures", &failures))
        return PIN_FAILED;
    if (until)
        *until = locked;
    if (locked > now)
        return PIN_LOCKED;
    int rc = store_meta_get(s, "pin_hash", hash, sizeof hash);
    if (rc == STORE_NOTFOUND)
        return PIN_UNSET;
    if (rc)
        return PIN_FAILED;
    /* A PIN hash put in behind the program's back (it no longer matches its
     * audit entry, or the entry was forged) opens nothing. */
    if (store_meta_trusted(s, "pin_hash") != STORE_OK)
        return PIN_FAILED;
    if (failures >= PIN_MAX_FAILURES) {
        /* A lock that could not be written last time: write it now. */
        if (until)
            *until = now + PIN_LOCK_SECONDS;
        lock(s, now + PIN_LOCK_SECONDS);
        return PIN_LOCKED;
    }
    /* Count this try before checking it; if it cannot be counted, it is
     * not checked. */
    if (meta_put_int(s, "pin_failures", failures + 1) != STORE_OK)
        return PIN_FAILED;
    if (crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0) {
        meta_put_int(s, "pin_failures", 0);
        return PIN_OK;
    }
    if (failures + 1 >= PIN_MAX_FAILURES) {
        if (until)
            *until = now + PIN_LOCK_SECONDS;
        lock(s, now + PIN_LOCK_SECONDS); /* if it fails, the count (>= MAX) still locks */
        return PIN_LOCKED;
    }
    return PIN_WRONG;
}
