/* export_facts.c — what every export shares (see export_facts.h): atomic
 * output files, local time, the facts each document states about itself,
 * the rows of the lists (from the store's read-only walks), and the signed
 * fingerprint of a list. The writers (export_sheets.c, export_tab.c,
 * export_pdf.c, export_ind.c) build on this file and never on export.c,
 * which only dispatches to them. */
#include "export.h"
#include "export_facts.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base45.h"
#include "keys.h"
#include "util.h"

/* ---- atomic output files ---- */

void export_io_error(const char *path, int e, char *err, size_t errlen)
{
    if (e == ENOSPC || e == EDQUOT || e == EFBIG)
        snprintf(err, errlen, "%s: cannot write: the disk is full (%s); nothing was written", path, strerror(e));
    else
        snprintf(err, errlen, "%s: cannot write: %s; nothing was written", path, strerror(e));
}

int export_file_open(export_file *o, const char *path, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    if (!path || !*path || util_strlcpy(o->path, path, sizeof o->path) != 0) {
        snprintf(err, errlen, "export: missing or too long output path");
        return -1;
    }
    snprintf(o->tmp, sizeof o->tmp, "%s.tmpXXXXXX", path);
    int fd = mkstemp(o->tmp); /* mode 0600 */
    if (fd < 0) {
        export_io_error(path, errno, err, errlen);
        o->tmp[0] = '\0';
        return -1;
    }
    o->f = fdopen(fd, "wb");
    if (o->f)
        setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    if (!o->f) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        o->tmp[0] = '\0';
        export_io_error(path, e, err, errlen);
        return -1;
    }
    return 0;
}

int export_file_commit(export_file *o, char *err, size_t errlen)
{
    int rc = 0, e = 0;
    if (o->f) {
        if (fflush(o->f) != 0 || ferror(o->f)) {
            rc = -1;
            e = errno ? errno : EIO;
        } else if (fsync(fileno(o->f)) != 0) {
            rc = -1;
            e = errno;
        }
        if (fclose(o->f) != 0 && rc == 0) {
            rc = -1;
            e = errno;
        }
        o->f = NULL;
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
    return rc;
}

void export_file_abort(export_file *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp[0]) {
        unlink(o->tmp);
        o->tmp[0] = '\0';
    }
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
        util_strlcpy(out, c->institution, outlen);
}

