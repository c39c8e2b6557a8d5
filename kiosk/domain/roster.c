/* roster.c — the staff roster (padrón) CSV import; see roster.h and the
 * SPEC's "Roster CSV" section.
 *
 * How it works. The whole file is read into memory and its encoding settled
 * first: a UTF-8 byte-order mark is skipped, and text that is not valid UTF-8
 * is taken as Windows-1252 (what Excel saves as "CSV") and converted. The
 * separator (',' or ';') is whichever occurs more often, outside quotes, in
 * the header line. libcsv then parses the text in chunks and calls back once
 * per field and once per record end. With CSV_REPALL_NL it reports every
 * unquoted line break, even on empty lines, and the line breaks inside
 * quoted fields are counted as the fields arrive, so the importer always
 * knows the physical line on which the current record began — the LINE of
 * every "FILE:LINE: reason" message.
 *
 * The first non-empty record is the header. Every later record is checked
 * and upserted inside one transaction; the first problem rolls it back, so a
 * bad file changes nothing. store_person_merge leaves an unchanged person
 * alone, which makes a second import of the same file a no-op, and leaves
 * the fields of a column the file does not have as they were.
 *
 * Decisions worth knowing:
 *  - Fields are trimmed, control characters (line breaks inside quoted
 *    fields included) and no-break spaces become spaces, and runs of spaces
 *    collapse to one: a name never carries a line break onto a receipt.
 *  - Unknown columns are ignored; a missing required column is an error
 *    naming it and listing the headers found. An optional column absent
 *    from the file (area, puesto, correo, nombre, segundo_apellido, activo)
 *    leaves that field of the people already in the roster unchanged; new
 *    people get it empty (activo: sí).
 *  - Employee numbers are compared in their canonical form
 *    (store_employee_canon): "007" and "7" on two rows are the same number
 *    twice, and "007" updates the person stored as "7".
 *  - A file that is valid UTF-8 except for some lines is refused at the
 *    first bad line (a Windows-1252 line pasted into a UTF-8 file would
 *    otherwise garble every name); a file with no valid multi-byte UTF-8
 *    sequence at all is read as Windows-1252.
 *  - Bidirectional control characters (U+202E and the like) in any field
 *    are refused: they make a name read as another. A few common Mexican aliases
 *    are accepted (Apellido Paterno/Materno, Adscripción, Correo
 *    electrónico, Nombre(s), No. de empleado).
 *  - A row shorter than the header is padded with empty fields (required
 *    ones are then reported missing); a longer row is accepted only when the
 *    extra fields are empty (spreadsheets often leave trailing separators).
 *  - Rows whose fields are all empty (";;;;" from blank spreadsheet rows) are
 *    ignored like empty lines.
 *  - Quoting is strict (libcsv CSV_STRICT): a stray quote inside a field or
 *    an unterminated quoted field is an error, never silently swallowed.
 *  - A value too long for its store_person buffer is refused, never cut.
 *  - Errors about the file or a row read "FILE:LINE: reason". Errors that
 *    belong to no line read "FILE: reason": an unreadable file ("FILE:
 *    cannot read: ...") or a database that refuses the write ("FILE:
 *    nothing was imported: <store message>", STORE_READONLY/STORE_FULL).
 */
#include "roster.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"
#include "util.h"

#define ROSTER_MAX_FILE (512u * 1024u * 1024u) /* refuse absurd inputs */
#define ROSTER_MAX_FIELDS 1024                 /* per record */
#define ROSTER_CHUNK 65536                     /* bytes fed to libcsv at a time */
#define ROSTER_UNIT_CACHE 32                   /* distinct `unidad` values remembered */
#define ROSTER_UNIT_MAX STORE_UNIT_NAME_LEN    /* longest accepted `unidad` value (bytes + NUL) */
#define ROSTER_ECHO 48                         /* bytes of a bad value quoted in a message */

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

/* A known column: its canonical name, whether it must be present and
 * non-empty, and the header keys (folded, connector words dropped, words
 * joined) that name it. */
