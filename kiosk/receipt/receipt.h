/* receipt.h — receipts (SPEC "Receipts"): the receipt model built from a
 * record of the store (receipt.c), its renderings as a QR matrix, a PNG and
 * an ESC/POS job, and printing (receipt_render.c). The signed QR payload
 * it carries is payload.h's. */
#ifndef CK_RECEIPT_H
#define CK_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "payload.h"
#include "store.h"

/* ---- the model (receipt.c) ---- */

/* What a receipt says, every field UTF-8 and ready to show. */
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

/* Builds and signs the receipt of record r (attendance or pledge) with the
 * key of the database at db_path. Returns 0, or -1 with one line in err. */
int receipt_build(store *s, const config *c, const char *db_path, const store_record *r, receipt *out,
                  char *err, size_t errlen);

/* Verifies a payload against the public keys in the database. Returns 0 and
 * fills *f for a genuine payload; -1 with a one-line reason in err for a bad
 * signature, an unknown kiosk, or a malformed or truncated payload. */
int receipt_verify(store *s, const char *payload, receipt_fields *f, char *err, size_t errlen);

/* Receipt kind of a store_record type: "Comprobante de asistencia" or
 * "Carta Compromiso". */
const char *receipt_kind_name(int type);

/* ---- renderings and printing (receipt_render.c) ---- */

/* QR matrix of payload (error correction M): *modules gets a malloc'd
 * size*size array of 0/1 bytes (caller frees). Returns 0 or -1. */
int receipt_qr(const char *payload, unsigned char **modules, int *size);

/* Renders the receipt as a PNG file (mode 0600). Returns 0 or -1 + err. */
int receipt_render_png(const receipt *r, const config *c, const char *path, char *err, size_t errlen);

/* ESC/POS job for a 58 or 80 mm printer (without the logo): *out gets a
 * malloc'd buffer the caller frees and *len its size. Returns 0, or -1
 * (with *out NULL) when the QR cannot be encoded or memory runs out. */
int receipt_escpos(const receipt *r, int width_mm, uint8_t **out, size_t *len);

/* Sends the receipt to the printer of c->printer_uri (escpos+file:,
 * escpos+tcp://, cups:, png:, none). Returns 0, or -1 within a few seconds
 * with a one-line reason in err (the record itself is already saved). */
int receipt_print(const receipt *r, const config *c, char *err, size_t errlen);

#endif
