/* central_audit.c — `central audit verify`: what the central holds of
 * every kiosk's chain, checked from the kiosk program (PostgreSQL has no
 * Ed25519). In one read-only snapshot:
 *   1. each epoch's entries, streamed in position order: continuous from
 *      the epoch's base, each linking to the one before and hashing to
 *      itself (chain format per entry), ending at the held head;
 *   2. every signed head with the kiosk's enrolled key, and its hash
 *      against the entry at its position;
 *   3. every batch the central kept aside (a database rewritten, entries
 *      deleted after they reached the central, a second root chain, a
 *      version breaking the version rule);
 *   4. every epoch that continues below what the central already held of
 *      its parent: the kiosk's database lost entries (restored from an
 *      older copy, or truncated) — they are still at the central;
 *   5. every version of a person or event that breaks the version rule
 *      (refused at ingest since db/central/006_versions.sql; one that got
 *      in before is reported here).
 * Each finding is one line naming the kiosk and the position. */
#include "central_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct audit_key {
    char kiosk[STORE_KIOSK_ID_LEN];
    unsigned char pk[32];
} audit_key;

typedef struct audit_epoch {
    long long no;
    char kiosk[STORE_KIOSK_ID_LEN];
    char epoch[UTIL_UUID_LEN];
    long long base_seq, head_seq;
    char base_hash[UTIL_SHA256_HEX], head_hash[UTIL_SHA256_HEX];
} audit_epoch;

typedef struct audit_run {
    FILE *out;
    const char *prefix; /* before each finding: "" or "AVISO: " */
    long findings;
    long long entries, heads;
} audit_run;

/* What valid signed heads cover of one epoch (central_heads_check). */
typedef struct vouch_epoch {
    long long no, parent, base_seq, head_seq;
    long long vouched; /* highest position under a valid head; 0: none */
    char kiosk[STORE_KIOSK_ID_LEN];
} vouch_epoch;

