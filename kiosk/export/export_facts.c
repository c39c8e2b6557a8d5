/* export_facts.c — what every export shares (see export_facts.h): hashing
 * streams, atomic output files, local time, the facts each document states
 * about itself, the rows of the lists (from the store's read-only walks),
 * and the signed fingerprint of a list. The writers (export_sheets.c,
 * export_canon.c, export_tab.c, export_pdf.c, export_list.c, export_ind.c)
 * build on this file and never on export.c, which only dispatches to them. */
#define _GNU_SOURCE /* fopencookie: a stdio stream that hashes what it writes */
#include "export.h"
#include "export_facts.h"
#include "export_labels.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base45.h"
#include "keys.h"
#include "text.h"
#include "util.h"

/* ---- hashing streams ---- */

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    export_sink *k = cookie;
    if (k->err) {
        errno = k->err;
        return -1;
    }
    crypto_hash_sha256_update(&k->h, (const unsigned char *)buf, n);
    for (size_t off = 0; k->fd >= 0 && off < n;) {
        ssize_t w = write(k->fd, buf + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            k->err = w < 0 ? errno : EIO;
            errno = k->err;
            return -1;
        }
        off += (size_t)w;
    }
    return (ssize_t)n;
}

int export_sink_open(export_sink *k, int fd)
{
    static const cookie_io_functions_t io = {.write = sink_write};
    memset(k, 0, sizeof *k);
    crypto_hash_sha256_init(&k->h);
    k->fd = fd;
    k->f = fopencookie(k, "w", io);
    if (!k->f)
        return -1;
    setvbuf(k->f, NULL, _IOFBF, 1 << 20);
    return 0;
}

int export_sink_digest(export_sink *k, unsigned char sha[32])
{
    if (!k->f || fflush(k->f) != 0 || ferror(k->f) || k->err) {
        errno = k->err ? k->err : errno ? errno : EIO;
        return -1;
    }
    crypto_hash_sha256_state copy = k->h;
    crypto_hash_sha256_final(&copy, sha);
    return 0;
}

int export_sink_close(export_sink *k)
{
    int rc = 0;
    if (k->f) {
        if (fflush(k->f) != 0 || ferror(k->f) || k->err)
            rc = -1;
        if (fclose(k->f) != 0)
            rc = -1;
        k->f = NULL;
    }
    if (rc)
        errno = k->err ? k->err : errno ? errno : EIO;
    return rc;
}

/* ---- atomic output files ---- */

void export_io_error(const char *path, int e, char *err, size_t errlen)
{
    if (!err || !errlen)
        return;
    if (e == ENOSPC || e == EDQUOT || e == EFBIG)
        snprintf(err, errlen, "%s: cannot write: the disk is full (%s); nothing was written", path, strerror(e));
    else
        snprintf(err, errlen, "%s: cannot write: %s; nothing was written", path, strerror(e));
    util_one_line(err);
}

/* 1 if name is a temporary name export_file_open makes:
 * "<something>.(pdf|csv|xlsx|txt).tmp" + six letters or digits. */
static int is_export_tmp(const char *name)
{
    static const char *const ext[] = {".pdf.tmp", ".csv.tmp", ".xlsx.tmp", ".txt.tmp"};
    size_t n = strlen(name);
    if (n < 7 || strspn(name + n - 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != 6)
        return 0;
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t e = strlen(ext[i]);
        if (n > e + 6 && memcmp(name + n - 6 - e, ext[i], e) == 0)
            return 1;
    }
    return 0;
}

/* Removes dir/name when it is a leftover of ours: a regular file of this
 * user, mode 0600, that nobody holds locked. 1 when removed. */
static int sweep_one(int dfd, const char *name)
{
    struct stat st;
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int gone = 0;
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 07777) == 0600 &&
        flock(fd, LOCK_EX | LOCK_NB) == 0)
        gone = unlinkat(dfd, name, 0) == 0;
    close(fd);
    return gone;
}

int export_file_sweep(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (is_export_tmp(e->d_name))
            n += sweep_one(dirfd(d), e->d_name);
    closedir(d);
    return n;
}

