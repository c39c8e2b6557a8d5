/* receipt.c — the signed QR payload, the receipt model and its renderings
 * (see receipt.h).
 *
 * Payload record, version 1 (all integers big-endian):
 *
 *   off  size  field
 *     0     1  version (1)
 *     1     1  type: 1 attendance, 2 pledge
 *     2    16  record UUID
 *    18     5  signing kiosk id (7 Crockford base32 digits = 35 bits)
 *    23     5  kiosk id of the folio (the kiosk that wrote the record)
 *    28     4  folio sequence number
 *    32     4  time of the record, Unix seconds (unsigned: until 2106)
 *    36  16|8  attendance: event UUID; pledge: first 8 bytes of the Carta's
 *              SHA-256
 *     …     1  employee number header: bit 7 set = packed six bits per
 *              character (alphabet EMP_ALPHABET), bits 0-6 = characters
 *              (0 for a guest); without bit 7 the characters follow raw
 *     …     n  employee number
 *
 * followed by the 64-byte Ed25519 signature of those bytes. An attendance of
 * an eight-digit employee number is 59 + 64 bytes = 189 characters with the
 * "CK1:" prefix: QR version 8 at level M holds 213 alphanumeric characters.
 * Base45 is canonical and the decoder strict, so any changed character
 * changes the bytes or breaks the decoding, and the signature fails. */
#include "receipt.h"

#include <cairo.h>
#include <errno.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base45.h"
#include "keys.h"
#include "printer.h"
#include "util.h"

#define PAYLOAD_PREFIX "CK1:"
#define REC_VERSION 1
#define REC_FIXED 36          /* bytes before the subject */
#define REC_MAX 160
#define SIG_BYTES 64

static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char EMP_ALPHABET[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

static int fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return -1;
}

/* ---- binary fields ---- */

