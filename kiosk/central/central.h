/* central.h — the kiosk's side of the central PostgreSQL (issue 11):
 * `sync` (push this kiosk's chain, pull the other kiosks'), the
 * coordinator's `central ...` commands, and USB bundles. The only code of
 * the program that talks to PostgreSQL (libpq); the wire contract is
 * db/central/README.md, the SQLite side kiosk/store/sync.c.
 *
 * Every function returns 0 on success or -1 with one line in err, in
 * Spanish, for the coordinator (the central's own messages are Spanish
 * too). A central is named by a libpq connection string or URI, e.g.
 * "host=db.example dbname=cepci user=k_1vtdmp9 sslmode=verify-full";
 * "" takes libpq's environment (PGHOST, PGDATABASE, ...). Nothing here
 * keeps a connection between calls. */
#ifndef CK_CENTRAL_H
#define CK_CENTRAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "store.h"

/* ---- sync (central_sync.c) ---- */

typedef struct central_sync_opts {
    int64_t now;          /* the kiosk's clock (Unix seconds) */
    int batch;            /* entries per push transaction (default 5000) */
    int page;             /* entries per pull page (default 1000) */
    int push_only;        /* skip the pull */
} central_sync_opts;

typedef struct central_sync_result {
    char central[64];     /* the central's id */
    char label[128];      /* its host and database */
    int64_t pushed;       /* entries the central stored now */
    int64_t batches;      /* push transactions committed */
    int64_t pulled;       /* entries of other kiosks stored here now */
    store_sync_counts in; /* what the pull brought */
    int new_epoch;        /* this database continued under a new epoch */
    int64_t skew;         /* this clock minus the central's, seconds */
} central_sync_result;

/* Pushes every entry of this kiosk's chain the central has not
 * acknowledged (each batch in its own transaction; the mark moves after
 * COMMIT), then pulls what this database lacks. db_path locates the
 * signing key. On error (unreachable, refused, a batch kept aside) the
 * queue stays as it was for the next try; *r holds what was done. */
int central_sync(store *s, const char *db_path, const char *url, const central_sync_opts *o,
                 central_sync_result *r, char *err, size_t errlen);

/* Checks that this kiosk can reach the central at url and is enrolled
 * there, without sending or storing anything (`doctor`): a connect
 * timeout of `timeout` seconds (the url may override it), then ck.hello.
 * 0 with one Spanish line in out (where, the central's id, batches held
 * in quarantine), or -1 with one line in err. */
int central_probe(const char *url, const char *kiosk_id, int timeout, char *out, size_t outlen, char *err,
                  size_t errlen);

/* ---- the coordinator's commands (central_admin.c, central_audit.c) ---- */

/* Creates or upgrades the central schema (db/central/NNN_*.sql, built into
 * the program), each version in one transaction; prints the versions
 * applied on out. Idempotent. */
int central_init(const char *url, FILE *out, char *err, size_t errlen);

/* Enrolls every kiosk of a `keys export` file (CKKEY1 lines); db_role
 * (NULL: none) binds their pushes to that login. Prints one line per kiosk. */
int central_enroll(const char *url, const char *keyfile, const char *db_role, FILE *out, char *err, size_t errlen);

/* Per kiosk: last push, lag, clock skew, records held, conflicts, flags. */
int central_status(const char *url, FILE *out, char *err, size_t errlen);

/* The indicators of institution for year, computed by PostgreSQL with the
 * goals and topics of c, written as indicators_write does (text, csv,
 * json): the same output `indicators` gives on a database holding the same
 * records. */
int central_indicators(const char *url, const char *institution, int year, const config *c, const char *format,
                       FILE *out, char *err, size_t errlen);

/* Checks every kiosk's chain held by the central (continuous, each entry
 * hashing to itself), every signed head with the enrolled key (libsodium),
 * and reports, with the kiosk and the position, every batch kept aside
 * (a rewritten database, deleted entries) and every epoch that continues
 * below what the central already held (a database restored from an older
 * copy or truncated). Prints the findings and a summary; *findings gets
 * their number. */
int central_audit_verify(const char *url, FILE *out, long *findings, char *err, size_t errlen);

/* ---- bundles (bundle.c) ----
 * A bundle file: one line "CKBUNDLE1 KIOSK SIGNATURE" (the exporting kiosk
 * and its Ed25519 signature, base64, over "CKB1\n" followed by the
 * payload), then the payload: the JSON of store_bundle_build. Any byte
 * changed, or an unknown kiosk, refuses the whole file. */

typedef struct central_bundle_info {
    char kiosk[STORE_KIOSK_ID_LEN];
    size_t bytes;
} central_bundle_info;

/* Writes a bundle of everything this database holds to path (mode 0600,
 * atomically), signed with the key beside db_path. */
int central_bundle_export(store *s, const char *db_path, const char *path, int64_t now, central_bundle_info *info,
                          char *err, size_t errlen);

/* Imports a bundle into this database: the file's signature must verify
 * with the exporter's public key held here; all of it or nothing. */
int central_bundle_import(store *s, const char *path, int64_t now, store_sync_counts *n, central_bundle_info *info,
                          char *err, size_t errlen);

/* Imports a bundle into the central (`central import FILE`), as the
 * database owner: the signatures are checked with the enrolled keys, then
 * each chain is ingested like a push, all in one transaction. *stored gets
 * the entries stored now. A batch the central keeps aside is reported in
 * err (the central keeps the record of it). */
int central_import(const char *url, const char *path, int64_t *stored, int64_t *chains, char *err, size_t errlen);

#endif
