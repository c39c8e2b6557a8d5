/* sheet.c — a spreadsheet table read as rows of fields (see sheet.h).
 *
 * How it works. The whole file is read into memory (it is hashed for the
 * caller on the way) and its format settled by its first bytes: "PK\3\4" is
 * a ZIP, read as XLSX; anything else is CSV text.
 *
 * CSV: the encoding is settled first (a UTF-8 byte-order mark is skipped;
 * text that is not valid UTF-8 is taken as Windows-1252 and converted,
 * unless it holds UTF-8 too: then it is refused at its first line that is
 * not UTF-8, the line a Windows-1252 paste put there), the
 * separator is whichever of ',' and ';' the header line has more of outside
 * quotes, and libcsv parses the text in chunks, calling back per field and
 * per record end. With CSV_REPALL_NL it reports every unquoted line break,
 * and the breaks inside quoted fields are counted as fields arrive, so the
 * reader always knows the physical line on which a record began.
 *
 * XLSX: libzip opens the workbook from memory; xl/workbook.xml names the
 * first sheet and its relationship, xl/_rels/workbook.xml.rels the part
 * that holds it; xl/sharedStrings.xml gives the shared strings. expat
 * streams the sheet's XML: every <row r="N"> becomes a record on LINE N,
 * every <c r="B7"> a field in its column (gaps filled with empty fields).
 * Namespaces are matched by local name; a DOCTYPE is refused (no part of a
 * workbook has one, and it is how entity expansion attacks start), and each
 * part is read through a size limit, so neither a "billion laughs" file nor
 * a ZIP bomb gets far.
 *
 * Both formats feed the same record handler: header matching first, then
 * one callback per non-empty row. */
#include "sheet.h"

#include <csv.h>
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "store.h"   /* the STORE_* codes */
#include "text.h"

#define SHEET_CHUNK 65536
#define SHEET_MAX_COLS 64     /* known columns a caller may name */

struct sheet {
    const char *path;
    const sheet_column *cols;
    int ncols;
    int (*row)(sheet *r, void *ctx);
    void *ctx;
    sheet_info *info;
    char *err;
    size_t errlen;
    int rc;                  /* first failure; STORE_OK while all is well */

    long line;               /* CSV: physical line the parser has reached */
    long rec_line;           /* line (or XLSX row) on which the current record began */
    int after_cr;            /* CSV: the last event was an unquoted CR ending a line */

    char *buf;               /* the current record's normalised fields, NUL-terminated */
    size_t len, cap;
    size_t *off;             /* start of each field in buf */
    unsigned char *num;      /* XLSX: the field is a number */
    int nf, fcap;
    int nonempty;            /* the current record has a non-empty field */

    int have_header;
    int hdr_fields;          /* fields in the header */
    int col[SHEET_MAX_COLS]; /* field index of each known column, -1 if absent */
};

/* ---- messages ---- */

const char *sheet_echo(const char *v, char *out, size_t outlen)
{
    size_t n = strlen(v), max = outlen > 4 ? outlen - 4 : 0;
    if (max > SHEET_ECHO)
        max = SHEET_ECHO;
    if (n <= max) {
        snprintf(out, outlen, "%s", v);
        return out;
    }
    n = max;
    while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
        n--;
    snprintf(out, outlen, "%.*s...", (int)n, v);
    return out;
}

