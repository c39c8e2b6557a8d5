/* bench_export.c — export figures: the attendance list PDF of 500 attendees
 * with signatures (target < 2 s), the pledge database of 100,000 rows as
 * CSV (< 1 s) and XLSX (< 5 s), and the indicator report PDF. Medians of a
 * few runs. Set CK_BENCH_KEEP=DIR to keep a copy of the files made. */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "export.h"
#include "keys.h"
#include "signature.h"
#include "store.h"
#include "util.h"

#define BE_PEOPLE 100000
#define BE_ATTENDEES 500
#define BE_NOW 1584029700 /* 2020-03-12 10:15 Mexico City */

static const char *const GIVEN[] = {"José", "María", "Juan", "Guadalupe", "Ángel", "Sofía", "Íñigo", "Lucía"};
static const char *const SUR[] = {"Peña", "Núñez", "Íñiguez", "López", "Hernández", "Gómez", "Martínez", "Ruiz"};
static const char *const UNITS[] = {"SCLC", "CHE", "CAM", "TAP", "VHSA"};

/* A cursive-looking signature of about 250 points. */
static int be_signature(int seed, uint8_t **blob, size_t *len)
{
    static signature sig;
    sig_clear(&sig, 600, 200);
    uint32_t t = 0;
    for (int s = 0; s < 4; s++) {
        for (int i = 0; i < 62; i++) {
            double x = 30 + s * 135 + i * 2.1;
            double y = 100 + 55 * sin((i + seed % 13) * 0.3 + s) + 20 * cos(i * 0.9);
            sig_add(&sig, (int)x, (int)y, t += 8, i == 0);
        }
    }
    return sig_encode(&sig, blob, len);
}

static int be_populate(store *s, const char *db, int people, int pledges, char *event_id)
{
    char err[512];
    if (store_init_identity(s, "Institución de Prueba", "SCLC", BE_NOW) ||
        keys_create(s, db, BE_NOW, err, sizeof err))
        return -1;
    for (int u = 0; u < 5; u++)
        store_unit_put(s, UNITS[u], UNITS[u], u == 1 ? "America/Cancun" : "America/Mexico_City");
    store_set_durable(s, 0); /* a throwaway database: no fsync per record */
    if (store_begin(s))
        return -1;
    for (int i = 0; i < people; i++) {
        store_person p;
        memset(&p, 0, sizeof p);
        snprintf(p.employee_no, sizeof p.employee_no, "E%06d", i);
        snprintf(p.given_name, sizeof p.given_name, "%s", GIVEN[i % 8]);
        snprintf(p.surname1, sizeof p.surname1, "%s", SUR[(i / 8) % 8]);
        snprintf(p.surname2, sizeof p.surname2, "%s", SUR[(i / 64) % 8]);
        snprintf(p.unit, sizeof p.unit, "%s", UNITS[i % 5]);
        snprintf(p.area, sizeof p.area, "Departamento de Conservación de la Biodiversidad");
        snprintf(p.position, sizeof p.position, "Técnico académico titular");
        p.active = 1;
        if (store_person_upsert(s, &p, BE_NOW, NULL)) {
            store_rollback(s);
            return -1;
        }
    }
    if (store_commit(s))
        return -1;
    char carta[65], priv[65];
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, priv);
    for (int i = 0; i < pledges; i++) {
        char no[16];
        store_record r;
        snprintf(no, sizeof no, "E%06d", i);
        if (store_pledge(s, no, carta, priv, "keyed", NULL, 0, BE_NOW - 86400 * 30 + i * 20, BE_NOW - 86400 * 30 + i * 20, &r))
            return -1;
    }
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "Conferencia magistral: la Nueva Ética Pública y el conflicto de intereses");
    snprintf(e.kind, sizeof e.kind, "conferencia");
    snprintf(e.topics, sizeof e.topics, "etica,conflicto-intereses");
    snprintf(e.unit, sizeof e.unit, "SCLC");
    snprintf(e.start, sizeof e.start, "2020-03-12 10:00");
    snprintf(e.end, sizeof e.end, "2020-03-12 13:00");
    snprintf(e.place, sizeof e.place, "Auditorio Miguel Álvarez del Toro");
    snprintf(e.instructor, sizeof e.instructor, "Dra. Ana Lucía Hernández Íñiguez");
    snprintf(e.pat, sizeof e.pat, "1.1.2");
    e.signature = 1;
    if (store_event_add(s, &e, BE_NOW) || store_event_set_state(s, e.id, "open", BE_NOW))
        return -1;
    for (int i = 0; i < BE_ATTENDEES; i++) {
        char no[16];
        uint8_t *blob;
        size_t len;
        store_record r;
        snprintf(no, sizeof no, "E%06d", (i * 7) % people);
        if (be_signature(i, &blob, &len))
            return -1;
        int rc = store_checkin(s, e.id, no, NULL, "badge", blob, len, BE_NOW + i * 4, &r);
        free(blob);
        if (rc)
            return -1;
    }
    snprintf(event_id, UTIL_UUID_LEN, "%s", e.id);
    return 0;
}


