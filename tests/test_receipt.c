/* test_receipt.c — the signed payload (fields, size, every single-character
 * mutation, unknown keys, decoding without the signature), the graphics
 * helpers (fonts, PNG loading, QR matrix), the QR in the PNG and in the ESC/POS raster
 * (decoded by zbarimg), the CP858 text of the ESC/POS job, and the command
 * line end to end across two kiosks' databases after `keys import`. */
#include "testutil.h"

#include <cairo.h>
#include <iconv.h>
#include <qrencode.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base45.h"
#include "gfx.h"
#include "keys.h"
#include "printer.h"
#include "receipt.h"
#include "util.h"

static const char B45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

typedef struct fixture {
    TU_FIXTURE;
    char db[4200];
    config cfg;
    store_record att, pledge, guest;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    char err[512];
    fx->dir = tu_tmpdir();
    fx->s = tu_store(fx->dir, "a.db");
    snprintf(fx->db, sizeof fx->db, "%s/a.db", fx->dir);
    if (keys_create(fx->s, fx->db, 1600000000, err, sizeof err) != STORE_OK)
        fail_msg("keys_create: %s", err);
    config_defaults(&fx->cfg, fx->dir);
    tu_person(fx->s, "12345678", "José", "Peña", "Íñiguez", "SCLC", 1);
    const char *ev = tu_event(fx->s, "Taller: la Nueva Ética Pública y el conflicto de intereses", "taller",
                              "etica", "SCLC", "2020-10-15 10:00", 0);
    assert_int_equal(store_checkin(fx->s, ev, "12345678", NULL, "number", NULL, 0, 1602779520, &fx->att),
                     STORE_OK);
    assert_int_equal(store_checkin(fx->s, ev, NULL, "Ana María Ñúñez", "guest", NULL, 0, 1602779600, &fx->guest),
                     STORE_OK);
    char carta[UTIL_SHA256_HEX], priv[UTIL_SHA256_HEX];
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, priv);
    assert_int_equal(store_pledge(fx->s, "12345678", carta, priv, "keyed", NULL, 0, 1602779700, 1602779700, &fx->pledge),
                     STORE_OK);
    *state = fx;
    return 0;
}

static void build(fixture *fx, const store_record *r, receipt *out)
{
    char err[512];
    if (receipt_build(fx->s, &fx->cfg, fx->db, r, out, err, sizeof err) != 0)
        fail_msg("receipt_build: %s", err);
}

/* QR version of a payload (level M). */
static int qr_version(const char *payload)
{
    unsigned char *m;
    int size;
    assert_int_equal(receipt_qr(payload, &m, &size), 0);
    free(m);
    return (size - 17) / 4;
}

static void test_build_and_verify(void **state)
{
    fixture *fx = *state;
    receipt r;
    receipt_fields f;
    char err[512];

    build(fx, &fx->att, &r);
    assert_string_equal(r.kind, "Comprobante de asistencia");
    assert_string_equal(r.name, "José Peña Íñiguez");
    assert_string_equal(r.institution, "Institución de Prueba");
    assert_string_equal(r.unit_name, "San Cristóbal de Las Casas");
    assert_string_equal(r.employee_no, "12345678");
    assert_string_equal(r.event_date, "15 de octubre de 2020, 10:00 h");
    /* 1602779520 = 2020-10-15 16:32 UTC = 11:32 in Mexico City (CDT). */
    assert_string_equal(r.local_time, "15 de octubre de 2020, 11:32 h");
    assert_string_equal(r.folio, fx->att.folio);
    assert_memory_equal(r.payload, "CK2:", 4);
    /* Small enough for QR version 8 at level M (213 alphanumerics). */
    assert_true(strlen(r.payload) <= 213);
    assert_true(qr_version(r.payload) <= 8);
    printf("attendance payload: %zu characters, QR version %d\n", strlen(r.payload), qr_version(r.payload));

    if (receipt_verify(fx->s, r.payload, &f, err, sizeof err) != 0)
        fail_msg("verify: %s", err);
    assert_int_equal(f.type, RECEIPT_ATTENDANCE);
    assert_string_equal(f.record_uuid, fx->att.uuid);
    assert_string_equal(f.employee_no, "12345678");
    assert_string_equal(f.event_id, fx->att.event_id);
    assert_int_equal(f.at, 1602779520);
    assert_string_equal(f.kiosk_id, store_kiosk_id(fx->s));
    assert_string_equal(f.folio, fx->att.folio);
    assert_int_equal(f.version, 2);
    /* The record's own entry in the audit chain, signed with it. */
    store_head entry;
    assert_int_equal(store_record_entry(fx->s, "attendance", fx->att.uuid, &entry), STORE_OK);
    assert_true(entry.pos > 0);
    assert_int_equal(f.chain_pos, entry.pos);
    assert_memory_equal(f.chain_hash, entry.hash, 16);

    build(fx, &fx->pledge, &r);
    assert_string_equal(r.kind, "Carta Compromiso");
    assert_int_equal(strlen(r.carta_prefix), 16);
    assert_memory_equal(r.carta_prefix, fx->pledge.carta_sha256, 16);
    assert_string_equal(r.event_title, "");
    assert_true(qr_version(r.payload) <= 8);
    if (receipt_verify(fx->s, r.payload, &f, err, sizeof err) != 0)
        fail_msg("verify pledge: %s", err);
    assert_int_equal(f.type, RECEIPT_PLEDGE);
    assert_string_equal(f.carta_prefix, r.carta_prefix);
    assert_string_equal(f.folio, fx->pledge.folio);

    build(fx, &fx->guest, &r);
    assert_string_equal(r.name, "Ana María Ñúñez");
    assert_string_equal(r.employee_no, "");
    assert_string_equal(r.unit_name, "San Cristóbal de Las Casas"); /* the event's unit */
    assert_int_equal(receipt_verify(fx->s, r.payload, &f, err, sizeof err), 0);
    assert_string_equal(f.employee_no, "");
}

/* receipt_payload_decode reads the fields without the signature: it
 * accepts a payload whose signature is wrong, which verification refuses,
 * and refuses what is malformed. */
