/* pin.h — the coordinator PIN: an Argon2id hash (libsodium crypto_pwhash)
 * kept in the database, and a lockout after PIN_MAX_FAILURES wrong tries
 * that is stored too, so it survives a restart. */
#ifndef CK_PIN_H
#define CK_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define PIN_MAX_FAILURES 5
#define PIN_LOCK_SECONDS 300

enum { PIN_OK = 0, PIN_WRONG = 1, PIN_LOCKED = 2, PIN_UNSET = 3, PIN_FAILED = -1 };

/* Sets the PIN (4 to 12 digits) at time now (the change is audited: its
 * hash's SHA-256 goes into the audit chain). Returns 0, or -1 with the
 * reason in err. */
int pin_set_at(store *s, const char *pin, int64_t now, char *err, size_t errlen);
/* pin_set_at dated by the clock. */
int pin_set(store *s, const char *pin, char *err, size_t errlen);

/* Checks a PIN at time now. Each try is counted in the database before the
 * PIN is checked; when it cannot be (disk full, read-only, unreadable),
 * the PIN is not checked and PIN_FAILED is returned. PIN_OK resets the
 * count; PIN_WRONG leaves it counted; the fifth wrong try locks until
 * now + PIN_LOCK_SECONDS and returns PIN_LOCKED. While locked (or with
 * five counted tries whose lock could not be written) every try returns
 * PIN_LOCKED without checking. A PIN hash that no longer matches its audit
 * entry (put in by hand) opens nothing: PIN_FAILED. *until (may be NULL)
 * gets the end of the lock. */
int pin_check(store *s, const char *pin, int64_t now, int64_t *until);

#endif
