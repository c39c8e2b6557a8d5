/* app.c — see app.h. The kiosk's common machinery: screen changes, the idle
 * reset, the badge scanner, recording check-ins and pledges, the receipt and
 * its printing on a worker thread, and the header every screen shares. */
#include "app.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "indicators.h"
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
        snprintf(a->tz, sizeof a->tz, "America/Mexico_City");
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
    *out = a;
    a = NULL;
    rc = 0;
cleanup:
    app_free(a);
    return rc;
}

static void job_wait(app *a)
{
    if (a->job) {
        pthread_join(a->job_thread, NULL);
        free(a->job);
        a->job = NULL;
    }
}

void app_free(app *a)
{
    if (!a)
        return;
    job_wait(a);
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

static void qr_drop(app *a);

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
    qr_drop(a);
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

/* ---- receipts and printing ---- */

static void *print_worker(void *arg)
{
    app_print_job *j = arg;
    j->rc = receipt_print(&j->r, &j->c, j->err, sizeof j->err);
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void start_job(app *a)
{
    app_print_job *j = calloc(1, sizeof *j);
    if (!j) {
        a->print_state = APP_PRINT_FAILED;
        snprintf(a->print_err, sizeof a->print_err, "sin memoria");
        return;
    }
    j->r = a->rcpt;
    j->c = *a->c;
    if (pthread_create(&a->job_thread, NULL, print_worker, j) != 0) {
        free(j);
        a->print_state = APP_PRINT_FAILED;
        snprintf(a->print_err, sizeof a->print_err, "no se pudo iniciar la impresión");
        return;
    }
    a->job = j;
    a->print_state = APP_PRINT_BUSY;
}

void app_print(app *a)
{
    if (!a->have_receipt) {
        a->print_state = APP_PRINT_FAILED;
        return;
    }
    if (a->job) {
        a->job_pending = 1; /* printed when the printer is free */
        a->print_state = APP_PRINT_BUSY;
        return;
    }
    start_job(a);
}

static void poll_job(app *a)
{
    if (!a->job || !__atomic_load_n(&a->job->done, __ATOMIC_ACQUIRE))
        return;
    int rc = a->job->rc;
    snprintf(a->print_err, sizeof a->print_err, "%s", a->job->err);
    job_wait(a);
    if (a->job_pending) {
        a->job_pending = 0;
        start_job(a);
        return;
    }
    a->print_state = rc == 0 ? APP_PRINT_OK : APP_PRINT_FAILED;
}

/* Lets go of the QR on screen. This frame's draw commands may still point
 * at it (a screen can reset the app mid-frame), so it is freed at the start
 * of the next frame, not now. */
static void qr_drop(app *a)
{
    free(a->qr_stale);
    a->qr_stale = a->qr;
    a->qr = NULL;
    a->qr_size = 0;
}

/* Builds the receipt and QR of a->record and starts printing it. */
static void prepare_receipt(app *a)
{
    char err[256];
    qr_drop(a);
    a->have_receipt = receipt_build(a->s, a->c, a->db_path, &a->record, &a->rcpt, err, sizeof err) == 0;
    if (a->have_receipt && receipt_qr(a->rcpt.payload, &a->qr, &a->qr_size) != 0) {
        a->qr = NULL;
        a->qr_size = 0;
    }
    if (!a->have_receipt)
        snprintf(a->print_err, sizeof a->print_err, "%s", err);
}

static void show_record(app *a, ui_ctx *u, int already)
{
    a->have_record = 1;
    a->already = already;
    prepare_receipt(a);
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
    snprintf(a->backup_msg, sizeof a->backup_msg, "Copia de seguridad del día: %s, en %s.", when, path);
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
    poll_job(a);
    u->text_scale = a->large_text ? 1.25f : 1.0f;
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

/* ---- layout ---- */

int app_portrait(const ui_ctx *u)
{
    return u->h > u->w;
}

int app_margin(const ui_ctx *u)
{
    return ui_px(u, 48);
}

ui_rect app_header(app *a, ui_ctx *u, const char *title)
{
    const ui_theme *t = &u->theme;
    int portrait = app_portrait(u);
    int m = app_margin(u), gap = ui_px(u, 24), vpad = ui_px(u, 18);
    char clock[32], date[64], when[100];
    static const char *const months[] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                         "agosto", "septiembre", "octubre", "noviembre", "diciembre"};
    struct tm tm;
    util_utc_to_local(a->tz, u->now_ms / 1000, &tm);
    snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
    snprintf(date, sizeof date, "%d de %s", tm.tm_mday, months[tm.tm_mon % 12]);
    snprintf(when, sizeof when, "%s · %s", clock, date);
    int toggle_w = ui_px(u, 290), toggle_h = ui_px(u, 84);
    int f2 = ui_font(u, 28), fc = ui_font(u, 44);
    const char *head = title && *title ? title : a->institution;
    char sub[300];
    snprintf(sub, sizeof sub, "%s%s%s", title && *title ? a->institution : "", title && *title ? " · " : "",
             a->unit_name);
    /* The institution logo, on home only, at the left of the title: on a
     * light plate (logos are drawn for paper) as tall as the header's
     * smallest height (in portrait: its first row, so the place line keeps
     * the full width), keeping its aspect ratio, at most a quarter of the
     * screen wide. Without one the header is laid out as if it were not
     * there at all. */
    int logo = a->screen == APP_HOME && a->logo_w > 0 && a->logo_h > 0;
    int iw = 0, ih = 0, lpad = ui_px(u, 8);
    if (logo) {
        ih = (portrait ? toggle_h : ui_px(u, 132) - 2 * vpad) - 2 * lpad;
        iw = (int)((int64_t)ih * a->logo_w / a->logo_h);
        if (iw + 2 * lpad > u->w / 4) {
            iw = u->w / 4 - 2 * lpad;
            ih = (int)((int64_t)iw * a->logo_h / a->logo_w);
        }
        logo = iw > 0 && ih > 0;
    }
    int lx = logo ? iw + 2 * lpad + gap : 0; /* the texts start this much further right */
    /* The title shrinks down to the body size, then takes two lines; the
     * place line takes two lines when it must. The header grows to fit. */
    int hh, logo_cy = 0; /* logo_cy: the logo's vertical centre */
    ui_rect title_r, sub_r, when_r = {0, 0, 0, 0}, tg;
    int f1;
    if (portrait) {
        /* Row 1: title and the toggle; row 2: the place, and the time. */
        int ww = ui_text_w(u, when, f2, 1);
        title_r = (ui_rect){m + lx, vpad, u->w - 2 * m - toggle_w - gap - lx, 0};
        f1 = ui_fit_size(u, head, title_r.w, ui_font(u, 36), ui_font(u, 30), 1);
        int n1 = ui_text_nlines(u, head, title_r.w, f1, 1);
        title_r.h = (n1 > 2 ? 2 : n1) * ui_line_h(f1);
        if (title_r.h < toggle_h)
            title_r.y += (toggle_h - title_r.h) / 2;
        int row1 = title_r.h > toggle_h ? title_r.h : toggle_h;
        sub_r = (ui_rect){m, vpad + row1 + ui_px(u, 8), u->w - 2 * m - ww - gap, 0};
        logo_cy = vpad + row1 / 2;
        int n2 = ui_text_nlines(u, sub, sub_r.w, f2, 0);
        sub_r.h = (n2 > 2 ? 2 : n2) * ui_line_h(f2);
        when_r = (ui_rect){u->w - m - ww, sub_r.y, ww, ui_line_h(f2)};
        tg = (ui_rect){u->w - m - toggle_w, vpad + (row1 - toggle_h) / 2, toggle_w, toggle_h};
        hh = sub_r.y + sub_r.h + vpad;
    } else {
        int clock_w = ui_text_w(u, date, f2, 0);
        if (ui_text_w(u, clock, fc, 1) > clock_w)
            clock_w = ui_text_w(u, clock, fc, 1);
        int text_w = u->w - 2 * m - toggle_w - clock_w - 2 * gap - lx;
        f1 = ui_fit_size(u, head, text_w, ui_font(u, 36), ui_font(u, 30), 1);
        int n1 = ui_text_nlines(u, head, text_w, f1, 1), n2 = ui_text_nlines(u, sub, text_w, f2, 0);
        n1 = n1 > 2 ? 2 : n1;
        n2 = n2 > 2 ? 2 : n2;
        int th = n1 * ui_line_h(f1) + n2 * ui_line_h(f2);
        hh = ui_px(u, 132);
        if (th + 2 * vpad > hh)
            hh = th + 2 * vpad;
        logo_cy = hh / 2;
        title_r = (ui_rect){m + lx, (hh - th) / 2, text_w, n1 * ui_line_h(f1)};
        sub_r = (ui_rect){m + lx, title_r.y + title_r.h, text_w, n2 * ui_line_h(f2)};
        int cx = u->w - m - toggle_w - gap - clock_w, ct = (hh - ui_line_h(fc) - ui_line_h(f2)) / 2;
        ui_draw_rect(u, (ui_rect){0, 0, u->w, u->h}, t->bg, 0);
        ui_draw_rect(u, (ui_rect){0, 0, u->w, hh}, t->accent, 0);
        ui_text(u, (ui_rect){cx, ct, clock_w, ui_line_h(fc)}, clock, fc, 1, t->on_accent, UI_RIGHT);
        ui_text(u, (ui_rect){cx, ct + ui_line_h(fc), clock_w, ui_line_h(f2)}, date, f2, 0, t->on_accent, UI_RIGHT);
        tg = (ui_rect){u->w - m - toggle_w, (hh - toggle_h) / 2, toggle_w, toggle_h};
    }
    if (portrait) {
        ui_draw_rect(u, (ui_rect){0, 0, u->w, u->h}, t->bg, 0);
        ui_draw_rect(u, (ui_rect){0, 0, u->w, hh}, t->accent, 0);
        ui_text(u, when_r, when, f2, 1, t->on_accent, UI_RIGHT);
    }
    if (logo) {
        ui_rect plate = {m, logo_cy - ih / 2 - lpad, iw + 2 * lpad, ih + 2 * lpad};
        ui_draw_rect(u, plate, 0xFFFFFF, ui_px(u, 12));
        ui_draw_image(u, (ui_rect){plate.x + lpad, plate.y + lpad, iw, ih}, APP_IMAGE_LOGO);
    }
    ui_text_lines(u, title_r, head, f1, 1, t->on_accent, UI_LEFT, 2, 1);
    ui_text_lines(u, sub_r, sub, f2, 0, t->on_accent, UI_LEFT, 2, 1);
    /* Larger-text toggle, on every screen. */
    int pressed;
    if (ui_hit(u, tg, a->large_text ? "Letra normal" : "Letra grande", 1, &pressed)) {
        a->large_text = !a->large_text;
        u->text_scale = a->large_text ? 1.25f : 1.0f;
    }
    ui_draw_rect(u, tg, pressed ? t->pressed : t->on_accent, ui_px(u, 42));
    ui_rect tgi = {tg.x + ui_px(u, 3), tg.y + ui_px(u, 3), tg.w - ui_px(u, 6), tg.h - ui_px(u, 6)};
    ui_draw_rect(u, tgi, pressed ? t->pressed : t->accent, ui_px(u, 40));
    ui_text(u, tgi, a->large_text ? "A  Letra normal" : "A+ Letra grande", ui_px(u, 30), 1, t->on_accent,
            UI_CENTER);
    /* The coordinator's corner: a 3-second press on the top-left corner. */
    if (!app_in_coordinator(a) && a->screen != APP_PIN &&
        ui_long_press(u, (ui_rect){0, 0, ui_px(u, 140), hh}, "coordinator-corner", APP_CORNER_MS)) {
        app_reset(a, u);
        app_goto(a, u, APP_PIN);
    }
    return (ui_rect){m, hh + m / 2, u->w - 2 * m, u->h - hh - m};
}

ui_rect app_banner(app *a, ui_ctx *u, ui_rect body)
{
    if (!a->message[0])
        return body;
    int f = ui_font(u, 32), pad = ui_px(u, 24);
    int th = ui_text_wrap(u, (ui_rect){0, 0, body.w - 2 * pad, 0}, a->message, f, 1, 0, UI_LEFT, 0);
    ui_rect b = {body.x, body.y, body.w, th + 2 * pad};
    ui_color bg = a->message_error ? 0xFDECEA : 0xE7F4EA, fg = a->message_error ? 0x8C1D18 : 0x14532D;
    ui_draw_rect(u, b, bg, ui_px(u, 12));
    ui_draw_rect(u, (ui_rect){b.x, b.y, ui_px(u, 10), b.h}, fg, 0);
    ui_text_wrap(u, (ui_rect){b.x + pad, b.y + pad, b.w - 2 * pad, th}, a->message, f, 1, fg, UI_LEFT, 1);
    int used = b.h + ui_px(u, 24);
    return (ui_rect){body.x, body.y + used, body.w, body.h - used};
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

/* ---- demo states for screenshots ---- */

static int first_person(const store_person *p, void *arg)
{
    *(store_person *)arg = *p;
    return 1;
}

int app_demo(app *a, ui_ctx *u, const char *name)
{
    int sc = app_screen_by_name(name);
    int printfail = strcmp(name, "done-printfail") == 0, pledge = strncmp(name, "pledge-", 7) == 0;
    if (printfail)
        sc = APP_DONE;
    if (pledge)
        sc = app_screen_by_name(name + 7);
    if (strcmp(name, "search") == 0)
        sc = APP_IDENTIFY;
    if (sc < 0)
        return -1;
    app_reset(a, u);
    store_person p;
    memset(&p, 0, sizeof p);
    store_person_each(a->s, NULL, first_person, &p);
    if (!p.employee_no[0]) {
        snprintf(p.employee_no, sizeof p.employee_no, "10234");
        snprintf(p.given_name, sizeof p.given_name, "María José");
        snprintf(p.surname1, sizeof p.surname1, "Peña");
        snprintf(p.surname2, sizeof p.surname2, "Gómez");
        snprintf(p.unit, sizeof p.unit, "%s", a->unit_code);
        snprintf(p.area, sizeof p.area, "Departamento de Salud");
        p.active = 1;
    }
    a->flow = pledge ? APP_FLOW_PLEDGE : APP_FLOW_CHECKIN;
    if (a->nopen > 0) {
        a->event = a->open[0];
        a->have_event = 1;
    } else {
        snprintf(a->event.title, sizeof a->event.title, "Taller: conflicto de intereses");
    }
    a->person = p;
    a->have_person = 1;
    snprintf(a->method, sizeof a->method, "search");
    if (strcmp(name, "search") == 0) {
        a->id_mode = 1;
        snprintf(a->search, sizeof a->search, "%.3s", p.surname1[0] ? p.surname1 : "pe");
    }
    if (sc == APP_GUEST)
        snprintf(a->guest, sizeof a->guest, "Ana Lucía Torres");
    if (sc == APP_DONE || sc == APP_ALREADY) {
        memset(&a->record, 0, sizeof a->record);
        /* A folio like a real one: this kiosk's id and a counter. */
        snprintf(a->record.folio, sizeof a->record.folio, "%s-000123",
                 store_kiosk_id(a->s)[0] ? store_kiosk_id(a->s) : "1VTDMP9");
        a->record.at = u->now_ms / 1000;
        a->have_record = 1;
        a->already = sc == APP_ALREADY;
        snprintf(a->rcpt.payload, sizeof a->rcpt.payload, "CK1:DEMO0RECEIPT0PAYLOAD0FOR0SCREENSHOTS");
        snprintf(a->rcpt.folio, sizeof a->rcpt.folio, "%s", a->record.folio);
        a->have_receipt = 1;
        if (receipt_qr(a->rcpt.payload, &a->qr, &a->qr_size) != 0)
            a->qr = NULL;
        a->print_state = printfail ? APP_PRINT_FAILED : APP_PRINT_OK;
    }
    if (sc == APP_COORD || sc == APP_COORD_EVENT)
        app_coord_load(a, u->now_ms);
    app_goto(a, u, sc);
    if (sc == APP_SIGN) {
        /* A sample signature. */
        a->sig_t0 = u->now_ms;
        (void)0;
    }
    return 0;
}

/* ---- flow steps ---- */

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

/* ---- small layout helpers ---- */

void app_field(ui_ctx *u, ui_rect r, const char *text, const char *placeholder)
{
    const ui_theme *t = &u->theme;
    int f = ui_font(u, 44), pad = ui_px(u, 24);
    ui_draw_rect(u, r, t->accent, ui_px(u, 12));
    ui_draw_rect(u, (ui_rect){r.x + ui_px(u, 3), r.y + ui_px(u, 3), r.w - ui_px(u, 6), r.h - ui_px(u, 6)},
                 t->surface, ui_px(u, 10));
    ui_rect in = {r.x + pad, r.y, r.w - 2 * pad - ui_px(u, 10), r.h};
    if (!text[0]) {
        ui_text(u, in, placeholder, ui_font(u, 32), 0, t->muted, UI_LEFT);
        return;
    }
    int w = ui_text_w(u, text, f, 1);
    if (w > in.w) {
        /* Show the end of a long text. */
        const char *p = text;
        while (*p && ui_text_w(u, p, f, 1) > in.w)
            do
                p++;
            while ((*p & 0xC0) == 0x80);
        text = p;
        w = ui_text_w(u, text, f, 1);
    }
    ui_text(u, in, text, f, 1, t->ink, UI_LEFT);
    if ((u->now_ms / 500) % 2 == 0)
        ui_draw_rect(u, (ui_rect){in.x + w + ui_px(u, 4), r.y + r.h / 5, ui_px(u, 4), r.h * 3 / 5}, t->accent, 0);
}

ui_rect app_title(ui_ctx *u, ui_rect r, const char *title, const char *subtitle)
{
    int f1 = ui_font(u, 48), f2 = ui_font(u, 30);
    int h = ui_text_wrap(u, (ui_rect){r.x, r.y, r.w, 0}, title, f1, 1, u->theme.ink, UI_LEFT, 1);
    if (subtitle && *subtitle)
        h += ui_text_wrap(u, (ui_rect){r.x, r.y + h, r.w, 0}, subtitle, f2, 0, u->theme.muted, UI_LEFT, 1);
    h += ui_px(u, 24);
    return (ui_rect){r.x, r.y + h, r.w, r.h - h};
}

void app_split_h(ui_rect r, int w, int gap, ui_rect *left, ui_rect *right)
{
    *left = (ui_rect){r.x, r.y, w, r.h};
    *right = (ui_rect){r.x + w + gap, r.y, r.w - w - gap, r.h};
}

ui_rect app_take_bottom(ui_rect *r, int h, int gap)
{
    ui_rect b = {r->x, r->y + r->h - h, r->w, h};
    r->h -= h + gap;
    return b;
}