/* Packs a 7-character Crockford kiosk id into 5 bytes. Returns 0 or -1. */
static int pack_kiosk(const char *id, uint8_t out[5])
{
    uint64_t v = 0;
    if (strlen(id) != STORE_KIOSK_ID_LEN - 1)
        return -1;
    for (int i = 0; i < STORE_KIOSK_ID_LEN - 1; i++) {
        const char *p = id[i] ? strchr(CROCKFORD, id[i]) : NULL;
        if (!p)
            return -1;
        v = v << 5 | (uint64_t)(p - CROCKFORD);
    }
    for (int i = 4; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
    return 0;
}

/* Unpacks 5 bytes into a kiosk id; -1 when the 5 spare high bits are set. */
static int unpack_kiosk(const uint8_t in[5], char out[STORE_KIOSK_ID_LEN])
{
    uint64_t v = 0;
    for (int i = 0; i < 5; i++)
        v = v << 8 | in[i];
    if (v >> 35)
        return -1;
    for (int i = STORE_KIOSK_ID_LEN - 2; i >= 0; i--, v >>= 5)
        out[i] = CROCKFORD[v & 31];
    out[STORE_KIOSK_ID_LEN - 1] = '\0';
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Parses n bytes of hex (no separators) from s. */
static int parse_hex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int h = hexval(s[2 * i]), l = h < 0 ? -1 : hexval(s[2 * i + 1]);
        if (l < 0)
            return -1;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

static int parse_uuid(const char *s, uint8_t out[16])
{
    char hex[33];
    size_t n = 0;
    if (strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return -1;
    for (const char *p = s; *p; p++)
        if (*p != '-')
            hex[n++] = *p;
    hex[n] = '\0';
    return n == 32 ? parse_hex(hex, out, 16) : -1;
}

static void format_uuid(const uint8_t in[16], char out[UTIL_UUID_LEN])
{
    static const char hx[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hx[in[i] >> 4];
        out[o++] = hx[in[i] & 15];
    }
    out[o] = '\0';
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Splits "KIOSKID-NNNNNN" into the packed kiosk id and the number. */
static int parse_folio(const char *folio, uint8_t kiosk[5], uint32_t *seq)
{
    char id[STORE_KIOSK_ID_LEN];
    const char *num = folio + STORE_KIOSK_ID_LEN;
    size_t nd = strlen(folio) > STORE_KIOSK_ID_LEN ? strlen(num) : 0;
    if (nd == 0 || nd > 10 || folio[STORE_KIOSK_ID_LEN - 1] != '-' || strspn(num, "0123456789") != nd ||
        strtoull(num, NULL, 10) > UINT32_MAX)
        return -1;
    memcpy(id, folio, STORE_KIOSK_ID_LEN - 1);
    id[STORE_KIOSK_ID_LEN - 1] = '\0';
    *seq = (uint32_t)strtoul(num, NULL, 10);
    return pack_kiosk(id, kiosk);
}

/* Appends the employee number field at p; returns its size or -1. */
static int put_employee(const char *emp, uint8_t *p, size_t room)
{
    size_t n = strlen(emp), need;
    int packable = n > 0; /* an empty number (a guest) is written unpacked */
    for (size_t i = 0; i < n; i++)
        if (!emp[i] || !strchr(EMP_ALPHABET, emp[i]))
            packable = 0;
    if (n > 63)
        return -1;
    if (!packable) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)emp[i] < 0x21 || (unsigned char)emp[i] > 0x7E)
                return -1; /* raw numbers are printable ASCII */
        if (n + 1 > room)
            return -1;
        p[0] = (uint8_t)n;
        memcpy(p + 1, emp, n);
        return (int)(n + 1);
    }
    need = 1 + (6 * n + 7) / 8;
    if (need > room)
        return -1;
    memset(p, 0, need);
    p[0] = (uint8_t)(0x80 | n);
    for (size_t i = 0; i < n; i++) {
        unsigned v = (unsigned)(strchr(EMP_ALPHABET, emp[i]) - EMP_ALPHABET);
        for (int bit = 5; bit >= 0; bit--) {
            size_t pos = 6 * i + (size_t)(5 - bit);
            if (v >> bit & 1)
                p[1 + pos / 8] |= (uint8_t)(0x80 >> (pos % 8));
        }
    }
    return (int)need;
}

/* Reads the employee number field; returns its size, -2 when the bytes end
 * early (truncated), or -1 when malformed or not canonical. */
static int get_employee(const uint8_t *p, size_t avail, char out[64])
{
    if (avail < 1)
        return -2;
    size_t n = p[0] & 0x7F;
    if (n > 63)
        return -1;
    if (!(p[0] & 0x80)) {
        int packable = 1;
        if (1 + n > avail)
            return -2;
        for (size_t i = 0; i < n; i++) {
            if (p[1 + i] < 0x21 || p[1 + i] > 0x7E)
                return -1;
            if (!strchr(EMP_ALPHABET, p[1 + i]))
                packable = 0;
            out[i] = (char)p[1 + i];
        }
        out[n] = '\0';
        return n > 0 && packable ? -1 : (int)(n + 1); /* packable numbers must be packed */
    }
    size_t need = 1 + (6 * n + 7) / 8;
    if (n == 0)
        return -1; /* an empty number is written unpacked */
    if (need > avail)
        return -2;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int k = 0; k < 6; k++) {
            size_t pos = 6 * i + (size_t)k;
            v = v << 1 | (unsigned)(p[1 + pos / 8] >> (7 - pos % 8) & 1);
        }
        out[i] = EMP_ALPHABET[v];
    }
    out[n] = '\0';
    for (size_t pos = 6 * n; pos < 8 * (need - 1); pos++)
        if (p[1 + pos / 8] >> (7 - pos % 8) & 1)
            return -1; /* padding bits must be zero */
    return (int)need;
}

/* Serialises f into rec; returns the length or -1 with err. */
static int encode_record(const receipt_fields *f, uint8_t rec[REC_MAX], char *err, size_t errlen)
{
    uint32_t seq;
    size_t n = REC_FIXED;
    memset(rec, 0, REC_MAX);
    rec[0] = REC_VERSION;
    rec[1] = (uint8_t)f->type;
    if (f->type != RECEIPT_ATTENDANCE && f->type != RECEIPT_PLEDGE)
        return fail(err, errlen, "receipt: unknown record type");
    if (parse_uuid(f->record_uuid, rec + 2) != 0)
        return fail(err, errlen, "receipt: bad record UUID");
    if (pack_kiosk(f->kiosk_id, rec + 18) != 0)
        return fail(err, errlen, "receipt: bad kiosk id");
    if (parse_folio(f->folio, rec + 23, &seq) != 0)
        return fail(err, errlen, "receipt: bad folio");
    put_u32(rec + 28, seq);
    if (f->at < 0 || f->at > (int64_t)UINT32_MAX)
        return fail(err, errlen, "receipt: time out of range");
    put_u32(rec + 32, (uint32_t)f->at);
    if (f->type == RECEIPT_ATTENDANCE) {
        if (parse_uuid(f->event_id, rec + n) != 0)
            return fail(err, errlen, "receipt: bad event id");
        n += 16;
    } else {
        if (strlen(f->carta_prefix) < 16 || parse_hex(f->carta_prefix, rec + n, 8) != 0)
            return fail(err, errlen, "receipt: bad Carta hash");
        n += 8;
    }
    int e = put_employee(f->employee_no, rec + n, REC_MAX - n);
    if (e < 0)
        return fail(err, errlen, "receipt: employee number cannot be encoded");
    return (int)(n + (size_t)e);
}

