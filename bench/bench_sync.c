/* bench_sync.c — `ck-bench sync`: the central PostgreSQL figures of issue
 * 11, with the real program's code paths (kiosk/central/, the store's
 * sync) against a throwaway PostgreSQL 15 with its default durability
 * settings (fsync on), started here as in tests/pg_lib.sh:
 *   1. push of 100,000 records from one kiosk (`sync`: batches of 5,000,
 *      each one transaction, hashes verified by the central): time and
 *      records/s (target < 20 s);
 *   1b. pull of those 100,000 records into another kiosk (each entry's
 *      chain checked, each record applied in a savepoint and rebuilt);
 *   2. central ingest of 1,000,000 records in total: nine more kiosks of
 *      100,000 each, pushed one after the other (is the last as fast as the
 *      first?);
 *   3. `central indicators` for one institution while the central holds
 *      10,000,000 attendance rows across 300 institutions
 *      (tools/central_gen.sql; target < 1 s), median of 9 institutions;
 *   4. the same for all institutions in one query (ck.indicators_of).
 * Skipped with a message when PostgreSQL 15 is not installed.
 * CK_BENCH_SYNC_SCALE (default 1) scales every size, e.g. 0.1 for a quick
 * look; CK_BENCH_SYNC_KIOSKS (default 10) is the number of kiosks pushed.
 * Figures are printed, not asserted. */
#include "bench.h"

#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "central.h"
#include "config.h"
#include "keys.h"
#include "store.h"
#include "util.h"

#define PG_BIN "/usr/lib/postgresql/15/bin"

static char pg_dir[1024];
static char work_dir[1024];   /* ck-bench's scratch folder, removed if interrupted */
static int as_nobody;

/* Runs a shell command built from fmt; returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

static const char *runas(void)
{
    return as_nobody ? "runuser -u nobody -- " : "";
}

static int pg_start(void)
{
    snprintf(pg_dir, sizeof pg_dir, "/tmp/ck-bench-pg.XXXXXX");
    if (!mkdtemp(pg_dir))
        return -1;
    chmod(pg_dir, 0711);
    as_nobody = geteuid() == 0;
    if (as_nobody && sh("chown nobody '%s'", pg_dir) != 0)
        return -1;
    if (sh("%s" PG_BIN "/initdb -D '%s/data' -U ck_admin -A trust -E UTF8 --locale=C >'%s/initdb.log' 2>&1",
           runas(), pg_dir, pg_dir) != 0)
        return -1;
    /* The server's own durability defaults; more memory for the 10 M rows. */
    return sh("%s" PG_BIN "/pg_ctl -D '%s/data' -l '%s/server.log' -w -t 120 -o \"-c listen_addresses='' "
              "-c unix_socket_directories='%s' -c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB "
              "-c max_wal_size=16GB -c checkpoint_timeout=1h -c max_parallel_workers_per_gather=2\" start >/dev/null",
              runas(), pg_dir, pg_dir, pg_dir) == 0 &&
                   sh(PG_BIN "/psql -X -q -h '%s' -U ck_admin -d postgres -c 'CREATE ROLE cepci_owner LOGIN "
                      "CREATEROLE' -c 'CREATE DATABASE cepci OWNER cepci_owner'", pg_dir) == 0
               ? 0
               : -1;
}

static void pg_stop(void)
{
    if (!pg_dir[0])
        return;
    sh("%s" PG_BIN "/pg_ctl -D '%s/data' -m immediate -w stop >/dev/null 2>&1", runas(), pg_dir);
    sh("rm -rf '%s'", pg_dir);
    pg_dir[0] = '\0';
}

/* Interrupted (Ctrl-C, a closed pipe): the cluster must not outlive us. */
static void on_signal(int sig)
{
    pg_stop();
    if (work_dir[0])
        sh("rm -rf '%s'", work_dir);
    _exit(128 + sig);
}

/* A kiosk database of people x events check-ins (one per person and
 * event), made through the store like the kiosk makes them; enrolled at
 * the central. Returns the store, or NULL. */
