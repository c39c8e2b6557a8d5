/* backup.c — see backup.h.
 *
 * Order. Each copy's name carries a creation sequence number, one more than
 * the highest in the folder: "cepci-kiosk-NNNNNN-YYYYMMDD-HHMMSS.db". The
 * copies are pruned by that number, never by the date in the name, which
 * comes from the clock: after a clock set to 2100 and put right again, the
 * copies of 2100 are the oldest, not the newest, and the copy just made is
 * never the one deleted. Copies named by earlier versions
 * ("cepci-kiosk-YYYYMMDD-HHMMSS.db") count as older than every numbered one.
 *
 * Leftovers. A copy is written as ".cepci-kiosk-….db.partial", held with
 * flock(2) until it is renamed; a copy killed half-way leaves that file
 * (and maybe its "-journal"), which the next backup into the folder removes
 * when nobody holds it. Only these names are ever removed. */
#include "backup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_evidence.h"

#define BACKUP_PREFIX "cepci-kiosk-"

/* A backup copy found in the folder. */
typedef struct backup_copy {
    char *name;
    unsigned long seq;   /* 0 for a copy named by an earlier version */
    char stamp[16];      /* "YYYYMMDD-HHMMSS" from its name */
} backup_copy;

/* 1 if s[0..n) are all digits. */
static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Parses a backup's name into *c (name not copied). 1 if it is one:
 * cepci-kiosk-YYYYMMDD-HHMMSS.db (seq 0) or
 * cepci-kiosk-NNNNNN-YYYYMMDD-HHMMSS.db (6 to 9 digits of sequence). */
static int parse_backup_name(const char *name, backup_copy *c)
{
    size_t n = strlen(name), p = sizeof BACKUP_PREFIX - 1;
    if (n < p + 18 || strncmp(name, BACKUP_PREFIX, p) != 0 || strcmp(name + n - 3, ".db") != 0)
        return 0;
    const char *stamp = name + n - 3 - 15;
    if (!digits(stamp, 8) || stamp[8] != '-' || !digits(stamp + 9, 6))
        return 0;
    size_t seqlen = (size_t)(stamp - (name + p));
    if (seqlen == 0) {
        c->seq = 0;
    } else {
        seqlen--; /* the '-' before the stamp */
        if (seqlen < 6 || seqlen > 9 || name[p + seqlen] != '-' || !digits(name + p, seqlen))
            return 0;
        c->seq = strtoul(name + p, NULL, 10);
        if (c->seq == 0)
            return 0;
    }
    memcpy(c->stamp, stamp, 15);
    c->stamp[15] = '\0';
    return 1;
}