static void finding(audit_run *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void finding(audit_run *a, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(a->out, "%s%s\n", a->prefix ? a->prefix : "", util_one_line(line));
    a->findings++;
}

static const audit_epoch *find_epoch(const audit_epoch *e, int n, long long no)
{
    for (int i = 0; i < n; i++)
        if (e[i].no == no)
            return &e[i];
    return NULL;
}

/* 1. The entries of every epoch, streamed through a cursor. */
static int check_entries(central_conn *c, audit_run *a, const audit_epoch *ep, int nep, char *err, size_t errlen)
{
    if (central_command(c, "DECLARE ck_audit NO SCROLL CURSOR FOR SELECT epoch_no, seq, kiosk_id, at, kind, uuid, "
                           "content, prev_hash, hash, chain_format FROM ck.audit_entry ORDER BY epoch_no, seq",
                        err, errlen) != 0)
        return -1;
    const audit_epoch *cur = NULL;
    long long expect = 0, last_no = -1;
    char prev[UTIL_SHA256_HEX] = "";
    int broken = 0;
    for (;;) {
        PGresult *res = central_query(c, "FETCH 5000 FROM ck_audit", 0, NULL, err, errlen);
        if (!res)
            return -1;
        int n = PQntuples(res);
        for (int i = 0; i < n; i++) {
            long long no = strtoll(central_val(res, i, 0), NULL, 10), seq = strtoll(central_val(res, i, 1), NULL, 10);
            const char *kiosk = central_val(res, i, 2), *hash = central_val(res, i, 8);
            if (no != last_no) {
                if (cur && !broken && (expect - 1 != cur->head_seq || strcmp(prev, cur->head_hash) != 0))
                    finding(a, "quiosco %s, época %s: la central marca la posición %lld como la última, y su cadena "
                            "llega a la %lld", cur->kiosk, cur->epoch, cur->head_seq, expect - 1);
                cur = find_epoch(ep, nep, no);
                last_no = no;
                broken = 0;
                expect = cur ? cur->base_seq + 1 : 1;
                util_strlcpy(prev, cur ? cur->base_hash : "", sizeof prev);
            }
            a->entries++;
            if (broken)
                continue;
            char want[UTIL_SHA256_HEX];
            if (seq != expect) {
                finding(a, "quiosco %s, posición %lld: falta la entrada (la cadena salta a la %lld)", kiosk, expect,
                        seq);
                broken = 1;
            } else if (strcmp(central_val(res, i, 7), prev) != 0) {
                finding(a, "quiosco %s, posición %lld: la entrada no enlaza con la anterior", kiosk, seq);
                broken = 1;
            } else if (store_chain_hash(atoi(central_val(res, i, 9)), prev, kiosk,
                                        strtoll(central_val(res, i, 3), NULL, 10), central_val(res, i, 4),
                                        central_val(res, i, 5), central_val(res, i, 6), want) != STORE_OK ||
                       strcmp(want, hash) != 0) {
                finding(a, "quiosco %s, posición %lld: la entrada no corresponde a su hash (alterada en la central)",
                        kiosk, seq);
                broken = 1;
            }
            util_strlcpy(prev, hash, sizeof prev);
            expect = seq + 1;
        }
        PQclear(res);
        if (n == 0)
            break;
    }
    if (cur && !broken && (expect - 1 != cur->head_seq || strcmp(prev, cur->head_hash) != 0))
        finding(a, "quiosco %s, época %s: la central marca la posición %lld como la última, y su cadena llega a la "
                "%lld", cur->kiosk, cur->epoch, cur->head_seq, expect - 1);
    return central_command(c, "CLOSE ck_audit", err, errlen);
}

/* 2. Every signed head. */
static int check_heads(central_conn *c, audit_run *a, const audit_key *keys, int nkeys, vouch_epoch *ve, int nve,
                       char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT h.kiosk_id, e.epoch, h.seq, h.hash, h.signed_at, encode(h.signature, 'hex'), "
        "CASE WHEN h.seq = 0 THEN repeat('0', 64) WHEN h.seq = e.base_seq THEN e.base_hash ELSE x.hash END, "
        "h.seq < e.base_seq, h.epoch_no FROM ck.chain_head h JOIN ck.kiosk_epoch e USING (epoch_no) "
        "LEFT JOIN ck.audit_entry x ON x.epoch_no = h.epoch_no AND x.seq = h.seq ORDER BY h.id";
    PGresult *res = central_query(c, sql, 0, NULL, err, errlen);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *kiosk = central_val(res, i, 0), *epoch = central_val(res, i, 1), *hash = central_val(res, i, 3);
        long long seq = strtoll(central_val(res, i, 2), NULL, 10);
        const audit_key *k = NULL;
        for (int j = 0; j < nkeys && !k; j++)
            if (strcmp(keys[j].kiosk, kiosk) == 0)
                k = &keys[j];
        unsigned char sig[64];
        size_t len = 0;
        char msg[512];
        a->heads++;
        store_head head;
        util_strlcpy(head.kiosk_id, kiosk, sizeof head.kiosk_id);
        util_strlcpy(head.epoch, epoch, sizeof head.epoch);
        head.pos = seq;
        util_strlcpy(head.hash, hash, sizeof head.hash);
        size_t m = store_head_message(&head, strtoll(central_val(res, i, 4), NULL, 10), msg, sizeof msg);
        if (!k) {
            finding(a, "quiosco %s, posición %lld: cabeza firmada de un quiosco sin clave inscrita", kiosk, seq);
        } else if (sodium_hex2bin(sig, sizeof sig, central_val(res, i, 5), 128, NULL, &len, NULL) != 0 || len != 64 ||
                   crypto_sign_verify_detached(sig, (const unsigned char *)msg, m, k->pk) != 0) {
            finding(a, "quiosco %s, posición %lld: la firma de la cabeza no corresponde a la clave inscrita", kiosk,
                    seq);
        } else if (strcmp(central_val(res, i, 7), "t") != 0 && strcmp(central_val(res, i, 6), hash) != 0) {
            finding(a, "quiosco %s, posición %lld: el quiosco firmó una cabeza que no es la entrada que la central "
                    "tiene en esa posición", kiosk, seq);
        } else if (strcmp(central_val(res, i, 7), "t") != 0) {
            /* A valid head at or above the base vouches for its epoch's
             * entries up to it (the central holds them linked). */
            long long no = strtoll(central_val(res, i, 8), NULL, 10);
            for (int j = 0; j < nve; j++)
                if (ve[j].no == no && seq > ve[j].vouched)
                    ve[j].vouched = seq;
        }
    }
    PQclear(res);
    return 0;
}

