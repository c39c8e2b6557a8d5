/* sync.c — this database against a central PostgreSQL and USB bundles
 * (issue 11; see store.h "sync" and db/central/README.md for the wire
 * contract). The store side only: what to push, what a central
 * acknowledged, applying what other kiosks recorded (sync_apply.c). The
 * connection (libpq) and the bundle files are kiosk/central/'s.
 *
 * How it holds together:
 * - Push. This kiosk's own chain in this database's epoch, position by
 *   position (audit.pos: 1, 2, 3, ... in its kiosk's chain, going on from
 *   the epoch's base), in batches: the entries after the high-water mark
 *   the central acknowledged, verbatim with their format, the signature
 *   strokes they name, the units, and the batch's last position signed now
 *   with the kiosk key (audit.c's signer; store_head_message).
 *   The mark (sync_central.acked_*) moves only after the central's COMMIT
 *   returned (store_sync_acked), so resending is always safe.
 * - Pull and bundles. Other kiosks' entries go into the local audit table
 *   verbatim, with their kiosk, format, epoch and position, as their
 *   kiosk's chain (the store keeps one chain per kiosk, so databases
 *   merge), after checking that each links to the one before and hashes
 *   to itself (store_chain_hash, the one function of both formats); their
 *   signed heads go with them (signed_head_log); sync_entry keeps what
 *   became of each. Then
 *   each is applied like a record written here, without a new audit entry
 *   (a pulled version is another kiosk's change, never re-emitted as one
 *   of ours): records by UUID (the same UUID with other content is kept
 *   aside in sync_conflict, never applied), a second record of one person
 *   at one event or one Carta stored with dup_key (counted once), master
 *   data by the version rule (sync_version: highest (at, kiosk, position)
 *   wins everywhere); another kiosk's units, settings and keys stay in its
 *   chain, applied by that kiosk only. A page or bundle is one
 *   transaction: applied whole or not at all, with the pull cursor.
 * - Each record is applied in a savepoint and its canonical text rebuilt
 *   from the row must equal the entry's content byte for byte, or it is
 *   rolled back and held (so audit verify keeps holding for every row).
 *
 * Chain format (/work/briefs/chain-v2.md): this kiosk writes format 2
 * (audit.c); an entry keeps the format it was written in wherever it goes
 * (an upgraded kiosk's older entries stay format 1). */
#include "store_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char STORE_ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";
#define ZERO_HASH STORE_ZERO_HASH

/* ---- SQL helpers ---- */