int sheet_fail(sheet *r, int code, long line, const char *fmt, ...)
{
    if (r->rc != STORE_OK)
        return r->rc;
    r->rc = code;
    if (!r->err || r->errlen == 0)
        return code;
    int n = line > 0 ? snprintf(r->err, r->errlen, "%s:%ld: ", r->path, line)
                     : snprintf(r->err, r->errlen, "%s: ", r->path);
    if (n >= 0 && (size_t)n < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    util_one_line(r->err); /* exactly one line, whatever was quoted */
    return code;
}

/* ---- accessors ---- */

static const char *field_at(const sheet *r, int i)
{
    return i >= 0 && i < r->nf ? r->buf + r->off[i] : "";
}

const char *sheet_field(const sheet *r, int k)
{
    return k >= 0 && k < r->ncols ? field_at(r, r->col[k]) : "";
}

int sheet_has(const sheet *r, int k)
{
    return k >= 0 && k < r->ncols && r->col[k] >= 0;
}

int sheet_numeric(const sheet *r, int k)
{
    int i = k >= 0 && k < r->ncols ? r->col[k] : -1;
    return i >= 0 && i < r->nf && r->num[i];
}

long sheet_line(const sheet *r) { return r->rec_line; }
const char *sheet_path(const sheet *r) { return r->path; }

/* ---- the current record ---- */

static int reserve(sheet *r, size_t extra)
{
    if (r->len + extra <= r->cap)
        return 0;
    size_t cap = r->cap ? r->cap : 1024;
    while (cap < r->len + extra)
        cap *= 2;
    char *nb = realloc(r->buf, cap);
    if (!nb) {
        sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
        return -1;
    }
    r->buf = nb;
    r->cap = cap;
    return 0;
}

/* Appends a field to the current record, trimmed, with control characters
 * and no-break spaces as spaces and runs of spaces collapsed. */
static void add_field(sheet *r, const char *p, size_t len, int numeric)
{
    if (r->rc != STORE_OK)
        return;
    if (r->nf == SHEET_MAX_FIELDS) {
        sheet_fail(r, STORE_INVALID, r->rec_line, "más de %d campos en una fila", SHEET_MAX_FIELDS);
        return;
    }
    if (r->nf == r->fcap) {
        int fcap = r->fcap ? r->fcap * 2 : 32;
        size_t *no = realloc(r->off, (size_t)fcap * sizeof *no);
        unsigned char *nn = no ? realloc(r->num, (size_t)fcap) : NULL;
        if (no)
            r->off = no;
        if (!nn) {
            sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
            return;
        }
        r->num = nn;
        r->fcap = fcap;
    }
    if (reserve(r, len + 1))
        return;
    size_t start = r->len;
    int pending = 0;
    r->num[r->nf] = (unsigned char)numeric;
    r->off[r->nf++] = start;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        int space = ch <= 0x20 || ch == 0x7f;
        if (ch == 0xC2 && i + 1 < len && (unsigned char)p[i + 1] == 0xA0) { /* U+00A0 no-break space */
            space = 1;
            i++;
        }
        if (space) {
            pending = r->len > start;
            continue;
        }
        if (pending)
            r->buf[r->len++] = ' ';
        pending = 0;
        r->buf[r->len++] = (char)ch;
    }
    r->buf[r->len++] = '\0';
    if (r->len - 1 > start)
        r->nonempty = 1;
}

/* The header cells, comma separated, for a message (cut short to fit). */
static void header_list(const sheet *r, char *out, size_t outlen)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < r->nf; i++) {
        char echo[SHEET_ECHO + 4];
        const char *f = field_at(r, i);
        if (!*f)
            continue;
        sheet_echo(f, echo, sizeof echo);
        size_t need = strlen(echo) + (o ? 2 : 0);
        if (o + need + 4 >= outlen) {
            snprintf(out + o, outlen - o, "%s...", o ? ", " : "");
            return;
        }
        o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? ", " : "", echo);
    }
    if (!o)
        snprintf(out, outlen, "ninguna");
}

static void on_header(sheet *r)
{
    r->have_header = 1;
    r->hdr_fields = r->nf;
    for (int k = 0; k < r->ncols; k++)
        r->col[k] = -1;
    for (int i = 0; i < r->nf; i++) {
        char key[256];
        util_header_key(field_at(r, i), key, sizeof key);
        for (int k = 0; k < r->ncols && key[0]; k++) {
            int match = 0;
            for (const char *const *a = r->cols[k].keys; *a && !match; a++)
                match = strcmp(key, *a) == 0;
            if (!match)
                continue;
            if (r->col[k] >= 0) {
                char e1[SHEET_ECHO + 4], e2[SHEET_ECHO + 4];
                sheet_fail(r, STORE_INVALID, r->rec_line, "las columnas '%s' y '%s' son ambas %s; deje solo una",
                           sheet_echo(field_at(r, r->col[k]), e1, sizeof e1), sheet_echo(field_at(r, i), e2, sizeof e2),
                           r->cols[k].name);
                return;
            }
            r->col[k] = i;
        }
    }
    for (int k = 0; k < r->ncols; k++) {
        if (r->cols[k].required && r->col[k] < 0) {
            char found[400];
            header_list(r, found, sizeof found);
            sheet_fail(r, STORE_INVALID, r->rec_line,
                       "falta la columna obligatoria %s (la primera fila debe ser el encabezado; columnas "
                       "encontradas: %s)",
                       r->cols[k].name, found);
            return;
        }
    }
}

