/* export_canon.c — the lists' one canonical form (export.h, "signed list
 * fingerprints"): the columns the attendance list and the pledge database
 * print, in order, and the text of each cell. export_sheets.c writes them
 * as the CSV (and XLSX) export, export_list.c prints them in the PDF and
 * signs the SHA-256 of the same CSV, which export_tab.c computes while
 * writing it; export.c recomputes it for `verify --db`. One place decides
 * what a row says, so the printed list, its CSV and its fingerprint cannot
 * drift apart. */
#include "export_int.h"

#include <string.h>

#include "util.h"

/* Column names in Spanish words, as a spreadsheet shows them (issue 14,
 * item 7); they are part of the canonical CSV, and so of the fingerprint. */
const export_col EXPORT_ATT_COLS[EXPORT_ATT_NCOLS] = {
    {"No.", EXPORT_INT, 5},             {"Número de empleado", EXPORT_TEXT, 16}, {"Nombre completo", EXPORT_TEXT, 36},
    {"Unidad", EXPORT_TEXT, 9},         {"Área", EXPORT_TEXT, 28},               {"Puesto", EXPORT_TEXT, 28},
    {"Fecha y hora", EXPORT_TIME, 17},  {"Registro", EXPORT_TEXT, 26},           {"Firma", EXPORT_TEXT, 6},
    {"Folio", EXPORT_TEXT, 16},         {"Adscripción", EXPORT_TEXT, 15},
};

const export_col EXPORT_PL_COLS[EXPORT_PL_NCOLS] = {
    {"No.", EXPORT_INT, 7},             {"Número de empleado", EXPORT_TEXT, 16}, {"Nombre completo", EXPORT_TEXT, 36},
    {"Unidad", EXPORT_TEXT, 9},         {"Área", EXPORT_TEXT, 26},               {"Puesto", EXPORT_TEXT, 26},
    {"Fecha y hora", EXPORT_TIME, 17},  {"Versión de la Carta", EXPORT_TEXT, 15}, {"Medio", EXPORT_TEXT, 22},
    {"Folio", EXPORT_TEXT, 16},         {"Adscripción", EXPORT_TEXT, 15},
};

const char *export_method_label(const char *m)
{
    static const char *const map[][2] = {
        {"badge", "quiosco: gafete"},
        {"number", "quiosco: número de empleado"},
        {"search", "quiosco: búsqueda por nombre"},
        {"guest", "quiosco: persona invitada"},
        {"keyed", "lista en papel capturada"},
        {"desk", "mesa de registro"},
        {"kiosk", "quiosco"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i][0], m) == 0)
            return map[i][1];
    return m;
}

const char *export_method_label_repeated(const char *m)
{
    /* The person's second record at the event (two offline kiosks, merged
     * by a sync): listed, marked, counted once. */
    static const char *const map[][2] = {
        {"badge", "quiosco: gafete (registro repetido)"},
        {"number", "quiosco: número de empleado (registro repetido)"},
        {"search", "quiosco: búsqueda por nombre (registro repetido)"},
        {"keyed", "lista en papel capturada (registro repetido)"},
        {"desk", "mesa de registro (registro repetido)"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i][0], m) == 0)
            return map[i][1];
    return "registro repetido";
}

const char *export_origin_label(int snapshot, int guest)
{
    return guest ? "" : snapshot ? "al registro" : "padrón actual";
}

void export_att_cells(const export_att_row *r, export_clock *k, const char *tz, export_cell c[EXPORT_ATT_NCOLS])
{
    memset(c, 0, EXPORT_ATT_NCOLS * sizeof *c);
    c[0].i = r->n;
    c[1].s = r->employee_no;
    c[2].s = r->name;
    c[3].s = r->unit;
    c[4].s = r->area;
    c[5].s = r->position;
    export_localtime(k, tz, r->at, &c[6].tm);
    c[7].s = r->repeated ? export_method_label_repeated(r->method) : export_method_label(r->method);
    c[8].s = r->sig ? "sí" : "no";
    c[9].s = r->folio;
    c[10].s = export_origin_label(r->snapshot, r->guest);
}

