/* store.c — see store.h.
 *
 * Every write that creates a record runs in one BEGIN IMMEDIATE transaction
 * that also appends the audit entry and bumps the folio counter, so a record
 * and its evidence are durable together (WAL + synchronous=FULL) or not at
 * all. Prepared statements are cached on the handle, keyed by the address of
 * their (static) SQL text.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const char *const ck_migrations[];
extern const size_t ck_migration_count;

#define STMT_CACHE 48
#define STORE_SEARCH_SCAN 4000   /* candidate rows examined per search at most */

struct store {
    sqlite3 *db;
    int readonly;
    char kiosk_id[STORE_KIOSK_ID_LEN];
    char err[512];
    /* Hash of this kiosk's last audit entry, valid only inside a write
     * transaction (BEGIN IMMEDIATE holds the lock: nobody else appends). */
    char audit_head[UTIL_SHA256_HEX];
    int in_tx;
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[STMT_CACHE];
};

static const char *const KINDS[] = {
    "curso", "taller", "conferencia", "conversatorio", "cine-debate",
    "platica", "protesta", "otro", NULL,
};
static const char *const TOPICS[] = {
    "etica", "integridad", "conflicto-intereses", "igualdad-genero",
    "violencia-genero", "hsas", "discriminacion", "codigo-conducta", "otro", NULL,
};

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

int store_kind_valid(const char *kind) { return in_list(KINDS, kind); }
int store_topic_valid(const char *topic) { return in_list(TOPICS, topic); }
int store_schema_version(void) { return (int)ck_migration_count; }
const char *store_errmsg(const store *s) { return s->err; }
sqlite3 *store_db(store *s) { return s->db; }
const char *store_kiosk_id(const store *s) { return s->kiosk_id; }

static int fail(store *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(store *s, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    util_one_line(s->err); /* messages quote user input: keep them one line */
    return code;
}

/* Maps a SQLite failure to a STORE_* code with a clear message. */
static int sql_fail(store *s, int rc, const char *what)
{
    int prim = rc & 0xff;
    if (prim == SQLITE_FULL || (rc == SQLITE_IOERR_WRITE && errno == EFBIG))
        return fail(s, STORE_FULL, "%s: the disk is full or the file size limit was reached", what);
    if (prim == SQLITE_READONLY || prim == SQLITE_PERM || prim == SQLITE_CANTOPEN)
        return fail(s, STORE_READONLY, "%s: the database is read-only (check file and folder permissions)", what);
    if (prim == SQLITE_IOERR)
        return fail(s, STORE_FULL, "%s: the disk refused the write (%s); is it full or removed?", what,
                    sqlite3_errmsg(s->db));
    if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
        return fail(s, STORE_ERROR, "%s: the database file is damaged (%s)", what, sqlite3_errmsg(s->db));
    if (prim == SQLITE_BUSY)
        return fail(s, STORE_ERROR, "%s: the database is locked by another program", what);
    return fail(s, STORE_ERROR, "%s: %s", what, sqlite3_errmsg(s->db));
}

int store_sql_fail(store *s, int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = sqlite3_errcode(s->db) != SQLITE_OK ? sqlite3_errcode(s->db) : SQLITE_ERROR;
    return sql_fail(s, rc, what);
}

/* Returns the cached prepared statement for sql, reset and unbound, or NULL
 * (message on s). sql must be a string literal (its address is the key). */
static sqlite3_stmt *stmt(store *s, const char *sql)
{
    int i;
    for (i = 0; i < STMT_CACHE && s->cache[i].sql; i++) {
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].st);
            sqlite3_clear_bindings(s->cache[i].st);
            return s->cache[i].st;
        }
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        sql_fail(s, rc, "prepare");
        return NULL;
    }
    if (i < STMT_CACHE) {
        s->cache[i].sql = sql;
        s->cache[i].st = st;
    }
    /* A full cache would leak: it is sized for every statement in this file. */
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t outlen)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    util_strlcpy(out, v ? (const char *)v : "", outlen);
}

/* Runs a statement that returns no rows. */
static int exec_stmt(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sql_fail(s, rc, what);
    return STORE_OK;
}

static int exec(store *s, const char *sql, const char *what)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? STORE_OK : sql_fail(s, rc, what);
}

/* ck_sha256(x): hex SHA-256 of a blob or text, NULL for NULL. Used by the
 * audit's canonical record texts so a changed signature is detected. */
static void sql_sha256(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const void *p = sqlite3_value_blob(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    char hex[UTIL_SHA256_HEX];
    util_sha256_hex(p ? p : "", (size_t)n, hex);
    sqlite3_result_text(ctx, hex, 64, SQLITE_TRANSIENT);
}

int store_begin(store *s)
{
    s->audit_head[0] = '\0';
    if (s->readonly)
        return fail(s, STORE_READONLY, "the database is read-only (check file and folder permissions)");
    int rc = exec(s, "BEGIN IMMEDIATE", "begin transaction");
    s->in_tx = rc == STORE_OK;
    return rc;
}

int store_commit(store *s)
{
    int rc = exec(s, "COMMIT", "commit");
    s->in_tx = 0;
    s->audit_head[0] = '\0';
    if (rc != STORE_OK)
        store_rollback(s);
    return rc;
}

void store_rollback(store *s)
{
    s->in_tx = 0;
    s->audit_head[0] = '\0';
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int migrate(store *s, int from)
{
    for (size_t i = (size_t)from; i < ck_migration_count; i++) {
        char pragma[64];
        int rc = store_begin(s);
        if (rc)
            return rc;
        if ((rc = exec(s, ck_migrations[i], "apply migration")) != STORE_OK) {
            store_rollback(s);
            return rc;
        }
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %zu", i + 1);
        if ((rc = exec(s, pragma, "record schema version")) != STORE_OK ||
            (rc = store_commit(s)) != STORE_OK) {
            store_rollback(s);
            return rc;
        }
    }
    return STORE_OK;
}

/* Opens s->db on path, read-write, or read-only with the URI parameters
 * ro_params ("ro" or "ro&immutable=1"). Registers ck_sha256. */
static int open_handle(store *s, const char *path, const char *ro_params)
{
    int rc;
    if (!ro_params) {
        /* NOMUTEX: a handle is used by one thread only (the printer worker
         * gets a copy of the receipt, never the handle). */
        rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    } else {
        /* file: URI with the path percent-escaped. */
        size_t n = strlen(path);
        char *uri = malloc(n * 3 + 64);
        if (!uri)
            return SQLITE_NOMEM;
        size_t o = 0;
        o += (size_t)sprintf(uri, "file:");
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)path[i];
            if (c == '%' || c == '?' || c == '#' || c <= 0x20 || c >= 0x7f)
                o += (size_t)sprintf(uri + o, "%%%02X", c);
            else
                uri[o++] = (char)c;
        }
        sprintf(uri + o, "?mode=%s", ro_params);
        rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
        free(uri);
    }
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_create_function(s->db, "ck_sha256", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_sha256, NULL,
                            NULL);
    return SQLITE_OK;
}