/* 3. and 4. Batches kept aside; epochs below their parent's head. */
static int check_batches(central_conn *c, audit_run *a, const audit_epoch *ep, int nep, char *err, size_t errlen)
{
    static const char sql_b[] =
        "SELECT b.kiosk_id, b.reason, coalesce(b.position, 0), coalesce(b.result->>'detail', ''), "
        "to_char(b.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM ck.batch b "
        "WHERE b.status = 'quarantined' ORDER BY b.id";
    static const char sql_e[] =
        "SELECT e.kiosk_id, e.epoch, e.base_seq, p.head_seq, p.epoch, to_char(e.first_push AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD HH24:MI') FROM ck.kiosk_epoch e JOIN ck.kiosk_epoch p ON p.epoch_no = e.parent_epoch_no "
        "WHERE e.base_seq < p.head_seq ORDER BY e.epoch_no";
    (void)ep, (void)nep;
    PGresult *res = central_query(c, sql_b, 0, NULL, err, errlen);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *r = central_val(res, i, 1);
        const char *what = strcmp(r, "fork") == 0       ? "su base de datos fue reescrita: difiere de lo que la "
                                                          "central ya tenía"
                           : strcmp(r, "rollback") == 0 ? "se borraron entradas después de llegar a la central"
                           : strcmp(r, "root") == 0     ? "otra base de datos tomó su lugar (una cadena nueva desde "
                                                          "la posición 1)"
                           : strcmp(r, "link") == 0     ? "la cadena enviada no enlaza"
                           : strcmp(r, "hash") == 0     ? "una entrada enviada fue alterada"
                           : strcmp(r, "version") == 0  ? "envió una versión de una persona o de un evento que "
                                                          "rompe la regla de versiones"
                                                        : r;
        finding(a, "quiosco %s, posición %s: %s (envío guardado aparte el %s UTC: %s)", central_val(res, i, 0),
                central_val(res, i, 2), what, central_val(res, i, 4), central_val(res, i, 3));
    }
    PQclear(res);
    if (!(res = central_query(c, sql_e, 0, NULL, err, errlen)))
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        long long base = strtoll(central_val(res, i, 2), NULL, 10), head = strtoll(central_val(res, i, 3), NULL, 10);
        char lost[64];
        if (head == base + 1)
            snprintf(lost, sizeof lost, "la posición %lld", head);
        else
            snprintf(lost, sizeof lost, "las posiciones %lld a %lld", base + 1, head);
        finding(a, "quiosco %s, posición %lld: su base de datos perdió %s después de que llegaron a la central "
                "(restaurada de una copia anterior, o borradas); desde el %s UTC sigue en la época %s. Lo perdido "
                "sigue en la central", central_val(res, i, 0), base + 1, lost, central_val(res, i, 5),
                central_val(res, i, 1));
    }
    PQclear(res);
    return 0;
}

/* 5. Versions breaking the version rule: an event's versions differ only
 * in their state (content element 13), a person's keep the employee
 * number (element 2). Each is compared with the first version of its
 * record the central received, as db/central/006_versions.sql does. */
static int check_versions(central_conn *c, audit_run *a, char *err, size_t errlen)
{
    static const char sql[] =
        "WITH v AS (SELECT a.institution, a.kiosk_id, a.seq, a.kind, a.uuid, a.rx, a.content::jsonb AS c "
        "FROM ck.audit_entry a WHERE a.kind IN ('person', 'event')), "
        "f AS (SELECT v.*, first_value(c) OVER w AS fc, first_value(kiosk_id) OVER w AS fk FROM v "
        "WINDOW w AS (PARTITION BY institution, kind, uuid ORDER BY rx)) "
        "SELECT kiosk_id, seq, kind, uuid, fk, fc->>2, c->>2 FROM f WHERE CASE kind WHEN 'person' THEN "
        "c->>2 IS DISTINCT FROM fc->>2 ELSE c - 13 IS DISTINCT FROM fc - 13 END ORDER BY rx";
    PGresult *res = central_query(c, sql, 0, NULL, err, errlen);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *kiosk = central_val(res, i, 0), *seq = central_val(res, i, 1), *uuid = central_val(res, i, 3);
        if (strcmp(central_val(res, i, 2), "person") == 0)
            finding(a, "quiosco %s, posición %s: su versión de la persona %s cambia el número de empleado (%s en la "
                    "primera versión, del quiosco %s; %s en esta); el programa nunca lo hace, la entrada se escribió "
                    "por fuera de él", kiosk, seq, uuid, central_val(res, i, 5), central_val(res, i, 4),
                    central_val(res, i, 6));
        else
            finding(a, "quiosco %s, posición %s: su versión del evento %s cambia algo más que su estado (frente a la "
                    "primera versión, del quiosco %s); el programa nunca lo hace, la entrada se escribió por fuera "
                    "de él", kiosk, seq, uuid, central_val(res, i, 4));
    }
    PQclear(res);
    return 0;
}

