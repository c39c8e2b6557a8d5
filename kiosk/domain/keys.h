/* keys.h — the kiosk's Ed25519 signing key (libsodium).
 *
 * The secret key lives in a file beside the database, "<db>.key", mode
 * 0600, and never in an export. The public key is stored in the database
 * (kiosk_key) with the kiosk id, so every receipt can be verified offline. */
#ifndef CK_KEYS_H
#define CK_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define KEYS_SECRET_BYTES 64
#define KEYS_PUBLIC_BYTES 32

/* The key file path for a database path: db_path + ".key". */
void keys_path(const char *db_path, char *out, size_t outlen);

/* Creates this kiosk's key pair: writes the secret key file (refusing to
 * overwrite one) and stores the public key. Returns STORE_OK or a STORE_*
 * code with the reason in err. */
int keys_create(store *s, const char *db_path, int64_t now, char *err, size_t errlen);

/* Loads the secret key of the database at db_path. Returns 0, or -1 with
 * the reason in err (missing file, bad size, wrong permissions). */
int keys_load_secret(const char *db_path, unsigned char sk[KEYS_SECRET_BYTES], char *err, size_t errlen);

#endif
