/* test_attendance_import.c — a whole attendance list typed in at once
 * (domain/attendance_import.c over domain/sheet.c and store/imports.c):
 * CSV as Excel saves it and XLSX as libxlsxwriter and hand-made parts
 * write it; dates; all-or-nothing; unknown numbers reported at once;
 * idempotence; the batch, its links and the audit chain; hostile
 * workbooks. */
#include "testutil.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "attendance_import.h"
#include "store_evidence.h"
#include "util.h"

/* 2020-09-14 12:00 in Mexico City: after every event of the tests. */
#define NOW 1600106400

typedef struct fx {
    TU_FIXTURE;
    char event[UTIL_UUID_LEN];   /* 2020-09-10 10:00-13:00, SCLC, open */
    char course[UTIL_UUID_LEN];  /* 2020-03-02 .. 2020-09-30, CHE (America/Cancun), open */
    char err[2048];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "k.db");
    tu_people(f->s);
    for (int i = 0; i < 40; i++) {
        char no[16];
        snprintf(no, sizeof no, "%d", 2000 + i);
        tu_person(f->s, no, "Ana", "Núñez", "Ibáñez", i % 2 ? "CHE" : "SCLC", i != 7); /* 2007 is inactive */
    }
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "Taller de ética");
    snprintf(e.kind, sizeof e.kind, "taller");
    snprintf(e.topics, sizeof e.topics, "etica");
    snprintf(e.unit, sizeof e.unit, "SCLC");
    snprintf(e.start, sizeof e.start, "2020-09-10 10:00");
    snprintf(e.end, sizeof e.end, "2020-09-10 13:00");
    e.signature = 1;
    assert_int_equal(store_event_add(f->s, &e, 1600000000), STORE_OK);
    assert_int_equal(store_event_set_state(f->s, e.id, "open", 1600000000), STORE_OK);
    memcpy(f->event, e.id, sizeof e.id);
    snprintf(e.title, sizeof e.title, "Curso en línea Nueva Ética");
    snprintf(e.kind, sizeof e.kind, "curso");
    snprintf(e.unit, sizeof e.unit, "CHE");
    snprintf(e.start, sizeof e.start, "2020-03-02 09:00");
    snprintf(e.end, sizeof e.end, "2020-09-30 18:00");
    e.signature = 0;
    assert_int_equal(store_event_add(f->s, &e, 1600000000), STORE_OK);
    assert_int_equal(store_event_set_state(f->s, e.id, "open", 1600000000), STORE_OK);
    memcpy(f->course, e.id, sizeof e.id);
    *state = f;
    return 0;
}

static long count(fx *f, const char *sql)
{
    return tu_count(f->s, sql);
}

/* Imports text (written to dir/name) into event; returns the store code. */
static int import(fx *f, const char *event, const char *name, const char *text, attendance_import_stats *st)
{
    char *path = tu_write(f->dir, name, text, strlen(text));
    int rc = attendance_import(f->s, event, path, NOW, st, f->err, sizeof f->err);
    free(path);
    return rc;
}

/* Expects failure: rc, and the message starts with "<dir>/name:line:" (line
 * 0: "<dir>/name:") and holds needle; nothing was imported. */
static void expect_fail(fx *f, const char *event, const char *name, const char *text, int rc, long line,
                        const char *needle)
{
    attendance_import_stats st;
    long before = count(f, "SELECT count(*) FROM attendance");
    int got = import(f, event, name, text, &st);
    if (got != rc)
        fail_msg("%s: expected rc %d, got %d (%s)", name, rc, got, f->err);
    char prefix[4200];
    if (line > 0)
        snprintf(prefix, sizeof prefix, "%s/%s:%ld: ", f->dir, name, line);
    else
        snprintf(prefix, sizeof prefix, "%s/%s: ", f->dir, name);
    if (strncmp(f->err, prefix, strlen(prefix)) != 0)
        fail_msg("%s: expected the message to start with '%s', got '%s'", name, prefix, f->err);
    if (!strstr(f->err, needle))
        fail_msg("%s: expected '%s' in '%s'", name, needle, f->err);
    if (strchr(f->err, '\n'))
        fail_msg("%s: the message is more than one line", name);
    assert_int_equal(count(f, "SELECT count(*) FROM attendance"), before);
    assert_int_equal(st.added, 0);
}