/* ck_b64(blob) -> base64 text (RFC 4648, padded); NULL for NULL. */
static void sql_b64(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *p = sqlite3_value_blob(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = sqlite3_malloc64(cap);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sodium_bin2base64(out, cap, p ? p : (const unsigned char *)"", n, sodium_base64_VARIANT_ORIGINAL);
    sqlite3_result_text(ctx, out, -1, sqlite3_free);
}

/* ck_unb64(text) -> blob; NULL for NULL or text that is not base64. */
static void sql_unb64(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    if (!t) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t n = strlen(t), len = 0;
    unsigned char *out = sqlite3_malloc64(n / 4 * 3 + 4);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (sodium_base642bin(out, n / 4 * 3 + 4, t, n, "\r\n ", &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
        sqlite3_free(out);
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_blob(ctx, out, (int)len, sqlite3_free);
}

/* Registers the sync's SQL functions on s (once per handle). */
int store_sync_ready(store *s)
{
    if (s->sync_ready)
        return STORE_OK;
    if (sqlite3_create_function(s->db, "ck_b64", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_b64, NULL,
                                NULL) != SQLITE_OK ||
        sqlite3_create_function(s->db, "ck_unb64", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_unb64, NULL,
                                NULL) != SQLITE_OK)
        return store_fail(s, STORE_ERROR, "sync: cannot register SQL functions: %s", sqlite3_errmsg(s->db));
    s->sync_ready = 1;
    return STORE_OK;
}

int store_one_row(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_NOTFOUND : store_sqlerr(s, rc, what);
}

char *store_col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return strdup(t ? (const char *)t : "");
}

/* ---- this kiosk's chain ----
 * Its entries carry their epoch and position (db/002_chain.sql); the epoch
 * and its base are the handle's (meta "epoch", "epoch_base"). */

/* Seq and hash of this kiosk's entry at position pos (pos >= 1) of epoch,
 * or STORE_NOTFOUND. */
static int own_at(store *s, const char *epoch, int64_t pos, int64_t *seq, char hash[UTIL_SHA256_HEX])
{
    static const char sql[] = "SELECT seq, hash FROM audit WHERE kiosk_id = ?1 AND epoch = ?2 AND pos = ?3";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, s->kiosk_id);
    store_bind_text(st, 2, epoch);
    sqlite3_bind_int64(st, 3, pos);
    int rc = store_one_row(s, st, "read the audit log");
    if (rc)
        return rc;
    if (seq)
        *seq = sqlite3_column_int64(st, 0);
    store_col_text(st, 1, hash, UTIL_SHA256_HEX);
    sqlite3_reset(st);
    return STORE_OK;
}

int store_sync_head(store *s, store_chain_head *out)
{
    store_head h;
    memset(out, 0, sizeof *out);
    if (!s->epoch[0])
        return store_fail(s, STORE_ERROR, "the database has no epoch (schema older than 2?)");
    int rc = store_audit_head(s, &h);
    if (rc)
        return rc;
    util_strlcpy(out->epoch, s->epoch, sizeof out->epoch);
    if (s->base_pos > 0) {
        util_strlcpy(out->base_epoch, s->base_epoch, sizeof out->base_epoch);
        out->base_pos = s->base_pos;
        util_strlcpy(out->base_hash, s->base_hash, sizeof out->base_hash);
    } else {
        memcpy(out->base_hash, ZERO_HASH, sizeof ZERO_HASH);
    }
    out->pos = h.pos;
    util_strlcpy(out->hash, h.hash, sizeof out->hash);
    return STORE_OK;
}

/* The hash of this kiosk's entry at position pos of this database's
 * epoch, its base, or zeros at 0. */
static int own_hash_at(store *s, int64_t pos, int64_t *seq, char out[UTIL_SHA256_HEX])
{
    if (seq)
        *seq = 0; /* the push reads only this epoch's entries: seq 0 = from its start */
    if (pos <= 0) {
        memcpy(out, ZERO_HASH, sizeof ZERO_HASH);
        return STORE_OK;
    }
    if (s->base_pos > 0 && pos == s->base_pos) {
        util_strlcpy(out, s->base_hash, UTIL_SHA256_HEX);
        return STORE_OK;
    }
    if (s->base_pos > 0 && pos < s->base_pos)
        return store_fail(s, STORE_NOTFOUND, "position %lld is below this epoch's base", (long long)pos);
    return own_at(s, s->epoch, pos, seq, out);
}

/* Signs this kiosk's head (epoch, pos, hash) at now with the store's
 * signer: the signature, base64, into b64. */
static int sign_own(store *s, const char *epoch, int64_t pos, const char *hash, int64_t now, char b64[128])
{
    store_head h;
    char msg[512];
    unsigned char sig[64];
    memset(&h, 0, sizeof h);
    util_strlcpy(h.kiosk_id, s->kiosk_id, sizeof h.kiosk_id);
    util_strlcpy(h.epoch, epoch, sizeof h.epoch);
    h.pos = pos;
    util_strlcpy(h.hash, hash, sizeof h.hash);
    size_t n = store_head_message(&h, now, msg, sizeof msg);
    if (!s->sign)
        return store_fail(s, STORE_INVALID, "no signing key: this kiosk's chain cannot be sent");
    if (n == 0 || s->sign(s->sign_ctx, (const unsigned char *)msg, n, sig) != 0)
        return store_fail(s, STORE_ERROR, "cannot sign the chain head");
    sodium_bin2base64(b64, 128, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    return STORE_OK;
}

/* ---- state per central ---- */

static void read_state(sqlite3_stmt *st, store_sync_state *o)
{
    memset(o, 0, sizeof *o);
    store_col_text(st, 0, o->central, sizeof o->central);
    store_col_text(st, 1, o->label, sizeof o->label);
    store_col_text(st, 2, o->epoch, sizeof o->epoch);
    o->acked_pos = sqlite3_column_int64(st, 3);
    o->cursor = sqlite3_column_int64(st, 4);
    o->last_try = sqlite3_column_int64(st, 5);
    o->last_ok = sqlite3_column_int64(st, 6);
    store_col_text(st, 7, o->last_error, sizeof o->last_error);
    o->has_skew = sqlite3_column_type(st, 8) != SQLITE_NULL;
    o->clock_skew = sqlite3_column_int64(st, 8);
    o->pushed = sqlite3_column_int64(st, 9);
    o->pulled = sqlite3_column_int64(st, 10);
}

#define STATE_COLS "central, label, epoch, acked_pos, cursor, last_try, last_ok, last_error, clock_skew, pushed, pulled"

/* Fills o->pending (own entries after the mark) and o->conflicts. */
static int state_counts(store *s, store_sync_state *o)
{
    static const char sql_c[] = "SELECT count(*) FROM sync_conflict";
    store_chain_head h;
    int rc = store_sync_head(s, &h);
    if (rc)
        return rc;
    int64_t from = strcmp(o->epoch, h.epoch) == 0 ? o->acked_pos : h.base_pos;
    o->pending = h.pos > from ? h.pos - from : 0;
    sqlite3_stmt *st = store_stmt(s, sql_c);
    if (!st)
        return STORE_ERROR;
    if ((rc = store_one_row(s, st, "read sync state")))
        return rc;
    o->conflicts = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return STORE_OK;
}

int store_sync_state_get(store *s, const char *central, store_sync_state *out)
{
    static const char sql_one[] = "SELECT " STATE_COLS " FROM sync_central WHERE central = ?1";
    static const char sql_last[] = "SELECT " STATE_COLS " FROM sync_central ORDER BY last_try DESC, central LIMIT 1";
    sqlite3_stmt *st = store_stmt(s, central ? sql_one : sql_last);
    if (!st)
        return STORE_ERROR;
    if (central)
        store_bind_text(st, 1, central);
    int rc = store_one_row(s, st, "read sync state");
    if (rc == STORE_NOTFOUND) {
        memset(out, 0, sizeof *out);
        if (central)
            util_strlcpy(out->central, central, sizeof out->central);
    } else if (rc) {
        return rc;
    } else {
        read_state(st, out);
        sqlite3_reset(st);
    }
    int c = state_counts(s, out);
    return c ? c : rc;
}

int store_sync_begin(store *s, const char *central, const char *label, int64_t now, const int64_t *skew)
{
    static const char sql[] =
        "INSERT INTO sync_central(central, label, last_try, clock_skew) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(central) DO UPDATE SET label = excluded.label, last_try = excluded.last_try, "
        "clock_skew = ifnull(excluded.clock_skew, clock_skew)";
    if (!central || !*central || strlen(central) >= sizeof ((store_sync_state *)0)->central)
        return store_fail(s, STORE_INVALID, "bad central id");
    int rc = store_sync_ready(s);
    if (rc || (rc = store_begin(s)))
        return rc;
    store_chain_head h;
    sqlite3_stmt *st;
    if ((rc = store_sync_head(s, &h)))
        goto out;
    if (!(st = store_stmt(s, sql))) {
        rc = STORE_ERROR;
        goto out;
    }
    store_bind_text(st, 1, central);
    store_bind_text(st, 2, label ? label : "");
    sqlite3_bind_int64(st, 3, now);
    if (skew)
        sqlite3_bind_int64(st, 4, *skew);
    if ((rc = store_exec_stmt(s, st, "save sync state")) || (rc = store_commit(s)))
        goto out;
    return STORE_OK;
out:
    store_rollback(s);
    return rc;
}

int store_sync_cursor_check(store *s, const char *central, int64_t rx)
{
    static const char sql[] = "UPDATE sync_central SET cursor = 0 WHERE central = ?1 AND cursor > ?2";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, central);
    sqlite3_bind_int64(st, 2, rx);
    return store_exec_stmt(s, st, "save sync state");
}

int store_sync_end(store *s, const char *central, int64_t now, const char *error)
{
    static const char sql_ok[] = "UPDATE sync_central SET last_ok = ?2, last_error = '' WHERE central = ?1";
    static const char sql_err[] = "UPDATE sync_central SET last_error = ?3 WHERE central = ?1";
    sqlite3_stmt *st = store_stmt(s, error && *error ? sql_err : sql_ok);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, central);
    if (error && *error)
        store_bind_text(st, 3, error);
    else
        sqlite3_bind_int64(st, 2, now);
    return store_exec_stmt(s, st, "save sync state");
}

