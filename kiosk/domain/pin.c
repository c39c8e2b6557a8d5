/* pin.c — see pin.h. */
#include "pin.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long meta_int(store *s, const char *key)
{
    char buf[32];
    if (store_meta_get(s, key, buf, sizeof buf) != STORE_OK)
        return 0;
    return strtoll(buf, NULL, 10);
}

static int meta_put_int(store *s, const char *key, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return store_meta_set(s, key, buf);
}

int pin_set(store *s, const char *pin, char *err, size_t errlen)
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
        rc = store_meta_set(s, "pin_hash", hash);
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
    return 0;
}

int pin_check(store *s, const char *pin, int64_t now, int64_t *until)
{
    char hash[crypto_pwhash_STRBYTES];
    long long locked = meta_int(s, "pin_locked_until");
    if (until)
        *until = locked;
    if (locked > now)
        return PIN_LOCKED;
    if (store_meta_get(s, "pin_hash", hash, sizeof hash) != STORE_OK)
        return PIN_UNSET;
    if (crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0) {
        meta_put_int(s, "pin_failures", 0);
        return PIN_OK;
    }
    long long failures = meta_int(s, "pin_failures") + 1;
    if (failures >= PIN_MAX_FAILURES) {
        if (until)
            *until = now + PIN_LOCK_SECONDS;
        if (store_begin(s) == STORE_OK && meta_put_int(s, "pin_locked_until", now + PIN_LOCK_SECONDS) == 0 &&
            meta_put_int(s, "pin_failures", 0) == 0 && store_commit(s) == STORE_OK)
            return PIN_LOCKED;
        store_rollback(s);
        return PIN_LOCKED;
    }
    if (meta_put_int(s, "pin_failures", failures) != STORE_OK)
        return PIN_FAILED;
    return PIN_WRONG;
}