static int64_t local(const char *tz, const char *when)
{
    struct tm tm;
    int64_t t;
    assert_int_equal(util_parse_local(when, &tm), 0);
    assert_int_equal(util_local_to_utc(tz, &tm, &t), 0);
    return t;
}

static int64_t at_of(fx *f, const char *event, const char *no)
{
    store_record r;
    if (store_attendance_find(f->s, event, no, &r) != STORE_OK)
        fail_msg("%s is not registered: %s", no, store_errmsg(f->s));
    assert_string_equal(r.method, "keyed");
    return r.at;
}

/* A list as Spanish-locale Excel saves it: ';', Windows-1252, CRLF, the
 * roster's header words; dates with and without a time; a note. */
static void csv_as_excel_saves_it(void **state)
{
    fx *f = *state;
    attendance_import_stats st;
    const char *csv = "N\xfamero de Empleado;Nombre;Fecha;Observaciones\r\n"
                      "1001;Jos\xe9 Pe\xf1" "a;10/09/2020;Lleg\xf3 tarde\r\n"
                      "1002;Mar\xed" "a;2020-09-10 12:15;\r\n"
                      ";;;\r\n"
                      "2000;Ana;;\r\n";
    assert_int_equal(import(f, f->event, "lista.csv", csv, &st), STORE_OK);
    assert_int_equal(st.rows, 3);
    assert_int_equal(st.added, 3);
    assert_int_equal(st.already, 0);
    assert_string_not_equal(st.batch, "");
    /* The file's hash is recorded with the batch. */
    char path[4200], sha[UTIL_SHA256_HEX];
    size_t n;
    snprintf(path, sizeof path, "%s/lista.csv", f->dir);
    char *raw = util_read_file(path, &n);
    util_sha256_hex(raw, n, sha);
    free(raw);
    assert_string_equal(st.sha256, sha);
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM import_batch WHERE sha256 = '%s' AND rows = 3 AND name = 'lista.csv'",
             sha);
    assert_int_equal(count(f, sql), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM attendance_import x JOIN attendance a ON a.id = x.attendance_id "
                              "WHERE a.method = 'keyed'"), 3);
    assert_int_equal(count(f, "SELECT count(*) FROM attendance_import WHERE note = 'Llegó tarde'"), 1);
    /* Each row is dated on its list's day, in the event unit's zone: a
     * date alone on the event's first day takes its start time; no date
     * takes the event's start. */
    assert_int_equal(at_of(f, f->event, "1001"), local("America/Mexico_City", "2020-09-10 10:00"));
    assert_int_equal(at_of(f, f->event, "1002"), local("America/Mexico_City", "2020-09-10 12:15"));
    assert_int_equal(at_of(f, f->event, "2000"), local("America/Mexico_City", "2020-09-10 10:00"));
    long entries = 0;
    assert_int_equal(store_audit_verify(f->s, &entries), STORE_OK);
    /* Walks for the lists. */
    store_event_tally t;
    assert_int_equal(store_event_tally_get(f->s, f->event, &t), STORE_OK);
    assert_int_equal(t.staff, 3);
    assert_int_equal(t.keyed, 3);
    assert_int_equal(t.imported, 3);
}

/* A list that is UTF-8 but for one Windows-1252 line (a note pasted from
 * another file) is refused at that line: converting the whole file as
 * Windows-1252 would garble every UTF-8 note (issue 12, item 14, for the
 * roster; the reader is shared). A list all in Windows-1252 still imports
 * (csv_as_excel_saves_it). */
static void mixed_encoding_is_refused(void **state)
{
    fx *f = *state;
    expect_fail(f, f->event, "mezcla.csv",
                "numero_empleado;nota\n1001;Llegó tarde\n1002;Sali\xf3 temprano\n2000;Pasó lista la Sra. Núñez\n",
                STORE_INVALID, 3, "el archivo mezcla UTF-8 con otra codificación");
    assert_int_equal(count(f, "SELECT count(*) FROM import_batch"), 0);
}

/* The same file twice changes nothing; an overlapping list adds only the
 * new people. */
