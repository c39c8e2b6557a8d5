/* test_lists.c — lists bound to their records (issue 12, items 6-8, 17-19):
 * the fingerprint is the SHA-256 of the CSV export and the QR names the
 * list; a check-in after the signature no longer matches; reopening a
 * closed event needs a reason that is audited and printed; every row says
 * how it was recorded; lists that may change say PRELIMINAR on every page;
 * a list shows the unit, area and position of the day, and exported twice
 * is the same; killed exports leave nothing behind; every writer fails
 * cleanly under a file-size limit; the small items (config paths, bidi
 * controls). Each test was seen failing against the code before the fix
 * (SECURITY.md, "Lists").
 *
 * Needs poppler-utils (pdftotext, pdftoppm, pdfinfo), zbar-tools (zbarimg)
 * and unzip; a test whose tools are missing is skipped. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base45.h"
#include "config.h"
#include "export.h"
#include "keys.h"
#include "util.h"

#define NOW 1584029700 /* 2020-03-12 10:15 in Mexico City */

static const char SIG[] = "sig";

struct fx {
    TU_FIXTURE;
    char db[4096];
    config cfg;
    char event[UTIL_UUID_LEN];
};

/* ---- helpers ---- */

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
    snprintf(f->event, sizeof f->event, "%s",
             tu_event(f->s, "Taller de ética pública", "taller", "etica", "SCLC", "2020-03-12 10:00", 0));
    *state = f;
    return 0;
}

static char *path_in(struct fx *f, const char *name)
{
    char *p = malloc(4200);
    snprintf(p, 4200, "%s/%s", f->dir, name);
    return p;
}

static void checkin(struct fx *f, const char *no, const char *method, int64_t at)
{
    store_record r;
    if (store_checkin(f->s, f->event, no, NULL, method, NULL, 0, at, &r) != STORE_OK)
        fail_msg("checkin %s: %s", no, store_errmsg(f->s));
}

static void export_ok(int rc, const char *err)
{
    if (rc != 0)
        fail_msg("export failed: %s", err);
}

/* SHA-256 (hex) of a file's bytes. */
static void file_sha(const char *path, char hex[65])
{
    size_t len;
    char *buf = util_read_file(path, &len);
    assert_non_null(buf);
    util_sha256_hex(buf, len, hex);
    free(buf);
}

/* The fingerprint QR of the PDF's last page (or page), read with zbarimg. */
static char *pdf_qr(struct fx *f, const char *pdf, int page)
{
    char *o = tu_sh("pdfinfo '%s' 2>/dev/null | sed -n 's/^Pages: *//p'", pdf);
    int last = atoi(o);
    free(o);
    if (page <= 0)
        page = last;
    char *q = tu_sh("cd '%s' && rm -f qrimg*.png && pdftoppm -r 150 -png -f %d -l %d '%s' qrimg && zbarimg --raw -q "
                 "qrimg*.png 2>/dev/null | head -1 | tr -d '\\n'", f->dir, page, page, pdf);
    return q;
}

/* ---- 6. the QR names the list; the fingerprint is the CSV's SHA-256 ---- */

static void list_qr_names_the_list_and_hashes_the_csv(void **state)
{
    struct fx *f = *state;
    tu_need("pdfinfo pdftoppm zbarimg pdftotext sha256sum");
    char err[1024];
    checkin(f, "1001", "badge", NOW);
    checkin(f, "1003", "keyed", NOW + 60);
    char *pdf = path_in(f, "lista.pdf"), *csv = path_in(f, "lista.csv");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "csv", csv, NOW, err, sizeof err), err);
    char *payload = pdf_qr(f, pdf, 0);
    assert_true(strncmp(payload, "CKL2:", 5) == 0);
    export_fingerprint fp;
    if (export_fingerprint_verify(f->s, payload, &fp, err, sizeof err) != 0)
        fail_msg("verify: %s", err);
    /* The QR says which list it is. */
    assert_int_equal(fp.version, 2);
    assert_int_equal(fp.kind, EXPORT_FP_ATTENDANCE);
    assert_string_equal(fp.event_id, f->event);
    assert_string_equal(fp.event_title, "Taller de ética pública");
    assert_string_equal(fp.event_start, "2020-03-12 10:00");
    assert_string_equal(fp.event_unit, "SCLC");
    assert_string_equal(fp.institution, "Institución de Prueba");
    assert_int_equal(fp.rows, 2);
    assert_int_equal(fp.state, EXPORT_STATE_OPEN);
    assert_string_equal(fp.kiosk_id, store_kiosk_id(f->s));
    /* The fingerprint is the SHA-256 of the CSV file, as sha256sum gives it. */
    char hex[65];
    file_sha(csv, hex);
    assert_string_equal(fp.sha256, hex);
    char *sum = tu_sh("sha256sum '%s' | cut -c1-64 | tr -d '\\n'", csv);
    assert_string_equal(sum, hex);
    free(sum);
    assert_int_equal(export_attendance_fingerprint(f->s, f->event, hex, err, sizeof err), 0);
    assert_string_equal(fp.sha256, hex);
    /* The PDF prints the fingerprint, how to recompute it and the signing
     * kiosk's public-key fingerprint (that of the key in the store). */
    char *text = tu_sh("pdftotext '%s' - | tr -d ' \\n'", pdf);
    assert_non_null(strstr(text, fp.sha256));
    assert_non_null(strstr(text, fp.key_sha256));
    assert_non_null(strstr(text, "sha256sum"));
    unsigned char pk[32];
    char keyhex[65];
    assert_int_equal(store_key_get(f->s, store_kiosk_id(f->s), pk), STORE_OK);
    util_sha256_hex(pk, 32, keyhex);
    assert_string_equal(fp.key_sha256, keyhex);
    free(text);
    /* The CSV holds exactly the printed columns. */
    char *head = tu_sh("head -1 '%s' | tr -d '\\r\\n' | sed 's/^\\xEF\\xBB\\xBF//'", csv);
    assert_string_equal(head, "No.,Número de empleado,Nombre completo,Unidad,Área,Puesto,Fecha y hora,Registro,Firma,"
                              "Folio,Adscripción");
    free(head);
    free(payload);
    free(pdf);
    free(csv);
}