int export_file_open(export_file *o, const char *path, int hashed, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (!path || !*path || util_strlcpy(o->path, path, sizeof o->path) != 0) {
        snprintf(err, errlen, "export: missing or too long output path");
        return -1;
    }
    export_file_sweep(path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmpXXXXXX", path);
    int fd = mkstemp(o->tmp); /* mode 0600 */
    if (fd < 0) {
        export_io_error(path, errno, err, errlen);
        o->tmp[0] = '\0';
        return -1;
    }
    o->fd = fd;
    /* Held until the file is renamed or removed: a sweep by another export
     * never takes a file that is being written. */
    flock(fd, LOCK_EX);
    int dup_fd = hashed ? -1 : dup(fd);
    if (hashed ? export_sink_open(&o->sink, fd) != 0 : (dup_fd < 0 || !(o->f = fdopen(dup_fd, "wb")))) {
        int e = errno;
        if (dup_fd >= 0)
            close(dup_fd);
        export_file_abort(o);
        export_io_error(path, e, err, errlen);
        return -1;
    }
    if (hashed) {
        o->hashed = 1;
        o->f = o->sink.f;
    } else {
        setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    }
    return 0;
}

/* Closes o->f (the sink's or a plain stream). 0, or -1 with errno. */
static int close_stream(export_file *o)
{
    int rc = 0;
    if (o->hashed) {
        rc = export_sink_close(&o->sink);
    } else if (o->f) {
        if (fflush(o->f) != 0 || ferror(o->f))
            rc = -1;
        int e = errno;
        if (fclose(o->f) != 0 && rc == 0)
            rc = -1;
        else
            errno = e;
    }
    o->f = NULL;
    o->hashed = 0;
    return rc;
}

int export_file_commit(export_file *o, char *err, size_t errlen)
{
    int rc = 0, e = 0;
    errno = 0;
    if (close_stream(o) != 0) {
        rc = -1;
        e = errno ? errno : EIO;
    } else if (o->fd >= 0 && fsync(o->fd) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && rename(o->tmp, o->path) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0) {
        unlink(o->tmp);
        export_io_error(o->path, e, err, errlen);
    }
    o->tmp[0] = '\0';
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    return rc;
}

void export_file_abort(export_file *o)
{
    close_stream(o);
    if (o->tmp[0]) {
        unlink(o->tmp);
        o->tmp[0] = '\0';
    }
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
}

/* ---- time ---- */

void export_localtime(export_clock *k, const char *tz, int64_t t, struct tm *out)
{
    int64_t hour = t >= 0 ? t / 3600 : (t - 3599) / 3600;
    for (int i = 0; i < k->n; i++) {
        if (k->slot[i].hour == hour && strcmp(k->slot[i].tz, tz) == 0) {
            time_t lt = (time_t)(t + k->slot[i].off);
            gmtime_r(&lt, out);
            out->tm_isdst = -1;
            return;
        }
    }
    /* Zone offsets change on whole hours for every zone this program meets
     * (Mexico), so one conversion per zone and hour is exact. */
    util_utc_to_local(tz, t, out);
    struct tm copy = *out;
    long off = (long)((int64_t)timegm(&copy) - t);
    int i = k->n < 8 ? k->n++ : (k->next++ % 8);
    util_strlcpy(k->slot[i].tz, tz, sizeof k->slot[i].tz);
    k->slot[i].hour = hour;
    k->slot[i].off = off;
}

const char *export_month_name(int month)
{
    static const char *const names[] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                        "agosto", "septiembre", "octubre", "noviembre", "diciembre"};
    return month >= 1 && month <= 12 ? names[month - 1] : "";
}

void export_long_date(const char *ymd, char *out, size_t outlen)
{
    int y, m, d;
    if (ymd && sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12)
        snprintf(out, outlen, "%d de %s de %d", d, export_month_name(m), y);
    else
        snprintf(out, outlen, "%s", ymd ? ymd : "");
}

/* ---- facts shared by documents ---- */

void export_audit_check(store *s, export_audit *a)
{
    memset(a, 0, sizeof *a);
    a->ok = store_audit_verify(s, &a->entries) == STORE_OK;
    if (!a->ok)
        util_strlcpy(a->detail, store_errmsg(s), sizeof a->detail);
}

void export_audit_text(const export_audit *a, char *out, size_t outlen)
{
    if (a->ok)
        snprintf(out, outlen, "Cadena de auditoría verificada: %ld entradas íntegras.", a->entries);
    else
        snprintf(out, outlen, "Cadena de auditoría NO verificada: hay registros alterados o eliminados (%s).",
                 a->detail);
}

void export_institution(store *s, const config *c, char *out, size_t outlen)
{
    if (store_meta_get(s, "institution", out, outlen) != STORE_OK || !out[0])
        util_strlcpy(out, c ? c->institution : "", outlen);
}

