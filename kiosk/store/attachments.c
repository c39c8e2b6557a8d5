/* attachments.c — files kept with an event (see store_evidence.h): a scan
 * of the signed paper list, photos, a certificate screenshot.
 *
 * The database keeps only the row (hash, size, type, name); the bytes live
 * in "<database>.anexos/<sha256>.<ext>". Attaching streams the file into a
 * temporary file in that folder while hashing it, fsyncs it and renames it
 * to its hash, and only then writes the row and its audit entry in one
 * transaction; a failure removes the file it created. Content addressing
 * makes a second copy of the same photo free, and lets `audit verify` and
 * the evidence package check every file against the database. */
#include "store_evidence.h"
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

#define ATTACH_CHUNK 65536

static const char *const KINDS[] = {"foto", "lista", "constancia", "otro", NULL};

int store_attachment_kind_valid(const char *kind)
{
    return kind && store_in_list(KINDS, kind);
}

const char *store_attachment_sniff(const void *head, size_t n)
{
    const unsigned char *h = head;
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (n >= 5 && memcmp(h, "%PDF-", 5) == 0)
        return "application/pdf";
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && memcmp(h, png, 8) == 0)
        return "image/png";
    return NULL;
}

const char *store_attachment_ext(const char *media_type)
{
    if (strcmp(media_type, "application/pdf") == 0)
        return "pdf";
    if (strcmp(media_type, "image/jpeg") == 0)
        return "jpg";
    if (strcmp(media_type, "image/png") == 0)
        return "png";
    return "bin";
}

void store_attachment_dir(store *s, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s.anexos", store_path(s));
}

void store_attachment_file(store *s, const store_attachment *a, char *out, size_t outlen)
{
    char dir[4096];
    store_attachment_dir(s, dir, sizeof dir);
    snprintf(out, outlen, "%s/%s.%s", dir, a->sha256, store_attachment_ext(a->media_type));
}

#define ATTACH_COLS \
    "t.uuid, e.uuid, t.kind, t.media_type, t.sha256, t.size, t.name, t.note, t.at, t.kiosk_id"

static void read_attachment(sqlite3_stmt *st, store_attachment *a)
{
    memset(a, 0, sizeof *a);
    store_col_text(st, 0, a->uuid, sizeof a->uuid);
    store_col_text(st, 1, a->event_id, sizeof a->event_id);
    store_col_text(st, 2, a->kind, sizeof a->kind);
    store_col_text(st, 3, a->media_type, sizeof a->media_type);
    store_col_text(st, 4, a->sha256, sizeof a->sha256);
    a->size = sqlite3_column_int64(st, 5);
    store_col_text(st, 6, a->name, sizeof a->name);
    store_col_text(st, 7, a->note, sizeof a->note);
    a->at = sqlite3_column_int64(st, 8);
    store_col_text(st, 9, a->kiosk_id, sizeof a->kiosk_id);
}

/* The row of (event row, sha256) into out: STORE_OK, STORE_NOTFOUND or an error. */
static int find_attachment(store *s, sqlite3_int64 event_row, const char *sha, store_attachment *out)
{
    static const char sql[] = "SELECT " ATTACH_COLS " FROM attachment t JOIN event e ON e.id = t.event_id "
                              "WHERE t.event_id = ?1 AND t.sha256 = ?2";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, event_row);
    store_bind_text(st, 2, sha);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_attachment(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : store_sqlerr(s, rc, "read attachment");
}

/* Maps an errno of a file operation on what to a STORE_* code with a message. */
static int file_fail(store *s, int e, const char *what, const char *path)
{
    int code = e == ENOSPC || e == EDQUOT || e == EFBIG ? STORE_FULL
               : e == EACCES || e == EPERM || e == EROFS ? STORE_READONLY
               : e == ENOENT                             ? STORE_NOTFOUND
                                                         : STORE_ERROR;
    return store_fail(s, code, "%s %s: %s", what, path, strerror(e));
}

/* SHA-256 (hex) and size of the file at path. 0, or -1 with errno. */
static int hash_file(const char *path, char hex[UTIL_SHA256_HEX], int64_t *size)
{
    unsigned char buf[ATTACH_CHUNK], d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state h;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    crypto_hash_sha256_init(&h);
    int64_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        crypto_hash_sha256_update(&h, buf, (size_t)r);
        n += r;
    }
    close(fd);
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hex, UTIL_SHA256_HEX, d, sizeof d);
    *size = n;
    return 0;
}

/* Copies the open file src into a new temporary file of dir, hashing it,
 * and fsyncs it. tmp gets the temporary file's path, media its type. */