/* One more check-in after the signature: the old QR no longer matches the
 * records (the issue: it still verified). */
static void later_checkin_no_longer_matches(void **state)
{
    struct fx *f = *state;
    tu_need("pdfinfo pdftoppm zbarimg");
    char err[1024];
    checkin(f, "1001", "badge", NOW);
    checkin(f, "1002", "badge", NOW + 30);
    char *pdf = path_in(f, "lista.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    char *payload = pdf_qr(f, pdf, 0);
    export_fingerprint fp;
    assert_int_equal(export_fingerprint_verify(f->s, payload, &fp, err, sizeof err), 0);
    long rows, differ;
    int exact;
    assert_int_equal(export_fingerprint_compare(f->s, &f->cfg, &fp, &rows, &differ, &exact, err, sizeof err), 0);
    assert_int_equal(rows, 2);
    assert_int_equal(differ, 0);
    checkin(f, "1003", "keyed", NOW + 3600);
    assert_int_equal(export_fingerprint_compare(f->s, &f->cfg, &fp, &rows, &differ, &exact, err, sizeof err), 0);
    assert_int_equal(rows, 3);
    assert_int_equal(differ, 1);
    assert_int_equal(exact, 1);
    /* A row changed behind the program's back: no longer a prefix. */
    sqlite3 *db = tu_db(f->s);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER attendance_no_update; UPDATE attendance SET at = at + 120 "
                                      "WHERE employee_no = '1001'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(export_fingerprint_compare(f->s, &f->cfg, &fp, &rows, &differ, &exact, err, sizeof err), 0);
    assert_true(differ >= 1);
    assert_int_equal(exact, 0);
    /* Through the command line: exit 1 and "no coincide". */
    store_close(f->s);
    f->s = NULL;
    char *out = NULL, *e = NULL;
    const char *argv[] = {"verify", payload, "--db", f->db, NULL};
    assert_int_equal(tu_run(&out, &e, argv), 1);
    assert_non_null(strstr(out, "no coincide"));
    assert_non_null(strstr(out, "evento: Taller de ética pública"));
    free(out);
    free(e);
    free(payload);
    free(pdf);
}

/* The pledge database: CKP2, its CSV's SHA-256, compared with the records. */
static void pledge_list_qr_names_the_period(void **state)
{
    struct fx *f = *state;
    tu_need("pdfinfo pdftoppm zbarimg");
    char err[1024], carta[65], priv[65];
    store_record r;
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, priv);
    assert_int_equal(store_pledge(f->s, "1001", carta, priv, "keyed", NULL, 0, NOW, NOW, &r), STORE_OK);
    assert_int_equal(store_pledge(f->s, "1003", carta, priv, "kiosk", SIG, sizeof SIG, NOW + 9, NOW + 9, &r),
                     STORE_OK);
    char *pdf = path_in(f, "firmas.pdf"), *csv = path_in(f, "firmas.csv");
    /* Exported in 2021: the 2020 list is final. */
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "pdf", pdf, NOW + 366 * 86400, err, sizeof err), err);
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "csv", csv, NOW + 366 * 86400, err, sizeof err), err);
    char *payload = NULL;
    for (int page = 1; page <= tu_pdf_pages(pdf) && (!payload || !*payload); page++) {
        free(payload);
        payload = pdf_qr(f, pdf, page);
    }
    assert_true(strncmp(payload, "CKP2:", 5) == 0);
    export_fingerprint fp;
    assert_int_equal(export_fingerprint_verify(f->s, payload, &fp, err, sizeof err), 0);
    assert_int_equal(fp.kind, EXPORT_FP_PLEDGES);
    assert_int_equal(fp.year, 2020);
    assert_int_equal(fp.rows, 2);
    assert_int_equal(fp.state, EXPORT_STATE_CLOSED);
    char hex[65];
    file_sha(csv, hex);
    assert_string_equal(fp.sha256, hex);
    long rows, differ;
    int exact;
    assert_int_equal(export_fingerprint_compare(f->s, &f->cfg, &fp, &rows, &differ, &exact, err, sizeof err), 0);
    assert_int_equal(differ, 0);
    assert_int_equal(store_pledge(f->s, "1002", carta, priv, "keyed", NULL, 0, NOW + 99, NOW + 99, &r), STORE_OK);
    assert_int_equal(export_fingerprint_compare(f->s, &f->cfg, &fp, &rows, &differ, &exact, err, sizeof err), 0);
    assert_int_equal(differ, 1);
    free(payload);
    free(pdf);
    free(csv);
}