struct be_job {
    const char *label, *file, *format;
    int kind;  /* 0 attendance, 1 pledges, 2 indicators, 3 audit verify alone */
    int runs;
    double target_ms;
};

static int be_run(const char *workdir, const char *name, int people, int pledges, const struct be_job *jobs,
                  int njobs)
{
    char db[4096], event_id[UTIL_UUID_LEN], err[1024];
    store *s = NULL;
    config c;
    snprintf(db, sizeof db, "%s/%s", workdir, name);
    config_defaults(&c, workdir);
    snprintf(c.unit, sizeof c.unit, "SCLC");
    double t0 = bench_now_ms();
    if (store_open(&s, db, 1, err, sizeof err) != STORE_OK || be_populate(s, db, people, pledges, event_id) != 0) {
        fprintf(stderr, "bench export: setup failed: %s\n", s ? store_errmsg(s) : err);
        store_close(s);
        return 1;
    }
    printf("database %s: %d people, %d pledges, 500 check-ins with signatures (setup %.0f ms)\n", name, people,
           pledges, bench_now_ms() - t0);
    int rc = 0;
    const char *keep = getenv("CK_BENCH_KEEP");
    for (int j = 0; j < njobs; j++) {
        const struct be_job *b = &jobs[j];
        char path[4200];
        double ms[8];
        long entries = 0;
        snprintf(path, sizeof path, "%s/%s", workdir, b->file);
        for (int r = 0; r < b->runs; r++) {
            double a = bench_now_ms();
            int x = b->kind == 0   ? export_attendance(s, &c, db, event_id, b->format, path, BE_NOW, err, sizeof err)
                    : b->kind == 1 ? export_pledges(s, &c, db, 0, b->format, path, BE_NOW, err, sizeof err)
                    : b->kind == 2 ? export_indicators(s, &c, db, 2020, b->format, path, BE_NOW, err, sizeof err)
                                   : store_audit_verify(s, &entries);
            ms[r] = bench_now_ms() - a;
            if (x) {
                fprintf(stderr, "bench export: %s: %s\n", b->label, b->kind == 3 ? store_errmsg(s) : err);
                rc = 1;
                break;
            }
        }
        if (rc)
            break;
        struct stat st;
        double med = bench_percentile(ms, b->runs, 50);
        printf("  %s: %.1f ms median of %d", b->label, med, b->runs);
        if (b->kind == 3)
            printf(" (%ld entries)", entries);
        else
            printf(" (%ld bytes)", stat(path, &st) == 0 ? (long)st.st_size : -1L);
        if (b->target_ms > 0)
            printf(" [target < %.0f ms: %s]", b->target_ms, med < b->target_ms ? "met" : "MISSED");
        printf("\n");
        fflush(stdout);
        if (keep && *keep && b->kind != 3) {
            char cmd[8600];
            snprintf(cmd, sizeof cmd, "cp '%s' '%s/'", path, keep);
            if (system(cmd) != 0)
                fprintf(stderr, "bench export: could not keep %s\n", path);
        }
    }
    store_close(s);
    return rc;
}

int bench_export(const char *workdir)
{
    /* A realistic institution (the PAT's 812 staff, rounded up) for the
     * documents, then a very large one for the data tables. PDFs walk the
     * whole audit chain (store_audit_verify), so on the large database their
     * time is mostly that walk: shown separately. */
    static const struct be_job small[] = {
        {"attendance list PDF, 500 attendees with signatures", "asistencia-500.pdf", "pdf", 0, 5, 2000},
        {"attendance list CSV, 500 rows", "asistencia-500.csv", "csv", 0, 5, 0},
        {"attendance list XLSX, 500 rows", "asistencia-500.xlsx", "xlsx", 0, 5, 0},
        {"pledge database PDF, 600 rows", "firmas-600.pdf", "pdf", 1, 5, 0},
        {"indicator report PDF", "indicadores.pdf", "pdf", 2, 5, 0},
        {"indicator report CSV", "indicadores.csv", "csv", 2, 5, 0},
    };
    static const struct be_job big[] = {
        {"pledge database CSV, 100000 rows", "firmas-100k.csv", "csv", 1, 5, 1000},
        {"pledge database XLSX, 100000 rows", "firmas-100k.xlsx", "xlsx", 1, 3, 5000},
        {"audit chain walk (store_audit_verify)", "", "", 3, 3, 0},
        {"attendance list PDF, 500 attendees, on this database", "asistencia-500-grande.pdf", "pdf", 0, 3, 0},
        {"indicator report PDF, on this database", "indicadores-grande.pdf", "pdf", 2, 3, 0},
    };
    int rc = be_run(workdir, "export-small.db", 1000, 600, small, (int)(sizeof small / sizeof *small));
    if (!rc)
        rc = be_run(workdir, "export-big.db", BE_PEOPLE, BE_PEOPLE, big, (int)(sizeof big / sizeof *big));
    return rc;
}
