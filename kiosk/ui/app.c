/* app.c — see app.h. The kiosk's state machine: screen changes, the idle
 * reset and the attract loop, the badge scanner, recording check-ins and
 * pledges, the daily backup and the coordinator's data. The receipt and its
 * printing are in app_print.c, the layout the screens share in layout.c,
 * the sample screens in demo.c. */
#include "app.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "backup.h"
#include "indicators.h"
#include "theme.h"
#include "util.h"

static const char *const SCREEN_NAMES[APP_SCREEN_COUNT] = {
    [APP_HOME] = "home",         [APP_ATTRACT] = "attract", [APP_IDENTIFY] = "identify",
    [APP_CONFIRM] = "confirm",   [APP_SIGN] = "sign",       [APP_DONE] = "done",
    [APP_ALREADY] = "already",   [APP_GUEST] = "guest",     [APP_CARTA] = "carta",
    [APP_PRIVACY] = "privacy",   [APP_NOTICE] = "notice",   [APP_PIN] = "pin",
    [APP_COORD] = "coord",       [APP_COORD_EVENT] = "coord-event",
};

typedef void (*screen_fn)(app *a, ui_ctx *u);
static const screen_fn SCREENS[APP_SCREEN_COUNT] = {
    [APP_HOME] = app_screen_home,         [APP_ATTRACT] = app_screen_attract,
    [APP_IDENTIFY] = app_screen_identify, [APP_CONFIRM] = app_screen_confirm,
    [APP_SIGN] = app_screen_sign,         [APP_DONE] = app_screen_done,
    [APP_ALREADY] = app_screen_already,   [APP_GUEST] = app_screen_guest,
    [APP_CARTA] = app_screen_carta,       [APP_PRIVACY] = app_screen_privacy,
    [APP_NOTICE] = app_screen_notice,     [APP_PIN] = app_screen_pin,
    [APP_COORD] = app_screen_coord,       [APP_COORD_EVENT] = app_screen_coord_event,
};

const char *app_screen_name(app_screen s)
{
    return s >= 0 && s < APP_SCREEN_COUNT ? SCREEN_NAMES[s] : "?";
}

int app_screen_by_name(const char *name)
{
    for (int i = 0; i < APP_SCREEN_COUNT; i++)
        if (strcmp(SCREEN_NAMES[i], name) == 0)
            return i;
    return -1;
}

int app_in_coordinator(const app *a)
{
    return a->screen == APP_COORD || a->screen == APP_COORD_EVENT;
}

void app_set_message(app *a, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
}