void export_unit_tz(store *s, const config *c, const char *unit, char *out, size_t outlen)
{
    store_unit u;
    const config_unit *cu;
    if (unit && store_unit_get(s, unit, &u) == STORE_OK && u.timezone[0])
        util_strlcpy(out, u.timezone, outlen);
    else if (unit && c && (cu = config_find_unit(c, unit)) && cu->timezone[0])
        util_strlcpy(out, cu->timezone, outlen);
    else
        util_strlcpy(out, CK_DEFAULT_TZ, outlen);
}

void export_facts_fill(store *s, const config *c, const char *tz, int64_t now, export_facts *f)
{
    char when[64], date[64], ymd[16];
    export_institution(s, c, f->inst, sizeof f->inst);
    util_format_time(tz, now, "%Y-%m-%d", ymd, sizeof ymd);
    util_format_time(tz, now, "%H:%M", when, sizeof when);
    export_long_date(ymd, date, sizeof date);
    char zone[160];
    export_tz_text(tz, zone, sizeof zone); /* "Horas en tiempo del centro de México": the words after "Horas en " */
    snprintf(f->exported, sizeof f->exported, "Exportado el %s a las %s h (%s) · quiosco %s · cepci-kiosk", date,
             when, zone + 9, store_kiosk_id(s));
    export_audit_check(s, &f->audit);
    export_audit_text(&f->audit, f->audit_line, sizeof f->audit_line);
    /* The chain head as exported, signed by the kiosk key (only for a
     * chain that verified): whoever keeps the document can later show that
     * the database still holds it (audit verify --head). */
    store_signed_head h;
    f->head_line[0] = '\0';
    if (f->audit.ok && store_audit_sign_head(s, "export", now, &h) == STORE_OK) {
        char text[STORE_HEAD_TEXT_MAX];
        store_head_text(&h, text, sizeof text);
        snprintf(f->head_line, sizeof f->head_line, "Cabeza firmada de la cadena: %s", text);
    }
    if (f->audit.ok)
        snprintf(f->audit_short, sizeof f->audit_short, "Cadena de auditoría: verificada (%ld entradas)",
                 f->audit.entries);
    else
        snprintf(f->audit_short, sizeof f->audit_short,
                 "Cadena de auditoría: NO VERIFICADA — registros alterados o eliminados");
}

/* "Given Surname1 Surname2", leaving out empty parts' separators. */
static void full_name(char *out, size_t outlen, const char *given, const char *surname1, const char *surname2)
{
    snprintf(out, outlen, "%s%s%s%s%s", given, *given ? " " : "", surname1, *surname2 ? " " : "", surname2);
}

/* ---- attendance rows ---- */

struct att_each {
    int (*fn)(const export_att_row *, void *);
    void *ctx;
    int n;
};

static int att_row(const store_att_row *a, void *arg)
{
    struct att_each *w = arg;
    char name[STORE_FULLNAME_LEN];
    export_att_row r;
    memset(&r, 0, sizeof r);
    r.n = ++w->n;
    r.uuid = a->uuid;
    r.folio = a->folio;
    r.at = a->at;
    r.method = a->method;
    r.kiosk = a->kiosk_id;
    r.employee_no = a->employee_no;
    r.guest = strcmp(r.method, "guest") == 0;
    r.snapshot = a->snapshot;
    if (r.guest)
        util_strlcpy(name, a->guest_name, sizeof name);
    else
        full_name(name, sizeof name, a->given_name, a->surname1, a->surname2);
    r.name = name;
    r.unit = a->unit;
    r.area = a->area;
    r.position = a->position;
    r.sig = a->sig;
    r.siglen = a->siglen;
    r.repeated = a->repeated;
    return w->fn(&r, w->ctx);
}

int export_att_each(store *s, const store_event *ev, int want_sig,
                    int (*fn)(const export_att_row *, void *), void *ctx)
{
    struct att_each w = {fn, ctx, 0};
    int rc = store_att_rows(s, ev->id, want_sig, att_row, &w);
    return rc < 0 ? STORE_ERROR : rc;
}

/* ---- pledge rows ---- */

struct pledge_each {
    int (*fn)(const export_pledge_row *, void *);
    void *ctx;
    export_clock *clock;
    int year, n;
};

