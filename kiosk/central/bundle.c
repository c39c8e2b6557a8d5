/* bundle.c — USB bundles (see central.h): the same chains a sync carries,
 * in a file signed by the kiosk that made it, for a unit with no network.
 *
 * File: "CKBUNDLE1 KIOSK SIGNATURE\n" then the payload (JSON). The
 * signature (Ed25519, base64) is over the message
 *   "CKB1\n" KIOSK "\n" SHA-256(payload) as hex "\n"
 * so any byte of the payload or of the kiosk id changed, a signature from
 * another key, or an unknown kiosk refuses the whole file before anything
 * is read from it. The chains inside carry their own signed heads. */
#include "central_int.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "util.h"

#define BUNDLE_TAG "CKBUNDLE1"

/* The message signed for payload of kiosk. */
static size_t bundle_message(const char *kiosk, const char *payload, size_t len, char out[128])
{
    char hex[UTIL_SHA256_HEX];
    util_sha256_hex(payload, len, hex);
    int n = snprintf(out, 128, "CKB1\n%s\n%s\n", kiosk, hex);
    return n > 0 ? (size_t)n : 0;
}

int central_bundle_export(store *s, const char *db_path, const char *path, int64_t now, central_bundle_info *info,
                          char *err, size_t errlen)
{
    unsigned char sk[KEYS_SECRET_BYTES], sig[64];
    char kerr[512], msg[128], b64[128];
    char *json = NULL, *file = NULL;
    int rc = -1;
    memset(info, 0, sizeof *info);
    if (keys_load_secret(db_path, sk, kerr, sizeof kerr) != 0 || keys_signer_install(s, db_path, kerr, sizeof kerr) != 0)
        return central_fail(err, errlen, "sin la clave de firma de este quiosco no se puede firmar el paquete: %s",
                            kerr);
    if (store_bundle_build(s, now, &json) != STORE_OK) {
        central_fail(err, errlen, "no se pudo preparar el paquete: %s", store_errmsg(s));
        goto out;
    }
    size_t len = strlen(json);
    size_t m = bundle_message(store_kiosk_id(s), json, len, msg);
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, m, sk);
    sodium_bin2base64(b64, sizeof b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    size_t head = strlen(BUNDLE_TAG) + strlen(store_kiosk_id(s)) + strlen(b64) + 3;
    if (!(file = malloc(head + len + 1))) {
        central_fail(err, errlen, "sin memoria para el paquete");
        goto out;
    }
    snprintf(file, head + 1, "%s %s %s\n", BUNDLE_TAG, store_kiosk_id(s), b64);
    memcpy(file + head, json, len + 1);
    if (util_write_file_atomic(path, file, head + len) != 0) {
        central_fail(err, errlen, "%s: no se pudo escribir: %s", path, strerror(errno));
        goto out;
    }
    util_strlcpy(info->kiosk, store_kiosk_id(s), sizeof info->kiosk);
    info->bytes = head + len;
    rc = 0;
out:
    sodium_memzero(sk, sizeof sk);
    free(json);
    free(file);
    return rc;
}

/* Reads a bundle file: the kiosk and signature of its first line, and its
 * payload (pointing into *buf, which the caller frees). */