/* A payload of the first format (hash and kiosk only) still verifies, says
 * it is version 1, and cannot be compared. */
static void first_format_payload_still_verifies(void **state)
{
    struct fx *f = *state;
    char err[1024], b45[512], payload[600];
    unsigned char sk[64], bin[32 + 7 + 64], msg[43];
    assert_int_equal(keys_load_secret(f->db, sk, err, sizeof err), 0);
    memset(bin, 0xAB, 32);
    memcpy(bin + 32, store_kiosk_id(f->s), 7);
    memcpy(msg, "CKL1", 4);
    memcpy(msg + 4, bin, 39);
    crypto_sign_detached(bin + 39, NULL, msg, sizeof msg, sk);
    assert_true(base45_encode(bin, sizeof bin, b45, sizeof b45) > 0);
    snprintf(payload, sizeof payload, "CKL1:%s", b45);
    export_fingerprint fp;
    assert_int_equal(export_fingerprint_verify(f->s, payload, &fp, err, sizeof err), 0);
    assert_int_equal(fp.version, 1);
    assert_int_equal(fp.kind, EXPORT_FP_ATTENDANCE);
    long rows, differ;
    int exact;
    assert_int_equal(export_fingerprint_compare(f->s, &f->cfg, &fp, &rows, &differ, &exact, err, sizeof err), -1);
    /* Signed as CKL1, presented as CKP1: refused. */
    payload[2] = 'P';
    assert_int_not_equal(export_fingerprint_verify(f->s, payload, &fp, err, sizeof err), 0);
    sodium_memzero(sk, sizeof sk);
}

/* ---- 7. a closed list cannot change silently ---- */

static int count_reopen(int64_t at, const char *reason, void *ctx)
{
    (void)at;
    (void)reason;
    (*(int *)ctx)++;
    return 0;
}