static int pledge_row(const store_pledge_row *p, void *arg)
{
    struct pledge_each *w = arg;
    char name[STORE_FULLNAME_LEN];
    export_pledge_row r;
    memset(&r, 0, sizeof r);
    r.at = p->at;
    r.tz = p->tz;
    if (w->year) {
        struct tm tm;
        export_localtime(w->clock, r.tz, r.at, &tm);
        if (tm.tm_year + 1900 > w->year)
            return 0;
    }
    r.n = ++w->n;
    r.snapshot = p->snapshot;
    r.uuid = p->uuid;
    r.folio = p->folio;
    r.method = p->method;
    r.kiosk = p->kiosk_id;
    r.employee_no = p->employee_no;
    full_name(name, sizeof name, p->given_name, p->surname1, p->surname2);
    r.name = name;
    r.unit = p->unit;
    r.unit_name = p->unit_name;
    r.area = p->area;
    r.position = p->position;
    r.carta = p->carta;
    r.privacy = p->privacy;
    r.has_sig = p->has_sig;
    return w->fn(&r, w->ctx);
}

int export_pledge_each(store *s, int year, export_clock *k,
                       int (*fn)(const export_pledge_row *, void *), void *ctx)
{
    struct pledge_each w = {fn, ctx, k, year, 0};
    /* Coarse bound in SQL (end of year UTC plus the widest offset), exact
     * year in each signer's zone in pledge_row. */
    struct tm lim = {.tm_year = year + 1 - 1900, .tm_mon = 0, .tm_mday = 1};
    int rc = store_pledge_rows(s, year ? (int64_t)timegm(&lim) + 14 * 3600 : 0, pledge_row, &w);
    return rc < 0 ? STORE_ERROR : rc;
}

/* ---- signed list fingerprints ---- */

/* Payload record, version 2 (integers big-endian):
 *
 *   off  size  field
 *     0    32  SHA-256 of the list's canonical CSV
 *    32     7  signing kiosk id (ASCII, Crockford base32)
 *    39     4  rows
 *    43     1  state (EXPORT_STATE_*)
 *    44        attendance: event UUID (16), start 'YYYY-MM-DD HH:MM' (16),
 *              unit (text), title (text); pledges: year (2, 0 = all)
 *     …        institution (text)
 *
 * A text is one length byte and at most EXPORT_FP_TEXT - 1 bytes of UTF-8
 * (longer ones are cut at a character boundary and end in "…"). The
 * Ed25519 signature (64 bytes) of tag (4 bytes) || record follows. */
#define FP1_BYTES (32 + 7 + crypto_sign_BYTES)
#define FP2_MAX (44 + 16 + 16 + 3 * EXPORT_FP_TEXT + crypto_sign_BYTES)

static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void export_key_fingerprint(const unsigned char pk[32], char hex[65])
{
    util_sha256_hex(pk, 32, hex);
}

