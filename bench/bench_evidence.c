/* bench_evidence.c — `ck-bench evidence`: the evidence package of a year
 * with 20 events and 1,200 staff (target: built in under 10 s), and its
 * verification. The year is a busy one: an online course of 800 people
 * typed in from its completion list; 19 workshops and talks of 60 to 240
 * people, half registered at the kiosk with a drawn signature, half typed
 * in from paper lists; 700 pledges (a third signed at the kiosk); a 300 KB
 * photo with every event. Medians of 3 runs. CK_BENCH_KEEP=DIR keeps the
 * package. */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "evidence.h"
#include "keys.h"
#include "signature.h"
#include "store.h"
#include "store_evidence.h"
#include "util.h"

#define BV_PEOPLE 1200
#define BV_EVENTS 20
#define BV_NOW 1797357600 /* 2026-12-15 12:00 Mexico City */
#define BV_PHOTO (300 * 1024)

static const char *const GIVEN[] = {"José", "María", "Juan", "Guadalupe", "Ángel", "Sofía", "Íñigo", "Lucía",
                                    "Citlali", "Raúl"};
static const char *const SUR[] = {"Peña", "Núñez", "Íñiguez", "López", "Hernández", "Gómez", "Martínez", "Ruiz",
                                  "Zúñiga", "Tzotzil"};
static const char *const UNITS[] = {"SCLC", "CHE", "CAM", "TAP", "VHSA"};
static const char *const KINDS[] = {"taller", "conferencia", "platica", "conversatorio", "cine-debate"};
static const char *const TOPICS[] = {"etica", "conflicto-intereses", "igualdad-genero", "hsas", "integridad",
                                     "violencia-genero", "discriminacion"};

static int bv_signature(int seed, uint8_t **blob, size_t *len)
{
    static signature sig;
    sig_clear(&sig, 600, 200);
    uint32_t t = 0;
    for (int s = 0; s < 4; s++)
        for (int i = 0; i < 62; i++)
            sig_add(&sig, (int)(30 + s * 135 + i * 2.1),
                    (int)(100 + 55 * sin((i + seed % 13) * 0.3 + s) + 20 * cos(i * 0.9)), t += 8, i == 0);
    return sig_encode(&sig, blob, len);
}

/* A JPEG-looking file of n bytes (a JPEG header, then noise: incompressible, as photos are). */
static int bv_photo(const char *path, int seed)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs("\xff\xd8\xff\xe0", f);
    unsigned x = 2463534242u + (unsigned)seed;
    for (int i = 4; i < BV_PHOTO; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        fputc((int)(x & 255), f);
    }
    return fclose(f);
}