/* ---- start-up ---- */

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Reads the attract messages: every *.txt in dir, in name order. */
static void load_attract(app *a, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char *names[64];
    int n = 0;
    while ((de = readdir(d)) && n < 64) {
        size_t len = strlen(de->d_name);
        if (len > 4 && strcmp(de->d_name + len - 4, ".txt") == 0 && de->d_name[0] != '.')
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    for (int i = 0; i < n; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *text = names[i] ? util_read_file(path, &len) : NULL;
        if (text && a->attract_n < APP_MAX_ATTRACT && util_utf8_valid(text, len))
            a->attract[a->attract_n++] = text;
        else
            free(text);
        free(names[i]);
    }
}

static int collect_unit(const store_unit *un, void *arg)
{
    app *a = arg;
    store_unit *n = realloc(a->units, sizeof *n * (size_t)(a->nunits + 1));
    if (!n)
        return 1;
    a->units = n;
    a->units[a->nunits++] = *un;
    return 0;
}

const char *app_unit_name(const app *a, const char *code)
{
    for (int i = 0; i < a->nunits; i++)
        if (strcmp(a->units[i].code, code) == 0)
            return a->units[i].name[0] ? a->units[i].name : code;
    return code;
}

/* Reads a text file and its SHA-256; NULL when missing or not UTF-8. */
static char *load_text(const char *path, char sha[UTIL_SHA256_HEX])
{
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        return NULL;
    if (!util_utf8_valid(text, len)) {
        free(text);
        return NULL;
    }
    util_sha256_hex(text, len, sha);
    return text;
}

int app_new(app **out, store *s, const config *c, const char *db_path, int64_t now_ms, char *err,
            size_t errlen)
{
    int rc = -1;
    app *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a || !(a->sig = calloc(1, sizeof *a->sig))) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    a->s = s;
    a->c = c;
    snprintf(a->db_path, sizeof a->db_path, "%s", db_path);
    a->carta = load_text(c->carta, a->carta_sha);
    a->privacy = load_text(c->privacy, a->privacy_sha);
    load_attract(a, c->attract);
    store_unit_each(s, collect_unit, a);
    if (store_meta_get(s, "institution", a->institution, sizeof a->institution) != STORE_OK || !a->institution[0])
        snprintf(a->institution, sizeof a->institution, "%s", c->institution);
    snprintf(a->unit_code, sizeof a->unit_code, "%s", c->unit);
    if (!a->unit_code[0])
        store_meta_get(s, "unit", a->unit_code, sizeof a->unit_code);
    store_unit un;
    if (store_unit_get(s, a->unit_code, &un) == STORE_OK) {
        snprintf(a->unit_name, sizeof a->unit_name, "%s", un.name);
        snprintf(a->tz, sizeof a->tz, "%s", un.timezone);
    } else {
        snprintf(a->unit_name, sizeof a->unit_name, "%s", a->unit_code);
    }
    if (!a->tz[0])
        snprintf(a->tz, sizeof a->tz, "%s", CK_DEFAULT_TZ);
    a->attendees = calloc(APP_MAX_ATTENDEES, sizeof *a->attendees);
    if (!a->attendees) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    a->screen = APP_HOME;
    a->screen_ms = a->last_input_ms = now_ms;
    a->form_sig = 1;
    store_meta_get(s, "last_backup_day", a->backup_day, sizeof a->backup_day);
    app_refresh_open(a, now_ms, 1);
    app_sync_start(a);
    *out = a;
    a = NULL;
    rc = 0;
cleanup:
    app_free(a);
    return rc;
}

void app_free(app *a)
{
    if (!a)
        return;
    app_sync_stop(a);
    app_print_wait(a);
    free(a->sig);
    free(a->carta);
    free(a->privacy);
    for (int i = 0; i < a->attract_n; i++)
        free(a->attract[i]);
    free(a->qr);
    free(a->qr_stale);
    free(a->attendees);
    free(a->units);
    if (a->ind) {
        indicators_free(a->ind);
        free(a->ind);
    }
    free(a);
}

/* ---- screens ---- */

void app_goto(app *a, ui_ctx *u, app_screen screen)
{
    a->screen = screen;
    a->screen_ms = u->now_ms;
    a->message[0] = 0;
    ui_cancel_press(u);
    ui_set_seed(u, app_screen_name(screen));
}

void app_reset(app *a, ui_ctx *u)
{
    a->have_event = 0;
    a->id_mode = 0;
    a->number[0] = a->search[0] = a->searched[0] = a->wedge[0] = a->guest[0] = a->pin[0] = 0;
    a->wedge_bad = 0;
    a->nresults = 0;
    a->results_scroll = 0;
    memset(a->results, 0, sizeof a->results);
    memset(&a->person, 0, sizeof a->person);
    a->have_person = 0;
    a->method[0] = 0;
    sig_clear(a->sig, 1, 1);
    a->carta_scroll = a->carta_read = a->privacy_scroll = a->privacy_read = 0;
    memset(&a->record, 0, sizeof a->record);
    a->have_record = a->already = 0;
    memset(&a->rcpt, 0, sizeof a->rcpt);
    a->have_receipt = 0;
    app_qr_drop(a);
    a->form_title[0] = 0;
    a->export_msg[0] = 0;
    a->export_error = 0;
    a->print_test = 0;
    a->large_text = 0;
    u->text_scale = 1.0f;
    app_goto(a, u, APP_HOME);
    app_refresh_open(a, u->now_ms, 1);
}

