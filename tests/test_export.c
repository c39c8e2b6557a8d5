/* test_export.c — evidence exports: the attendance list PDF (accented names,
 * page counts for 0, 1 and 500 attendees, wrapping inside the name column,
 * the signed fingerprint QR read back with zbarimg), CSV read back with
 * libcsv (formula neutralisation), XLSX as a zip holding the rows, the
 * pledge database, the indicator report against indicators_compute, the
 * audit chain status after an edited or deleted row, and the failure paths
 * (unwritable folder, full disk) leaving no file.
 *
 * Needs poppler-utils (pdftotext, pdfinfo, pdftoppm), zbar-tools (zbarimg)
 * and unzip on PATH; a test whose tools are missing is skipped. */
#include "testutil.h"

#include <csv.h>
#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "export.h"
#include "indicators.h"
#include "keys.h"
#include "signature.h"
#include "util.h"

#define NOW 1584029700 /* 2020-03-12 10:15 in Mexico City */

struct fx {
    TU_FIXTURE;
    char db[4096];
    config cfg;
    char event[UTIL_UUID_LEN];
};

/* ---- helpers ---- */

/* A plausible handwritten signature: a few wavy strokes. */
static void make_sig(uint8_t **blob, size_t *len, int seed)
{
    static signature sig;
    sig_clear(&sig, 600, 200);
    uint32_t t = 0;
    for (int s = 0; s < 3; s++) {
        for (int i = 0; i < 60; i++) {
            double x = 40 + s * 170 + i * 2.6;
            double y = 100 + 60 * __builtin_sin((i + seed) * 0.25 + s) * (s == 1 ? 0.5 : 1);
            sig_add(&sig, (int)x, (int)y, t += 8, i == 0);
        }
    }
    assert_int_equal(sig_encode(&sig, blob, len), 0);
}

static void checkin(struct fx *f, const char *event, const char *no, const char *guest, const char *method,
                    int with_sig, int64_t at)
{
    store_record r;
    uint8_t *blob = NULL;
    size_t len = 0;
    if (with_sig)
        make_sig(&blob, &len, (int)at % 97);
    int rc = store_checkin(f->s, event, no, guest, method, blob, len, at, &r);
    if (rc != STORE_OK)
        fail_msg("checkin %s: %s", no ? no : guest, store_errmsg(f->s));
    free(blob);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[512];
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "k.db");
    snprintf(f->db, sizeof f->db, "%s/k.db", f->dir);
    if (keys_create(f->s, f->db, NOW, err, sizeof err) != STORE_OK)
        fail_msg("keys_create: %s", err);
    config_defaults(&f->cfg, tu_src("assets"));
    snprintf(f->cfg.unit, sizeof f->cfg.unit, "SCLC");
    tu_people(f->s);
    tu_person(f->s, "1004", "Ana", "Núñez", "Gómez", "CHE", 1);
    snprintf(f->event, sizeof f->event, "%s",
             tu_event(f->s, "Taller de ética pública", "taller", "etica,conflicto-intereses", "SCLC",
                      "2020-03-12 10:00", 1));
    *state = f;
    return 0;
}

static char *path_in(struct fx *f, const char *name)
{
    char *p = malloc(4200);
    snprintf(p, 4200, "%s/%s", f->dir, name);
    return p;
}

static void export_ok(int rc, const char *err)
{
    if (rc != 0)
        fail_msg("export failed: %s", err);
}