static void reopening_needs_a_reason_audited_and_printed(void **state)
{
    struct fx *f = *state;
    tu_need("pdftotext");
    char err[1024];
    long n;
    checkin(f, "1001", "badge", NOW);
    assert_int_equal(store_event_set_state(f->s, f->event, "closed", NOW + 10), STORE_OK);
    /* The issue: "event open" on a closed event succeeded silently. */
    assert_int_equal(store_event_set_state(f->s, f->event, "open", NOW + 20), STORE_CLOSED);
    assert_int_equal(store_event_reopen(f->s, f->event, "", NOW + 20), STORE_INVALID);
    assert_int_equal(store_event_reopen(f->s, f->event, "línea\nrota", NOW + 20), STORE_INVALID);
    store_event e;
    assert_int_equal(store_event_get(f->s, f->event, &e), STORE_OK);
    assert_string_equal(e.state, "closed");
    assert_int_equal(store_event_reopen(f->s, f->event, "Faltó capturar la lista de la sesión vespertina", NOW + 30),
                     STORE_OK);
    assert_int_equal(store_event_get(f->s, f->event, &e), STORE_OK);
    assert_string_equal(e.state, "open");
    assert_int_equal(store_event_reopen(f->s, f->event, "otra vez", NOW + 40), STORE_INVALID); /* not closed */
    int reopens = 0;
    assert_int_equal(store_event_reopen_each(f->s, f->event, count_reopen, &reopens), STORE_OK);
    assert_int_equal(reopens, 1);
    assert_int_equal(store_audit_verify(f->s, &n), STORE_OK);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM audit WHERE kind = 'reopen'"), 1);
    /* Printed on the list. */
    char *pdf = path_in(f, "lista.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW + 50, err, sizeof err), err);
    char *text = tu_sh("pdftotext '%s' - | tr '\\n' ' '", pdf);
    assert_non_null(strstr(text, "reabierto"));
    assert_non_null(strstr(text, "Faltó capturar la lista de la sesión vespertina"));
    free(text);
    /* The reason is under the audit chain: edited by hand, it is reported. */
    sqlite3 *db = tu_db(f->s);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER event_reopen_no_update; UPDATE event_reopen SET reason = 'x'",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_audit_verify(f->s, &n), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "reopen"));
    free(pdf);
}

/* Every row says how it was recorded: the kiosk (and how), a paper list
 * typed in, or the coordinator's desk (the issue: a desk check-in of the
 * next day printed as "Registro en quiosco"). */
static void every_row_says_how_it_was_recorded(void **state)
{
    struct fx *f = *state;
    tu_need("pdftotext");
    char err[1024];
    store_record r;
    checkin(f, "1001", "badge", NOW);
    checkin(f, "1002", "desk", NOW + 86400);
    checkin(f, "1003", "keyed", NOW + 2 * 86400);
    assert_int_equal(store_checkin(f->s, f->event, NULL, "Invitada Ruiz", "guest", NULL, 0, NOW + 5, &r), STORE_OK);
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "teleport", NULL, 0, NOW, &r), STORE_INVALID);
    char *csv = path_in(f, "lista.csv"), *pdf = path_in(f, "lista.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "csv", csv, NOW, err, sizeof err), err);
    char *text = tu_sh("cut -d, -f3,8 '%s' | tr -d '\\r'", csv);
    assert_non_null(strstr(text, "José Peña Íñiguez,quiosco: gafete"));
    assert_non_null(strstr(text, "Invitada Ruiz,quiosco: persona invitada"));
    assert_non_null(strstr(text, "María José López Ruiz,mesa de registro"));
    assert_non_null(strstr(text, "Juan Pérez,lista en papel capturada"));
    free(text);
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    text = tu_sh("pdftotext '%s' - | tr '\\n' ' '", pdf);
    assert_non_null(strstr(text, "mesa de registro"));
    assert_non_null(strstr(text, "lista en papel capturada"));
    assert_non_null(strstr(text, "quiosco: gafete"));
    assert_null(strstr(text, "Registro en quiosco"));
    free(text);
    free(csv);
    free(pdf);
}

/* Lists of draft or open events, and pledge lists of a period not over,
 * say PRELIMINAR on every page; final ones never. */
static void preliminary_on_every_page(void **state)
{
    struct fx *f = *state;
    tu_need("pdftotext pdfinfo");
    char err[1024];
    for (int i = 0; i < 40; i++) {
        char no[16];
        snprintf(no, sizeof no, "P%03d", i);
        tu_person(f->s, no, "Persona", "De Prueba", "Larga", "SCLC", 1);
        checkin(f, no, "badge", NOW + i);
    }
    char *pdf = path_in(f, "lista.pdf");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    int pages = tu_pdf_pages(pdf);
    assert_true(pages >= 2);
    for (int pg = 1; pg <= pages; pg++) {
        char *t = tu_sh("pdftotext -f %d -l %d '%s' -", pg, pg, pdf);
        if (!strstr(t, "PRELIMINAR"))
            fail_msg("page %d of an open event's list lacks PRELIMINAR", pg);
        free(t);
    }
    assert_int_equal(store_event_set_state(f->s, f->event, "closed", NOW + 100), STORE_OK);
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf, NOW, err, sizeof err), err);
    char *t = tu_sh("pdftotext '%s' -", pdf);
    assert_null(strstr(t, "PRELIMINAR"));
    free(t);
    /* A draft event. */
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "Borrador");
    snprintf(e.kind, sizeof e.kind, "curso");
    snprintf(e.topics, sizeof e.topics, "etica");
    snprintf(e.unit, sizeof e.unit, "SCLC");
    snprintf(e.start, sizeof e.start, "2020-04-01 10:00");
    assert_int_equal(store_event_add(f->s, &e, NOW), STORE_OK);
    export_ok(export_attendance(f->s, &f->cfg, f->db, e.id, "pdf", pdf, NOW, err, sizeof err), err);
    t = tu_sh("pdftotext '%s' -", pdf);
    assert_non_null(strstr(t, "PRELIMINAR"));
    free(t);
    /* Pledges: the year not over yet, then over. */
    char carta[65], priv[65];
    store_record r;
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, priv);
    for (int i = 0; i < 40; i++) {
        char no[16];
        snprintf(no, sizeof no, "P%03d", i);
        assert_int_equal(store_pledge(f->s, no, carta, priv, "keyed", NULL, 0, NOW + i, NOW + i, &r), STORE_OK);
    }
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "pdf", pdf, NOW, err, sizeof err), err);
    pages = tu_pdf_pages(pdf);
    assert_true(pages >= 2);
    for (int pg = 1; pg <= pages; pg++) {
        t = tu_sh("pdftotext -f %d -l %d '%s' -", pg, pg, pdf);
        if (!strstr(t, "PRELIMINAR"))
            fail_msg("page %d of the 2020 pledge list exported in 2020 lacks PRELIMINAR", pg);
        free(t);
    }
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "pdf", pdf, NOW + 366 * 86400, err, sizeof err), err);
    t = tu_sh("pdftotext '%s' -", pdf);
    assert_null(strstr(t, "PRELIMINAR"));
    free(t);
    free(pdf);
}

