/* export.c — evidence exports (SPEC "Evidence exports"): dispatch by format,
 * atomic output files, the data queries behind every export, the signed
 * fingerprint of a list, and the CSV/XLSX tables of attendance and pledges.
 *
 * How an export is made: the rows come from the store's read-only walks
 * (export_att_each / export_pledge_each stream them, so a 100,000-row table
 * never sits in memory); a writer (export_tab.c for CSV/XLSX,
 * export_pdf.c / export_ind.c for PDF) puts them into a temporary file
 * created with mkstemp (mode 0600) beside the target, which is fsync'd and
 * renamed into place only when complete. Any failure removes the temporary
 * file and leaves one line in err. */
#include "export.h"
#include "export_int.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base45.h"
#include "indicators.h"
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
        util_strlcpy(out, "America/Mexico_City", outlen);
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
    char name[400];
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
    char name[400];
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

/* ---- tables: attendance ---- */

/* Data tables do not walk the audit chain (on a large database that costs
 * seconds, see the report); the PDF documents do and state the result. */
#define EXPORT_AUDIT_NOTE "no verificada en esta exportación; la verifican los PDF y «cepci-kiosk audit verify»"

static const char *method_label(const char *m)
{
    if (strcmp(m, "badge") == 0) return "gafete";
    if (strcmp(m, "number") == 0) return "número de empleado";
    if (strcmp(m, "search") == 0) return "búsqueda por nombre";
    if (strcmp(m, "guest") == 0) return "invitado(a)";
    if (strcmp(m, "keyed") == 0) return "lista en papel";
    if (strcmp(m, "kiosk") == 0) return "quiosco";
    return m;
}

struct att_tab {
    export_table *t;
    export_clock clock;
    char tz[64];
    const char *event_id;
    int staff, guests, keyed;
};

static int att_tab_row(const export_att_row *r, void *arg)
{
    struct att_tab *a = arg;
    export_cell c[13];
    memset(c, 0, sizeof c);
    c[0].i = r->n;
    c[1].s = r->employee_no;
    c[2].s = r->name;
    c[3].s = r->unit;
    c[4].s = r->area;
    c[5].s = r->position;
    export_localtime(&a->clock, a->tz, r->at, &c[6].tm);
    c[7].s = method_label(r->method);
    c[8].s = r->guest ? "invitado(a)" : "personal";
    c[9].s = r->sig ? "sí" : "no";
    c[10].s = r->folio;
    c[11].s = r->kiosk;
    c[12].s = r->uuid;
    a->guests += r->guest;
    a->staff += !r->guest;
    a->keyed += strcmp(r->method, "keyed") == 0;
    return export_table_row(a->t, c) ? 1 : 0;
}

static int attendance_table(store *s, const config *c, const store_event *ev, const char *format,
                            const char *path, int64_t now, char *err, size_t errlen)
{
    static const export_col cols[] = {
        {"no", EXPORT_INT, 5},          {"numero_empleado", EXPORT_TEXT, 16}, {"nombre", EXPORT_TEXT, 36},
        {"unidad", EXPORT_TEXT, 9},     {"area", EXPORT_TEXT, 28},            {"puesto", EXPORT_TEXT, 28},
        {"fecha_hora", EXPORT_TIME, 17}, {"metodo", EXPORT_TEXT, 18},         {"tipo", EXPORT_TEXT, 11},
        {"firma", EXPORT_TEXT, 6},      {"folio", EXPORT_TEXT, 14},           {"kiosco", EXPORT_TEXT, 9},
        {"registro_uuid", EXPORT_TEXT, 38},
    };
    struct att_tab a;
    memset(&a, 0, sizeof a);
    export_unit_tz(s, c, ev->unit, a.tz, sizeof a.tz);
    a.event_id = ev->id;
    a.t = export_table_begin(format, path, "Asistencia", cols, (int)(sizeof cols / sizeof *cols), err, errlen);
    if (!a.t)
        return -1;
    int rc = export_att_each(s, ev, 1, att_tab_row, &a);
    if (rc) {
        if (rc == STORE_ERROR)
            snprintf(err, errlen, "cannot read the attendance list: %s", store_errmsg(s));
        else
            export_io_error(path, errno ? errno : EIO, err, errlen);
        export_table_end(a.t, 0, NULL, 0);
        return -1;
    }
    if (strcmp(format, "xlsx") == 0) {
        char inst[256], when[64], staff[32], guests[32], total[32], date[64];
        export_institution(s, c, inst, sizeof inst);
        util_format_time(a.tz, now, "%Y-%m-%d %H:%M", when, sizeof when);
        export_long_date(ev->start, date, sizeof date);
        snprintf(staff, sizeof staff, "%d", a.staff);
        snprintf(guests, sizeof guests, "%d", a.guests);
        snprintf(total, sizeof total, "%d", a.staff + a.guests);
        const char *head[] = {"campo", "valor"};
        const char *kv[][2] = {
            {"Institución", inst},       {"Comité", c->committee},
            {"Documento", "Lista de asistencia"},
            {"Evento", ev->title},       {"Tipo", ev->kind},
            {"Temas", ev->topics},       {"Clave PAT", ev->pat},
            {"Fecha", date},             {"Inicio", ev->start},
            {"Fin", ev->end},            {"Lugar", ev->place},
            {"Unidad", ev->unit},        {"Instructor(a)", ev->instructor},
            {"Firma requerida", ev->signature ? "sí" : "no"},
            {"Evento id", ev->id},
            {"Personas servidoras públicas", staff},
            {"Invitados(as) (no cuentan)", guests},
            {"Total de registros", total},
            {"Exportado", when},         {"Zona horaria", a.tz},
            {"Cadena de auditoría", EXPORT_AUDIT_NOTE},
        };
        if (export_table_sheet(a.t, "Evento", head, 2) != 0)
            rc = -1;
        for (size_t i = 0; !rc && i < sizeof kv / sizeof *kv; i++)
            rc = export_table_sheet_row(a.t, kv[i], 2);
        if (rc) {
            export_io_error(path, EIO, err, errlen);
            export_table_end(a.t, 0, NULL, 0);
            return -1;
        }
    }
    return export_table_end(a.t, 1, err, errlen);
}