/* ---- data ---- */

static int collect_open(const store_event *e, void *arg)
{
    app *a = arg;
    if (a->nopen < APP_MAX_OPEN)
        a->open[a->nopen++] = *e;
    return 0;
}

void app_refresh_open(app *a, int64_t now_ms, int force)
{
    if (!force && now_ms - a->open_loaded_ms < 2000 && now_ms >= a->open_loaded_ms)
        return;
    a->nopen = 0;
    store_event_each(a->s, 0, 1, collect_open, a);
    a->open_loaded_ms = now_ms;
}

/* ---- recording ---- */

/* Shows the record in a->record (done, or already when it is an earlier
 * one) and prints its receipt when it is new. */
static void show_record(app *a, ui_ctx *u, int already)
{
    a->have_record = 1;
    a->already = already;
    app_receipt_prepare(a);
    a->print_state = APP_PRINT_NONE;
    a->print_test = 0;
    if (!already)
        app_print(a);
    app_goto(a, u, already ? APP_ALREADY : APP_DONE);
}

/* Explains a store failure in plain Spanish. */
static void store_failure(app *a, int rc)
{
    switch (rc) {
    case STORE_CLOSED:
        app_set_message(a, 1, "Este evento ya no recibe registros. Pregunte a la persona coordinadora.");
        break;
    case STORE_NOTFOUND:
        app_set_message(a, 1, "No encontramos su registro en el padrón. Pregunte a la persona coordinadora.");
        break;
    case STORE_FULL:
        app_set_message(a, 1, "No hay espacio para guardar su registro. Avise a la persona coordinadora.");
        break;
    case STORE_READONLY:
        app_set_message(a, 1, "El equipo no puede guardar registros en este momento. Avise a la persona coordinadora.");
        break;
    default:
        app_set_message(a, 1, "No se pudo guardar su registro. Intente de nuevo o avise a la persona coordinadora.");
        break;
    }
}

void app_record_checkin(app *a, ui_ctx *u, const void *sig, size_t siglen)
{
    store_record r;
    int guest = strcmp(a->method, "guest") == 0;
    int rc = store_checkin(a->s, a->event.id, guest ? NULL : a->person.employee_no, guest ? a->guest : NULL,
                           a->method, sig, siglen, u->now_ms / 1000, &r);
    if (rc == STORE_OK || rc == STORE_EXISTS) {
        a->record = r;
        app_refresh_open(a, u->now_ms, 1);
        show_record(a, u, rc == STORE_EXISTS);
        return;
    }
    app_goto(a, u, APP_HOME);
    store_failure(a, rc);
}

void app_record_pledge(app *a, ui_ctx *u, const void *sig, size_t siglen)
{
    store_record r;
    int rc = store_pledge(a->s, a->person.employee_no, a->carta_sha, a->privacy_sha, "kiosk", sig, siglen,
                          u->now_ms / 1000, u->now_ms / 1000, &r);
    if (rc == STORE_OK || rc == STORE_EXISTS) {
        a->record = r;
        show_record(a, u, rc == STORE_EXISTS);
        return;
    }
    app_goto(a, u, APP_HOME);
    store_failure(a, rc);
}

void app_confirmed(app *a, ui_ctx *u)
{
    store_record r;
    if (a->flow == APP_FLOW_CHECKIN) {
        if (store_attendance_find(a->s, a->event.id, a->person.employee_no, &r) == STORE_OK) {
            a->record = r;
            show_record(a, u, 1);
        } else if (a->event.signature) {
            sig_clear(a->sig, 1, 1);
            a->sig_t0 = u->now_ms;
            app_goto(a, u, APP_SIGN);
        } else {
            app_record_checkin(a, u, NULL, 0);
        }
        return;
    }
    if (!a->carta || !a->privacy) {
        app_reset(a, u);
        app_set_message(a, 1, "La Carta Compromiso no está disponible en este equipo. Avise a la persona coordinadora.");
        return;
    }
    if (store_pledge_find(a->s, a->person.employee_no, a->carta_sha, &r) == STORE_OK) {
        a->record = r;
        show_record(a, u, 1);
        return;
    }
    a->carta_scroll = a->carta_read = 0;
    app_goto(a, u, APP_CARTA);
}