/* Sets the mark of central to (epoch, pos, seq, hash) in the caller's
 * transaction; adds `pushed` to the total. */
static int set_mark(store *s, const char *central, const char *epoch, int64_t pos, int64_t seq, const char *hash,
                    int64_t pushed)
{
    static const char sql[] = "UPDATE sync_central SET epoch = ?2, acked_pos = ?3, acked_seq = ?4, acked_hash = ?5, "
                              "pushed = pushed + ?6 WHERE central = ?1";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, central);
    store_bind_text(st, 2, epoch);
    sqlite3_bind_int64(st, 3, pos);
    sqlite3_bind_int64(st, 4, seq);
    store_bind_text(st, 5, hash);
    sqlite3_bind_int64(st, 6, pushed);
    return store_exec_stmt(s, st, "save sync state");
}

int store_sync_reconcile(store *s, const char *central, int64_t held_pos, const char *held_hash,
                         const char *central_hash_here, int *outcome)
{
    store_chain_head h;
    char mine[UTIL_SHA256_HEX];
    int64_t seq = 0;
    *outcome = STORE_SYNC_AS_HELD;
    int rc = store_begin(s);
    if (rc)
        return rc;
    if ((rc = store_sync_head(s, &h)))
        goto out;
    char epoch[UTIL_UUID_LEN] = "", base[256] = "";
    if (held_pos <= h.base_pos) {
        /* The central holds nothing of this epoch: from its base. */
        rc = set_mark(s, central, h.epoch, h.base_pos, 0, h.base_hash, 0);
    } else if (held_pos <= h.pos) {
        if ((rc = own_hash_at(s, held_pos, &seq, mine)))
            goto out;
        if (strcmp(mine, held_hash) == 0) {
            rc = set_mark(s, central, h.epoch, held_pos, seq, mine, 0);
        } else {
            /* Our chain differs from the central's: resend from the start,
             * and the central says where (it keeps the batch aside). */
            *outcome = STORE_SYNC_DIVERGED;
            rc = set_mark(s, central, h.epoch, h.base_pos, 0, h.base_hash, 0);
        }
    } else if (central_hash_here && strcmp(central_hash_here, h.hash) == 0 && h.pos > h.base_pos) {
        /* The central holds more of this epoch than this database, which
         * is an older copy of the same chain (restored from a backup, or
         * its newest entries deleted): a new epoch continues from here, so
         * positions reused from now on are not taken for a fork. What the
         * database lost is still at the central, and comes back as this
         * kiosk's older epoch. */
        snprintf(base, sizeof base, "%s %lld %s", h.epoch, (long long)h.pos, h.hash);
        util_uuid(epoch);
        if ((rc = store_meta_set(s, "epoch", epoch)) || (rc = store_meta_set(s, "epoch_base", base)) ||
            (rc = set_mark(s, central, epoch, h.pos, 0, h.hash, 0)))
            goto out;
        *outcome = STORE_SYNC_NEW_EPOCH;
    } else {
        *outcome = STORE_SYNC_DIVERGED;
        rc = set_mark(s, central, h.epoch, h.base_pos, 0, h.base_hash, 0);
    }
    if (rc || (rc = store_commit(s)))
        goto out;
    if (epoch[0]) {
        /* The handle's lineage (store.c reads it at open). */
        util_strlcpy(s->base_epoch, h.epoch, sizeof s->base_epoch);
        s->base_pos = h.pos;
        util_strlcpy(s->base_hash, h.hash, sizeof s->base_hash);
        util_strlcpy(s->epoch, epoch, sizeof s->epoch);
    }
    return STORE_OK;
out:
    store_rollback(s);
    return rc;
}