/* Number of entries in dir whose name starts with prefix. */
static int count_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void assert_mode_0600(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

/* ---- attendance PDF ---- */

static void attendance_pdf_has_accented_names(void **state)
{
    struct fx *f = *state;
    tu_need("pdfinfo pdftotext");
    char err[1024];
    checkin(f, f->event, "1001", NULL, "search", 1, NOW);
    checkin(f, f->event, "1002", NULL, "badge", 1, NOW + 60);
    checkin(f, f->event, "1004", NULL, "keyed", 0, NOW + 120);
    checkin(f, f->event, NULL, "Lucía Invitada Ramírez", "guest", 1, NOW + 180);
    char *pdf = path_in(f, "lista.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    assert_mode_0600(pdf);
    assert_int_equal(tu_pdf_pages(pdf), 1);
    char *text = tu_sh("pdftotext '%s' -", pdf);
    assert_non_null(strstr(text, "José Peña Íñiguez"));
    assert_non_null(strstr(text, "María José López Ruiz"));
    assert_non_null(strstr(text, "Ana Núñez Gómez"));
    assert_non_null(strstr(text, "Lucía Invitada Ramírez"));
    /* The guest's number cell (may wrap in its column). */
    const char *g = strstr(text, "Persona");
    assert_non_null(g);
    assert_true(strncmp(g + 7 + strspn(g + 7, " \n"), "invitada", 8) == 0);
    assert_non_null(strstr(text, "quiosco: persona invitada"));
    assert_non_null(strstr(text, "lista en papel capturada"));
    assert_non_null(strstr(text, "Lista de asistencia"));
    assert_non_null(strstr(text, "Taller de ética pública"));
    assert_non_null(strstr(text, "Página 1 de 1"));
    assert_non_null(strstr(text, "Personas servidoras públicas registradas: 3"));
    assert_non_null(strstr(text, "Personas invitadas: 1"));
    assert_non_null(strstr(text, "Cadena de auditoría verificada"));
    free(text);
    /* No temporary file left beside it. */
    assert_int_equal(count_files(f->dir, "lista.pdf.tmp"), 0);
    free(pdf);
}

static void attendance_pdf_page_counts(void **state)
{
    struct fx *f = *state;
    tu_need("pdfinfo pdftotext");
    char err[1024];
    /* 0 attendees: one page that says so. */
    char *pdf0 = path_in(f, "cero.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf0, NOW, err, sizeof err), err);
    assert_int_equal(tu_pdf_pages(pdf0), 1);
    char *t0 = tu_sh("pdftotext '%s' -", pdf0);
    assert_non_null(strstr(t0, "Sin registros de asistencia"));
    assert_non_null(strstr(t0, "Página 1 de 1"));
    free(t0);
    /* 1 attendee. */
    checkin(f, f->event, "1001", NULL, "number", 1, NOW);
    char *pdf1 = path_in(f, "uno.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf1, NOW, err, sizeof err), err);
    assert_int_equal(tu_pdf_pages(pdf1), 1);
    /* 500 attendees with signatures. */
    const char *big = tu_event(f->s, "Conferencia magistral sobre integridad", "conferencia", "integridad",
                               "SCLC", "2020-03-13 09:00", 1);
    char ev[UTIL_UUID_LEN];
    snprintf(ev, sizeof ev, "%s", big);
    assert_int_equal(store_begin(f->s), STORE_OK);
    for (int i = 0; i < 500; i++) {
        char no[16], given[32];
        snprintf(no, sizeof no, "E%04d", i);
        snprintf(given, sizeof given, "Persona%03d", i);
        tu_person(f->s, no, given, "Peña", "Íñiguez", i % 2 ? "SCLC" : "CHE", 1);
    }
    assert_int_equal(store_commit(f->s), STORE_OK);
    store_set_durable(f->s, 0); /* a throwaway fixture: no fsync per record */
    for (int i = 0; i < 500; i++) {
        char no[16];
        snprintf(no, sizeof no, "E%04d", i);
        checkin(f, ev, no, NULL, "badge", 1, NOW + 86400 + i);
    }
    char *pdf5 = path_in(f, "quinientos.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, ev, "pdf", pdf5, NOW, err, sizeof err), err);
    int pages = tu_pdf_pages(pdf5);
    /* Rows are 34 pt (one-line names) on a 612 pt page: 14 a page after
     * the first; the page count must be what the rows need, no more. */
    assert_in_range(pages, 500 / 15, 500 / 12 + 2);
    char *t5 = tu_sh("pdftotext '%s' -", pdf5);
    char want[64];
    for (int k = 1; k <= pages; k++) {
        snprintf(want, sizeof want, "Página %d de %d", k, pages);
        if (!strstr(t5, want))
            fail_msg("missing '%s'", want);
    }
    snprintf(want, sizeof want, "Página %d de %d", pages + 1, pages + 1);
    assert_null(strstr(t5, want));
    for (int i = 0; i < 500; i++) {
        snprintf(want, sizeof want, "Persona%03d Peña Íñiguez", i);
        if (!strstr(t5, want))
            fail_msg("name %s missing from the 500-row list", want);
    }
    assert_non_null(strstr(t5, "Personas servidoras públicas registradas: 500"));
    free(t5);
    free(pdf0);
    free(pdf1);
    free(pdf5);
}

static void attendance_pdf_long_names_wrap(void **state)
{
    struct fx *f = *state;
    tu_need("pdftotext grep");
    char err[1024];
    tu_person(f->s, "2001", "María Guadalupe Esperanza Concepción", "Fernández de Córdoba",
              "Hernández-Villaseñor y Santibáñez", "SCLC", 1);
    checkin(f, f->event, "2001", NULL, "number", 1, NOW);
    checkin(f, f->event, NULL, "Supercalifragilisticoespialidosoinvitadoquenocabe", "guest", 1, NOW + 5);
    char *pdf = path_in(f, "largo.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    /* Every word of the names must lie inside the name column:
     * x from 36 + 24 to 36 + 24 + 150 points (Letter landscape). */
    char *bbox = tu_sh("pdftotext -bbox '%s' - | grep -E '>(Guadalupe|Esperanza|Concepción|Fernández|Córdoba|"
                    "Hernández-Villaseñor|Santibáñez|Supercal[^<]*)<'", pdf);
    int words = 0;
    for (char *l = strtok(bbox, "\n"); l; l = strtok(NULL, "\n")) {
        double x0, x1;
        char *a = strstr(l, "xMin=\""), *b = strstr(l, "xMax=\"");
        assert_non_null(a);
        assert_non_null(b);
        x0 = atof(a + 6);
        x1 = atof(b + 6);
        if (x0 < 60 - 0.5 || x1 > 210 + 0.5)
            fail_msg("word overflows the name column: %s", l);
        words++;
    }
    assert_true(words >= 7);
    free(bbox);
    free(pdf);
}

static void fingerprint_qr_decodes_and_verifies(void **state)
{
    struct fx *f = *state;
    tu_need("pdfinfo pdftoppm zbarimg pdftotext");
    char err[1024];
    checkin(f, f->event, "1001", NULL, "search", 1, NOW);
    checkin(f, f->event, "1003", NULL, "keyed", 0, NOW + 30);
    char *pdf = path_in(f, "qr.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    int pages = tu_pdf_pages(pdf);
    char *payload = tu_sh("cd '%s' && pdftoppm -r 150 -png -f %d -l %d qr.pdf qrimg && zbarimg --raw -q qrimg*.png "
                       "2>/dev/null", f->dir, pages, pages);
    char *nl = strchr(payload, '\n');
    if (nl)
        *nl = '\0';
    assert_true(strncmp(payload, "CKL2:", 5) == 0);
    export_fingerprint fp;
    if (export_fingerprint_verify(f->s, payload, &fp, err, sizeof err) != 0)
        fail_msg("verify: %s", err);
    assert_int_equal(fp.kind, EXPORT_FP_ATTENDANCE);
    assert_string_equal(fp.kiosk_id, store_kiosk_id(f->s));
    /* The fingerprint printed in the document is the one in the QR, and it
     * matches the database content now. */
    char hex[65];
    assert_int_equal(export_attendance_fingerprint(f->s, f->event, hex, err, sizeof err), 0);
    assert_string_equal(fp.sha256, hex);
    char *text = tu_sh("pdftotext '%s' - | tr -d ' \\n'", pdf);
    assert_non_null(strstr(text, hex));
    free(text);
    /* One changed character fails. */
    size_t len = strlen(payload);
    for (size_t i = 5; i < len; i += 7) {
        char bad[512];
        snprintf(bad, sizeof bad, "%s", payload);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        assert_int_not_equal(export_fingerprint_verify(f->s, bad, NULL, err, sizeof err), 0);
    }
    assert_int_not_equal(export_fingerprint_verify(f->s, "CK1:ABC", NULL, err, sizeof err), 0);
    /* A later check-in changes the list's fingerprint. */
    checkin(f, f->event, "1002", NULL, "badge", 1, NOW + 90);
    char hex2[65];
    assert_int_equal(export_attendance_fingerprint(f->s, f->event, hex2, err, sizeof err), 0);
    assert_string_not_equal(hex, hex2);
    free(payload);
    free(pdf);
}

/* ---- CSV ---- */

struct csv_rows {
    char *cell[64][16];
    int rows, col;
};

static void csv_cb1(void *s, size_t len, void *data)
{
    struct csv_rows *r = data;
    if (r->rows < 64 && r->col < 16)
        r->cell[r->rows][r->col] = strndup(s, len);
    r->col++;
}

static void csv_cb2(int c, void *data)
{
    (void)c;
    struct csv_rows *r = data;
    r->rows++;
    r->col = 0;
}

static void csv_read(const char *path, struct csv_rows *r)
{
    size_t len;
    char *buf = util_read_file(path, &len);
    assert_non_null(buf);
    assert_true(len > 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0);
    /* Every line ends in CRLF. */
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n')
            assert_true(i > 0 && buf[i - 1] == '\r');
    struct csv_parser p;
    memset(r, 0, sizeof *r);
    assert_int_equal(csv_init(&p, CSV_APPEND_NULL), 0);
    assert_int_equal(csv_parse(&p, buf + 3, len - 3, csv_cb1, csv_cb2, r), len - 3);
    csv_fini(&p, csv_cb1, csv_cb2, r);
    csv_free(&p);
    free(buf);
}

static void csv_free_rows(struct csv_rows *r)
{
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 16; j++)
            free(r->cell[i][j]);
}

static void attendance_csv_reads_back(void **state)
{
    struct fx *f = *state;
    char err[1024];
    checkin(f, f->event, "1001", NULL, "search", 1, NOW);
    checkin(f, f->event, NULL, "=HYPERLINK(\"x\")", "guest", 1, NOW + 60);
    checkin(f, f->event, "1002", NULL, "keyed", 0, NOW + 120);
    char *csv = path_in(f, "lista.csv");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "csv", csv, NOW, err, sizeof err), err);
    assert_mode_0600(csv);
    struct csv_rows r;
    csv_read(csv, &r);
    assert_int_equal(r.rows, 4);
    assert_string_equal(r.cell[0][0], "No.");              /* Spanish words (issue 14) */
    assert_string_equal(r.cell[0][2], "Nombre completo");
    assert_string_equal(r.cell[1][0], "1");
    assert_string_equal(r.cell[1][1], "1001");
    assert_string_equal(r.cell[1][2], "José Peña Íñiguez");
    assert_string_equal(r.cell[1][3], "SCLC");
    assert_string_equal(r.cell[1][4], "Área de pruebas");
    assert_string_equal(r.cell[1][6], "2020-03-12 10:15"); /* the minute, as printed */
    assert_string_equal(r.cell[1][7], "quiosco: búsqueda por nombre");
    assert_string_equal(r.cell[1][8], "sí");
    assert_string_equal(r.cell[1][10], "al registro");
    /* The formula comes back as text, neutralised. */
    assert_string_equal(r.cell[2][2], "'=HYPERLINK(\"x\")");
    assert_string_equal(r.cell[2][7], "quiosco: persona invitada");
    assert_string_equal(r.cell[2][10], "");
    assert_string_equal(r.cell[3][2], "María José López Ruiz");
    assert_string_equal(r.cell[3][7], "lista en papel capturada");
    assert_string_equal(r.cell[3][8], "no");
    store_record rec;
    assert_int_equal(store_record_by_folio(f->s, r.cell[1][9], &rec), STORE_OK);
    assert_string_equal(rec.employee_no, "1001");
    csv_free_rows(&r);
    free(csv);
}

/* ---- XLSX ---- */

static void attendance_xlsx_is_zip_with_rows(void **state)
{
    struct fx *f = *state;
    tu_need("unzip");
    char err[1024];
    checkin(f, f->event, "1001", NULL, "search", 1, NOW);
    checkin(f, f->event, "1003", NULL, "keyed", 0, NOW + 60);
    char *x = path_in(f, "lista.xlsx");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "xlsx", x, NOW, err, sizeof err), err);
    assert_mode_0600(x);
    size_t len;
    char *buf = util_read_file(x, &len);
    assert_non_null(buf);
    assert_true(len > 4 && memcmp(buf, "PK\x03\x04", 4) == 0);
    free(buf);
    char *t = tu_sh("unzip -t '%s' >/dev/null 2>&1 && echo ok", x);
    assert_string_equal(t, "ok\n");
    free(t);
    char *sheet = tu_sh("unzip -p '%s' xl/worksheets/sheet1.xml", x);
    assert_non_null(strstr(sheet, "José Peña Íñiguez"));
    assert_non_null(strstr(sheet, "Juan Pérez"));
    assert_non_null(strstr(sheet, "Número de empleado"));   /* headers in Spanish words (issue 14) */
    assert_non_null(strstr(sheet, "ySplit=\"1\""));     /* header row frozen */
    assert_non_null(strstr(sheet, "<col "));            /* column widths */
    /* 2020-03-12 10:15 as an Excel serial date (43902.42708...). */
    assert_non_null(strstr(sheet, "<v>43902.4270833"));
    free(sheet);
    char *ev = tu_sh("unzip -p '%s' xl/worksheets/sheet2.xml", x);
    assert_non_null(strstr(ev, "Taller de ética pública"));
    free(ev);
    free(x);
}

/* ---- pledges ---- */

static void pledge(struct fx *f, const char *no, const char *method, int64_t at)
{
    store_record r;
    uint8_t *blob = NULL;
    size_t len = 0;
    char carta[65], priv[65];
    util_sha256_hex("carta v1", 8, carta);
    util_sha256_hex("aviso v1", 8, priv);
    if (strcmp(method, "kiosk") == 0)
        make_sig(&blob, &len, 3);
    if (store_pledge(f->s, no, carta, priv, method, blob, len, at, at, &r) != STORE_OK)
        fail_msg("pledge %s: %s", no, store_errmsg(f->s));
    free(blob);
}

static void pledges_pdf_csv_xlsx(void **state)
{
    struct fx *f = *state;
    tu_need("pdftotext pdftoppm zbarimg unzip");
    char err[1024];
    pledge(f, "1001", "kiosk", NOW);
    pledge(f, "1003", "keyed", NOW + 3600);
    pledge(f, "1002", "kiosk", 1609484400 + 86400 * 3); /* 2021 */
    char *csv = path_in(f, "firmas.csv"), *pdf = path_in(f, "firmas.pdf"), *x = path_in(f, "firmas.xlsx");
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "csv", csv, NOW, err, sizeof err), err);
    struct csv_rows r;
    csv_read(csv, &r);
    assert_int_equal(r.rows, 3); /* header + 2 signatories up to 2020 */
    assert_string_equal(r.cell[1][2], "José Peña Íñiguez");
    assert_string_equal(r.cell[1][3], "SCLC");
    assert_string_equal(r.cell[1][6], "2020-03-12 10:15");
    assert_int_equal(strlen(r.cell[1][7]), 12);
    assert_string_equal(r.cell[2][2], "Juan Pérez");
    assert_string_equal(r.cell[2][6], "2020-03-12 12:15"); /* Chetumal: America/Cancun */
    assert_string_equal(r.cell[2][8], "carta en papel capturada");
    csv_free_rows(&r);
    export_ok(export_pledges(f->s, &f->cfg, f->db, 0, "csv", csv, NOW, err, sizeof err), err);
    csv_read(csv, &r);
    assert_int_equal(r.rows, 4);
    csv_free_rows(&r);
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "pdf", pdf, NOW, err, sizeof err), err);
    assert_mode_0600(pdf);
    char *text = tu_sh("pdftotext '%s' -", pdf);
    assert_non_null(strstr(text, "José Peña Íñiguez"));
    assert_non_null(strstr(text, "Juan Pérez"));
    assert_null(strstr(text, "María José López Ruiz"));
    assert_non_null(strstr(text, "Firmantes por unidad"));
    indicators ind;
    assert_int_equal(indicators_compute(f->s, &f->cfg, 2020, &ind), STORE_OK);
    char want[64];
    for (int i = 0; i < ind.nunits; i++) {
        snprintf(want, sizeof want, "%.2f %%", ind.units[i].pledged_pct);
        if (!strstr(text, want))
            fail_msg("pledge PDF lacks %s for %s", want, ind.units[i].code);
    }
    indicators_free(&ind);
    free(text);
    char *payload = tu_sh("cd '%s' && pdftoppm -r 150 -png -f 1 -l 1 firmas.pdf fimg && zbarimg --raw -q fimg*.png "
                       "2>/dev/null | head -1 | tr -d '\\n'", f->dir);
    export_fingerprint fp;
    if (export_fingerprint_verify(f->s, payload, &fp, err, sizeof err) != 0)
        fail_msg("pledge fingerprint: %s (%s)", err, payload);
    assert_int_equal(fp.kind, EXPORT_FP_PLEDGES);
    free(payload);
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "xlsx", x, NOW, err, sizeof err), err);
    char *sheet = tu_sh("unzip -p '%s' xl/worksheets/sheet1.xml", x);
    assert_non_null(strstr(sheet, "José Peña Íñiguez"));
    assert_null(strstr(sheet, "María José"));
    free(sheet);
    char *sum = tu_sh("unzip -p '%s' xl/worksheets/sheet2.xml", x);
    assert_non_null(strstr(sum, "SCLC"));
    free(sum);
    free(csv);
    free(pdf);
    free(x);
}