static int copy_in(store *s, int src, const char *path, const char *dir, char *tmp, size_t tmplen,
                   char sha[UTIL_SHA256_HEX], int64_t *size, const char **media)
{
    unsigned char buf[ATTACH_CHUNK], d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state h;
    int64_t n = 0;
    int rc = STORE_OK;
    snprintf(tmp, tmplen, "%s/.tmp-XXXXXX", dir);
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0) {
        rc = file_fail(s, errno, "cannot write in", dir);
        tmp[0] = '\0';
        return rc;
    }
    *media = NULL;
    crypto_hash_sha256_init(&h);
    for (;;) {
        ssize_t r = read(src, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = file_fail(s, errno, "cannot read", path);
            break;
        }
        if (r == 0)
            break;
        if (n == 0 && !(*media = store_attachment_sniff(buf, (size_t)r))) {
            rc = store_fail(s, STORE_INVALID, "%s: not a PDF, JPEG or PNG file", path);
            break;
        }
        n += r;
        if (n > STORE_ATTACH_MAX_BYTES) {
            rc = store_fail(s, STORE_INVALID, "%s: larger than %ld MB", path, STORE_ATTACH_MAX_BYTES >> 20);
            break;
        }
        crypto_hash_sha256_update(&h, buf, (size_t)r);
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(fd, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = file_fail(s, errno, "cannot write", tmp);
                break;
            }
            off += w;
        }
        if (rc)
            break;
    }
    if (rc == STORE_OK && n == 0)
        rc = store_fail(s, STORE_INVALID, "%s: the file is empty", path);
    if (rc == STORE_OK && fsync(fd) != 0)
        rc = file_fail(s, errno, "cannot write", tmp);
    if (close(fd) != 0 && rc == STORE_OK)
        rc = file_fail(s, errno, "cannot write", tmp);
    if (rc != STORE_OK) {
        unlink(tmp);
        tmp[0] = '\0';
        return rc;
    }
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(sha, UTIL_SHA256_HEX, d, sizeof d);
    *size = n;
    return STORE_OK;
}

/* fsync of a folder, so a rename in it survives a power cut. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The file's name as recorded: the last part of path, when it is valid
 * text that fits; else "anexo.<ext>". */
static void file_name(const char *path, const char *media, char *out, size_t outlen)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || util_strlcpy(out, base, outlen) != 0 || !util_utf8_valid(base, strlen(base)) ||
        util_has_control(base))
        snprintf(out, outlen, "anexo.%s", store_attachment_ext(media));
}