/* 5. Units. The central keeps one time zone per unit (it cuts the pledge
 * year there), taken from the first batch that named the unit; each kiosk
 * signs its own units in its chain. A zone that no chain has, or that a
 * kiosk's chain has otherwise, is reported: a login could set a unit's
 * zone before the unit's own kiosk first synced (the session-5 red team). */
static int check_units(central_conn *c, audit_run *a, char *err, size_t errlen)
{
    static const char sql[] =
        "WITH e AS (SELECT DISTINCT ON (x.institution, x.kiosk_id, x.c->>1) x.institution, x.kiosk_id, x.c "
        "FROM (SELECT institution, kiosk_id, rx, content::jsonb AS c FROM ck.audit_entry WHERE kind = 'unit') x "
        "ORDER BY x.institution, x.kiosk_id, x.c->>1, x.rx DESC) "
        "SELECT u.code, u.timezone, coalesce(u.from_kiosk, '?'), coalesce(e.kiosk_id, ''), coalesce(e.c->>3, '') "
        "FROM ck.unit u LEFT JOIN e ON e.institution = u.institution AND e.c->>1 = u.code "
        "WHERE e.kiosk_id IS NULL OR e.c->>3 IS DISTINCT FROM u.timezone ORDER BY u.institution, u.code, e.kiosk_id";
    PGresult *res = central_query(c, sql, 0, NULL, err, errlen);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *code = central_val(res, i, 0), *tz = central_val(res, i, 1), *from = central_val(res, i, 2),
                   *kiosk = central_val(res, i, 3);
        if (!kiosk[0])
            finding(a, "la unidad %s: la central usa la zona horaria %s, que trajo un envío del quiosco %s, y "
                    "ninguna cadena firmada tiene esa unidad: el año de esa unidad puede cortarse a otra hora",
                    code, tz, from);
        else
            finding(a, "la unidad %s: la central usa la zona horaria %s (de un envío del quiosco %s); la cadena "
                    "firmada del quiosco %s la tiene con la zona %s: el año de esa unidad puede cortarse a otra hora",
                    code, tz, from, kiosk, central_val(res, i, 4));
    }
    PQclear(res);
    return 0;
}

/* 6. Conflicts: an entry whose record UUID the central already held as
 * another record (or another kind). The program never reuses a UUID, so
 * one kiosk took another's before it arrived (the session-5 red team: the
 * genuine record was kept aside and left the figures). */
static int check_conflicts(central_conn *c, audit_run *a, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT f.kiosk_id, f.seq, f.kind, f.uuid, coalesce(h.kiosk_id, '?') FROM ck.conflict f "
        "LEFT JOIN LATERAL (SELECT x.kiosk_id FROM ck.audit_entry x WHERE x.institution = f.institution AND "
        "x.uuid = f.uuid AND NOT (x.epoch_no = f.epoch_no AND x.seq = f.seq) ORDER BY x.rx LIMIT 1) h ON true "
        "ORDER BY f.id";
    PGresult *res = central_query(c, sql, 0, NULL, err, errlen);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++)
        finding(a, "quiosco %s, posición %s: su %s %s usa un identificador que la central ya tenía de un envío del "
                "quiosco %s; se guardó aparte y no cuenta en los indicadores (el programa nunca repite "
                "identificadores: uno de los dos lo tomó del otro)", central_val(res, i, 0), central_val(res, i, 1),
                central_val(res, i, 2), central_val(res, i, 3), central_val(res, i, 4));
    PQclear(res);
    /* What a conflict takes with it: attendances held here whose event the
     * central does not hold (the event was kept aside), which therefore
     * count nowhere (the tenth red-team pass squatted an event's UUID and
     * a whole training left the figures). */
    static const char sql_orphans[] =
        "SELECT a.kiosk_id, a.event_uuid::text, count(*) FROM ck.attendance a WHERE NOT EXISTS "
        "(SELECT 1 FROM ck.event e WHERE e.uuid = a.event_uuid) GROUP BY 1, 2 ORDER BY 1, 2";
    if (!(res = central_query(c, sql_orphans, 0, NULL, err, errlen)))
        return -1;
    for (int i = 0; i < PQntuples(res); i++)
        finding(a, "quiosco %s: %s asistencia(s) al evento %s, que la central no tiene (quedó aparte), no cuentan "
                "en los indicadores", central_val(res, i, 0), central_val(res, i, 2), central_val(res, i, 1));
    PQclear(res);
    return 0;
}