/* ---- indicators ---- */

static void indicator_report_matches_arithmetic(void **state)
{
    struct fx *f = *state;
    tu_need("pdfinfo pdftotext");
    char err[1024];
    checkin(f, f->event, "1001", NULL, "search", 1, NOW);
    checkin(f, f->event, "1003", NULL, "keyed", 0, NOW + 60);
    pledge(f, "1001", "kiosk", NOW);
    pledge(f, "1004", "keyed", NOW);
    indicators ind;
    assert_int_equal(indicators_compute(f->s, &f->cfg, 2020, &ind), STORE_OK);
    char *csv = path_in(f, "ind.csv"), *pdf = path_in(f, "ind.pdf");
    export_ok(export_indicators(f->s, &f->cfg, f->db, 2020, "csv", csv, NOW, err, sizeof err), err);
    assert_mode_0600(csv);
    struct csv_rows r;
    csv_read(csv, &r);
    assert_int_equal(r.rows, ind.nunits + 2);
    char want[64];
    for (int i = 0; i < ind.nunits; i++) {
        const ind_unit *u = &ind.units[i];
        assert_string_equal(r.cell[i + 1][1], u->code);
        assert_int_equal(atoi(r.cell[i + 1][3]), u->staff);
        assert_int_equal(atoi(r.cell[i + 1][4]), u->trained);
        assert_true(__builtin_fabs(atof(r.cell[i + 1][5]) - u->trained_pct) < 0.001);
        assert_int_equal(atoi(r.cell[i + 1][7]), u->pledged);
        assert_true(__builtin_fabs(atof(r.cell[i + 1][8]) - u->pledged_pct) < 0.001);
    }
    csv_free_rows(&r);
    export_ok(export_indicators(f->s, &f->cfg, f->db, 2020, "pdf", pdf, NOW, err, sizeof err), err);
    assert_int_equal(tu_pdf_pages(pdf), 2);
    char *text = tu_sh("pdftotext '%s' -", pdf);
    for (int i = 0; i < ind.nunits; i++) {
        const ind_unit *u = &ind.units[i];
        snprintf(want, sizeof want, "%.2f %% (%d de %d)", u->trained_pct, u->trained, u->staff);
        if (!strstr(text, want))
            fail_msg("indicator PDF lacks '%s'", want);
        snprintf(want, sizeof want, "%.2f %% (%d de %d)", u->pledged_pct, u->pledged, u->staff);
        if (!strstr(text, want))
            fail_msg("indicator PDF lacks '%s'", want);
    }
    /* Each unit that held no training says so in words beside its bar
     * (issue 10, item 9), and no other does. */
    int untrained = 0, said = 0;
    for (int i = 0; i < ind.nunits; i++)
        untrained += !ind.units[i].has_training;
    for (const char *q = text; (q = strstr(q, "no ha realizado capacitaciones este año")); q++)
        said++;
    assert_true(untrained > 0);
    assert_int_equal(said, untrained);
    assert_null(strstr(text, "sin capacitación"));
    snprintf(want, sizeof want, "%.2f %%", ind.trained_pct);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof want, "%d de %d unidades", ind.units_covered, ind.units_total);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "Cadena de auditoría verificada"));
    free(text);
    indicators_free(&ind);
    free(csv);
    free(pdf);
}