/* Parses a record of exactly len bytes into f. */
static int decode_record(const uint8_t *rec, size_t len, receipt_fields *f, char *err, size_t errlen)
{
    static const char trunc[] = "truncated payload", bad[] = "malformed payload";
    char folio_kiosk[STORE_KIOSK_ID_LEN];
    memset(f, 0, sizeof *f);
    if (len < 2)
        return fail(err, errlen, trunc);
    if (rec[0] != REC_VERSION)
        return fail(err, errlen, "malformed payload (unknown record version)");
    f->version = rec[0];
    f->type = rec[1];
    if (f->type != RECEIPT_ATTENDANCE && f->type != RECEIPT_PLEDGE)
        return fail(err, errlen, "malformed payload (unknown record type)");
    size_t subject = f->type == RECEIPT_ATTENDANCE ? 16 : 8;
    if (len < REC_FIXED + subject)
        return fail(err, errlen, trunc);
    format_uuid(rec + 2, f->record_uuid);
    if (unpack_kiosk(rec + 18, f->kiosk_id) != 0 || unpack_kiosk(rec + 23, folio_kiosk) != 0)
        return fail(err, errlen, bad);
    snprintf(f->folio, sizeof f->folio, "%s-%06lu", folio_kiosk, (unsigned long)get_u32(rec + 28));
    f->at = get_u32(rec + 32);
    if (f->type == RECEIPT_ATTENDANCE) {
        format_uuid(rec + REC_FIXED, f->event_id);
    } else {
        static const char hx[] = "0123456789abcdef";
        for (int i = 0; i < 8; i++) {
            f->carta_prefix[2 * i] = hx[rec[REC_FIXED + i] >> 4];
            f->carta_prefix[2 * i + 1] = hx[rec[REC_FIXED + i] & 15];
        }
        f->carta_prefix[16] = '\0';
    }
    size_t off = REC_FIXED + subject;
    int e = get_employee(rec + off, len - off, f->employee_no);
    if (e == -2)
        return fail(err, errlen, trunc);
    if (e < 0 || off + (size_t)e != len)
        return fail(err, errlen, bad);
    return 0;
}

/* ---- payload ---- */

int receipt_payload_sign(const receipt_fields *f, const unsigned char sk[64], char *out, size_t outlen,
                         char *err, size_t errlen)
{
    uint8_t buf[REC_MAX + SIG_BYTES];
    int n = encode_record(f, buf, err, errlen);
    if (n < 0)
        return -1;
    crypto_sign_detached(buf + n, NULL, buf, (unsigned long long)n, sk);
    size_t total = (size_t)n + SIG_BYTES, pre = strlen(PAYLOAD_PREFIX);
    if (outlen < pre + 1 || base45_encode(buf, total, out + pre, outlen - pre) == 0)
        return fail(err, errlen, "receipt: payload buffer too small");
    memcpy(out, PAYLOAD_PREFIX, pre);
    return 0;
}

/* Decodes payload into f and the signed bytes. Returns 0 or -1 + err. */
static int payload_open(const char *payload, receipt_fields *f, uint8_t *buf, size_t *reclen, char *err,
                        size_t errlen)
{
    size_t pre = strlen(PAYLOAD_PREFIX), n;
    memset(f, 0, sizeof *f);
    if (!payload || strncmp(payload, PAYLOAD_PREFIX, pre) != 0)
        return fail(err, errlen, "malformed payload (not a cepci-kiosk receipt: it must start with CK1:)");
    const char *text = payload + pre;
    /* The shortest record (a pledge of a guest) and its signature. */
    size_t least = REC_FIXED + 8 + 1 + SIG_BYTES;
    if (strlen(text) < least / 2 * 3 + least % 2 * 2)
        return fail(err, errlen, "truncated payload");
    if (strlen(text) % 3 == 1)
        return fail(err, errlen, "malformed or truncated payload (dangling Base45 character)");
    if (base45_decode(text, buf, REC_MAX + SIG_BYTES, &n) != 0)
        return fail(err, errlen, "malformed payload (not valid Base45)");
    if (n < SIG_BYTES + REC_FIXED)
        return fail(err, errlen, "truncated payload");
    *reclen = n - SIG_BYTES;
    return decode_record(buf, *reclen, f, err, errlen);
}

