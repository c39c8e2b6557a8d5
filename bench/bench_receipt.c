/* bench_receipt.c — time to build, sign and encode one receipt: the record
 * lookups and signature (receipt_build), the QR matrix and the ESC/POS job
 * for 80 mm paper. Also verification alone. Target: median under 5 ms. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "receipt.h"
#include "store.h"

#define RUNS 400

int bench_receipt(const char *workdir)
{
    char db[1024], err[512];
    store *s = NULL;
    config cfg;
    store_record r;
    store_person p = {.active = 1};
    store_event e = {.signature = 0};
    double build[RUNS], qr[RUNS], escpos[RUNS], total[RUNS], verify[RUNS];
    size_t joblen = 0;
    int rc = 1;

    snprintf(db, sizeof db, "%s/receipt-bench.db", workdir);
    config_defaults(&cfg, workdir);
    if (store_open(&s, db, 1, err, sizeof err) != STORE_OK || store_init_identity(s, "Institución", "SCLC", 1600000000) ||
        keys_create(s, db, 1600000000, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "bench receipt: setup: %s\n", s ? store_errmsg(s) : err);
        goto out;
    }
    snprintf(p.employee_no, sizeof p.employee_no, "12345678");
    snprintf(p.given_name, sizeof p.given_name, "José");
    snprintf(p.surname1, sizeof p.surname1, "Peña");
    snprintf(p.surname2, sizeof p.surname2, "Íñiguez");
    snprintf(p.unit, sizeof p.unit, "SCLC");
    snprintf(e.title, sizeof e.title, "Taller de ética pública");
    snprintf(e.kind, sizeof e.kind, "taller");
    snprintf(e.topics, sizeof e.topics, "etica");
    snprintf(e.unit, sizeof e.unit, "SCLC");
    snprintf(e.start, sizeof e.start, "2020-10-15 10:00");
    if (store_person_upsert(s, &p, 1600000000, NULL) || store_event_add(s, &e, 1600000000) ||
        store_event_set_state(s, e.id, "open", 1600000000) ||
        store_checkin(s, e.id, "12345678", NULL, "number", NULL, 0, 1602779520, &r)) {
        fprintf(stderr, "bench receipt: setup: %s\n", store_errmsg(s));
        goto out;
    }
    for (int i = 0; i < RUNS; i++) {
        receipt rec;
        unsigned char *m = NULL;
        uint8_t *job = NULL;
        int size;
        receipt_fields f;
        double t0 = bench_now_ms();
        if (receipt_build(s, &cfg, db, &r, &rec, err, sizeof err) != 0) {
            fprintf(stderr, "bench receipt: %s\n", err);
            goto out;
        }
        double t1 = bench_now_ms();
        if (receipt_qr(rec.payload, &m, &size) != 0)
            goto out;
        double t2 = bench_now_ms();
        if (receipt_escpos(&rec, 80, &job, &joblen) != 0)
            goto out;
        double t3 = bench_now_ms();
        if (receipt_verify(s, rec.payload, &f, err, sizeof err) != 0)
            goto out;
        double t4 = bench_now_ms();
        free(m);
        free(job);
        build[i] = t1 - t0, qr[i] = t2 - t1, escpos[i] = t3 - t2, total[i] = t3 - t0, verify[i] = t4 - t3;
    }
    printf("receipt build+sign (median): %.3f ms\n", bench_percentile(build, RUNS, 50));
    printf("receipt QR matrix (median): %.3f ms\n", bench_percentile(qr, RUNS, 50));
    printf("receipt ESC/POS 80 mm incl. QR (median): %.3f ms\n", bench_percentile(escpos, RUNS, 50));
    printf("receipt ESC/POS job size: %zu bytes\n", joblen);
    printf("receipt verify (median): %.3f ms\n", bench_percentile(verify, RUNS, 50));
    double med = bench_percentile(total, RUNS, 50);
    printf("receipt total build+sign+QR+ESC/POS (median): %.3f ms (p95 %.3f ms; target < 5 ms)\n", med,
           bench_percentile(total, RUNS, 95));
    rc = 0;
out:
    store_close(s);
    return rc;
}