/* ---- audit status ---- */

static void audit_catches_edit_and_delete(void **state)
{
    struct fx *f = *state;
    tu_need("pdftotext");
    char err[1024];
    long n;
    checkin(f, f->event, "1001", NULL, "search", 1, NOW);
    checkin(f, f->event, "1002", NULL, "search", 1, NOW + 60);
    checkin(f, f->event, "1003", NULL, "keyed", 0, NOW + 120);
    assert_int_equal(store_audit_verify(f->s, &n), STORE_OK);
    sqlite3 *db = tu_db(f->s); /* the attacker's own connection */
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER attendance_no_update; DROP TRIGGER attendance_no_delete",
                                  NULL, NULL, NULL), SQLITE_OK);
    /* Edited row. */
    assert_int_equal(sqlite3_exec(db, "UPDATE attendance SET at = at - 3600 WHERE employee_no = '1002'", NULL,
                                  NULL, NULL), SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, &n), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "edited"));
    char *pdf = path_in(f, "editada.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    char *text = tu_sh("pdftotext '%s' -", pdf);
    assert_non_null(strstr(text, "Cadena de auditoría NO verificada"));
    assert_null(strstr(text, "Cadena de auditoría verificada"));
    free(text);
    /* Undo the edit, then delete a row instead. */
    assert_int_equal(sqlite3_exec(db, "UPDATE attendance SET at = at + 3600 WHERE employee_no = '1002'", NULL,
                                  NULL, NULL), SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, &n), STORE_OK);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM attendance WHERE employee_no = '1003'", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, &n), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "deleted"));
    char *ind = path_in(f, "ind.pdf");
    export_ok(export_indicators(f->s, &f->cfg, f->db, 2020, "pdf", ind, NOW, err, sizeof err), err);
    text = tu_sh("pdftotext '%s' -", ind);
    assert_non_null(strstr(text, "NO VERIFICADA"));
    free(text);
    char *att = path_in(f, "borrada.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", att, NOW, err, sizeof err), err);
    text = tu_sh("pdftotext '%s' -", att);
    assert_non_null(strstr(text, "NO verificada"));
    assert_null(strstr(text, "Juan Pérez")); /* the deleted row is gone from the list... */
    assert_non_null(strstr(text, "José Peña Íñiguez"));
    free(text);
    free(att);
    free(ind);
    free(pdf);
    sqlite3_close(db);
}