static void test_payload_decode(void **state)
{
    fixture *fx = *state;
    receipt r;
    receipt_fields f;
    char err[512];
    build(fx, &fx->att, &r);
    assert_int_equal(receipt_payload_decode(r.payload, &f, err, sizeof err), 0);
    assert_string_equal(f.record_uuid, fx->att.uuid);
    assert_string_equal(f.kiosk_id, store_kiosk_id(fx->s));
    assert_string_equal(f.folio, fx->att.folio);
    /* Another kiosk's key: decodes, does not verify. */
    unsigned char pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    assert_int_equal(receipt_verify_key(r.payload, pk, &f, err, sizeof err), -1);
    assert_string_equal(err, "bad signature");
    assert_string_equal(f.record_uuid, "");
    assert_int_equal(receipt_payload_decode("CK1:" "ABC", &f, err, sizeof err), -1);
    assert_string_equal(err, "truncated payload");
    assert_int_equal(receipt_payload_decode("XX1:ABC", &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "must start with CK2: or CK1:"));
}

/* Employee numbers up to 20 characters still fit version 8 (25 take
 * version 9); numbers with characters outside the packed alphabet
 * round-trip raw. */
static void test_payload_sizes(void **state)
{
    fixture *fx = *state;
    unsigned char pk[32], sk[64];
    receipt_fields f = {0}, g;
    char payload[RECEIPT_PAYLOAD_MAX], err[256];
    crypto_sign_keypair(pk, sk);
    f.type = RECEIPT_ATTENDANCE;
    snprintf(f.record_uuid, sizeof f.record_uuid, "%s", fx->att.uuid);
    snprintf(f.event_id, sizeof f.event_id, "%s", fx->att.event_id);
    snprintf(f.kiosk_id, sizeof f.kiosk_id, "ZZZZZZZ");
    snprintf(f.folio, sizeof f.folio, "ZZZZZZZ-4294967295");
    f.at = 4294967295LL;
    f.chain_pos = 4294967295LL;
    snprintf(f.chain_hash, sizeof f.chain_hash, "ffffffffffffffff");
    snprintf(f.employee_no, sizeof f.employee_no, "ABCDEFGHIJ-klmnop_01");
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), 0);
    assert_true(qr_version(payload) <= 8);
    assert_int_equal(receipt_verify_key(payload, pk, &g, err, sizeof err), 0);
    assert_string_equal(g.employee_no, f.employee_no);
    assert_string_equal(g.folio, f.folio);
    assert_int_equal(g.at, f.at);
    assert_int_equal(g.chain_pos, f.chain_pos);
    assert_string_equal(g.chain_hash, f.chain_hash);
    snprintf(f.employee_no, sizeof f.employee_no, "ABCDEFGHIJ-klmnop_0123456");
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), 0);
    assert_true(qr_version(payload) <= 9);
    assert_int_equal(receipt_verify_key(payload, pk, &g, err, sizeof err), 0);
    assert_string_equal(g.employee_no, f.employee_no);
    snprintf(f.employee_no, sizeof f.employee_no, "A.B/C#1");
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), 0);
    assert_int_equal(receipt_verify_key(payload, pk, &g, err, sizeof err), 0);
    assert_string_equal(g.employee_no, "A.B/C#1");
    /* Fields that cannot be encoded are refused, not truncated. */
    f.at = 4294967296LL;
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), -1);
    f.at = 0;
    f.chain_pos = 0;
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), -1);
    f.chain_pos = 4294967296LL;
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), -1);
    f.chain_pos = 1;
    snprintf(f.chain_hash, sizeof f.chain_hash, "xyz");
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), -1);
    snprintf(f.chain_hash, sizeof f.chain_hash, "0123456789abcdef");
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), 0);
    /* A kiosk signs only its own folios. */
    snprintf(f.folio, sizeof f.folio, "0000000-1");
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), -1);
    assert_non_null(strstr(err, "another kiosk"));
    snprintf(f.folio, sizeof f.folio, "ZZZZZZZ-1");
    snprintf(f.kiosk_id, sizeof f.kiosk_id, "ILOU000");
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), -1);
}

/* Item 5 of issue 12: a payload of kiosk B for a folio of kiosk A does not
 * verify, in either format. Format 2 cannot say it (one kiosk id for both);
 * format 1 payloads made that way are refused, whoever signed them. */
static void test_folio_of_another_kiosk(void **state)
{
    fixture *fx = *state;
    unsigned char pk[32], sk[64];
    receipt_fields f = {0}, g;
    char payload[RECEIPT_PAYLOAD_MAX], err[256];
    crypto_sign_keypair(pk, sk);
    f.type = RECEIPT_ATTENDANCE;
    f.version = 1;
    snprintf(f.record_uuid, sizeof f.record_uuid, "%s", fx->att.uuid);
    snprintf(f.event_id, sizeof f.event_id, "%s", fx->att.event_id);
    snprintf(f.employee_no, sizeof f.employee_no, "12345678");
    snprintf(f.kiosk_id, sizeof f.kiosk_id, "%s", store_kiosk_id(fx->s));
    snprintf(f.folio, sizeof f.folio, "%s", fx->att.folio);
    f.at = fx->att.at;
    /* A genuine format-1 payload of this kiosk still verifies. */
    unsigned char mysk[64];
    assert_int_equal(keys_load_secret(fx->db, mysk, err, sizeof err), 0);
    assert_int_equal(receipt_payload_sign(&f, mysk, payload, sizeof payload, err, sizeof err), 0);
    assert_memory_equal(payload, "CK1:", 4);
    assert_int_equal(receipt_verify(fx->s, payload, &g, err, sizeof err), 0);
    assert_int_equal(g.version, 1);
    assert_int_equal(g.chain_pos, 0);
    /* Kiosk B (another key, registered here) signs A's folio: the encoder
     * refuses, and bytes made by hand are refused by the decoder. */
    char kb[8] = "ZZZZZZZ";
    if (strcmp(store_kiosk_id(fx->s), kb) == 0)
        kb[0] = 'Y';
    assert_int_equal(store_key_put(fx->s, kb, pk, "Otra", "CHE", 1), STORE_OK);
    snprintf(f.kiosk_id, sizeof f.kiosk_id, "%s", kb);
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), -1);
    /* By hand: B's own folio, then the folio's kiosk bytes (23..27)
     * rewritten to A's and the record signed again with B's key. */
    snprintf(f.folio, sizeof f.folio, "%s-000001", kb);
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), 0);
    assert_int_equal(receipt_verify(fx->s, payload, &g, err, sizeof err), 0); /* B's own folio: fine */
    uint8_t bin[RECEIPT_PAYLOAD_MAX], mine[RECEIPT_PAYLOAD_MAX];
    size_t n, m;
    assert_int_equal(base45_decode(payload + 4, bin, sizeof bin, &n), 0);
    char own[RECEIPT_PAYLOAD_MAX];
    f.version = 1;
    snprintf(f.kiosk_id, sizeof f.kiosk_id, "%s", store_kiosk_id(fx->s));
    snprintf(f.folio, sizeof f.folio, "%s-000001", store_kiosk_id(fx->s));
    assert_int_equal(receipt_payload_sign(&f, mysk, own, sizeof own, err, sizeof err), 0);
    assert_int_equal(base45_decode(own + 4, mine, sizeof mine, &m), 0);
    memcpy(bin + 23, mine + 23, 5); /* A's kiosk id as the folio's */
    crypto_sign_detached(bin + n - 64, NULL, bin, n - 64, sk);
    char forged[RECEIPT_PAYLOAD_MAX] = "CK1:";
    assert_true(base45_encode(bin, n, forged + 4, sizeof forged - 4) > 0);
    assert_int_equal(receipt_verify(fx->s, forged, &g, err, sizeof err), -1);
    assert_non_null(strstr(err, "signs only its own folios"));
    assert_int_equal(receipt_verify_key(forged, pk, &g, err, sizeof err), -1);
    sodium_memzero(mysk, sizeof mysk);
}