static const struct roster_column {
    const char *name;
    int required;
    const char *keys[6];
} ROSTER_COLUMNS[COL_COUNT] = {
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

/* One employee number seen in the file, for the duplicate check. */
typedef struct roster_seen {
    size_t off;   /* into roster_ctx.keys; 0 marks an empty slot */
    long line;
} roster_seen;

typedef struct roster_ctx {
    store *s;
    const char *path;
    int64_t now;
    roster_stats *stats;
    char *err;
    size_t errlen;
    int rc;                 /* first failure; STORE_OK while all is well */

    long line;              /* physical line the parser has reached */
    long rec_line;          /* line on which the current record began */
    int after_cr;           /* the last event was an unquoted CR ending a line */

    char *buf;              /* the current record's normalised fields, NUL-terminated */
    size_t len, cap;
    size_t *off;            /* start of each field in buf */
    int nf, fcap;
    int nonempty;           /* the current record has a non-empty field */

    int have_header;
    long header_line;
    int ncols;              /* fields in the header */
    int col[COL_COUNT];     /* field index of each known column, -1 if absent */
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

/* Copies at most ROSTER_ECHO bytes of v into out (cut at a UTF-8 character
 * boundary, "..." appended when cut) so a message quoting a bad value stays
 * one short line. Returns out. */
static const char *roster_echo(const char *v, char *out, size_t outlen)
{
    size_t n = strlen(v), max = outlen > 4 ? outlen - 4 : 0;
    if (max > ROSTER_ECHO)
        max = ROSTER_ECHO;
    if (n <= max) {
        snprintf(out, outlen, "%s", v);
        return out;
    }
    n = text_utf8_floor(v, n, max);
    snprintf(out, outlen, "%.*s...", (int)n, v);
    return out;
}

/* Records the first failure: rc and one line "PATH:LINE: reason" (or
 * "PATH: reason" when line <= 0) in the caller's err. Later failures are
 * ignored so the message names the first problem. Returns the stored rc. */
static int roster_fail(roster_ctx *c, int rc, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int roster_fail(roster_ctx *c, int rc, long line, const char *fmt, ...)
{
    if (c->rc != STORE_OK)
        return c->rc;
    c->rc = rc;
    if (!c->err || c->errlen == 0)
        return rc;
    int n = line > 0 ? snprintf(c->err, c->errlen, "%s:%ld: ", c->path, line)
                     : snprintf(c->err, c->errlen, "%s: ", c->path);
    if (n >= 0 && (size_t)n < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    for (char *p = c->err; *p; p++) /* exactly one line, whatever was quoted */
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return rc;
}

/* Makes room for extra more bytes in the record buffer. 0, or -1 (failure
 * recorded) when out of memory. */
static int roster_reserve(roster_ctx *c, size_t extra)
{
    if (c->len + extra <= c->cap)
        return 0;
    size_t cap = c->cap ? c->cap : 1024;
    while (cap < c->len + extra)
        cap *= 2;
    char *nb = realloc(c->buf, cap);
    if (!nb) {
        roster_fail(c, STORE_ERROR, 0, "out of memory");
        return -1;
    }
    c->buf = nb;
    c->cap = cap;
    return 0;
}

/* libcsv field callback: counts the line breaks inside the field (so the
 * line of later records stays right), then appends the field to the
 * current record trimmed, with control characters and no-break spaces
 * turned into spaces and runs of spaces collapsed. */
static void roster_on_field(void *data, size_t len, void *ctx)
{
    roster_ctx *c = ctx;
    const unsigned char *p = data;
    if (c->nf == 0)
        c->rec_line = c->line;
    c->after_cr = 0;
    for (size_t i = 0; i < len; i++)
        if (p[i] == '\n' || (p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n')))
            c->line++;
    if (c->rc != STORE_OK)
        return;
    if (c->nf == ROSTER_MAX_FIELDS) {
        roster_fail(c, STORE_INVALID, c->rec_line, "more than %d fields in one row", ROSTER_MAX_FIELDS);
        return;
    }
    if (c->nf == c->fcap) {
        int fcap = c->fcap ? c->fcap * 2 : 32;
        size_t *no = realloc(c->off, (size_t)fcap * sizeof *no);
        if (!no) {
            roster_fail(c, STORE_ERROR, 0, "out of memory");
            return;
        }
        c->off = no;
        c->fcap = fcap;
    }
    if (roster_reserve(c, len + 1))
        return;
    size_t start = c->len;
    int pending = 0;
    c->off[c->nf++] = start;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = p ? p[i] : 0;
        int space = ch <= 0x20 || ch == 0x7f;
        if (ch == 0xC2 && i + 1 < len && p[i + 1] == 0xA0) { /* U+00A0 no-break space */
            space = 1;
            i++;
        }
        if (space) {
            pending = c->len > start;
            continue;
        }
        if (pending)
            c->buf[c->len++] = ' ';
        pending = 0;
        c->buf[c->len++] = (char)ch;
    }
    c->buf[c->len++] = '\0';
    if (c->len - 1 > start)
        c->nonempty = 1;
}

/* The i-th field of the current record, "" when the record is shorter. */
static const char *roster_field(const roster_ctx *c, int i)
{
    return i >= 0 && i < c->nf ? c->buf + c->off[i] : "";
}

/* Appends the header cells, comma separated, to out (for the message about
 * a missing column), cutting the list short when it does not fit. */
static void roster_header_list(const roster_ctx *c, char *out, size_t outlen)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < c->nf; i++) {
        char echo[ROSTER_ECHO + 4];
        const char *f = roster_field(c, i);
        if (!*f)
            continue;
        roster_echo(f, echo, sizeof echo);
        size_t need = strlen(echo) + (o ? 2 : 0);
        if (o + need + 4 >= outlen) {
            snprintf(out + o, outlen - o, "%s...", o ? ", " : "");
            return;
        }
        o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? ", " : "", echo);
    }
    if (!o)
        snprintf(out, outlen, "none");
}

/* Maps the header record onto the known columns. Unknown columns are
 * ignored; a known column named twice, or a required one missing, fails. */
static void roster_on_header(roster_ctx *c)
{
    c->have_header = 1;
    c->header_line = c->rec_line;
    c->ncols = c->nf;
    for (int k = 0; k < COL_COUNT; k++)
        c->col[k] = -1;
    for (int i = 0; i < c->nf; i++) {
        char key[256];
        util_header_key(roster_field(c, i), key, sizeof key);
        for (int k = 0; k < COL_COUNT && key[0]; k++) {
            int match = 0;
            for (const char *const *a = ROSTER_COLUMNS[k].keys; *a && !match; a++)
                match = strcmp(key, *a) == 0;
            if (!match)
                continue;
            if (c->col[k] >= 0) {
                char e1[ROSTER_ECHO + 4], e2[ROSTER_ECHO + 4];
                roster_fail(c, STORE_INVALID, c->rec_line, "columns '%s' and '%s' are both %s; keep only one",
                            roster_echo(roster_field(c, c->col[k]), e1, sizeof e1),
                            roster_echo(roster_field(c, i), e2, sizeof e2), ROSTER_COLUMNS[k].name);
                return;
            }
            c->col[k] = i;
        }
    }
    static const unsigned present[COL_COUNT] = {
        [COL_GIVEN] = STORE_PF_GIVEN,   [COL_SURNAME2] = STORE_PF_SURNAME2, [COL_AREA] = STORE_PF_AREA,
        [COL_POSITION] = STORE_PF_POSITION, [COL_EMAIL] = STORE_PF_EMAIL, [COL_ACTIVE] = STORE_PF_ACTIVE,
    };
    c->fields = 0;
    for (int k = 0; k < COL_COUNT; k++)
        if (c->col[k] >= 0)
            c->fields |= present[k];
    for (int k = 0; k < COL_COUNT; k++) {
        if (ROSTER_COLUMNS[k].required && c->col[k] < 0) {
            char found[400];
            roster_header_list(c, found, sizeof found);
            roster_fail(c, STORE_INVALID, c->rec_line,
                        "unknown column set: the required column %s is missing (the first row must be the "
                        "header; columns found: %s)",
                        ROSTER_COLUMNS[k].name, found);
            return;
        }
    }
}

/* Copies column k of the current record into dst[dstlen], failing the
 * import (never truncating) when it does not fit. 0 or -1. */
static int roster_copy(roster_ctx *c, int k, char *dst, size_t dstlen)
{
    const char *v = roster_field(c, c->col[k]);
    size_t n = strlen(v);
    if (n >= dstlen) {
        roster_fail(c, STORE_INVALID, c->rec_line, "%s is too long (%zu bytes, at most %zu)",
                    ROSTER_COLUMNS[k].name, n, dstlen - 1);
        return -1;
    }
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
 * the earlier line when it was already seen, or -1 (failure recorded) when
 * out of memory. */
static long roster_seen_add(roster_ctx *c, const char *no, long line)
{
    if ((c->seen_n + 1) * 2 > c->seen_cap && roster_seen_grow(c, c->seen_cap ? c->seen_cap * 2 : 1024))
        goto oom;
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
            goto oom;
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
oom:
    roster_fail(c, STORE_ERROR, 0, "out of memory");
    return -1;
}

/* Resolves the `unidad` value v to a unit code in code[STORE_UNIT_CODE_LEN]: an existing
 * unit by code or name, else a new unit (name = code) when v is a valid
 * code. Results are cached per distinct value. 0 or -1 (failure recorded). */
static int roster_unit(roster_ctx *c, const char *v, char code[STORE_UNIT_CODE_LEN])
{
    char echo[ROSTER_ECHO + 4];
    for (int i = 0; i < c->nunits; i++) {
        if (strcmp(c->units[i].value, v) == 0) {
            memcpy(code, c->units[i].code, 32);
            return 0;
        }
    }
    if (strlen(v) >= ROSTER_UNIT_MAX) {
        roster_fail(c, STORE_INVALID, c->rec_line, "unknown unit '%s'; use the unit code",
                    roster_echo(v, echo, sizeof echo));
        return -1;
    }
    store_unit u;
    int rc = store_unit_resolve(c->s, v, &u);
    if (rc == STORE_NOTFOUND) {
        if (!util_is_token(v) || strlen(v) >= sizeof u.code) {
            roster_fail(c, STORE_INVALID, c->rec_line, "unknown unit '%s'; use the unit code",
                        roster_echo(v, echo, sizeof echo));
            return -1;
        }
        if ((rc = store_unit_ensure(c->s, v)) != STORE_OK) {
            roster_fail(c, rc, 0, "nothing was imported: %s", store_errmsg(c->s));
            return -1;
        }
        util_strlcpy(u.code, v, sizeof u.code);
    } else if (rc != STORE_OK) {
        roster_fail(c, rc, 0, "nothing was imported: %s", store_errmsg(c->s));
        return -1;
    }
    memcpy(code, u.code, 32);
    if (c->nunits < ROSTER_UNIT_CACHE) {
        memcpy(c->units[c->nunits].value, v, strlen(v) + 1);
        memcpy(c->units[c->nunits].code, u.code, 32);
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

/* Checks one data record and upserts the person it describes. */
static void roster_on_row(roster_ctx *c)
{
    char echo[ROSTER_ECHO + 4];
    store_person p;
    memset(&p, 0, sizeof p);
    for (int i = c->ncols; i < c->nf; i++) {
        if (*roster_field(c, i)) {
            roster_fail(c, STORE_INVALID, c->rec_line,
                        "%d fields but the header has %d (is a value with a separator not quoted?)", c->nf,
                        c->ncols);
            return;
        }
    }
    for (int k = 0; k < COL_COUNT; k++) {
        if (ROSTER_COLUMNS[k].required && !*roster_field(c, c->col[k])) {
            roster_fail(c, STORE_INVALID, c->rec_line, "%s is empty (it is required)", ROSTER_COLUMNS[k].name);
            return;
        }
    }
    for (int k = 0; k < COL_COUNT; k++) {
        if (util_has_control(roster_field(c, c->col[k]))) {
            roster_fail(c, STORE_INVALID, c->rec_line,
                        "%s holds bidirectional control characters (such as U+202E), which disguise text",
                        ROSTER_COLUMNS[k].name);
            return;
        }
    }
    if (roster_copy(c, COL_NUMBER, p.employee_no, sizeof p.employee_no) ||
        roster_copy(c, COL_GIVEN, p.given_name, sizeof p.given_name) ||
        roster_copy(c, COL_SURNAME1, p.surname1, sizeof p.surname1) ||
        roster_copy(c, COL_SURNAME2, p.surname2, sizeof p.surname2) ||
        roster_copy(c, COL_AREA, p.area, sizeof p.area) ||
        roster_copy(c, COL_POSITION, p.position, sizeof p.position) ||
        roster_copy(c, COL_EMAIL, p.email, sizeof p.email))
        return;
    if (!util_is_token(p.employee_no)) {
        roster_fail(c, STORE_INVALID, c->rec_line,
                    "bad employee number '%s' (only letters, digits, - and _; format the column as text)",
                    roster_echo(p.employee_no, echo, sizeof echo));
        return;
    }
    const char *act = roster_field(c, c->col[COL_ACTIVE]);
    p.active = roster_active(act);
    if (p.active < 0) {
        roster_fail(c, STORE_INVALID, c->rec_line, "activo must be sí, no, 1 or 0, not '%s'",
                    roster_echo(act, echo, sizeof echo));
        return;
    }
    char canon[STORE_EMPLOYEE_NO_LEN];
    store_employee_canon(p.employee_no, canon, sizeof canon);
    long earlier = roster_seen_add(c, canon, c->rec_line);
    if (earlier > 0) {
        roster_fail(c, STORE_INVALID, c->rec_line, "employee number %s appears twice (also on line %ld%s)",
                    p.employee_no, earlier, strcmp(canon, p.employee_no) ? ", leading zeros aside" : "");
        return;
    }
    if (earlier < 0 || roster_unit(c, roster_field(c, c->col[COL_UNIT]), p.unit))
        return;
    int what = STORE_PERSON_UNCHANGED;
    int rc = store_person_merge(c->s, &p, c->fields, c->now, &what);
    if (rc == STORE_INVALID) {
        roster_fail(c, rc, c->rec_line, "%s", store_errmsg(c->s));
        return;
    }
    if (rc != STORE_OK) {
        roster_fail(c, rc, 0, "nothing was imported: %s", store_errmsg(c->s));
        return;
    }
    c->stats->rows++;
    if (what == STORE_PERSON_ADDED)
        c->stats->added++;
    else if (what == STORE_PERSON_UPDATED)
        c->stats->updated++;
    else
        c->stats->unchanged++;
}

/* libcsv record-end callback (ch is the CR or LF that ended it, or -1 at
 * the end of the file). Hands a non-empty record to the header or row
 * handler, then advances the line count; the LF of a CRLF pair arrives as
 * its own empty record and is not counted twice. */
static void roster_on_record(int ch, void *ctx)
{
    roster_ctx *c = ctx;
    if (c->nf == 0 && ch == '\n' && c->after_cr) {
        c->after_cr = 0;
        return;
    }
    if (c->nf > 0 && c->nonempty && c->rc == STORE_OK) {
        if (!c->have_header)
            roster_on_header(c);
        else
            roster_on_row(c);
    }
    c->nf = 0;
    c->len = 0;
    c->nonempty = 0;
    c->after_cr = ch == '\r';
    if (ch == '\r' || ch == '\n')
        c->line++;
}

/* Picks the separator from the header line (the first line with anything
 * but spaces): ';' when it has more semicolons than commas outside quotes,
 * else ','. */
static unsigned char roster_detect_delim(const char *text, size_t len)
{
    size_t i = 0, commas = 0, semis = 0;
    int quoted = 0, started = 0;
    for (; i < len; i++) {
        char ch = text[i];
        if (!started) {
            if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
                continue;
            started = 1;
        }
        if (ch == '"')
            quoted = !quoted;
        else if (!quoted && (ch == '\r' || ch == '\n'))
            break;
        else if (!quoted && ch == ',')
            commas++;
        else if (!quoted && ch == ';')
            semis++;
    }
    return semis > commas ? ';' : ',';
}

/* 1-based line of byte offset off in text. */
static long roster_line_of(const char *text, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n'))
            line++;
    return line;
}

/* Offset of the first byte that is not part of valid UTF-8 in text. */
static size_t roster_first_bad_utf8(const char *text, size_t len)
{
    size_t lo = 0;
    /* Find the first line that is not valid UTF-8, then narrow to it. */
    while (lo < len) {
        const char *nl = memchr(text + lo, '\n', len - lo);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        if (!util_utf8_valid(text + lo, end - lo))
            return lo;
        lo = end;
    }
    return len;
}

/* 1 if text holds at least one valid multi-byte UTF-8 sequence: then it
 * was written as UTF-8, and bytes that are not UTF-8 are not Windows-1252
 * text to convert but a mix to refuse. (Windows-1252 text could form such
 * a sequence only with a letter like Ã followed by a symbol like ©, which
 * names do not have.) */
static int roster_has_utf8_sequence(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)text[i] < 0x80)
            continue;
        uint32_t cp;
        size_t n = text_utf8_decode(text + i, len - i, &cp);
        if (n > 1)
            return 1;
    }
    return 0;
}

/* Reads path and settles its encoding: *text gets malloc'd UTF-8 without a
 * BOM (caller frees *raw and *text; they may be the same buffer, then *text
 * points inside *raw) and *len its length. Refuses files that are clearly
 * not CSV text. STORE_OK or the failure recorded on c. */
static int roster_load(roster_ctx *c, char **raw, char **conv, const char **text, size_t *len)
{
    struct stat st;
    size_t n = 0;
    *raw = *conv = NULL;
    if (stat(c->path, &st) != 0)
        return roster_fail(c, errno == ENOENT ? STORE_NOTFOUND : STORE_ERROR, 0, "cannot read: %s",
                           strerror(errno));
    if (!S_ISREG(st.st_mode))
        return roster_fail(c, STORE_INVALID, 0, "not a regular file");
    if ((uint64_t)st.st_size > ROSTER_MAX_FILE)
        return roster_fail(c, STORE_INVALID, 0, "the file is too large for a roster (%lld bytes)",
                           (long long)st.st_size);
    *raw = util_read_file(c->path, &n);
    if (!*raw)
        return roster_fail(c, errno == ENOENT ? STORE_NOTFOUND : STORE_ERROR, 0, "cannot read: %s",
                           strerror(errno));
    const unsigned char *u = (const unsigned char *)*raw;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return roster_fail(c, STORE_INVALID, 1,
                           "the file is UTF-16 text; save it from the spreadsheet as \"CSV UTF-8\" or \"CSV\"");
    if (n >= 4 && ((memcmp(u, "PK\3\4", 4) == 0) || memcmp(u, "\xD0\xCF\x11\xE0", 4) == 0))
        return roster_fail(c, STORE_INVALID, 1,
                           "this is a spreadsheet workbook, not CSV; save it as \"CSV UTF-8\" or \"CSV\"");
    int bom = n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    const char *t = *raw + (bom ? 3 : 0);
    size_t tl = n - (bom ? 3 : 0);
    const char *nul = memchr(t, '\0', tl);
    if (nul)
        return roster_fail(c, STORE_INVALID, roster_line_of(t, (size_t)(nul - t)),
                           "the file contains NUL bytes; is it really a CSV file?");
    if (!util_utf8_valid(t, tl)) {
        if (bom)
            return roster_fail(c, STORE_INVALID, roster_line_of(t, roster_first_bad_utf8(t, tl)),
                               "the file is marked as UTF-8 but this line is not valid UTF-8");
        if (roster_has_utf8_sequence(t, tl))
            return roster_fail(c, STORE_INVALID, roster_line_of(t, roster_first_bad_utf8(t, tl)),
                               "the file mixes UTF-8 with another encoding: this line is not valid UTF-8 "
                               "(re-save the whole file as \"CSV UTF-8\")");
        *conv = util_cp1252_to_utf8(t, tl, &tl);
        if (!*conv)
            return roster_fail(c, STORE_ERROR, 0, "out of memory");
        t = *conv;
    }
    *text = t;
    *len = tl;
    return STORE_OK;
}

/* Parses text with libcsv, driving the header and row handlers. The
 * transaction must be open. STORE_OK or the failure recorded on c. */
static int roster_parse(roster_ctx *c, const char *text, size_t len)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_APPEND_NULL) != 0)
        return roster_fail(c, STORE_ERROR, 0, "out of memory");
    csv_set_delim(&p, roster_detect_delim(text, len));
    for (size_t off = 0; off < len && c->rc == STORE_OK;) {
        size_t n = len - off < ROSTER_CHUNK ? len - off : ROSTER_CHUNK;
        size_t done = csv_parse(&p, text + off, n, roster_on_field, roster_on_record, c);
        if (done != n) {
            if (csv_error(&p) == CSV_EPARSE)
                roster_fail(c, STORE_INVALID, c->nf ? c->rec_line : c->line,
                            "misplaced quote (a field with quotes must be enclosed in quotes, and quotes "
                            "inside it doubled: \"\")");
            else
                roster_fail(c, STORE_ERROR, 0, "cannot parse: %s", csv_strerror(csv_error(&p)));
        }
        off += n;
    }
    if (c->rc == STORE_OK) {
        long start = c->nf ? c->rec_line : c->line;
        if (csv_fini(&p, roster_on_field, roster_on_record, c) != 0 && c->rc == STORE_OK)
            roster_fail(c, STORE_INVALID, start, "a quoted field is never closed (missing \")");
    }
    csv_free(&p);
    if (c->rc == STORE_OK && !c->have_header)
        roster_fail(c, STORE_INVALID, 1,
                    "the file is empty; the first row must be the header (numero_empleado, nombre, "
                    "primer_apellido, segundo_apellido, unidad, area, puesto, correo, activo)");
    return c->rc;
}