int store_attach(store *s, const char *event_id, const char *path, const char *kind, const char *note,
                 int64_t now, store_attachment *out)
{
    static const char sql[] = "INSERT INTO attachment(uuid, kiosk_id, event_id, kind, media_type, sha256, size, "
                              "name, note, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    struct store_event_light ev;
    char dir[4096], tmp[4200], target[4200], sha[UTIL_SHA256_HEX], have[UTIL_SHA256_HEX];
    const char *media = NULL;
    int64_t size = 0, have_size = 0;
    int created = 0, src = -1, rc;
    struct stat st;
    if (!note)
        note = "";
    if (kind && !store_attachment_kind_valid(kind))
        return store_fail(s, STORE_INVALID, "unknown attachment kind '%s' (foto, lista, constancia, otro)", kind);
    if (strlen(note) >= sizeof out->note || !util_utf8_valid(note, strlen(note)) || util_has_control(note))
        return store_fail(s, STORE_INVALID, "the note is too long or not valid text");
    if (!s->kiosk_id[0])
        return store_fail(s, STORE_INVALID, "the database has no kiosk identity (run: cepci-kiosk init)");
    if ((rc = store_event_find(s, event_id, 0, NULL, &ev)))
        return rc;
    if ((src = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return file_fail(s, errno, "cannot read", path);
    if (fstat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(src);
        return store_fail(s, STORE_INVALID, "%s: not a regular file", path);
    }
    store_attachment_dir(s, dir, sizeof dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        rc = file_fail(s, errno, "cannot create the folder", dir);
        close(src);
        return rc;
    }
    rc = copy_in(s, src, path, dir, tmp, sizeof tmp, sha, &size, &media);
    close(src);
    if (rc)
        return rc;
    snprintf(target, sizeof target, "%s/%s.%s", dir, sha, store_attachment_ext(media));
    int there = hash_file(target, have, &have_size) == 0;
    if (there && strcmp(have, sha) == 0) {
        unlink(tmp); /* already there, intact */
    } else {
        created = !there;
        if (rename(tmp, target) != 0) { /* new, or repairs a damaged copy */
            rc = file_fail(s, errno, "cannot write", target);
            unlink(tmp);
            return rc;
        }
        sync_dir(dir);
    }
    memset(out, 0, sizeof *out);
    util_uuid(out->uuid);
    memcpy(out->event_id, ev.id, sizeof ev.id);
    util_strlcpy(out->kind, kind ? kind : strcmp(media, "application/pdf") == 0 ? "lista" : "foto",
                 sizeof out->kind);
    util_strlcpy(out->media_type, media, sizeof out->media_type);
    memcpy(out->sha256, sha, sizeof sha);
    out->size = size;
    file_name(path, media, out->name, sizeof out->name);
    util_strlcpy(out->note, note, sizeof out->note);
    out->at = now;
    memcpy(out->kiosk_id, s->kiosk_id, sizeof out->kiosk_id);
    if ((rc = store_begin(s)))
        goto fail;
    store_attachment earlier;
    rc = find_attachment(s, ev.row, sha, &earlier);
    if (rc == STORE_OK) {
        store_rollback(s);
        *out = earlier;
        return store_fail(s, STORE_EXISTS, "this file is already attached to the event");
    }
    if (rc != STORE_NOTFOUND)
        goto rollback;
    sqlite3_stmt *ins = store_stmt(s, sql);
    if (!ins) {
        rc = STORE_ERROR;
        goto rollback;
    }
    store_bind_text(ins, 1, out->uuid);
    store_bind_text(ins, 2, s->kiosk_id);
    sqlite3_bind_int64(ins, 3, ev.row);
    store_bind_text(ins, 4, out->kind);
    store_bind_text(ins, 5, out->media_type);
    store_bind_text(ins, 6, out->sha256);
    sqlite3_bind_int64(ins, 7, out->size);
    store_bind_text(ins, 8, out->name);
    store_bind_text(ins, 9, out->note);
    sqlite3_bind_int64(ins, 10, now);
    if ((rc = store_exec_stmt(s, ins, "save attachment")) ||
        (rc = store_audit_append(s, "attachment", out->uuid, now)) || (rc = store_commit(s)))
        goto rollback;
    return STORE_OK;
rollback:
    store_rollback(s);
fail:
    if (created)
        unlink(target);
    return rc;
}

int store_attachment_each(store *s, const char *event_uuid, int year, int (*fn)(const store_attachment *, void *),
                          void *ctx)
{
    static const char sql[] = "SELECT " ATTACH_COLS " FROM attachment t JOIN event e ON e.id = t.event_id "
                              "WHERE (?1 IS NOT NULL AND e.uuid = ?1) OR (?1 IS NULL AND (?2 = 0 OR "
                              "substr(e.start_local, 1, 4) = printf('%04d', ?2))) "
                              "ORDER BY e.start_local, e.uuid, t.kind, t.at, t.id";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), stop = 0;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "list attachments");
    store_bind_text(st, 1, event_uuid);
    sqlite3_bind_int(st, 2, year);
    store_attachment a;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_attachment(st, &a);
        stop = fn(&a, ctx);
    }
    sqlite3_finalize(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "list attachments");
}

struct verify_ctx {
    store *s;
    long n, bad;
    void (*fn)(const store_attachment *, int, void *);
    void *ctx;
    char first[512];
};

static int verify_one(const store_attachment *a, void *arg)
{
    struct verify_ctx *v = arg;
    char path[4200], hex[UTIL_SHA256_HEX];
    int64_t size = 0;
    int problem = 0;
    v->n++;
    store_attachment_file(v->s, a, path, sizeof path);
    if (hash_file(path, hex, &size) != 0)
        problem = STORE_ATTACH_MISSING;
    else if (strcmp(hex, a->sha256) != 0 || size != a->size)
        problem = STORE_ATTACH_ALTERED;
    if (!problem)
        return 0;
    if (!v->bad++)
        snprintf(v->first, sizeof v->first, "attachment %s (%s) of event %s: %s: %s", a->uuid, a->name,
                 a->event_id, path, problem == STORE_ATTACH_MISSING ? "missing" : "altered (hash differs)");
    if (v->fn)
        v->fn(a, problem, v->ctx);
    return 0;
}

int store_attachments_verify(store *s, long *checked, void (*bad)(const store_attachment *a, int problem, void *ctx),
                             void *ctx)
{
    struct verify_ctx v = {s, 0, 0, bad, ctx, ""};
    int rc = store_attachment_each(s, NULL, 0, verify_one, &v);
    if (checked)
        *checked = v.n;
    if (rc)
        return rc;
    return v.bad ? store_fail(s, STORE_INVALID, "%s", v.first) : STORE_OK;
}
