/* upgrade.c — a database written by an older cepci-kiosk, before and
 * around its migration, and a look at a database that changes nothing.
 *
 * When a newer package is installed, the next program that opens the
 * database for writing (the kiosk at its next start, or a command) finds a
 * schema older than its own and store_open migrates it. Before the first
 * migration runs, store_upgrade_backup (called from store_open):
 *
 *   1. refuses when another process has the database open (the kiosk of the
 *      old version, still running after `apt install`): that process would
 *      go on writing rows the old way into the new schema. Who has it open
 *      is read from /proc/locks: every SQLite connection to a WAL database
 *      holds a lock on its -shm file while it is open. (Opening the -shm
 *      ourselves to ask with fcntl(F_GETLK) is not an option: closing that
 *      descriptor would drop the locks SQLite holds on it in this process.)
 *   2. copies the whole database with the SQLite backup API into
 *      "<db>.schemaN.bak" beside it (N = the old schema; "<db>.schemaN.2.bak"
 *      and so on when one exists already), mode 0600, owned like the
 *      database when run as root, written under a temporary name and renamed
 *      once complete. Routine backups are named cepci-kiosk-YYYYMMDD-HHMMSS.db
 *      (backup.c), so pruning them never deletes this one.
 *   3. logs one line on stderr (the journal under systemd) naming the copy.
 *
 * A failure in either step leaves the database exactly as it was and
 * store_open fails with one line. Nothing here depends on how many
 * migrations there are: the copy is made once, before the first of them.
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int store_in_use(const char *path)
{
    char shm[4200];
    struct stat st;
    if (snprintf(shm, sizeof shm, "%s-shm", path) >= (int)sizeof shm || stat(shm, &st) != 0)
        return 0; /* no -shm: no connection has the WAL database open */
    FILE *f = fopen("/proc/locks", "r");
    if (!f)
        return 0;
    /* "1: POSIX  ADVISORY  READ 4711 fe:01:1234567 128 128"; a waiting
     * lock's line has "->" after the number and is skipped. Every
     * connection holds a read lock on byte 128 of the -shm (SQLite's "DMS"
     * byte) while it is open. The device is the one stat() gives, except on
     * an overlayfs whose layers are on different file systems: stat() then
     * names the layer's device and /proc/locks the overlay's, an anonymous
     * one (major 0), with the same inode number. */
    char line[256];
    int found = 0;
    long self = (long)getpid();
    while (!found && fgets(line, sizeof line, f)) {
        char kind[16], mode[16], access_[16], end[24];
        long pid;
        unsigned maj, min;
        unsigned long ino;
        long long start;
        if (sscanf(line, "%*d: %15s %15s %15s %ld %x:%x:%lu %lld %23s", kind, mode, access_, &pid, &maj, &min, &ino,
                   &start, end) != 9 ||
            ino != (unsigned long)st.st_ino || pid == self)
            continue; /* (pid -1: an open file description lock, someone else's too) */
        if (!(maj == major(st.st_dev) && min == minor(st.st_dev)) && maj != 0)
            continue;
        found = start <= 128 && (strcmp(end, "EOF") == 0 || strtoll(end, NULL, 10) >= 128);
    }
    fclose(f);
    return found;
}

/* Writes into out a name for the copy of path made before migrating from
 * schema `from` that no file has yet. Returns 0, or -1 when none is free. */
static int backup_name(const char *path, int from, char *out, size_t outlen)
{
    for (int n = 1; n < 100; n++) {
        int w = n == 1 ? snprintf(out, outlen, "%s.schema%d.bak", path, from)
                       : snprintf(out, outlen, "%s.schema%d.%d.bak", path, from, n);
        if (w < 0 || (size_t)w >= outlen)
            return -1;
        if (access(out, F_OK) != 0 && errno == ENOENT)
            return 0;
    }
    return -1;
}

/* fsync of the folder holding path, so a rename in it is durable. */
static void sync_dir_of(const char *path)
{
    char copy[4200];
    snprintf(copy, sizeof copy, "%s", path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int store_upgrade_backup(store *s, const char *path, int from, char *err, size_t errlen)
{
    int to = store_schema_version();
    if (store_in_use(path)) {
        snprintf(err, errlen,
                 "%s: la base de datos es del esquema %d y este programa la actualiza al %d, pero otro programa "
                 "la tiene abierta (¿el quiosco de la versión anterior?); deténgalo (systemctl stop cepci-kiosk) y "
                 "vuelva a intentarlo; no se cambió nada", path, from, to);
        return STORE_ERROR;
    }
    char final[4200], tmp[4300];
    if (backup_name(path, from, final, sizeof final) != 0) {
        snprintf(err, errlen, "%s: no hay un nombre libre para la copia previa a la actualización (%s.schema%d.*.bak); "
                 "no se cambió nada", path, path, from);
        return STORE_ERROR;
    }
    snprintf(tmp, sizeof tmp, "%s.partial", final);
    unlink(tmp);
    int code = STORE_OK;
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: no se puede crear la copia previa a la actualización: %s; no se cambió nada", tmp,
                 strerror(errno));
        return errno == ENOSPC ? STORE_FULL : errno == EACCES || errno == EROFS ? STORE_READONLY : STORE_ERROR;
    }
    fchmod(fd, 0600);
    struct stat db;
    if (geteuid() == 0 && stat(path, &db) == 0 && fchown(fd, db.st_uid, db.st_gid) != 0) {
        /* Only root gets here; a failed chown leaves a copy only root can
         * read, which is still a copy. */
    }
    close(fd);
    if ((code = store_backup_to(s, tmp)) != STORE_OK) {
        snprintf(err, errlen, "%s: no se pudo hacer la copia previa a la actualización (%s); no se cambió nada", path,
                 store_errmsg(s));
        goto out;
    }
    fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0 || rename(tmp, final) != 0) {
        int e = errno;
        snprintf(err, errlen, "%s: no se pudo terminar la copia previa a la actualización: %s; no se cambió nada",
                 final, strerror(e));
        code = e == ENOSPC ? STORE_FULL : STORE_ERROR;
    }
    if (fd >= 0)
        close(fd);
    if (code == STORE_OK) {
        sync_dir_of(final);
        fprintf(stderr, "cepci-kiosk: %s: se actualiza del esquema %d al %d; copia previa en %s\n", path, from, to,
                final);
    }