/* ---- 8. the unit, area and position of the day; the same list twice ---- */

static void lists_keep_the_roster_of_the_day(void **state)
{
    struct fx *f = *state;
    tu_need("pdfinfo pdftoppm zbarimg pdftotext");
    char err[1024], carta[65], priv[65];
    store_record r;
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, priv);
    store_person p;
    assert_int_equal(store_person_get(f->s, "1001", &p), STORE_OK);
    snprintf(p.position, sizeof p.position, "Jefa de departamento");
    assert_int_equal(store_person_upsert(f->s, &p, NOW, NULL), STORE_OK);
    checkin(f, "1001", "badge", NOW);
    assert_int_equal(store_pledge(f->s, "1001", carta, priv, "keyed", NULL, 0, NOW, NOW, &r), STORE_OK);
    char *csv1 = path_in(f, "a1.csv"), *csv2 = path_in(f, "a2.csv"), *pdf1 = path_in(f, "a1.pdf"),
         *pdf2 = path_in(f, "a2.pdf"), *pl1 = path_in(f, "p1.csv"), *pl2 = path_in(f, "p2.csv");
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "csv", csv1, NOW, err, sizeof err), err);
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf1, NOW, err, sizeof err), err);
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "csv", pl1, NOW, err, sizeof err), err);
    /* The person moves: another unit, area and position (the issue: the
     * past list then showed today's roster values). */
    snprintf(p.unit, sizeof p.unit, "CHE");
    snprintf(p.area, sizeof p.area, "Otra área");
    snprintf(p.position, sizeof p.position, "Directora");
    assert_int_equal(store_person_upsert(f->s, &p, NOW + 86400, NULL), STORE_OK);
    /* Exported again, later: identical bytes and fingerprint. */
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "csv", csv2, NOW + 86400, err, sizeof err), err);
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", pdf2, NOW + 86400, err, sizeof err), err);
    export_ok(export_pledges(f->s, &f->cfg, f->db, 2020, "csv", pl2, NOW + 86400, err, sizeof err), err);
    char h1[65], h2[65];
    file_sha(csv1, h1);
    file_sha(csv2, h2);
    assert_string_equal(h1, h2);
    file_sha(pl1, h1);
    file_sha(pl2, h2);
    assert_string_equal(h1, h2);
    char *q1 = pdf_qr(f, pdf1, 0), *q2 = pdf_qr(f, pdf2, 0);
    assert_true(strncmp(q1, "CKL2:", 5) == 0);
    assert_string_equal(q1, q2); /* same fingerprint, same signed payload */
    char *text = tu_sh("cat '%s' | tr -d '\\r'", csv2);
    assert_non_null(strstr(text, ",SCLC,Área de pruebas,Jefa de departamento,"));
    assert_null(strstr(text, "Directora"));
    free(text);
    text = tu_sh("pdftotext '%s' - | tr '\\n' ' '", pdf2);
    assert_non_null(strstr(text, "Jefa de departamento"));
    assert_null(strstr(text, "Directora"));
    free(text);
    /* The snapshot is part of the record's audited content. */
    long n;
    assert_int_equal(store_audit_verify(f->s, &n), STORE_OK);
    sqlite3 *db = tu_db(f->s);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER attendance_no_update; UPDATE attendance SET snap_area = 'X'",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_audit_verify(f->s, &n), STORE_INVALID);
    free(q1);
    free(q2);
    free(csv1);
    free(csv2);
    free(pdf1);
    free(pdf2);
    free(pl1);
    free(pl2);
}

/* ---- 10. paper lists of people who have since left ---- */

static void keyed_records_of_inactive_staff_are_accepted(void **state)
{
    struct fx *f = *state;
    char carta[65], priv[65];
    store_record r;
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, priv);
    tu_person(f->s, "1009", "Ex", "Empleada", "", "SCLC", 0);
    /* At the kiosk or the desk: refused, as before. */
    assert_int_equal(store_checkin(f->s, f->event, "1009", NULL, "badge", NULL, 0, NOW, &r), STORE_NOTFOUND);
    assert_int_equal(store_checkin(f->s, f->event, "1009", NULL, "desk", NULL, 0, NOW, &r), STORE_NOTFOUND);
    assert_int_equal(store_pledge(f->s, "1009", carta, priv, "kiosk", SIG, sizeof SIG, NOW, NOW, &r), STORE_NOTFOUND);
    /* Typed in from paper: accepted (the issue: 150 names became 145 rows). */
    assert_int_equal(store_checkin(f->s, f->event, "1009", NULL, "keyed", NULL, 0, NOW, &r), STORE_OK);
    assert_int_equal(store_pledge(f->s, "1009", carta, priv, "keyed", NULL, 0, NOW, NOW, &r), STORE_OK);
    /* The desk needs the event open; a paper list may come after it closed. */
    assert_int_equal(store_event_set_state(f->s, f->event, "closed", NOW + 10), STORE_OK);
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "desk", NULL, 0, NOW + 20, &r), STORE_CLOSED);
    assert_int_equal(store_checkin(f->s, f->event, "1001", NULL, "keyed", NULL, 0, NOW + 20, &r), STORE_OK);
    long n;
    assert_int_equal(store_audit_verify(f->s, &n), STORE_OK);
}

