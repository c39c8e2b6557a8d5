/* roster.c — the staff roster (padrón) import; see roster.h and the SPEC's
 * "Roster CSV" section.
 *
 * How it works. The file is read by sheet.h, the reader the bulk
 * attendance import uses too: CSV (UTF-8 with or without BOM, or
 * Windows-1252; ',' or ';'; quoted fields; CRLF) or an XLSX workbook's
 * first sheet, the header matched to the roster's columns, every
 * non-empty row handed here with its FILE:LINE. What is the roster's own
 * is here: each row is checked and upserted (store_person_merge) inside one
 * transaction, opened at the first row; the first problem rolls it back,
 * so a bad file changes nothing. store_person_merge leaves an unchanged
 * person alone, which makes a second import of the same file a no-op, and
 * leaves the fields of a column the file does not have as they were.
 *
 * Decisions worth knowing (the reader's own are in sheet.h):
 *  - An optional column absent from the file (area, puesto, correo,
 *    nombre, segundo_apellido, activo) leaves that field of the people
 *    already in the roster unchanged; new people get it empty (activo:
 *    sí).
 *  - Employee numbers are compared in their canonical form
 *    (store_employee_canon): "007" and "7" on two rows are the same number
 *    twice, and "007" updates the person stored as "7". In a workbook a
 *    number cell is read as Excel keeps it (1001, never "1001.0"); "007"
 *    survives only as text, and names the same person as 7 anyway.
 *  - Bidirectional control characters (U+202E and the like) in any field
 *    are refused: they make a name read as another. A few common Mexican
 *    aliases are accepted (Apellido Paterno/Materno, Adscripción, Correo
 *    electrónico, Nombre(s), No. de empleado).
 *  - A value too long for its store_person buffer is refused, never cut.
 *  - Messages are Spanish, written here and in sheet.c (the one reader of
 *    both imports writes Spanish): "FILE:LINE: reason", or "FILE: reason"
 *    when no line is at fault (an unreadable file, or a database that
 *    refuses the write: "FILE: no se importó nada: <store message>",
 *    STORE_READONLY/STORE_FULL; the store's own reason stays English, as
 *    store.h says, and the command line translates it).
 */
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheet.h"
#include "util.h"

#define ROSTER_UNIT_CACHE 32                   /* distinct `unidad` values remembered */
#define ROSTER_UNIT_MAX STORE_UNIT_NAME_LEN    /* longest accepted `unidad` value (bytes + NUL) */

enum {
    COL_NUMBER,
    COL_GIVEN,
    COL_SURNAME1,
    COL_SURNAME2,
    COL_UNIT,
    COL_AREA,
    COL_POSITION,
    COL_EMAIL,
    COL_ACTIVE,
    COL_COUNT
};

/* The roster's columns, in the order the empty-file message names them. */
static const sheet_column ROSTER_COLUMNS[COL_COUNT] = {
    [COL_NUMBER] = {"numero_empleado", 1, {"numeroempleado", "numempleado", "noempleado", "nempleado", NULL}},
    [COL_GIVEN] = {"nombre", 0, {"nombre", "nombres", NULL}},
    [COL_SURNAME1] = {"primer_apellido", 1, {"primerapellido", "apellidopaterno", "apellido1", NULL}},
    [COL_SURNAME2] = {"segundo_apellido", 0, {"segundoapellido", "apellidomaterno", "apellido2", NULL}},
    [COL_UNIT] = {"unidad", 1, {"unidad", NULL}},
    [COL_AREA] = {"area", 0, {"area", "adscripcion", "areaadscripcion", NULL}},
    [COL_POSITION] = {"puesto", 0, {"puesto", "cargo", NULL}},
    [COL_EMAIL] = {"correo", 0, {"correo", "correoelectronico", "email", NULL}},
    [COL_ACTIVE] = {"activo", 0, {"activo", "activa", NULL}},
};

/* The STORE_PF_* field each optional column updates. */
static const unsigned ROSTER_FIELD[COL_COUNT] = {
    [COL_GIVEN] = STORE_PF_GIVEN,       [COL_SURNAME2] = STORE_PF_SURNAME2, [COL_AREA] = STORE_PF_AREA,
    [COL_POSITION] = STORE_PF_POSITION, [COL_EMAIL] = STORE_PF_EMAIL,       [COL_ACTIVE] = STORE_PF_ACTIVE,
};

/* One employee number seen in the file, for the duplicate check. */
typedef struct roster_seen {
    size_t off;   /* into roster_ctx.keys; 0 marks an empty slot */
    long line;
} roster_seen;

typedef struct roster_ctx {
    store *s;
    int64_t now;
    roster_stats *stats;
    int in_tx;              /* the transaction is open (from the first row on) */
    unsigned fields;        /* STORE_PF_* of the optional columns present */

    roster_seen *seen;      /* open-addressing set of employee numbers */
    size_t seen_cap, seen_n;
    char *keys;             /* their text, NUL-separated; offset 0 unused */
    size_t keys_len, keys_cap;

    struct {
        char value[ROSTER_UNIT_MAX];
        char code[STORE_UNIT_CODE_LEN];
    } units[ROSTER_UNIT_CACHE];
    int nunits;
} roster_ctx;