int store_open(store **out, const char *path, int create, char *err, size_t errlen)
{
    *out = NULL;
    struct stat st;
    int existed = stat(path, &st) == 0;
    if (!existed && !create) {
        snprintf(err, errlen, "%s: no such database (create one with: cepci-kiosk init)", path);
        return STORE_NOTFOUND;
    }
    if (existed && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return STORE_INVALID;
    }
    if (!existed) {
        /* Create it ourselves so it is 0600 whatever the umask. SQLite gives
         * the -wal and -shm files the same mode. */
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
            return errno == EACCES || errno == EROFS ? STORE_READONLY : STORE_ERROR;
        }
        fchmod(fd, 0600);
        close(fd);
    }
    store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return STORE_ERROR;
    }
    s->readonly = access(path, W_OK) != 0;
    int rc = open_handle(s, path, s->readonly ? "ro" : NULL);
    int code = STORE_OK;
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        code = STORE_ERROR;
        goto fail;
    }
    /* Read the version before anything writes: a file from the future or a
     * damaged one must be left exactly as it was. */
    sqlite3_stmt *q = NULL;
    int version = -1;
    rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL);
    if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        version = sqlite3_column_int(q, 0);
    else
        rc = sqlite3_errcode(s->db);
    sqlite3_finalize(q);
    if (version < 0 && s->readonly && ((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN)) {
        /* A WAL database we may not write needs its -shm file; without one
         * (folder not writable), read it as an immutable snapshot. */
        sqlite3_close(s->db);
        s->db = NULL;
        if (open_handle(s, path, "ro&immutable=1") == SQLITE_OK &&
            sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW)
                version = sqlite3_column_int(q, 0);
            else
                rc = sqlite3_errcode(s->db);
            sqlite3_finalize(q);
        }
    }
    if (version < 0) {
        int prim = rc & 0xff;
        if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT) {
            snprintf(err, errlen, "%s: not a cepci-kiosk database or damaged file (%s)", path, sqlite3_errstr(rc));
            code = STORE_INVALID;
        } else {
            snprintf(err, errlen, "%s: cannot read the database: %s", path, sqlite3_errstr(rc));
            code = prim == SQLITE_FULL || prim == SQLITE_IOERR ? STORE_FULL : STORE_ERROR;
        }
        goto fail;
    }
    if (version > (int)ck_migration_count) {
        snprintf(err, errlen,
                 "%s: written by a newer version of cepci-kiosk (schema %d, this program knows %zu); "
                 "update the program", path, version, ck_migration_count);
        code = STORE_INVALID;
        goto fail;
    }
    if (version > 0) {
        /* An existing database must look like ours. */
        int ok = sqlite3_exec(s->db, "SELECT 1 FROM meta LIMIT 0", NULL, NULL, NULL) == SQLITE_OK;
        if (!ok) {
            snprintf(err, errlen, "%s: not a cepci-kiosk database", path);
            code = STORE_INVALID;
            goto fail;
        }
    } else if (existed && st.st_size > 0) {
        int n = -1;
        rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema", -1, &q, NULL);
        if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            n = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        if (n != 0) {
            snprintf(err, errlen, "%s: not a cepci-kiosk database%s", path, n < 0 ? " (damaged file)" : "");
            code = STORE_INVALID;
            goto fail;
        }
    }
    if (s->readonly) {
        if (version < (int)ck_migration_count) {
            snprintf(err, errlen, "%s: the database is read-only and needs an upgrade", path);
            code = STORE_READONLY;
            goto fail;
        }
    } else {
        if (exec(s, "PRAGMA journal_mode=WAL", "set WAL") ||
            exec(s, "PRAGMA synchronous=FULL", "set synchronous") ||
            exec(s, "PRAGMA foreign_keys=ON", "set foreign keys") ||
            /* Up to 64 MiB of page cache (used only as pages are touched):
             * a 100,000-row import stays in memory instead of spilling to
             * the WAL and reading pages back mid-transaction. */
            exec(s, "PRAGMA cache_size=-65536", "set cache size") ||
            migrate(s, version)) {
            snprintf(err, errlen, "%s: %s", path, s->err);
            code = STORE_ERROR;
            goto fail;
        }
    }
    exec(s, "PRAGMA foreign_keys=ON", "set foreign keys");
    store_meta_get(s, "kiosk_id", s->kiosk_id, sizeof s->kiosk_id);
    *out = s;
    return STORE_OK;
fail:
    store_close(s);
    return code;
}

void store_close(store *s)
{
    if (!s)
        return;
    for (int i = 0; i < STMT_CACHE && s->cache[i].sql; i++)
        sqlite3_finalize(s->cache[i].st);
    sqlite3_close(s->db);
    free(s);
}

int store_meta_get(store *s, const char *key, char *out, size_t outlen)
{
    static const char sql[] = "SELECT value FROM meta WHERE key = ?1";
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        col_text(st, 0, out, outlen);
        sqlite3_reset(st);
        return STORE_OK;
    }
    sqlite3_reset(st);
    if (outlen)
        out[0] = '\0';
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sql_fail(s, rc, "read settings");
}

int store_meta_set(store *s, const char *key, const char *value)
{
    static const char sql[] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
    bind_text(st, 2, value);
    return exec_stmt(s, st, "write settings");
}

/* ---- audit chain ---- */

/* Canonical text of each kind of record: a JSON array of its fields (so no
 * field's text can pass for a separator), computed by SQL from the row so
 * that appending and verifying derive it the same way. Each kind is an
 * expression over a FROM clause whose main table is aliased t; appending
 * selects it for one uuid, verifying for every audit entry in one join. */
#define CANON_ATTENDANCE                                                                              \
    "json_array('attendance', t.uuid, t.kiosk_id, e.uuid, t.employee_no, t.guest_name, t.at, t.method, " \
    "ck_sha256(g.strokes), t.folio)"
#define FROM_ATTENDANCE \
    "attendance t JOIN event e ON e.id = t.event_id LEFT JOIN signature g ON g.id = t.signature_id"
#define CANON_PLEDGE                                                                                  \
    "json_array('pledge', t.uuid, t.kiosk_id, t.employee_no, t.at, t.carta_sha256, t.privacy_sha256, "  \
    "t.method, ck_sha256(g.strokes), t.folio)"
#define FROM_PLEDGE "pledge t LEFT JOIN signature g ON g.id = t.signature_id"
#define CANON_PERSON                                                                                  \
    "json_array('person', t.uuid, t.employee_no, t.given_name, t.surname1, t.surname2, t.unit_code, "   \
    "t.area, t.position, t.email, t.active)"
#define FROM_PERSON "person t"
#define CANON_EVENT                                                                                   \
    "json_array('event', t.uuid, t.kiosk_id, t.title, t.kind, (SELECT json_group_array(topic) FROM "    \
    "(SELECT topic FROM event_topic x WHERE x.event_id = t.id ORDER BY topic)), t.unit_code, "          \
    "t.start_local, t.end_local, t.place, t.instructor, t.pat_key, t.signature, t.state)"
#define FROM_EVENT "event t"

static const char SQL_CANON_ATTENDANCE[] = "SELECT " CANON_ATTENDANCE " FROM " FROM_ATTENDANCE " WHERE t.uuid = ?1";
static const char SQL_CANON_PLEDGE[] = "SELECT " CANON_PLEDGE " FROM " FROM_PLEDGE " WHERE t.uuid = ?1";
static const char SQL_CANON_PERSON[] = "SELECT " CANON_PERSON " FROM " FROM_PERSON " WHERE t.uuid = ?1";
static const char SQL_CANON_EVENT[] = "SELECT " CANON_EVENT " FROM " FROM_EVENT " WHERE t.uuid = ?1";

static const char *canon_sql(const char *kind)
{
    if (strcmp(kind, "attendance") == 0) return SQL_CANON_ATTENDANCE;
    if (strcmp(kind, "pledge") == 0) return SQL_CANON_PLEDGE;
    if (strcmp(kind, "person") == 0) return SQL_CANON_PERSON;
    if (strcmp(kind, "event") == 0) return SQL_CANON_EVENT;
    return NULL;
}

/* Canonical text of a record into a malloc'd string (*out), or NULL if the
 * record does not exist. */
static int canon(store *s, const char *kind, const char *uuid, char **out)
{
    *out = NULL;
    const char *sql = canon_sql(kind);
    if (!sql)
        return fail(s, STORE_INVALID, "unknown audit kind '%s'", kind);
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, uuid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        *out = strdup(t ? t : "");
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_fail(s, rc, "read record");
    return STORE_OK;
}

static void chain_hash(const char *prev, int64_t at, const char *kind, const char *uuid,
                       const char *content, char out[UTIL_SHA256_HEX])
{
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)at);
    crypto_hash_sha256_init(&h);
    const char *parts[] = {prev, num, kind, uuid, content};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        crypto_hash_sha256_update(&h, (const unsigned char *)parts[i], strlen(parts[i]));
        crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    }
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(out, UTIL_SHA256_HEX, d, sizeof d);
}

static const char ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* Appends the audit entry for record (kind, uuid) as it is now. Must run
 * inside the transaction that wrote the record. */
static int audit_append(store *s, const char *kind, const char *uuid, int64_t now)
{
    static const char sql_last[] = "SELECT hash FROM audit WHERE kiosk_id = ?1 ORDER BY seq DESC LIMIT 1";
    static const char sql_ins[] = "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    char prev[UTIL_SHA256_HEX], hash[UTIL_SHA256_HEX];
    char *content = NULL;
    int rc = canon(s, kind, uuid, &content);
    if (rc)
        return rc;
    if (!content)
        return fail(s, STORE_ERROR, "audit: record %s vanished", uuid);
    if (s->in_tx && s->audit_head[0]) {
        memcpy(prev, s->audit_head, sizeof prev);
    } else {
        sqlite3_stmt *st = stmt(s, sql_last);
        if (!st) {
            free(content);
            return STORE_ERROR;
        }
        bind_text(st, 1, s->kiosk_id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            col_text(st, 0, prev, sizeof prev);
        else
            memcpy(prev, ZERO_HASH, sizeof prev);
        sqlite3_reset(st);
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
            free(content);
            return sql_fail(s, step, "read the audit log"); /* never restart the chain on a read error */
        }
    }
    chain_hash(prev, now, kind, uuid, content, hash);
    sqlite3_stmt *st;
    st = stmt(s, sql_ins);
    if (!st) {
        free(content);
        return STORE_ERROR;
    }
    bind_text(st, 1, s->kiosk_id);
    sqlite3_bind_int64(st, 2, now);
    bind_text(st, 3, kind);
    bind_text(st, 4, uuid);
    bind_text(st, 5, content);
    bind_text(st, 6, prev);
    bind_text(st, 7, hash);
    free(content);
    rc = exec_stmt(s, st, "append to audit log");
    if (rc == STORE_OK && s->in_tx)
        memcpy(s->audit_head, hash, sizeof hash);
    else
        s->audit_head[0] = '\0';
    return rc;
}