static void idempotent(void **state)
{
    fx *f = *state;
    attendance_import_stats st;
    const char *csv = "numero_empleado\n1001\n1002\n";
    assert_int_equal(import(f, f->event, "a.csv", csv, &st), STORE_OK);
    assert_int_equal(st.added, 2);
    long audit = count(f, "SELECT count(*) FROM audit"), folio = count(f, "SELECT value FROM meta WHERE key = 'folio_seq'");
    assert_int_equal(import(f, f->event, "a.csv", csv, &st), STORE_OK);
    assert_true(st.earlier_at == NOW);
    assert_int_equal(st.added, 0);
    assert_int_equal(count(f, "SELECT count(*) FROM audit"), audit);
    assert_int_equal(count(f, "SELECT value FROM meta WHERE key = 'folio_seq'"), folio);
    assert_int_equal(import(f, f->event, "b.csv", "numero_empleado\n1002\n1003\n2001\n", &st), STORE_OK);
    assert_int_equal(st.added, 2);
    assert_int_equal(st.already, 1);
    assert_int_equal(count(f, "SELECT count(*) FROM attendance"), 4);
    assert_int_equal(count(f, "SELECT count(*) FROM import_batch"), 2);
    /* A list of people all registered already records nothing. */
    assert_int_equal(import(f, f->event, "c.csv", "numero_empleado\n1001\n1003\n", &st), STORE_OK);
    assert_int_equal(st.added, 0);
    assert_int_equal(st.already, 2);
    assert_int_equal(count(f, "SELECT count(*) FROM import_batch"), 2);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
}

/* Every unknown number at once, in one line; nothing imported. */
static void unknown_numbers_at_once(void **state)
{
    fx *f = *state;
    expect_fail(f, f->event, "u.csv", "numero_empleado\n1001\n9991\n1002\n9992\n\n9993\n", STORE_NOTFOUND, 3,
                "3 números de empleado no están en el padrón: 9991 (línea 3), 9992 (línea 5), 9993 (línea 7)");
    assert_true(strstr(f->err, "No se importó nada") != NULL);
    /* Many: the first ones are named, the rest counted. */
    char big[4096] = "numero_empleado\n";
    for (int i = 0; i < 30; i++)
        snprintf(big + strlen(big), sizeof big - strlen(big), "%d\n", 5000 + i);
    expect_fail(f, f->event, "many.csv", big, STORE_NOTFOUND, 2, "30 números de empleado no están en el padrón");
    assert_true(strstr(f->err, " y otros") != NULL);
}

static void bad_rows(void **state)
{
    fx *f = *state;
    expect_fail(f, f->event, "dup.csv", "numero_empleado\n1001\n1002\n1001\n", STORE_INVALID, 4,
                "aparece dos veces (también en la línea 2)");
    expect_fail(f, f->event, "nohead.csv", "1001\n1002\n", STORE_INVALID, 1, "falta la columna obligatoria numero_empleado");
    expect_fail(f, f->event, "empty.csv", "", STORE_INVALID, 1, "el archivo está vacío");
    expect_fail(f, f->event, "blank.csv", "numero_empleado,nota\n1001,\n,hola\n", STORE_INVALID, 3,
                "numero_empleado está vacío");
    expect_fail(f, f->event, "sci.csv", "numero_empleado\n1.5E+05\n", STORE_INVALID, 2, "número de empleado no válido");
    expect_fail(f, f->event, "quote.csv", "numero_empleado,nota\n1001,\"abierta\n", STORE_INVALID, 2, "comillas");
    expect_fail(f, f->event, "day.csv", "numero_empleado,fecha\n1001,2020-09-10\n1002,2020-09-11\n", STORE_INVALID, 3,
                "no es la del evento (2020-09-10)");
    expect_fail(f, f->course, "range.csv", "numero_empleado,fecha\n1001,01/03/2020\n", STORE_INVALID, 2,
                "fuera del evento (del 2020-03-02 al 2020-09-30)");
    expect_fail(f, f->course, "future.csv", "numero_empleado,fecha\n1001,2020-09-20\n", STORE_INVALID, 2,
                "posterior a hoy");
    expect_fail(f, f->course, "baddate.csv", "numero_empleado,fecha\n1001,31/02/2020\n", STORE_INVALID, 2,
                "fecha no válida");
    expect_fail(f, f->course, "us.csv", "numero_empleado,fecha\n1001,9/14/2020\n", STORE_INVALID, 2, "fecha no válida");
    char longnote[600] = "numero_empleado,nota\n1001,";
    memset(longnote + strlen(longnote), 'x', 300);
    expect_fail(f, f->event, "note.csv", longnote, STORE_INVALID, 2, "la nota es demasiado larga");
    expect_fail(f, f->event, "u16.csv", "\xff\xfen\0u\0", STORE_INVALID, 1, "UTF-16");
    expect_fail(f, f->event, "xls.csv", "\xd0\xcf\x11\xe0 old", STORE_INVALID, 1, ".xls");
    attendance_import_stats st;
    assert_int_equal(attendance_import(f->s, f->event, "/nonexistent/lista.csv", NOW, &st, f->err, sizeof f->err),
                     STORE_NOTFOUND);
    assert_non_null(strstr(f->err, "/nonexistent/lista.csv: no se puede leer"));
    assert_int_equal(count(f, "SELECT count(*) FROM import_batch"), 0);
}