int roster_import(store *s, const char *path, int64_t now, roster_stats *stats, char *err, size_t errlen)
{
    roster_stats local;
    roster_ctx c;
    char *raw = NULL, *conv = NULL;
    const char *text = NULL;
    size_t len = 0;
    int in_tx = 0, rc;

    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    memset(&c, 0, sizeof c);
    if (err && errlen)
        err[0] = '\0';
    c.s = s;
    c.path = path;
    c.now = now;
    c.stats = stats;
    c.err = err;
    c.errlen = errlen;
    c.line = 1;

    if (roster_load(&c, &raw, &conv, &text, &len) != STORE_OK)
        goto cleanup;
    if ((rc = store_begin(s)) != STORE_OK) {
        roster_fail(&c, rc, 0, "nothing was imported: %s", store_errmsg(s));
        goto cleanup;
    }
    in_tx = 1;
    if (roster_parse(&c, text, len) != STORE_OK)
        goto cleanup;
    if ((rc = store_commit(s)) != STORE_OK) {
        roster_fail(&c, rc, 0, "nothing was imported: %s", store_errmsg(s));
        goto cleanup;
    }
    in_tx = 0;

cleanup:
    if (in_tx)
        store_rollback(s);
    if (c.rc != STORE_OK)
        memset(stats, 0, sizeof *stats);
    free(raw);
    free(conv);
    free(c.buf);
    free(c.off);
    free(c.seen);
    free(c.keys);
    return c.rc;
}