/* ---- tables: pledges ---- */

struct pledge_tab {
    export_table *t;
    export_clock *clock;
    int n;
};

static int pledge_tab_row(const export_pledge_row *r, void *arg)
{
    struct pledge_tab *p = arg;
    export_cell c[14];
    char ver[16];
    memset(c, 0, sizeof c);
    snprintf(ver, sizeof ver, "%.12s", r->carta);
    c[0].i = r->n;
    c[1].s = r->employee_no;
    c[2].s = r->name;
    c[3].s = r->unit;
    c[4].s = r->unit_name;
    c[5].s = r->area;
    c[6].s = r->position;
    export_localtime(p->clock, r->tz, r->at, &c[7].tm);
    c[8].s = ver;
    c[9].s = strcmp(r->method, "keyed") == 0 ? "carta en papel" : "quiosco";
    c[10].s = r->has_sig ? "sí" : "no";
    c[11].s = r->folio;
    c[12].s = r->kiosk;
    c[13].s = r->carta;
    p->n++;
    return export_table_row(p->t, c) ? 1 : 0;
}

static int pledges_table(store *s, const config *c, int year, const char *format, const char *path, int64_t now,
                         char *err, size_t errlen)
{
    static const export_col cols[] = {
        {"no", EXPORT_INT, 7},               {"numero_empleado", EXPORT_TEXT, 16},
        {"nombre", EXPORT_TEXT, 36},         {"unidad", EXPORT_TEXT, 9},
        {"nombre_unidad", EXPORT_TEXT, 26},  {"area", EXPORT_TEXT, 26},
        {"puesto", EXPORT_TEXT, 26},         {"fecha_hora", EXPORT_TIME, 17},
        {"version_carta", EXPORT_TEXT, 15},  {"medio", EXPORT_TEXT, 15},
        {"firma", EXPORT_TEXT, 6},           {"folio", EXPORT_TEXT, 14},
        {"kiosco", EXPORT_TEXT, 9},          {"carta_sha256", EXPORT_TEXT, 66},
    };
    export_clock clock;
    memset(&clock, 0, sizeof clock);
    struct pledge_tab p = {NULL, &clock, 0};
    p.t = export_table_begin(format, path, "Firmantes", cols, (int)(sizeof cols / sizeof *cols), err, errlen);
    if (!p.t)
        return -1;
    int rc = export_pledge_each(s, year, &clock, pledge_tab_row, &p);
    if (rc) {
        if (rc == STORE_ERROR)
            snprintf(err, errlen, "cannot read the pledges: %s", store_errmsg(s));
        else
            export_io_error(path, errno ? errno : EIO, err, errlen);
        export_table_end(p.t, 0, NULL, 0);
        return -1;
    }
    if (strcmp(format, "xlsx") == 0) {
        /* Summary per unit (IV.3) and the document's facts. */
        indicators ind;
        char tz[64];
        export_unit_tz(s, c, c->unit, tz, sizeof tz);
        int iy = year;
        if (!iy) {
            struct tm tm;
            util_utc_to_local(tz, now, &tm);
            iy = tm.tm_year + 1900;
        }
        if (indicators_compute(s, c, iy, &ind) != STORE_OK) {
            snprintf(err, errlen, "cannot compute the indicators: %s", store_errmsg(s));
            export_table_end(p.t, 0, NULL, 0);
            return -1;
        }
        const char *head[] = {"unidad", "nombre", "personal", "firmantes", "porcentaje_firmantes", "meta"};
        char staff[32], pl[32], pct[32], goal[32];
        rc = export_table_sheet(p.t, "Resumen por unidad", head, 6);
        snprintf(goal, sizeof goal, "%.2f", ind.goal_pledged);
        for (int i = 0; !rc && i <= ind.nunits; i++) {
            int tot = i == ind.nunits;
            const ind_unit *u = tot ? NULL : &ind.units[i];
            snprintf(staff, sizeof staff, "%d", tot ? ind.staff : u->staff);
            snprintf(pl, sizeof pl, "%d", tot ? ind.pledged : u->pledged);
            snprintf(pct, sizeof pct, "%.2f", tot ? ind.pledged_pct : u->pledged_pct);
            const char *row[] = {tot ? "TOTAL" : u->code, tot ? "Todas las unidades" : u->name, staff, pl, pct, goal};
            rc = export_table_sheet_row(p.t, row, 6);
        }
        indicators_free(&ind);
        char inst[256], when[64], yr[64], n[32];
        export_institution(s, c, inst, sizeof inst);
        util_format_time(tz, now, "%Y-%m-%d %H:%M", when, sizeof when);
        if (year)
            snprintf(yr, sizeof yr, "firmas hasta el 31 de diciembre de %d", year);
        else
            snprintf(yr, sizeof yr, "todas las firmas");
        snprintf(n, sizeof n, "%d", p.n);
        const char *ihead[] = {"campo", "valor"};
        const char *kv[][2] = {
            {"Institución", inst}, {"Comité", c->committee}, {"Documento", "Base de datos de firmantes de la Carta Compromiso"},
            {"Periodo", yr}, {"Firmantes", n}, {"Indicadores del año", NULL}, {"Exportado", when},
            {"Cadena de auditoría", EXPORT_AUDIT_NOTE},
        };
        char iys[16];
        snprintf(iys, sizeof iys, "%d", iy);
        kv[5][1] = iys;
        if (!rc)
            rc = export_table_sheet(p.t, "Información", ihead, 2);
        for (size_t i = 0; !rc && i < sizeof kv / sizeof *kv; i++)
            rc = export_table_sheet_row(p.t, kv[i], 2);
        if (rc) {
            export_io_error(path, EIO, err, errlen);
            export_table_end(p.t, 0, NULL, 0);
            return -1;
        }
    }
    return export_table_end(p.t, 1, err, errlen);
}