static void event_states(void **state)
{
    fx *f = *state;
    store_event e;
    attendance_import_stats st;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "Borrador");
    snprintf(e.kind, sizeof e.kind, "taller");
    snprintf(e.topics, sizeof e.topics, "etica");
    snprintf(e.unit, sizeof e.unit, "SCLC");
    snprintf(e.start, sizeof e.start, "2020-09-01 10:00");
    assert_int_equal(store_event_add(f->s, &e, 1600000000), STORE_OK);
    assert_int_equal(import(f, e.id, "d.csv", "numero_empleado\n1001\n", &st), STORE_CLOSED);
    assert_non_null(strstr(f->err, "borrador"));
    assert_int_equal(import(f, "ffffffff", "d.csv", "numero_empleado\n1001\n", &st), STORE_NOTFOUND);
    assert_non_null(strstr(f->err, "no hay un evento"));
    /* A closed event takes its list (it is typed in after the event). */
    assert_int_equal(store_event_set_state(f->s, e.id, "open", 1600000000), STORE_OK);
    assert_int_equal(store_event_set_state(f->s, e.id, "closed", 1600000000), STORE_OK);
    assert_int_equal(import(f, e.id, "d.csv", "numero_empleado\n1001\n", &st), STORE_OK);
    assert_int_equal(st.added, 1);
}

/* A failure in the middle of the writes (a trigger of the test's own)
 * leaves nothing: no rows, no batch, no folio used, no audit entry. */
static void all_or_nothing(void **state)
{
    fx *f = *state;
    attendance_import_stats st;
    sqlite3 *db = tu_db(f->s);
    assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER boom BEFORE INSERT ON attendance_import WHEN "
                                      "(SELECT count(*) FROM attendance_import) >= 2 BEGIN "
                                      "SELECT RAISE(ABORT, 'disk trouble'); END", NULL, NULL, NULL), SQLITE_OK);
    long audit = count(f, "SELECT count(*) FROM audit"), folio = count(f, "SELECT value FROM meta WHERE key = 'folio_seq'");
    assert_int_not_equal(import(f, f->event, "x.csv", "numero_empleado\n1001\n1002\n1003\n2000\n", &st), STORE_OK);
    assert_non_null(strstr(f->err, "no se importó nada"));
    assert_int_equal(count(f, "SELECT count(*) FROM attendance"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM import_batch"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM audit"), audit);
    assert_int_equal(count(f, "SELECT value FROM meta WHERE key = 'folio_seq'"), folio);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER boom", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(import(f, f->event, "x.csv", "numero_empleado\n1001\n1002\n1003\n2000\n", &st), STORE_OK);
    assert_int_equal(st.added, 4);
}

/* The audit chain covers the batch and its links: a link removed or
 * slipped in, or a batch row made by hand, is reported. */