/* ---- 17. what killed exports leave is cleaned, and nothing else ---- */

static int file_exists(const char *dir, const char *name)
{
    char p[4300];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

static void make_file(const char *dir, const char *name, mode_t mode)
{
    char p[4300];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "partial", 7), 7);
    fchmod(fd, mode);
    close(fd);
}

static void killed_export_leftovers_are_cleaned(void **state)
{
    struct fx *f = *state;
    char err[1024];
    checkin(f, "1001", "badge", NOW);
    /* A real leftover: an export killed half-way (SIGKILL while writing). */
    for (int i = 0; i < 600; i++) {
        char no[16];
        snprintf(no, sizeof no, "K%03d", i);
        tu_person(f->s, no, "Persona", "Con Nombre", "Largo", "SCLC", 1);
        checkin(f, no, "badge", NOW + i);
    }
    char *csv = path_in(f, "lista.csv");
    int killed = 0;
    for (int attempt = 0; attempt < 20 && !killed; attempt++) {
        pid_t pid = fork();
        if (pid == 0) {
            for (;;)
                export_attendance(f->s, &f->cfg, f->db, f->event, "pdf", csv, NOW, err, sizeof err);
        }
        /* Kill it the moment its temporary file shows (up to 60 s). */
        for (int polls = 0; polls < 60000 && !killed; polls++) {
            DIR *d = opendir(f->dir);
            for (struct dirent *e; d && (e = readdir(d));)
                killed |= strncmp(e->d_name, "lista.csv.tmp", 13) == 0;
            closedir(d);
            if (!killed) {
                struct timespec ts = {0, 1000000L};
                nanosleep(&ts, NULL);
            }
        }
        int st;
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        killed = 0; /* it may have been renamed between the look and the kill */
        DIR *d = opendir(f->dir);
        for (struct dirent *e; d && (e = readdir(d));)
            killed |= strncmp(e->d_name, "lista.csv.tmp", 13) == 0;
        closedir(d);
    }
    if (!killed) {
        free(csv);
        fail_msg("no export was caught half-way in 20 tries");
    }
    /* Files that are not leftovers of ours, or are in use. */
    make_file(f->dir, "informe.pdf.tmpZZ9911", 0644);    /* not 0600: not ours */
    make_file(f->dir, "notas.tmpAB12CD", 0600);          /* not one of our names */
    make_file(f->dir, "carta.docx.tmpAB12CD", 0600);     /* not an extension we write */
    make_file(f->dir, "otra.csv.tmpAB12C", 0600);        /* five characters, not six */
    make_file(f->dir, "busy.pdf.tmpQQ7788", 0600);       /* held by a running export */
    make_file(f->dir, "old.xlsx.tmpYY1122", 0600);       /* a leftover */
    char busy[4300];
    snprintf(busy, sizeof busy, "%s/busy.pdf.tmpQQ7788", f->dir);
    int bfd = open(busy, O_RDONLY);
    assert_int_equal(flock(bfd, LOCK_EX), 0);
    export_ok(export_attendance(f->s, &f->cfg, f->db, f->event, "csv", csv, NOW, err, sizeof err), err);
    DIR *d = opendir(f->dir);
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, "lista.csv.tmp", 13) == 0)
            fail_msg("leftover %s not removed", e->d_name);
    closedir(d);
    assert_false(file_exists(f->dir, "old.xlsx.tmpYY1122"));
    assert_true(file_exists(f->dir, "informe.pdf.tmpZZ9911"));
    assert_true(file_exists(f->dir, "notas.tmpAB12CD"));
    assert_true(file_exists(f->dir, "carta.docx.tmpAB12CD"));
    assert_true(file_exists(f->dir, "otra.csv.tmpAB12C"));
    assert_true(file_exists(f->dir, "busy.pdf.tmpQQ7788"));
    assert_true(file_exists(f->dir, "k.db"));
    close(bfd);
    free(csv);
}

/* ---- 19. every writer fails cleanly under a file-size limit ---- */

/* Runs one export in a child under RLIMIT_FSIZE = limit bytes. Returns 0
 * when it succeeded, 1 when it failed (err gets its message), and fails the
 * test when the child crashed. */