/* Appends a text field; cut at a character boundary with "…" when long. */
static size_t put_text(unsigned char *p, const char *t)
{
    size_t n = strlen(t), max = EXPORT_FP_TEXT - 1;
    if (n <= max) {
        p[0] = (unsigned char)n;
        memcpy(p + 1, t, n);
        return n + 1;
    }
    n = text_utf8_floor(t, n, max - 3);
    memcpy(p + 1, t, n);
    memcpy(p + 1 + n, "\xE2\x80\xA6", 3);
    p[0] = (unsigned char)(n + 3);
    return n + 4;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static int parse_uuid(const char *u, unsigned char out[16])
{
    size_t bin = 0;
    if (strlen(u) != 36 || u[8] != '-' || u[13] != '-' || u[18] != '-' || u[23] != '-')
        return -1;
    return sodium_hex2bin(out, 16, u, 36, "-", &bin, NULL) == 0 && bin == 16 ? 0 : -1;
}

/* Serialises id into rec; returns the length or -1. */
static int encode_list(const export_list_id *id, const unsigned char sha[32], const char *kiosk, unsigned char *rec)
{
    size_t n = 0;
    memcpy(rec, sha, 32);
    memcpy(rec + 32, kiosk, 7);
    put_u32(rec + 39, (uint32_t)(id->rows < 0 ? 0 : id->rows));
    rec[43] = (unsigned char)id->state;
    n = 44;
    if (id->kind == EXPORT_FP_ATTENDANCE) {
        if (!id->ev || parse_uuid(id->ev->id, rec + n) != 0 || strlen(id->ev->start) != 16)
            return -1;
        n += 16;
        memcpy(rec + n, id->ev->start, 16);
        n += 16;
        n += put_text(rec + n, id->ev->unit);
        n += put_text(rec + n, id->ev->title);
    } else {
        rec[n++] = (unsigned char)(id->year >> 8);
        rec[n++] = (unsigned char)id->year;
    }
    n += put_text(rec + n, id->institution ? id->institution : "");
    return (int)n;
}

int export_sign_list(store *s, const char *db_path, const export_list_id *id, const unsigned char sha[32],
                     char *payload, size_t payload_len, char sig_hex[129], char key_hex[65], char *err,
                     size_t errlen)
{
    unsigned char sk[KEYS_SECRET_BYTES], msg[4 + FP2_MAX], bin[FP2_MAX];
    char b45[EXPORT_PAYLOAD_MAX];
    const char *kiosk = store_kiosk_id(s);
    const char *tag = id->kind == EXPORT_FP_ATTENDANCE ? "CKL2" : id->kind == EXPORT_FP_INDICATORS ? "CKI2" : "CKP2";
    int rc = -1;
    if (strlen(kiosk) != 7) {
        snprintf(err, errlen, "export: the database has no kiosk identity");
        return -1;
    }
    int n = encode_list(id, sha, kiosk, bin);
    if (n < 0) {
        snprintf(err, errlen, "export: cannot encode the list fingerprint (bad event id or date)");
        return -1;
    }
    if (keys_load_secret(db_path, sk, err, errlen) != 0)
        return -1;
    memcpy(msg, tag, 4);
    memcpy(msg + 4, bin, (size_t)n);
    crypto_sign_detached(bin + n, NULL, msg, 4 + (size_t)n, sk);
    sodium_bin2hex(sig_hex, 129, bin + n, crypto_sign_BYTES);
    export_key_fingerprint(sk + 32, key_hex); /* an Ed25519 secret key ends with its public key */
    if (base45_encode(bin, (size_t)n + crypto_sign_BYTES, b45, sizeof b45) == 0 ||
        (size_t)snprintf(payload, payload_len, "%s:%s", tag, b45) >= payload_len) {
        snprintf(err, errlen, "export: cannot encode the list fingerprint (base45)");
        goto cleanup;
    }
    rc = 0;
cleanup:
    sodium_memzero(sk, sizeof sk);
    return rc;
}

/* Reads a text field at p (avail bytes) into out[EXPORT_FP_TEXT]: valid
 * UTF-8 without control characters. Its size, or -1. */
static int get_text(const unsigned char *p, size_t avail, char *out)
{
    if (avail < 1 || p[0] >= EXPORT_FP_TEXT || (size_t)p[0] + 1 > avail)
        return -1;
    memcpy(out, p + 1, p[0]);
    out[p[0]] = '\0';
    if (!util_utf8_valid(out, p[0]) || util_has_control(out))
        return -1;
    return p[0] + 1;
}

/* Decodes a version 2 record of len bytes into out. 0 or -1. */
static int decode_list(int kind, const unsigned char *rec, size_t len, export_fingerprint *out)
{
    size_t n = 44;
    int t;
    if (len < n + 3)
        return -1;
    out->rows = (long)((uint32_t)rec[39] << 24 | (uint32_t)rec[40] << 16 | (uint32_t)rec[41] << 8 | rec[42]);
    out->state = rec[43];
    if (out->state > EXPORT_STATE_CLOSED || (kind != EXPORT_FP_ATTENDANCE && out->state == EXPORT_STATE_DRAFT))
        return -1;
    if (kind == EXPORT_FP_ATTENDANCE) {
        if (len < n + 32)
            return -1;
        static const char hx[] = "0123456789abcdef";
        size_t o = 0;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10)
                out->event_id[o++] = '-';
            out->event_id[o++] = hx[rec[n + i] >> 4];
            out->event_id[o++] = hx[rec[n + i] & 15];
        }
        out->event_id[o] = '\0';
        n += 16;
        memcpy(out->event_start, rec + n, 16);
        out->event_start[16] = '\0';
        struct tm tm;
        if (util_parse_local(out->event_start, &tm) != 0)
            return -1;
        n += 16;
        char unit[EXPORT_FP_TEXT];
        if ((t = get_text(rec + n, len - n, unit)) < 0 || (size_t)t > sizeof out->event_unit ||
            (t > 1 && !util_is_token(unit)))
            return -1;
        memcpy(out->event_unit, unit, (size_t)t);
        n += (size_t)t;
        if ((t = get_text(rec + n, len - n, out->event_title)) < 0)
            return -1;
        n += (size_t)t;
    } else {
        out->year = rec[n] << 8 | rec[n + 1];
        if (out->year != 0 && (out->year < 1970 || out->year > 9999))
            return -1;
        n += 2;
    }
    if ((t = get_text(rec + n, len - n, out->institution)) < 0)
        return -1;
    return n + (size_t)t == len ? 0 : -1;
}