/* ---- failures ---- */

static void unwritable_folder_fails_cleanly(void **state)
{
    struct fx *f = *state;
    char err[1024];
    checkin(f, f->event, "1001", NULL, "search", 1, NOW);
    /* A "folder" that is a file: even root cannot create inside it. */
    char *file = tu_write(f->dir, "no-es-carpeta", "x", 1);
    char target[4300];
    const char *formats[] = {"pdf", "csv", "xlsx"};
    for (int i = 0; i < 3; i++) {
        snprintf(target, sizeof target, "%s/lista.%s", file, formats[i]);
        err[0] = '\0';
        assert_int_equal(export_attendance(f->s, &f->cfg, f->db, f->event, formats[i], target, NOW, err, sizeof err),
                         -1);
        assert_non_null(strstr(err, "cannot write"));
        assert_null(strchr(err, '\n'));
    }
    snprintf(target, sizeof target, "%s/no/existe/ind.pdf", f->dir);
    assert_int_equal(export_indicators(f->s, &f->cfg, f->db, 2020, "pdf", target, NOW, err, sizeof err), -1);
    assert_int_equal(access(target, F_OK), -1);
    /* Through the real executable: one line on stderr, exit 1. */
    const char *argv[] = {"--db", f->db, "export", "attendance", f->event, "--format", "pdf", "-o", target, NULL};
    char *out = NULL, *errs = NULL;
    store_close(f->s);
    f->s = NULL;
    int rc = tu_run(&out, &errs, argv);
    char dbp[4200];
    snprintf(dbp, sizeof dbp, "%s", f->db);
    assert_int_not_equal(rc, 0);
    assert_string_equal(out, "");
    assert_non_null(strstr(errs, "no se puede escribir")); /* the command line speaks Spanish */
    assert_int_equal((int)(strchr(errs, '\n') - errs), (int)strlen(errs) - 1); /* exactly one line */
    free(out);
    free(errs);
    assert_int_equal(access(target, F_OK), -1);
    char e2[512];
    assert_int_equal(store_open(&f->s, dbp, 0, e2, sizeof e2), STORE_OK);
    free(file);
}