static void on_data(sheet *r)
{
    for (int i = r->hdr_fields; i < r->nf; i++) {
        if (*field_at(r, i)) {
            sheet_fail(r, STORE_INVALID, r->rec_line,
                       "%d campos, pero el encabezado tiene %d (¿un valor con separador sin comillas?)", r->nf,
                       r->hdr_fields);
            return;
        }
    }
    for (int k = 0; k < r->ncols; k++) {
        if (r->cols[k].required && !*sheet_field(r, k)) {
            sheet_fail(r, STORE_INVALID, r->rec_line, "%s está vacío (es obligatorio)", r->cols[k].name);
            return;
        }
    }
    if (r->info)
        r->info->rows++;
    int rc = r->row(r, r->ctx);
    if (rc != 0 && r->rc == STORE_OK)
        sheet_fail(r, rc, r->rec_line, "fila rechazada");
}

/* A record is complete: the header or a data row when it has anything. */
static void end_record(sheet *r)
{
    if (r->nf > 0 && r->nonempty && r->rc == STORE_OK) {
        if (!r->have_header)
            on_header(r);
        else
            on_data(r);
    }
    r->nf = 0;
    r->len = 0;
    r->nonempty = 0;
}

/* ---- CSV ---- */

static void csv_on_field(void *data, size_t len, void *ctx)
{
    sheet *r = ctx;
    const char *p = data;
    if (r->nf == 0)
        r->rec_line = r->line;
    r->after_cr = 0;
    for (size_t i = 0; i < len; i++)
        if (p[i] == '\n' || (p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n')))
            r->line++;
    add_field(r, p ? p : "", p ? len : 0, 0);
}

/* Record end (ch: the CR or LF that ended it, or -1 at the end of the
 * file). The LF of a CRLF pair arrives as its own empty record and is not
 * counted twice. */
static void csv_on_record(int ch, void *ctx)
{
    sheet *r = ctx;
    if (r->nf == 0 && ch == '\n' && r->after_cr) {
        r->after_cr = 0;
        return;
    }
    end_record(r);
    r->after_cr = ch == '\r';
    if (ch == '\r' || ch == '\n')
        r->line++;
}

static unsigned char detect_delim(const char *text, size_t len)
{
    size_t commas = 0, semis = 0;
    int quoted = 0, started = 0;
    for (size_t i = 0; i < len; i++) {
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

static long line_of(const char *text, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n'))
            line++;
    return line;
}

static size_t first_bad_utf8(const char *text, size_t len)
{
    size_t lo = 0;
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
 * text to convert but a mix to refuse (issue 12: one Windows-1252 line
 * pasted into a UTF-8 roster garbled every name). Windows-1252 text could
 * form such a sequence only with a letter like Ã followed by a symbol like
 * ©, which names do not have. */
static int has_utf8_sequence(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint32_t cp;
        if ((unsigned char)text[i] >= 0x80 && text_utf8_decode(text + i, len - i, &cp) > 1)
            return 1;
    }
    return 0;
}

static int read_csv(sheet *r, const char *raw, size_t n)
{
    const unsigned char *u = (const unsigned char *)raw;
    char *conv = NULL;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return sheet_fail(r, STORE_INVALID, 1,
                          "el archivo es texto UTF-16; guárdelo desde la hoja de cálculo como \"CSV UTF-8\" o "
                          "\"CSV\"");
    if (n >= 4 && memcmp(u, "\xD0\xCF\x11\xE0", 4) == 0)
        return sheet_fail(r, STORE_INVALID, 1,
                          "es un libro de Excel antiguo (.xls); guárdelo como \"Libro de Excel (.xlsx)\" o \"CSV "
                          "UTF-8\"");
    int bom = n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    const char *t = raw + (bom ? 3 : 0);
    size_t tl = n - (bom ? 3 : 0);
    const char *nul = memchr(t, '\0', tl);
    if (nul)
        return sheet_fail(r, STORE_INVALID, line_of(t, (size_t)(nul - t)),
                          "el archivo contiene bytes NUL; ¿de verdad es un archivo CSV?");
    if (!util_utf8_valid(t, tl)) {
        if (bom)
            return sheet_fail(r, STORE_INVALID, line_of(t, first_bad_utf8(t, tl)),
                              "el archivo se declara UTF-8 pero esta línea no es UTF-8 válido");
        if (has_utf8_sequence(t, tl))
            return sheet_fail(r, STORE_INVALID, line_of(t, first_bad_utf8(t, tl)),
                              "el archivo mezcla UTF-8 con otra codificación: esta línea no es UTF-8 válido (vuelva "
                              "a guardar todo el archivo como \"CSV UTF-8\")");
        if (!(conv = util_cp1252_to_utf8(t, tl, &tl)))
            return sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
        t = conv;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_APPEND_NULL) != 0) {
        free(conv);
        return sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
    }
    csv_set_delim(&p, detect_delim(t, tl));
    r->line = 1;
    for (size_t off = 0; off < tl && r->rc == STORE_OK;) {
        size_t k = tl - off < SHEET_CHUNK ? tl - off : SHEET_CHUNK;
        if (csv_parse(&p, t + off, k, csv_on_field, csv_on_record, r) != k) {
            if (csv_error(&p) == CSV_EPARSE)
                sheet_fail(r, STORE_INVALID, r->nf ? r->rec_line : r->line,
                           "comilla fuera de lugar (un campo con comillas debe ir entre comillas, y las comillas "
                           "dentro de él, dobles: \"\")");
            else
                sheet_fail(r, STORE_ERROR, 0, "no se pudo leer: %s", csv_strerror(csv_error(&p)));
        }
        off += k;
    }
    if (r->rc == STORE_OK) {
        long start = r->nf ? r->rec_line : r->line;
        if (csv_fini(&p, csv_on_field, csv_on_record, r) != 0 && r->rc == STORE_OK)
            sheet_fail(r, STORE_INVALID, start, "un campo entre comillas nunca se cierra (falta \")");
    }
    csv_free(&p);
    free(conv);
    return r->rc;
}

/* ---- XLSX ---- */

/* A growing byte buffer. */
typedef struct xbuf {
    char *p;
    size_t n, cap;
} xbuf;

static int xbuf_add(xbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np)
            return -1;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

/* State of one part's parse. */
typedef struct xml_state {
    sheet *r;
    XML_Parser parser;
    int oom;
    /* workbook.xml */
    char first_rid[64];
    /* workbook.xml.rels */
    const char *want_rid;
    char target[512];
    /* sharedStrings.xml */
    xbuf strings;            /* the strings, NUL-separated */
    size_t *soff;            /* start of each */
    size_t nstr, scap;
    int in_si, in_rph, in_t;
    xbuf cur;                /* text being collected */
    /* the sheet */
    const struct xml_state *sst;
    long row;                /* current <row> number; 0 outside a row */
    long last_row;
    int col;                 /* column of the current <c>, 0-based */
    char ctype[16];          /* its t attribute */
    int in_c, in_v, in_is;
} xml_state;

/* The local part of a namespaced name "uri|local". */
static const char *local(const XML_Char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub, int internal)
{
    (void)name;
    (void)sys;
    (void)pub;
    (void)internal;
    xml_state *x = ud;
    sheet_fail(x->r, STORE_INVALID, 0, "no es un libro XLSX válido (una parte declara DOCTYPE)");
    XML_StopParser(x->parser, XML_FALSE);
}

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xml_state *x = ud;
    const char *n = local(name);
    if (strcmp(n, "sheet") == 0 && !x->first_rid[0]) {
        const char *id = attr(atts, "id");
        if (id)
            snprintf(x->first_rid, sizeof x->first_rid, "%s", id);
    } else if (strcmp(n, "workbookPr") == 0 && x->r->info) {
        const char *d = attr(atts, "date1904");
        x->r->info->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    }
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xml_state *x = ud;
    if (strcmp(local(name), "Relationship") != 0 || x->target[0])
        return;
    const char *id = attr(atts, "Id"), *t = attr(atts, "Target");
    if (id && t && x->want_rid && strcmp(id, x->want_rid) == 0)
        snprintf(x->target, sizeof x->target, "%s", t);
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    xml_state *x = ud;
    const char *n = local(name);
    if (strcmp(n, "si") == 0) {
        x->in_si = 1;
        x->cur.n = 0;
        if (x->cur.p)
            x->cur.p[0] = '\0';
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 1;
    } else if (strcmp(n, "t") == 0 && x->in_si && !x->in_rph) {
        x->in_t = 1;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    xml_state *x = ud;
    const char *n = local(name);
    if (strcmp(n, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 0;
    } else if (strcmp(n, "si") == 0 && x->in_si) {
        x->in_si = 0;
        if (x->nstr == x->scap) {
            size_t cap = x->scap ? x->scap * 2 : 256;
            size_t *no = realloc(x->soff, cap * sizeof *no);
            if (!no) {
                x->oom = 1;
                XML_StopParser(x->parser, XML_FALSE);
                return;
            }
            x->soff = no;
            x->scap = cap;
        }
        x->soff[x->nstr++] = x->strings.n;
        /* The string and its NUL (xbuf keeps one after the text; step over it). */
        if (xbuf_add(&x->strings, x->cur.p ? x->cur.p : "", x->cur.n)) {
            x->oom = 1;
            XML_StopParser(x->parser, XML_FALSE);
            return;
        }
        x->strings.n++;
    }
}

static void XMLCALL text_data(void *ud, const XML_Char *s, int len)
{
    xml_state *x = ud;
    if ((x->in_t || x->in_v) && xbuf_add(&x->cur, s, (size_t)len)) {
        x->oom = 1;
        XML_StopParser(x->parser, XML_FALSE);
    }
}

/* Column index (0-based) of a cell reference like "AB12"; -1 if none. */
static int ref_col(const char *ref)
{
    int c = 0, n = 0;
    for (; ref && *ref >= 'A' && *ref <= 'Z' && n < 4; ref++, n++)
        c = c * 26 + (*ref - 'A' + 1);
    return n ? c - 1 : -1;
}

static void sheet_row_end(xml_state *x)
{
    sheet *r = x->r;
    if (x->row) {
        end_record(r);
        x->last_row = x->row;
        x->row = 0;
    }
}

static void XMLCALL ws_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xml_state *x = ud;
    sheet *r = x->r;
    const char *n = local(name);
    if (r->rc != STORE_OK) {
        XML_StopParser(x->parser, XML_FALSE);
        return;
    }
    if (strcmp(n, "row") == 0) {
        sheet_row_end(x);
        const char *rn = attr(atts, "r");
        long v = rn ? strtol(rn, NULL, 10) : 0;
        x->row = v > x->last_row ? v : x->last_row + 1;
        r->rec_line = x->row;
        r->nf = 0;
        r->len = 0;
        r->nonempty = 0;
    } else if (strcmp(n, "c") == 0 && x->row) {
        const char *t = attr(atts, "t");
        int c = ref_col(attr(atts, "r"));
        x->col = c >= 0 ? c : r->nf;
        snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "n");
        x->in_c = 1;
        x->cur.n = 0;
        if (x->cur.p)
            x->cur.p[0] = '\0';
    } else if (strcmp(n, "v") == 0 && x->in_c) {
        x->in_v = 1;
    } else if (strcmp(n, "is") == 0 && x->in_c) {
        x->in_is = 1;
    } else if (strcmp(n, "t") == 0 && x->in_is) {
        x->in_t = 1;
    } else if (strcmp(n, "rPh") == 0 && x->in_is) {
        x->in_is = 2; /* phonetic run: not part of the text */
    }
}

static void XMLCALL ws_end(void *ud, const XML_Char *name)
{
    xml_state *x = ud;
    sheet *r = x->r;
    const char *n = local(name);
    if (strcmp(n, "v") == 0) {
        x->in_v = 0;
    } else if (strcmp(n, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(n, "rPh") == 0 && x->in_is == 2) {
        x->in_is = 1;
    } else if (strcmp(n, "is") == 0) {
        x->in_is = 0;
    } else if (strcmp(n, "c") == 0 && x->in_c) {
        x->in_c = 0;
        if (x->col >= SHEET_MAX_FIELDS) {
            sheet_fail(r, STORE_INVALID, x->row, "más de %d columnas", SHEET_MAX_FIELDS);
            return;
        }
        while (r->nf < x->col && r->rc == STORE_OK)
            add_field(r, "", 0, 0);
        if (x->col < r->nf)
            return; /* a second cell for a column already filled: ignore it */
        const char *v = x->cur.p ? x->cur.p : "";
        size_t vl = x->cur.n;
        int numeric = 0;
        if (strcmp(x->ctype, "s") == 0) {
            char *end;
            unsigned long i = strtoul(v, &end, 10);
            if (!*v || *end || !x->sst || i >= x->sst->nstr) {
                sheet_fail(r, STORE_INVALID, x->row, "el libro XLSX está dañado (texto compartido %s inexistente)",
                           v);
                return;
            }
            v = x->sst->strings.p + x->sst->soff[i];
            vl = strlen(v);
        } else if (strcmp(x->ctype, "n") == 0) {
            numeric = vl > 0;
        }
        add_field(r, v, vl, numeric);
    } else if (strcmp(n, "row") == 0) {
        sheet_row_end(x);
    }
}

/* Reads the part named name of z through expat with the handlers given.
 * missing_ok: a missing part is not an error (returns 1). */
static int parse_part(sheet *r, zip_t *z, const char *name, xml_state *x, XML_StartElementHandler start,
                      XML_EndElementHandler end, int missing_ok)
{
    zip_stat_t st;
    zip_int64_t idx = zip_name_locate(z, name, 0);
    if (idx < 0) {
        if (missing_ok)
            return 1;
        return sheet_fail(r, STORE_INVALID, 0, "no es un libro XLSX (le falta %s)", name);
    }
    if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && st.size > SHEET_MAX_FILE)
        return sheet_fail(r, STORE_INVALID, 0, "el libro XLSX es demasiado grande (%s)", name);
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f)
        return sheet_fail(r, STORE_INVALID, 0, "el libro XLSX está dañado (%s: %s)", name, zip_strerror(z));
    XML_Parser p = XML_ParserCreateNS(NULL, '|');
    if (!p) {
        zip_fclose(f);
        return sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
    }
    x->parser = p;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text_data);
    XML_SetStartDoctypeDeclHandler(p, no_doctype);
    char buf[SHEET_CHUNK];
    zip_uint64_t total = 0;
    for (;;) {
        zip_int64_t got = zip_fread(f, buf, sizeof buf);
        if (got < 0) {
            sheet_fail(r, STORE_INVALID, 0, "el libro XLSX está dañado (%s: %s)", name, zip_file_strerror(f));
            break;
        }
        total += (zip_uint64_t)got;
        if (total > SHEET_MAX_FILE) {
            sheet_fail(r, STORE_INVALID, 0, "el libro XLSX es demasiado grande (%s)", name);
            break;
        }
        if (XML_Parse(p, buf, (int)got, got == 0) == XML_STATUS_ERROR) {
            if (x->oom)
                sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
            else if (r->rc == STORE_OK)
                sheet_fail(r, STORE_INVALID, 0, "el libro XLSX está dañado (%s, línea %lu del XML: %s)", name,
                           (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
            break;
        }
        if (got == 0 || r->rc != STORE_OK)
            break;
    }
    XML_ParserFree(p);
    zip_fclose(f);
    return r->rc;
}

static int read_xlsx(sheet *r, const char *raw, size_t n)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(raw, n, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    xml_state wb, rels, sst, ws;
    char part[600];
    memset(&wb, 0, sizeof wb);
    memset(&rels, 0, sizeof rels);
    memset(&sst, 0, sizeof sst);
    memset(&ws, 0, sizeof ws);
    wb.r = rels.r = sst.r = ws.r = r;
    if (!z) {
        if (src)
            zip_source_free(src);
        sheet_fail(r, STORE_INVALID, 0, "no es un libro XLSX legible (%s)", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return r->rc;
    }
    zip_error_fini(&ze);
    if (parse_part(r, z, "xl/workbook.xml", &wb, wb_start, NULL, 0) != STORE_OK)
        goto out;
    /* The first sheet's part, through the workbook's relationships. */
    snprintf(part, sizeof part, "xl/worksheets/sheet1.xml");
    rels.want_rid = wb.first_rid;
    if (wb.first_rid[0] && parse_part(r, z, "xl/_rels/workbook.xml.rels", &rels, rels_start, NULL, 1) == STORE_OK &&
        rels.target[0]) {
        if (rels.target[0] == '/')
            snprintf(part, sizeof part, "%s", rels.target + 1);
        else
            snprintf(part, sizeof part, "xl/%s", rels.target);
    }
    if (r->rc != STORE_OK)
        goto out;
    int missing = parse_part(r, z, "xl/sharedStrings.xml", &sst, sst_start, sst_end, 1);
    if (missing != 1 && missing != STORE_OK)
        goto out;
    ws.sst = &sst;
    if (parse_part(r, z, part, &ws, ws_start, ws_end, 0) == STORE_OK)
        sheet_row_end(&ws);
out:
    zip_discard(z); /* frees src too */
    free(sst.strings.p);
    free(sst.soff);
    free(sst.cur.p);
    free(ws.cur.p);
    return r->rc;
}

/* ---- entry point ---- */

int sheet_read(const char *path, const sheet_column *cols, int ncols, int (*row)(sheet *r, void *ctx), void *ctx,
               sheet_info *info, char *err, size_t errlen)
{
    sheet r;
    struct stat st;
    char *raw = NULL;
    size_t n = 0;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.cols = cols;
    r.ncols = ncols < SHEET_MAX_COLS ? ncols : SHEET_MAX_COLS;
    r.row = row;
    r.ctx = ctx;
    r.info = info;
    r.err = err;
    r.errlen = errlen;
    if (err && errlen)
        err[0] = '\0';
    if (info)
        memset(info, 0, sizeof *info);
    if (stat(path, &st) != 0)
        return sheet_fail(&r, errno == ENOENT ? STORE_NOTFOUND : STORE_ERROR, 0, "no se puede leer: %s",
                          strerror(errno));
    if (!S_ISREG(st.st_mode))
        return sheet_fail(&r, STORE_INVALID, 0, "no es un archivo regular");
    if ((uint64_t)st.st_size > SHEET_MAX_FILE)
        return sheet_fail(&r, STORE_INVALID, 0, "el archivo es demasiado grande (%lld bytes)", (long long)st.st_size);
    if (!(raw = util_read_file(path, &n)))
        return sheet_fail(&r, errno == ENOENT ? STORE_NOTFOUND : STORE_ERROR, 0, "no se puede leer: %s",
                          strerror(errno));
    int xlsx = n >= 4 && memcmp(raw, "PK\3\4", 4) == 0;
    if (info) {
        util_sha256_hex(raw, n, info->sha256);
        info->xlsx = xlsx;
    }
    if (xlsx)
        read_xlsx(&r, raw, n);
    else
        read_csv(&r, raw, n);
    if (r.rc == STORE_OK && !r.have_header) {
        char names[400];
        size_t o = 0;
        names[0] = '\0';
        for (int k = 0; k < r.ncols && o < sizeof names; k++)
            o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", k ? ", " : "", cols[k].name);
        sheet_fail(&r, STORE_INVALID, 1, "el archivo está vacío; la primera fila debe ser el encabezado (%s)", names);
    }
    free(raw);
    free(r.buf);
    free(r.off);
    free(r.num);
    return r.rc;
}