/* ---- push ---- */

/* The signature strokes named by own entries of epoch with seq in (from,
 * to], as a JSON array of {uuid, strokes}, into *out (malloc'd). */
static int batch_signatures(store *s, const char *epoch, int64_t from, int64_t to, char **out)
{
    static const char sql[] =
        "SELECT json_group_array(json_object('uuid', uuid, 'strokes', ck_b64(strokes))) FROM ("
        "SELECT DISTINCT g.uuid, g.strokes FROM audit v JOIN attendance t ON t.uuid = v.record_uuid "
        "JOIN signature g ON g.id = t.signature_id WHERE v.kiosk_id = ?1 AND v.seq > ?2 AND v.seq <= ?3 "
        "AND v.kind = 'attendance' AND v.epoch = ?4 UNION "
        "SELECT DISTINCT g.uuid, g.strokes FROM audit v JOIN pledge t ON t.uuid = v.record_uuid "
        "JOIN signature g ON g.id = t.signature_id WHERE v.kiosk_id = ?1 AND v.seq > ?2 AND v.seq <= ?3 "
        "AND v.kind = 'pledge' AND v.epoch = ?4)";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, s->kiosk_id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    store_bind_text(st, 4, epoch);
    int rc = store_one_row(s, st, "read signatures");
    if (rc)
        return rc;
    *out = store_col_dup(st, 0);
    sqlite3_reset(st);
    return *out ? STORE_OK : store_fail(s, STORE_ERROR, "out of memory");
}

