/* libFuzzer target: the table reader both imports share (domain/sheet.c),
 * CSV and XLSX (a ZIP of XML parts). Whatever the bytes, the read ends with
 * success or one error line, touching every field it hands out. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sheet.h"
#include "store.h"
#include "util.h"

static char dir[64], path[128];

static const sheet_column COLS[] = {
    {"numero_empleado", 1, {"numeroempleado", NULL}},
    {"fecha", 0, {"fecha", NULL}},
    {"nota", 0, {"nota", NULL}},
};

static int on_row(sheet *r, void *ctx)
{
    size_t *n = ctx;
    for (int k = 0; k < 3; k++)
        *n += strlen(sheet_field(r, k)) + (size_t)sheet_numeric(r, k) + (size_t)sheet_has(r, k);
    return sheet_line(r) < 0 ? sheet_fail(r, STORE_INVALID, 0, "bad line") : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/ck-fuzz-sheet-XXXXXX");
        if (!mkdtemp(dir) || util_init() != 0)
            abort();
        snprintf(path, sizeof path, "%s/in", dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    char err[1024];
    size_t n = 0;
    sheet_info info;
    int rc = sheet_read(path, COLS, 3, on_row, &n, &info, err, sizeof err);
    if (rc != STORE_OK && (err[0] == '\0' || strchr(err, '\n')))
        abort(); /* an error must be exactly one line */
    return 0;
}
