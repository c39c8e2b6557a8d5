/* receipt.c — the receipt model: what a receipt says about a record of the
 * store (names, unit, event, local times in Spanish) and its signed
 * payload; and the check of a payload against the kiosk keys in the store
 * (see receipt.h). The payload codec is payload.c, the renderings
 * receipt_render.c. */
#include "receipt.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "util.h"

_Static_assert(RECEIPT_KIOSK_ID_LEN == STORE_KIOSK_ID_LEN, "payload.h and store.h disagree on kiosk ids");
_Static_assert(RECEIPT_FOLIO_LEN == STORE_FOLIO_LEN, "payload.h and store.h disagree on folios");

static int fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return -1;
}

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
        snprintf(tz, tzlen, "%s", u.timezone[0] ? u.timezone : CK_DEFAULT_TZ);
    } else if (cu) {
        snprintf(name, namelen, "%s", cu->name);
        snprintf(tz, tzlen, "%s", cu->timezone);
    } else {
        snprintf(name, namelen, "%s", code ? code : "");
        snprintf(tz, tzlen, "%s", CK_DEFAULT_TZ);
    }
}

int receipt_build(store *s, const config *c, const char *db_path, const store_record *r, receipt *out,
                  char *err, size_t errlen)
{
    unsigned char sk[KEYS_SECRET_BYTES];
    receipt_fields f;
    store_person p;
    store_event e;
    char tz[64] = CK_DEFAULT_TZ, unit_code[32] = "", scratch[128];
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

    /* The payload: the record, and its entry in the audit chain. */
    store_head entry;
    /* Only a record the kiosk key vouches for gets a signed receipt: one
     * put in by hand, with a consistent hash, would otherwise come out
     * with a genuine signature (a reprint by folio; the session-5 red
     * team). */
    if (store_record_entry(s, r->type, r->uuid, &entry) != STORE_OK ||
        store_record_vouched(s, r->type, r->uuid) != STORE_OK) {
        if (err && errlen)
            snprintf(err, errlen, "receipt: %s", store_errmsg(s));
        goto out;
    }
    f.chain_pos = entry.pos;
    snprintf(f.chain_hash, sizeof f.chain_hash, "%.16s", entry.hash);
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

int receipt_verify(store *s, const char *payload, receipt_fields *f, char *err, size_t errlen)
{
    unsigned char pk[32];
    receipt_fields tmp;
    memset(f, 0, sizeof *f);
    if (receipt_payload_decode(payload, &tmp, err, errlen) != 0)
        return -1;
    int rc = store_key_get(s, tmp.kiosk_id, pk);
    if (rc == STORE_NOTFOUND) {
        if (err && errlen)
            snprintf(err, errlen, "unknown kiosk key %s (import its keys with: cepci-kiosk keys import FILE)",
                     tmp.kiosk_id);
        return -1;
    }
    if (rc != STORE_OK) {
        if (err && errlen)
            snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    return receipt_verify_key(payload, pk, f, err, errlen);
}