/* export_fingerprint_verify with the public key from s, or, with s NULL,
 * the key given (the evidence package's: verify --package needs no
 * database). */
static int fingerprint_verify(store *s, const unsigned char given_pk[32], const char *payload, export_fingerprint *out,
                              char *err, size_t errlen);

int export_fingerprint_verify(store *s, const char *payload, export_fingerprint *out, char *err, size_t errlen)
{
    return fingerprint_verify(s, NULL, payload, out, err, errlen);
}

int export_fingerprint_verify_key(const unsigned char pk[32], const char *payload, export_fingerprint *out, char *err,
                                  size_t errlen)
{
    return fingerprint_verify(NULL, pk, payload, out, err, errlen);
}

static int fingerprint_verify(store *s, const unsigned char given_pk[32], const char *payload, export_fingerprint *out,
                              char *err, size_t errlen)
{
    unsigned char bin[FP2_MAX + 8], msg[4 + FP2_MAX], pk[32];
    size_t n = 0;
    char tag[5] = "", kiosk[STORE_KIOSK_ID_LEN];
    export_fingerprint fp;
    memset(&fp, 0, sizeof fp);
    if (!payload || strlen(payload) < 6 || payload[4] != ':') {
        snprintf(err, errlen, "not a list fingerprint (expected CKL2:… or CKP2:…)");
        return -1;
    }
    memcpy(tag, payload, 4);
    if (strcmp(tag, "CKL1") == 0 || strcmp(tag, "CKL2") == 0)
        fp.kind = EXPORT_FP_ATTENDANCE;
    else if (strcmp(tag, "CKP1") == 0 || strcmp(tag, "CKP2") == 0)
        fp.kind = EXPORT_FP_PLEDGES;
    else if (strcmp(tag, "CKI2") == 0)
        fp.kind = EXPORT_FP_INDICATORS;
    else {
        snprintf(err, errlen, "not a list fingerprint (unknown prefix %s)", tag);
        util_one_line(err);
        return -1;
    }
    fp.version = tag[3] - '0';
    if (base45_decode(payload + 5, bin, sizeof bin, &n) != 0 ||
        (fp.version == 1 ? n != FP1_BYTES : n < 44 + crypto_sign_BYTES)) {
        snprintf(err, errlen, "list fingerprint is malformed or truncated");
        return -1;
    }
    size_t reclen = n - crypto_sign_BYTES;
    memcpy(kiosk, bin + 32, 7);
    kiosk[7] = '\0';
    for (int i = 0; i < 7; i++) {
        if (!kiosk[i] || !strchr(CROCKFORD, kiosk[i])) {
            snprintf(err, errlen, "list fingerprint is malformed (bad kiosk id)");
            return -1;
        }
    }
    if (given_pk)
        memcpy(pk, given_pk, sizeof pk);
    else if (store_key_get(s, kiosk, pk) != STORE_OK) {
        snprintf(err, errlen, "list fingerprint signed by kiosk %s, whose public key is unknown here", kiosk);
        return -1;
    }
    memcpy(msg, tag, 4);
    memcpy(msg + 4, bin, fp.version == 1 ? 39 : reclen);
    if (crypto_sign_verify_detached(bin + (fp.version == 1 ? 39 : reclen), msg, 4 + (fp.version == 1 ? 39 : reclen),
                                    pk) != 0) {
        snprintf(err, errlen, "list fingerprint signature is NOT valid: the payload was altered or forged");
        return -1;
    }
    if (fp.version == 2 && decode_list(fp.kind, bin, reclen, &fp) != 0) {
        snprintf(err, errlen, "list fingerprint is malformed (bad fields)");
        return -1;
    }
    sodium_bin2hex(fp.sha256, sizeof fp.sha256, bin, 32);
    util_strlcpy(fp.kiosk_id, kiosk, sizeof fp.kiosk_id);
    export_key_fingerprint(pk, fp.key_sha256);
    if (out)
        *out = fp;
    return 0;
}