void app_signed(app *a, ui_ctx *u)
{
    if (!sig_is_enough(a->sig)) {
        app_set_message(a, 1, "La firma es muy corta. Firme de nuevo en el recuadro, por favor.");
        sig_clear(a->sig, a->sig->width, a->sig->height);
        return;
    }
    uint8_t *blob = NULL;
    size_t len = 0;
    if (sig_encode(a->sig, &blob, &len) != 0) {
        app_set_message(a, 1, "No se pudo guardar la firma. Intente de nuevo.");
        return;
    }
    if (a->flow == APP_FLOW_PLEDGE)
        app_record_pledge(a, u, blob, len);
    else
        app_record_checkin(a, u, blob, len);
    free(blob);
}

/* ---- identification ---- */

void app_identified(app *a, ui_ctx *u, const store_person *p, const char *method)
{
    a->person = *p;
    a->have_person = 1;
    snprintf(a->method, sizeof a->method, "%s", method);
    app_goto(a, u, APP_CONFIRM);
}

void app_lookup_number(app *a, ui_ctx *u, const char *number, const char *method)
{
    store_person p;
    char num[64];
    snprintf(num, sizeof num, "%s", number);
    util_trim(num);
    if (!util_is_token(num) || store_person_get(a->s, num, &p) != STORE_OK || !p.active) {
        app_set_message(a, 1, "No encontramos el número %s. Revíselo o busque su nombre.", num);
        a->number[0] = 0;
        return;
    }
    app_identified(a, u, &p, method);
}

/* A badge read on home: the fastest path when exactly one event is open and
 * it asks no signature; otherwise the person is identified and the flow goes
 * on from the confirm screen. */
static void badge_home(app *a, ui_ctx *u, const char *number)
{
    app_refresh_open(a, u->now_ms, 1);
    if (a->nopen == 0) {
        app_set_message(a, 1, "No hay ningún evento abierto. Para firmar la Carta Compromiso toque el botón.");
        return;
    }
    if (a->nopen > 1) {
        app_set_message(a, 1, "Hay varios eventos abiertos: toque primero el suyo y luego pase su gafete.");
        return;
    }
    store_person p;
    if (!util_is_token(number) || store_person_get(a->s, number, &p) != STORE_OK || !p.active) {
        app_set_message(a, 1, "No encontramos el gafete %s en el padrón. Toque el evento para buscar su nombre.",
                        number);
        return;
    }
    a->flow = APP_FLOW_CHECKIN;
    a->event = a->open[0];
    a->have_event = 1;
    a->person = p;
    a->have_person = 1;
    snprintf(a->method, sizeof a->method, "badge");
    if (a->event.signature) {
        app_goto(a, u, APP_CONFIRM);
        return;
    }
    app_record_checkin(a, u, NULL, 0);
}

/* Keyboard-wedge input: characters then Enter, on home and identify. A read
 * that was too long for any employee number, or that carried control
 * characters or bytes that are not text, is refused as a whole: never
 * shortened into some other number. */
static void handle_wedge(app *a, ui_ctx *u)
{
    int lost = u->text_lost;
    u->text_lost = 0;
    if (a->screen != APP_HOME && a->screen != APP_IDENTIFY && a->screen != APP_ATTRACT)
        return;
    if (u->text[0] || u->text_bad || lost) {
        if (u->now_ms - a->wedge_ms > 3000) {
            a->wedge[0] = 0; /* stale characters from long ago */
            a->wedge_bad = 0;
        }
        size_t len = strlen(a->wedge);
        if (len + strlen(u->text) < sizeof a->wedge)
            strcat(a->wedge, u->text);
        else
            a->wedge_bad = 1;
        if (u->text_bad || lost)
            a->wedge_bad = 1;
        a->wedge_ms = u->now_ms;
    }
    if (!u->key_enter || (!a->wedge[0] && !a->wedge_bad))
        return;
    char number[64];
    snprintf(number, sizeof number, "%s", a->wedge);
    int bad = a->wedge_bad;
    u->key_enter = 0; /* this Enter ended the badge read */
    a->wedge[0] = 0;
    a->wedge_bad = 0;
    util_trim(number);
    if (a->screen == APP_ATTRACT)
        app_goto(a, u, APP_HOME);
    if (bad) {
        app_set_message(a, 1, "No se pudo leer el gafete. Páselo de nuevo por el lector o escriba su número de "
                              "empleado.");
        return;
    }
    if (!number[0])
        return;
    if (a->screen == APP_HOME)
        badge_home(a, u, number);
    else
        app_lookup_number(a, u, number, "badge");
}