void export_pl_cells(const export_pledge_row *r, export_clock *k, export_cell c[EXPORT_PL_NCOLS], char ver[16])
{
    memset(c, 0, EXPORT_PL_NCOLS * sizeof *c);
    snprintf(ver, 16, "%.12s", r->carta);
    c[0].i = r->n;
    c[1].s = r->employee_no;
    c[2].s = r->name;
    c[3].s = r->unit;
    c[4].s = r->area;
    c[5].s = r->position;
    export_localtime(k, r->tz, r->at, &c[6].tm);
    c[7].s = ver;
    c[8].s = strcmp(r->method, "keyed") == 0 ? "carta en papel capturada" : "quiosco";
    c[9].s = r->folio;
    c[10].s = export_origin_label(r->snapshot, 0);
}

int export_event_state(const store_event *ev)
{
    return strcmp(ev->state, "closed") == 0 ? EXPORT_STATE_CLOSED
           : strcmp(ev->state, "open") == 0 ? EXPORT_STATE_OPEN
                                            : EXPORT_STATE_DRAFT;
}

int export_pledges_state(int year, int64_t now, const char *tz)
{
    struct tm tm;
    if (!year)
        return EXPORT_STATE_OPEN;
    util_utc_to_local(tz, now, &tm);
    return tm.tm_year + 1900 > year ? EXPORT_STATE_CLOSED : EXPORT_STATE_OPEN;
}

/* ---- digests ---- */

struct digest_walk {
    export_table *t;
    export_digest *d;
    export_clock clock;
    const char *tz;
    long prefix;
};

/* After each row: the prefix digest once prefix rows are in. */
static int digest_row_done(struct digest_walk *w)
{
    w->d->rows++;
    if (w->d->rows == w->prefix) {
        if (export_table_digest(w->t, w->d->prefix_sha) != 0)
            return 1;
        w->d->have_prefix = 1;
    }
    return 0;
}

static int digest_att_row(const export_att_row *r, void *arg)
{
    struct digest_walk *w = arg;
    export_cell c[EXPORT_ATT_NCOLS];
    export_att_cells(r, &w->clock, w->tz, c);
    return export_table_row(w->t, c) != 0 || digest_row_done(w);
}

static int digest_pl_row(const export_pledge_row *r, void *arg)
{
    struct digest_walk *w = arg;
    export_cell c[EXPORT_PL_NCOLS];
    char ver[16];
    export_pl_cells(r, &w->clock, c, ver);
    return export_table_row(w->t, c) != 0 || digest_row_done(w);
}

/* Starts the hash-only table of a digest walk. */
static int digest_begin(struct digest_walk *w, export_digest *d, const export_col *cols, int ncols, long prefix,
                        char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    memset(d, 0, sizeof *d);
    w->d = d;
    w->prefix = prefix;
    if (!(w->t = export_table_begin("sha256", NULL, "", cols, ncols, err, errlen)))
        return -1;
    if (prefix == 0) {
        if (export_table_digest(w->t, d->prefix_sha) != 0) {
            export_table_end(w->t, 0, NULL, 0);
            snprintf(err, errlen, "export: cannot hash the list");
            return -1;
        }
        d->have_prefix = 1;
    }
    return 0;
}

/* Ends a digest walk that returned rc. */
static int digest_end(store *s, struct digest_walk *w, int rc, char *err, size_t errlen)
{
    int ok = rc == 0 && export_table_digest(w->t, w->d->sha) == 0;
    export_table_end(w->t, 0, NULL, 0);
    if (!ok)
        snprintf(err, errlen, rc == STORE_ERROR ? "cannot read the list: %s" : "export: cannot hash the list%s",
                 rc == STORE_ERROR ? store_errmsg(s) : "");
    return ok ? 0 : -1;
}

int export_attendance_digest(store *s, const config *c, const store_event *ev, long prefix, export_digest *d,
                             char *err, size_t errlen)
{
    struct digest_walk w;
    char tz[STORE_TZ_LEN];
    if (digest_begin(&w, d, EXPORT_ATT_COLS, EXPORT_ATT_NCOLS, prefix, err, errlen) != 0)
        return -1;
    export_unit_tz(s, c, ev->unit, tz, sizeof tz);
    w.tz = tz;
    return digest_end(s, &w, export_att_each(s, ev, 1, digest_att_row, &w), err, errlen);
}

int export_pledges_digest(store *s, int year, long prefix, export_digest *d, char *err, size_t errlen)
{
    struct digest_walk w;
    if (digest_begin(&w, d, EXPORT_PL_COLS, EXPORT_PL_NCOLS, prefix, err, errlen) != 0)
        return -1;
    return digest_end(s, &w, export_pledge_each(s, year, &w.clock, digest_pl_row, &w), err, errlen);
}
