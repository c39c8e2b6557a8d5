/* payload.c — the signed QR payload of a receipt: the CK2 binary record
 * (and the CK1 one it replaced, still verified), Base45 and Ed25519 (see
 * payload.h). No store and no cairo: it decodes payloads written by any
 * kiosk.
 *
 * Payload record, version 2, "CK2:" (all integers big-endian):
 *
 *   off  size  field
 *     0     1  version (2)
 *     1     1  type: 1 attendance, 2 pledge
 *     2    16  record UUID
 *    18     5  kiosk id (7 Crockford base32 digits = 35 bits): the kiosk
 *              that wrote the record, signed it, and whose folio it is
 *    23     4  folio sequence number
 *    27     4  time of the record, Unix seconds (unsigned: until 2106)
 *    31     4  the record's position in its kiosk's audit chain
 *    35     8  the first 8 bytes of that audit entry's hash
 *    43  16|8  attendance: event UUID; pledge: first 8 bytes of the Carta's
 *              SHA-256
 *     …     1  employee number header: bit 7 set = packed six bits per
 *              character (alphabet EMP_ALPHABET), bits 0-6 = characters
 *              (0 for a guest); without bit 7 the characters follow raw
 *     …     n  employee number
 *
 * followed by the 64-byte Ed25519 signature of those bytes: a receipt is a
 * signed head of its kiosk's chain at its own entry, which `audit verify
 * --head` checks against a database. An attendance of an eight-digit
 * employee number is 66 + 64 bytes = 199 characters with the "CK2:"
 * prefix: QR version 8 at level M holds 213 alphanumeric characters.
 *
 * Version 1, "CK1:", had no chain position and two kiosk ids: the signer
 * at 18 and the folio's kiosk at 23, then the folio number at 28, the time
 * at 32 and the subject at 36. It is verified still, and refused when the
 * two kiosk ids differ: a kiosk signs only its own folios.
 *
 * Base45 is canonical and the decoder strict, so any changed character
 * changes the bytes or breaks the decoding, and the signature fails. */
#include "payload.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base45.h"