/* ---- daily backup ---- */

/* Copies the database once per calendar day (the unit's zone) with the
 * SQLite backup API, while nobody is using the kiosk: on home or the
 * attract loop after APP_BACKUP_IDLE_MS without input. The day of the last
 * good copy is kept in the store (meta "last_backup_day"), so a restart
 * does not copy again. A failure never interrupts the kiosk: it is retried
 * after APP_BACKUP_RETRY_MS and told only in coordinator mode. An empty
 * [backup] dir turns the copies off. */
static void daily_backup(app *a, ui_ctx *u)
{
    if (!a->c->backup_dir[0] || (a->screen != APP_HOME && a->screen != APP_ATTRACT))
        return;
    if (u->now_ms - a->last_input_ms < APP_BACKUP_IDLE_MS)
        return;
    char today[16];
    util_format_time(a->tz, u->now_ms / 1000, "%Y-%m-%d", today, sizeof today);
    if (strcmp(today, a->backup_day) == 0)
        return;
    if (a->backup_tried_ms && u->now_ms - a->backup_tried_ms < APP_BACKUP_RETRY_MS &&
        u->now_ms >= a->backup_tried_ms)
        return;
    a->backup_tried_ms = u->now_ms;
    char path[1024], err[512], when[32];
    int keep = a->c->backup_keep > 0 ? a->c->backup_keep : 7;
    util_format_time(a->tz, u->now_ms / 1000, "%d/%m/%Y a las %H:%M", when, sizeof when);
    if (backup_run(a->s, a->c->backup_dir, keep, u->now_ms / 1000, path, sizeof path, err, sizeof err) != 0) {
        a->backup_error = 1;
        snprintf(a->backup_msg, sizeof a->backup_msg,
                 "No se pudo hacer la copia de seguridad del día (%s) en %s. Revise que la carpeta exista y tenga "
                 "espacio; se intentará de nuevo en 10 minutos. Detalle: %.200s",
                 when, a->c->backup_dir, err);
        return;
    }
    a->backup_error = 0;
    snprintf(a->backup_day, sizeof a->backup_day, "%s", today);
    if (store_meta_set(a->s, "last_backup_day", today) != STORE_OK) {
        /* The copy exists; at worst another one is made after a restart. */
    }
    snprintf(a->backup_msg, sizeof a->backup_msg, "Copia de seguridad del día: %s, en %s.%s", when, path,
             err[0] ? " Aviso: el reloj retrocedió (una copia anterior tiene fecha posterior a hoy); revise la "
                      "fecha del quiosco." : "");
}

/* ---- frame ---- */

static int64_t idle_limit(const app *a)
{
    if (app_in_coordinator(a) || a->screen == APP_PIN)
        return a->screen == APP_PIN ? 60000 : APP_COORD_IDLE_MS;
    if (a->screen == APP_DONE || a->screen == APP_ALREADY)
        return APP_DONE_MS;
    int t = a->c->idle_timeout > 0 ? a->c->idle_timeout : 45;
    return (int64_t)t * 1000;
}