static store *kiosk(const char *dir, int k, int people, int events, const char *url, double *ms)
{
    char path[4096], err[512], unit[16], keyfile[4096];
    store *s = NULL;
    snprintf(path, sizeof path, "%s/k%02d.db", dir, k);
    snprintf(keyfile, sizeof keyfile, "%s.key", path);
    unlink(path), unlink(keyfile);
    snprintf(unit, sizeof unit, "U%d", 1 + k % 5);
    double t0 = bench_now_ms();
    int64_t now = 1735700000 + (int64_t)k * 10000000;
    if (store_open(&s, path, 1, err, sizeof err) || store_set_durable(s, 0) ||
        store_init_identity(s, "Bench", unit, now) || keys_create(s, path, now, err, sizeof err)) {
        fprintf(stderr, "bench: kiosk %d: %s\n", k, s ? store_errmsg(s) : err);
        store_close(s);
        return NULL;
    }
    store_begin(s);
    for (int p = 0; p < people; p++) {
        store_person pr;
        memset(&pr, 0, sizeof pr);
        snprintf(pr.employee_no, sizeof pr.employee_no, "%d", 100000 + k * 10000 + p);
        snprintf(pr.given_name, sizeof pr.given_name, "Inés");
        snprintf(pr.surname1, sizeof pr.surname1, "Peña");
        snprintf(pr.surname2, sizeof pr.surname2, "Íñiguez %d", p);
        snprintf(pr.unit, sizeof pr.unit, "%s", unit);
        pr.active = 1;
        if (store_person_upsert(s, &pr, now, NULL) != STORE_OK)
            break;
    }
    store_commit(s);
    for (int e = 0; e < events; e++) {
        store_event ev;
        memset(&ev, 0, sizeof ev);
        snprintf(ev.title, sizeof ev.title, "Taller %d", e);
        snprintf(ev.kind, sizeof ev.kind, "taller");
        snprintf(ev.topics, sizeof ev.topics, "etica");
        snprintf(ev.unit, sizeof ev.unit, "%s", unit);
        snprintf(ev.start, sizeof ev.start, "2025-%02d-%02d 10:00", 1 + e % 12, 1 + e % 28);
        ev.signature = 0;
        if (store_event_add(s, &ev, now) || store_event_set_state(s, ev.id, "open", now))
            break;
        for (int p = 0; p < people; p++) {
            char emp[32];
            store_record r;
            snprintf(emp, sizeof emp, "%d", 100000 + k * 10000 + p);
            if (store_checkin(s, ev.id, emp, NULL, "number", NULL, 0, ++now, &r) != STORE_OK) {
                fprintf(stderr, "bench: check-in: %s\n", store_errmsg(s));
                store_close(s);
                return NULL;
            }
        }
    }
    *ms = bench_now_ms() - t0;
    /* Enrolled like a real kiosk: its `keys export` line. */
    unsigned char pk[32];
    char b64[64], file[4096];
    FILE *f;
    snprintf(file, sizeof file, "%s/k%02d.keys", dir, k);
    if (store_key_get(s, store_kiosk_id(s), pk) != STORE_OK || !(f = fopen(file, "w"))) {
        store_close(s);
        return NULL;
    }
    sodium_bin2base64(b64, sizeof b64, pk, 32, sodium_base64_VARIANT_ORIGINAL);
    fprintf(f, "CKKEY1\t%s\t%s\t%s\tBench\n", store_kiosk_id(s), b64, unit);
    fclose(f);
    FILE *null = fopen("/dev/null", "w");
    int rc = central_enroll(url, file, NULL, null, err, sizeof err);
    fclose(null);
    if (rc) {
        fprintf(stderr, "bench: enroll: %s\n", err);
        store_close(s);
        return NULL;
    }
    return s;
}

/* Pushes kiosk s (100 k records): returns the time in ms, or -1. */
static double push(store *s, const char *dir, int k, const char *url, int64_t *pushed)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/k%02d.db", dir, k);
    central_sync_opts o = {.now = 1767225600, .batch = 5000, .page = 1000, .push_only = 1};
    central_sync_result r;
    double t0 = bench_now_ms();
    if (central_sync(s, path, url, &o, &r, err, sizeof err) != 0) {
        fprintf(stderr, "bench: sync: %s\n", err);
        return -1;
    }
    *pushed = r.pushed;
    return bench_now_ms() - t0;
}

