/* test_roster.c — the roster import (SPEC "Roster CSV"): encodings,
 * separators, quoting, header variants, idempotency, atomicity, the
 * FILE:LINE of every error, a read-only database and a full disk; and
 * rosters saved as XLSX (written with libxlsxwriter), read like their CSV
 * twins. */
#include "testutil.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "roster.h"

#define NOW 1600000000
#define HEADER "numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto,correo,activo\n"

typedef struct fixture {
    TU_FIXTURE;
    char err[1024];
    roster_stats st;
    char path[4096];  /* the last file imported */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "r.db");
    *state = f;
    return 0;
}

/* Writes len bytes of text to dir/name and imports it. */
static int import_bytes(fixture *f, const char *name, const char *text, size_t len)
{
    char *path = tu_write(f->dir, name, text, len);
    snprintf(f->path, sizeof f->path, "%s", path);
    free(path);
    f->err[0] = '\0';
    return roster_import(f->s, f->path, NOW, &f->st, f->err, sizeof f->err);
}

static int import_text(fixture *f, const char *name, const char *text)
{
    return import_bytes(f, name, text, strlen(text));
}

/* Imports text and fails the test unless it succeeds. */
static void import_ok(fixture *f, const char *name, const char *text)
{
    if (import_text(f, name, text) != STORE_OK)
        fail_msg("import of %s failed: %s", name, f->err);
}

/* Fails unless err starts with "PATH:LINE: " (or "PATH: " when line is 0),
 * is one line, and contains needle. An empty needle would match any error,
 * so it fails the test too. */
