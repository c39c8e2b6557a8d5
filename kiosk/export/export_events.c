/* export_events.c — the year's event list (`event list --format
 * text|csv|json`, and the CSV in the evidence package). See evidence.h. */
#include "evidence.h"
#include "export_int.h"
#include "export_labels.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "store_evidence.h"
#include "util.h"

/* One event with its counts, as every format needs it. */
typedef struct ev_line {
    store_event e;
    store_event_tally t;
    int counts;          /* a counting topic and not a draft */
    int counted;         /* staff_active when counts, else 0 */
} ev_line;

typedef struct ev_list {
    ev_line *v;
    int n, cap, oom;
} ev_list;

static int collect(const store_event *e, void *arg)
{
    ev_list *l = arg;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 32;
        ev_line *nv = realloc(l->v, (size_t)cap * sizeof *nv);
        if (!nv) {
            l->oom = 1;
            return 1;
        }
        l->v = nv;
        l->cap = cap;
    }
    memset(&l->v[l->n], 0, sizeof *l->v);
    l->v[l->n++].e = *e;
    return 0;
}

/* 1 when one of the comma-separated topics counts for the indicators. */
static int topics_count(const config *c, const char *topics)
{
    char buf[256];
    util_strlcpy(buf, topics, sizeof buf);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (config_topic_counts(c, util_trim(t)))
            return 1;
    return 0;
}

/* The events of year with their counts, in one snapshot. */
static int load(store *s, const config *c, int year, ev_list *l, char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    store_snapshot_begin(s);
    int rc = store_event_each(s, year, 0, collect, l);
    for (int i = 0; rc == STORE_OK && !l->oom && i < l->n; i++) {
        ev_line *x = &l->v[i];
        rc = store_event_tally_get(s, x->e.id, &x->t);
        x->counts = strcmp(x->e.state, "draft") != 0 && topics_count(c, x->e.topics);
        x->counted = x->counts ? x->t.staff_active : 0;
    }
    store_snapshot_end(s);
    if (l->oom) {
        snprintf(err, errlen, "memoria insuficiente");
        return -1;
    }
    if (rc != STORE_OK) {
        snprintf(err, errlen, "no se pudo leer la lista de eventos: %s", store_errmsg(s));
        return -1;
    }
    return 0;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* A text field for the tab-separated output: tabs and line breaks (never
 * stored, but a text must not break a line) become spaces. */
static void text_field(FILE *f, const char *s, int first)
{
    if (!first)
        fputc('\t', f);
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void write_text(const ev_list *l, FILE *f)
{
    fputs("id\tinicio\tunidad\testado\ttipo\ttemas\ttítulo\tlugar\tinstructor\tclave_pat\tpersonal_que_cuenta\t"
          "asistentes\n", f);
    for (int i = 0; i < l->n; i++) {
        const ev_line *x = &l->v[i];
        const char *cells[] = {x->e.id, x->e.start, x->e.unit, x->e.state, x->e.kind, x->e.topics, x->e.title,
                               x->e.place, x->e.instructor, x->e.pat};
        for (size_t k = 0; k < sizeof cells / sizeof *cells; k++)
            text_field(f, cells[k], k == 0);
        fprintf(f, "\t%d\t%d\n", x->counted, x->e.attendees);
    }
}

/* The CSV document: Spanish headers, labels. */
static void write_csv(const ev_list *l, FILE *f)
{
    static const char *const head[] = {
        "Título", "Tipo", "Temas", "Unidad", "Inicio", "Fin", "Lugar", "Instructor(a)", "Clave de actividad PAT",
        "Estado", "Asistentes", "Personal del padrón", "Personas invitadas", "Personal que cuenta para los indicadores",
        "Cuenta para I.1 e I.2", "Capturados de listas", "Anexos", "Identificador del evento",
    };
    csvout_bom(f);
    for (size_t k = 0; k < sizeof head / sizeof *head; k++)
        csvout_field(f, head[k], k == 0);
    csvout_end(f);
    for (int i = 0; i < l->n; i++) {
        const ev_line *x = &l->v[i];
        char topics[512];
        export_topics_text(x->e.topics, topics, sizeof topics);
        const char *cells[] = {x->e.title, export_kind_label(x->e.kind), topics, x->e.unit, x->e.start, x->e.end,
                               x->e.place, x->e.instructor, x->e.pat, export_state_label(x->e.state)};
        for (size_t k = 0; k < sizeof cells / sizeof *cells; k++)
            csvout_field(f, cells[k], k == 0);
        csvout_int(f, x->e.attendees, 0);
        csvout_int(f, x->t.staff, 0);
        csvout_int(f, x->t.guests, 0);
        csvout_int(f, x->counted, 0);
        csvout_field(f, x->counts ? "sí" : "no", 0);
        csvout_int(f, x->t.keyed, 0);
        csvout_int(f, x->t.attachments, 0);
        csvout_field(f, x->e.id, 0);
        csvout_end(f);
    }
}

static void write_json(const ev_list *l, FILE *f)
{
    fputs("[", f);
    for (int i = 0; i < l->n; i++) {
        const ev_line *x = &l->v[i];
        const char *keys[] = {"id", "title", "kind", "unit", "start", "end", "place", "instructor", "pat", "state"};
        const char *vals[] = {x->e.id, x->e.title, x->e.kind, x->e.unit, x->e.start, x->e.end, x->e.place,
                              x->e.instructor, x->e.pat, x->e.state};
        fputs(i ? ",\n {" : "{", f);
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            fprintf(f, "%s\"%s\": ", k ? ", " : "", keys[k]);
            json_str(f, vals[k]);
        }
        fputs(", \"topics\": [", f);
        char buf[256];
        int first = 1;
        util_strlcpy(buf, x->e.topics, sizeof buf);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            fputs(first ? "" : ", ", f);
            json_str(f, util_trim(t));
            first = 0;
        }
        fprintf(f, "], \"attendees\": %d, \"staff\": %d, \"guests\": %d, \"staff_counted\": %d, \"counts\": %s, "
                   "\"keyed\": %d, \"attachments\": %d}",
                x->e.attendees, x->t.staff, x->t.guests, x->counted, x->counts ? "true" : "false", x->t.keyed,
                x->t.attachments);
    }
    fputs("]\n", f);
}