static int verify_fails(store *s, const char *p, char *err, size_t errlen)
{
    receipt_fields f;
    return receipt_verify(s, p, &f, err, errlen) != 0;
}

/* Every single-character substitution, every truncation, every deletion and
 * an extra character anywhere: all must fail. */
static void test_every_mutation_fails(void **state)
{
    fixture *fx = *state;
    receipt r;
    char err[512], m[RECEIPT_PAYLOAD_MAX + 2];
    long tried = 0;
    build(fx, &fx->att, &r);
    size_t n = strlen(r.payload);
    static const char extra[] = "abcz#_\t";
    for (size_t i = 0; i < n; i++) {
        for (const char *c = B45; *c; c++) {
            if (*c == r.payload[i])
                continue;
            memcpy(m, r.payload, n + 1);
            m[i] = *c;
            if (!verify_fails(fx->s, m, err, sizeof err))
                fail_msg("payload with position %zu changed to '%c' verified", i, *c);
            assert_null(strchr(err, '\n'));
            tried++;
        }
        for (const char *c = extra; *c; c++) {
            memcpy(m, r.payload, n + 1);
            m[i] = *c;
            assert_true(verify_fails(fx->s, m, err, sizeof err));
            tried++;
        }
        /* Truncated after i characters, and character i deleted. */
        memcpy(m, r.payload, i);
        m[i] = '\0';
        assert_true(verify_fails(fx->s, m, err, sizeof err));
        memcpy(m, r.payload, n + 1);
        memmove(m + i, m + i + 1, n - i);
        assert_true(verify_fails(fx->s, m, err, sizeof err));
        tried += 2;
    }
    for (const char *c = B45; *c; c++) {
        snprintf(m, sizeof m, "%s%c", r.payload, *c);
        assert_true(verify_fails(fx->s, m, err, sizeof err));
    }
    printf("%ld mutations of a %zu-character payload: all rejected\n", tried, n);
    /* The genuine one still passes. */
    receipt_fields f;
    assert_int_equal(receipt_verify(fx->s, r.payload, &f, err, sizeof err), 0);
    /* Messages for the main cases. */
    assert_true(verify_fails(fx->s, "CK1:", err, sizeof err));
    assert_non_null(strstr(err, "truncated"));
    assert_true(verify_fails(fx->s, "XX1:BB8", err, sizeof err));
    assert_non_null(strstr(err, "malformed"));
    memcpy(m, r.payload, n + 1);
    m[n - 3] = '\0'; /* two bytes short */
    assert_true(verify_fails(fx->s, m, err, sizeof err));
    assert_true(strstr(err, "truncated") || strstr(err, "malformed"));
    memcpy(m, r.payload, 60);
    m[60] = '\0'; /* cut in the middle of the record */
    assert_true(verify_fails(fx->s, m, err, sizeof err));
    assert_non_null(strstr(err, "truncated"));
    memcpy(m, r.payload, n + 1);
    m[n - 1] = m[n - 1] == '0' ? '1' : '0'; /* the last signature byte */
    assert_true(verify_fails(fx->s, m, err, sizeof err));
    assert_string_equal(err, "bad signature");
}