#define PREFIX_V1 "CK1:"
#define PREFIX_V2 "CK2:"
#define PREFIX_LEN 4
#define REC_FIXED_V1 36       /* bytes before the subject */
#define REC_FIXED_V2 43
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
    if (strlen(id) != RECEIPT_KIOSK_ID_LEN - 1)
        return -1;
    for (int i = 0; i < RECEIPT_KIOSK_ID_LEN - 1; i++) {
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
static int unpack_kiosk(const uint8_t in[5], char out[RECEIPT_KIOSK_ID_LEN])
{
    uint64_t v = 0;
    for (int i = 0; i < 5; i++)
        v = v << 8 | in[i];
    if (v >> 35)
        return -1;
    for (int i = RECEIPT_KIOSK_ID_LEN - 2; i >= 0; i--, v >>= 5)
        out[i] = CROCKFORD[v & 31];
    out[RECEIPT_KIOSK_ID_LEN - 1] = '\0';
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
    char id[RECEIPT_KIOSK_ID_LEN];
    const char *num = folio + RECEIPT_KIOSK_ID_LEN;
    size_t nd = strlen(folio) > RECEIPT_KIOSK_ID_LEN ? strlen(num) : 0;
    if (nd == 0 || nd > 10 || folio[RECEIPT_KIOSK_ID_LEN - 1] != '-' || strspn(num, "0123456789") != nd ||
        strtoull(num, NULL, 10) > UINT32_MAX)
        return -1;
    memcpy(id, folio, RECEIPT_KIOSK_ID_LEN - 1);
    id[RECEIPT_KIOSK_ID_LEN - 1] = '\0';
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

/* Serialises f into rec (version f->version: 1, or 2 when 0); returns
 * the length or -1 with err. */
static int encode_record(const receipt_fields *f, uint8_t rec[REC_MAX], char *err, size_t errlen)
{
    uint32_t seq;
    uint8_t folio_kiosk[5];
    int v2 = f->version != 1;
    size_t n = v2 ? REC_FIXED_V2 : REC_FIXED_V1;
    memset(rec, 0, REC_MAX);
    if (f->version != 0 && f->version != 1 && f->version != 2)
        return fail(err, errlen, "receipt: unknown payload version");
    rec[0] = v2 ? 2 : 1;
    rec[1] = (uint8_t)f->type;
    if (f->type != RECEIPT_ATTENDANCE && f->type != RECEIPT_PLEDGE)
        return fail(err, errlen, "receipt: unknown record type");
    if (parse_uuid(f->record_uuid, rec + 2) != 0)
        return fail(err, errlen, "receipt: bad record UUID");
    if (pack_kiosk(f->kiosk_id, rec + 18) != 0)
        return fail(err, errlen, "receipt: bad kiosk id");
    if (parse_folio(f->folio, folio_kiosk, &seq) != 0)
        return fail(err, errlen, "receipt: bad folio");
    if (memcmp(folio_kiosk, rec + 18, 5) != 0)
        return fail(err, errlen, "receipt: the folio is another kiosk's; only the kiosk that wrote a record signs "
                    "its receipt");
    if (f->at < 0 || f->at > (int64_t)UINT32_MAX)
        return fail(err, errlen, "receipt: time out of range");
    if (v2) {
        put_u32(rec + 23, seq);
        put_u32(rec + 27, (uint32_t)f->at);
        if (f->chain_pos < 1 || f->chain_pos > (int64_t)UINT32_MAX || strlen(f->chain_hash) < 16 ||
            parse_hex(f->chain_hash, rec + 35, 8) != 0)
            return fail(err, errlen, "receipt: bad audit chain position");
        put_u32(rec + 31, (uint32_t)f->chain_pos);
    } else {
        memcpy(rec + 23, folio_kiosk, 5);
        put_u32(rec + 28, seq);
        put_u32(rec + 32, (uint32_t)f->at);
    }
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

static void hex_bytes(const uint8_t *in, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[in[i] >> 4];
        out[2 * i + 1] = hx[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Parses a record of version `version` of exactly len bytes into f. */
static int decode_record(const uint8_t *rec, size_t len, int version, receipt_fields *f, char *err, size_t errlen)
{
    static const char trunc[] = "truncated payload", bad[] = "malformed payload";
    char folio_kiosk[RECEIPT_KIOSK_ID_LEN];
    size_t fixed = version == 2 ? REC_FIXED_V2 : REC_FIXED_V1;
    memset(f, 0, sizeof *f);
    if (len < 2)
        return fail(err, errlen, trunc);
    if (rec[0] != version)
        return fail(err, errlen, "malformed payload (unknown record version)");
    f->version = rec[0];
    f->type = rec[1];
    if (f->type != RECEIPT_ATTENDANCE && f->type != RECEIPT_PLEDGE)
        return fail(err, errlen, "malformed payload (unknown record type)");
    size_t subject = f->type == RECEIPT_ATTENDANCE ? 16 : 8;
    if (len < fixed + subject)
        return fail(err, errlen, trunc);
    format_uuid(rec + 2, f->record_uuid);
    if (unpack_kiosk(rec + 18, f->kiosk_id) != 0)
        return fail(err, errlen, bad);
    if (version == 2) {
        snprintf(f->folio, sizeof f->folio, "%s-%06lu", f->kiosk_id, (unsigned long)get_u32(rec + 23));
        f->at = get_u32(rec + 27);
        f->chain_pos = get_u32(rec + 31);
        hex_bytes(rec + 35, 8, f->chain_hash);
        if (f->chain_pos == 0)
            return fail(err, errlen, bad);
    } else {
        if (unpack_kiosk(rec + 23, folio_kiosk) != 0)
            return fail(err, errlen, bad);
        if (strcmp(folio_kiosk, f->kiosk_id) != 0) {
            if (err && errlen)
                snprintf(err, errlen, "payload signed by kiosk %s for folio %s-%06lu of kiosk %s: a kiosk signs "
                         "only its own folios", f->kiosk_id, folio_kiosk, (unsigned long)get_u32(rec + 28),
                         folio_kiosk);
            return -1;
        }
        snprintf(f->folio, sizeof f->folio, "%s-%06lu", folio_kiosk, (unsigned long)get_u32(rec + 28));
        f->at = get_u32(rec + 32);
    }
    if (f->type == RECEIPT_ATTENDANCE)
        format_uuid(rec + fixed, f->event_id);
    else
        hex_bytes(rec + fixed, 8, f->carta_prefix);
    size_t off = fixed + subject;
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
    size_t total = (size_t)n + SIG_BYTES;
    if (outlen < PREFIX_LEN + 1 || base45_encode(buf, total, out + PREFIX_LEN, outlen - PREFIX_LEN) == 0)
        return fail(err, errlen, "receipt: payload buffer too small");
    memcpy(out, buf[0] == 2 ? PREFIX_V2 : PREFIX_V1, PREFIX_LEN);
    return 0;
}

/* Decodes payload into f and the signed bytes. Returns 0 or -1 + err. */
static int payload_open(const char *payload, receipt_fields *f, uint8_t *buf, size_t *reclen, char *err,
                        size_t errlen)
{
    size_t n;
    int version;
    memset(f, 0, sizeof *f);
    if (payload && strncmp(payload, PREFIX_V2, PREFIX_LEN) == 0)
        version = 2;
    else if (payload && strncmp(payload, PREFIX_V1, PREFIX_LEN) == 0)
        version = 1;
    else
        return fail(err, errlen, "malformed payload (not a cepci-kiosk receipt: it must start with CK2: or CK1:)");
    const char *text = payload + PREFIX_LEN;
    /* The shortest record (a pledge of a guest) and its signature. */
    size_t least = (version == 2 ? REC_FIXED_V2 : REC_FIXED_V1) + 8 + 1 + SIG_BYTES;
    if (strlen(text) < least / 2 * 3 + least % 2 * 2)
        return fail(err, errlen, "truncated payload");
    if (strlen(text) % 3 == 1)
        return fail(err, errlen, "malformed or truncated payload (dangling Base45 character)");
    if (base45_decode(text, buf, REC_MAX + SIG_BYTES, &n) != 0)
        return fail(err, errlen, "malformed payload (not valid Base45)");
    if (n < SIG_BYTES + REC_FIXED_V1)
        return fail(err, errlen, "truncated payload");
    *reclen = n - SIG_BYTES;
    return decode_record(buf, *reclen, version, f, err, errlen);
}

int receipt_payload_decode(const char *payload, receipt_fields *f, char *err, size_t errlen)
{
    uint8_t buf[REC_MAX + SIG_BYTES];
    size_t reclen;
    return payload_open(payload, f, buf, &reclen, err, errlen);
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