int receipt_verify_key(const char *payload, const unsigned char pk[32], receipt_fields *f, char *err,
                       size_t errlen)
{
    uint8_t buf[REC_MAX + SIG_BYTES];
    size_t reclen;
    receipt_fields tmp;
    if (payload_open(payload, &tmp, buf, &reclen, err, errlen) != 0)
        goto bad;
    if (crypto_sign_verify_detached(buf + reclen, buf, reclen, pk) != 0) {
        fail(err, errlen, "bad signature");
        goto bad;
    }
    *f = tmp;
    return 0;
bad:
    memset(f, 0, sizeof *f);
    return -1;
}

int receipt_verify(store *s, const char *payload, receipt_fields *f, char *err, size_t errlen)
{
    uint8_t buf[REC_MAX + SIG_BYTES];
    unsigned char pk[32];
    size_t reclen;
    receipt_fields tmp;
    memset(f, 0, sizeof *f);
    if (payload_open(payload, &tmp, buf, &reclen, err, errlen) != 0)
        return -1;
    int rc = store_key_get(s, tmp.kiosk_id, pk);
    if (rc == STORE_NOTFOUND) {
        if (err && errlen)
            snprintf(err, errlen, "unknown kiosk key %s (import its keys with: cepci-kiosk keys import FILE)",
                     tmp.kiosk_id);
        return -1;
    }
    if (rc != STORE_OK)
        return fail(err, errlen, store_errmsg(s));
    if (crypto_sign_verify_detached(buf + reclen, buf, reclen, pk) != 0)
        return fail(err, errlen, "bad signature");
    *f = tmp;
    return 0;
}

/* ---- receipt model ---- */

const char *receipt_kind_name(int type)
{
    return type == RECEIPT_PLEDGE ? "Carta Compromiso" : "Comprobante de asistencia";
}

static const char *const MONTHS[12] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                       "agosto", "septiembre", "octubre", "noviembre", "diciembre"};

/* "15 de octubre de 2020, 10:32" from broken-down time. */
static void spanish_datetime(const struct tm *tm, int with_time, char *out, size_t outlen)
{
    int m = tm->tm_mon >= 0 && tm->tm_mon < 12 ? tm->tm_mon : 0;
    if (with_time)
        snprintf(out, outlen, "%d de %s de %d, %02d:%02d h", tm->tm_mday, MONTHS[m], tm->tm_year + 1900,
                 tm->tm_hour, tm->tm_min);
    else
        snprintf(out, outlen, "%d de %s de %d", tm->tm_mday, MONTHS[m], tm->tm_year + 1900);
}

/* Name and time zone of a unit code, from the database or the config. */
static void unit_info(store *s, const config *c, const char *code, char *name, size_t namelen, char *tz,
                      size_t tzlen)
{
    store_unit u;
    const config_unit *cu = config_find_unit(c, code);
    if (code && *code && store_unit_get(s, code, &u) == STORE_OK) {
        snprintf(name, namelen, "%s", strcmp(u.name, u.code) == 0 && cu ? cu->name : u.name);
        snprintf(tz, tzlen, "%s", u.timezone[0] ? u.timezone : "America/Mexico_City");
    } else if (cu) {
        snprintf(name, namelen, "%s", cu->name);
        snprintf(tz, tzlen, "%s", cu->timezone);
    } else {
        snprintf(name, namelen, "%s", code ? code : "");
        snprintf(tz, tzlen, "America/Mexico_City");
    }
}