static int limited_export(struct fx *f, long limit, const char *what, const char *format, const char *path,
                          char *msg, size_t msglen)
{
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = {(rlim_t)limit, (rlim_t)limit};
        char err[1024] = "";
        signal(SIGXFSZ, SIG_IGN);
        close(pfd[0]);
        setrlimit(RLIMIT_FSIZE, &rl);
        int rc = strcmp(what, "attendance") == 0
                     ? export_attendance(f->s, &f->cfg, f->db, f->event, format, path, NOW, err, sizeof err)
                 : strcmp(what, "pledges") == 0
                     ? export_pledges(f->s, &f->cfg, f->db, 2020, format, path, NOW, err, sizeof err)
                     : export_indicators(f->s, &f->cfg, f->db, 2020, format, path, NOW, err, sizeof err);
        if (write(pfd[1], err, strlen(err)) < 0)
            _exit(3);
        _exit(rc == 0 ? 0 : 1);
    }
    close(pfd[1]);
    ssize_t n = read(pfd[0], msg, msglen - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(pfd[0]);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
        fail_msg("%s %s at %ld bytes: the export crashed (status %d)", what, format, limit, status);
    return WEXITSTATUS(status);
}

/* Data rows in a complete export (CSV lines, XLSX sheet rows, PDF pages). */
static long rows_in(const char *format, const char *path)
{
    char *o;
    if (strcmp(format, "csv") == 0)
        o = tu_sh("wc -l < '%s'", path);
    else if (strcmp(format, "xlsx") == 0)
        o = tu_sh("unzip -p '%s' xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l", path);
    else
        o = tu_sh("pdfinfo '%s' 2>/dev/null | sed -n 's/^Pages: *//p'", path);
    long n = atol(o);
    free(o);
    return n;
}

static void every_writer_fails_cleanly_under_a_size_limit(void **state)
{
    struct fx *f = *state;
    tu_need("unzip pdfinfo");
    char carta[65], priv[65];
    store_record r;
    util_sha256_hex("carta", 5, carta);
    util_sha256_hex("aviso", 5, priv);
    assert_int_equal(store_begin(f->s), STORE_OK);
    for (int i = 0; i < 600; i++) {
        char no[16];
        snprintf(no, sizeof no, "L%03d", i);
        tu_person(f->s, no, "Nombre Compuesto", "Apellido Paterno", "Materno", i % 2 ? "SCLC" : "CHE", 1);
    }
    assert_int_equal(store_commit(f->s), STORE_OK);
    for (int i = 0; i < 600; i++) {
        char no[16];
        snprintf(no, sizeof no, "L%03d", i);
        checkin(f, no, "badge", NOW + i);
        assert_int_equal(store_pledge(f->s, no, carta, priv, "keyed", NULL, 0, NOW + i, NOW + i, &r), STORE_OK);
    }
    static const struct {
        const char *what, *format;
    } jobs[] = {
        {"attendance", "pdf"}, {"attendance", "csv"}, {"attendance", "xlsx"}, {"pledges", "pdf"},
        {"pledges", "csv"},    {"pledges", "xlsx"},   {"indicators", "pdf"},  {"indicators", "csv"},
    };
    static const long limits[] = {40 << 10, 55 << 10, 70 << 10, 100 << 10, 160 << 10, 16 << 20};
    long full[8] = {0};
    int fails = 0, passes = 0;
    for (size_t j = 0; j < sizeof jobs / sizeof *jobs; j++) {
        char name[64], msg[1024], *path;
        snprintf(name, sizeof name, "%s.%s", jobs[j].what, jobs[j].format);
        path = path_in(f, name);
        for (size_t l = sizeof limits / sizeof *limits; l-- > 0;) { /* the roomy limit first: the full size */
            unlink(path);
            int rc = limited_export(f, limits[l], jobs[j].what, jobs[j].format, path, msg, sizeof msg);
            if (rc == 0) {
                long n = rows_in(jobs[j].format, path);
                if (l == sizeof limits / sizeof *limits - 1)
                    full[j] = n;
                else if (n != full[j])
                    fail_msg("%s under %ld bytes: exit 0 with %ld rows/pages, %ld when complete", name, limits[l],
                             n, full[j]);
                passes++;
            } else {
                fails++;
                if (access(path, F_OK) == 0)
                    fail_msg("%s under %ld bytes failed ('%s') but left a file under the final name", name,
                             limits[l], msg);
                if (!strstr(msg, "cannot write") || strchr(msg, '\n'))
                    fail_msg("%s under %ld bytes: the message is not one 'cannot write' line: '%s'", name,
                             limits[l], msg);
            }
            DIR *d = opendir(f->dir);
            for (struct dirent *e; (e = readdir(d));)
                if (strstr(e->d_name, ".tmp"))
                    fail_msg("%s under %ld bytes left %s", name, limits[l], e->d_name);
            closedir(d);
        }
        if (full[j] <= 0 && strcmp(jobs[j].what, "indicators") != 0)
            fail_msg("%s: no complete export even with room", name);
        free(path);
    }
    assert_true(fails > 0 && passes > 0);
    /* The attendance XLSX of 600 rows is complete: header + 600 rows. */
    assert_int_equal(full[2], 601);
    assert_int_equal(full[1], 601);
}