static int bv_populate(store *s, const char *db, const char *workdir)
{
    char err[512], carta[65], priv[65];
    if (store_init_identity(s, "El Colegio de la Frontera Sur", "SCLC", BV_NOW) ||
        keys_create(s, db, BV_NOW, err, sizeof err))
        return -1;
    for (int u = 0; u < 5; u++)
        store_unit_put(s, UNITS[u], UNITS[u], u == 1 ? "America/Cancun" : "America/Mexico_City");
    store_set_durable(s, 0); /* a throwaway database */
    if (store_begin(s))
        return -1;
    for (int i = 0; i < BV_PEOPLE; i++) {
        store_person p;
        memset(&p, 0, sizeof p);
        snprintf(p.employee_no, sizeof p.employee_no, "%d", 100001 + i);
        snprintf(p.given_name, sizeof p.given_name, "%s", GIVEN[i % 10]);
        snprintf(p.surname1, sizeof p.surname1, "%s", SUR[(i / 10) % 10]);
        snprintf(p.surname2, sizeof p.surname2, "%s", SUR[(i / 100) % 10]);
        snprintf(p.unit, sizeof p.unit, "%s", UNITS[i % 5]);
        snprintf(p.area, sizeof p.area, "Departamento de Conservación de la Biodiversidad");
        snprintf(p.position, sizeof p.position, "Técnico académico titular");
        p.active = i % 50 != 0;
        if (store_person_upsert(s, &p, BV_NOW, NULL)) {
            store_rollback(s);
            return -1;
        }
    }
    if (store_commit(s))
        return -1;
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, priv);
    for (int i = 0; i < 700; i++) {
        char no[16];
        uint8_t *blob = NULL;
        size_t len = 0;
        store_record r;
        int64_t at = BV_NOW - 86400LL * (300 - i / 3);
        snprintf(no, sizeof no, "%d", 100002 + (i * 17) % (BV_PEOPLE - 2));
        if (i % 3 == 0 && bv_signature(i, &blob, &len))
            return -1;
        int rc = store_pledge(s, no, carta, priv, blob ? "kiosk" : "keyed", blob, len, at, at, &r);
        free(blob);
        if (rc && rc != STORE_EXISTS && rc != STORE_NOTFOUND)
            return -1;
    }
    store_import_row *rows = calloc(BV_PEOPLE, sizeof *rows);
    char (*nos)[16] = calloc(BV_PEOPLE, sizeof *nos);
    if (!rows || !nos)
        return -1;
    for (int k = 0; k < BV_EVENTS; k++) {
        store_event e;
        memset(&e, 0, sizeof e);
        int course = k == 0, month = 2 + k * 10 / BV_EVENTS;
        snprintf(e.title, sizeof e.title, course ? "Curso en línea «Nueva Ética e Integridad en el Servicio Público»"
                                                 : "%s de %s núm. %d", course ? "" : "Taller",
                 course ? "" : TOPICS[k % 7], k);
        snprintf(e.kind, sizeof e.kind, "%s", course ? "curso" : KINDS[k % 5]);
        snprintf(e.topics, sizeof e.topics, "%s", course ? "etica,integridad" : TOPICS[k % 7]);
        snprintf(e.unit, sizeof e.unit, "%s", UNITS[k % 5]);
        snprintf(e.start, sizeof e.start, "2026-%02d-%02d 10:00", month, 3 + k % 20);
        snprintf(e.end, sizeof e.end, course ? "2026-11-30 18:00" : "2026-%02d-%02d 13:00", month, 3 + k % 20);
        snprintf(e.place, sizeof e.place, "Auditorio Miguel Álvarez del Toro");
        snprintf(e.instructor, sizeof e.instructor, "Dra. Ana Lucía Hernández Íñiguez");
        snprintf(e.pat, sizeof e.pat, course ? "1.1.1" : k % 3 ? "1.1.2" : "1.2.1");
        int kiosk = !course && k % 2;
        e.signature = kiosk;
        if (store_event_add(s, &e, BV_NOW) || store_event_set_state(s, e.id, "open", BV_NOW))
            return -1;
        int n = course ? 800 : 60 + (k * 37) % 181;
        int64_t day;
        struct tm tm;
        util_parse_local(e.start, &tm);
        util_local_to_utc("America/Mexico_City", &tm, &day);
        for (int i = 0; i < n; i++) {
            snprintf(nos[i], sizeof nos[i], "%d", 100002 + (i * 13 + k * 101) % (BV_PEOPLE - 2));
            if (kiosk) {
                uint8_t *blob;
                size_t len;
                store_record r;
                if (bv_signature(i + k, &blob, &len))
                    return -1;
                int rc = store_checkin(s, e.id, nos[i], NULL, "badge", blob, len, day + i * 5, &r);
                free(blob);
                if (rc && rc != STORE_NOTFOUND && rc != STORE_EXISTS)
                    return -1;
            } else {
                rows[i] = (store_import_row){nos[i], course ? day + 86400LL * (i % 200) : day, ""};
            }
        }
        if (!kiosk) {
            /* Inactive people are not typed in (the list checks them). */
            int m = 0;
            for (int i = 0; i < n; i++) {
                store_person p;
                if (store_person_get(s, rows[i].employee_no, &p) == STORE_OK && p.active)
                    rows[m++] = rows[i];
            }
            store_import_result res;
            char sha[65];
            util_sha256_hex(e.id, strlen(e.id), sha);
            if (store_import_attendance(s, e.id, sha, "lista.xlsx", rows, m, BV_NOW, &res))
                return -1;
        }
        if (store_event_set_state(s, e.id, "closed", BV_NOW))
            return -1;
        char photo[4200];
        store_attachment a;
        snprintf(photo, sizeof photo, "%s/foto-%d.jpg", workdir, k);
        if (bv_photo(photo, k) || store_attach(s, e.id, photo, "foto", "", BV_NOW, &a))
            return -1;
    }
    free(rows);
    free(nos);
    return 0;
}