/* The kiosks' enrolled public keys (*n of them), or NULL with err. */
static audit_key *load_keys(central_conn *c, int *n, char *err, size_t errlen)
{
    PGresult *res = central_query(c, "SELECT id, encode(public_key, 'hex') FROM ck.kiosk ORDER BY id", 0, NULL,
                                  err, errlen);
    *n = 0;
    if (!res)
        return NULL;
    int rows = PQntuples(res);
    audit_key *keys = calloc((size_t)rows + 1, sizeof *keys);
    for (int i = 0; keys && i < rows; i++) {
        size_t len = 0;
        util_strlcpy(keys[i].kiosk, central_val(res, i, 0), sizeof keys[i].kiosk);
        sodium_hex2bin(keys[i].pk, 32, central_val(res, i, 1), 64, NULL, &len, NULL);
    }
    PQclear(res);
    if (!keys)
        central_fail(err, errlen, "sin memoria");
    else
        *n = rows;
    return keys;
}

/* The epochs' limits, then what valid heads cover of each: an epoch with a
 * valid head also vouches for its parent up to its base (it links there).
 * Children have higher numbers than their parents, so one pass from the
 * newest carries a grandchild's cover to the root. */
static vouch_epoch *load_vouch(central_conn *c, int *n, char *err, size_t errlen)
{
    PGresult *res = central_query(c, "SELECT epoch_no, coalesce(parent_epoch_no, 0), base_seq, head_seq, kiosk_id "
                                     "FROM ck.kiosk_epoch ORDER BY epoch_no", 0, NULL, err, errlen);
    *n = 0;
    if (!res)
        return NULL;
    int rows = PQntuples(res);
    vouch_epoch *ve = calloc((size_t)rows + 1, sizeof *ve);
    for (int i = 0; ve && i < rows; i++) {
        ve[i].no = strtoll(central_val(res, i, 0), NULL, 10);
        ve[i].parent = strtoll(central_val(res, i, 1), NULL, 10);
        ve[i].base_seq = strtoll(central_val(res, i, 2), NULL, 10);
        ve[i].head_seq = strtoll(central_val(res, i, 3), NULL, 10);
        util_strlcpy(ve[i].kiosk, central_val(res, i, 4), sizeof ve[i].kiosk);
    }
    PQclear(res);
    if (!ve)
        central_fail(err, errlen, "sin memoria");
    else
        *n = rows;
    return ve;
}