/* Every audit entry against the record it describes, one join per kind:
 * rows whose record is gone or no longer matches the entry, by seq. */
#define VERIFY_KIND(kind, canon, table, joins)                                                         \
    "SELECT v.seq, v.record_uuid, t.uuid IS NULL FROM audit v LEFT JOIN " table " t ON t.uuid = "       \
    "v.record_uuid " joins " WHERE v.kind = '" kind "' AND (t.uuid IS NULL OR " canon " <> v.content) " \
    "ORDER BY v.seq"

static const struct {
    const char *kind;
    const char *sql;
    int master; /* people and events change: only their latest entry must match */
} VERIFY_KINDS[] = {
    {"attendance", VERIFY_KIND("attendance", CANON_ATTENDANCE, "attendance",
                               "LEFT JOIN event e ON e.id = t.event_id "
                               "LEFT JOIN signature g ON g.id = t.signature_id"), 0},
    {"pledge", VERIFY_KIND("pledge", CANON_PLEDGE, "pledge", "LEFT JOIN signature g ON g.id = t.signature_id"), 0},
    {"person", VERIFY_KIND("person", CANON_PERSON, "person", ""), 1},
    {"event", VERIFY_KIND("event", CANON_EVENT, "event", ""), 1},
};

/* One audit entry as pass 1 remembers it. */
typedef struct audit_ref {
    char uuid[UTIL_UUID_LEN];
    long long seq;
} audit_ref;