static void full_disk_leaves_no_file(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 40; i++) {
        char no[16];
        snprintf(no, sizeof no, "F%03d", i);
        tu_person(f->s, no, "Nombre", "Apellido", "Largo", "SCLC", 1);
        checkin(f, f->event, no, NULL, "badge", 1, NOW + i);
    }
    const char *formats[] = {"pdf", "csv", "xlsx"};
    for (int k = 0; k < 3; k++) {
        char *target = path_in(f, formats[k][0] == 'p' ? "lleno.pdf" : formats[k][0] == 'c' ? "lleno.csv"
                                                                                            : "lleno.xlsx");
        int pfd[2];
        assert_int_equal(pipe(pfd), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* A file size limit makes writes fail like a full disk. */
            struct rlimit rl = {2000, 2000};
            char err[1024] = "";
            signal(SIGXFSZ, SIG_IGN);
            setrlimit(RLIMIT_FSIZE, &rl);
            int rc = export_attendance(f->s, &f->cfg, f->db, f->event, formats[k], target, NOW, err, sizeof err);
            if (write(pfd[1], err, strlen(err)) < 0)
                _exit(3);
            _exit(rc == -1 ? 0 : 2);
        }
        close(pfd[1]);
        char msg[1024] = "";
        ssize_t n = read(pfd[0], msg, sizeof msg - 1);
        msg[n > 0 ? n : 0] = '\0';
        close(pfd[0]);
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("%s export on a full disk did not fail cleanly (status %d, '%s')", formats[k], status, msg);
        assert_non_null(strstr(msg, "cannot write"));
        assert_int_equal(access(target, F_OK), -1);
        assert_int_equal(count_files(f->dir, "lleno."), 0);
        free(target);
    }
}