/* ---- 18. small items ---- */

static void config_paths_too_long_are_refused_not_cut(void **state)
{
    struct fx *f = *state;
    char dir[4096], err[1024], ini[5000];
    /* A config file in a deep folder: relative paths joined to it pass 511 bytes. */
    snprintf(dir, sizeof dir, "%s", f->dir);
    while (strlen(dir) < 480) {
        strcat(dir, "/carpeta-larga-de-la-institucion");
        mkdir(dir, 0700);
    }
    snprintf(ini, sizeof ini, "%s/kiosk.ini", dir);
    FILE *fp = fopen(ini, "w");
    assert_non_null(fp);
    fprintf(fp, "[texts]\ncarta = textos/carta-compromiso-version-2025.txt\n");
    fclose(fp);
    config c;
    config_defaults(&c, "/tmp");
    assert_int_equal(config_load(&c, ini, err, sizeof err), -1);
    assert_non_null(strstr(err, "too long"));
    assert_non_null(strstr(err, ":2:"));
    /* A line longer than libinih reads is refused at its line, not split. */
    char *short_ini = path_in(f, "c.ini");
    fp = fopen(short_ini, "w");
    fprintf(fp, "[kiosk]\nunit = SCLC\n[texts]\ncarta = /");
    for (int i = 0; i < 300; i++)
        fputc('a', fp);
    fprintf(fp, "\n");
    fclose(fp);
    config_defaults(&c, "/tmp");
    assert_int_equal(config_load(&c, short_ini, err, sizeof err), -1);
    assert_non_null(strstr(err, ":4: line too long"));
    /* Within limits it still loads. */
    fp = fopen(short_ini, "w");
    fprintf(fp, "[texts]\ncarta = textos/carta.txt\n");
    fclose(fp);
    assert_int_equal(config_load(&c, short_ini, err, sizeof err), 0);
    assert_non_null(strstr(c.carta, "/textos/carta.txt"));
    free(short_ini);
}

/* U+202E (right-to-left override) and the other bidi controls make a name
 * read as another on a list: refused in names, guests and titles. */
static void bidi_controls_are_refused(void **state)
{
    struct fx *f = *state;
    static const char *const bidi[] = {"\xE2\x80\xAE", "\xE2\x80\xAB", "\xE2\x81\xA6", "\xE2\x80\x8F", "\xD8\x9C"};
    store_record r;
    for (size_t i = 0; i < sizeof bidi / sizeof *bidi; i++) {
        char name[64];
        snprintf(name, sizeof name, "Ana %szeréP", bidi[i]);
        store_person p;
        memset(&p, 0, sizeof p);
        snprintf(p.employee_no, sizeof p.employee_no, "B%zu", i);
        snprintf(p.surname1, sizeof p.surname1, "%s", name);
        snprintf(p.unit, sizeof p.unit, "SCLC");
        p.active = 1;
        assert_int_equal(store_person_upsert(f->s, &p, NOW, NULL), STORE_INVALID);
        assert_int_equal(store_checkin(f->s, f->event, NULL, name, "guest", NULL, 0, NOW, &r), STORE_INVALID);
        store_event e;
        memset(&e, 0, sizeof e);
        snprintf(e.title, sizeof e.title, "%s", name);
        snprintf(e.kind, sizeof e.kind, "curso");
        snprintf(e.topics, sizeof e.topics, "etica");
        snprintf(e.unit, sizeof e.unit, "SCLC");
        snprintf(e.start, sizeof e.start, "2020-04-01 10:00");
        assert_int_equal(store_event_add(f->s, &e, NOW), STORE_INVALID);
    }
    /* Accents, ñ and other non-ASCII letters are fine. */
    assert_int_equal(store_checkin(f->s, f->event, NULL, "Ñandú Ürü Çé", "guest", NULL, 0, NOW, &r), STORE_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(list_qr_names_the_list_and_hashes_the_csv, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(later_checkin_no_longer_matches, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(pledge_list_qr_names_the_period, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(first_format_payload_still_verifies, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(reopening_needs_a_reason_audited_and_printed, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(every_row_says_how_it_was_recorded, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(preliminary_on_every_page, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(lists_keep_the_roster_of_the_day, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(keyed_records_of_inactive_staff_are_accepted, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(killed_export_leftovers_are_cleaned, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(every_writer_fails_cleanly_under_a_size_limit, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(config_paths_too_long_are_refused_not_cut, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(bidi_controls_are_refused, setup, tu_teardown),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
