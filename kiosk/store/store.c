/* store.c — see store.h and store_int.h.
 *
 * Every write that creates a record runs in one BEGIN IMMEDIATE transaction
 * that also appends the audit entry and bumps the folio counter, so a record
 * and its evidence are durable together (WAL + synchronous=FULL) or not at
 * all. Prepared statements are cached on the handle, keyed by the address of
 * their (static) SQL text.
 *
 * This file: opening and migrating, transactions, the statement cache and
 * the helpers of store_int.h, settings (meta), the kiosk identity, units and
 * public keys.
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern const char *const ck_migrations[];
extern const size_t ck_migration_count;

int store_in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

int store_schema_version(void) { return (int)ck_migration_count; }
const char *store_errmsg(const store *s) { return s->err; }
const char *store_kiosk_id(const store *s) { return s->kiosk_id; }

int store_fail(store *s, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    util_one_line(s->err); /* messages quote user input: keep them one line */
    return code;
}

int store_sqlerr(store *s, int rc, const char *what)
{
    int prim = rc & 0xff;
    if (prim == SQLITE_FULL || (rc == SQLITE_IOERR_WRITE && errno == EFBIG))
        return store_fail(s, STORE_FULL, "%s: the disk is full or the file size limit was reached", what);
    if (prim == SQLITE_READONLY || prim == SQLITE_PERM || prim == SQLITE_CANTOPEN)
        return store_fail(s, STORE_READONLY, "%s: the database is read-only (check file and folder permissions)",
                          what);
    if (prim == SQLITE_IOERR)
        return store_fail(s, STORE_FULL, "%s: the disk refused the write (%s); is it full or removed?", what,
                          sqlite3_errmsg(s->db));
    if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
        return store_fail(s, STORE_ERROR, "%s: the database file is damaged (%s)", what, sqlite3_errmsg(s->db));
    if (prim == SQLITE_BUSY)
        return store_fail(s, STORE_ERROR, "%s: the database is locked by another program", what);
    return store_fail(s, STORE_ERROR, "%s: %s", what, sqlite3_errmsg(s->db));
}

sqlite3_stmt *store_stmt(store *s, const char *sql)
{
    int i;
    for (i = 0; i < STORE_STMT_CACHE && s->cache[i].sql; i++) {
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].st);
            sqlite3_clear_bindings(s->cache[i].st);
            return s->cache[i].st;
        }
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        store_sqlerr(s, rc, "prepare");
        return NULL;
    }
    if (i < STORE_STMT_CACHE) {
        s->cache[i].sql = sql;
        s->cache[i].st = st;
    }
    /* A full cache would leak: it is sized for every statement of the store. */
    return st;
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void store_col_text(sqlite3_stmt *st, int i, char *out, size_t outlen)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    util_strlcpy(out, v ? (const char *)v : "", outlen);
}

int store_exec_stmt(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, rc, what);
    return STORE_OK;
}

int store_exec(store *s, const char *sql, const char *what)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? STORE_OK : store_sqlerr(s, rc, what);
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

/* Forgets what the last transaction knew of the chain head. */
static void tx_reset(store *s)
{
    s->verify_memo = 0;
    s->in_tx = 0;
    s->head_valid = 0;
    s->tx_appended = 0;
}

int store_begin(store *s)
{
    tx_reset(s);
    if (s->readonly)
        return store_fail(s, STORE_READONLY, "the database is read-only (check file and folder permissions)");
    int rc = store_exec(s, "BEGIN IMMEDIATE", "begin transaction");
    s->in_tx = rc == STORE_OK;
    return rc;
}

int store_commit(store *s)
{
    /* The new head is signed in the transaction that wrote it. */
    int rc = store_audit_seal(s);
    if (rc == STORE_OK)
        rc = store_exec(s, "COMMIT", "commit");
    tx_reset(s);
    if (rc != STORE_OK)
        store_rollback(s);
    return rc;
}