static int units_json(store *s, char **out)
{
    static const char sql[] = "SELECT json_group_array(json_object('code', code, 'name', name, 'timezone', timezone)) "
                              "FROM (SELECT * FROM unit ORDER BY code)";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    int rc = store_one_row(s, st, "read units");
    if (rc)
        return rc;
    *out = store_col_dup(st, 0);
    sqlite3_reset(st);
    return *out ? STORE_OK : store_fail(s, STORE_ERROR, "out of memory");
}

/* The batch JSON of entries (a JSON array, its last at last_pos with
 * last_hash; seq range (from_seq, last_seq] of this kiosk for the strokes)
 * of epoch (base: its epoch_base JSON or ""), with the head at last_pos
 * signed at now, into *json. */
static int batch_build(store *s, const char *epoch, const char *base, const char *entries, int64_t from_seq,
                       int64_t last_seq, int64_t last_pos, const char *last_hash, int64_t now, char **json)
{
    static const char sql_batch[] =
        "SELECT json_object('format', 1, 'chain_format', ?1, 'kiosk', ?2, 'institution', ?3, 'epoch', ?4, "
        "'epoch_base', json(?5), 'sent_at', ?6, 'audit', json(?7), 'signatures', json(?8), 'units', json(?9), "
        "'head', json_object('seq', ?10, 'hash', ?11, 'signed_at', ?6, 'signature', ?12))";
    char *sigs = NULL, *units = NULL, inst[256] = "", b64[128];
    sqlite3_stmt *st;
    /* Signed only on top of a chain head this kiosk's key covers (a chain
     * written outside the program is not laundered by a push). */
    int rc = store_meta_trusted(s, "kiosk_id");
    if (rc || (rc = sign_own(s, epoch, last_pos, last_hash, now, b64)) ||
        (rc = batch_signatures(s, epoch, from_seq, last_seq, &sigs)) || (rc = units_json(s, &units)))
        goto out;
    store_meta_get(s, "institution", inst, sizeof inst);
    if (!(st = store_stmt(s, sql_batch))) {
        rc = STORE_ERROR;
        goto out;
    }
    sqlite3_bind_int(st, 1, STORE_CHAIN_FORMAT);
    store_bind_text(st, 2, s->kiosk_id);
    store_bind_text(st, 3, inst);
    store_bind_text(st, 4, epoch);
    store_bind_text(st, 5, base[0] ? base : NULL);
    sqlite3_bind_int64(st, 6, now);
    store_bind_text(st, 7, entries);
    store_bind_text(st, 8, sigs);
    store_bind_text(st, 9, units);
    sqlite3_bind_int64(st, 10, last_pos);
    store_bind_text(st, 11, last_hash);
    store_bind_text(st, 12, b64);
    if ((rc = store_one_row(s, st, "build the batch")))
        goto out;
    *json = store_col_dup(st, 0);
    sqlite3_reset(st);
    if (!*json)
        rc = store_fail(s, STORE_ERROR, "out of memory");
out:
    free(sigs);
    free(units);
    return rc;
}