/* Copies column k of the current row into dst[dstlen], failing the import
 * (never truncating) when it does not fit. 0 or the failure's code. */
static int roster_copy(sheet *r, int k, char *dst, size_t dstlen)
{
    const char *v = sheet_field(r, k);
    size_t n = strlen(v);
    if (n >= dstlen)
        return sheet_fail(r, STORE_INVALID, sheet_line(r), "%s es demasiado largo (%zu bytes, máximo %zu)",
                          ROSTER_COLUMNS[k].name, n, dstlen - 1);
    memcpy(dst, v, n + 1);
    return 0;
}

/* FNV-1a hash of s. */
static uint64_t roster_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

/* Grows the employee-number set to cap slots (a power of two), rehashing. */
static int roster_seen_grow(roster_ctx *c, size_t cap)
{
    roster_seen *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < c->seen_cap; i++) {
        if (!c->seen[i].off)
            continue;
        size_t j = (size_t)roster_hash(c->keys + c->seen[i].off) & (cap - 1);
        while (t[j].off)
            j = (j + 1) & (cap - 1);
        t[j] = c->seen[i];
    }
    free(c->seen);
    c->seen = t;
    c->seen_cap = cap;
    return 0;
}

/* Remembers that employee number no is on line. Returns 0 when it is new,
 * the earlier line when it was already seen, or -1 when out of memory. */
static long roster_seen_add(roster_ctx *c, const char *no, long line)
{
    if ((c->seen_n + 1) * 2 > c->seen_cap && roster_seen_grow(c, c->seen_cap ? c->seen_cap * 2 : 1024))
        return -1;
    size_t mask = c->seen_cap - 1, j = (size_t)roster_hash(no) & mask;
    for (; c->seen[j].off; j = (j + 1) & mask)
        if (strcmp(c->keys + c->seen[j].off, no) == 0)
            return c->seen[j].line;
    size_t n = strlen(no) + 1;
    if (c->keys_len + n > c->keys_cap) {
        size_t cap = c->keys_cap ? c->keys_cap * 2 : 65536;
        while (cap < c->keys_len + n)
            cap *= 2;
        char *nk = realloc(c->keys, cap);
        if (!nk)
            return -1;
        c->keys = nk;
        c->keys_cap = cap;
        if (c->keys_len == 0)
            c->keys[c->keys_len++] = '\0'; /* offset 0 means "empty slot" */
    }
    memcpy(c->keys + c->keys_len, no, n);
    c->seen[j].off = c->keys_len;
    c->seen[j].line = line;
    c->keys_len += n;
    c->seen_n++;
    return 0;
}

/* Resolves the `unidad` value v to a unit code in code[STORE_UNIT_CODE_LEN]:
 * an existing unit by code or name, else a new unit (name = code) when v is
 * a valid code. Results are cached per distinct value. 0 or the failure's
 * code. */
static int roster_unit(roster_ctx *c, sheet *r, const char *v, char code[STORE_UNIT_CODE_LEN])
{
    char echo[SHEET_ECHO + 4];
    for (int i = 0; i < c->nunits; i++) {
        if (strcmp(c->units[i].value, v) == 0) {
            memcpy(code, c->units[i].code, STORE_UNIT_CODE_LEN);
            return 0;
        }
    }
    store_unit u;
    int rc = strlen(v) < ROSTER_UNIT_MAX ? store_unit_resolve(c->s, v, &u) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        if (!util_is_token(v) || strlen(v) >= sizeof u.code)
            return sheet_fail(r, STORE_INVALID, sheet_line(r), "unidad desconocida '%s'; use la clave de la unidad",
                              sheet_echo(v, echo, sizeof echo));
        if ((rc = store_unit_ensure(c->s, v)) != STORE_OK)
            return sheet_fail(r, rc, 0, "no se importó nada: %s", store_errmsg(c->s));
        util_strlcpy(u.code, v, sizeof u.code);
    } else if (rc != STORE_OK) {
        return sheet_fail(r, rc, 0, "no se importó nada: %s", store_errmsg(c->s));
    }
    memcpy(code, u.code, STORE_UNIT_CODE_LEN);
    if (c->nunits < ROSTER_UNIT_CACHE) {
        memcpy(c->units[c->nunits].value, v, strlen(v) + 1);
        memcpy(c->units[c->nunits].code, u.code, STORE_UNIT_CODE_LEN);
        c->nunits++;
    }
    return 0;
}

/* Parses the `activo` value: sí/si/1 -> 1, no/0 -> 0, empty -> 1 (any case,
 * accents ignored). -1 when it is none of those. */