int backup_name_parse(const char *name, unsigned long *seq, int64_t *t)
{
    backup_copy c;
    struct tm tm = {0};
    if (!name || !parse_backup_name(name, &c) ||
        sscanf(c.stamp, "%4d%2d%2d-%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *seq = c.seq;
    *t = (int64_t)timegm(&tm);
    return 1;
}

/* Oldest first: by sequence, then (among copies of earlier versions) by name. */
static int copy_order(const void *a, const void *b)
{
    const backup_copy *x = a, *y = b;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The copies in dir, oldest first, into *out (caller frees each name and
 * the array). Returns the count, or -1 when the folder cannot be read. */
static long list_copies(const char *dir, backup_copy **out)
{
    DIR *d = opendir(dir);
    *out = NULL;
    if (!d)
        return -1;
    backup_copy *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        backup_copy c;
        if (!parse_backup_name(e->d_name, &c))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            backup_copy *nv = realloc(v, cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        if (!(c.name = strdup(e->d_name)))
            break;
        v[n++] = c;
    }
    closedir(d);
    if (n > 1)
        qsort(v, n, sizeof *v, copy_order);
    *out = v;
    return (long)n;
}

static void free_copies(backup_copy *v, long n)
{
    for (long i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}

/* 1 if name is what a killed backup leaves: ".cepci-kiosk-….db.partial"
 * or its SQLite "-journal". *journal tells which. */
static int is_partial_name(const char *name, int *journal)
{
    static const char part[] = ".db.partial", jour[] = ".db.partial-journal";
    size_t n = strlen(name);
    if (strncmp(name, "." BACKUP_PREFIX, sizeof BACKUP_PREFIX) != 0)
        return 0;
    if (n > sizeof jour - 1 && strcmp(name + n - (sizeof jour - 1), jour) == 0)
        return *journal = 1;
    if (n > sizeof part - 1 && strcmp(name + n - (sizeof part - 1), part) == 0)
        return !(*journal = 0);
    return 0;
}

/* Removes the leftovers of killed backups in dir: a ".partial" of this
 * user, mode 0600, that no running backup holds (flock), and its journal;
 * a journal whose ".partial" is gone. Returns how many files went. */
static int sweep_partials(const char *dir)
{
    DIR *d = opendir(dir);
    int gone = 0;
    if (!d)
        return 0;
    int dfd = dirfd(d);
    struct dirent *e;
    /* Partials first (a journal goes with its partial), then orphan journals. */
    for (int pass = 0; pass < 2; pass++) {
        rewinddir(d);
        while ((e = readdir(d))) {
            int journal;
            if (!is_partial_name(e->d_name, &journal) || journal != pass)
                continue;
            struct stat st;
            if (journal) {
                char partial[512];
                size_t n = strlen(e->d_name) - (sizeof "-journal" - 1);
                if (n >= sizeof partial)
                    continue;
                memcpy(partial, e->d_name, n);
                partial[n] = '\0';
                if (fstatat(dfd, partial, &st, AT_SYMLINK_NOFOLLOW) == 0)
                    continue; /* its partial is still there: held by a running backup */
                if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
                    st.st_uid == geteuid() && unlinkat(dfd, e->d_name, 0) == 0)
                    gone++;
                continue;
            }
            int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0)
                continue;
            if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
                (st.st_mode & 07777) == 0600 && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
                unlinkat(dfd, e->d_name, 0) == 0)
                gone++;
            close(fd);
        }
    }
    closedir(d);
    return gone;
}

/* Deletes the oldest copies in dir (by sequence) so that at most keep
 * remain; never the copy just made (keepname), never the live database
 * (same device and inode as live), whatever their names. */
static void prune(const char *dir, int keep, const char *keepname, const struct stat *live)
{
    backup_copy *v;
    long n = list_copies(dir, &v);
    for (long i = 0; i + keep < n; i++) {
        char path[4096];
        struct stat st;
        if (strcmp(v[i].name, keepname) == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, v[i].name);
        if (stat(path, &st) == 0 && live && st.st_dev == live->st_dev && st.st_ino == live->st_ino)
            continue;
        unlink(path);
    }
    free_copies(v, n > 0 ? n : 0);
}

/* mkdir -p with mode 0700 for every folder it creates. Returns 0 or -1. */
static int make_dirs(const char *dir)
{
    char path[4096];
    struct stat st;
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (stat(path, &st) != 0 && mkdir(path, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = c;
            if (c == '\0')
                break;
        }
    }
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
}

/* ---- the attachments (issue 14) ----
 * They live beside the database, not in it: each backup also copies into
 * "<dir>/anexos/" (0700) every attachment file not there yet, under its own
 * name "<sha256>.<ext>" (content-addressed: the copies share them, and
 * pruning old copies never removes one). A file is copied through a
 * temporary name, hashed on the way and renamed only when its bytes are
 * the recorded ones: an altered or missing original is left out with a
 * warning (the database copy is made all the same). */

struct annex_walk {
    store *s;
    char dir[4200];
    int copied, bad;
    char first[600];
};

/* Copies src to dst (0600, fsync'd, renamed into place) when its SHA-256
 * is want. 0, or -1 with errno (EINVAL: the bytes differ). */
static int copy_checked(const char *src, const char *dst, const char *want)
{
    char tmp[4400], hex[65];
    unsigned char buf[65536], d[32];
    crypto_hash_sha256_state h;
    snprintf(tmp, sizeof tmp, "%s.partial", dst);
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, e = 0;
    if (in < 0)
        return -1;
    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        e = errno;
        close(in);
        errno = e;
        return -1;
    }
    crypto_hash_sha256_init(&h);
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            e = r < 0 ? errno : 0;
            break;
        }
        crypto_hash_sha256_update(&h, buf, (size_t)r);
        for (ssize_t o = 0; o < r && !e;) {
            ssize_t w = write(out, buf + o, (size_t)(r - o));
            if (w < 0 && errno != EINTR)
                e = errno;
            else if (w > 0)
                o += w;
        }
        if (e)
            break;
    }
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    if (!e && strcmp(hex, want) != 0)
        e = EINVAL;
    if (!e && fsync(out) != 0)
        e = errno;
    if (close(out) != 0 && !e)
        e = errno;
    close(in);
    if (!e && rename(tmp, dst) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

static int annex_copy(const store_attachment *a, void *arg)
{
    struct annex_walk *w = arg;
    char src[4400], dst[4400];
    struct stat st;
    store_attachment_file(w->s, a, src, sizeof src);
    const char *base = strrchr(src, '/');
    snprintf(dst, sizeof dst, "%s/%s", w->dir, base ? base + 1 : src);
    if (stat(dst, &st) == 0 && st.st_size == a->size)
        return 0; /* a copy made by an earlier backup */
    if (copy_checked(src, dst, a->sha256) != 0) {
        if (!w->bad++)
            snprintf(w->first, sizeof w->first, "%s: %s", src,
                     errno == EINVAL ? "no longer matches its recorded hash" : strerror(errno));
        return 0;
    }
    w->copied++;
    return 0;
}

/* Copies the attachments into dir/anexos; a one-line warning in warn when
 * some could not be copied. */
static void backup_attachments(store *s, const char *dir, char *warn, size_t warnlen)
{
    struct annex_walk w;
    memset(&w, 0, sizeof w);
    w.s = s;
    snprintf(w.dir, sizeof w.dir, "%s/anexos", dir);
    if (mkdir(w.dir, 0700) != 0 && errno != EEXIST) {
        snprintf(warn, warnlen, "%s: cannot create the attachments' folder: %s", w.dir, strerror(errno));
        return;
    }
    if (store_attachment_each(s, NULL, 0, annex_copy, &w) != STORE_OK)
        snprintf(warn, warnlen, "the attachments were not copied: %s", store_errmsg(s));
    else if (w.bad)
        snprintf(warn, warnlen, "%d attachment file(s) not copied (the first: %s); run: cepci-kiosk audit verify",
                 w.bad, w.first);
}

int backup_run(store *s, const char *dir, int keep, int64_t now, char *out, size_t outlen, char *err,
               size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    if (make_dirs(dir) != 0) {
        snprintf(err, errlen, "%s: cannot create the backup folder: %s", dir, strerror(errno));
        return -1;
    }
    if (strlen(dir) > 4000) {
        snprintf(err, errlen, "%s: the backup folder's path is too long", dir);
        return -1;
    }
    sweep_partials(dir);
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    char stamp[32], tmp[4096], warn[1024] = "";
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    /* The next number, and whether the newest copy is dated after now. */
    backup_copy *v;
    long n = list_copies(dir, &v);
    unsigned long seq = 1;
    if (n > 0) {
        const backup_copy *last = &v[n - 1];
        seq = last->seq + 1;
        if (strcmp(last->stamp, stamp) > 0)
            snprintf(warn, sizeof warn,
                     "the clock went backwards: the newest earlier copy (%s) is dated after now (%s UTC); "
                     "copies are kept by the order they were made, not by date",
                     last->name, stamp);
    }
    free_copies(v, n > 0 ? n : 0);
    snprintf(tmp, sizeof tmp, "%s/." BACKUP_PREFIX "%06lu-%s.db.partial", dir, seq, stamp);
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write a backup here: %s", dir, strerror(errno));
        return -1;
    }
    flock(fd, LOCK_EX); /* a sweep by another backup never takes it while it is written */
    int rc = 0;
    /* The head as copied, signed by the kiosk key (kept in the live
     * database and in the copy): a copy cannot be rolled back unseen. Best
     * effort: without the key, or on a chain the kiosk no longer vouches
     * for, the copy is made all the same (it is evidence). */
    store_audit_sign_head(s, "backup", now, NULL);
    if (store_backup_to(s, tmp) != STORE_OK) {
        snprintf(err, errlen, "%s: backup failed: %s", dir, store_errmsg(s));
        rc = -1;
    }
    if (rc == 0 && fsync(fd) != 0) {
        snprintf(err, errlen, "%s: backup failed: %s", dir, strerror(errno));
        rc = -1;
    }
    /* Into place under a name no other copy has (link fails on an existing
     * name, where rename would replace it): the next free number. */
    for (int tries = 0; rc == 0; tries++) {
        snprintf(out, outlen, "%s/" BACKUP_PREFIX "%06lu-%s.db", dir, seq + (unsigned long)tries, stamp);
        if (link(tmp, out) == 0)
            break;
        if (errno != EEXIST || tries == 1000) {
            snprintf(err, errlen, "%s: cannot finish the backup: %s", out, strerror(errno));
            rc = -1;
        }
    }
    unlink(tmp);
    close(fd);
    if (rc != 0)
        return -1;
    char journal[4200];
    snprintf(journal, sizeof journal, "%s-journal", tmp);
    unlink(journal); /* none after a complete copy; a leftover is not ours to keep */
    struct stat live;
    const char *dbfile = store_path(s);
    const char *name = strrchr(out, '/') + 1;
    prune(dir, keep < 1 ? 1 : keep, name, dbfile[0] && stat(dbfile, &live) == 0 ? &live : NULL);
    char annex[700] = "";
    backup_attachments(s, dir, annex, sizeof annex);
    if (annex[0]) {
        size_t wl = strlen(warn);
        snprintf(warn + wl, sizeof warn - wl, "%s%s", wl ? "; " : "", annex);
    }
    if (warn[0] && errlen)
        snprintf(err, errlen, "%s", warn);
    return 0;
}