/* Reads up to max entries of this kiosk's epoch by the statement st
 * (bound by the caller; columns: the JSON array, count, max(pos),
 * max(seq), last hash, min(pos)) into the batch fields. */
static int batch_entries(store *s, sqlite3_stmt *st, char **entries, int64_t *count, int64_t *first_pos,
                         int64_t *last_pos, int64_t *last_seq, char last_hash[UTIL_SHA256_HEX])
{
    int rc = store_one_row(s, st, "read the audit log");
    if (rc)
        return rc;
    *count = sqlite3_column_int64(st, 1);
    if (*count > 0) {
        *entries = store_col_dup(st, 0);
        *last_pos = sqlite3_column_int64(st, 2);
        *last_seq = sqlite3_column_int64(st, 3);
        store_col_text(st, 4, last_hash, UTIL_SHA256_HEX);
        *first_pos = sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    return *count > 0 && !*entries ? store_fail(s, STORE_ERROR, "out of memory") : STORE_OK;
}

/* The entries' JSON of a batch: position, format and the entry verbatim. */
#define BATCH_ENTRIES                                                                                       \
    "SELECT json_group_array(json_object('seq', pos, 'format', format, 'at', at, 'kind', kind, "            \
    "'uuid', record_uuid, 'content', content, 'prev_hash', prev_hash, 'hash', hash)), count(*), max(pos), " \
    "max(seq), (SELECT hash FROM b ORDER BY seq DESC LIMIT 1), min(pos) FROM (SELECT * FROM b ORDER BY seq)"

int store_sync_batch(store *s, const char *central, int max, int64_t now, int force_head, char **json,
                     store_sync_batch_info *info)
{
    /* This epoch's entries after the mark, by seq (the audit_kiosk index). */
    static const char sql_entries[] =
        "WITH b AS (SELECT seq, pos, at, kind, record_uuid, content, prev_hash, hash, format FROM audit "
        "WHERE kiosk_id = ?1 AND seq > ?3 AND epoch = ?2 ORDER BY seq LIMIT ?4) " BATCH_ENTRIES;
    static const char sql_mark[] =
        "SELECT epoch, acked_pos, acked_seq, acked_hash FROM sync_central WHERE central = ?1";
    struct {
        char epoch[UTIL_UUID_LEN];
        int64_t pos, seq;
        char hash[UTIL_SHA256_HEX];
    } m = {"", 0, 0, ""};
    store_chain_head h;
    char *entries = NULL, base[512] = "";
    char last_hash[UTIL_SHA256_HEX] = "";
    int64_t count = 0, last_pos = 0, last_seq = 0, first_pos = 0;
    sqlite3_stmt *st;
    *json = NULL;
    memset(info, 0, sizeof *info);
    if (max < 1)
        max = 1;
    int rc = store_sync_ready(s);
    if (rc)
        return rc;
    store_snapshot_begin(s);
    if ((rc = store_sync_head(s, &h)))
        goto out;
    if (!(st = store_stmt(s, sql_mark))) {
        rc = STORE_ERROR;
        goto out;
    }
    store_bind_text(st, 1, central);
    if ((rc = store_one_row(s, st, "read sync state"))) {
        if (rc == STORE_NOTFOUND)
            rc = store_fail(s, STORE_ERROR, "sync: no state for this central (store_sync_begin first)");
        goto out;
    }
    store_col_text(st, 0, m.epoch, sizeof m.epoch);
    m.pos = sqlite3_column_int64(st, 1);
    m.seq = sqlite3_column_int64(st, 2);
    store_col_text(st, 3, m.hash, sizeof m.hash);
    sqlite3_reset(st);
    if (strcmp(m.epoch, h.epoch) != 0) {
        rc = store_fail(s, STORE_ERROR, "sync: the acknowledged position is of another epoch; reconcile first");
        goto out;
    }
    if (!(st = store_stmt(s, sql_entries))) {
        rc = STORE_ERROR;
        goto out;
    }
    store_bind_text(st, 1, s->kiosk_id);
    store_bind_text(st, 2, h.epoch);
    sqlite3_bind_int64(st, 3, m.seq);
    sqlite3_bind_int(st, 4, max);
    if ((rc = batch_entries(s, st, &entries, &count, &first_pos, &last_pos, &last_seq, last_hash)))
        goto out;
    if (count == 0) {
        if (!force_head) {
            rc = STORE_NOTFOUND;
            goto out;
        }
        /* A head alone: tells the central where this chain stands. */
        entries = strdup("[]");
        last_pos = m.pos;
        last_seq = m.seq;
        memcpy(last_hash, m.pos ? m.hash : ZERO_HASH, sizeof last_hash);
        if (m.pos == 0 && h.base_pos > 0) {
            last_pos = h.base_pos;
            memcpy(last_hash, h.base_hash, sizeof last_hash);
        }
        if (!entries) {
            rc = store_fail(s, STORE_ERROR, "out of memory");
            goto out;
        }
    }
    if (h.base_pos > 0)
        snprintf(base, sizeof base, "{\"epoch\":\"%s\",\"seq\":%lld,\"hash\":\"%s\"}", h.base_epoch,
                 (long long)h.base_pos, h.base_hash);
    if ((rc = batch_build(s, h.epoch, base, entries, m.seq, last_seq, last_pos, last_hash, now, json)))
        goto out;
    info->entries = count;
    info->first_pos = first_pos;
    info->last_pos = last_pos;
    info->last_seq = last_seq;
    memcpy(info->last_hash, last_hash, sizeof last_hash);
    util_strlcpy(info->epoch, h.epoch, sizeof info->epoch);
    rc = STORE_OK;
out:
    store_snapshot_end(s);
    free(entries);
    return rc;
}

int store_sync_ancestors(store *s, store_sync_epoch *out, int max, int *n)
{
    static const char sql_first[] = "SELECT pos, prev_hash FROM audit WHERE kiosk_id = ?1 AND epoch = ?2 "
                                    "ORDER BY seq LIMIT 1";
    static const char sql_parent[] = "SELECT epoch FROM audit WHERE kiosk_id = ?1 AND pos = ?2 AND hash = ?3 "
                                     "AND epoch <> ?4 LIMIT 1";
    char epoch[UTIL_UUID_LEN], hash[UTIL_SHA256_HEX];
    int64_t pos = s->base_pos;
    *n = 0;
    util_strlcpy(epoch, s->base_epoch, sizeof epoch);
    util_strlcpy(hash, s->base_hash, sizeof hash);
    while (pos > 0 && epoch[0] && *n < max) {
        store_sync_epoch *e = &out[*n];
        memset(e, 0, sizeof *e);
        util_strlcpy(e->epoch, epoch, sizeof e->epoch);
        e->end_pos = pos;
        util_strlcpy(e->end_hash, hash, sizeof e->end_hash);
        sqlite3_stmt *st = store_stmt(s, sql_first);
        if (!st)
            return STORE_ERROR;
        store_bind_text(st, 1, s->kiosk_id);
        store_bind_text(st, 2, epoch);
        int rc = store_one_row(s, st, "read the audit log");
        if (rc == STORE_NOTFOUND)
            break; /* an epoch this database does not hold: nothing to send of it */
        if (rc)
            return rc;
        int64_t first = sqlite3_column_int64(st, 0);
        char prev[UTIL_SHA256_HEX];
        store_col_text(st, 1, prev, sizeof prev);
        sqlite3_reset(st);
        (*n)++;
        pos = 0;
        if (first > 1) {
            /* It continues another epoch: the one holding its first
             * entry's predecessor. */
            if (!(st = store_stmt(s, sql_parent)))
                return STORE_ERROR;
            store_bind_text(st, 1, s->kiosk_id);
            sqlite3_bind_int64(st, 2, first - 1);
            store_bind_text(st, 3, prev);
            store_bind_text(st, 4, epoch);
            if ((rc = store_one_row(s, st, "read the audit log")) && rc != STORE_NOTFOUND)
                return rc;
            if (rc == STORE_OK) {
                store_col_text(st, 0, e->base_epoch, sizeof e->base_epoch);
                sqlite3_reset(st);
            }
            e->base_pos = first - 1;
            util_strlcpy(e->base_hash, prev, sizeof e->base_hash);
            util_strlcpy(epoch, e->base_epoch, sizeof epoch);
            util_strlcpy(hash, prev, sizeof hash);
            pos = e->base_epoch[0] ? first - 1 : 0;
        }
    }
    /* Oldest first. */
    for (int i = 0, j = *n - 1; i < j; i++, j--) {
        store_sync_epoch t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    return STORE_OK;
}

int store_sync_batch_ancestor(store *s, const store_sync_epoch *e, int64_t from, int max, int64_t now, char **json,
                              store_sync_batch_info *info)
{
    static const char sql_entries[] =
        "WITH b AS (SELECT seq, pos, at, kind, record_uuid, content, prev_hash, hash, format FROM audit "
        "WHERE kiosk_id = ?1 AND epoch = ?2 AND pos > ?3 AND pos <= ?5 ORDER BY seq LIMIT ?4) " BATCH_ENTRIES;
    char *entries = NULL, base[512] = "", last_hash[UTIL_SHA256_HEX] = "";
    int64_t count = 0, first_pos = 0, last_pos = 0, last_seq = 0;
    *json = NULL;
    memset(info, 0, sizeof *info);
    if (from < e->base_pos)
        from = e->base_pos;
    if (from >= e->end_pos)
        return STORE_NOTFOUND;
    int rc = store_sync_ready(s);
    if (rc)
        return rc;
    store_snapshot_begin(s);
    sqlite3_stmt *st = store_stmt(s, sql_entries);
    if (!st) {
        rc = STORE_ERROR;
        goto out;
    }
    store_bind_text(st, 1, s->kiosk_id);
    store_bind_text(st, 2, e->epoch);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int(st, 4, max < 1 ? 1 : max);
    sqlite3_bind_int64(st, 5, e->end_pos);
    if ((rc = batch_entries(s, st, &entries, &count, &first_pos, &last_pos, &last_seq, last_hash)))
        goto out;
    if (count == 0 || first_pos != from + 1 || (last_pos == e->end_pos && strcmp(last_hash, e->end_hash) != 0)) {
        rc = store_fail(s, STORE_INVALID, "this database does not hold epoch %s of its chain from position %lld "
                        "to %lld as its newer epoch says", e->epoch, (long long)from + 1, (long long)e->end_pos);
        goto out;
    }
    if (e->base_pos > 0)
        snprintf(base, sizeof base, "{\"epoch\":\"%s\",\"seq\":%lld,\"hash\":\"%s\"}", e->base_epoch,
                 (long long)e->base_pos, e->base_hash);
    if ((rc = batch_build(s, e->epoch, base, entries, 0, last_seq, last_pos, last_hash, now, json)))
        goto out;
    info->entries = count;
    info->first_pos = first_pos;
    info->last_pos = last_pos;
    info->last_seq = last_seq;
    memcpy(info->last_hash, last_hash, sizeof last_hash);
    util_strlcpy(info->epoch, e->epoch, sizeof info->epoch);
out:
    store_snapshot_end(s);
    free(entries);
    return rc;
}

int store_sync_acked(store *s, const char *central, const store_sync_batch_info *b, int64_t ack)
{
    store_chain_head h;
    char hash[UTIL_SHA256_HEX];
    int64_t seq = 0;
    int rc = store_begin(s);
    if (rc)
        return rc;
    if ((rc = store_sync_head(s, &h)))
        goto out;
    if (strcmp(h.epoch, b->epoch) != 0) {
        rc = store_fail(s, STORE_ERROR, "sync: the epoch changed during the push");
        goto out;
    }
    if (ack == b->last_pos) {
        seq = b->last_seq;
        memcpy(hash, b->last_hash, sizeof hash);
    } else if (ack > 0 && ack <= h.pos) {
        if ((rc = own_hash_at(s, ack, &seq, hash)))
            goto out;
    } else {
        rc = store_fail(s, STORE_ERROR, "sync: the central acknowledged position %lld, past this chain's head %lld",
                        (long long)ack, (long long)h.pos);
        goto out;
    }
    if ((rc = set_mark(s, central, h.epoch, ack, seq, hash, b->entries)) || (rc = store_commit(s)))
        goto out;
    return STORE_OK;
out:
    store_rollback(s);
    return rc;
}