static void audit_covers_links(void **state)
{
    fx *f = *state;
    attendance_import_stats st;
    assert_int_equal(import(f, f->event, "l.csv", "numero_empleado,nota\n1001,a\n1002,b\n", &st), STORE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    sqlite3 *db = tu_db(f->s);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER attendance_import_no_update; "
                                      "UPDATE attendance_import SET note = 'otra' WHERE note = 'a'", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "import"));
    assert_int_equal(sqlite3_exec(db, "UPDATE attendance_import SET note = 'a' WHERE note = 'otra'", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER attendance_import_no_delete; "
                                      "DELETE FROM attendance_import WHERE note = 'b'", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "import"));
    assert_int_equal(sqlite3_exec(db, "INSERT INTO attendance_import(attendance_id, batch_id, note) "
                                      "SELECT a.id, 1, 'b' FROM attendance a WHERE a.employee_no = '1002'",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO import_batch(uuid, kiosk_id, event_id, sha256, name, rows, at) "
                                      "SELECT 'aaaaaaaa-0000-4000-8000-000000000000', kiosk_id, event_id, sha256, "
                                      "'falso.csv', 0, at FROM import_batch", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "not in the audit log"));
    sqlite3_close(db);
}

/* XLSX written by libxlsxwriter (shared strings; numbers; dates) and in
 * constant-memory mode (inline strings). */
