/* backup.c — see backup.h. */
#include "backup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 if name is exactly a backup's name: cepci-kiosk-YYYYMMDD-HHMMSS.db. */
static int is_backup_name(const char *name)
{
    static const char pattern[] = "cepci-kiosk-DDDDDDDD-DDDDDD.db";
    if (strlen(name) != sizeof pattern - 1)
        return 0;
    for (size_t i = 0; pattern[i]; i++) {
        if (pattern[i] == 'D' ? !isdigit((unsigned char)name[i]) : name[i] != pattern[i])
            return 0;
    }
    return 1;
}

/* Deletes the oldest backups in dir so that at most keep remain; never the
 * live database (same device and inode as live), whatever its name. */
static void prune(const char *dir, int keep, const struct stat *live)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_backup_name(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn)
                break;
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, cmp_str); /* names sort by time */
    for (size_t i = 0; i + (size_t)keep < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && live && st.st_dev == live->st_dev && st.st_ino == live->st_ino)
            continue;
        unlink(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
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

int backup_run(store *s, const char *dir, int keep, int64_t now, char *out, size_t outlen, char *err,
               size_t errlen)
{
    if (make_dirs(dir) != 0) {
        snprintf(err, errlen, "%s: cannot create the backup folder: %s", dir, strerror(errno));
        return -1;
    }
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    char stamp[32], tmp[4096];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(out, outlen, "%s/cepci-kiosk-%s.db", dir, stamp);
    snprintf(tmp, sizeof tmp, "%s/.cepci-kiosk-%s.db.partial", dir, stamp);
    unlink(tmp);
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write a backup here: %s", dir, strerror(errno));
        return -1;
    }
    close(fd);
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
    if (rc == 0) {
        fd = open(tmp, O_RDONLY);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
        if (rename(tmp, out) != 0) {
            snprintf(err, errlen, "%s: cannot finish the backup: %s", out, strerror(errno));
            rc = -1;
        }
    }
    if (rc != 0) {
        unlink(tmp);
        return -1;
    }
    struct stat live;
    const char *dbfile = store_path(s);
    prune(dir, keep < 1 ? 1 : keep, dbfile[0] && stat(dbfile, &live) == 0 ? &live : NULL);
    return 0;
}
