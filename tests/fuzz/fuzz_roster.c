/* libFuzzer target: the roster import (CSV or XLSX, read by sheet.c; seeds
 * of both in corpus/roster). Every input is written to a file and imported
 * into one long-lived database; whatever the bytes, the import either
 * succeeds or fails with a one-line message, and the database stays sound
 * (checked every 256 runs). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roster.h"
#include "store.h"
#include "util.h"

static store *db;
static char dir[64], csv[128];

static void setup(void)
{
    char path[160], err[512];
    snprintf(dir, sizeof dir, "/tmp/ck-fuzz-roster-XXXXXX");
    if (!mkdtemp(dir) || util_init() != 0)
        abort();
    snprintf(path, sizeof path, "%s/k.db", dir);
    snprintf(csv, sizeof csv, "%s/in.csv", dir);
    if (store_open(&db, path, 1, err, sizeof err) || store_init_identity(db, "Fuzz", "SCLC", 1))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static long runs;
    if (!db)
        setup();
    FILE *f = fopen(csv, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    roster_stats st;
    char err[1024];
    int rc = roster_import(db, csv, 1600000000, &st, err, sizeof err);
    if (rc != STORE_OK && (err[0] == '\0' || strchr(err, '\n')))
        abort(); /* an error must be exactly one line */
    if (++runs % 256 == 0 && store_audit_verify(db, NULL) != STORE_OK)
        abort();
    return 0;
}