static void xlsx_from_libxlsxwriter(void **state)
{
    fx *f = *state;
    for (int mode = 0; mode < 2; mode++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/lista%d.xlsx", f->dir, mode);
        lxw_workbook_options opt = {.constant_memory = mode ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL};
        lxw_workbook *wb = workbook_new_opt(path, &opt);
        lxw_worksheet *ws = workbook_add_worksheet(wb, "Acreditados");
        lxw_format *date = workbook_add_format(wb);
        format_set_num_format(date, "dd/mm/yyyy");
        worksheet_write_string(ws, 0, 0, "No. de empleado", NULL);
        worksheet_write_string(ws, 0, 1, "Nombre", NULL);
        worksheet_write_string(ws, 0, 2, "Fecha de conclusión", NULL);
        worksheet_write_string(ws, 0, 3, "Notas", NULL);
        const char *nos[] = {"1001", "1002", "2000", "2002"};
        for (int i = 0; i < 4; i++) {
            lxw_row_t r = (lxw_row_t)(i + (i >= 2 ? 2 : 1)); /* an empty row 3 in the middle */
            if (i % 2)
                worksheet_write_number(ws, r, 0, atof(nos[i]), NULL);
            else
                worksheet_write_string(ws, r, 0, nos[i], NULL);
            worksheet_write_string(ws, r, 1, "Peña Íñiguez", NULL);
            lxw_datetime dt = {2020, 4 + i, 15, i == 3 ? 16 : 0, i == 3 ? 30 : 0, 0};
            worksheet_write_datetime(ws, r, 2, &dt, date);
            if (i == 1)
                worksheet_write_string(ws, r, 3, "constancia por correo", NULL);
        }
        assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
        attendance_import_stats st;
        char ev[UTIL_UUID_LEN];
        memcpy(ev, f->course, sizeof ev);
        if (mode) { /* a second course for the second workbook */
            store_event e;
            memset(&e, 0, sizeof e);
            snprintf(e.title, sizeof e.title, "Curso 2");
            snprintf(e.kind, sizeof e.kind, "curso");
            snprintf(e.topics, sizeof e.topics, "etica");
            snprintf(e.unit, sizeof e.unit, "CHE");
            snprintf(e.start, sizeof e.start, "2020-03-02 09:00");
            snprintf(e.end, sizeof e.end, "2020-09-30 18:00");
            assert_int_equal(store_event_add(f->s, &e, 1600000000), STORE_OK);
            assert_int_equal(store_event_set_state(f->s, e.id, "open", 1600000000), STORE_OK);
            memcpy(ev, e.id, sizeof ev);
        }
        if (attendance_import(f->s, ev, path, NOW, &st, f->err, sizeof f->err) != STORE_OK)
            fail_msg("xlsx mode %d: %s", mode, f->err);
        assert_int_equal(st.added, 4);
        /* Dates in the course unit's zone (America/Cancun); a date alone
         * that is not the first day is taken at noon. */
        assert_int_equal(at_of(f, ev, "1001"), local("America/Cancun", "2020-04-15 12:00"));
        assert_int_equal(at_of(f, ev, "1002"), local("America/Cancun", "2020-05-15 12:00"));
        assert_int_equal(at_of(f, ev, "2002"), local("America/Cancun", "2020-07-15 16:30"));
        assert_int_equal(count(f, "SELECT count(*) FROM attendance_import WHERE note = 'constancia por correo'"),
                         mode + 1);
    }
    /* A bad row in a workbook is named by its spreadsheet row. */
    char path[4200];
    snprintf(path, sizeof path, "%s/mal.xlsx", f->dir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    worksheet_write_string(ws, 0, 0, "numero_empleado", NULL);
    worksheet_write_string(ws, 4, 0, "1003", NULL);
    worksheet_write_string(ws, 6, 0, "9999", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    attendance_import_stats st;
    assert_int_equal(attendance_import(f->s, f->event, path, NOW, &st, f->err, sizeof f->err), STORE_NOTFOUND);
    char want[4300];
    snprintf(want, sizeof want, "%s:7: 1 número de empleado no está en el padrón: 9999 (línea 7)", path);
    assert_string_equal(strstr(f->err, path), f->err);
    if (strncmp(f->err, want, strlen(want)) != 0)
        fail_msg("got '%s'", f->err);
}

/* Writes a ZIP at dir/name with the given parts. */
static char *make_zip(fx *f, const char *name, const char *const *parts, int n)
{
    char *path = malloc(4200);
    snprintf(path, 4200, "%s/%s", f->dir, name);
    int e;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
    assert_non_null(z);
    for (int i = 0; i < n; i++) {
        zip_source_t *src = zip_source_buffer(z, parts[2 * i + 1], strlen(parts[2 * i + 1]), 0);
        assert_true(zip_file_add(z, parts[2 * i], src, 0) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    return path;
}

/* Workbooks that are not what they claim are refused in one line, fast. */
static void xlsx_hostile(void **state)
{
    fx *f = *state;
    attendance_import_stats st;
    const char *wbxml = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheets>"
                        "<sheet name=\"a\" sheetId=\"1\"/></sheets></workbook>";
    /* "Billion laughs": a DOCTYPE with nested entities. */
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                         "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                         "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                         "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol3;</t></is></c>"
                         "</row></sheetData></worksheet>";
    const char *p1[] = {"xl/workbook.xml", wbxml, "xl/worksheets/sheet1.xml", laughs};
    char *path = make_zip(f, "lol.xlsx", p1, 2);
    assert_int_equal(attendance_import(f->s, f->event, path, NOW, &st, f->err, sizeof f->err), STORE_INVALID);
    assert_non_null(strstr(f->err, "DOCTYPE"));
    free(path);
    /* A ZIP without a workbook. */
    const char *p2[] = {"hola.txt", "hola"};
    path = make_zip(f, "nozip.xlsx", p2, 1);
    assert_int_equal(attendance_import(f->s, f->event, path, NOW, &st, f->err, sizeof f->err), STORE_INVALID);
    assert_non_null(strstr(f->err, "no es un libro XLSX"));
    free(path);
    /* Broken XML in the sheet. */
    const char *p3[] = {"xl/workbook.xml", wbxml, "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>"};
    path = make_zip(f, "broken.xlsx", p3, 2);
    assert_int_equal(attendance_import(f->s, f->event, path, NOW, &st, f->err, sizeof f->err), STORE_INVALID);
    assert_non_null(strstr(f->err, "dañado"));
    free(path);
    /* A shared string index that does not exist. */
    const char *p4[] = {"xl/workbook.xml", wbxml, "xl/worksheets/sheet1.xml",
                        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row></sheetData>"
                        "</worksheet>"};
    path = make_zip(f, "sst.xlsx", p4, 2);
    assert_int_equal(attendance_import(f->s, f->event, path, NOW, &st, f->err, sizeof f->err), STORE_INVALID);
    assert_non_null(strstr(f->err, ":1: el libro XLSX está dañado"));
    free(path);
    /* A truncated ZIP. */
    char *trunc = tu_write(f->dir, "trunc.xlsx", "PK\3\4\x14\0\0\0\x08\0", 10);
    assert_int_equal(attendance_import(f->s, f->event, trunc, NOW, &st, f->err, sizeof f->err), STORE_INVALID);
    assert_non_null(strstr(f->err, "no es un libro XLSX legible"));
    free(trunc);
    assert_int_equal(count(f, "SELECT count(*) FROM attendance"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(csv_as_excel_saves_it, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(mixed_encoding_is_refused, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(idempotent, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(unknown_numbers_at_once, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(bad_rows, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(event_states, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(all_or_nothing, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(audit_covers_links, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(xlsx_from_libxlsxwriter, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(xlsx_hostile, setup, tu_teardown),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
