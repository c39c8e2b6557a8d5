/* payload.h — the signed QR payload of a receipt (SPEC "Receipts"):
 * "CK2:" + base45(record || Ed25519 signature), where record is a compact,
 * versioned binary record (type, record UUID, employee number, event id or
 * Carta hash prefix, time, the kiosk that wrote and signed it, folio, and
 * the record's position and hash prefix in its kiosk's audit chain). The
 * signature is by the kiosk key (keys.h); verification needs only the
 * public key. Payloads of version 1 ("CK1:", no chain position) verify
 * still.
 *
 * No store and no cairo here: this codec reads payloads written by any
 * kiosk. receipt.h checks them against the keys in a store. */
#ifndef CK_PAYLOAD_H
#define CK_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define RECEIPT_PAYLOAD_MAX 512
#define RECEIPT_KIOSK_ID_LEN 8      /* 7 Crockford base32 digits + NUL (as STORE_KIOSK_ID_LEN) */
#define RECEIPT_FOLIO_LEN 24        /* "KIOSKID-NNNNNN" + NUL (as STORE_FOLIO_LEN) */

/* Decoded payload fields. */
typedef struct receipt_fields {
    int type;                   /* 1 = attendance, 2 = pledge */
    char record_uuid[UTIL_UUID_LEN];
    char employee_no[64];       /* "" for a guest */
    char event_id[UTIL_UUID_LEN];   /* attendance */
    char carta_prefix[20];      /* pledge */
    int64_t at;
    char kiosk_id[RECEIPT_KIOSK_ID_LEN];  /* the kiosk whose key signed */
    /* Added with the implementation: */
    int version;                /* record format version: 2 (CK2:) or 1 (CK1:); 0 = 2 when signing */
    char folio[RECEIPT_FOLIO_LEN];    /* folio of the record ("KIOSKID-NNNNNN"), of kiosk_id */
    /* Version 2: the record's audit entry in its kiosk's chain. */
    int64_t chain_pos;          /* its position (1..2^32-1) */
    char chain_hash[17];        /* the first 16 hex digits of its hash */
} receipt_fields;

/* Record types in the payload. */
enum { RECEIPT_ATTENDANCE = 1, RECEIPT_PLEDGE = 2 };

/* Encodes and signs f (type, record_uuid, employee_no, event_id or
 * carta_prefix, at, kiosk_id = the signer, folio of that kiosk, and for
 * version 2 chain_pos and chain_hash) with secret key sk into
 * out[RECEIPT_PAYLOAD_MAX] as "CK2:" (or, version 1, "CK1:") +
 * base45(record || signature). Returns 0, or -1 with a one-line reason in
 * err for a field that cannot be encoded (bad UUID, folio or a folio of
 * another kiosk, kiosk id, time outside 1970..2106, employee number, chain
 * position). */
int receipt_payload_sign(const receipt_fields *f, const unsigned char sk[64], char *out, size_t outlen,
                         char *err, size_t errlen);

/* Decodes a payload into *f WITHOUT checking its signature (e.g. to learn
 * which kiosk's key must check it). Returns 0, or -1 with a one-line
 * reason in err for a malformed or truncated payload (*f then cleared). */
int receipt_payload_decode(const char *payload, receipt_fields *f, char *err, size_t errlen);

/* Verifies a payload against one public key pk. Returns 0 and fills *f for
 * a genuine payload; -1 with a one-line reason in err ("bad signature", or
 * why it is malformed or truncated, or a CK1 payload whose folio is not the
 * signing kiosk's) and *f cleared. */
int receipt_verify_key(const char *payload, const unsigned char pk[32], receipt_fields *f, char *err,
                       size_t errlen);

#endif