static void test_unknown_key(void **state)
{
    fixture *fx = *state;
    unsigned char pk[32], sk[64];
    receipt_fields f = {0}, g;
    char payload[RECEIPT_PAYLOAD_MAX], err[256];
    crypto_sign_keypair(pk, sk);
    f.type = RECEIPT_ATTENDANCE;
    snprintf(f.record_uuid, sizeof f.record_uuid, "%s", fx->att.uuid);
    snprintf(f.event_id, sizeof f.event_id, "%s", fx->att.event_id);
    snprintf(f.employee_no, sizeof f.employee_no, "12345678");
    f.at = fx->att.at;
    f.chain_pos = 1;
    snprintf(f.chain_hash, sizeof f.chain_hash, "0123456789abcdef");
    /* A kiosk this database has never heard of. */
    snprintf(f.kiosk_id, sizeof f.kiosk_id, "%s", strcmp(store_kiosk_id(fx->s), "ZZZZZZZ") ? "ZZZZZZZ" : "YYYYYYY");
    snprintf(f.folio, sizeof f.folio, "%s-000001", f.kiosk_id);
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), 0);
    assert_int_equal(receipt_verify(fx->s, payload, &g, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown kiosk key"));
    /* This kiosk's id, but a different key: a forgery. */
    snprintf(f.kiosk_id, sizeof f.kiosk_id, "%s", store_kiosk_id(fx->s));
    snprintf(f.folio, sizeof f.folio, "%s", fx->att.folio);
    assert_int_equal(receipt_payload_sign(&f, sk, payload, sizeof payload, err, sizeof err), 0);
    assert_int_equal(receipt_verify(fx->s, payload, &g, err, sizeof err), -1);
    assert_string_equal(err, "bad signature");
    assert_int_equal(receipt_verify_key(payload, pk, &g, err, sizeof err), 0);
}

/* Alphanumeric mode gives a smaller symbol than byte mode. */
static void test_qr_mode(void **state)
{
    fixture *fx = *state;
    receipt r;
    build(fx, &fx->att, &r);
    QRcode *an = QRcode_encodeString(r.payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    QRcode *b8 = QRcode_encodeString8bit(r.payload, 0, QR_ECLEVEL_M);
    assert_non_null(an);
    assert_non_null(b8);
    printf("QR for %zu characters: version %d (alphanumeric) vs %d (byte mode)\n", strlen(r.payload), an->version,
           b8->version);
    assert_true(an->version < b8->version);
    assert_int_equal(qr_version(r.payload), an->version);
    QRcode_free(an);
    QRcode_free(b8);
}

/* zbarimg --raw of an image file, without the trailing newline (malloc'd). */
static char *zbar(const char *path)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *out = calloc(1, 4096);
    size_t n = fread(out, 1, 4095, p);
    pclose(p);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return out;
}

static void test_png_qr_decodes(void **state)
{
    fixture *fx = *state;
    tu_need("zbarimg");
    receipt r;
    char path[4200], err[512];
    const store_record *recs[] = {&fx->att, &fx->pledge, &fx->guest};
    for (int i = 0; i < 3; i++) {
        build(fx, recs[i], &r);
        snprintf(path, sizeof path, "%s/receipt-%d.png", fx->dir, i);
        if (receipt_render_png(&r, &fx->cfg, path, err, sizeof err) != 0)
            fail_msg("render: %s", err);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        char *got = zbar(path);
        assert_string_equal(got, r.payload);
        free(got);
    }
    /* An unwritable place fails with a message. */
    assert_int_equal(receipt_render_png(&r, &fx->cfg, "/nonexistent-dir/x.png", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/x.png"));
}

/* ---- a small ESC/POS decoder ---- */

typedef struct decoded {
    char text[8192];      /* CP858 bytes, lines ended by '\n' */
    size_t tlen;
    int codepage;         /* from ESC t */
    int init, cut;
    int width;            /* raster width in dots */
    int height;
    unsigned char *img;   /* width x height, 1 = black */
    int rasters;          /* separate images (runs of GS v 0 bands) */
    int raster_y[8], raster_h[8]; /* their first row and height in img */
    size_t raster_at[8];  /* byte offset of each in the job */
    size_t text_before[8];/* text bytes printed before each */
} decoded;

static void decode_escpos(const uint8_t *b, size_t len, decoded *d)
{
    memset(d, 0, sizeof *d);
    d->codepage = -1;
    size_t i = 0;
    int in_raster = 0;
    while (i < len) {
        uint8_t c = b[i];
        int raster = c == 0x1D && i + 2 < len && b[i + 1] == 'v' && b[i + 2] == '0';
        if (raster && !in_raster) {
            assert_true(d->rasters < 8);
            d->raster_y[d->rasters] = d->height;
            d->raster_at[d->rasters] = i;
            d->text_before[d->rasters] = d->tlen;
            d->rasters++;
        }
        in_raster = raster;
        if (c == 0x1B) {
            assert_true(i + 1 < len);
            uint8_t cmd = b[i + 1];
            if (cmd == '@') {
                d->init++;
                i += 2;
            } else if (cmd == 't' || cmd == 'a' || cmd == 'E' || cmd == '!' || cmd == 'd') {
                assert_true(i + 2 < len);
                if (cmd == 't')
                    d->codepage = b[i + 2];
                i += 3;
            } else {
                fail_msg("unknown ESC %c at %zu", cmd, i);
            }
        } else if (c == 0x1D) {
            assert_true(i + 1 < len);
            if (b[i + 1] == 'V') {
                d->cut++;
                i += (b[i + 2] == 65 || b[i + 2] == 66) ? 4 : 3;
            } else if (b[i + 1] == 'v' && b[i + 2] == '0') {
                int xb = b[i + 4] | b[i + 5] << 8, rows = b[i + 6] | b[i + 7] << 8;
                assert_int_equal(b[i + 3], 0);
                assert_true(i + 8 + (size_t)xb * (size_t)rows <= len);
                if (d->width == 0)
                    d->width = xb * 8;
                assert_int_equal(d->width, xb * 8);
                d->img = realloc(d->img, (size_t)d->width * (size_t)(d->height + rows));
                for (int y = 0; y < rows; y++)
                    for (int x = 0; x < d->width; x++)
                        d->img[(size_t)(d->height + y) * (size_t)d->width + (size_t)x] =
                            b[i + 8 + (size_t)y * (size_t)xb + (size_t)x / 8] >> (7 - x % 8) & 1;
                d->height += rows;
                d->raster_h[d->rasters - 1] += rows;
                i += 8 + (size_t)xb * (size_t)rows;
            } else {
                fail_msg("unknown GS command at %zu", i);
            }
        } else if (c == '\n' || c >= 0x20) {
            assert_true(d->tlen + 1 < sizeof d->text);
            d->text[d->tlen++] = (char)c;
            i++;
        } else {
            fail_msg("stray control byte 0x%02x at %zu", c, i);
        }
    }
    d->text[d->tlen] = '\0';
}

/* Writes the raster as a PGM image, scaled 2x. */
static void write_pgm(const decoded *d, const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "P5\n%d %d\n255\n", d->width * 2, d->height * 2);
    for (int y = 0; y < d->height * 2; y++)
        for (int x = 0; x < d->width * 2; x++)
            fputc(d->img[(size_t)(y / 2) * (size_t)d->width + (size_t)(x / 2)] ? 0 : 255, f);
    fclose(f);
}

static void cp858_to_utf8(const char *in, char *out, size_t outlen)
{
    iconv_t cd = iconv_open("UTF-8", "CP858");
    assert_true(cd != (iconv_t)-1);
    char *ip = (char *)in, *op = out;
    size_t il = strlen(in), ol = outlen - 1;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    *op = '\0';
    iconv_close(cd);
}

static void check_escpos(fixture *fx, const store_record *rec, int mm, const char *must1, const char *must2)
{
    receipt r;
    uint8_t *job;
    size_t len;
    decoded d;
    char path[4200], utf8[16384];
    build(fx, rec, &r);
    assert_int_equal(receipt_escpos(&r, mm, &job, &len), 0);
    decode_escpos(job, len, &d);
    assert_int_equal(job[0], 0x1B);
    assert_int_equal(job[1], '@');
    assert_int_equal(d.init, 1);
    assert_int_equal(d.codepage, 19);
    assert_int_equal(d.cut, 1);
    assert_int_equal(d.width, mm == 58 ? 384 : 576);
    /* Every text line fits the paper (font A columns). */
    char copy[8192];
    snprintf(copy, sizeof copy, "%s", d.text);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
        if (strlen(line) > (size_t)(mm == 58 ? 32 : 48))
            fail_msg("line too long for %d mm: '%s'", mm, line);
    cp858_to_utf8(d.text, utf8, sizeof utf8);
    if (!strstr(utf8, must1) || !strstr(utf8, must2) || !strstr(utf8, r.folio) ||
        !strstr(utf8, "Escanee el código QR") || !strstr(utf8, fx->cfg.committee))
        fail_msg("ESC/POS text lacks '%s' / '%s':\n%s", must1, must2, utf8);
    snprintf(path, sizeof path, "%s/escpos-%d.pgm", fx->dir, mm);
    write_pgm(&d, path);
    char *got = zbar(path);
    assert_string_equal(got, r.payload);
    free(got);
    free(d.img);
    free(job);
}

static void test_escpos_decodes(void **state)
{
    fixture *fx = *state;
    tu_need("zbarimg");
    check_escpos(fx, &fx->att, 58, "Peña Íñiguez", "Comprobante de asistencia");
    check_escpos(fx, &fx->att, 80, "Nombre: José Peña Íñiguez", "Taller: la Nueva Ética Pública");
    check_escpos(fx, &fx->pledge, 58, "Carta Compromiso", "Versión de la Carta:");
    check_escpos(fx, &fx->guest, 80, "Ana María Ñúñez", "Persona invitada");
}

/* A logo PNG w x h: a dark disc and a grey band on a transparent
 * background (alpha edges, premultiplied grey), as a user might supply. */
static void write_logo(const char *path, int w, int h)
{
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 0.05, 0.2, 0.4);
    cairo_arc(cr, h / 2.0, h / 2.0, h * 0.45, 0, 6.2832);
    cairo_fill(cr);
    cairo_set_source_rgba(cr, 0.5, 0.5, 0.5, 0.8);
    cairo_rectangle(cr, h, h * 0.3, w - h - 4, h * 0.4);
    cairo_fill(cr);
    cairo_destroy(cr);
    assert_int_equal(cairo_surface_write_to_png(sf, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(sf);
}

/* Reads a whole file (malloc'd). */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* gfx: the font chain, PNG errors and fitting, the QR matrix. */
static void test_gfx(void **state)
{
    (void)state;
    char fam[64], file[1024], err[128];
    struct stat st;
    /* Debian 12's packages (setup.sh) install Noto Sans or DejaVu Sans. */
    assert_int_equal(gfx_font(0, 0, fam, sizeof fam, file, sizeof file), 0);
    assert_true(strcmp(fam, "Noto Sans") == 0 || strcmp(fam, "DejaVu Sans") == 0);
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(gfx_font(0, 1, fam, sizeof fam, file, sizeof file), 0);
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(gfx_font(1, 0, fam, sizeof fam, NULL, 0), 0);
    assert_true(strcmp(fam, "Noto Sans Mono") == 0 || strcmp(fam, "DejaVu Sans Mono") == 0);

    char *dir = tu_tmpdir(), path[4200];
    snprintf(path, sizeof path, "%s/none.png", dir);
    assert_null(gfx_png_load(path, err, sizeof err));
    assert_string_equal(err, "file not found");
    assert_null(gfx_png_load_fit(path, 10, 10, 1, err, sizeof err));
    assert_string_equal(err, "file not found");
    free(tu_write(dir, "bad.png", "not a picture", 13));
    snprintf(path, sizeof path, "%s/bad.png", dir);
    assert_null(gfx_png_load(path, err, sizeof err));
    assert_string_equal(err, "not a readable PNG file");
    snprintf(path, sizeof path, "%s/logo.png", dir);
    write_logo(path, 200, 50);
    cairo_surface_t *img = gfx_png_load(path, err, sizeof err);
    assert_non_null(img);
    assert_int_equal(cairo_image_surface_get_width(img), 200);
    cairo_surface_destroy(img);
    img = gfx_png_load_fit(path, 100, 100, 1, err, sizeof err);   /* width bound */
    assert_int_equal(cairo_image_surface_get_width(img), 100);
    assert_int_equal(cairo_image_surface_get_height(img), 25);
    cairo_surface_destroy(img);
    img = gfx_png_load_fit(path, 1000, 75, 2, err, sizeof err);   /* height bound, enlarged */
    assert_int_equal(cairo_image_surface_get_width(img), 300);
    assert_int_equal(cairo_image_surface_get_height(img), 75);
    cairo_surface_destroy(img);
    img = gfx_png_load_fit(path, 1000, 1000, 2, err, sizeof err); /* at most max_scale */
    assert_int_equal(cairo_image_surface_get_width(img), 400);
    cairo_surface_destroy(img);
    img = gfx_png_load_fit(path, 1, 1, 1, err, sizeof err);       /* never below 1 x 1 */
    assert_int_equal(cairo_image_surface_get_width(img), 1);
    assert_int_equal(cairo_image_surface_get_height(img), 1);
    cairo_surface_destroy(img);
    assert_true(gfx_fit_scale(200, 50, 110, 44, 1e9) == 0.55);
    tu_rmrf(dir);
    free(dir);

    /* The QR matrix is libqrencode's at level M, case-sensitive. */
    unsigned char *m;
    int n;
    assert_int_equal(gfx_qr("CK1:HELLO 45", &m, &n), 0);
    QRcode *q = QRcode_encodeString("CK1:HELLO 45", 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_int_equal(n, q->width);
    for (int i = 0; i < n * n; i++)
        assert_int_equal(m[i], q->data[i] & 1);
    QRcode_free(q);
    free(m);
    char huge[8000];
    memset(huge, 'x', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    assert_int_equal(gfx_qr(huge, &m, &n), -1);
    assert_null(m);
    assert_int_equal(n, 0);
}

/* printer_escpos_picture: premultiplied ARGB on white paper, black and
 * white exact, transparent is paper, centred in the paper width. */
static void test_escpos_picture(void **state)
{
    (void)state;
    uint32_t px[2][4] = {{0xFF000000u, 0xFFFFFFFFu, 0x00000000u, 0x80000000u},
                         {0xFF000000u, 0xFF000000u, 0xFFFFFFFFu, 0x00000000u}};
    printer_buf b;
    printer_buf_init(&b);
    assert_int_equal(printer_escpos_picture(&b, &px[0][0], 4, 2, 16, 16), 0);
    /* GS v 0, 2 bytes wide, 2 rows; the picture at columns 6..9. */
    assert_int_equal(b.len, 8 + 4);
    static const uint8_t want[12] = {0x1D, 'v', '0', 0, 2, 0, 2, 0,
                                     0x02, 0x40,  /* row 0: black at x 6; x 9 (half grey) dithered black */
                                     0x03, 0x00}; /* row 1: black at x 6 and 7 */
    assert_memory_equal(b.data, want, 12);
    /* Too wide for the paper, or empty: nothing. */
    assert_int_equal(printer_escpos_picture(&b, &px[0][0], 4, 2, 16, 3), -1);
    assert_int_equal(printer_escpos_picture(&b, &px[0][0], 0, 2, 16, 16), -1);
    assert_int_equal(b.len, 12);
    printer_buf_free(&b);
}

/* With [institution] logo set, the printed ESC/POS job starts with the
 * logo as its own raster (before any text and before the QR), at most 60%
 * of the paper wide and centred; the QR still decodes. Without a logo, or
 * with an unreadable one, the job is exactly receipt_escpos's. */
static void test_escpos_logo(void **state)
{
    fixture *fx = *state;
    tu_need("zbarimg");
    receipt r;
    char err[512], path[4200], logo[4200];
    build(fx, &fx->att, &r);
    static const int sizes[3][2] = {{400, 120}, {60, 200}, {2000, 600}};
    for (int mm = 58; mm <= 80; mm += 22)
        for (int k = 0; k < 3; k++) {
            int dots = mm == 58 ? 384 : 576;
            snprintf(logo, sizeof logo, "%s/logo-%d.png", fx->dir, k);
            write_logo(logo, sizes[k][0], sizes[k][1]);
            config c = fx->cfg;
            snprintf(c.logo, sizeof c.logo, "%s", logo);
            c.printer_width = mm;
            snprintf(path, sizeof path, "%s/lp-logo-%d-%d", fx->dir, mm, k);
            snprintf(c.printer_uri, sizeof c.printer_uri, "escpos+file:%s", path);
            if (receipt_print(&r, &c, err, sizeof err) != 0)
                fail_msg("print: %s", err);
            size_t len;
            uint8_t *job = slurp(path, &len);
            decoded d;
            decode_escpos(job, len, &d);
            assert_int_equal(d.init, 1);
            assert_int_equal(d.cut, 1);
            assert_int_equal(d.width, dots);
            assert_int_equal(d.rasters, 2);          /* the logo, then the QR */
            assert_int_equal(d.text_before[0], 0);   /* the logo comes first */
            assert_true(d.text_before[1] > 0);
            assert_true(d.raster_h[0] > 0 && d.raster_h[0] <= dots * 2 / 5 + 1);
            /* The logo's black dots: within 60% of the paper, centred. */
            int x0 = dots, x1 = -1;
            for (int y = 0; y < d.raster_h[0]; y++)
                for (int x = 0; x < dots; x++)
                    if (d.img[(size_t)y * (size_t)dots + (size_t)x]) {
                        x0 = x < x0 ? x : x0;
                        x1 = x > x1 ? x : x1;
                    }
            assert_true(x1 >= x0);
            assert_true(x1 - x0 + 1 <= dots * 3 / 5 + 1);
            assert_true(x0 >= dots / 5 - 2 && x1 <= dots - dots / 5 + 2);
            snprintf(path, sizeof path, "%s/escpos-logo-%d-%d.pgm", fx->dir, mm, k);
            write_pgm(&d, path);
            char *got = zbar(path);
            assert_string_equal(got, r.payload);
            free(got);
            /* The rest of the job is receipt_escpos's, byte for byte. */
            uint8_t *plain;
            size_t plen;
            assert_int_equal(receipt_escpos(&r, mm, &plain, &plen), 0);
            assert_true(plen < len);
            size_t extra = len - plen, head = d.raster_at[0]; /* ESC @, ESC t 19 */
            assert_int_equal(head, 5);
            assert_memory_equal(plain, job, head);
            assert_memory_equal(plain + head, job + head + extra, plen - head);
            assert_int_equal(job[head + extra - 1], '\n'); /* a blank line after the logo */
            free(plain);
            free(d.img);
            free(job);
        }
    /* No logo, or an unreadable one: the plain job. */
    for (int k = 0; k < 3; k++) {
        config c = fx->cfg;
        c.printer_width = 58;
        snprintf(c.logo, sizeof c.logo, "%s", k == 0 ? "" : k == 1 ? "/nonexistent/logo.png" : tu_src("README.md"));
        snprintf(path, sizeof path, "%s/lp-nologo-%d", fx->dir, k);
        snprintf(c.printer_uri, sizeof c.printer_uri, "escpos+file:%s", path);
        assert_int_equal(receipt_print(&r, &c, err, sizeof err), 0);
        size_t len, plen;
        uint8_t *job = slurp(path, &len), *plain;
        assert_int_equal(receipt_escpos(&r, 58, &plain, &plen), 0);
        assert_int_equal(len, plen);
        assert_memory_equal(job, plain, len);
        free(plain);
        free(job);
    }
}

static void test_print_uris(void **state)
{
    fixture *fx = *state;
    tu_need("zbarimg");
    receipt r;
    char err[512], path[4200];
    build(fx, &fx->att, &r);
    config c = fx->cfg;
    snprintf(c.printer_uri, sizeof c.printer_uri, "none");
    assert_int_equal(receipt_print(&r, &c, err, sizeof err), 0);
    snprintf(c.printer_uri, sizeof c.printer_uri, "png:%s", fx->dir);
    assert_int_equal(receipt_print(&r, &c, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/%s.png", fx->dir, r.folio);
    char *got = zbar(path);
    assert_string_equal(got, r.payload);
    free(got);
    snprintf(c.printer_uri, sizeof c.printer_uri, "escpos+file:%s/lp0", fx->dir);
    c.printer_width = 58;
    assert_int_equal(receipt_print(&r, &c, err, sizeof err), 0);
    snprintf(c.printer_uri, sizeof c.printer_uri, "escpos+file:/dev/usb/ck-missing-lp");
    assert_int_equal(receipt_print(&r, &c, err, sizeof err), -1);
    snprintf(c.printer_uri, sizeof c.printer_uri, "smb://x");
    assert_int_equal(receipt_print(&r, &c, err, sizeof err), -1);
    /* No signing key: a clear error, no payload. */
    char other[4200];
    snprintf(other, sizeof other, "%s/none.db", fx->dir);
    assert_int_equal(receipt_build(fx->s, &fx->cfg, other, &fx->att, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "none.db.key"));
}

/* ---- command line, two kiosks ---- */

static char *run_ok(const char *const *argv)
{
    char *out, *err;
    int rc = tu_run(&out, &err, argv);
    if (rc != 0)
        fail_msg("%s %s %s %s: exit %d: %s", argv[0], argv[1], argv[2], argv[3] ? argv[3] : "", rc, err);
    free(err);
    return out;
}

/* Runs verify on db; returns the exit status, stderr into *err. */
static int run_verify(const char *db, const char *payload, char **out, char **err)
{
    const char *argv[] = {"--db", db, "verify", payload, NULL};
    return tu_run(out, err, argv);
}

static void test_cli_two_kiosks(void **state)
{
    (void)state;
#ifndef CK_TEST_HOOKS
    skip(); /* fakes the clock with CEPCI_NOW: a test build (CK_TEST_HOOKS=ON) only */
#endif
    tu_need("zbarimg");
    char *dir = tu_tmpdir(), a[4200], b[4200], keyfile[4200], png[4200], lp[4200], cfgpath[4200];
    snprintf(a, sizeof a, "%s/a.db", dir);
    snprintf(b, sizeof b, "%s/b.db", dir);
    snprintf(keyfile, sizeof keyfile, "%s/keys-a.txt", dir);
    snprintf(png, sizeof png, "%s/r.png", dir);
    snprintf(lp, sizeof lp, "%s/lp0", dir);
    setenv("CEPCI_NOW", "1602779520", 1);

    free(run_ok((const char *[]){"--db", a, "init", "--institution", "El Colegio de Prueba", "--unit", "SCLC", NULL}));
    free(run_ok((const char *[]){"--db", b, "init", "--institution", "El Colegio de Prueba", "--unit", "CHE", NULL}));
    const char csv[] = "numero_empleado,nombre,primer_apellido,segundo_apellido,unidad\n"
                       "12345678,José,Peña,Íñiguez,SCLC\n";
    char *csvpath = tu_write(dir, "roster.csv", csv, strlen(csv));
    free(run_ok((const char *[]){"--db", a, "roster", "import", csvpath, NULL}));
    char *ev = run_ok((const char *[]){"--db", a, "event", "add", "--title", "Plática de integridad", "--kind",
                                        "platica", "--topics", "integridad", "--unit", "SCLC", "--start",
                                        "2020-10-15 10:00", "--no-signature", NULL});
    ev[strcspn(ev, "\n")] = '\0';
    free(run_ok((const char *[]){"--db", a, "event", "open", ev, NULL}));
    char *out = run_ok((const char *[]){"--db", a, "checkin", ev, "12345678", NULL});
    /* Line 1 the folio, line 2 the payload. */
    char *nl = strchr(out, '\n');
    assert_non_null(nl);
    *nl = '\0';
    char folio[64], payload[RECEIPT_PAYLOAD_MAX];
    snprintf(folio, sizeof folio, "%s", out);
    snprintf(payload, sizeof payload, "%s", nl + 1);
    payload[strcspn(payload, "\n")] = '\0';
    free(out);
    assert_memory_equal(payload, "CK2:", 4);

    char *err;
    /* This kiosk knows itself. */
    assert_int_equal(run_verify(a, payload, &out, &err), 0);
    assert_non_null(strstr(out, folio));
    assert_non_null(strstr(out, "José Peña Íñiguez"));
    assert_non_null(strstr(out, "Plática de integridad"));
    free(out), free(err);
    /* The other kiosk does not know the key yet. */
    assert_int_equal(run_verify(b, payload, &out, &err), 1);
    assert_non_null(strstr(err, "llave de quiosco desconocida")); /* the command line speaks Spanish */
    assert_int_equal(strchr(err, '\n') - err, (long)strlen(err) - 1); /* one line */
    free(out), free(err);

    /* keys export: public keys only. */
    free(run_ok((const char *[]){"--db", a, "keys", "export", keyfile, NULL}));
    size_t klen, sklen;
    char *keys = util_read_file(keyfile, &klen), keypath[4300];
    snprintf(keypath, sizeof keypath, "%s.key", a);
    char *sk = util_read_file(keypath, &sklen);
    assert_int_equal(sklen, 64);
    char b64[128];
    sodium_bin2base64(b64, sizeof b64, (unsigned char *)sk, 64, sodium_base64_VARIANT_ORIGINAL);
    assert_null(strstr(keys, b64));
    sodium_bin2base64(b64, sizeof b64, (unsigned char *)sk, 32, sodium_base64_VARIANT_ORIGINAL); /* the seed */
    assert_null(strstr(keys, b64));
    sodium_bin2base64(b64, sizeof b64, (unsigned char *)sk + 32, 32, sodium_base64_VARIANT_ORIGINAL); /* pk */
    assert_non_null(strstr(keys, b64));
    free(sk);

    /* keys import on the other kiosk, then verify works there. */
    out = run_ok((const char *[]){"--db", b, "keys", "import", keyfile, NULL});
    assert_non_null(strstr(out, "1 nuevas"));
    free(out);
    out = run_ok((const char *[]){"--db", b, "keys", "import", keyfile, NULL}); /* again: nothing new */
    assert_non_null(strstr(out, "0 nuevas"));
    free(out);
    assert_int_equal(run_verify(b, payload, &out, &err), 0);
    assert_non_null(strstr(out, folio));
    assert_non_null(strstr(out, "12345678"));
    free(out), free(err);
    /* Tampered payloads are rejected there too (a sample of positions). */
    size_t n = strlen(payload);
    for (size_t i = 0; i < n; i += 7) {
        char m[RECEIPT_PAYLOAD_MAX];
        snprintf(m, sizeof m, "%s", payload);
        m[i] = m[i] == 'A' ? 'B' : 'A';
        assert_int_equal(run_verify(b, m, &out, &err), 1);
        assert_string_equal(out, "");
        assert_non_null(strstr(err, "cepci-kiosk: "));
        assert_int_equal(strchr(err, '\n') - err, (long)strlen(err) - 1);
        free(out), free(err);
    }
    /* Bad key files name the line; a different key for a known kiosk is refused. */
    const char bad[] = "# keys\nCKKEY1\tABCDEFG\tnot-base64\tSCLC\tX\n";
    char *badpath = tu_write(dir, "bad.txt", bad, strlen(bad));
    const char *imp[] = {"--db", b, "keys", "import", badpath, NULL};
    assert_int_equal(tu_run(NULL, &err, imp), 1);
    char want[4300];
    snprintf(want, sizeof want, "%s:2: bad public key", badpath);
    assert_non_null(strstr(err, want));
    free(err);
    char *bkeys = run_ok((const char *[]){"--db", b, "keys", "export", NULL});
    assert_int_equal(strstr(bkeys, "CKKEY1") != NULL, 1);
    char *line2 = strstr(strstr(bkeys, "CKKEY1") + 1, "CKKEY1"); /* b exports both kiosks */
    assert_non_null(line2);
    /* Forge: kiosk a's id with kiosk b's key. */
    char kida[8], forged[512];
    memcpy(kida, strchr(keys, '\t') ? strstr(keys, "CKKEY1\t") + 7 : "", 7);
    kida[7] = '\0';
    char *bline = strstr(bkeys, "CKKEY1");
    if (strncmp(bline + 7, kida, 7) == 0)
        bline = line2;
    char *bkey = strchr(bline + 7, '\t') + 1;
    snprintf(forged, sizeof forged, "CKKEY1\t%s\t%.*s\n", kida, (int)strcspn(bkey, "\t"), bkey);
    char *forgedpath = tu_write(dir, "forged.txt", forged, strlen(forged));
    const char *imp2[] = {"--db", b, "keys", "import", forgedpath, NULL};
    assert_int_equal(tu_run(NULL, &err, imp2), 1);
    assert_non_null(strstr(err, ":1: "));
    assert_non_null(strstr(err, "no se reemplaza"));
    free(err);
    assert_int_equal(run_verify(b, payload, &out, &err), 0); /* still the genuine key */
    free(out), free(err);

    /* receipt FOLIO --png: the QR scans to the same payload. */
    free(run_ok((const char *[]){"--db", a, "receipt", folio, "--png", png, NULL}));
    char *got = zbar(png);
    assert_string_equal(got, payload);
    free(got);
    /* receipt FOLIO --print to a file printer, and to a missing TCP printer. */
    char cfg[4400];
    snprintf(cfg, sizeof cfg, "[printer]\nuri = escpos+file:%s\nwidth = 58\n", lp);
    char *cfgp = tu_write(dir, "kiosk.ini", cfg, strlen(cfg));
    snprintf(cfgpath, sizeof cfgpath, "%s", cfgp);
    free(run_ok((const char *[]){"--db", a, "--config", cfgpath, "receipt", folio, "--print", NULL}));
    size_t jl;
    char *job = util_read_file(lp, &jl);
    assert_non_null(job);
    decoded d;
    decode_escpos((uint8_t *)job, jl, &d);
    char utf8[16384], pgm[4300];
    cp858_to_utf8(d.text, utf8, sizeof utf8);
    assert_non_null(strstr(utf8, "José Peña Íñiguez"));
    assert_non_null(strstr(utf8, "Plática de integridad"));
    snprintf(pgm, sizeof pgm, "%s/lp0.pgm", dir);
    write_pgm(&d, pgm);
    got = zbar(pgm);
    assert_string_equal(got, payload);
    free(got);
    free(d.img);
    free(job);
    snprintf(cfg, sizeof cfg, "[printer]\nuri = escpos+tcp://127.0.0.1:1\n");
    free(cfgp);
    cfgp = tu_write(dir, "kiosk.ini", cfg, strlen(cfg));
    const char *pr[] = {"--db", a, "--config", cfgp, "receipt", folio, "--print", NULL};
    assert_int_equal(tu_run(NULL, &err, pr), 1);
    assert_non_null(strstr(err, "impresora: "));
    free(err);
    /* The record is still there to reprint. */
    out = run_ok((const char *[]){"--db", a, "receipt", folio, NULL});
    assert_non_null(strstr(out, "Folio: "));
    assert_non_null(strstr(out, payload));
    free(out);

    unsetenv("CEPCI_NOW");
    free(cfgp), free(keys), free(bkeys), free(csvpath), free(ev), free(badpath), free(forgedpath);
    tu_tmpdir_done(dir);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_build_and_verify, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(test_payload_sizes, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(test_payload_decode, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(test_folio_of_another_kiosk, setup, tu_teardown),
        cmocka_unit_test(test_gfx),
        cmocka_unit_test_setup_teardown(test_every_mutation_fails, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(test_qr_mode, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(test_png_qr_decodes, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(test_escpos_decodes, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(test_print_uris, setup, tu_teardown),
        cmocka_unit_test(test_escpos_picture),
        cmocka_unit_test_setup_teardown(test_escpos_logo, setup, tu_teardown),
        cmocka_unit_test(test_cli_two_kiosks),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
