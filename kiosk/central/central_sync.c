/* central_sync.c — `sync`: push this kiosk's chain to the central, then
 * pull what the other kiosks of its institution recorded (see central.h
 * and db/central/README.md, "Wire contract").
 *
 * 1. hello: the central's id and clock, what it holds of this kiosk's
 *    epoch, and the public keys of the institution's kiosks (stored here,
 *    so other kiosks' signed heads and receipts verify).
 * 2. reconcile: the acknowledged position becomes what the central says
 *    it holds (after a lost answer it may be ahead of ours); a database
 *    older than its chain at the central continues under a new epoch.
 * 3. push: batches of entries after the mark, each
 *    BEGIN; SELECT ck.ingest(batch); COMMIT — the mark moves only after
 *    COMMIT returned. A batch kept aside (quarantined) stops the sync with
 *    one line naming the reason and position; it is not retried in a loop
 *    (the next sync sends it again and the central stores it aside once).
 * 4. pull: pages of ck.pull from the stored cursor, each applied here in
 *    one transaction together with the new cursor. */
#include "central_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "util.h"

/* Stores the institution's public keys from hello ("kiosk\tkey\tunit"
 * lines); this kiosk's own must be the one enrolled. */
static int take_keys(store *s, const char *lines, const char *institution, int64_t now, char *err, size_t errlen)
{
    char *copy = strdup(lines), *save = NULL;
    int rc = 0;
    if (!copy)
        return central_fail(err, errlen, "sin memoria");
    for (char *line = strtok_r(copy, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
        char *f[3] = {line, NULL, NULL};
        for (int i = 1; i < 3; i++) {
            char *tab = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
            if (tab) {
                *tab = '\0';
                f[i] = tab + 1;
            }
        }
        unsigned char pk[32], have[32];
        size_t len = 0;
        if (!f[1] || sodium_base642bin(pk, sizeof pk, f[1], strlen(f[1]), NULL, &len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL) != 0 || len != 32)
            continue;
        int got = store_key_get(s, f[0], have);
        if (got == STORE_OK) {
            if (memcmp(have, pk, 32) != 0)
                rc = central_fail(err, errlen, "la central tiene inscrita otra clave pública para el quiosco %s que "
                                  "la que conoce esta base de datos; no se sincronizó nada", f[0]);
        } else if (got == STORE_NOTFOUND && strcmp(f[0], store_kiosk_id(s)) != 0) {
            if (store_key_put(s, f[0], pk, institution, f[2] ? f[2] : "", now) != STORE_OK)
                rc = central_fail(err, errlen, "no se pudo guardar la clave del quiosco %s: %s", f[0],
                                  store_errmsg(s));
        } else if (got != STORE_NOTFOUND) {
            rc = central_fail(err, errlen, "no se pudo leer las claves: %s", store_errmsg(s));
        }
    }
    free(copy);
    return rc;
}

/* The reasons a central gives for keeping a batch aside, for people. */
static const char *reason_text(const char *reason)
{
    if (strcmp(reason, "fork") == 0)
        return "la base de datos de este quiosco fue reescrita (difiere de lo que la central ya tiene)";
    if (strcmp(reason, "rollback") == 0)
        return "se borraron entradas de este quiosco después de llegar a la central";
    if (strcmp(reason, "link") == 0)
        return "la cadena de auditoría no enlaza";
    if (strcmp(reason, "hash") == 0)
        return "una entrada fue alterada";
    if (strcmp(reason, "root") == 0)
        return "esta base de datos reemplazó a la del quiosco";
    if (strcmp(reason, "version") == 0)
        return "una versión de una persona o de un evento cambia lo que el programa nunca cambia (el número de "
               "empleado, o algo más que el estado del evento): la entrada se escribió por fuera del programa";
    return reason;
}

/* Sends batch json (freed here) in its own transaction: BEGIN; ingest;
 * COMMIT. Returns 0 with *ack and *stored once COMMIT returned and the
 * central accepted it, or -1 with one line (a batch kept aside names its
 * reason and position). */
static int send_batch(store *s, central_conn *c, char *json, int64_t *ack, int64_t *stored, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT x->>'status', x->>'ack', x->'stored'->>'entries', x->>'reason', x->>'position', x->>'detail' "
        "FROM ck.ingest($1::jsonb) x";
    if (central_command(c, "BEGIN", err, errlen) != 0) {
        free(json);
        return -1;
    }
    const char *params[] = {json};
    PGresult *res = central_query(c, sql, 1, params, err, errlen);
    free(json);
    if (!res) {
        if (!central_conn_lost(c)) {
            char ignore[64];
            central_command(c, "ROLLBACK", ignore, sizeof ignore);
        }
        if (strcmp(c->sqlstate, "CK001") == 0)
            central_fail(err, errlen, "el quiosco %s no está inscrito en la central; inscríbalo con: cepci-kiosk "
                         "central enroll ARCHIVO (de keys export); no se guardó nada", store_kiosk_id(s));
        return -1;
    }
    char status[16], reason[32];
    util_strlcpy(status, central_val(res, 0, 0), sizeof status);
    *ack = strtoll(central_val(res, 0, 1), NULL, 10);
    *stored = strtoll(central_val(res, 0, 2), NULL, 10);
    long long position = strtoll(central_val(res, 0, 4), NULL, 10);
    util_strlcpy(reason, central_val(res, 0, 3), sizeof reason);
    PQclear(res);
    /* The answer counts only once COMMIT returned. */
    if (central_command(c, "COMMIT", err, errlen) != 0)
        return -1;
    if (strcmp(status, "accepted") != 0)
        return central_fail(err, errlen, "la central guardó aparte el envío de este quiosco (%s, posición %lld): "
                            "%s; no se aplicó nada de él. Avise a la persona coordinadora (cepci-kiosk central "
                            "audit verify)", reason, position, reason_text(reason));
    return 0;
}

/* Sends one batch of this epoch; on "accepted" after COMMIT the mark
 * moves. Returns 0, 1 when nothing was left to send, or -1. */
static int push_one(store *s, central_conn *c, central_sync_result *r, const central_sync_opts *o, int force_head,
                    char *err, size_t errlen)
{
    char *json = NULL;
    store_sync_batch_info b;
    int64_t ack = 0, stored = 0;
    int rc = store_sync_batch(s, r->central, o->batch > 0 ? o->batch : 5000, o->now, force_head, &json, &b);
    if (rc == STORE_NOTFOUND)
        return 1;
    if (rc)
        return central_fail(err, errlen, "no se pudo preparar el envío: %s", store_errmsg(s));
    if (send_batch(s, c, json, &ack, &stored, err, errlen) != 0)
        return -1;
    if (store_sync_acked(s, r->central, &b, ack) != STORE_OK)
        return central_fail(err, errlen, "la central confirmó la posición %lld pero no se pudo anotar aquí: %s; se "
                            "reenviará (sin duplicar)", (long long)ack, store_errmsg(s));
    r->pushed += stored;
    r->batches++;
    return b.entries == 0 ? 1 : 0;
}

/* Sends every batch left (force_head: a first one even when empty).
 * 0 or -1. */
static int push_all(store *s, central_conn *c, central_sync_result *r, const central_sync_opts *o, int force_head,
                    char *err, size_t errlen)
{
    for (;;) {
        int p = push_one(s, c, r, o, force_head, err, errlen);
        force_head = 0;
        if (p != 0)
            return p < 0 ? -1 : 0;
    }
}

/* A database restored from a backup continues its chain under a new epoch
 * from a position of its parent epoch: the central takes the new epoch
 * only once it holds the parent up to there (CK003 otherwise). So the
 * epochs it continues from go first, oldest first, each from what the
 * central holds of it up to the position the next one starts from. */
static int push_ancestors(store *s, central_conn *c, central_sync_result *r, const central_sync_opts *o, char *err,
                          size_t errlen)
{
    static const char sql_held[] = "SELECT h->'held'->>'seq' FROM ck.hello($1, $2, NULL) h";
    store_sync_epoch anc[16];
    int n = 0;
    if (store_sync_ancestors(s, anc, 16, &n) != STORE_OK)
        return central_fail(err, errlen, "no se pudo leer la cadena de este quiosco: %s", store_errmsg(s));
    for (int i = 0; i < n; i++) {
        const char *hp[] = {store_kiosk_id(s), anc[i].epoch};
        PGresult *res = central_query(c, sql_held, 2, hp, err, errlen);
        if (!res)
            return -1;
        int64_t held = strtoll(central_val(res, 0, 0), NULL, 10);
        PQclear(res);
        for (;;) {
            char *json = NULL;
            store_sync_batch_info b;
            int64_t ack = 0, stored = 0;
            int rc = store_sync_batch_ancestor(s, &anc[i], held, o->batch > 0 ? o->batch : 5000, o->now, &json, &b);
            if (rc == STORE_NOTFOUND)
                break;
            if (rc)
                return central_fail(err, errlen, "no se pudo preparar el envío de la época anterior: %s",
                                    store_errmsg(s));
            if (send_batch(s, c, json, &ack, &stored, err, errlen) != 0)
                return -1;
            if (ack <= held)
                return central_fail(err, errlen, "la central no avanzó en la época anterior %s (posición %lld)",
                                    anc[i].epoch, (long long)ack);
            held = ack;
            r->pushed += stored;
            r->batches++;
        }
    }
    return 0;
}

static int pull_all(store *s, central_conn *c, central_sync_result *r, const central_sync_opts *o, char *err,
                    size_t errlen)
{
    static const char sql[] = "SELECT ck.pull($1, $2, $3::bigint, $4::integer)::text";
    store_sync_state st;
    store_chain_head h;
    if (store_sync_state_get(s, r->central, &st) != STORE_OK || store_sync_head(s, &h) != STORE_OK)
        return central_fail(err, errlen, "no se pudo leer el estado de sincronización: %s", store_errmsg(s));
    int64_t cursor = st.cursor;
    for (int more = 1, pages = 0; more; pages++) {
        char cur[32], page[16];
        snprintf(cur, sizeof cur, "%lld", (long long)cursor);
        snprintf(page, sizeof page, "%d", o->page > 0 ? o->page : 1000);
        const char *params[] = {store_kiosk_id(s), h.epoch, cur, page};
        PGresult *res = central_query(c, sql, 4, params, err, errlen);
        if (!res)
            return -1;
        int64_t before = r->in.entries;
        int rc = store_sync_apply(s, r->central, central_val(res, 0, 0), o->now, &r->in, &cursor, &more);
        PQclear(res);
        if (rc)
            return central_fail(err, errlen, "lo recibido de la central no se aplicó (nada cambió): %s",
                                store_errmsg(s));
        r->pulled += r->in.entries - before;
    }
    return 0;
}

int central_sync(store *s, const char *db_path, const char *url, const central_sync_opts *o,
                 central_sync_result *r, char *err, size_t errlen)
{
    static const char sql_hello[] =
        "SELECT h->>'central', h->>'now', h->'held'->>'seq', h->'held'->>'hash', h->>'hash_at_pos', "
        "h->>'institution', (SELECT string_agg(concat_ws(E'\\t', x->>'kiosk', x->>'public_key', x->>'unit'), "
        "E'\\n' ORDER BY x->>'kiosk') FROM jsonb_array_elements(h->'keys') x), h->>'rx' "
        "FROM ck.hello($1, $2, $3::bigint) h";
    central_conn c = {0};
    store_chain_head h;
    char pos[32], kerr[512], inst[256], local_inst[256] = "";
    int rc = -1, outcome = 0;
    memset(r, 0, sizeof *r);
    /* The kiosk key signs the heads pushed (the store's signer). */
    if (keys_signer_install(s, db_path, kerr, sizeof kerr) != 0)
        return central_fail(err, errlen, "sin la clave de firma de este quiosco no se puede sincronizar: %s", kerr);
    /* Nothing is sent, and no new epoch begun, on top of a chain this
     * kiosk's key does not cover (entries deleted or written outside the
     * program): the coordinator runs audit verify. */
    if (store_meta_trusted(s, "kiosk_id") != STORE_OK)
        return central_fail(err, errlen, "la cadena de auditoría de este quiosco no está cubierta por su firma; no se "
                            "sincronizó nada (ejecute: cepci-kiosk audit verify): %s", store_errmsg(s));
    if (store_sync_head(s, &h) != STORE_OK) {
        central_fail(err, errlen, "no se pudo leer la cadena de este quiosco: %s", store_errmsg(s));
        goto out;
    }
    if (central_conn_open(&c, url, err, errlen) != 0)
        goto out;
    util_strlcpy(r->label, c.label, sizeof r->label);
    snprintf(pos, sizeof pos, "%lld", (long long)h.pos);
    const char *hp[] = {store_kiosk_id(s), h.epoch, pos};
    PGresult *res = central_query(&c, sql_hello, 3, hp, err, errlen);
    if (!res)
        goto out;
    util_strlcpy(r->central, central_val(res, 0, 0), sizeof r->central);
    int64_t central_now = strtoll(central_val(res, 0, 1), NULL, 10);
    int64_t held = strtoll(central_val(res, 0, 2), NULL, 10);
    char held_hash[UTIL_SHA256_HEX], here[UTIL_SHA256_HEX];
    util_strlcpy(held_hash, central_val(res, 0, 3), sizeof held_hash);
    util_strlcpy(here, central_val(res, 0, 4), sizeof here);
    util_strlcpy(inst, central_val(res, 0, 5), sizeof inst);
    int64_t central_rx = strtoll(central_val(res, 0, 7), NULL, 10);
    char *keys = strdup(central_val(res, 0, 6));
    PQclear(res);
    if (!keys) {
        central_fail(err, errlen, "sin memoria");
        goto out;
    }
    store_meta_get(s, "institution", local_inst, sizeof local_inst);
    if (strcmp(inst, local_inst) != 0) {
        central_fail(err, errlen, "este quiosco es de \"%s\" y la central lo tiene inscrito en \"%s\"; no se "
                     "sincronizó nada", local_inst, inst);
        free(keys);
        goto out;
    }
    r->skew = o->now - central_now;
    if (store_sync_begin(s, r->central, c.label, o->now, &r->skew) != STORE_OK ||
        store_sync_cursor_check(s, r->central, central_rx) != STORE_OK ||
        store_sync_reconcile(s, r->central, held, held_hash, here, &outcome) != STORE_OK) {
        central_fail(err, errlen, "no se pudo anotar el estado de sincronización: %s", store_errmsg(s));
        free(keys);
        goto out;
    }
    r->new_epoch = outcome == STORE_SYNC_NEW_EPOCH;
    /* The institution's keys, each new one trusted with an entry of this
     * chain: only now, after the reconcile (a database that is an older
     * copy of its chain has begun its new epoch: a write before would fork
     * the chain the central holds). */
    rc = take_keys(s, keys, inst, o->now, err, errlen);
    free(keys);
    if (rc) {
        rc = -1;
        goto out;
    }
    rc = -1;
    if (push_ancestors(s, &c, r, o, err, errlen) != 0)
        goto out;
    /* A new epoch is told to the central at once, even with no entries.
     * A pull that kept something new aside covers it with an entry of
     * this chain (store_sync_cover): sent at once too. */
    if (push_all(s, &c, r, o, r->new_epoch, err, errlen) != 0 ||
        (!o->push_only && (pull_all(s, &c, r, o, err, errlen) != 0 || push_all(s, &c, r, o, 0, err, errlen) != 0)))
        goto out;
    rc = 0;
out:
    if (r->central[0])
        store_sync_end(s, r->central, o->now, rc ? err : NULL);
    central_conn_close(&c);
    return rc;
}

int central_probe(const char *url, const char *kiosk_id, int timeout, char *out, size_t outlen, char *err,
                  size_t errlen)
{
    static const char sql[] = "SELECT h->>'central', h->>'institution', h->>'quarantined' FROM ck.hello($1, NULL, "
                              "NULL) h";
    central_conn c;
    const char *p[] = {kiosk_id};
    if (central_conn_open_timeout(&c, url, timeout, err, errlen) != 0)
        return -1;
    PGresult *res = central_query(&c, sql, 1, p, err, errlen);
    if (!res) {
        central_conn_close(&c);
        return -1;
    }
    long long held = strtoll(central_val(res, 0, 2), NULL, 10);
    snprintf(out, outlen, "%s (central %s, institución %s): el quiosco %s está inscrito%s", c.label,
             central_val(res, 0, 0), central_val(res, 0, 1), kiosk_id,
             held ? "; hay lotes suyos en cuarentena (cepci-kiosk central status)" : "");
    PQclear(res);
    central_conn_close(&c);
    return 0;
}