static void expect_err(const fixture *f, long line, const char *needle)
{
    char prefix[4200];
    if (!needle || !needle[0])
        fail_msg("expect_err: an empty pattern matches any error; name the expected words");
    if (line > 0)
        snprintf(prefix, sizeof prefix, "%s:%ld: ", f->path, line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", f->path);
    if (strncmp(f->err, prefix, strlen(prefix)) != 0)
        fail_msg("expected the error to start with '%s', got '%s'", prefix, f->err);
    if (strchr(f->err, '\n'))
        fail_msg("the error is more than one line: '%s'", f->err);
    if (!strstr(f->err, needle))
        fail_msg("expected '%s' in the error, got '%s'", needle, f->err);
}

/* Imports text expecting failure rc at line with needle in the message,
 * and checks that the people, the audit chain and the stats are as before. */
static void import_fails(fixture *f, const char *name, const char *text, size_t len, int rc, long line,
                         const char *needle)
{
    long before = 0, after = 0;
    int people = store_person_count(f->s, 0);
    assert_int_equal(store_audit_verify(f->s, &before), STORE_OK);
    int got = import_bytes(f, name, text, len);
    if (got != rc)
        fail_msg("%s: expected rc %d, got %d (%s)", name, rc, got, f->err);
    expect_err(f, line, needle);
    assert_int_equal(store_person_count(f->s, 0), people);
    assert_int_equal(store_audit_verify(f->s, &after), STORE_OK);
    assert_int_equal(after, before);
    assert_int_equal(f->st.rows, 0);
    assert_int_equal(f->st.added, 0);
}

static store_person get(fixture *f, const char *no)
{
    store_person p;
    if (store_person_get(f->s, no, &p) != STORE_OK)
        fail_msg("person %s not found: %s", no, store_errmsg(f->s));
    return p;
}

static int count_units(const store_unit *u, void *ctx)
{
    (void)u;
    (*(int *)ctx)++;
    return 0;
}

static int units(fixture *f)
{
    int n = 0;
    assert_int_equal(store_unit_each(f->s, count_units, &n), STORE_OK);
    return n;
}

/* ---- encodings and separators ---- */

static void utf8_with_bom(void **state)
{
    fixture *f = *state;
    import_ok(f, "bom.csv",
              "\xEF\xBB\xBF" HEADER
              "1001,José,Peña,Íñiguez,SCLC,Dirección General,Investigadora,jose@ejemplo.mx,sí\n"
              "1002,Ana,López,,CHE,,,,no\n");
    assert_int_equal(f->st.rows, 2);
    assert_int_equal(f->st.added, 2);
    store_person p = get(f, "1001");
    assert_string_equal(p.given_name, "José");
    assert_string_equal(p.surname1, "Peña");
    assert_string_equal(p.surname2, "Íñiguez");
    assert_string_equal(p.unit, "SCLC");
    assert_string_equal(p.area, "Dirección General");
    assert_string_equal(p.position, "Investigadora");
    assert_string_equal(p.email, "jose@ejemplo.mx");
    assert_int_equal(p.active, 1);
    p = get(f, "1002");
    assert_string_equal(p.unit, "CHE");
    assert_int_equal(p.active, 0);
    store_person found[4];
    assert_int_equal(store_search(f->s, "pena iñi", found, 4), 1);
    assert_string_equal(found[0].employee_no, "1001");
}

static void utf8_without_bom(void **state)
{
    fixture *f = *state;
    import_ok(f, "nobom.csv", HEADER "1001,José,Peña,Íñiguez,SCLC,,,,\n");
    assert_string_equal(get(f, "1001").surname2, "Íñiguez");
}

static void windows1252_semicolons_crlf(void **state)
{
    fixture *f = *state;
    /* What Excel saves in a Spanish locale: Windows-1252, ';', CRLF. */
    static const char text[] =
        "N\xfamero de Empleado;Nombre;Primer Apellido;Segundo Apellido;Unidad;\xc1rea;Puesto;Correo;Activo\r\n"
        "2001;Jos\xe9 Mar\xed" "a;Pe\xf1" "a;\xcd\xf1iguez;SCLC;Direcci\xf3n General;Jefa de \x93" "Enlace\x94;;S\xcd\r\n"
        "2002;Mar\xed" "a;G\xf3mez;;Chetumal;;;;NO\r\n";
    if (import_bytes(f, "excel.csv", text, sizeof text - 1) != STORE_OK)
        fail_msg("%s", f->err);
    assert_int_equal(f->st.added, 2);
    store_person p = get(f, "2001");
    assert_string_equal(p.given_name, "José María");
    assert_string_equal(p.surname1, "Peña");
    assert_string_equal(p.surname2, "Íñiguez");
    assert_string_equal(p.area, "Dirección General");
    assert_string_equal(p.position, "Jefa de “Enlace”");
    assert_int_equal(p.active, 1);
    p = get(f, "2002");
    assert_string_equal(p.surname1, "Gómez");
    assert_string_equal(p.unit, "CHE");
    assert_int_equal(p.active, 0);
}

static void quoted_fields_with_separators_and_newlines(void **state)
{
    fixture *f = *state;
    import_ok(f, "quoted.csv",
              HEADER
              "3001,\"Ana María\",\"de la Peña, Jr.\",x,SCLC,\"Dirección\r\nGeneral, Sede\",\"Jefa \"\"A\"\"\",,1\n"
              "  3002 , Luis ,  Pérez  ,,CHE,,,,\n");
    assert_int_equal(f->st.added, 2);
    store_person p = get(f, "3001");
    assert_string_equal(p.given_name, "Ana María");
    assert_string_equal(p.surname1, "de la Peña, Jr.");
    /* A line break inside a field becomes a space: names go on receipts. */
    assert_string_equal(p.area, "Dirección General, Sede");
    assert_string_equal(p.position, "Jefa \"A\"");
    p = get(f, "3002");
    assert_string_equal(p.given_name, "Luis");
    assert_string_equal(p.surname1, "Pérez");
}

static void error_line_counts_newlines_inside_quotes(void **state)
{
    fixture *f = *state;
    static const char text[] =
        HEADER                                          /* line 1 */
        "3001,Ana,\"Peña\nMuñoz\",,SCLC,,,,\n"          /* lines 2-3 */
        "3002,Luis,Pérez,,SCLC,\"a\r\nb\r\nc\",,,\n"    /* lines 4-6 */
        "3003,Eva,Ruiz,,SCLC,,,,tal vez\n";             /* line 7 */
    import_fails(f, "lines.csv", text, sizeof text - 1, STORE_INVALID, 7, "activo");
    /* The same with CRLF everywhere and the bad value inside a later
     * multi-line record: the line is where that record starts. */
    static const char crlf[] =
        "numero_empleado;primer_apellido;unidad;activo\r\n"  /* 1 */
        "1;\"a\r\nb\";SCLC;si\r\n"                           /* 2-3 */
        "\r\n"                                               /* 4 */
        "2;\"c\r\nd\r\n\";SCLC;nope\r\n";                    /* 5-7 */
    import_fails(f, "lines2.csv", crlf, sizeof crlf - 1, STORE_INVALID, 5, "nope");
}

static void old_mac_line_endings(void **state)
{
    fixture *f = *state;
    static const char text[] = "numero_empleado,primer_apellido,unidad\r1,Peña,SCLC\r\r2,,SCLC\r";
    import_fails(f, "mac.csv", text, sizeof text - 1, STORE_INVALID, 4, "primer_apellido");
}

/* ---- headers ---- */

static void header_variants(void **state)
{
    fixture *f = *state;
    /* Upper case with underscores, reordered, an unknown column ignored. */
    import_ok(f, "upper.csv",
              "NUMERO_EMPLEADO,PRIMER_APELLIDO,UNIDAD,Observaciones,NOMBRE,ACTIVO\n"
              "4001,Peña,SCLC,lo que sea,José,NO\n");
    store_person p = get(f, "4001");
    assert_string_equal(p.surname1, "Peña");
    assert_string_equal(p.given_name, "José");
    assert_string_equal(p.unit, "SCLC");
    assert_int_equal(p.active, 0);
    /* Spanish titles with accents, spaces and "de"/"del", and aliases. */
    import_ok(f, "titles.csv",
              "Número de Empleado;Nombre(s);Apellido Paterno;Apellido Materno;Unidad;Área de Adscripción;"
              "Puesto;Correo electrónico;Activo\n"
              "4002;Eva;Ruiz;Íñiguez;CHE;Posgrado;Técnica;eva@ejemplo.mx;sí\n");
    p = get(f, "4002");
    assert_string_equal(p.given_name, "Eva");
    assert_string_equal(p.surname1, "Ruiz");
    assert_string_equal(p.surname2, "Íñiguez");
    assert_string_equal(p.area, "Posgrado");
    assert_string_equal(p.position, "Técnica");
    assert_string_equal(p.email, "eva@ejemplo.mx");
    /* The canonical spelling with spaces: "Primer apellido", "numero empleado". */
    import_ok(f, "spaces.csv", "numero empleado,Primer apellido,unidad\n4003,Soto,SCLC\n");
    assert_string_equal(get(f, "4003").surname1, "Soto");
}

static void missing_required_column(void **state)
{
    fixture *f = *state;
    static const char text[] = "numero_empleado,nombre,apellido,unidad\n5001,Ana,Peña,SCLC\n";
    import_fails(f, "cols.csv", text, sizeof text - 1, STORE_INVALID, 1, "primer_apellido");
    expect_err(f, 1, "columnas encontradas: numero_empleado, nombre, apellido, unidad");
    static const char dup[] = "numero_empleado,unidad,Unidad,primer_apellido\n5001,SCLC,CHE,Peña\n";
    import_fails(f, "dupcol.csv", dup, sizeof dup - 1, STORE_INVALID, 1, "unidad");
    /* A file without a header: its first row is not taken as data. */
    static const char nohdr[] = "5001,Ana,Peña,,SCLC,,,,\n";
    import_fails(f, "nohdr.csv", nohdr, sizeof nohdr - 1, STORE_INVALID, 1,
                 "falta la columna obligatoria numero_empleado");
}

/* ---- idempotency and updates ---- */

static const char BASE[] = HEADER
    "6001,José,Peña,Íñiguez,SCLC,Dirección,Investigador,jose@ejemplo.mx,sí\n"
    "6002,Ana,López,Soto,CHE,Posgrado,Técnica,,1\n"
    "6003,Luis,Pérez,,SCLC,,,,no\n";

static void reimport_changes_nothing(void **state)
{
    fixture *f = *state;
    long a1 = 0, a2 = 0;
    import_ok(f, "base.csv", BASE);
    assert_int_equal(f->st.added, 3);
    assert_int_equal(store_audit_verify(f->s, &a1), STORE_OK);
    import_ok(f, "base.csv", BASE);
    assert_int_equal(f->st.rows, 3);
    assert_int_equal(f->st.added, 0);
    assert_int_equal(f->st.updated, 0);
    assert_int_equal(f->st.unchanged, 3);
    assert_int_equal(store_audit_verify(f->s, &a2), STORE_OK);
    assert_int_equal(a2, a1);
    assert_int_equal(store_person_count(f->s, 0), 3);
}

static void changed_row_updates_person(void **state)
{
    fixture *f = *state;
    long a1 = 0, a2 = 0;
    import_ok(f, "base.csv", BASE);
    assert_int_equal(store_audit_verify(f->s, &a1), STORE_OK);
    import_ok(f, "changed.csv",
              HEADER
              "6001,José,Peña,Íñiguez,SCLC,Dirección,Investigador,jose@ejemplo.mx,sí\n"
              "6002,Ana,López,Soto,SCLC,Posgrado,Jefa,,0\n"
              "6003,Luis,Pérez,,SCLC,,,,no\n");
    assert_int_equal(f->st.updated, 1);
    assert_int_equal(f->st.unchanged, 2);
    assert_int_equal(f->st.added, 0);
    store_person p = get(f, "6002");
    assert_string_equal(p.unit, "SCLC");
    assert_string_equal(p.position, "Jefa");
    assert_int_equal(p.active, 0);
    assert_int_equal(store_audit_verify(f->s, &a2), STORE_OK);
    assert_int_equal(a2, a1 + 1);
}

static void person_missing_from_new_file_is_kept(void **state)
{
    fixture *f = *state;
    import_ok(f, "base.csv", BASE);
    import_ok(f, "fewer.csv", HEADER "6001,José,Peña,Íñiguez,SCLC,Dirección,Investigador,jose@ejemplo.mx,sí\n");
    assert_int_equal(f->st.rows, 1);
    assert_int_equal(store_person_count(f->s, 0), 3);
    store_person p = get(f, "6003");
    assert_string_equal(p.surname1, "Pérez");
    assert_int_equal(p.active, 0);
    assert_int_equal(get(f, "6002").active, 1);
}

/* ---- bad rows: one clear line, nothing changed ---- */

static void duplicate_number_names_both_lines(void **state)
{
    fixture *f = *state;
    import_ok(f, "base.csv", BASE);
    static const char text[] = HEADER
        "7001,Nueva,Persona,,TAP,,,,\n"     /* 2: would add a person and a unit */
        "7002,Otra,Persona,,SCLC,,,,\n"     /* 3 */
        "6001,José,Cambiado,,CHE,,,,no\n"   /* 4: would update */
        "\n"                                /* 5 */
        "7002,Repetida,Persona,,SCLC,,,,\n"; /* 6 */
    import_fails(f, "dup.csv", text, sizeof text - 1, STORE_INVALID, 6,
                 "7002 aparece dos veces (también en la línea 3)");
    assert_int_equal(store_person_count(f->s, 0), 3);
    store_person p;
    assert_int_equal(store_person_get(f->s, "7001", &p), STORE_NOTFOUND);
    assert_string_equal(get(f, "6001").surname1, "Peña");
    store_unit u;
    assert_int_equal(store_unit_get(f->s, "TAP", &u), STORE_NOTFOUND);
}

static void missing_required_field(void **state)
{
    fixture *f = *state;
    static const char s1[] = HEADER "8001,Ana,Peña,,SCLC,,,,\n8002,Luis,,Pérez,SCLC,,,,\n";
    import_fails(f, "s1.csv", s1, sizeof s1 - 1, STORE_INVALID, 3, "primer_apellido está vacío");
    static const char unit[] = HEADER "8001,Ana,Peña,,SCLC,,,,\n8002,Luis,Pérez,,  ,,,,\n";
    import_fails(f, "unit.csv", unit, sizeof unit - 1, STORE_INVALID, 3, "unidad está vacío");
    static const char no[] = HEADER "8001,Ana,Peña,,SCLC,,,,\n,Luis,Pérez,,SCLC,,,,\n";
    import_fails(f, "no.csv", no, sizeof no - 1, STORE_INVALID, 3, "numero_empleado está vacío");
}

static void bad_employee_number(void **state)
{
    fixture *f = *state;
    static const char sci[] = HEADER "1.5E+05,Ana,Peña,,SCLC,,,,\n";
    import_fails(f, "sci.csv", sci, sizeof sci - 1, STORE_INVALID, 2, "número de empleado no válido '1.5E+05'");
    static const char space[] = HEADER "12 34,Ana,Peña,,SCLC,,,,\n";
    import_fails(f, "space.csv", space, sizeof space - 1, STORE_INVALID, 2, "número de empleado no válido");
    import_ok(f, "ok.csv", HEADER "AB-12_x,Ana,Peña,,SCLC,,,,\n");
    assert_string_equal(get(f, "AB-12_x").surname1, "Peña");
}

static void activo_values(void **state)
{
    fixture *f = *state;
    import_ok(f, "act.csv",
              HEADER "a1,A,B,,SCLC,,,,sí\na2,A,B,,SCLC,,,,SI\na3,A,B,,SCLC,,,,Sí\na4,A,B,,SCLC,,,,no\n"
                     "a5,A,B,,SCLC,,,,NO\na6,A,B,,SCLC,,,,1\na7,A,B,,SCLC,,,,0\na8,A,B,,SCLC,,,,\n");
    static const char *const no[] = {"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"};
    static const int want[] = {1, 1, 1, 0, 0, 1, 0, 1};
    for (int i = 0; i < 8; i++)
        if (get(f, no[i]).active != want[i])
            fail_msg("%s: active should be %d", no[i], want[i]);
    static const char bad[] = HEADER "b1,A,B,,SCLC,,,,sí\nb2,A,B,,SCLC,,,,activo\n";
    import_fails(f, "bad.csv", bad, sizeof bad - 1, STORE_INVALID, 3, "activo debe ser");
    static const char yes[] = HEADER "b1,A,B,,SCLC,,,,yes\n";
    import_fails(f, "yes.csv", yes, sizeof yes - 1, STORE_INVALID, 2, "'yes'");
}

static void too_long_value_is_refused(void **state)
{
    fixture *f = *state;
    char name[200], text[400];
    memset(name, 'a', sizeof name);
    name[127] = '\0'; /* 127 bytes: the most a store_person name holds */
    snprintf(text, sizeof text, HEADER "9001,%s,Peña,,SCLC,,,,\n", name);
    import_ok(f, "fits.csv", text);
    assert_int_equal(strlen(get(f, "9001").given_name), 127);
    name[127] = 'a';
    name[128] = '\0';
    snprintf(text, sizeof text, HEADER "9001,Ana,Peña,,SCLC,,,,\n9002,%s,Peña,,SCLC,,,,\n", name);
    import_fails(f, "long.csv", text, strlen(text), STORE_INVALID, 3,
                 "nombre es demasiado largo (128 bytes, máximo 127)");
    assert_int_equal(strlen(get(f, "9001").given_name), 127);
}

static void row_length(void **state)
{
    fixture *f = *state;
    /* Trailing empty fields (spreadsheets add them) and short rows are fine. */
    import_ok(f, "len.csv", HEADER "c1,Ana,Peña,,SCLC,,,,,,,\nc2,Luis,Pérez,,CHE\n");
    assert_int_equal(f->st.added, 2);
    assert_string_equal(get(f, "c2").unit, "CHE");
    assert_int_equal(get(f, "c2").active, 1);
    static const char extra[] = HEADER "c3,Ana,Peña,,SCLC,Dirección, General,Jefa,a@b.mx,sí\n";
    import_fails(f, "extra.csv", extra, sizeof extra - 1, STORE_INVALID, 2, "10 campos, pero el encabezado tiene 9");
    static const char shrt[] = HEADER "c3,Ana,Peña\n";
    import_fails(f, "short.csv", shrt, sizeof shrt - 1, STORE_INVALID, 2, "unidad está vacío");
}

static void blank_lines_are_ignored(void **state)
{
    fixture *f = *state;
    import_ok(f, "blank.csv",
              "\n\r\n" HEADER "\nd1,Ana,Peña,,SCLC,,,,\n   \n,,,,,,,,\n\t\nd2,Luis,Pérez,,CHE,,,,\n\n");
    assert_int_equal(f->st.rows, 2);
    assert_int_equal(store_person_count(f->s, 0), 2);
    static const char bad[] = "\n" HEADER "\n ,,, ,,\nd3,Eva,,,SCLC,,,,\n";
    import_fails(f, "blank2.csv", bad, sizeof bad - 1, STORE_INVALID, 5, "primer_apellido");
}

/* ---- units ---- */

static void unit_created_from_code(void **state)
{
    fixture *f = *state;
    assert_int_equal(units(f), 2);
    import_ok(f, "tap.csv", HEADER "u1,Ana,Peña,,TAP,,,,\nu2,Luis,Pérez,,TAP,,,,\nu3,Eva,Ruiz,,VHSA-2,,,,\n");
    assert_int_equal(units(f), 4);
    store_unit u;
    assert_int_equal(store_unit_get(f->s, "TAP", &u), STORE_OK);
    assert_string_equal(u.name, "TAP");
    assert_string_equal(get(f, "u2").unit, "TAP");
    assert_string_equal(get(f, "u3").unit, "VHSA-2");
    /* A name that matches no unit and is not a code is refused. */
    static const char text[] = HEADER "u4,Ana,Peña,,CAM,,,,\nu5,Luis,Pérez,,Unidad Campeche,,,,\n";
    import_fails(f, "name.csv", text, sizeof text - 1, STORE_INVALID, 3,
                 "unidad desconocida 'Unidad Campeche'; use la clave de la unidad");
    assert_int_equal(store_unit_get(f->s, "CAM", &u), STORE_NOTFOUND);
    assert_int_equal(units(f), 4);
}

static void unit_resolved_by_name(void **state)
{
    fixture *f = *state;
    import_ok(f, "names.csv",
              HEADER "n1,Ana,Peña,,San Cristóbal de Las Casas,,,,\nn2,Luis,Pérez,,CHETUMAL,,,,\n"
                     "n3,Eva,Ruiz,,san cristobal de las casas,,,,\nn4,Eva,Soto,,sclc,,,,\n");
    assert_string_equal(get(f, "n1").unit, "SCLC");
    assert_string_equal(get(f, "n2").unit, "CHE");
    assert_string_equal(get(f, "n3").unit, "SCLC");
    assert_string_equal(get(f, "n4").unit, "SCLC");
    assert_int_equal(units(f), 2);
}

/* ---- the file itself ---- */

static void unusable_files(void **state)
{
    fixture *f = *state;
    snprintf(f->path, sizeof f->path, "%s/absent.csv", f->dir);
    assert_int_equal(roster_import(f->s, f->path, NOW, &f->st, f->err, sizeof f->err), STORE_NOTFOUND);
    expect_err(f, 0, "no se puede leer");
    /* An empty file: the message names the columns the header may have. */
    static const char cols[] = "el archivo está vacío; la primera fila debe ser el encabezado (numero_empleado, "
                               "nombre, primer_apellido, segundo_apellido, unidad, area, puesto, correo, activo)";
    import_fails(f, "empty.csv", "", 0, STORE_INVALID, 1, cols);
    import_fails(f, "blanks.csv", "\r\n\n  \n", 6, STORE_INVALID, 1, cols);
    import_fails(f, "bomonly.csv", "\xEF\xBB\xBF", 3, STORE_INVALID, 1, cols);
    import_fails(f, "utf16.csv", "\xFF\xFEn\0u\0", 6, STORE_INVALID, 1, "UTF-16");
    /* A ZIP that is not a workbook (a real one is read: xlsx_roster_*). */
    import_fails(f, "book.csv", "PK\3\4\x14\0\6\0", 8, STORE_INVALID, 0, "no es un libro XLSX legible");
    import_fails(f, "old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, STORE_INVALID, 1, ".xls");
    static const char nul[] = HEADER "e1,Ana,Pe\0a,,SCLC,,,,\n";
    import_fails(f, "nul.csv", nul, sizeof nul - 1, STORE_INVALID, 2, "NUL");
    static const char badutf8[] = "\xEF\xBB\xBF" HEADER "e1,Ana,Peña,,SCLC,,,,\ne2,Ana,Pe\xf1" "a,,SCLC,,,,\n";
    import_fails(f, "badutf8.csv", badutf8, sizeof badutf8 - 1, STORE_INVALID, 3, "no es UTF-8 válido");
    static const char open[] = HEADER "e1,Ana,Peña,,SCLC,,,,\ne2,\"Ana,Peña,,SCLC,,,,\ne3,Eva,Ruiz,,SCLC,,,,\n";
    import_fails(f, "open.csv", open, sizeof open - 1, STORE_INVALID, 3, "nunca se cierra");
    static const char stray[] = HEADER "e1,Ana,Peña,,SCLC,,,,\ne2,Ana \"Anita\",Peña,,SCLC,,,,\n";
    import_fails(f, "stray.csv", stray, sizeof stray - 1, STORE_INVALID, 3, "comilla fuera de lugar");
    /* A directory is not a roster. */
    snprintf(f->path, sizeof f->path, "%s", f->dir);
    assert_int_equal(roster_import(f->s, f->path, NOW, &f->st, f->err, sizeof f->err), STORE_INVALID);
    expect_err(f, 0, "no es un archivo regular");
    /* A header and no rows is a valid, empty roster. */
    import_ok(f, "hdr.csv", HEADER);
    assert_int_equal(f->st.rows, 0);
}

/* ---- issue 12: partial files, mixed encodings, leading zeros, bidi ---- */

/* A file without the area and puesto columns leaves them as they were for
 * everyone it names (the issue: it blanked them); other fields update, and
 * a new person gets them empty. */
static void absent_columns_leave_fields_unchanged(void **state)
{
    fixture *f = *state;
    import_ok(f, "full.csv", HEADER
              "1001,José,Peña,Íñiguez,SCLC,Dirección General,Investigadora,jose@ejemplo.mx,sí\n"
              "1002,Ana,López,,CHE,Finanzas,Analista,,no\n");
    import_ok(f, "partial.csv", "numero_empleado,primer_apellido,unidad,nombre\n"
              "1001,Peña,CHE,José Luis\n"
              "1002,López,CHE,Ana\n"
              "1003,Ruiz,SCLC,Eva\n");
    assert_int_equal(f->st.updated, 1);
    assert_int_equal(f->st.unchanged, 1);
    assert_int_equal(f->st.added, 1);
    store_person p = get(f, "1001");
    assert_string_equal(p.given_name, "José Luis");
    assert_string_equal(p.unit, "CHE");
    assert_string_equal(p.area, "Dirección General");     /* no column: unchanged */
    assert_string_equal(p.position, "Investigadora");
    assert_string_equal(p.email, "jose@ejemplo.mx");
    assert_string_equal(p.surname2, "Íñiguez");
    assert_int_equal(p.active, 1);
    p = get(f, "1002");
    assert_string_equal(p.area, "Finanzas");
    assert_int_equal(p.active, 0);                          /* no activo column: unchanged */
    p = get(f, "1003");
    assert_string_equal(p.area, "");
    assert_int_equal(p.active, 1);
    /* A column present but empty does blank the field. */
    import_ok(f, "blank.csv", "numero_empleado,primer_apellido,unidad,area\n1001,Peña,CHE,\n");
    assert_string_equal(get(f, "1001").area, "");
    assert_string_equal(get(f, "1001").position, "Investigadora");
    long n;
    assert_int_equal(store_audit_verify(f->s, &n), STORE_OK);
}

/* One Windows-1252 line in a UTF-8 file is refused at that line (the issue:
 * the whole file was taken as Windows-1252 and every name garbled); a file
 * that is all Windows-1252 still imports. */
static void mixed_utf8_and_windows1252_is_refused(void **state)
{
    fixture *f = *state;
    static const char mixed[] = HEADER "1001,Inés,Chávez,,SCLC,,,,\n1002,María,Núñez,,SCLC,,,,\n"
                                       "1003,Jos\xe9,Pe\xf1" "a,,SCLC,,,,\n1004,Raúl,Díaz,,SCLC,,,,\n";
    import_fails(f, "mixed.csv", mixed, sizeof mixed - 1, STORE_INVALID, 4, "mezcla UTF-8");
    static const char cp1252[] = HEADER "1001,In\xe9s,Ch\xe1vez,,SCLC,,,,\n1003,Jos\xe9,Pe\xf1" "a,,SCLC,,,,\n";
    if (import_bytes(f, "cp1252.csv", cp1252, sizeof cp1252 - 1) != STORE_OK)
        fail_msg("a Windows-1252 file: %s", f->err);
    assert_string_equal(get(f, "1001").given_name, "Inés");
    assert_string_equal(get(f, "1003").surname1, "Peña");
}

/* "007", "7" and "0007" are one person: stored as "7", found by any form,
 * and twice in one file is a duplicate. */
static void leading_zeros_name_one_person(void **state)
{
    fixture *f = *state;
    import_ok(f, "z.csv", HEADER "007,Ana,Peña,,SCLC,,,,\n0008,Eva,Ruiz,,SCLC,,,,\n000,Cero,Ceros,,SCLC,,,,\n"
              "A007,Luis,Soto,,SCLC,,,,\n");
    assert_int_equal(f->st.added, 4);
    assert_string_equal(get(f, "7").employee_no, "7");
    assert_string_equal(get(f, "007").employee_no, "7");
    assert_string_equal(get(f, "0000007").employee_no, "7");
    assert_string_equal(get(f, "8").surname1, "Ruiz");
    assert_string_equal(get(f, "0").surname1, "Ceros");
    assert_string_equal(get(f, "A007").surname1, "Soto");  /* not all digits: kept as it is */
    store_person p;
    assert_int_equal(store_person_get(f->s, "A7", &p), STORE_NOTFOUND);
    /* Another form of the same number updates the same person. */
    import_ok(f, "z2.csv", HEADER "7,Ana María,Peña,,SCLC,,,,\n");
    assert_int_equal(f->st.updated, 1);
    assert_int_equal(store_person_count(f->s, 0), 4);
    assert_string_equal(get(f, "07").given_name, "Ana María");
    static const char dup[] = HEADER "7,Ana,Peña,,SCLC,,,,\n007,Ana,Peña,,SCLC,,,,\n";
    import_fails(f, "dup.csv", dup, sizeof dup - 1, STORE_INVALID, 3,
                 "el número de empleado 007 aparece dos veces (también en la línea 2, sin contar los ceros a la "
                 "izquierda)");
    /* A check-in by any form records the stored number, once. */
    const char *ev = tu_event(f->s, "Taller", "taller", "etica", "SCLC", "2020-09-13 10:00", 0);
    char event[64];
    store_record r;
    snprintf(event, sizeof event, "%s", ev);
    assert_int_equal(store_checkin(f->s, event, "0007", NULL, "number", NULL, 0, NOW, &r), STORE_OK);
    assert_string_equal(r.employee_no, "7");
    assert_int_equal(store_checkin(f->s, event, "7", NULL, "badge", NULL, 0, NOW, &r), STORE_EXISTS);
    assert_int_equal(store_attendance_find(f->s, event, "007", &r), STORE_OK);
}

/* U+202E in a roster field is refused at its line. */
static void bidi_controls_in_roster_are_refused(void **state)
{
    fixture *f = *state;
    static const char bidi[] = HEADER "1001,Ana,Peña,,SCLC,,,,\n1002,Ana \xE2\x80\xAE" "zeréP,López,,SCLC,,,,\n";
    import_fails(f, "bidi.csv", bidi, sizeof bidi - 1, STORE_INVALID, 3, "bidireccional");
}

/* ---- XLSX: a roster saved as an Excel workbook ---- */

enum { XCOLS = 9 };

/* Writes the workbook dir/name: rows[i] is spreadsheet row i + 1 (NULL: an
 * empty row). A cell "#N" is the number N, "?1"/"?0" a boolean, NULL
 * nothing; any other text is a string. mode 1 writes in libxlsxwriter's
 * constant-memory mode (inline strings instead of shared ones). */
static char *write_xlsx(fixture *f, const char *name, const char *const (*rows)[XCOLS], int nrows, int mode)
{
    char *path = malloc(4200);
    snprintf(path, 4200, "%s/%s", f->dir, name);
    lxw_workbook_options opt = {.constant_memory = mode ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Padrón");
    for (int i = 0; i < nrows; i++) {
        for (int k = 0; k < XCOLS; k++) {
            const char *v = rows[i][k];
            if (!v)
                continue;
            if (v[0] == '#')
                worksheet_write_number(ws, (lxw_row_t)i, (lxw_col_t)k, atof(v + 1), NULL);
            else if (v[0] == '?')
                worksheet_write_boolean(ws, (lxw_row_t)i, (lxw_col_t)k, v[1] == '1', NULL);
            else
                worksheet_write_string(ws, (lxw_row_t)i, (lxw_col_t)k, v, NULL);
        }
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    snprintf(f->path, sizeof f->path, "%s", path);
    return path;
}

static int import_path(fixture *f, store *s, const char *path)
{
    snprintf(f->path, sizeof f->path, "%s", path);
    f->err[0] = '\0';
    return roster_import(s, path, NOW, &f->st, f->err, sizeof f->err);
}

/* The roster as a coordinator keeps it in Excel: Spanish titles, a number
 * cell (1001), leading zeros kept as text ("007"), a boolean and a number
 * in activo, a line break inside a cell, an empty row and an unknown
 * column. Row 5 is empty. */
static const char *const XROWS[][XCOLS] = {
    {"Número de Empleado", "Nombre(s)", "Apellido Paterno", "Apellido Materno", "Unidad", "Área de Adscripción",
     "Puesto", "Correo electrónico", "Activo"},
    {"#1001", "José María", "Peña Íñiguez", "Núñez", "SCLC", "Dirección\nGeneral", "Investigadora",
     "jose@ejemplo.mx", "sí"},
    {"007", "Ana", "López", NULL, "Chetumal", NULL, NULL, NULL, "?0"},
    {"AB-12_x", "Luis", "Pérez", "Ruiz", "TAP", "Posgrado", "Jefa de “Enlace”", NULL, "#1"},
    {NULL},
    {"#20230001", "Eva", "Soto", NULL, "sclc", NULL, "Técnica", NULL, "NO"},
};

/* The same people as XROWS, as a CSV file. */
static const char XCSV[] =
    "Número de Empleado,Nombre(s),Apellido Paterno,Apellido Materno,Unidad,Área de Adscripción,Puesto,"
    "Correo electrónico,Activo\n"
    "1001,José María,Peña Íñiguez,Núñez,SCLC,\"Dirección\nGeneral\",Investigadora,jose@ejemplo.mx,sí\n"
    "007,Ana,López,,Chetumal,,,,0\n"
    "AB-12_x,Luis,Pérez,Ruiz,TAP,Posgrado,Jefa de “Enlace”,,1\n"
    "\n"
    "20230001,Eva,Soto,,sclc,,Técnica,,NO\n";

static void same_person(store *a, store *b, const char *no)
{
    store_person p, q;
    if (store_person_get(a, no, &p) != STORE_OK || store_person_get(b, no, &q) != STORE_OK)
        fail_msg("%s is not in both rosters", no);
    assert_string_equal(p.employee_no, q.employee_no);
    assert_string_equal(p.given_name, q.given_name);
    assert_string_equal(p.surname1, q.surname1);
    assert_string_equal(p.surname2, q.surname2);
    assert_string_equal(p.unit, q.unit);
    assert_string_equal(p.area, q.area);
    assert_string_equal(p.position, q.position);
    assert_string_equal(p.email, q.email);
    assert_int_equal(p.active, q.active);
}

/* A roster saved as .xlsx imports the same people as its CSV twin, in both
 * of libxlsxwriter's modes; importing it over the CSV's changes nothing. */
static void xlsx_roster_is_its_csv_twin(void **state)
{
    fixture *f = *state;
    import_ok(f, "twin.csv", XCSV);
    assert_int_equal(f->st.added, 4);
    for (int mode = 0; mode < 2; mode++) {
        char name[32];
        snprintf(name, sizeof name, "padron%d.xlsx", mode);
        char *path = write_xlsx(f, name, XROWS, (int)(sizeof XROWS / sizeof XROWS[0]), mode);
        snprintf(name, sizeof name, "x%d.db", mode);
        store *x = tu_store(f->dir, name);
        if (import_path(f, x, path) != STORE_OK)
            fail_msg("xlsx mode %d: %s", mode, f->err);
        assert_int_equal(f->st.rows, 4);
        assert_int_equal(f->st.added, 4);
        assert_int_equal(store_person_count(x, 0), 4);
        /* The number cell is the number, not "1001.0"; "007" kept as text
         * is the canonical 7 like the CSV's. */
        store_person p;
        assert_int_equal(store_person_get(x, "1001", &p), STORE_OK);
        assert_string_equal(p.employee_no, "1001");
        assert_string_equal(p.surname1, "Peña Íñiguez");
        assert_string_equal(p.area, "Dirección General");
        assert_int_equal(store_person_get(x, "20230001", &p), STORE_OK);
        assert_string_equal(p.employee_no, "20230001");
        assert_string_equal(p.unit, "SCLC");
        assert_int_equal(p.active, 0);
        assert_int_equal(store_person_get(x, "007", &p), STORE_OK);
        assert_string_equal(p.employee_no, "7");
        assert_string_equal(p.unit, "CHE");
        assert_int_equal(p.active, 0);
        static const char *const nos[] = {"1001", "7", "AB-12_x", "20230001"};
        for (int i = 0; i < 4; i++)
            same_person(f->s, x, nos[i]);
        assert_int_equal(store_search(x, "pena iñi", &p, 1), 1);
        assert_string_equal(p.employee_no, "1001");
        store_close(x);
        /* Over the CSV's roster: every row the same, nothing written. */
        long a1 = 0, a2 = 0;
        assert_int_equal(store_audit_verify(f->s, &a1), STORE_OK);
        if (import_path(f, f->s, path) != STORE_OK)
            fail_msg("xlsx over csv, mode %d: %s", mode, f->err);
        assert_int_equal(f->st.unchanged, 4);
        assert_int_equal(f->st.added + f->st.updated, 0);
        assert_int_equal(store_audit_verify(f->s, &a2), STORE_OK);
        assert_int_equal(a2, a1);
        free(path);
    }
}

/* A bad row of a workbook is named by its spreadsheet row number (empty
 * rows counted), and nothing is imported. */
static void xlsx_roster_errors_name_the_row(void **state)
{
    fixture *f = *state;
    long before = 0, after = 0;
    assert_int_equal(store_audit_verify(f->s, &before), STORE_OK);
    static const char *const bad[][XCOLS] = {
        {"numero_empleado", "nombre", "primer_apellido", NULL, "unidad", NULL, NULL, NULL, "activo"},
        {"#1001", "José", "Peña", NULL, "SCLC", NULL, NULL, NULL, "sí"},
        {NULL},
        {NULL},
        {"#1002", "Ana", "López", NULL, "SCLC", NULL, NULL, NULL, "tal vez"},
    };
    char *path = write_xlsx(f, "mal.xlsx", bad, 5, 0);
    assert_int_equal(import_path(f, f->s, path), STORE_INVALID);
    expect_err(f, 5, "activo debe ser sí, no, 1 o 0, no 'tal vez'");
    free(path);
    /* A duplicate: the number 7 as a number cell on row 2, "007" as text on row 4. */
    static const char *const dup[][XCOLS] = {
        {"numero_empleado", NULL, "primer_apellido", NULL, "unidad"},
        {"#7", NULL, "Peña", NULL, "SCLC"},
        {"#8", NULL, "Ruiz", NULL, "SCLC"},
        {"007", NULL, "Soto", NULL, "SCLC"},
    };
    path = write_xlsx(f, "dup.xlsx", dup, 4, 1);
    assert_int_equal(import_path(f, f->s, path), STORE_INVALID);
    expect_err(f, 4, "007 aparece dos veces (también en la línea 2, sin contar los ceros a la izquierda)");
    free(path);
    /* A required cell left empty, after an unknown unit would have been made. */
    static const char *const hole[][XCOLS] = {
        {NULL},
        {"numero_empleado", NULL, "primer_apellido", NULL, "unidad"},
        {"#9", NULL, "Peña", NULL, "NUEVA"},
        {"#10", NULL, NULL, NULL, "SCLC"},
    };
    path = write_xlsx(f, "hueco.xlsx", hole, 4, 0);
    assert_int_equal(import_path(f, f->s, path), STORE_INVALID);
    expect_err(f, 4, "primer_apellido está vacío");
    free(path);
    assert_int_equal(store_person_count(f->s, 0), 0);
    store_unit u;
    assert_int_equal(store_unit_get(f->s, "NUEVA", &u), STORE_NOTFOUND);
    assert_int_equal(store_audit_verify(f->s, &after), STORE_OK);
    assert_int_equal(after, before);
}

/* ---- a database that refuses the write ---- */

/* Runs roster_import on the database at db in a child process, after the
 * child optionally drops root (uid 65534) and lowers RLIMIT_FSIZE to fsize
 * (0 = unlimited). The child's error message is copied into msg. Returns
 * the import's rc, or 100 + n when the child could not get that far. */
static int import_in_child(const char *db, const char *csv, int drop_root, rlim_t fsize, char *msg, size_t msglen)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[1024] = "";
        int code;
        store *s = NULL;
        close(fd[0]);
        if (drop_root && (setgid(65534) != 0 || setuid(65534) != 0)) {
            code = 101;
            snprintf(err, sizeof err, "cannot drop root");
        } else if (fsize && (signal(SIGXFSZ, SIG_IGN) == SIG_ERR ||
                             setrlimit(RLIMIT_FSIZE, &(struct rlimit){fsize, fsize}) != 0)) {
            code = 102;
            snprintf(err, sizeof err, "cannot set RLIMIT_FSIZE");
        } else if (store_open(&s, db, 0, err, sizeof err) != STORE_OK) {
            code = 103;
        } else {
            roster_stats st;
            code = -roster_import(s, csv, NOW, &st, err, sizeof err);
            store_close(s);
        }
        if (write(fd[1], err, strlen(err)) < 0)
            code = 104;
        _exit(code);
    }
    close(fd[1]);
    ssize_t n = read(fd[0], msg, msglen - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(fd[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status))
        fail_msg("the child died (signal %d)", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    int code = WEXITSTATUS(status);
    return code >= 100 ? code : -code;
}

/* Reopens dir/r.db and checks that it is sound and holds people persons
 * and audit entries. */
static void check_db_intact(fixture *f, int people, long audit)
{
    char path[4200], err[512];
    long entries = 0;
    snprintf(path, sizeof path, "%s/r.db", f->dir);
    if (store_open(&f->s, path, 0, err, sizeof err) != STORE_OK)
        fail_msg("reopen: %s", err);
    sqlite3 *db = tu_db(f->s);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (store_audit_verify(f->s, &entries) != STORE_OK)
        fail_msg("audit: %s", store_errmsg(f->s));
    assert_int_equal(entries, audit);
    assert_int_equal(store_person_count(f->s, 0), people);
}

static void readonly_database(void **state)
{
    fixture *f = *state;
    char db[4200], msg[1024];
    long audit = 0;
    import_ok(f, "base.csv", BASE);
    assert_int_equal(store_audit_verify(f->s, &audit), STORE_OK);
    store_close(f->s);
    f->s = NULL;
    static const char row[] = HEADER "r1,Ana,Peña,,TAP,,,,\n";
    char *csv = tu_write(f->dir, "new.csv", row, sizeof row - 1);
    snprintf(db, sizeof db, "%s/r.db", f->dir);
    /* Root ignores file modes, so as root the import runs as "nobody",
     * who owns the folder (SQLite may create its -shm file there) but may
     * only read the database file. */
    int root = geteuid() == 0;
    if (root) {
        assert_int_equal(chown(f->dir, 65534, 65534), 0);
        assert_int_equal(chown(db, 65534, 65534), 0);
        assert_int_equal(chmod(csv, 0644), 0);
    }
    assert_int_equal(chmod(db, 0400), 0);
    int rc = import_in_child(db, csv, root, 0, msg, sizeof msg);
    if (rc != STORE_READONLY)
        fail_msg("expected STORE_READONLY, got %d: %s", rc, msg);
    if (strncmp(msg, csv, strlen(csv)) != 0 || !strstr(msg, "read-only") || strchr(msg, '\n'))
        fail_msg("unclear message: '%s'", msg);
    if (root) {
        assert_int_equal(chown(f->dir, 0, 0), 0);
        assert_int_equal(chown(db, 0, 0), 0);
    }
    assert_int_equal(chmod(db, 0600), 0);
    free(csv);
    check_db_intact(f, 3, audit);
    store_unit u;
    assert_int_equal(store_unit_get(f->s, "TAP", &u), STORE_NOTFOUND);
}

static void full_disk(void **state)
{
    fixture *f = *state;
    char db[4200], msg[1024];
    long audit = 0;
    struct stat st;
    import_ok(f, "base.csv", BASE);
    assert_int_equal(store_audit_verify(f->s, &audit), STORE_OK);
    store_close(f->s);
    f->s = NULL;
    /* 20,000 people need several megabytes; allow the files 256 KiB more
     * than the database already has. */
    enum { N = 20000 };
    size_t cap = (size_t)N * 80 + 200, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, HEADER);
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(text + len, cap - len, "F%05d,Nombre%d,Peña,Íñiguez,SCLC,Área,Puesto,,sí\n", i, i);
    char *csv = tu_write(f->dir, "big.csv", text, len);
    free(text);
    snprintf(db, sizeof db, "%s/r.db", f->dir);
    assert_int_equal(stat(db, &st), 0);
    int rc = import_in_child(db, csv, 0, (rlim_t)st.st_size + 256 * 1024, msg, sizeof msg);
    if (rc != STORE_FULL)
        fail_msg("expected STORE_FULL, got %d: %s", rc, msg);
    if (strncmp(msg, csv, strlen(csv)) != 0 || !strstr(msg, "full") || strchr(msg, '\n'))
        fail_msg("unclear message: '%s'", msg);
    free(csv);
    check_db_intact(f, 3, audit);
    store_person p;
    assert_int_equal(store_person_get(f->s, "F00000", &p), STORE_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(utf8_with_bom, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(utf8_without_bom, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(windows1252_semicolons_crlf, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(quoted_fields_with_separators_and_newlines, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(error_line_counts_newlines_inside_quotes, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(old_mac_line_endings, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(header_variants, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(missing_required_column, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(reimport_changes_nothing, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(changed_row_updates_person, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(person_missing_from_new_file_is_kept, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(duplicate_number_names_both_lines, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(missing_required_field, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(bad_employee_number, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(activo_values, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(too_long_value_is_refused, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(row_length, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(blank_lines_are_ignored, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(unit_created_from_code, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(unit_resolved_by_name, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(unusable_files, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(absent_columns_leave_fields_unchanged, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(mixed_utf8_and_windows1252_is_refused, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(leading_zeros_name_one_person, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(bidi_controls_in_roster_are_refused, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(xlsx_roster_is_its_csv_twin, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(xlsx_roster_errors_name_the_row, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(readonly_database, setup, tu_teardown),
        cmocka_unit_test_setup_teardown(full_disk, setup, tu_teardown),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
