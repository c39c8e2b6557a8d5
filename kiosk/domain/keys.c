/* keys.c — see keys.h. */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void keys_path(const char *db_path, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s.key", db_path);
}

int keys_create(store *s, const char *db_path, int64_t now, char *err, size_t errlen)
{
    unsigned char pk[KEYS_PUBLIC_BYTES], sk[KEYS_SECRET_BYTES];
    char path[4096], inst[256] = "", unit[64] = "";
    keys_path(db_path, path, sizeof path);
    crypto_sign_keypair(pk, sk);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create the signing key: %s", path, strerror(errno));
        sodium_memzero(sk, sizeof sk);
        return errno == EEXIST ? STORE_EXISTS : STORE_ERROR;
    }
    fchmod(fd, 0600);
    ssize_t w = write(fd, sk, sizeof sk);
    int ok = w == (ssize_t)sizeof sk && fsync(fd) == 0;
    int e = errno;
    close(fd);
    sodium_memzero(sk, sizeof sk);
    if (!ok) {
        unlink(path);
        snprintf(err, errlen, "%s: cannot write the signing key: %s", path, strerror(e));
        return STORE_FULL;
    }
    store_meta_get(s, "institution", inst, sizeof inst);
    store_meta_get(s, "unit", unit, sizeof unit);
    int rc = store_key_put(s, store_kiosk_id(s), pk, inst, unit, now);
    if (rc) {
        unlink(path);
        snprintf(err, errlen, "%s", store_errmsg(s));
        return rc;
    }
    /* From its birth the key signs every write through s; its first
     * signed head vouches for the chain as it is now. */
    if (keys_signer_install(s, db_path, err, errlen) != 0)
        return STORE_ERROR;
    if ((rc = store_audit_sign_head(s, "init", now, NULL)) != STORE_OK)
        snprintf(err, errlen, "%s", store_errmsg(s));
    return rc;
}

/* ---- the signer the store calls ---- */

static int sign_cb(void *ctx, const unsigned char *msg, size_t len, unsigned char sig[64])
{
    return crypto_sign_detached(sig, NULL, msg, (unsigned long long)len, ctx);
}

static void release_cb(void *ctx)
{
    sodium_free(ctx); /* zeroes it */
}

int keys_signer_install(store *s, const char *db_path, char *err, size_t errlen)
{
    unsigned char pk[KEYS_PUBLIC_BYTES];
    unsigned char *sk = sodium_malloc(KEYS_SECRET_BYTES);
    if (!sk) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (keys_load_secret(db_path, sk, err, errlen) != 0) {
        sodium_free(sk);
        return -1;
    }
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    sodium_mprotect_readonly(sk);
    if (store_set_signer(s, pk, sign_cb, sk, release_cb) != STORE_OK) { /* frees sk on failure */
        char key[4096];
        keys_path(db_path, key, sizeof key);
        snprintf(err, errlen, "%s: %s", key, store_errmsg(s));
        return -1;
    }
    return 0;
}

int keys_sign_head(store *s, const char *source, int64_t now, char *out, size_t outlen, char *err, size_t errlen)
{
    store_signed_head h;
    if (store_audit_sign_head(s, source, now, &h) != STORE_OK) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    if (out)
        store_head_text(&h, out, outlen);
    return 0;
}

int keys_load_secret(const char *db_path, unsigned char sk[KEYS_SECRET_BYTES], char *err, size_t errlen)
{
    char path[4096];
    struct stat st;
    keys_path(db_path, path, sizeof path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot read the kiosk signing key: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || st.st_size != KEYS_SECRET_BYTES) {
        close(fd);
        snprintf(err, errlen, "%s: not a signing key (wrong size)", path);
        return -1;
    }
    if (st.st_mode & 077) {
        close(fd);
        snprintf(err, errlen, "%s: the signing key is readable by others; run chmod 600 on it", path);
        return -1;
    }
    ssize_t r = read(fd, sk, KEYS_SECRET_BYTES);
    close(fd);
    if (r != KEYS_SECRET_BYTES) {
        snprintf(err, errlen, "%s: cannot read the signing key", path);
        return -1;
    }
    return 0;
}