void export_unit_tz(store *s, const config *c, const char *unit, char *out, size_t outlen)
{
    store_unit u;
    const config_unit *cu;
    if (unit && store_unit_get(s, unit, &u) == STORE_OK && u.timezone[0])
        util_strlcpy(out, u.timezone, outlen);
    else if (unit && (cu = config_find_unit(c, unit)) && cu->timezone[0])
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
    snprintf(f->exported, sizeof f->exported, "Exportado el %s a las %s h (%s) · quiosco %s · cepci-kiosk", date,
             when, tz, store_kiosk_id(s));
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

/* ---- canonical text and fingerprints ---- */

void export_canon_init(export_canon *h, const char *tag)
{
    crypto_hash_sha256_init(&h->state);
    h->first = 1;
    export_canon_field(h, tag);
    export_canon_end_row(h);
}

void export_canon_field(export_canon *h, const char *s)
{
    if (!h->first)
        crypto_hash_sha256_update(&h->state, (const unsigned char *)"|", 1);
    h->first = 0;
    const char *run = s;
    for (; *s; s++) {
        const char *esc = *s == '\\' ? "\\\\" : *s == '|' ? "\\|" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;
        if (!esc)
            continue;
        crypto_hash_sha256_update(&h->state, (const unsigned char *)run, (size_t)(s - run));
        crypto_hash_sha256_update(&h->state, (const unsigned char *)esc, 2);
        run = s + 1;
    }
    crypto_hash_sha256_update(&h->state, (const unsigned char *)run, (size_t)(s - run));
}

void export_canon_int(export_canon *h, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    export_canon_field(h, buf);
}

void export_canon_end_row(export_canon *h)
{
    crypto_hash_sha256_update(&h->state, (const unsigned char *)"\n", 1);
    h->first = 1;
}

void export_canon_final(export_canon *h, unsigned char sha[32])
{
    crypto_hash_sha256_final(&h->state, sha);
}

void export_canon_event(export_canon *h, const store_event *ev)
{
    const char *f[] = {"event", ev->id, ev->title, ev->kind, ev->topics, ev->unit, ev->start,
                       ev->end, ev->place, ev->instructor, ev->pat};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        export_canon_field(h, f[i]);
    export_canon_int(h, ev->signature);
    export_canon_end_row(h);
}

void export_canon_att_row(export_canon *h, const export_att_row *r)
{
    char sig[UTIL_SHA256_HEX] = "";
    if (r->sig)
        util_sha256_hex(r->sig, r->siglen, sig);
    export_canon_int(h, r->n);
    const char *f[] = {r->uuid, r->folio, r->method, r->employee_no, r->name, r->unit, r->area,
                       r->position, r->kiosk, sig};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        export_canon_field(h, f[i]);
    export_canon_int(h, r->at);
    export_canon_end_row(h);
}

#define FP_BYTES (32 + 7 + crypto_sign_BYTES)

/* The signed message: tag (4 bytes) || sha256 || kiosk id (7 bytes). */
static void fp_message(const char *tag, const unsigned char sha[32], const char *kiosk, unsigned char msg[43])
{
    memcpy(msg, tag, 4);
    memcpy(msg + 4, sha, 32);
    memcpy(msg + 36, kiosk, 7);
}

int export_sign(store *s, const char *db_path, const char *tag, const unsigned char sha[32],
                char *payload, size_t payload_len, char sig_hex[129], char *err, size_t errlen)
{
    unsigned char sk[KEYS_SECRET_BYTES], msg[43], bin[FP_BYTES];
    char b45[EXPORT_PAYLOAD_MAX];
    const char *kiosk = store_kiosk_id(s);
    int rc = -1;
    if (strlen(kiosk) != 7 || strlen(tag) != 4) {
        snprintf(err, errlen, "export: the database has no kiosk identity");
        return -1;
    }
    if (keys_load_secret(db_path, sk, err, errlen) != 0)
        return -1;
    fp_message(tag, sha, kiosk, msg);
    memcpy(bin, sha, 32);
    memcpy(bin + 32, kiosk, 7);
    crypto_sign_detached(bin + 39, NULL, msg, sizeof msg, sk);
    sodium_bin2hex(sig_hex, 129, bin + 39, crypto_sign_BYTES);
    if (base45_encode(bin, sizeof bin, b45, sizeof b45) == 0) {
        snprintf(err, errlen, "export: cannot encode the list fingerprint (base45)");
        goto cleanup;
    }
    snprintf(payload, payload_len, "%s:%s", tag, b45);
    rc = 0;
cleanup:
    sodium_memzero(sk, sizeof sk);
    return rc;
}

int export_fingerprint_verify(store *s, const char *payload, export_fingerprint *out, char *err, size_t errlen)
{
    unsigned char bin[FP_BYTES + 8], msg[43], pk[32];
    size_t n = 0;
    char tag[5] = "", kiosk[STORE_KIOSK_ID_LEN];
    int kind;
    if (!payload || strlen(payload) < 6 || payload[4] != ':') {
        snprintf(err, errlen, "not a list fingerprint (expected CKL1:… or CKP1:…)");
        return -1;
    }
    memcpy(tag, payload, 4);
    if (strcmp(tag, "CKL1") == 0)
        kind = EXPORT_FP_ATTENDANCE;
    else if (strcmp(tag, "CKP1") == 0)
        kind = EXPORT_FP_PLEDGES;
    else {
        snprintf(err, errlen, "not a list fingerprint (unknown prefix %s)", tag);
        return -1;
    }
    if (base45_decode(payload + 5, bin, sizeof bin, &n) != 0 || n != FP_BYTES) {
        snprintf(err, errlen, "list fingerprint is malformed or truncated");
        return -1;
    }
    memcpy(kiosk, bin + 32, 7);
    kiosk[7] = '\0';
    for (int i = 0; i < 7; i++) {
        if (!((kiosk[i] >= '0' && kiosk[i] <= '9') || (kiosk[i] >= 'A' && kiosk[i] <= 'Z'))) {
            snprintf(err, errlen, "list fingerprint is malformed (bad kiosk id)");
            return -1;
        }
    }
    if (store_key_get(s, kiosk, pk) != STORE_OK) {
        snprintf(err, errlen, "list fingerprint signed by kiosk %s, whose public key is unknown here", kiosk);
        return -1;
    }
    fp_message(tag, bin, kiosk, msg);
    if (crypto_sign_verify_detached(bin + 39, msg, sizeof msg, pk) != 0) {
        snprintf(err, errlen, "list fingerprint signature is NOT valid: the payload was altered or forged");
        return -1;
    }
    if (out) {
        out->kind = kind;
        sodium_bin2hex(out->sha256, sizeof out->sha256, bin, 32);
        util_strlcpy(out->kiosk_id, kiosk, sizeof out->kiosk_id);
    }
    return 0;
}

static int canon_row_cb(const export_att_row *r, void *ctx)
{
    export_canon_att_row(ctx, r);
    return 0;
}

int export_attendance_fingerprint(store *s, const char *event_id, char sha256_hex[65], char *err, size_t errlen)
{
    store_event ev;
    export_canon h;
    unsigned char sha[32];
    if (store_event_get(s, event_id, &ev) != STORE_OK) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    export_canon_init(&h, "CKL1");
    export_canon_event(&h, &ev);
    if (export_att_each(s, &ev, 1, canon_row_cb, &h) != 0) {
        snprintf(err, errlen, "cannot read the attendance list: %s", store_errmsg(s));
        return -1;
    }
    export_canon_final(&h, sha);
    sodium_bin2hex(sha256_hex, 65, sha, 32);
    return 0;
}