static int bv_count(const store_event *e, void *arg)
{
    *(long *)arg += e->attendees;
    return 0;
}

int bench_evidence(const char *workdir)
{
    char db[4096], err[2048], path[4200];
    store *s = NULL;
    config c;
    snprintf(db, sizeof db, "%s/evidence.db", workdir);
    config_defaults(&c, workdir);
    snprintf(c.unit, sizeof c.unit, "SCLC");
    double t0 = bench_now_ms();
    if (store_open(&s, db, 1, err, sizeof err) != STORE_OK || bv_populate(s, db, workdir) != 0) {
        fprintf(stderr, "bench evidence: setup failed: %s\n", s ? store_errmsg(s) : err);
        store_close(s);
        return 1;
    }
    long entries = 0, rows = 0;
    store_audit_verify(s, &entries);
    store_event_each(s, 2026, 0, bv_count, &rows);
    printf("database evidence.db: %d staff, %d events, %ld attendance rows, 700 pledges, %d photos, %ld audit "
           "entries (setup %.0f ms)\n", BV_PEOPLE, BV_EVENTS, rows, BV_EVENTS, entries, bench_now_ms() - t0);
    double build[3], check[3];
    export_evidence_stats st;
    snprintf(path, sizeof path, "%s/evidencias_2026.zip", workdir);
    int rc = 0;
    for (int r = 0; r < 3 && !rc; r++) {
        remove(path);
        double a = bench_now_ms();
        if (export_evidence(s, &c, db, 2026, path, BV_NOW, &st, err, sizeof err) != 0) {
            fprintf(stderr, "bench evidence: %s\n", err);
            rc = 1;
            break;
        }
        build[r] = bench_now_ms() - a;
        export_evidence_check chk;
        a = bench_now_ms();
        if (export_evidence_verify(s, path, NULL, 0, NULL, NULL, &chk, err, sizeof err) != 0) {
            fprintf(stderr, "bench evidence: the package does not verify (%d problems) %s\n", chk.problems, err);
            rc = 1;
            break;
        }
        check[r] = bench_now_ms() - a;
    }
    if (!rc) {
        struct stat sb;
        double med = bench_percentile(build, 3, 50);
        printf("  evidence package, %d events and %d staff: %.1f ms median of 3 (%d files, %.1f MB unpacked, "
               "%ld bytes) [target < 10000 ms: %s]\n", st.events, BV_PEOPLE, med, st.files,
               st.bytes / (1024.0 * 1024.0), stat(path, &sb) == 0 ? (long)sb.st_size : -1L,
               med < 10000 ? "met" : "MISSED");
        printf("  verify --package: %.1f ms median of 3\n", bench_percentile(check, 3, 50));
        const char *keep = getenv("CK_BENCH_KEEP");
        if (keep && *keep) {
            char cmd[8600];
            snprintf(cmd, sizeof cmd, "cp '%s' '%s/'", path, keep);
            if (system(cmd) != 0)
                fprintf(stderr, "bench evidence: could not keep %s\n", path);
        }
    }
    store_close(s);
    return rc;
}