int receipt_build(store *s, const config *c, const char *db_path, const store_record *r, receipt *out,
                  char *err, size_t errlen)
{
    unsigned char sk[KEYS_SECRET_BYTES];
    receipt_fields f;
    store_person p;
    store_event e;
    char tz[64] = "America/Mexico_City", unit_code[32] = "", scratch[128];
    int rc = -1, have_person = 0;
    struct tm tm;

    memset(out, 0, sizeof *out);
    memset(&f, 0, sizeof f);
    f.type = strcmp(r->type, "pledge") == 0 ? RECEIPT_PLEDGE : RECEIPT_ATTENDANCE;
    if (strcmp(r->type, "pledge") != 0 && strcmp(r->type, "attendance") != 0)
        return fail(err, errlen, "receipt: unknown record type");

    if (store_meta_get(s, "institution", out->institution, sizeof out->institution) != STORE_OK ||
        !out->institution[0])
        snprintf(out->institution, sizeof out->institution, "%s", c->institution);
    snprintf(out->committee, sizeof out->committee, "%s", c->committee);
    snprintf(out->kind, sizeof out->kind, "%s", receipt_kind_name(f.type));
    snprintf(out->folio, sizeof out->folio, "%s", r->folio);
    snprintf(out->employee_no, sizeof out->employee_no, "%s", r->employee_no);

    if (r->employee_no[0] && store_person_get(s, r->employee_no, &p) == STORE_OK) {
        have_person = 1;
        store_person_fullname(&p, out->name, sizeof out->name);
        snprintf(unit_code, sizeof unit_code, "%s", p.unit);
    } else {
        snprintf(out->name, sizeof out->name, "%s", r->guest_name[0] ? r->guest_name : r->employee_no);
    }

    if (f.type == RECEIPT_ATTENDANCE) {
        if (store_event_get(s, r->event_id, &e) != STORE_OK) {
            if (err && errlen)
                snprintf(err, errlen, "receipt: %s", store_errmsg(s));
            goto out;
        }
        snprintf(out->event_title, sizeof out->event_title, "%s", e.title);
        if (!have_person)
            snprintf(unit_code, sizeof unit_code, "%s", e.unit);
        /* The time of an attendance is told in the zone of the event. */
        unit_info(s, c, e.unit, scratch, sizeof scratch, tz, sizeof tz);
        if (util_parse_local(e.start, &tm) == 0)
            spanish_datetime(&tm, 1, out->event_date, sizeof out->event_date);
        else
            snprintf(out->event_date, sizeof out->event_date, "%s", e.start);
        snprintf(f.event_id, sizeof f.event_id, "%s", r->event_id);
    } else {
        snprintf(out->carta_prefix, sizeof out->carta_prefix, "%.16s", r->carta_sha256);
        snprintf(f.carta_prefix, sizeof f.carta_prefix, "%.16s", r->carta_sha256);
    }
    if (!unit_code[0])
        store_meta_get(s, "unit", unit_code, sizeof unit_code);
    if (f.type == RECEIPT_ATTENDANCE)
        unit_info(s, c, unit_code, out->unit_name, sizeof out->unit_name, scratch, sizeof scratch);
    else
        unit_info(s, c, unit_code, out->unit_name, sizeof out->unit_name, tz, sizeof tz);
    util_utc_to_local(tz, r->at, &tm);
    spanish_datetime(&tm, 1, out->local_time, sizeof out->local_time);

    /* The payload. */
    snprintf(f.record_uuid, sizeof f.record_uuid, "%s", r->uuid);
    snprintf(f.employee_no, sizeof f.employee_no, "%s", r->employee_no);
    snprintf(f.kiosk_id, sizeof f.kiosk_id, "%s", store_kiosk_id(s));
    snprintf(f.folio, sizeof f.folio, "%s", r->folio);
    f.at = r->at;
    if (keys_load_secret(db_path, sk, err, errlen) != 0)
        goto out;
    rc = receipt_payload_sign(&f, sk, out->payload, sizeof out->payload, err, errlen);
out:
    sodium_memzero(sk, sizeof sk);
    return rc;
}

/* ---- QR ---- */

