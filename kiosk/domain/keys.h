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
 * overwrite one), stores the public key, installs the key as s's signer
 * (keys_signer_install) and signs the chain head as it is (source "init").
 * Returns STORE_OK or a STORE_* code with the reason in err. */
int keys_create(store *s, const char *db_path, int64_t now, char *err, size_t errlen);

/* Gives the store s the key of the database at db_path as its signer
 * (store_set_signer): every write through s then signs the new chain head,
 * and s can sign it on demand (store_audit_sign_head). Fails (-1, reason
 * in err) when the key cannot be loaded or is not the public key the
 * database holds for this kiosk. */
int keys_signer_install(store *s, const char *db_path, char *err, size_t errlen);

/* Signs this kiosk's chain head now for source (receipt, export, backup,
 * sync ...) with s's signer, stores it, and writes its text (CKH1:...) into
 * out[outlen] (out may be NULL). Returns 0 or -1 with the reason in err. */
int keys_sign_head(store *s, const char *source, int64_t now, char *out, size_t outlen, char *err, size_t errlen);

/* Loads the secret key of the database at db_path. Returns 0, or -1 with
 * the reason in err (missing file, bad size, wrong permissions). */
int keys_load_secret(const char *db_path, unsigned char sk[KEYS_SECRET_BYTES], char *err, size_t errlen);

#endif