static int bundle_read(const char *path, char **buf, const char **payload, size_t *len, char kiosk[STORE_KIOSK_ID_LEN],
                       unsigned char sig[64], char *err, size_t errlen)
{
    size_t n;
    *buf = util_read_file(path, &n);
    if (!*buf)
        return central_fail(err, errlen, "%s: no se puede leer: %s", path, strerror(errno));
    char *nl = memchr(*buf, '\n', n < 256 ? n : 256);
    char tag[16] = "", k[16] = "", b64[128] = "";
    size_t sl = 0;
    if (!nl || (*nl = '\0', sscanf(*buf, "%15s %15s %127s", tag, k, b64) != 3) || strcmp(tag, BUNDLE_TAG) != 0 ||
        strlen(k) != STORE_KIOSK_ID_LEN - 1 || !util_is_token(k) ||
        sodium_base642bin(sig, 64, b64, strlen(b64), NULL, &sl, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        sl != 64)
        return central_fail(err, errlen, "%s: no es un paquete de cepci-kiosk (primera línea " BUNDLE_TAG
                            " QUIOSCO FIRMA); no se importó nada", path);
    memcpy(kiosk, k, STORE_KIOSK_ID_LEN);
    *payload = nl + 1;
    *len = n - (size_t)(nl + 1 - *buf);
    return 0;
}

/* 0 if sig is kiosk's signature of payload with public key pk. */
static int bundle_check(const char *kiosk, const char *payload, size_t len, const unsigned char sig[64],
                        const unsigned char pk[32])
{
    char msg[128];
    size_t m = bundle_message(kiosk, payload, len, msg);
    return crypto_sign_verify_detached(sig, (const unsigned char *)msg, m, pk) == 0 ? 0 : -1;
}

int central_bundle_import(store *s, const char *path, int64_t now, store_sync_counts *n, central_bundle_info *info,
                          char *err, size_t errlen)
{
    char *buf = NULL;
    const char *payload;
    size_t len;
    unsigned char sig[64], pk[32];
    int rc = -1;
    memset(info, 0, sizeof *info);
    if (bundle_read(path, &buf, &payload, &len, info->kiosk, sig, err, errlen) != 0)
        goto out;
    info->bytes = len;
    int k = store_key_get(s, info->kiosk, pk);
    if (k == STORE_NOTFOUND) {
        central_fail(err, errlen, "%s: el paquete es del quiosco %s, desconocido aquí (importe su clave con: "
                     "cepci-kiosk keys import ARCHIVO); no se importó nada", path, info->kiosk);
        goto out;
    }
    if (k) {
        central_fail(err, errlen, "%s: %s", path, store_errmsg(s));
        goto out;
    }
    if (bundle_check(info->kiosk, payload, len, sig, pk) != 0 || strlen(payload) != len) {
        central_fail(err, errlen, "%s: la firma del quiosco %s no corresponde al contenido: el archivo fue "
                     "modificado o dañado; no se importó nada", path, info->kiosk);
        goto out;
    }
    if (store_bundle_apply(s, payload, info->kiosk, now, n) != STORE_OK) {
        central_fail(err, errlen, "%s: paquete rechazado, no se importó nada: %s", path, store_errmsg(s));
        goto out;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}

int central_import(const char *url, const char *path, int64_t *stored, int64_t *chains, char *err, size_t errlen)
{
    static const char sql_heads[] =
        "SELECT c->>'kiosk', c->>'epoch', h->>'seq', h->>'hash', h->>'signed_at', h->>'signature', "
        "encode(k.public_key, 'hex') FROM jsonb_array_elements($1::jsonb->'chains') c "
        "CROSS JOIN jsonb_array_elements(c->'heads') h LEFT JOIN ck.kiosk k ON k.id = c->>'kiosk'";
    static const char sql_ingest[] =
        "SELECT b.kiosk, r->>'status', r->>'ack', r->'stored'->>'entries', r->>'reason', r->>'position' "
        "FROM ck.bundle_batches($1::jsonb) b, LATERAL ck.ingest(b.batch) r ORDER BY b.n";
    central_conn c = {0};
    char *buf = NULL, kiosk[STORE_KIOSK_ID_LEN];
    const char *payload;
    size_t len;
    unsigned char sig[64], pk[32];
    int rc = -1;
    *stored = *chains = 0;
    if (bundle_read(path, &buf, &payload, &len, kiosk, sig, err, errlen) != 0)
        goto out;
    if (strlen(payload) != len) {
        central_fail(err, errlen, "%s: el archivo está dañado (contiene bytes nulos); no se importó nada", path);
        goto out;
    }
    if (central_conn_open(&c, url, err, errlen) != 0)
        goto out;
    const char *kp[] = {kiosk};
    PGresult *res = central_query(&c, "SELECT encode(public_key, 'hex') FROM ck.kiosk WHERE id = $1", 1, kp, err,
                                  errlen);
    if (!res)
        goto out;
    size_t bl = 0;
    int known = PQntuples(res) == 1 &&
                sodium_hex2bin(pk, sizeof pk, central_val(res, 0, 0), 64, NULL, &bl, NULL) == 0 && bl == 32;
    PQclear(res);
    if (!known) {
        central_fail(err, errlen, "%s: el paquete es del quiosco %s, que no está inscrito en la central (cepci-kiosk "
                     "central enroll); no se importó nada", path, kiosk);
        goto out;
    }
    if (bundle_check(kiosk, payload, len, sig, pk) != 0) {
        central_fail(err, errlen, "%s: la firma del quiosco %s no corresponde al contenido: el archivo fue modificado "
                     "o dañado; no se importó nada", path, kiosk);
        goto out;
    }
    /* Every chain's signed heads, with the enrolled keys. */
    const char *pp[] = {payload};
    if (!(res = central_query(&c, sql_heads, 1, pp, err, errlen))) {
        central_fail(err, errlen, "%s: el contenido del paquete no es válido; no se importó nada", path);
        goto out;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        unsigned char hs[64], hk[32];
        size_t sl = 0, kl = 0;
        char msg[512];
        const char *k = central_val(res, i, 0), *b64 = central_val(res, i, 5);
        if (PQgetisnull(res, i, 6)) {
            central_fail(err, errlen, "%s: el paquete trae la cadena del quiosco %s, que no está inscrito en la "
                         "central; no se importó nada", path, k);
            PQclear(res);
            goto out;
        }
        store_head head;
        util_strlcpy(head.kiosk_id, k, sizeof head.kiosk_id);
        util_strlcpy(head.epoch, central_val(res, i, 1), sizeof head.epoch);
        head.pos = strtoll(central_val(res, i, 2), NULL, 10);
        util_strlcpy(head.hash, central_val(res, i, 3), sizeof head.hash);
        size_t m = store_head_message(&head, strtoll(central_val(res, i, 4), NULL, 10), msg, sizeof msg);
        if (sodium_base642bin(hs, sizeof hs, b64, strlen(b64), "\r\n ", &sl, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            sl != 64 || sodium_hex2bin(hk, sizeof hk, central_val(res, i, 6), 64, NULL, &kl, NULL) != 0 ||
            kl != 32 || crypto_sign_verify_detached(hs, (const unsigned char *)msg, m, hk) != 0) {
            central_fail(err, errlen, "%s: la cabeza firmada del quiosco %s en la posición %s no verifica con su "
                         "clave inscrita; no se importó nada", path, k, central_val(res, i, 2));
            PQclear(res);
            goto out;
        }
    }
    PQclear(res);
    if (central_command(&c, "BEGIN", err, errlen) != 0)
        goto out;
    if (!(res = central_query(&c, sql_ingest, 1, pp, err, errlen))) {
        char why[512], ignore[64];
        util_strlcpy(why, err, sizeof why);
        if (!central_conn_lost(&c))
            central_command(&c, "ROLLBACK", ignore, sizeof ignore);
        central_fail(err, errlen, "%s: la central rechazó el paquete, no se importó nada: %s", path, why);
        goto out;
    }
    char aside[512] = "";
    for (int i = 0; i < PQntuples(res); i++) {
        (*chains)++;
        if (strcmp(central_val(res, i, 1), "accepted") == 0)
            *stored += strtoll(central_val(res, i, 3), NULL, 10);
        else if (!aside[0])
            snprintf(aside, sizeof aside, "la central guardó aparte la cadena del quiosco %s (%s, posición %s); "
                     "vea: cepci-kiosk central audit verify", central_val(res, i, 0), central_val(res, i, 4),
                     central_val(res, i, 5));
    }
    PQclear(res);
    if (central_command(&c, "COMMIT", err, errlen) != 0)
        goto out;
    if (aside[0]) {
        central_fail(err, errlen, "%s: %s", path, aside);
        goto out;
    }
    rc = 0;
out:
    free(buf);
    central_conn_close(&c);
    return rc;
}