int receipt_qr(const char *payload, unsigned char **modules, int *size)
{
    *modules = NULL;
    *size = 0;
    /* With case sensitivity on, libqrencode splits the text into the
     * cheapest modes: a Base45 payload becomes one alphanumeric segment
     * (11 bits per 2 characters instead of 16 in byte mode). */
    QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return -1;
    size_t n = (size_t)q->width * (size_t)q->width;
    unsigned char *m = malloc(n);
    if (!m) {
        QRcode_free(q);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        m[i] = q->data[i] & 1;
    *modules = m;
    *size = q->width;
    QRcode_free(q);
    return 0;
}

/* ---- PNG ---- */

#define PNG_WIDTH 640
#define PNG_MARGIN 40
#define PNG_QR_SCALE 6
#define QUIET 4

typedef struct layout {
    cairo_t *cr;
    int draw;      /* 0: measure only */
    double y;
} layout;

static void set_font(cairo_t *cr, double size, int bold, int mono)
{
    cairo_select_font_face(cr, mono ? "DejaVu Sans Mono" : "Noto Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s, size_t n)
{
    char buf[1024];
    cairo_text_extents_t ext;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    cairo_text_extents(cr, buf, &ext);
    return ext.x_advance;
}

/* Length of the next UTF-8 character at s. */
static size_t u8len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if (!s[i])
            return i;
    return n;
}

/* Draws text word-wrapped within the margins (align 0 left, 1 centre) with
 * the current font and colour, advancing l->y. */
static void wrap_text(layout *l, const char *text, double size, int align)
{
    cairo_font_extents_t fe;
    double maxw = PNG_WIDTH - 2 * PNG_MARGIN, lineh = size * 1.3;
    cairo_font_extents(l->cr, &fe);
    const char *s = text;
    while (*s == ' ')
        s++;
    while (*s) {
        /* Longest prefix that fits, preferring to break at a space. */
        size_t end = 0, lastsp = 0;
        while (s[end]) {
            size_t next = end + u8len(s + end);
            if (text_width(l->cr, s, next) > maxw)
                break;
            end = next;
            if (s[end] == ' ')
                lastsp = end;
        }
        if (s[end] && lastsp > 0)
            end = lastsp;
        if (end == 0)
            end = u8len(s); /* one glyph wider than the line */
        if (l->draw) {
            double w = text_width(l->cr, s, end);
            double x = align ? PNG_MARGIN + (maxw - w) / 2 : PNG_MARGIN;
            char buf[1024];
            snprintf(buf, sizeof buf, "%.*s", (int)end, s);
            cairo_move_to(l->cr, x, l->y + fe.ascent);
            cairo_show_text(l->cr, buf);
        }
        l->y += lineh;
        s += end;
        while (*s == ' ')
            s++;
    }
}

static void text_block(layout *l, const char *text, double size, int bold, int mono, double grey, int align)
{
    set_font(l->cr, size, bold, mono);
    cairo_set_source_rgb(l->cr, grey, grey, grey);
    wrap_text(l, text, size, align);
}

static void field(layout *l, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    text_block(l, label, 15, 1, 0, 0.33, 0);
    l->y += 2;
    text_block(l, value, 21, 0, 0, 0.0, 0);
    l->y += 10;
}

static void parse_accent(const char *hex, double rgb[3])
{
    unsigned v;
    rgb[0] = 0.10, rgb[1] = 0.32, rgb[2] = 0.46; /* default: dark teal */
    if (hex && hex[0] == '#' && strlen(hex) == 7 && sscanf(hex + 1, "%6x", &v) == 1) {
        rgb[0] = (v >> 16 & 255) / 255.0;
        rgb[1] = (v >> 8 & 255) / 255.0;
        rgb[2] = (v & 255) / 255.0;
    }
}

/* Lays the whole receipt out; with l->draw = 0 only measures l->y. */
static void layout_receipt(layout *l, const receipt *r, const config *c, cairo_surface_t *logo,
                           const unsigned char *qr, int qrsize)
{
    cairo_t *cr = l->cr;
    double accent[3];
    parse_accent(c ? c->accent : NULL, accent);
    l->y = PNG_MARGIN;
    if (logo) {
        double lw = cairo_image_surface_get_width(logo), lh = cairo_image_surface_get_height(logo);
        double k = 240.0 / lw < 96.0 / lh ? 240.0 / lw : 96.0 / lh;
        if (k > 1)
            k = 1;
        if (l->draw) {
            cairo_save(cr);
            cairo_translate(cr, (PNG_WIDTH - lw * k) / 2, l->y);
            cairo_scale(cr, k, k);
            cairo_set_source_surface(cr, logo, 0, 0);
            cairo_paint(cr);
            cairo_restore(cr);
        }
        l->y += lh * k + 16;
    }
    text_block(l, r->institution, 22, 1, 0, 0.0, 1);
    if (r->committee[0])
        text_block(l, r->committee, 17, 0, 0, 0.25, 1);
    l->y += 10;
    if (l->draw) {
        cairo_set_source_rgb(cr, accent[0], accent[1], accent[2]);
        cairo_rectangle(cr, PNG_MARGIN, l->y, PNG_WIDTH - 2 * PNG_MARGIN, 4);
        cairo_fill(cr);
    }
    l->y += 18;
    text_block(l, r->kind, 30, 1, 0, 0.0, 1);
    l->y += 14;
    field(l, "NOMBRE", r->name);
    field(l, "NÚMERO DE EMPLEADO", r->employee_no[0] ? r->employee_no : "Invitado(a)");
    field(l, "UNIDAD", r->unit_name);
    field(l, "EVENTO", r->event_title);
    field(l, "FECHA DEL EVENTO", r->event_date);
    if (r->carta_prefix[0]) {
        char v[64];
        snprintf(v, sizeof v, "%s", r->carta_prefix);
        field(l, "VERSIÓN DE LA CARTA (SHA-256)", v);
    }
    field(l, "FECHA Y HORA DE REGISTRO", r->local_time);
    l->y += 6;
    if (qr) {
        int total = (qrsize + 2 * QUIET) * PNG_QR_SCALE;
        double x0 = (PNG_WIDTH - total) / 2.0, y0 = l->y;
        if (l->draw) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            for (int y = 0; y < qrsize; y++)
                for (int x = 0; x < qrsize; x++)
                    if (qr[y * qrsize + x])
                        cairo_rectangle(cr, x0 + (x + QUIET) * PNG_QR_SCALE, y0 + (y + QUIET) * PNG_QR_SCALE,
                                        PNG_QR_SCALE, PNG_QR_SCALE);
            cairo_fill(cr);
        }
        l->y += total + 4;
    }
    text_block(l, "FOLIO", 15, 1, 0, 0.33, 1);
    text_block(l, r->folio, 30, 1, 1, 0.0, 1);
    l->y += 12;
    text_block(l, "Comprobante firmado electrónicamente por el quiosco. Escanee el código QR para verificar "
                  "su autenticidad.",
               14, 0, 0, 0.30, 1);
    l->y += PNG_MARGIN - 10;
}

static cairo_status_t png_sink(void *closure, const unsigned char *data, unsigned int len)
{
    printer_buf *b = closure;
    printer_buf_put(b, data, len);
    return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int receipt_render_png(const receipt *r, const config *c, const char *path, char *err, size_t errlen)
{
    unsigned char *qr = NULL;
    int qrsize = 0, rc = -1;
    cairo_surface_t *logo = NULL, *surf = NULL, *probe = NULL;
    cairo_t *cr = NULL;
    printer_buf png;
    printer_buf_init(&png);

    if (receipt_qr(r->payload, &qr, &qrsize) != 0) {
        fail(err, errlen, "receipt: cannot encode the QR code");
        goto out;
    }
    if (c && c->logo[0]) {
        logo = cairo_image_surface_create_from_png(c->logo);
        if (cairo_surface_status(logo) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(logo); /* no logo rather than no receipt */
            logo = NULL;
        }
    }
    /* Measure, then draw on a surface of the right height. */
    probe = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cr = cairo_create(probe);
    layout l = {.cr = cr, .draw = 0};
    layout_receipt(&l, r, c, logo, qr, qrsize);
    cairo_destroy(cr);
    int height = (int)(l.y + 0.5);
    surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, PNG_WIDTH, height);
    cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    l.cr = cr;
    l.draw = 1;
    layout_receipt(&l, r, c, logo, qr, qrsize);
    cairo_surface_flush(surf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_write_to_png_stream(surf, png_sink, &png) != CAIRO_STATUS_SUCCESS || png.failed) {
        fail(err, errlen, "receipt: cannot render the PNG image");
        goto out;
    }
    if (util_write_file_atomic(path, png.data, png.len) != 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    if (probe)
        cairo_surface_destroy(probe);
    if (logo)
        cairo_surface_destroy(logo);
    printer_buf_free(&png);
    free(qr);
    return rc;
}

/* ---- ESC/POS ---- */

/* The logo at logo_path printed centred as a raster at most 60% of the
 * paper wide and 40% of it tall (scaled keeping its aspect ratio, never up
 * by more than 2x), then a blank line. A missing or unreadable file prints
 * nothing: no logo rather than no receipt. */
static void escpos_logo(printer_buf *b, const char *logo_path, int dots)
{
    if (!logo_path || !logo_path[0])
        return;
    cairo_surface_t *png = cairo_image_surface_create_from_png(logo_path), *sf = NULL;
    cairo_t *cr = NULL;
    if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS)
        goto out;
    int w0 = cairo_image_surface_get_width(png), h0 = cairo_image_surface_get_height(png);
    if (w0 <= 0 || h0 <= 0)
        goto out;
    double kw = dots * 0.6 / w0, kh = dots * 0.4 / h0, k = kw < kh ? kw : kh;
    if (k > 2)
        k = 2;
    int w = (int)(w0 * k + 0.5), h = (int)(h0 * k + 0.5);
    w = w < 1 ? 1 : w;
    h = h < 1 ? 1 : h;
    /* cairo scales it (with filtering) into a plain ARGB32 surface. */
    sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cr = cairo_create(sf);
    cairo_scale(cr, (double)w / w0, (double)h / h0);
    cairo_set_source_surface(cr, png, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_surface_flush(sf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        goto out;
    if (printer_escpos_picture(b, (const uint32_t *)(const void *)cairo_image_surface_get_data(sf), w, h,
                               cairo_image_surface_get_stride(sf), dots) == 0)
        printer_buf_put(b, "\n", 1);
out:
    if (cr)
        cairo_destroy(cr);
    if (sf)
        cairo_surface_destroy(sf);
    cairo_surface_destroy(png);
}

/* The ESC/POS job, with the logo at logo_path (may be NULL or "") on top. */
static int escpos_job(const receipt *r, int width_mm, const char *logo_path, uint8_t **out, size_t *len)
{
    int dots = width_mm == 58 ? PRINTER_DOTS_58 : PRINTER_DOTS_80;
    int cols = width_mm == 58 ? PRINTER_COLS_58 : PRINTER_COLS_80;
    unsigned char *qr = NULL, *img = NULL;
    int qrsize = 0, rc = -1;
    char rule[PRINTER_COLS_80 + 2];
    printer_buf b;
    printer_buf_init(&b);
    *out = NULL;
    *len = 0;
    if (receipt_qr(r->payload, &qr, &qrsize) != 0)
        goto out;

    memset(rule, '-', (size_t)cols);
    rule[cols] = '\0';
    printer_escpos_init(&b);
    escpos_logo(&b, logo_path, dots);
    printer_escpos_align(&b, 1);
    printer_escpos_bold(&b, 1);
    printer_escpos_text(&b, NULL, r->institution, cols);
    printer_escpos_bold(&b, 0);
    if (r->committee[0])
        printer_escpos_text(&b, NULL, r->committee, cols);
    printer_escpos_text(&b, NULL, rule, cols);
    printer_escpos_mode(&b, 0x18); /* bold, double height: same columns */
    printer_escpos_text(&b, NULL, r->kind, cols);
    printer_escpos_mode(&b, 0);
    printer_buf_put(&b, "\n", 1);
    printer_escpos_align(&b, 0);
    printer_escpos_text(&b, "Nombre:", r->name, cols);
    printer_escpos_text(&b, "No. de empleado:", r->employee_no[0] ? r->employee_no : "Invitado(a)", cols);
    if (r->unit_name[0])
        printer_escpos_text(&b, "Unidad:", r->unit_name, cols);
    if (r->event_title[0])
        printer_escpos_text(&b, "Evento:", r->event_title, cols);
    if (r->event_date[0])
        printer_escpos_text(&b, "Fecha del evento:", r->event_date, cols);
    if (r->carta_prefix[0])
        printer_escpos_text(&b, "Versión de la Carta:", r->carta_prefix, cols);
    printer_escpos_text(&b, "Registro:", r->local_time, cols);
    printer_buf_put(&b, "\n", 1);

    /* The QR as a raster the full width of the paper, centred in the image
     * itself (printers disagree on whether ESC a moves images). */
    int total = qrsize + 2 * QUIET, scale = dots / total;
    if (scale > 8)
        scale = 8; /* 1 mm modules: plenty for any reader */
    if (scale < 1)
        goto out;
    int side = total * scale, x0 = (dots - side) / 2;
    img = calloc((size_t)dots * (size_t)side, 1);
    if (!img)
        goto out;
    for (int y = 0; y < side; y++) {
        int my = y / scale - QUIET;
        if (my < 0 || my >= qrsize)
            continue;
        for (int x = 0; x < side; x++) {
            int mx = x / scale - QUIET;
            if (mx >= 0 && mx < qrsize && qr[my * qrsize + mx])
                img[(size_t)y * (size_t)dots + (size_t)(x0 + x)] = 1;
        }
    }
    printer_escpos_raster(&b, img, dots, side);
    printer_escpos_align(&b, 1);
    printer_escpos_text(&b, NULL, "Folio", cols);
    printer_escpos_mode(&b, 0x18);
    printer_escpos_text(&b, NULL, r->folio, cols);
    printer_escpos_mode(&b, 0);
    printer_escpos_text(&b, NULL, "Escanee el código QR para verificar este comprobante.", cols);
    printer_escpos_feed_cut(&b, 4);
    rc = printer_buf_take(&b, out, len);
out:
    printer_buf_free(&b);
    free(img);
    free(qr);
    return rc;
}

int receipt_escpos(const receipt *r, int width_mm, uint8_t **out, size_t *len)
{
    return escpos_job(r, width_mm, NULL, out, len);
}

/* ---- printing ---- */

int receipt_print(const receipt *r, const config *c, char *err, size_t errlen)
{
    const char *uri = c->printer_uri;
    uint8_t *job = NULL;
    size_t len = 0;
    int rc;
    if (!uri[0] || strcmp(uri, "none") == 0)
        return 0;
    if (strncmp(uri, "png:", 4) == 0) {
        char path[1024];
        if (!uri[4])
            return fail(err, errlen, "printer uri png: needs a folder (png:DIR)");
        snprintf(path, sizeof path, "%s/%s.png", uri + 4, r->folio);
        return receipt_render_png(r, c, path, err, errlen);
    }
    if (strncmp(uri, "escpos+", 7) != 0 && strncmp(uri, "cups:", 5) != 0)
        return printer_send(uri, NULL, 0, err, errlen); /* names the bad uri */
    if (escpos_job(r, c->printer_width, c->logo, &job, &len) != 0)
        return fail(err, errlen, "receipt: cannot prepare the print job (out of memory)");
    rc = printer_send(uri, job, len, err, errlen);
    free(job);
    return rc;
}