out:
    if (code != STORE_OK)
        unlink(tmp);
    return code;
}

/* ---- store_inspect ---- */

/* Opens path read-only. With a -wal file beside it (the kiosk is running,
 * or stopped without a checkpoint) plainly, sharing the WAL. Without one,
 * or when the plain way cannot read it (a folder we may not write has no
 * -shm to share), as an immutable snapshot through a file: URI with the
 * path percent-escaped: the file then holds every committed transaction,
 * and a read-only connection would leave an empty -wal and a -shm behind.
 * Returns the SQLite code of the first statement that failed. */
static int open_readonly(const char *path, sqlite3 **db, int *version)
{
    sqlite3_stmt *q = NULL;
    char wal[4200];
    int rc = SQLITE_CANTOPEN;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (access(wal, F_OK) == 0) {
        rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_prepare_v2(*db, "PRAGMA user_version", -1, &q, NULL)) == SQLITE_OK &&
            (rc = sqlite3_step(q)) == SQLITE_ROW) {
            *version = sqlite3_column_int(q, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_ERROR;
        }
        sqlite3_finalize(q);
        q = NULL;
        if (rc == SQLITE_OK || ((rc & 0xff) != SQLITE_CANTOPEN && (rc & 0xff) != SQLITE_READONLY))
            return rc;
        sqlite3_close(*db);
        *db = NULL;
    }
    size_t n = strlen(path), o = 0;
    char *uri = malloc(n * 3 + 32);
    if (!uri)
        return SQLITE_NOMEM;
    o += (size_t)sprintf(uri, "file:");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '%' || c == '?' || c == '#' || c <= 0x20 || c >= 0x7f)
            o += (size_t)sprintf(uri + o, "%%%02X", c);
        else
            uri[o++] = (char)c;
    }
    sprintf(uri + o, "?immutable=1");
    rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
    free(uri);
    if (rc == SQLITE_OK && (rc = sqlite3_prepare_v2(*db, "PRAGMA user_version", -1, &q, NULL)) == SQLITE_OK &&
        (rc = sqlite3_step(q)) == SQLITE_ROW) {
        *version = sqlite3_column_int(q, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(q);
    return rc;
}

int store_inspect(const char *path, store_health *out, char *err, size_t errlen)
{
    struct stat st;
    memset(out, 0, sizeof *out);
    out->version = -1;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? STORE_NOTFOUND : STORE_ERROR;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: no es un archivo regular", path);
        return STORE_INVALID;
    }
    out->in_use = store_in_use(path);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int code = STORE_OK;
    int rc = open_readonly(path, &db, &out->version);
    if (rc != SQLITE_OK) {
        int prim = rc & 0xff;
        snprintf(err, errlen, "%s: %s (%s)", path,
                 prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT ? "no es una base de datos o está dañada"
                                                                 : "no se puede leer",
                 sqlite3_errstr(rc));
        code = prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT ? STORE_INVALID : STORE_ERROR;
        goto out;
    }
    /* Ours: schema 0 is an empty file, anything later has the meta table. */
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'", -1, &q,
                           NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        out->ours = out->version == 0 || sqlite3_column_int(q, 0) == 1;
    sqlite3_finalize(q);
    q = NULL;
    /* The first problem integrity_check finds (it checks every page, index
     * and constraint: a few seconds for a large database). */
    rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        static const char head[] = "*** in database main ***";
        if (t && strncmp(t, head, sizeof head - 1) == 0)
            t += sizeof head - 1 + strspn(t + sizeof head - 1, " \n");
        util_strlcpy(out->integrity, t ? t : "", sizeof out->integrity);
        for (char *c = out->integrity; *c; c++)
            if (*c == '\n')
                *c = ' ';
        util_one_line(out->integrity);
    } else {
        snprintf(out->integrity, sizeof out->integrity, "%s", sqlite3_errstr(rc));
    }
out:
    sqlite3_finalize(q);
    sqlite3_close(db);
    return code;
}