static void cli_exports_end_to_end(void **state)
{
    struct fx *f = *state;
    checkin(f, f->event, "1001", NULL, "search", 1, NOW);
    pledge(f, "1001", "kiosk", NOW);
    store_close(f->s);
    f->s = NULL;
    char out1[4200], out2[4200], out3[4200], out4[4200];
    snprintf(out1, sizeof out1, "%s/a.pdf", f->dir);
    snprintf(out2, sizeof out2, "%s/p.xlsx", f->dir);
    snprintf(out3, sizeof out3, "%s/i.csv", f->dir);
    snprintf(out4, sizeof out4, "%s/a.csv", f->dir);
    char prefix[9];
    snprintf(prefix, sizeof prefix, "%.8s", f->event);
    const char *a1[] = {"--db", f->db, "export", "attendance", prefix, "--format", "pdf", "-o", out1, NULL};
    const char *a2[] = {"--db", f->db, "export", "pledges", "--year", "2020", "--format", "xlsx", "-o", out2, NULL};
    const char *a3[] = {"--db", f->db, "export", "indicators", "--year", "2020", "--format", "csv", "-o", out3, NULL};
    const char *a4[] = {"--db", f->db, "export", "attendance", "--format", "csv", "-o", out4, f->event, NULL};
    const char *bad[] = {"--db", f->db, "export", "indicators", "--format", "xlsx", "-o", out3, NULL};
    const char *const *runs[] = {a1, a2, a3, a4};
    const char *outs[] = {out1, out2, out3, out4};
    for (int i = 0; i < 4; i++) {
        char *o = NULL, *e = NULL;
        int rc = tu_run(&o, &e, runs[i]);
        if (rc != 0)
            fail_msg("run %d: %s", i, e);
        char want[4300];
        snprintf(want, sizeof want, "%s\n", outs[i]);
        assert_string_equal(o, want);
        assert_mode_0600(outs[i]);
        free(o);
        free(e);
    }
    char *o = NULL, *e = NULL;
    assert_int_not_equal(tu_run(&o, &e, bad), 0);
    assert_non_null(strstr(e, "format"));
    free(o);
    free(e);
    char e2[512];
    assert_int_equal(store_open(&f->s, f->db, 0, e2, sizeof e2), STORE_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(attendance_pdf_has_accented_names, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(attendance_pdf_page_counts, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(attendance_pdf_long_names_wrap, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(fingerprint_qr_decodes_and_verifies, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(attendance_csv_reads_back, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(attendance_xlsx_is_zip_with_rows, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(pledges_pdf_csv_xlsx, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(indicator_report_matches_arithmetic, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(audit_catches_edit_and_delete, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(unwritable_folder_fails_cleanly, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(full_disk_leaves_no_file, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(cli_exports_end_to_end, setup, tu_teardown),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
