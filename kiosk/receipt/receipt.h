/* receipt.h — receipts (SPEC "Receipts"): the signed QR payload, the
 * receipt model, and its renderings (PNG, ESC/POS) and printing.
 *
 * Payload: "CK1:" + base45(record || Ed25519 signature) where record is a
 * compact, versioned binary record (type, record UUID, employee number, event
 * id or Carta hash prefix, time, kiosk id). The signature is by the kiosk key
 * (keys.h); verification needs only the public key. */
#ifndef CK_RECEIPT_H
#define CK_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#define RECEIPT_PAYLOAD_MAX 512

typedef struct receipt {
    char institution[160];
    char committee[160];        /* e.g. "Comité de Ética" ("" for none) */
    char kind[64];              /* "Comprobante de asistencia" / "Carta Compromiso" */
    char name[400];             /* full name, or the guest's typed name */
    char employee_no[64];       /* "" for a guest */
    char unit_name[128];
    char event_title[256];      /* attendance */
    char event_date[64];        /* attendance: date of the event */
    char carta_prefix[20];      /* pledge: first 16 hex chars of the Carta hash */
    char local_time[64];        /* time of the record in the unit's zone */
    char folio[STORE_FOLIO_LEN];
    char payload[RECEIPT_PAYLOAD_MAX]; /* the QR text */
} receipt;

/* Decoded payload fields. */
typedef struct receipt_fields {
    int type;                   /* 1 = attendance, 2 = pledge */
    char record_uuid[UTIL_UUID_LEN];
    char employee_no[64];       /* "" for a guest */
    char event_id[UTIL_UUID_LEN];   /* attendance */
    char carta_prefix[20];      /* pledge */
    int64_t at;
    char kiosk_id[STORE_KIOSK_ID_LEN];  /* the kiosk whose key signed */
    /* Added with the implementation: */
    int version;                /* record format version (1) */
    char folio[STORE_FOLIO_LEN];    /* folio of the record ("KIOSKID-NNNNNN") */
} receipt_fields;

/* Record types in the payload. */
enum { RECEIPT_ATTENDANCE = 1, RECEIPT_PLEDGE = 2 };

/* Builds and signs the receipt of record r (attendance or pledge) with the
 * key of the database at db_path. Returns 0, or -1 with one line in err. */
int receipt_build(store *s, const config *c, const char *db_path, const store_record *r, receipt *out,
                  char *err, size_t errlen);

/* Verifies a payload against the public keys in the database. Returns 0 and
 * fills *f for a genuine payload; -1 with a one-line reason in err for a bad
 * signature, an unknown kiosk, or a malformed or truncated payload. */
int receipt_verify(store *s, const char *payload, receipt_fields *f, char *err, size_t errlen);

/* QR matrix of payload (error correction M): *modules gets a malloc'd
 * size*size array of 0/1 bytes (caller frees). Returns 0 or -1. */
int receipt_qr(const char *payload, unsigned char **modules, int *size);

/* Renders the receipt as a PNG file (mode 0600). Returns 0 or -1 + err. */
int receipt_render_png(const receipt *r, const config *c, const char *path, char *err, size_t errlen);

/* ESC/POS job for a 58 or 80 mm printer into a malloc'd buffer. */
int receipt_escpos(const receipt *r, int width_mm, uint8_t **out, size_t *len);

/* Sends the receipt to the printer of c->printer_uri (escpos+file:,
 * escpos+tcp://, cups:, png:, none). Returns 0, or -1 within a few seconds
 * with a one-line reason in err (the record itself is already saved). */
int receipt_print(const receipt *r, const config *c, char *err, size_t errlen);

/* ---- lower-level pieces (tests, benchmark, other tools) ---- */

/* Encodes and signs f (type, record_uuid, employee_no, event_id or
 * carta_prefix, at, kiosk_id = the signer, folio) with secret key sk into
 * out[RECEIPT_PAYLOAD_MAX] as "CK1:" + base45(record || signature). Returns
 * 0, or -1 with a one-line reason in err for a field that cannot be encoded
 * (bad UUID, folio, kiosk id, time outside 1970..2106, employee number). */
int receipt_payload_sign(const receipt_fields *f, const unsigned char sk[64], char *out, size_t outlen,
                         char *err, size_t errlen);

/* Verifies a payload against one public key pk (the store is not used).
 * Same results and messages as receipt_verify, except the key lookup. */
int receipt_verify_key(const char *payload, const unsigned char pk[32], receipt_fields *f, char *err,
                       size_t errlen);

/* Receipt kind of a store_record type: "Comprobante de asistencia" or
 * "Carta Compromiso". */
const char *receipt_kind_name(int type);

#endif