int central_heads_check(central_conn *c, FILE *warn, long *bad, char **unsigned_json, char *err, size_t errlen)
{
    int nkeys, nve = 0, rc = -1;
    audit_run a = {.out = warn, .prefix = "AVISO: "};
    vouch_epoch *ve = NULL;
    *bad = 0;
    *unsigned_json = NULL;
    audit_key *keys = load_keys(c, &nkeys, err, errlen);
    if (!keys || !(ve = load_vouch(c, &nve, err, errlen)))
        goto out;
    if (check_heads(c, &a, keys, nkeys, ve, nve, err, errlen) != 0 || check_units(c, &a, err, errlen) != 0)
        goto out;
    for (int i = nve - 1; i >= 0; i--)
        for (int j = 0; ve[i].vouched > 0 && ve[i].parent && j < i; j++)
            if (ve[j].no == ve[i].parent && ve[i].base_seq > ve[j].vouched)
                ve[j].vouched = ve[i].base_seq;
    /* [{"epoch_no":N,"after_seq":M},...]: at most 64 bytes an epoch. */
    size_t cap = 3 + (size_t)nve * 64, len = 0;
    char *js = malloc(cap);
    if (!js) {
        central_fail(err, errlen, "sin memoria");
        goto out;
    }
    len = (size_t)snprintf(js, cap, "[");
    for (int i = 0; i < nve; i++) {
        long long keep = ve[i].vouched > ve[i].base_seq ? ve[i].vouched : ve[i].base_seq;
        if (ve[i].head_seq <= keep)
            continue;
        char what[96];
        if (ve[i].head_seq == keep + 1)
            snprintf(what, sizeof what, "la posición %lld no tiene", keep + 1);
        else
            snprintf(what, sizeof what, "las posiciones %lld a %lld no tienen", keep + 1, ve[i].head_seq);
        fprintf(warn, "AVISO: quiosco %s: %s una cabeza firmada válida; sus asistencias y cartas no cuentan en "
                "estos indicadores\n", ve[i].kiosk, what);
        len += (size_t)snprintf(js + len, cap - len, "%s{\"epoch_no\":%lld,\"after_seq\":%lld}", len > 1 ? "," : "",
                                ve[i].no, keep);
    }
    snprintf(js + len, cap - len, "]");
    *unsigned_json = js;
    rc = 0;
out:
    free(keys);
    free(ve);
    *bad = a.findings;
    return rc;
}

int central_audit_verify(const char *url, FILE *out, long *findings, char *err, size_t errlen)
{
    central_conn c;
    audit_key *keys = NULL;
    audit_epoch *ep = NULL;
    int nkeys = 0, nep = 0, rc = -1;
    audit_run a = {.out = out};
    *findings = 0;
    if (central_conn_open(&c, url, err, errlen) != 0)
        return -1;
    if (central_command(&c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errlen) != 0)
        goto out;
    if (!(keys = load_keys(&c, &nkeys, err, errlen)))
        goto out;
    PGresult *res;
    if (!(res = central_query(&c, "SELECT epoch_no, kiosk_id, epoch, base_seq, base_hash, head_seq, head_hash "
                                  "FROM ck.kiosk_epoch ORDER BY epoch_no", 0, NULL, err, errlen)))
        goto out;
    nep = PQntuples(res);
    ep = calloc((size_t)nep + 1, sizeof *ep);
    for (int i = 0; ep && i < nep; i++) {
        ep[i].no = strtoll(central_val(res, i, 0), NULL, 10);
        util_strlcpy(ep[i].kiosk, central_val(res, i, 1), sizeof ep[i].kiosk);
        util_strlcpy(ep[i].epoch, central_val(res, i, 2), sizeof ep[i].epoch);
        ep[i].base_seq = strtoll(central_val(res, i, 3), NULL, 10);
        util_strlcpy(ep[i].base_hash, central_val(res, i, 4), sizeof ep[i].base_hash);
        ep[i].head_seq = strtoll(central_val(res, i, 5), NULL, 10);
        util_strlcpy(ep[i].head_hash, central_val(res, i, 6), sizeof ep[i].head_hash);
    }
    PQclear(res);
    if (!ep) {
        central_fail(err, errlen, "sin memoria");
        goto out;
    }
    if (check_entries(&c, &a, ep, nep, err, errlen) != 0 ||
        check_heads(&c, &a, keys, nkeys, NULL, 0, err, errlen) != 0 ||
        check_batches(&c, &a, ep, nep, err, errlen) != 0 || check_versions(&c, &a, err, errlen) != 0 ||
        check_units(&c, &a, err, errlen) != 0 || check_conflicts(&c, &a, err, errlen) != 0)
        goto out;
    central_command(&c, "COMMIT", err, errlen);
    fprintf(out, "auditoría de la central %s: %d quiosco%s, %d época%s, %lld entradas, %lld cabezas firmadas: %s\n",
            c.label, nkeys, nkeys == 1 ? "" : "s", nep, nep == 1 ? "" : "s", a.entries, a.heads,
            a.findings ? "con hallazgos (arriba)" : "todo en orden");
    *findings = a.findings;
    rc = 0;
out:
    free(keys);
    free(ep);
    central_conn_close(&c);
    return rc;
}