int export_event_list(store *s, const config *c, int year, const char *format, FILE *out, char *err, size_t errlen)
{
    ev_list l;
    int text = format && strcmp(format, "text") == 0, csv = format && strcmp(format, "csv") == 0,
        json = format && strcmp(format, "json") == 0;
    if (!text && !csv && !json) {
        snprintf(err, errlen, "formato desconocido '%s' (use text, csv o json)", format ? format : "");
        return -1;
    }
    if (load(s, c, year, &l, err, errlen) != 0) {
        free(l.v);
        return -1;
    }
    if (text)
        write_text(&l, out);
    else if (csv)
        write_csv(&l, out);
    else
        write_json(&l, out);
    free(l.v);
    if (fflush(out) != 0 || ferror(out)) {
        snprintf(err, errlen, "no se pudo escribir la lista de eventos: %s", strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

int export_counted_events(store *s, const config *c, int year,
                          int (*fn)(const store_event *e, int counted, void *ctx), void *ctx, char *err,
                          size_t errlen)
{
    ev_list l;
    if (load(s, c, year, &l, err, errlen) != 0) {
        free(l.v);
        return -1;
    }
    for (int i = 0; i < l.n; i++)
        if (l.v[i].counts && l.v[i].t.staff > 0 && fn(&l.v[i].e, l.v[i].counted, ctx))
            break;
    free(l.v);
    return 0;
}

int export_event_list_csv(store *s, const config *c, int year, const char *path, char *err, size_t errlen)
{
    export_file o;
    if (export_file_open(&o, path, 0, err, errlen) != 0)
        return -1;
    if (export_event_list(s, c, year, "csv", o.f, err, errlen) != 0) {
        export_file_abort(&o);
        return -1;
    }
    return export_file_commit(&o, err, errlen);
}