static int ref_by_uuid(const void *a, const void *b)
{
    const audit_ref *x = a, *y = b;
    int c = strcmp(x->uuid, y->uuid);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_seq(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* First entry of kind k (lowest seq) whose record is gone or differs; for
 * master data only entries in latest[] (sorted) count. *seq = 0 if none. */
static int first_mismatch(store *s, int k, const long long *latest, size_t nlatest, long long *seq, char *uuid,
                          size_t uuidlen, int *gone)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, VERIFY_KINDS[k].sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sql_fail(s, rc, "audit verify");
    *seq = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long q = sqlite3_column_int64(st, 0);
        if (VERIFY_KINDS[k].master && (nlatest == 0 || !bsearch(&q, latest, nlatest, sizeof *latest, cmp_seq)))
            continue; /* an older version of a record changed since: expected */
        *seq = q;
        col_text(st, 1, uuid, uuidlen);
        *gone = sqlite3_column_int(st, 2);
        break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sql_fail(s, rc, "audit verify");
}

int store_audit_verify(store *s, long *entries)
{
    sqlite3_stmt *st = NULL;
    long n = 0;
    int code = STORE_OK;
    /* 1. Each kiosk's hash chain, entry by entry in order; remember every
     * entry's record for passes 2 and 3. */
    struct chain { char kiosk[STORE_KIOSK_ID_LEN]; char last[UTIL_SHA256_HEX]; } chains[64];
    int nchains = 0;
    long long broken_seq = 0;
    char broken[512] = "";
    audit_ref *refs = NULL, *master = NULL;
    long long *latest = NULL;
    size_t nrefs = 0, nmaster = 0, nlatest = 0, cap = 0;
    int rc = sqlite3_prepare_v2(s->db, "SELECT seq, kiosk_id, at, kind, record_uuid, content, prev_hash, hash "
                                       "FROM audit ORDER BY seq", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sql_fail(s, rc, "audit verify");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long seq = sqlite3_column_int64(st, 0);
#define TEXT_OR_EMPTY(i) (sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "")
        const char *kiosk = TEXT_OR_EMPTY(1); /* a tampered row may hold NULLs */
        int64_t at = sqlite3_column_int64(st, 2);
        const char *kind = TEXT_OR_EMPTY(3);
        const char *uuid = TEXT_OR_EMPTY(4);
        const char *stored = TEXT_OR_EMPTY(5);
        const char *prev = TEXT_OR_EMPTY(6);
        const char *hash = TEXT_OR_EMPTY(7);
#undef TEXT_OR_EMPTY
        char want[UTIL_SHA256_HEX];
        int c;
        n++;
        for (c = 0; c < nchains && strcmp(chains[c].kiosk, kiosk); c++)
            ;
        if (c == nchains) {
            if (nchains == 64) {
                broken_seq = seq;
                snprintf(broken, sizeof broken, "audit entry %lld: more than 64 kiosks", seq);
                break;
            }
            util_strlcpy(chains[c].kiosk, kiosk, sizeof chains[c].kiosk);
            memcpy(chains[c].last, ZERO_HASH, sizeof ZERO_HASH);
            nchains++;
        }
        if (strcmp(prev, chains[c].last) != 0) {
            broken_seq = seq;
            snprintf(broken, sizeof broken, "audit entry %lld (%s %s): previous-hash link broken; "
                     "an entry before it was removed or altered", seq, kind, uuid);
            break;
        }
        chain_hash(prev, at, kind, uuid, stored, want);
        if (strcmp(want, hash) != 0) {
            broken_seq = seq;
            snprintf(broken, sizeof broken, "audit entry %lld (%s %s): hash mismatch; the entry was altered",
                     seq, kind, uuid);
            break;
        }
        memcpy(chains[c].last, hash, sizeof chains[c].last);
        if (nrefs == cap) {
            cap = cap ? cap * 2 : 4096;
            audit_ref *nr = realloc(refs, cap * sizeof *refs);
            if (!nr) {
                code = fail(s, STORE_ERROR, "audit verify: out of memory");
                break;
            }
            refs = nr;
        }
        util_strlcpy(refs[nrefs].uuid, uuid, sizeof refs[nrefs].uuid);
        /* Master data is marked with a negative seq until sorted out. */
        int is_master = strcmp(kind, "person") == 0 || strcmp(kind, "event") == 0;
        refs[nrefs++].seq = is_master ? -seq : seq;
    }
    if (code == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        code = sql_fail(s, rc, "audit verify");
    sqlite3_finalize(st);
    if (code)
        goto out;
    /* The latest entry of each person and event: sort by record, then seq. */
    for (size_t i = 0; i < nrefs; i++)
        nmaster += refs[i].seq < 0;
    master = malloc((nmaster + 1) * sizeof *master);
    latest = malloc((nmaster + 1) * sizeof *latest);
    if (!master || !latest) {
        code = fail(s, STORE_ERROR, "audit verify: out of memory");
        goto out;
    }
    nmaster = 0;
    for (size_t i = 0; i < nrefs; i++) {
        if (refs[i].seq < 0) {
            master[nmaster] = refs[i];
            master[nmaster++].seq = -refs[i].seq;
            refs[i].seq = -refs[i].seq;
        }
    }
    qsort(master, nmaster, sizeof *master, ref_by_uuid);
    for (size_t i = 0; i < nmaster; i++)
        if (i + 1 == nmaster || strcmp(master[i].uuid, master[i + 1].uuid) != 0)
            latest[nlatest++] = master[i].seq;
    qsort(latest, nlatest, sizeof *latest, cmp_seq);
    /* 2. Every entry against the record it describes, one join per kind;
     * the earliest problem of the two passes is the one reported. */
    for (size_t k = 0; k < sizeof VERIFY_KINDS / sizeof *VERIFY_KINDS; k++) {
        long long seq;
        char uuid[UTIL_UUID_LEN] = "";
        int gone = 0;
        if ((code = first_mismatch(s, (int)k, latest, nlatest, &seq, uuid, sizeof uuid, &gone)))
            goto out;
        if (seq && (!broken_seq || seq < broken_seq)) {
            broken_seq = seq;
            snprintf(broken, sizeof broken, "audit entry %lld: %s %s was %s", seq, VERIFY_KINDS[k].kind, uuid,
                     gone ? "deleted" : "edited after it was recorded");
        }
    }
    if (broken_seq) {
        code = fail(s, STORE_INVALID, "%s", broken);
        goto out;
    }
    /* 3. Every record must be in the chain: a row slipped in by hand is not. */
    if (nrefs > 0) /* refs is NULL for an empty log */
        qsort(refs, nrefs, sizeof *refs, ref_by_uuid);
    rc = sqlite3_prepare_v2(s->db, "SELECT 'attendance', uuid FROM attendance UNION ALL SELECT 'pledge', uuid "
                                   "FROM pledge UNION ALL SELECT 'person', uuid FROM person UNION ALL "
                                   "SELECT 'event', uuid FROM event", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        code = sql_fail(s, rc, "audit verify");
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        audit_ref key;
        const unsigned char *u = sqlite3_column_text(st, 1);
        util_strlcpy(key.uuid, u ? (const char *)u : "", sizeof key.uuid);
        /* Any entry of that record will do: find the first with seq >= 0. */
        key.seq = -1;
        size_t lo = 0, hi = nrefs;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (ref_by_uuid(&refs[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == nrefs || strcmp(refs[lo].uuid, key.uuid) != 0) {
            code = fail(s, STORE_INVALID, "%s %s is not in the audit log; it was added outside the program",
                        sqlite3_column_text(st, 0), key.uuid);
            break;
        }
    }
    if (code == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        code = sql_fail(s, rc, "audit verify");
    sqlite3_finalize(st);
out:
    free(refs);
    free(master);
    free(latest);
    if (entries)
        *entries = n;
    return code;
}

/* ---- identity ---- */

static void random_kiosk_id(char out[STORE_KIOSK_ID_LEN])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */
    for (int i = 0; i < STORE_KIOSK_ID_LEN - 1; i++)
        out[i] = alphabet[randombytes_uniform(32)];
    out[STORE_KIOSK_ID_LEN - 1] = '\0';
}

int store_init_identity(store *s, const char *institution, const char *unit, int64_t now)
{
    char buf[64];
    if (store_meta_get(s, "kiosk_id", buf, sizeof buf) == STORE_OK)
        return fail(s, STORE_EXISTS, "this database is already initialised (kiosk %s)", buf);
    if (!institution || !*institution)
        return fail(s, STORE_INVALID, "the institution name is empty");
    if (!util_is_token(unit) || strlen(unit) >= 32)
        return fail(s, STORE_INVALID, "bad unit code '%s' (letters and digits)", unit ? unit : "");
    char id[STORE_KIOSK_ID_LEN], created[32];
    random_kiosk_id(id);
    snprintf(created, sizeof created, "%lld", (long long)now);
    int rc = store_begin(s);
    if (rc)
        return rc;
    if ((rc = store_meta_set(s, "kiosk_id", id)) || (rc = store_meta_set(s, "institution", institution)) ||
        (rc = store_meta_set(s, "unit", unit)) || (rc = store_meta_set(s, "created_at", created)) ||
        (rc = store_meta_set(s, "folio_seq", "0")) || (rc = store_unit_ensure(s, unit)) ||
        (rc = store_commit(s))) {
        store_rollback(s);
        return rc;
    }
    memcpy(s->kiosk_id, id, sizeof id);
    return STORE_OK;
}

/* Next folio of this kiosk: KIOSKID-NNNNNN (Crockford letters and digits,
 * no I/L/O/U, so it reads aloud without ambiguity). Inside a transaction. */
static int next_folio(store *s, char out[STORE_FOLIO_LEN])
{
    static const char sql[] = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                              "WHERE key = 'folio_seq' RETURNING value";
    if (!s->kiosk_id[0])
        return fail(s, STORE_INVALID, "the database has no kiosk identity (run: cepci-kiosk init)");
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    long long n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sql_fail(s, rc, "allocate folio");
    if (n <= 0)
        return fail(s, STORE_ERROR, "allocate folio: counter missing");
    snprintf(out, STORE_FOLIO_LEN, "%s-%06lld", s->kiosk_id, n);
    return STORE_OK;
}

/* ---- units ---- */

int store_unit_put(store *s, const char *code, const char *name, const char *tz)
{
    static const char sql[] = "INSERT INTO unit(code, name, timezone) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT(code) DO UPDATE SET name = excluded.name, timezone = excluded.timezone "
                              "WHERE name IS NOT excluded.name OR timezone IS NOT excluded.timezone";
    if (!util_is_token(code) || strlen(code) >= 32)
        return fail(s, STORE_INVALID, "bad unit code '%s'", code);
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, code);
    bind_text(st, 2, name && *name ? name : code);
    bind_text(st, 3, tz && *tz ? tz : "America/Mexico_City");
    return exec_stmt(s, st, "save unit");
}

int store_unit_ensure(store *s, const char *code)
{
    static const char sql[] = "INSERT OR IGNORE INTO unit(code, name) VALUES (?1, ?1)";
    if (!util_is_token(code) || strlen(code) >= 32)
        return fail(s, STORE_INVALID, "bad unit code '%s' (letters, digits, - or _)", code);
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, code);
    return exec_stmt(s, st, "save unit");
}

static void read_unit(sqlite3_stmt *st, store_unit *u)
{
    col_text(st, 0, u->code, sizeof u->code);
    col_text(st, 1, u->name, sizeof u->name);
    col_text(st, 2, u->timezone, sizeof u->timezone);
}

int store_unit_get(store *s, const char *code, store_unit *out)
{
    static const char sql[] = "SELECT code, name, timezone FROM unit WHERE code = ?1";
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_unit(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? fail(s, STORE_NOTFOUND, "unknown unit '%s'", code) : sql_fail(s, rc, "read unit");
}

int store_unit_resolve(store *s, const char *code_or_name, store_unit *out)
{
    if (store_unit_get(s, code_or_name, out) == STORE_OK)
        return STORE_OK;
    static const char sql[] = "SELECT code, name, timezone FROM unit";
    char want[256], have[256];
    util_fold(code_or_name, want, sizeof want);
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    int rc, found = 0;
    while (!found && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_unit u;
        read_unit(st, &u);
        util_fold(u.name, have, sizeof have);
        if (strcmp(want, have) == 0 || (util_fold(u.code, have, sizeof have), strcmp(want, have) == 0)) {
            *out = u;
            found = 1;
        }
    }
    sqlite3_reset(st);
    return found ? STORE_OK : fail(s, STORE_NOTFOUND, "unknown unit '%s'", code_or_name);
}

int store_unit_each(store *s, int (*fn)(const store_unit *, void *), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT code, name, timezone FROM unit ORDER BY code", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sql_fail(s, rc, "list units");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_unit u;
        read_unit(st, &u);
        if (fn(&u, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sql_fail(s, rc, "list units");
}

/* ---- roster ---- */

#define PERSON_COLS "employee_no, given_name, surname1, surname2, unit_code, area, position, email, active"

static void read_person(sqlite3_stmt *st, int i, store_person *p)
{
    col_text(st, i + 0, p->employee_no, sizeof p->employee_no);
    col_text(st, i + 1, p->given_name, sizeof p->given_name);
    col_text(st, i + 2, p->surname1, sizeof p->surname1);
    col_text(st, i + 3, p->surname2, sizeof p->surname2);
    col_text(st, i + 4, p->unit, sizeof p->unit);
    col_text(st, i + 5, p->area, sizeof p->area);
    col_text(st, i + 6, p->position, sizeof p->position);
    col_text(st, i + 7, p->email, sizeof p->email);
    p->active = sqlite3_column_int(st, i + 8);
}

void store_person_fullname(const store_person *p, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s%s%s%s%s", p->given_name, p->given_name[0] ? " " : "", p->surname1,
             p->surname2[0] ? " " : "", p->surname2);
}

int store_person_get(store *s, const char *employee_no, store_person *out)
{
    static const char sql[] = "SELECT " PERSON_COLS " FROM person WHERE employee_no = ?1";
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, employee_no);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_person(st, 0, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? fail(s, STORE_NOTFOUND, "employee number %s is not in the roster", employee_no)
                             : sql_fail(s, rc, "read person");
}

static int same_person(const store_person *a, const store_person *b)
{
    return strcmp(a->given_name, b->given_name) == 0 && strcmp(a->surname1, b->surname1) == 0 &&
           strcmp(a->surname2, b->surname2) == 0 && strcmp(a->unit, b->unit) == 0 &&
           strcmp(a->area, b->area) == 0 && strcmp(a->position, b->position) == 0 &&
           strcmp(a->email, b->email) == 0 && a->active == b->active;
}

/* Runs sql (?1 = token, ?2 = person id) for each word of norm. */
static int each_token(store *s, const char *sql, sqlite3_int64 id, const char *norm)
{
    const char *w = norm;
    while (*w) {
        size_t len = strcspn(w, " ");
        sqlite3_stmt *st = stmt(s, sql);
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_text(st, 1, w, (int)len, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, id);
        int rc = exec_stmt(s, st, "index name");
        if (rc)
            return rc;
        w += len;
        while (*w == ' ')
            w++;
    }
    return STORE_OK;
}

/* Replaces the search tokens of person id: old_norm's words out (NULL for a
 * new person), new_norm's words in. */
static int index_name(store *s, sqlite3_int64 id, const char *old_norm, const char *new_norm)
{
    static const char sql_del[] = "DELETE FROM name_token WHERE token = ?1 AND person_id = ?2";
    static const char sql_ins[] = "INSERT OR IGNORE INTO name_token(token, person_id) VALUES (?1, ?2)";
    if (old_norm && strcmp(old_norm, new_norm) == 0)
        return STORE_OK;
    int rc = old_norm ? each_token(s, sql_del, id, old_norm) : STORE_OK;
    return rc ? rc : each_token(s, sql_ins, id, new_norm);
}

static int person_upsert(store *s, const store_person *p, int64_t now, int *what);

int store_person_upsert(store *s, const store_person *p, int64_t now, int *what)
{
    /* The row, its search tokens and its audit entry go together. */
    if (s->in_tx)
        return person_upsert(s, p, now, what);
    int rc = store_begin(s);
    if (!rc)
        rc = person_upsert(s, p, now, what);
    if (!rc)
        rc = store_commit(s);
    if (rc)
        store_rollback(s);
    return rc;
}

static int person_upsert(store *s, const store_person *p, int64_t now, int *what)
{
    static const char sql_find[] = "SELECT id, uuid, " PERSON_COLS ", name_norm FROM person WHERE employee_no = ?1";
    static const char sql_ins[] =
        "INSERT INTO person(uuid, kiosk_id, employee_no, given_name, surname1, surname2, unit_code, area, "
        "position, email, active, name_norm, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)";
    static const char sql_upd[] =
        "UPDATE person SET given_name=?4, surname1=?5, surname2=?6, unit_code=?7, area=?8, position=?9, "
        "email=?10, active=?11, name_norm=?12, updated_at=?13 WHERE uuid=?1";
    if (what)
        *what = STORE_PERSON_UNCHANGED;
    if (!util_is_token(p->employee_no))
        return fail(s, STORE_INVALID, "bad employee number '%s' (letters, digits, - or _)", p->employee_no);
    if (!p->surname1[0])
        return fail(s, STORE_INVALID, "the first surname is empty");
    if (!s->kiosk_id[0])
        return fail(s, STORE_INVALID, "the database has no kiosk identity (run: cepci-kiosk init)");
    sqlite3_stmt *st = stmt(s, sql_find);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, p->employee_no);
    char uuid[UTIL_UUID_LEN] = "", old_norm[512] = "";
    sqlite3_int64 id = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        store_person old;
        id = sqlite3_column_int64(st, 0);
        col_text(st, 1, uuid, sizeof uuid);
        read_person(st, 2, &old);
        col_text(st, 11, old_norm, sizeof old_norm);
        sqlite3_reset(st);
        if (same_person(&old, p))
            return STORE_OK;
    } else {
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return sql_fail(s, rc, "read person");
    }
    int isnew = uuid[0] == '\0';
    if (isnew)
        util_uuid(uuid);
    char full[512], norm[512];
    snprintf(full, sizeof full, "%s %s %s", p->given_name, p->surname1, p->surname2);
    util_fold(full, norm, sizeof norm);
    st = stmt(s, isnew ? sql_ins : sql_upd);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, uuid);
    if (isnew) {
        bind_text(st, 2, s->kiosk_id);
        bind_text(st, 3, p->employee_no);
    }
    bind_text(st, 4, p->given_name);
    bind_text(st, 5, p->surname1);
    bind_text(st, 6, p->surname2);
    bind_text(st, 7, p->unit);
    bind_text(st, 8, p->area);
    bind_text(st, 9, p->position);
    bind_text(st, 10, p->email);
    sqlite3_bind_int(st, 11, p->active ? 1 : 0);
    bind_text(st, 12, norm);
    sqlite3_bind_int64(st, 13, now);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        if ((rc & 0xff) == SQLITE_CONSTRAINT)
            return fail(s, STORE_INVALID, "unknown unit '%s'", p->unit);
        return sql_fail(s, rc, "save person");
    }
    if (isnew)
        id = sqlite3_last_insert_rowid(s->db);
    if ((rc = index_name(s, id, isnew ? NULL : old_norm, norm)) || (rc = audit_append(s, "person", uuid, now)))
        return rc;
    if (what)
        *what = isnew ? STORE_PERSON_ADDED : STORE_PERSON_UPDATED;
    return STORE_OK;
}

