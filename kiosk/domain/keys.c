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
    }
    return rc;
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