static int roster_active(const char *v)
{
    char f[8];
    if (!*v)
        return 1;
    if (strlen(v) > 4)
        return -1;
    util_fold(v, f, sizeof f);
    if (strcmp(f, "si") == 0 || strcmp(f, "1") == 0)
        return 1;
    if (strcmp(f, "no") == 0 || strcmp(f, "0") == 0)
        return 0;
    return -1;
}

/* sheet_read's row callback: checks one data row (the reader has already
 * refused extra fields and empty required ones) and upserts the person it
 * describes. The first row opens the transaction and settles which
 * optional columns the file has. 0 or the failure's code. */
static int roster_row(sheet *r, void *arg)
{
    roster_ctx *c = arg;
    char echo[SHEET_ECHO + 4];
    long line = sheet_line(r);
    int rc;
    if (!c->in_tx) {
        if ((rc = store_begin(c->s)) != STORE_OK)
            return sheet_fail(r, rc, 0, "no se importó nada: %s", store_errmsg(c->s));
        c->in_tx = 1;
        for (int k = 0; k < COL_COUNT; k++)
            if (sheet_has(r, k))
                c->fields |= ROSTER_FIELD[k];
    }
    for (int k = 0; k < COL_COUNT; k++)
        if (util_has_control(sheet_field(r, k)))
            return sheet_fail(r, STORE_INVALID, line,
                              "%s contiene caracteres de control bidireccional (como U+202E), que disfrazan el texto",
                              ROSTER_COLUMNS[k].name);
    store_person p;
    memset(&p, 0, sizeof p);
    if ((rc = roster_copy(r, COL_NUMBER, p.employee_no, sizeof p.employee_no)) ||
        (rc = roster_copy(r, COL_GIVEN, p.given_name, sizeof p.given_name)) ||
        (rc = roster_copy(r, COL_SURNAME1, p.surname1, sizeof p.surname1)) ||
        (rc = roster_copy(r, COL_SURNAME2, p.surname2, sizeof p.surname2)) ||
        (rc = roster_copy(r, COL_AREA, p.area, sizeof p.area)) ||
        (rc = roster_copy(r, COL_POSITION, p.position, sizeof p.position)) ||
        (rc = roster_copy(r, COL_EMAIL, p.email, sizeof p.email)))
        return rc;
    if (!util_is_token(p.employee_no))
        return sheet_fail(r, STORE_INVALID, line,
                          "número de empleado no válido '%s' (solo letras, dígitos, - y _; dé a la columna formato "
                          "de texto)",
                          sheet_echo(p.employee_no, echo, sizeof echo));
    const char *act = sheet_field(r, COL_ACTIVE);
    if ((p.active = roster_active(act)) < 0)
        return sheet_fail(r, STORE_INVALID, line, "activo debe ser sí, no, 1 o 0, no '%s'",
                          sheet_echo(act, echo, sizeof echo));
    char canon[STORE_EMPLOYEE_NO_LEN];
    store_employee_canon(p.employee_no, canon, sizeof canon);
    long earlier = roster_seen_add(c, canon, line);
    if (earlier < 0)
        return sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
    if (earlier > 0)
        return sheet_fail(r, STORE_INVALID, line,
                          "el número de empleado %s aparece dos veces (también en la línea %ld%s)", p.employee_no,
                          earlier, strcmp(canon, p.employee_no) ? ", sin contar los ceros a la izquierda" : "");
    if ((rc = roster_unit(c, r, sheet_field(r, COL_UNIT), p.unit)) != 0)
        return rc;
    int what = STORE_PERSON_UNCHANGED;
    rc = store_person_merge(c->s, &p, c->fields, c->now, &what);
    if (rc == STORE_INVALID)
        return sheet_fail(r, rc, line, "%s", store_errmsg(c->s));
    if (rc != STORE_OK)
        return sheet_fail(r, rc, 0, "no se importó nada: %s", store_errmsg(c->s));
    c->stats->rows++;
    if (what == STORE_PERSON_ADDED)
        c->stats->added++;
    else if (what == STORE_PERSON_UPDATED)
        c->stats->updated++;
    else
        c->stats->unchanged++;
    return 0;
}

int roster_import(store *s, const char *path, int64_t now, roster_stats *stats, char *err, size_t errlen)
{
    roster_stats local;
    roster_ctx c;
    int rc;

    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    memset(&c, 0, sizeof c);
    c.s = s;
    c.now = now;
    c.stats = stats;

    rc = sheet_read(path, ROSTER_COLUMNS, COL_COUNT, roster_row, &c, NULL, err, errlen);
    if (rc != STORE_OK || !c.in_tx)
        goto cleanup;
    if ((rc = store_commit(s)) != STORE_OK) {
        if (err && errlen) {
            snprintf(err, errlen, "%s: no se importó nada: %s", path, store_errmsg(s));
            util_one_line(err);
        }
        goto cleanup;
    }
    c.in_tx = 0;

cleanup:
    if (c.in_tx)
        store_rollback(s);
    if (rc != STORE_OK)
        memset(stats, 0, sizeof *stats);
    free(c.seen);
    free(c.keys);
    return rc;
}