void store_rollback(store *s)
{
    tx_reset(s);
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void store_snapshot_begin(store *s)
{
    if (s->snapshot_depth++ == 0)
        s->snapshot_own = sqlite3_get_autocommit(s->db) && sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void store_snapshot_end(store *s)
{
    if (s->snapshot_depth > 0 && --s->snapshot_depth == 0 && s->snapshot_own) {
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        s->snapshot_own = 0;
    }
    if (s->snapshot_depth == 0)
        s->verify_memo = 0;
}

/* Reads this database's kiosk id, epoch and epoch base into s. */
static void load_lineage(store *s)
{
    char base[256] = "", epoch[UTIL_UUID_LEN], hash[UTIL_SHA256_HEX];
    long long pos;
    store_meta_get(s, "kiosk_id", s->kiosk_id, sizeof s->kiosk_id);
    store_meta_get(s, "epoch", s->epoch, sizeof s->epoch);
    store_meta_get(s, "epoch_base", base, sizeof base);
    s->base_pos = -1;
    s->base_epoch[0] = s->base_hash[0] = '\0';
    if (sscanf(base, "%36s %lld %64s", epoch, &pos, hash) == 3 && pos >= 0) {
        util_strlcpy(s->base_epoch, epoch, sizeof s->base_epoch);
        util_strlcpy(s->base_hash, hash, sizeof s->base_hash);
        s->base_pos = pos;
    }
}

/* C steps of a migration, after its SQL and in its transaction (i = the
 * migration's index: 1 is db/002_chain.sql). */
static int migrate_steps(store *s, size_t i)
{
    if (i != 1)
        return STORE_OK;
    load_lineage(s);
    return store_audit_baseline(s);
}

static int migrate(store *s, int from)
{
    for (size_t i = (size_t)from; i < ck_migration_count; i++) {
        char pragma[64];
        int rc = store_begin(s);
        if (rc)
            return rc;
        if ((rc = store_exec(s, ck_migrations[i], "apply migration")) != STORE_OK ||
            (rc = migrate_steps(s, i)) != STORE_OK) {
            store_rollback(s);
            return rc;
        }
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %zu", i + 1);
        if ((rc = store_exec(s, pragma, "record schema version")) != STORE_OK ||
            (rc = store_commit(s)) != STORE_OK) {
            store_rollback(s);
            return rc;
        }
    }
    return STORE_OK;
}

/* "-wal" or "-journal" when such a file exists beside the database at
 * path (whatever its size: a read-only reader cannot tell what it holds),
 * else NULL. */
static const char *pending_log(const char *path)
{
    static const char *const suffixes[] = {"-wal", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char p[4200];
        struct stat st;
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        if (lstat(p, &st) == 0)
            return suffixes[i];
    }
    return NULL;
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
         * (folder not writable), read it as an immutable snapshot — only
         * when nothing is pending beside it: SQLite reads an immutable file
         * without its -wal or journal, so records still in them would
         * vanish from every report and from audit verify. */
        const char *pending = pending_log(path);
        if (pending) {
            snprintf(err, errlen, "%s: read-only copy with a pending %s file beside it; open it where it can be "
                     "written (or copy the database with its %s file to a writable folder)", path, pending, pending);
            code = STORE_READONLY;
            goto fail;
        }
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
        /* An older schema: copied aside before the first migration (upgrade.c). */
        if (version > 0 && version < (int)ck_migration_count &&
            (code = store_upgrade_backup(s, path, version, err, errlen)) != STORE_OK)
            goto fail;
        if (store_exec(s, "PRAGMA journal_mode=WAL", "set WAL") ||
            store_exec(s, "PRAGMA synchronous=FULL", "set synchronous") ||
            store_exec(s, "PRAGMA foreign_keys=ON", "set foreign keys") ||
            /* Up to 64 MiB of page cache (used only as pages are touched):
             * a 100,000-row import stays in memory instead of spilling to
             * the WAL and reading pages back mid-transaction. */
            store_exec(s, "PRAGMA cache_size=-65536", "set cache size") ||
            /* Statement journals in memory: an insert whose trigger may
             * abort (the UUID registry) keeps one, and on disk it would be
             * written page by page for every row of an import. */
            store_exec(s, "PRAGMA temp_store=MEMORY", "set temp store") ||
            migrate(s, version)) {
            snprintf(err, errlen, "%s: %s", path, s->err);
            code = STORE_ERROR;
            goto fail;
        }
    }
    store_exec(s, "PRAGMA foreign_keys=ON", "set foreign keys");
    load_lineage(s);
    s->covered_pos = -1;
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
    if (s->sign_release)
        s->sign_release(s->sign_ctx);
    for (int i = 0; i < STORE_STMT_CACHE && s->cache[i].sql; i++)
        sqlite3_finalize(s->cache[i].st);
    sqlite3_close(s->db);
    free(s);
}

const char *store_path(store *s)
{
    const char *p = sqlite3_db_filename(s->db, "main");
    return p ? p : "";
}

/* Gives the copy dst a new epoch whose base is the copy's own head of this
 * kiosk: a database restored from it continues the chain from there, and
 * its new positions are not taken for a fork of the live database's. */
static int fresh_epoch(store *s, sqlite3 *dst)
{
    static const char sql[] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
    char epoch[UTIL_UUID_LEN], base[256];
    store_head h;
    int rc = store_head_of(dst, s->kiosk_id, s->epoch, s->base_epoch, s->base_pos, s->base_hash, &h);
    if (rc != SQLITE_OK)
        return rc;
    /* The head's own epoch: the copy's, or its base's when empty. */
    if (h.pos > 0 && s->base_pos == h.pos && strcmp(s->base_hash, h.hash) == 0)
        util_strlcpy(h.epoch, s->base_epoch, sizeof h.epoch);
    util_uuid(epoch);
    snprintf(base, sizeof base, "%s %lld %s", h.epoch, (long long)h.pos, h.hash);
    sqlite3_stmt *st = NULL;
    if ((rc = sqlite3_exec(dst, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
        return rc;
    /* The new epoch and its base signed by the kiosk key (audit.c's
     * epoch_attested): the mark of a genuine copy. Without the key (a
     * database before init's key) the copy is made all the same. */
    char sig_key[64] = "", sig_hex[129] = "", msg[256];
    unsigned char sig[64];
    size_t n = store_epoch_message(s->kiosk_id, epoch, h.pos, h.hash, msg, sizeof msg);
    /* Only over a head the kiosk key has just vouched for (the backup
     * signs it first, store_audit_sign_head): a chain with entries put in
     * by hand gets no signed epoch, so a copy of it never passes for a
     * genuine restore. */
    int vouched = s->covered_pos == h.pos && strcmp(s->covered_hash, h.hash) == 0;
    if (s->sign && vouched && n > 0 && s->sign(s->sign_ctx, (const unsigned char *)msg, n, sig) == 0) {
        snprintf(sig_key, sizeof sig_key, STORE_EPOCH_SIG_PREFIX "%s", epoch);
        sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
    }
    const char *kv[3][2] = {{"epoch", epoch}, {"epoch_base", base}, {sig_key, sig_hex}};
    for (int i = 0; i < (sig_key[0] ? 3 : 2) && rc == SQLITE_OK; i++) {
        if ((rc = sqlite3_prepare_v2(dst, sql, -1, &st, NULL)) != SQLITE_OK)
            break;
        sqlite3_bind_text(st, 1, kv[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, kv[i][1], -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(dst);
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK)
        return sqlite3_exec(dst, "COMMIT", NULL, NULL, NULL);
    sqlite3_exec(dst, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int store_backup_to(store *s, const char *path)
{
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
        if (b) {
            do {
                rc = sqlite3_backup_step(b, -1); /* all at once: a busy kiosk cannot restart it */
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                    sqlite3_sleep(50);
            } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
            sqlite3_backup_finish(b);
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        } else {
            rc = sqlite3_errcode(dst);
        }
    }
    /* The copy is a self-contained rollback-journal file. */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (rc == SQLITE_OK && s->kiosk_id[0])
        rc = fresh_epoch(s, dst);
    int code = STORE_OK;
    if (rc != SQLITE_OK)
        code = store_fail(s, STORE_ERROR, "%s", dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    sqlite3_close(dst);
    return code;
}

int store_set_durable(store *s, int durable)
{
    return store_exec(s, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF", "set synchronous");
}

int store_pragma(store *s, const char *name, char *out, size_t outlen)
{
    char sql[96];
    if (outlen)
        out[0] = '\0';
    if (!name || !*name || strlen(name) > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name))
        return store_fail(s, STORE_INVALID, "bad setting name '%s'", name ? name : "");
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        store_col_text(st, 0, out, outlen);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "read setting");
}

int store_meta_get(store *s, const char *key, char *out, size_t outlen)
{
    static const char sql[] = "SELECT value FROM meta WHERE key = ?1";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        store_col_text(st, 0, out, outlen);
        sqlite3_reset(st);
        return STORE_OK;
    }
    sqlite3_reset(st);
    if (outlen)
        out[0] = '\0';
    return rc == SQLITE_DONE ? STORE_NOTFOUND : store_sqlerr(s, rc, "read settings");
}

/* Runs fn(s, arg) in a transaction of its own unless one is open. */
static int in_tx(store *s, int (*fn)(store *, void *), void *arg)
{
    if (s->in_tx)
        return fn(s, arg);
    int rc = store_begin(s);
    if (!rc)
        rc = fn(s, arg);
    if (!rc)
        rc = store_commit(s);
    if (rc)
        store_rollback(s);
    return rc;
}

/* A setting or a unit to write, audited at now. */
struct put {
    const char *key, *value;   /* meta; unit: the code, and NULL to create it only if missing */
    const char *tz;            /* unit */
    int64_t now;
};

static int meta_write(store *s, void *arg)
{
    static const char sql[] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value";
    const struct put *p = arg;
    int audited = store_meta_audited(p->key), rc;
    if (audited && (rc = store_audit_check_current(s, "meta", p->key)))
        return rc;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, p->key);
    store_bind_text(st, 2, p->value);
    if ((rc = store_exec_stmt(s, st, "write settings")))
        return rc;
    if (!audited || sqlite3_changes(s->db) == 0)
        return STORE_OK;
    return store_audit_append(s, "meta", p->key, p->now);
}

int store_meta_set_at(store *s, const char *key, const char *value, int64_t now)
{
    struct put p = {key, value, NULL, now};
    if (!store_meta_audited(key)) /* operational state: one statement, no transaction of its own */
        return meta_write(s, &p);
    return in_tx(s, meta_write, &p);
}

int store_meta_set(store *s, const char *key, const char *value)
{
    if (store_meta_audited(key))
        return store_fail(s, STORE_INVALID, "the setting %s is audited: it is set with a time (store_meta_set_at)",
                          key);
    struct put p = {key, value, NULL, 0};
    return meta_write(s, &p);
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
        return store_fail(s, STORE_EXISTS, "this database is already initialised (kiosk %s)", buf);
    if (!institution || !*institution)
        return store_fail(s, STORE_INVALID, "the institution name is empty");
    if (!util_is_token(unit) || strlen(unit) >= STORE_UNIT_CODE_LEN)
        return store_fail(s, STORE_INVALID, "bad unit code '%s' (letters and digits)", unit ? unit : "");
    char id[STORE_KIOSK_ID_LEN], created[32];
    random_kiosk_id(id);
    snprintf(created, sizeof created, "%lld", (long long)now);
    int rc = store_begin(s);
    if (rc)
        return rc;
    memcpy(s->kiosk_id, id, sizeof id); /* the identity's own audit entries are this kiosk's */
    if ((rc = store_meta_set_at(s, "kiosk_id", id, now)) ||
        (rc = store_meta_set_at(s, "institution", institution, now)) ||
        (rc = store_meta_set_at(s, "unit", unit, now)) || (rc = store_meta_set_at(s, "created_at", created, now)) ||
        (rc = store_meta_set(s, "folio_seq", "0")) || (rc = store_unit_ensure_at(s, unit, now)) ||
        (rc = store_commit(s))) {
        store_rollback(s);
        s->kiosk_id[0] = '\0';
        return rc;
    }
    return STORE_OK;
}

/* ---- units ---- */

/* Writes unit p->key (p->value NULL: creates it with name = code and the
 * default zone if missing, leaves an existing one alone), audited. */
static int unit_write(store *s, void *arg)
{
    static const char sql_put[] = "INSERT INTO unit(code, name, timezone) VALUES (?1, ?2, ?3) "
                                  "ON CONFLICT(code) DO UPDATE SET name = excluded.name, timezone = excluded.timezone "
                                  "WHERE name IS NOT excluded.name OR timezone IS NOT excluded.timezone";
    /* The time zone is the column's default, CK_DEFAULT_TZ's value
     * (db/001_init.sql). */
    static const char sql_ensure[] = "INSERT OR IGNORE INTO unit(code, name) VALUES (?1, ?1)";
    const struct put *p = arg;
    int rc;
    if (!s->kiosk_id[0])
        return store_fail(s, STORE_INVALID, "the database has no kiosk identity (run: cepci-kiosk init)");
    if (p->value && (rc = store_audit_check_current(s, "unit", p->key)))
        return rc;
    sqlite3_stmt *st = store_stmt(s, p->value ? sql_put : sql_ensure);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, p->key);
    if (p->value) {
        store_bind_text(st, 2, *p->value ? p->value : p->key);
        store_bind_text(st, 3, p->tz && *p->tz ? p->tz : CK_DEFAULT_TZ);
    }
    if ((rc = store_exec_stmt(s, st, "save unit")))
        return rc;
    return sqlite3_changes(s->db) > 0 ? store_audit_append(s, "unit", p->key, p->now) : STORE_OK;
}

int store_unit_put_at(store *s, const char *code, const char *name, const char *tz, int64_t now)
{
    struct put p = {code, name ? name : "", tz, now};
    if (!util_is_token(code) || strlen(code) >= STORE_UNIT_CODE_LEN)
        return store_fail(s, STORE_INVALID, "bad unit code '%s'", code);
    return in_tx(s, unit_write, &p);
}

int store_unit_ensure_at(store *s, const char *code, int64_t now)
{
    struct put p = {code, NULL, NULL, now};
    if (!util_is_token(code) || strlen(code) >= STORE_UNIT_CODE_LEN)
        return store_fail(s, STORE_INVALID, "bad unit code '%s' (letters, digits, - or _)", code);
    return in_tx(s, unit_write, &p);
}

/* The two below date the unit's audit entry by the clock: for callers that
 * have no `now` at hand (use the _at forms). */
int store_unit_put(store *s, const char *code, const char *name, const char *tz)
{
    return store_unit_put_at(s, code, name, tz, (int64_t)time(NULL));
}

int store_unit_ensure(store *s, const char *code)
{
    return store_unit_ensure_at(s, code, (int64_t)time(NULL));
}

static void read_unit(sqlite3_stmt *st, store_unit *u)
{
    store_col_text(st, 0, u->code, sizeof u->code);
    store_col_text(st, 1, u->name, sizeof u->name);
    store_col_text(st, 2, u->timezone, sizeof u->timezone);
}

int store_unit_get(store *s, const char *code, store_unit *out)
{
    static const char sql[] = "SELECT code, name, timezone FROM unit WHERE code = ?1";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_unit(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? store_fail(s, STORE_NOTFOUND, "unknown unit '%s'", code)
                             : store_sqlerr(s, rc, "read unit");
}

int store_unit_resolve(store *s, const char *code_or_name, store_unit *out)
{
    if (store_unit_get(s, code_or_name, out) == STORE_OK)
        return STORE_OK;
    static const char sql[] = "SELECT code, name, timezone FROM unit";
    char want[256], have[256];
    util_fold(code_or_name, want, sizeof want);
    sqlite3_stmt *st = store_stmt(s, sql);
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
    return found ? STORE_OK : store_fail(s, STORE_NOTFOUND, "unknown unit '%s'", code_or_name);
}

int store_unit_each(store *s, int (*fn)(const store_unit *, void *), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT code, name, timezone FROM unit ORDER BY code", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "list units");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_unit u;
        read_unit(st, &u);
        if (fn(&u, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "list units");
}

/* ---- keys ---- */

/* A public key to store (store_key_put). */
struct key_put {
    const char *kiosk_id, *institution, *unit;
    const unsigned char *pk;
    int64_t now;
};

static int key_write(store *s, void *arg)
{
    static const char sql[] =
        "INSERT INTO kiosk_key(kiosk_id, public_key, institution, unit_code, added_at) VALUES (?1,?2,?3,?4,?5) "
        "ON CONFLICT(kiosk_id) DO UPDATE SET institution = excluded.institution, unit_code = excluded.unit_code "
        "WHERE public_key = excluded.public_key AND (institution IS NOT excluded.institution OR "
        "unit_code IS NOT excluded.unit_code)";
    const struct key_put *k = arg;
    int rc;
    /* Which keys this kiosk trusts is audited (once it has an identity). */
    if (s->kiosk_id[0] && (rc = store_audit_check_current(s, "key", k->kiosk_id)))
        return rc;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, k->kiosk_id);
    sqlite3_bind_blob(st, 2, k->pk, 32, SQLITE_TRANSIENT);
    store_bind_text(st, 3, k->institution ? k->institution : "");
    store_bind_text(st, 4, k->unit ? k->unit : "");
    sqlite3_bind_int64(st, 5, k->now);
    if ((rc = store_exec_stmt(s, st, "save public key")))
        return rc;
    if (!s->kiosk_id[0] || sqlite3_changes(s->db) == 0)
        return STORE_OK;
    return store_audit_append(s, "key", k->kiosk_id, k->now);
}

int store_key_put(store *s, const char *kiosk_id, const unsigned char pk[32], const char *institution,
                  const char *unit, int64_t now)
{
    unsigned char old[32];
    struct key_put k = {kiosk_id, institution, unit, pk, now};
    if (store_key_get(s, kiosk_id, old) == STORE_OK && memcmp(old, pk, 32) != 0)
        return store_fail(s, STORE_EXISTS, "kiosk %s already has a different public key; refusing to replace it",
                          kiosk_id);
    return in_tx(s, key_write, &k);
}

int store_key_get(store *s, const char *kiosk_id, unsigned char pk[32])
{
    static const char sql[] = "SELECT public_key FROM kiosk_key WHERE kiosk_id = ?1";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, kiosk_id);
    int rc = sqlite3_step(st), code = STORE_NOTFOUND;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
        memcpy(pk, sqlite3_column_blob(st, 0), 32);
        code = STORE_OK;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        code = store_sqlerr(s, rc, "read public key");
    }
    sqlite3_reset(st);
    if (code == STORE_NOTFOUND)
        store_fail(s, code, "no public key for kiosk %s (import it with: cepci-kiosk keys import FILE)", kiosk_id);
    return code;
}