/* 1 if every word of the folded query is a prefix of some word of norm. */
static int words_match(const char *query, const char *norm)
{
    const char *q = query;
    while (*q) {
        size_t ql = strcspn(q, " ");
        int found = 0;
        for (const char *w = norm; *w && !found;) {
            size_t wl = strcspn(w, " ");
            if (wl >= ql && memcmp(w, q, ql) == 0)
                found = 1;
            w += wl;
            while (*w == ' ')
                w++;
        }
        if (!found)
            return 0;
        q += ql;
        while (*q == ' ')
            q++;
    }
    return 1;
}

static int person_cmp(const void *a, const void *b)
{
    const store_person *x = a, *y = b;
    char fx[512], fy[512];
    snprintf(fx, sizeof fx, "%s %s %s", x->surname1, x->surname2, x->given_name);
    snprintf(fy, sizeof fy, "%s %s %s", y->surname1, y->surname2, y->given_name);
    char nx[512], ny[512];
    util_fold(fx, nx, sizeof nx);
    util_fold(fy, ny, sizeof ny);
    int c = strcmp(nx, ny);
    return c ? c : strcmp(x->employee_no, y->employee_no);
}

int store_search(store *s, const char *query, store_person *out, int max)
{
    static const char sql_count[] =
        "SELECT count(*) FROM (SELECT 1 FROM name_token WHERE token >= ?1 AND token < ?2 LIMIT 5000)";
    static const char sql_scan[] =
        "SELECT t.person_id, p.name_norm, " PERSON_COLS " FROM name_token t "
        "JOIN person p ON p.id = t.person_id WHERE t.token >= ?1 AND t.token < ?2 AND p.active = 1";
    char q[256];
    if (max <= 0)
        return 0;
    if (max > 64)
        max = 64; /* the duplicate filter remembers 64 people */
    util_fold(query, q, sizeof q);
    if (!q[0])
        return 0;
    /* Drive the scan with the word whose prefix range is smallest. */
    char best[256] = "";
    int best_n = -1;
    for (const char *w = q; *w;) {
        size_t wl = strcspn(w, " ");
        char lo[256], hi[260];
        snprintf(lo, sizeof lo, "%.*s", (int)wl, w);
        snprintf(hi, sizeof hi, "%s\x7f", lo);
        sqlite3_stmt *st = stmt(s, sql_count);
        if (!st)
            return STORE_ERROR;
        bind_text(st, 1, lo);
        bind_text(st, 2, hi);
        int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_reset(st);
        /* Fewest matches wins; among words past the cap, the longest. */
        if (best_n < 0 || n < best_n || (n == best_n && strlen(lo) > strlen(best))) {
            best_n = n;
            snprintf(best, sizeof best, "%s", lo);
        }
        if (n == 0)
            return 0;
        w += wl;
        while (*w == ' ')
            w++;
    }
    char hi[260];
    snprintf(hi, sizeof hi, "%s\x7f", best);
    sqlite3_stmt *st = stmt(s, sql_scan);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, best);
    bind_text(st, 2, hi);
    int count = 0, rc = SQLITE_ROW, examined = 0;
    sqlite3_int64 seen[64];
    int nseen = 0;
    /* Bounded work per keystroke: a query that matches nobody among the
     * first STORE_SEARCH_SCAN candidates is answered "none yet" (the person
     * types one more letter) rather than scanning the whole roster. */
    while (count < max && examined++ < STORE_SEARCH_SCAN && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        const char *norm = (const char *)sqlite3_column_text(st, 1);
        int dup = 0;
        for (int i = 0; i < nseen && !dup; i++)
            dup = seen[i] == id;
        if (dup || !words_match(q, norm ? norm : ""))
            continue;
        if (nseen < 64)
            seen[nseen++] = id;
        read_person(st, 2, &out[count++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_fail(s, rc, "search");
    if (count > 1)
        qsort(out, (size_t)count, sizeof *out, person_cmp);
    return count;
}

int store_person_each(store *s, const char *unit, int (*fn)(const store_person *, void *), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
        "SELECT " PERSON_COLS " FROM person WHERE ?1 IS NULL OR unit_code = ?1 "
        "ORDER BY surname1, surname2, given_name, employee_no", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sql_fail(s, rc, "list people");
    bind_text(st, 1, unit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_person p;
        read_person(st, 0, &p);
        if (fn(&p, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sql_fail(s, rc, "list people");
}

int store_person_count(store *s, int active_only)
{
    static const char sql[] = "SELECT count(*) FROM person WHERE active = 1 OR ?1 = 0";
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, active_only);
    int rc = sqlite3_step(st);
    int n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return n < 0 ? sql_fail(s, rc, "count people") : n;
}

/* ---- events ---- */

#define EVENT_COLS "e.uuid, e.title, e.kind, " \
    "ifnull((SELECT group_concat(topic, ',') FROM event_topic t WHERE t.event_id = e.id), ''), " \
    "e.unit_code, e.start_local, e.end_local, e.place, e.instructor, e.pat_key, e.signature, e.state, " \
    "(SELECT count(*) FROM attendance a WHERE a.event_id = e.id)"

static void read_event(sqlite3_stmt *st, store_event *e)
{
    col_text(st, 0, e->id, sizeof e->id);
    col_text(st, 1, e->title, sizeof e->title);
    col_text(st, 2, e->kind, sizeof e->kind);
    col_text(st, 3, e->topics, sizeof e->topics);
    col_text(st, 4, e->unit, sizeof e->unit);
    col_text(st, 5, e->start, sizeof e->start);
    col_text(st, 6, e->end, sizeof e->end);
    col_text(st, 7, e->place, sizeof e->place);
    col_text(st, 8, e->instructor, sizeof e->instructor);
    col_text(st, 9, e->pat, sizeof e->pat);
    e->signature = sqlite3_column_int(st, 10);
    col_text(st, 11, e->state, sizeof e->state);
    e->attendees = sqlite3_column_int(st, 12);
}

static int valid_pat(const char *p)
{
    /* e.g. 1.2.3: digits separated by single dots */
    if (!*p)
        return 1;
    int digits = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p == '.' && digits)
            digits = 0;
        else
            return 0;
    }
    return digits > 0;
}

int store_event_add(store *s, store_event *e, int64_t now)
{
    static const char sql[] =
        "INSERT INTO event(uuid, kiosk_id, title, kind, unit_code, start_local, end_local, place, instructor, "
        "pat_key, signature, state, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,'draft',?12)";
    static const char sql_topic[] = "INSERT OR IGNORE INTO event_topic(event_id, topic) VALUES (?1, ?2)";
    struct tm tm;
    store_unit u;
    const char *texts[] = {e->title, e->place, e->instructor};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (!util_utf8_valid(texts[i], strlen(texts[i])) || util_has_control(texts[i]))
            return fail(s, STORE_INVALID, "the title, place or instructor is not valid text (control characters?)");
    if (!e->title[0])
        return fail(s, STORE_INVALID, "the title is empty");
    if (!store_kind_valid(e->kind))
        return fail(s, STORE_INVALID, "unknown kind '%s' (curso, taller, conferencia, conversatorio, "
                    "cine-debate, platica, protesta, otro)", e->kind);
    char topics[256];
    snprintf(topics, sizeof topics, "%s", e->topics);
    int ntopics = 0;
    for (char *save = NULL, *t = strtok_r(topics, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        util_trim(t);
        if (!store_topic_valid(t))
            return fail(s, STORE_INVALID, "unknown topic '%s' (etica, integridad, conflicto-intereses, "
                        "igualdad-genero, violencia-genero, hsas, discriminacion, codigo-conducta, otro)", t);
        ntopics++;
    }
    if (ntopics == 0)
        return fail(s, STORE_INVALID, "give at least one topic");
    if (store_unit_get(s, e->unit, &u) != STORE_OK)
        return fail(s, STORE_INVALID, "unknown unit '%s'", e->unit);
    if (strlen(e->start) != 16 || util_parse_local(e->start, &tm) != 0)
        return fail(s, STORE_INVALID, "bad start '%s' (use 'YYYY-MM-DD HH:MM')", e->start);
    if (e->end[0]) {
        struct tm te;
        if (strlen(e->end) != 16 || util_parse_local(e->end, &te) != 0)
            return fail(s, STORE_INVALID, "bad end '%s' (use 'YYYY-MM-DD HH:MM')", e->end);
        if (strcmp(e->end, e->start) < 0)
            return fail(s, STORE_INVALID, "the end (%s) is before the start (%s)", e->end, e->start);
    }
    if (!valid_pat(e->pat))
        return fail(s, STORE_INVALID, "bad PAT activity key '%s' (like 1.2.3)", e->pat);
    if (!s->kiosk_id[0])
        return fail(s, STORE_INVALID, "the database has no kiosk identity (run: cepci-kiosk init)");
    util_uuid(e->id);
    int rc = store_begin(s);
    if (rc)
        return rc;
    sqlite3_stmt *st = stmt(s, sql);
    if (!st) {
        rc = STORE_ERROR;
        goto out;
    }
    bind_text(st, 1, e->id);
    bind_text(st, 2, s->kiosk_id);
    bind_text(st, 3, e->title);
    bind_text(st, 4, e->kind);
    bind_text(st, 5, e->unit);
    bind_text(st, 6, e->start);
    bind_text(st, 7, e->end);
    bind_text(st, 8, e->place);
    bind_text(st, 9, e->instructor);
    bind_text(st, 10, e->pat);
    sqlite3_bind_int(st, 11, e->signature ? 1 : 0);
    sqlite3_bind_int64(st, 12, now);
    if ((rc = exec_stmt(s, st, "save event")))
        goto out;
    sqlite3_int64 id = sqlite3_last_insert_rowid(s->db);
    snprintf(topics, sizeof topics, "%s", e->topics);
    for (char *save = NULL, *t = strtok_r(topics, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        util_trim(t);
        if (!(st = stmt(s, sql_topic))) {
            rc = STORE_ERROR;
            goto out;
        }
        sqlite3_bind_int64(st, 1, id);
        bind_text(st, 2, t);
        if ((rc = exec_stmt(s, st, "save event topic")))
            goto out;
    }
    if ((rc = audit_append(s, "event", e->id, now)) || (rc = store_commit(s)))
        goto out;
    snprintf(e->state, sizeof e->state, "draft");
    return STORE_OK;
out:
    store_rollback(s);
    return rc;
}

/* The few event fields a check-in needs, found by id or unique prefix
 * (without the attendee count that store_event_get computes). */
struct event_light {
    sqlite3_int64 row;
    char id[UTIL_UUID_LEN];
    char title[256];
    char state[8];
    int signature;
};

static int event_find(store *s, const char *id, int full, store_event *out, struct event_light *light)
{
    static const char sql_full[] = "SELECT " EVENT_COLS " FROM event e WHERE e.uuid >= ?1 AND e.uuid < ?2 LIMIT 2";
    static const char sql_light[] = "SELECT id, uuid, title, state, signature FROM event "
                                    "WHERE uuid >= ?1 AND uuid < ?2 LIMIT 2";
    const char *sql = full ? sql_full : sql_light;
    size_t len = strlen(id);
    if (len < 4 || len >= UTIL_UUID_LEN || strspn(id, "0123456789abcdef-") != len)
        return fail(s, STORE_NOTFOUND, "no event '%s' (give its id as printed by 'event list')", id);
    char hi[64];
    snprintf(hi, sizeof hi, "%s\x7f", id);
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, id);
    bind_text(st, 2, hi);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ > 0)
            continue;
        if (full) {
            read_event(st, out);
        } else {
            light->row = sqlite3_column_int64(st, 0);
            col_text(st, 1, light->id, sizeof light->id);
            col_text(st, 2, light->title, sizeof light->title);
            col_text(st, 3, light->state, sizeof light->state);
            light->signature = sqlite3_column_int(st, 4);
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sql_fail(s, rc, "read event");
    if (n == 0)
        return fail(s, STORE_NOTFOUND, "no event '%s'", id);
    if (n > 1)
        return fail(s, STORE_NOTFOUND, "event id '%s' is ambiguous; give more characters", id);
    return STORE_OK;
}

int store_event_get(store *s, const char *id, store_event *out)
{
    return event_find(s, id, 1, out, NULL);
}

int store_event_set_state(store *s, const char *id, const char *state, int64_t now)
{
    static const char sql[] = "UPDATE event SET state = ?2 WHERE uuid = ?1";
    store_event e;
    if (strcmp(state, "open") && strcmp(state, "closed") && strcmp(state, "draft"))
        return fail(s, STORE_INVALID, "bad event state '%s'", state);
    int rc = store_event_get(s, id, &e);
    if (rc)
        return rc;
    if (strcmp(e.state, state) == 0)
        return STORE_OK;
    if ((rc = store_begin(s)))
        return rc;
    sqlite3_stmt *st = stmt(s, sql);
    if (!st) {
        store_rollback(s);
        return STORE_ERROR;
    }
    bind_text(st, 1, e.id);
    bind_text(st, 2, state);
    if ((rc = exec_stmt(s, st, "change event state")) || (rc = audit_append(s, "event", e.id, now)) ||
        (rc = store_commit(s))) {
        store_rollback(s);
        return rc;
    }
    return STORE_OK;
}

int store_event_each(store *s, int year, int open_only, int (*fn)(const store_event *, void *), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
        "SELECT " EVENT_COLS " FROM event e WHERE (?1 = 0 OR substr(e.start_local, 1, 4) = printf('%04d', ?1)) "
        "AND (?2 = 0 OR e.state = 'open') ORDER BY e.start_local, e.title", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sql_fail(s, rc, "list events");
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int(st, 2, open_only);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_event e;
        read_event(st, &e);
        if (fn(&e, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sql_fail(s, rc, "list events");
}

/* ---- records ---- */

#define RECORD_SELECT \
    "SELECT 'attendance', a.uuid, a.folio, a.at, a.method, ifnull(a.employee_no, ''), " \
    "ifnull(a.guest_name, ''), e.uuid, '', '', a.kiosk_id, a.signature_id IS NOT NULL " \
    "FROM attendance a JOIN event e ON e.id = a.event_id "
#define PLEDGE_SELECT \
    "SELECT 'pledge', p.uuid, p.folio, p.at, p.method, p.employee_no, '', '', p.carta_sha256, " \
    "p.privacy_sha256, p.kiosk_id, p.signature_id IS NOT NULL FROM pledge p "

static void read_record(sqlite3_stmt *st, store_record *r)
{
    memset(r, 0, sizeof *r);
    col_text(st, 0, r->type, sizeof r->type);
    col_text(st, 1, r->uuid, sizeof r->uuid);
    col_text(st, 2, r->folio, sizeof r->folio);
    r->at = sqlite3_column_int64(st, 3);
    col_text(st, 4, r->method, sizeof r->method);
    col_text(st, 5, r->employee_no, sizeof r->employee_no);
    col_text(st, 6, r->guest_name, sizeof r->guest_name);
    col_text(st, 7, r->event_id, sizeof r->event_id);
    col_text(st, 8, r->carta_sha256, sizeof r->carta_sha256);
    col_text(st, 9, r->privacy_sha256, sizeof r->privacy_sha256);
    col_text(st, 10, r->kiosk_id, sizeof r->kiosk_id);
    r->has_signature = sqlite3_column_int(st, 11);
}

/* Runs a one-row record query with one text parameter. */
static int one_record(store *s, const char *sql, const char *a, const char *b, store_record *out)
{
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, a);
    if (b)
        bind_text(st, 2, b);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_record(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sql_fail(s, rc, "read record");
}

int store_record_by_folio(store *s, const char *folio, store_record *out)
{
    static const char sql_a[] = RECORD_SELECT "WHERE a.folio = ?1";
    static const char sql_p[] = PLEDGE_SELECT "WHERE p.folio = ?1";
    int rc = one_record(s, sql_a, folio, NULL, out);
    if (rc == STORE_NOTFOUND)
        rc = one_record(s, sql_p, folio, NULL, out);
    if (rc == STORE_NOTFOUND)
        return fail(s, STORE_NOTFOUND, "no receipt with folio %s", folio);
    return rc;
}

int store_attendance_find(store *s, const char *event_id, const char *employee_no, store_record *out)
{
    static const char sql[] = RECORD_SELECT "WHERE e.uuid = ?1 AND a.employee_no = ?2";
    store_event e;
    int rc = event_find(s, event_id, 1, &e, NULL);
    if (rc)
        return rc;
    rc = one_record(s, sql, e.id, employee_no, out);
    return rc == STORE_NOTFOUND ? fail(s, rc, "employee %s is not registered at this event", employee_no) : rc;
}

int store_pledge_find(store *s, const char *employee_no, const char *carta_sha256, store_record *out)
{
    static const char sql[] = PLEDGE_SELECT "WHERE p.employee_no = ?1 AND p.carta_sha256 = ?2";
    int rc = one_record(s, sql, employee_no, carta_sha256, out);
    return rc == STORE_NOTFOUND ? fail(s, rc, "employee %s has not signed this Carta", employee_no) : rc;
}

int store_attendance_each(store *s, const char *event_id, int newest,
                          int (*fn)(const store_attendee *, void *), void *ctx)
{
    store_event e;
    int rc = event_find(s, event_id, 1, &e, NULL);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT 'attendance', a.uuid, a.folio, a.at, a.method, ifnull(a.employee_no, ''), "
             "ifnull(a.guest_name, ''), e.uuid, '', '', a.kiosk_id, a.signature_id IS NOT NULL, "
             "ifnull(p.given_name, ''), ifnull(p.surname1, ''), ifnull(p.surname2, ''), ifnull(p.unit_code, ''), "
             "ifnull(p.area, ''), ifnull(p.position, '') "
             "FROM attendance a JOIN event e ON e.id = a.event_id "
             "LEFT JOIN person p ON p.employee_no = a.employee_no WHERE e.uuid = ?1 ORDER BY a.at %s, a.id %s",
             newest ? "DESC" : "ASC", newest ? "DESC" : "ASC");
    if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK)
        return sql_fail(s, rc, "list attendees");
    bind_text(st, 1, e.id);
    store_attendee at;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&at, 0, sizeof at);
        read_record(st, &at.r);
        at.guest = at.r.employee_no[0] == '\0';
        if (at.guest) {
            util_strlcpy(at.name, at.r.guest_name, sizeof at.name);
        } else {
            store_person p;
            memset(&p, 0, sizeof p);
            col_text(st, 12, p.given_name, sizeof p.given_name);
            col_text(st, 13, p.surname1, sizeof p.surname1);
            col_text(st, 14, p.surname2, sizeof p.surname2);
            store_person_fullname(&p, at.name, sizeof at.name);
            col_text(st, 15, at.unit, sizeof at.unit);
            col_text(st, 16, at.area, sizeof at.area);
            col_text(st, 17, at.position, sizeof at.position);
        }
        if (fn(&at, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sql_fail(s, rc, "list attendees");
}

int store_record_signature(store *s, const store_record *r, void **blob, size_t *len)
{
    static const char sql_a[] = "SELECT g.strokes FROM attendance a JOIN signature g ON g.id = a.signature_id "
                                "WHERE a.uuid = ?1";
    static const char sql_p[] = "SELECT g.strokes FROM pledge p JOIN signature g ON g.id = p.signature_id "
                                "WHERE p.uuid = ?1";
    *blob = NULL;
    *len = 0;
    sqlite3_stmt *st = stmt(s, strcmp(r->type, "pledge") == 0 ? sql_p : sql_a);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, r->uuid);
    int rc = sqlite3_step(st), code = STORE_NOTFOUND;
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        *blob = malloc(n > 0 ? (size_t)n : 1);
        if (*blob) {
            memcpy(*blob, sqlite3_column_blob(st, 0), (size_t)n);
            *len = (size_t)n;
            code = STORE_OK;
        } else {
            code = fail(s, STORE_ERROR, "out of memory");
        }
    } else if (rc != SQLITE_DONE) {
        code = sql_fail(s, rc, "read signature");
    }
    sqlite3_reset(st);
    return code;
}

/* Inserts a signature blob; *id gets its rowid (0 when there is none). */
static int put_signature(store *s, const void *sig, size_t siglen, sqlite3_int64 *id)
{
    static const char sql[] = "INSERT INTO signature(uuid, kiosk_id, strokes) VALUES (?1, ?2, ?3)";
    *id = 0;
    if (!sig || siglen == 0)
        return STORE_OK;
    char uuid[UTIL_UUID_LEN];
    util_uuid(uuid);
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, uuid);
    bind_text(st, 2, s->kiosk_id);
    sqlite3_bind_blob(st, 3, sig, (int)siglen, SQLITE_TRANSIENT);
    int rc = exec_stmt(s, st, "save signature");
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int valid_method(const char *m)
{
    static const char *const methods[] = {"badge", "number", "search", "guest", "keyed", NULL};
    return m && in_list(methods, m);
}

int store_checkin(store *s, const char *event_id, const char *employee_no, const char *guest_name,
                  const char *method, const void *sig, size_t siglen, int64_t now, store_record *out)
{
    static const char sql_dup[] = RECORD_SELECT "WHERE e.uuid = ?1 AND a.employee_no = ?2";
    static const char sql_ins[] =
        "INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, guest_name, at, method, signature_id, folio) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    int guest = method && strcmp(method, "guest") == 0;
    struct event_light ev;
    store_person p;
    if (!valid_method(method))
        return fail(s, STORE_INVALID, "bad check-in method '%s'", method ? method : "");
    if (guest) {
        if (!guest_name || !*guest_name)
            return fail(s, STORE_INVALID, "a guest must give a full name");
        if (strlen(guest_name) >= sizeof out->guest_name || !util_utf8_valid(guest_name, strlen(guest_name)) ||
            util_has_control(guest_name))
            return fail(s, STORE_INVALID, "the guest name is too long or not valid text");
    }
    /* Everything is decided inside the write transaction, so an event
     * closed or a person made inactive by another process a moment ago is
     * seen as such. */
    int rc = store_begin(s);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    sqlite3_int64 sigid = 0;
    char uuid[UTIL_UUID_LEN], folio[STORE_FOLIO_LEN];
    int keyed = strcmp(method, "keyed") == 0;
    if ((rc = event_find(s, event_id, 0, NULL, &ev)))
        goto out;
    if (!(strcmp(ev.state, "open") == 0 || (keyed && strcmp(ev.state, "closed") == 0))) {
        rc = fail(s, STORE_CLOSED, "the event '%s' is %s; it does not accept check-ins", ev.title,
                  strcmp(ev.state, "draft") == 0 ? "not open yet" : "closed");
        goto out;
    }
    if (!guest) {
        if (!employee_no || store_person_get(s, employee_no, &p) != STORE_OK) {
            rc = fail(s, STORE_NOTFOUND, "employee number %s is not in the roster", employee_no ? employee_no : "");
            goto out;
        }
        if (!p.active) {
            rc = fail(s, STORE_NOTFOUND, "employee number %s is marked inactive in the roster", employee_no);
            goto out;
        }
        /* A second check-in is caught by the unique index at insert time
         * (the transaction then rolls back, folio counter included). */
    }
    if (ev.signature && !keyed && (!sig || siglen == 0)) {
        rc = fail(s, STORE_INVALID, "this event asks for a signature");
        goto out;
    }
    if ((rc = put_signature(s, sig, siglen, &sigid)) || (rc = next_folio(s, folio)))
        goto out;
    util_uuid(uuid);
    if (!(st = stmt(s, sql_ins))) {
        rc = STORE_ERROR;
        goto out;
    }
    bind_text(st, 1, uuid);
    bind_text(st, 2, s->kiosk_id);
    sqlite3_bind_int64(st, 3, ev.row);
    bind_text(st, 4, guest ? NULL : employee_no);
    bind_text(st, 5, guest ? guest_name : NULL);
    sqlite3_bind_int64(st, 6, now);
    bind_text(st, 7, method);
    if (sigid)
        sqlite3_bind_int64(st, 8, sigid);
    bind_text(st, 9, folio);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        if (rc == SQLITE_CONSTRAINT_UNIQUE && !guest) {
            store_rollback(s);
            if (one_record(s, sql_dup, ev.id, employee_no, out) == STORE_OK)
                return fail(s, STORE_EXISTS, "employee %s is already registered at this event", employee_no);
            return fail(s, STORE_ERROR, "save attendance: identifier clash; try again");
        }
        rc = sql_fail(s, rc, "save attendance");
        goto out;
    }
    if ((rc = audit_append(s, "attendance", uuid, now)) || (rc = store_commit(s)))
        goto out;
    memset(out, 0, sizeof *out);
    snprintf(out->type, sizeof out->type, "attendance");
    memcpy(out->uuid, uuid, sizeof uuid);
    memcpy(out->folio, folio, sizeof folio);
    out->at = now;
    util_strlcpy(out->method, method, sizeof out->method);
    util_strlcpy(out->employee_no, guest ? "" : employee_no, sizeof out->employee_no);
    util_strlcpy(out->guest_name, guest ? guest_name : "", sizeof out->guest_name);
    memcpy(out->event_id, ev.id, sizeof ev.id);
    memcpy(out->kiosk_id, s->kiosk_id, sizeof s->kiosk_id);
    out->has_signature = sigid != 0;
    return STORE_OK;
out:
    store_rollback(s);
    return rc;
}

int store_pledge(store *s, const char *employee_no, const char *carta_sha256, const char *privacy_sha256,
                 const char *method, const void *sig, size_t siglen, int64_t at, int64_t now, store_record *out)
{
    static const char sql_dup[] = PLEDGE_SELECT "WHERE p.employee_no = ?1 AND p.carta_sha256 = ?2";
    static const char sql_ins[] =
        "INSERT INTO pledge(uuid, kiosk_id, employee_no, at, carta_sha256, privacy_sha256, method, signature_id, "
        "folio) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    store_person p;
    int keyed = method && strcmp(method, "keyed") == 0;
    if (!method || (!keyed && strcmp(method, "kiosk") != 0))
        return fail(s, STORE_INVALID, "bad pledge method '%s'", method ? method : "");
    if (!carta_sha256 || strlen(carta_sha256) != 64 || !privacy_sha256 || strlen(privacy_sha256) != 64)
        return fail(s, STORE_INVALID, "the Carta and privacy-notice versions must be SHA-256 hashes");
    if (!keyed && (!sig || siglen == 0))
        return fail(s, STORE_INVALID, "a pledge at the kiosk needs a signature");
    int rc = store_person_get(s, employee_no ? employee_no : "", &p);
    if (rc)
        return rc;
    if (!p.active)
        return fail(s, STORE_NOTFOUND, "employee number %s is marked inactive in the roster", employee_no);
    if (one_record(s, sql_dup, employee_no, carta_sha256, out) == STORE_OK)
        return fail(s, STORE_EXISTS, "employee %s already signed this version of the Carta Compromiso",
                    employee_no);
    if ((rc = store_begin(s)))
        return rc;
    sqlite3_int64 sigid = 0;
    char uuid[UTIL_UUID_LEN], folio[STORE_FOLIO_LEN];
    sqlite3_stmt *st;
    if ((rc = put_signature(s, sig, siglen, &sigid)) || (rc = next_folio(s, folio)))
        goto out;
    util_uuid(uuid);
    if (!(st = stmt(s, sql_ins))) {
        rc = STORE_ERROR;
        goto out;
    }
    bind_text(st, 1, uuid);
    bind_text(st, 2, s->kiosk_id);
    bind_text(st, 3, employee_no);
    sqlite3_bind_int64(st, 4, at);
    bind_text(st, 5, carta_sha256);
    bind_text(st, 6, privacy_sha256);
    bind_text(st, 7, method);
    if (sigid)
        sqlite3_bind_int64(st, 8, sigid);
    bind_text(st, 9, folio);
    if ((rc = exec_stmt(s, st, "save pledge")) || (rc = audit_append(s, "pledge", uuid, now)) ||
        (rc = store_commit(s)))
        goto out;
    memset(out, 0, sizeof *out);
    snprintf(out->type, sizeof out->type, "pledge");
    memcpy(out->uuid, uuid, sizeof uuid);
    memcpy(out->folio, folio, sizeof folio);
    out->at = at;
    util_strlcpy(out->method, method, sizeof out->method);
    util_strlcpy(out->employee_no, employee_no, sizeof out->employee_no);
    util_strlcpy(out->carta_sha256, carta_sha256, sizeof out->carta_sha256);
    util_strlcpy(out->privacy_sha256, privacy_sha256, sizeof out->privacy_sha256);
    memcpy(out->kiosk_id, s->kiosk_id, sizeof s->kiosk_id);
    out->has_signature = sigid != 0;
    return STORE_OK;
out:
    store_rollback(s);
    return rc;
}

/* ---- keys ---- */

int store_key_put(store *s, const char *kiosk_id, const unsigned char pk[32], const char *institution,
                  const char *unit, int64_t now)
{
    static const char sql[] =
        "INSERT INTO kiosk_key(kiosk_id, public_key, institution, unit_code, added_at) VALUES (?1,?2,?3,?4,?5) "
        "ON CONFLICT(kiosk_id) DO UPDATE SET institution = excluded.institution, unit_code = excluded.unit_code "
        "WHERE public_key = excluded.public_key";
    unsigned char old[32];
    if (store_key_get(s, kiosk_id, old) == STORE_OK && memcmp(old, pk, 32) != 0)
        return fail(s, STORE_EXISTS, "kiosk %s already has a different public key; refusing to replace it",
                    kiosk_id);
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, kiosk_id);
    sqlite3_bind_blob(st, 2, pk, 32, SQLITE_TRANSIENT);
    bind_text(st, 3, institution ? institution : "");
    bind_text(st, 4, unit ? unit : "");
    sqlite3_bind_int64(st, 5, now);
    return exec_stmt(s, st, "save public key");
}

int store_key_get(store *s, const char *kiosk_id, unsigned char pk[32])
{
    static const char sql[] = "SELECT public_key FROM kiosk_key WHERE kiosk_id = ?1";
    sqlite3_stmt *st = stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, kiosk_id);
    int rc = sqlite3_step(st), code = STORE_NOTFOUND;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
        memcpy(pk, sqlite3_column_blob(st, 0), 32);
        code = STORE_OK;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        code = sql_fail(s, rc, "read public key");
    }
    sqlite3_reset(st);
    if (code == STORE_NOTFOUND)
        fail(s, code, "no public key for kiosk %s (import it with: cepci-kiosk keys import FILE)", kiosk_id);
    return code;
}