/* ---- public entry points ---- */

static int bad_format(const char *format, const char *allowed, char *err, size_t errlen)
{
    snprintf(err, errlen, "export: unknown format '%s' (use %s)", format ? format : "", allowed);
    return -1;
}

int export_attendance(store *s, const config *c, const char *db_path, const char *event_id,
                      const char *format, const char *path, int64_t now, char *err, size_t errlen)
{
    store_event ev;
    if (!format || (strcmp(format, "pdf") && strcmp(format, "csv") && strcmp(format, "xlsx")))
        return bad_format(format, "pdf, csv or xlsx", err, errlen);
    if (store_event_get(s, event_id ? event_id : "", &ev) != STORE_OK) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    if (strcmp(format, "pdf") == 0)
        return export_attendance_pdf(s, c, db_path, &ev, path, now, err, errlen);
    return attendance_table(s, c, &ev, format, path, now, err, errlen);
}

int export_pledges(store *s, const config *c, const char *db_path, int year, const char *format,
                   const char *path, int64_t now, char *err, size_t errlen)
{
    if (!format || (strcmp(format, "pdf") && strcmp(format, "csv") && strcmp(format, "xlsx")))
        return bad_format(format, "pdf, csv or xlsx", err, errlen);
    if (year < 0 || year > 9999) {
        snprintf(err, errlen, "export: bad year %d", year);
        return -1;
    }
    if (strcmp(format, "pdf") == 0)
        return export_pledges_pdf(s, c, db_path, year, path, now, err, errlen);
    return pledges_table(s, c, year, format, path, now, err, errlen);
}

int export_indicators(store *s, const config *c, const char *db_path, int year, const char *format,
                      const char *path, int64_t now, char *err, size_t errlen)
{
    (void)db_path;
    if (!format || (strcmp(format, "pdf") && strcmp(format, "csv")))
        return bad_format(format, "pdf or csv", err, errlen);
    if (year < 1970 || year > 9999) {
        snprintf(err, errlen, "export: bad year %d", year);
        return -1;
    }
    if (strcmp(format, "pdf") == 0)
        return export_indicators_pdf(s, c, year, path, now, err, errlen);
    indicators ind;
    export_file o;
    if (indicators_compute(s, c, year, &ind) != STORE_OK) {
        snprintf(err, errlen, "cannot compute the indicators: %s", store_errmsg(s));
        return -1;
    }
    int rc = export_file_open(&o, path, err, errlen);
    if (rc == 0) {
        if (indicators_write(&ind, "csv", o.f) != 0) {
            export_io_error(path, errno ? errno : EIO, err, errlen);
            export_file_abort(&o);
            rc = -1;
        } else {
            rc = export_file_commit(&o, err, errlen);
        }
    }
    indicators_free(&ind);
    return rc;
}