int bench_sync(const char *workdir)
{
    if (access(PG_BIN "/initdb", X_OK) != 0 || access(PG_BIN "/pg_ctl", X_OK) != 0) {
        printf("sync: skipped: PostgreSQL 15 is not installed (" PG_BIN "; scripts/setup.sh installs postgresql-15)\n");
        return 0;
    }
    const char *sc = getenv("CK_BENCH_SYNC_SCALE");
    double scale = sc && *sc ? strtod(sc, NULL) : 1.0;
    if (scale <= 0 || scale > 10)
        scale = 1.0;
    const char *nk = getenv("CK_BENCH_SYNC_KIOSKS");
    int people = (int)(2000 * scale), events = 50, kiosks = nk && atoi(nk) > 0 ? atoi(nk) : 10;
    long gen_rows = (long)(10000000 * scale);
    int institutions = 300;
    if (people < 10)
        people = 10;
    int rc = 1;
    snprintf(work_dir, sizeof work_dir, "%s", workdir);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, on_signal);
    if (pg_start() != 0) {
        fprintf(stderr, "bench: cannot start PostgreSQL (see %s)\n", pg_dir);
        pg_stop();
        return 1;
    }
    char url[2048], err[1024];
    snprintf(url, sizeof url, "host=%s dbname=cepci user=cepci_owner", pg_dir);
    FILE *null = fopen("/dev/null", "w");
    if (central_init(url, null, err, sizeof err) != 0) {
        fprintf(stderr, "bench: central init: %s\n", err);
        goto out;
    }
    printf("PostgreSQL 15, fsync on (the server's defaults); %d kiosks of %d records (%d people x %d events)\n",
           kiosks, people * events, people, events);
    double total = 0, first = 0, last = 0, build = 0;
    int64_t records = 0;
    for (int k = 0; k < kiosks; k++) {
        double ms;
        int64_t pushed = 0;
        store *s = kiosk(workdir, k, people, events, url, &ms);
        if (!s)
            goto out;
        build += ms;
        double t = push(s, workdir, k, url, &pushed);
        store_close(s);
        char path[4096];
        snprintf(path, sizeof path, "rm -f '%s/k%02d.db'*", workdir, k);
        sh("%s", path);
        if (t < 0)
            goto out;
        records += (int64_t)people * events;
        total += t;
        if (k == 0) {
            first = t;
            printf("push of %d records from one kiosk (%lld entries with the roster and events, batches of 5,000, "
                   "one transaction each): %.2f s, %.0f records/s (target < 20 s)\n", people * events,
                   (long long)pushed, t / 1000, people * events / (t / 1000));
            fflush(stdout);
            /* Another kiosk of the institution pulls them. */
            double ignore;
            store *p = kiosk(workdir, 99, 0, 0, url, &ignore);
            if (!p)
                goto out;
            char ppath[4096];
            snprintf(ppath, sizeof ppath, "%s/k99.db", workdir);
            central_sync_opts po = {.now = 1767225600, .batch = 5000, .page = 1000};
            central_sync_result pr;
            double p0 = bench_now_ms();
            int prc = central_sync(p, ppath, url, &po, &pr, err, sizeof err);
            double pt = bench_now_ms() - p0;
            /* What the pulling kiosk's audit verify then walks: its own
             * chain and every entry it took, with what the sync decided. */
            long ventries = 0;
            double v0 = bench_now_ms();
            int vrc = prc ? STORE_OK : store_audit_verify(p, &ventries);
            double vt = bench_now_ms() - v0;
            store_close(p);
            if (prc) {
                fprintf(stderr, "bench: pull: %s\n", err);
                goto out;
            }
            printf("pull of them into another kiosk (%lld entries, pages of 1,000, each applied in one "
                   "transaction): %.2f s, %.0f records/s\n", (long long)pr.pulled, pt / 1000,
                   people * events / (pt / 1000));
            printf("audit verify of that kiosk (%ld entries): %.2f s%s\n", ventries, vt / 1000,
                   vrc == STORE_OK ? "" : " (NOT INTACT)");
            fflush(stdout);
            sh("rm -f '%s'*", ppath);
        }
        last = t;
    }
    printf("central ingest of %lld records in total (%d kiosks pushed in turn): %.1f s, %.0f records/s; first "
           "push %.2f s, last %.2f s (with %lld records already held); kiosk fixtures built in %.1f s\n",
           (long long)records, kiosks, total / 1000, records / (total / 1000), first / 1000, last / 1000,
           (long long)(records - (int64_t)people * events), build / 1000);
    fflush(stdout);
    /* The indicator load: 10 M attendance rows over 300 institutions. */
    double t0 = bench_now_ms();
    if (sh(PG_BIN "/psql -X -q -h '%s' -U cepci_owner -d cepci -v institutions=%d -v attendance=%ld "
           "-f '%s/tools/central_gen.sql' >/dev/null", pg_dir, institutions, gen_rows, CK_SOURCE_DIR) != 0) {
        fprintf(stderr, "bench: tools/central_gen.sql failed\n");
        goto out;
    }
    printf("generate %ld attendance rows over %d institutions (tools/central_gen.sql): %.0f s\n", gen_rows,
           institutions, (bench_now_ms() - t0) / 1000);
    fflush(stdout);
    config cfg;
    config_defaults(&cfg, ".");
    double one[9];
    for (int i = 0; i < 9; i++) {
        char inst[32];
        snprintf(inst, sizeof inst, "BENCH-%03d", 1 + (i * 37) % institutions);
        double t1 = bench_now_ms();
        if (central_indicators(url, inst, 2025, &cfg, "json", null, err, sizeof err) != 0) {
            fprintf(stderr, "bench: central indicators: %s\n", err);
            goto out;
        }
        one[i] = bench_now_ms() - t1;
    }
    double med = bench_percentile(one, 9, 50); /* sorts one[] */
    printf("`central indicators` for one institution (connect, SQL, output), %ld attendance rows held: median %.0f ms "
           "of 9 institutions (min %.0f, max %.0f; target < 1000 ms)\n", gen_rows + (long)records, med, one[0],
           one[8]);
    fflush(stdout);
    double all[3];
    for (int i = 0; i < 3; i++) {
        double t1 = bench_now_ms();
        if (sh(PG_BIN "/psql -X -q -At -h '%s' -U cepci_owner -d cepci -c 'SELECT count(*) FROM "
               "ck.indicators_of(NULL, 2025)' >/dev/null", pg_dir) != 0)
            goto out;
        all[i] = bench_now_ms() - t1;
    }
    printf("indicators of all %d institutions in one query (ck.indicators_of): median %.1f s of 3\n",
           institutions + 1, bench_percentile(all, 3, 50) / 1000);
    rc = 0;
out:
    if (null)
        fclose(null);
    pg_stop();
    return rc;
}