void app_frame(app *a, ui_ctx *u)
{
    free(a->qr_stale); /* last frame's draw commands are done with it */
    a->qr_stale = NULL;
    if (u->had_input)
        a->last_input_ms = u->now_ms;
    if (u->now_ms < a->last_input_ms)
        a->last_input_ms = u->now_ms; /* the clock went back */
    app_print_poll(a);
    u->text_scale = a->large_text ? THEME_LARGE_TEXT : 1.0f;
    ui_set_seed(u, app_screen_name(a->screen));
    handle_wedge(a, u);

    daily_backup(a, u);
    int64_t idle = u->now_ms - a->last_input_ms;
    if (a->screen == APP_HOME && idle >= APP_ATTRACT_AFTER_MS && a->attract_n > 0)
        app_goto(a, u, APP_ATTRACT);
    else if (a->screen != APP_HOME && a->screen != APP_ATTRACT && idle >= idle_limit(a))
        app_reset(a, u);

    SCREENS[a->screen](a, u);

    /* The visible countdown of the last seconds before the reset. */
    int64_t left = idle_limit(a) - (u->now_ms - a->last_input_ms);
    if (a->screen != APP_HOME && a->screen != APP_ATTRACT && left <= APP_COUNTDOWN_MS) {
        char label[128];
        snprintf(label, sizeof label, "¿Sigue ahí? Volveremos al inicio en %d s. Toque la pantalla para continuar.",
                 (int)((left + 999) / 1000));
        int m = app_margin(u), h = ui_countdown_h(u, u->w - 2 * m, label);
        ui_countdown(u, (ui_rect){m, u->h - h - m / 2, u->w - 2 * m, h}, left, APP_COUNTDOWN_MS, label);
    }
}

/* ---- coordinator data ---- */

static int collect_coord(const store_event *e, void *arg)
{
    app *a = arg;
    if (a->ncoord_events < APP_MAX_COORD_EVENTS)
        a->coord_events[a->ncoord_events++] = *e;
    return 0;
}

/* Today's events: those starting today in the unit's zone, and any open. */
static int collect_today(const store_event *e, void *arg)
{
    void **ctx = arg;
    app *a = ctx[0];
    const char *today = ctx[1];
    if (strncmp(e->start, today, 10) == 0 || strcmp(e->state, "open") == 0)
        collect_coord(e, a);
    return 0;
}

/* Keeps the newest APP_MAX_ATTENDEES attendees of the selected event. */
static int collect_attendee(const store_attendee *at, void *arg)
{
    app *a = arg;
    if (a->nattendees >= APP_MAX_ATTENDEES)
        return 1;
    app_attendee *d = &a->attendees[a->nattendees++];
    snprintf(d->name, sizeof d->name, "%s", at->name);
    snprintf(d->unit, sizeof d->unit, "%s", at->unit);
    d->at = at->r.at;
    d->guest = at->guest;
    return 0;
}

void app_coord_load(app *a, int64_t now_ms)
{
    char today[16];
    util_format_time(a->tz, now_ms / 1000, "%Y-%m-%d", today, sizeof today);
    a->ncoord_events = 0;
    void *ctx[2] = {a, today};
    store_event_each(a->s, 0, 0, collect_today, ctx);
    if (a->coord_sel >= a->ncoord_events)
        a->coord_sel = 0;
    a->nattendees = 0;
    if (a->ncoord_events > 0)
        store_attendance_each(a->s, a->coord_events[a->coord_sel].id, 1, collect_attendee, a);
    a->coord_loaded_ms = now_ms;
    char real[PATH_MAX];
    snprintf(a->export_path, sizeof a->export_path, "%s", realpath(a->c->export_dir, real) ? real : a->c->export_dir);
    if (a->coord_tab != 2)
        return;
    if (!a->ind)
        a->ind = calloc(1, sizeof(indicators));
    else
        indicators_free(a->ind);
    if (a->ind) {
        struct tm tm;
        util_utc_to_local(a->tz, now_ms / 1000, &tm);
        if (indicators_compute(a->s, a->c, tm.tm_year + 1900, a->ind) != STORE_OK) {
            free(a->ind);
            a->ind = NULL;
        }
    }
    a->coord_loaded_ms = now_ms;
}
