/* app.c — see app.h. The kiosk's state machine: screen changes, the idle
 * reset and the attract loop, the badge scanner and its queue, the slow-down
 * of lookups that find no one, recording check-ins and pledges, the daily
 * backup, the coordinator's data, and when the screen next changes by
 * itself (app_next_wake). The receipt and its printing are in app_print.c,
 * the layout the screens share in layout.c, the sample screens in demo.c.
 *
 * A badge read (characters, then Enter) is acted on on every screen: on
 * home, attract, the privacy notice, identify, done and already it is
 * looked up at once (on done and already it starts the next person); in
 * the middle of someone else's flow (confirm, sign, Carta, privacy, guest)
 * and in coordinator mode it waits in a queue, with the message "Hay una
 * persona registrándose; su gafete se registrará enseguida", and is looked
 * up when that flow ends: back on home, or APP_QUEUE_SHOW_MS after its done
 * screen appeared, so the person before sees their confirmation. A person
 * is never switched silently for another.
 */
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
#include "text.h"
#include "theme.h"
#include "util.h"

static const char *const SCREEN_NAMES[APP_SCREEN_COUNT] = {
    [APP_HOME] = "home",         [APP_ATTRACT] = "attract", [APP_IDENTIFY] = "identify",
    [APP_CONFIRM] = "confirm",   [APP_SIGN] = "sign",       [APP_DONE] = "done",
    [APP_ALREADY] = "already",   [APP_GUEST] = "guest",     [APP_CARTA] = "carta",
    [APP_PRIVACY] = "privacy",   [APP_NOTICE] = "notice",   [APP_PIN] = "pin",
    [APP_COORD] = "coord",       [APP_COORD_EVENT] = "coord-event", [APP_COORD_FOLIO] = "coord-folio",
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
    [APP_COORD_FOLIO] = app_screen_coord_folio,
};

const char *const APP_TOPICS[][2] = {
    {"etica", "Ética"},
    {"integridad", "Integridad"},
    {"conflicto-intereses", "Conflicto de intereses"},
    {"igualdad-genero", "Igualdad de género"},
    {"violencia-genero", "Violencia de género"},
    {"hsas", "Hostigamiento y acoso sexual"},
    {"discriminacion", "No discriminación"},
    {"codigo-conducta", "Código de Conducta"},
    {NULL, NULL},
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
    return a->screen == APP_COORD || a->screen == APP_COORD_EVENT || a->screen == APP_COORD_FOLIO;
}

int app_has_printer(const app *a)
{
    return a->c->printer_uri[0] && strcmp(a->c->printer_uri, "none") != 0;
}

static void set_message_v(app *a, int cause, int error, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void set_message_v(app *a, int cause, int error, const char *fmt, va_list ap)
{
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    a->message_error = error;
    a->message_cause = cause;
}

void app_set_message(app *a, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message_v(a, APP_CAUSE_NONE, error, fmt, ap);
    va_end(ap);
}

void app_set_cause(app *a, int cause, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message_v(a, cause, error, fmt, ap);
    va_end(ap);
}

void app_format_start(const char *start, int with_time, char *out, size_t outlen)
{
    int y, mo, d, h = 0, mi = 0;
    if (sscanf(start, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) < 3) {
        snprintf(out, outlen, "%s", start);
        return;
    }
    if (with_time)
        snprintf(out, outlen, "%02d/%02d/%04d %02d:%02d", d, mo, y, h, mi);
    else
        snprintf(out, outlen, "%02d/%02d/%04d", d, mo, y);
}

int app_event_stale(const app *a, const store_event *e, char *date, size_t datelen)
{
    if (date)
        app_format_start(e->start, 0, date, datelen);
    return a->today[0] && strlen(e->start) >= 10 && strncmp(e->start, a->today, 10) < 0;
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
    a->message_cause = APP_CAUSE_NONE;
    ui_cancel_press(u);
    /* A screen just shown ignores taps for a moment: the second tap of a
     * double tap lands on the new screen otherwise. */
    ui_settle(u, u->now_ms + APP_SETTLE_MS);
    ui_set_seed(u, app_screen_name(screen));
}

/* ---- lookups that find no one ---- */

/* Forgives one miss per APP_MISS_DECAY_MS without a new one. */
static void misses_decay(app *a, int64_t now)
{
    if (now < a->miss_ms)
        a->miss_ms = now; /* the clock went back */
    if (a->misses <= 0)
        return;
    int64_t k = (now - a->miss_ms) / APP_MISS_DECAY_MS;
    if (k <= 0)
        return;
    a->misses = k >= a->misses ? 0 : a->misses - (int)k;
    a->miss_ms += k * APP_MISS_DECAY_MS;
}

/* A lookup ended in no record: past the free ones, the next lookup waits
 * 2 s, then 4, 8, 16, up to APP_MISS_MAX_WAIT_MS. */
static void lookup_missed(app *a, int64_t now)
{
    misses_decay(a, now);
    a->misses++;
    a->miss_ms = now;
    if (a->misses <= APP_MISS_FREE)
        return;
    int shift = a->misses - APP_MISS_FREE - 1;
    int64_t wait = shift >= 15 ? APP_MISS_MAX_WAIT_MS : 2000LL << shift;
    if (wait > APP_MISS_MAX_WAIT_MS)
        wait = APP_MISS_MAX_WAIT_MS;
    a->lookup_after = now + wait;
}

/* Seconds before the next lookup may run (0: now). */
static int lookup_wait_s(app *a, int64_t now)
{
    if (a->lookup_after > now + APP_MISS_MAX_WAIT_MS)
        a->lookup_after = now + APP_MISS_MAX_WAIT_MS; /* the clock went back */
    return now < a->lookup_after ? (int)((a->lookup_after - now + 999) / 1000) : 0;
}

static void wait_message(app *a, int seconds)
{
    app_set_cause(a, APP_CAUSE_WAIT, 1,
                  "Por seguridad, después de varias búsquedas sin resultado hay que esperar %d s antes de la "
                  "siguiente.", seconds);
}

void app_not_me(app *a, ui_ctx *u)
{
    if (a->shown_unrecorded)
        lookup_missed(a, u->now_ms);
    a->shown_unrecorded = 0;
    a->have_person = 0;
    app_goto(a, u, APP_IDENTIFY);
}

/* ---- flows ---- */

void app_reset(app *a, ui_ctx *u)
{
    if (a->shown_unrecorded)
        lookup_missed(a, u->now_ms); /* a person was shown, and left without a record */
    a->shown_unrecorded = 0;
    a->stale_ok = 0;
    a->have_event = 0;
    a->id_mode = 0;
    /* Not the scanner's characters (a->wedge): a badge being read belongs
     * to the next person, and a reset (the queue moving on, "Terminar")
     * can come between its characters and its Enter. */
    a->number[0] = a->search[0] = a->searched[0] = a->guest[0] = a->pin[0] = 0;
    a->nresults = 0;
    a->results_more = 0;
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
    a->form_title[0] = a->form_place[0] = 0;
    a->folio[0] = a->folio_msg[0] = 0;
    a->export_msg[0] = 0;
    a->export_error = 0;
    a->print_test = 0;
    a->quit_confirm = 0;
    a->large_text = 0;
    u->text_scale = 1.0f;
    app_goto(a, u, APP_HOME);
    app_refresh_open(a, u->now_ms, 1);
}

void app_start_flow(app *a, ui_ctx *u, int flow)
{
    int large = a->large_text;
    app_reset(a, u);
    a->large_text = large; /* chosen on home, kept for the whole flow */
    u->text_scale = large ? THEME_LARGE_TEXT : 1.0f;
    a->flow = flow;
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
    if (!force && now_ms - a->open_loaded_ms < APP_REFRESH_MS && now_ms >= a->open_loaded_ms)
        return;
    a->nopen = 0;
    store_event_each(a->s, 0, 1, collect_open, a);
    a->open_loaded_ms = now_ms;
}

/* ---- recording ---- */

/* Shows the record in a->record: done with its receipt (printed when a
 * printer is configured), or already for an earlier one (no receipt: a
 * copy is the coordinator's to give, by folio). */
static void show_record(app *a, ui_ctx *u, int already)
{
    a->have_record = 1;
    a->already = already;
    a->shown_unrecorded = 0;
    a->print_state = APP_PRINT_NONE;
    a->print_test = 0;
    if (already) {
        app_qr_drop(a);
        a->have_receipt = 0;
    } else {
        app_receipt_prepare(a);
        if (app_has_printer(a))
            app_print(a);
    }
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
        const char *no = guest ? "" : a->person.employee_no;
        /* "Su registro ya existía" names someone already here and when
         * they came: a lookup without a new record, which slows the next
         * (the session-6 red team read 12 names in 23 s by typing numbers
         * as badge reads). Not the person's own second read of their badge
         * just after registering, a common slip in a queue. */
        if (rc == STORE_EXISTS &&
            !(no[0] && strcmp(no, a->last_new_no) == 0 && u->now_ms - a->last_new_ms < APP_SECOND_READ_MS))
            lookup_missed(a, u->now_ms);
        if (rc == STORE_OK) {
            snprintf(a->last_new_no, sizeof a->last_new_no, "%s", no);
            a->last_new_ms = u->now_ms;
        }
        a->record = r;
        app_refresh_open(a, u->now_ms, 1);
        show_record(a, u, rc == STORE_EXISTS);
        return;
    }
    a->shown_unrecorded = 0; /* not the person's doing */
    app_reset(a, u);
    store_failure(a, rc);
}

void app_record_pledge(app *a, ui_ctx *u, const void *sig, size_t siglen)
{
    store_record r;
    int rc = store_pledge(a->s, a->person.employee_no, a->carta_sha, a->privacy_sha, "kiosk", sig, siglen,
                          u->now_ms / 1000, u->now_ms / 1000, &r);
    if (rc == STORE_OK) {
        a->record = r;
        show_record(a, u, 0);
        return;
    }
    if (rc == STORE_EXISTS) {
        /* Told only now, at the end of the whole flow, and without the
         * date: whether someone signed is not something to look up by
         * typing numbers. It counts as a lookup without a record. */
        a->record = r;
        lookup_missed(a, u->now_ms);
        show_record(a, u, 1);
        return;
    }
    a->shown_unrecorded = 0;
    app_reset(a, u);
    store_failure(a, rc);
}

void app_confirmed(app *a, ui_ctx *u)
{
    store_record r;
    a->stale_ok = 1;
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
        a->shown_unrecorded = 0;
        app_reset(a, u);
        app_set_message(a, 1, "La Carta Compromiso no está disponible en este equipo. Avise a la persona coordinadora.");
        return;
    }
    /* No look at earlier pledges here (see app_record_pledge). */
    a->carta_scroll = a->carta_read = 0;
    app_goto(a, u, APP_CARTA);
}

void app_signed(app *a, ui_ctx *u)
{
    if (!sig_is_enough(a->sig)) {
        app_set_cause(a, APP_CAUSE_SIGNATURE, 1, "La firma es muy corta. Firme de nuevo en el recuadro, por favor.");
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

/* 1 when another active person has the same full name (case and accents
 * aside): the confirm screen then shows the area too. */
static int has_namesake(app *a, const store_person *p)
{
    static store_person found[16];
    char name[400], want[400], other[400];
    store_person_fullname(p, name, sizeof name);
    util_fold(name, want, sizeof want);
    int n = store_search(a->s, name, found, 16);
    for (int i = 0; i < n; i++) {
        store_person_fullname(&found[i], name, sizeof name);
        util_fold(name, other, sizeof other);
        if (strcmp(other, want) == 0 && strcmp(found[i].employee_no, p->employee_no) != 0)
            return 1;
    }
    return 0;
}

void app_identified(app *a, ui_ctx *u, const store_person *p, const char *method)
{
    a->namesake = has_namesake(a, p);
    a->person = *p;
    a->have_person = 1;
    a->shown_unrecorded = 1;
    a->stale_ok = 0;
    snprintf(a->method, sizeof a->method, "%s", method);
    app_goto(a, u, APP_CONFIRM);
}

/* Looks number up in the roster: 1 and *p when an active person has it. */
static int roster_find(app *a, const char *number, store_person *p)
{
    return util_is_token(number) && store_person_get(a->s, number, p) == STORE_OK && p->active;
}

void app_lookup_number(app *a, ui_ctx *u, const char *number, const char *method)
{
    store_person p;
    char num[64];
    snprintf(num, sizeof num, "%s", number);
    util_trim(num);
    /* The number stays in the field, to be corrected or sent again. */
    snprintf(a->number, sizeof a->number, "%s", num);
    int wait = lookup_wait_s(a, u->now_ms);
    if (wait) {
        wait_message(a, wait);
        return;
    }
    if (!roster_find(a, num, &p)) {
        lookup_missed(a, u->now_ms);
        app_set_message(a, 1, "No encontramos el número %s. Revíselo o busque su nombre.", num);
        return;
    }
    app_identified(a, u, &p, method);
}

/* ---- the badge queue ---- */

/* Adds a badge read to the queue (once). Returns 0, or -1 when full. */
static int enqueue(app *a, const char *number)
{
    for (int i = 0; i < a->nqueue; i++)
        if (strcmp(a->queue[i], number) == 0)
            return 0;
    if (a->nqueue >= APP_QUEUE_MAX)
        return -1;
    snprintf(a->queue[a->nqueue++], sizeof a->queue[0], "%s", number);
    return 0;
}

static void queue_message(app *a)
{
    if (app_in_coordinator(a) || a->screen == APP_PIN)
        app_set_cause(a, APP_CAUSE_QUEUE, 0,
                      "Gafete en espera: se registrará al salir del modo coordinador.");
    else
        app_set_cause(a, APP_CAUSE_QUEUE, 0, "Hay una persona registrándose; su gafete se registrará enseguida.");
}

/* A badge read on home: the fastest path when exactly one event is open, it
 * asks no signature and it is today's; otherwise the person is identified
 * and the flow goes on from the confirm screen. While lookups are slowed
 * down the read waits in the queue. */
static void badge_home(app *a, ui_ctx *u, const char *number)
{
    app_refresh_open(a, u->now_ms, 1);
    if (a->nopen == 0) {
        app_set_cause(a, APP_CAUSE_NO_EVENT, 1,
                      "No hay ningún evento abierto. Para firmar la Carta Compromiso toque el botón.");
        return;
    }
    if (a->nopen > 1) {
        /* Kept: tapping an event card soon after registers it there. */
        snprintf(a->held, sizeof a->held, "%s", number);
        a->held_ms = u->now_ms;
        app_set_cause(a, APP_CAUSE_MANY, 0,
                      "Hay varios eventos abiertos: toque el suyo y su gafete se registrará en él.");
        return;
    }
    int wait = lookup_wait_s(a, u->now_ms);
    if (wait) {
        if (enqueue(a, number) == 0)
            app_set_cause(a, APP_CAUSE_WAIT, 0,
                          "Por seguridad hay que esperar %d s entre búsquedas; su gafete se registrará al terminar "
                          "la espera.", wait);
        else
            app_set_cause(a, APP_CAUSE_SCAN, 1,
                          "Hay muchos gafetes en espera. Espere un momento y pase el suyo de nuevo.");
        return;
    }
    store_person p;
    if (!roster_find(a, number, &p)) {
        lookup_missed(a, u->now_ms);
        app_set_cause(a, APP_CAUSE_SCAN, 1,
                      "No encontramos el gafete %s en el padrón. Toque el evento para buscar su nombre.", number);
        return;
    }
    a->flow = APP_FLOW_CHECKIN;
    a->event = a->open[0];
    a->have_event = 1;
    a->person = p;
    a->have_person = 1;
    a->shown_unrecorded = 1;
    a->stale_ok = 0;
    snprintf(a->method, sizeof a->method, "badge");
    if (a->event.signature || app_event_stale(a, &a->event, NULL, 0)) {
        app_goto(a, u, APP_CONFIRM);
        return;
    }
    app_record_checkin(a, u, NULL, 0);
}

/* A complete badge read: what it does depends on the screen (see the top
 * of this file). */
static void badge_read(app *a, ui_ctx *u, const char *number)
{
    switch (a->screen) {
    case APP_HOME:
    case APP_ATTRACT:
    case APP_NOTICE:
    case APP_DONE:
    case APP_ALREADY:
        if (a->nqueue > 0) {
            /* Others were first: behind them. */
            if (enqueue(a, number) == 0)
                queue_message(a);
            else
                app_set_cause(a, APP_CAUSE_SCAN, 1,
                              "Hay muchos gafetes en espera. Espere un momento y pase el suyo de nuevo.");
            return;
        }
        if (a->screen != APP_HOME)
            app_reset(a, u); /* the next person, at once */
        badge_home(a, u, number);
        return;
    case APP_IDENTIFY:
        /* The person using the kiosk: their own badge. */
        app_lookup_number(a, u, number, "badge");
        return;
    default:
        /* Someone else is in the middle of a flow, or the coordinator is
         * at work: never switch people silently. */
        if (enqueue(a, number) == 0)
            queue_message(a);
        else
            app_set_cause(a, APP_CAUSE_SCAN, 1,
                          "Hay muchos gafetes en espera. Espere un momento y pase el suyo de nuevo.");
        return;
    }
}

/* Looks the oldest queued badge up once the flow before it has ended. */
static void queue_run(app *a, ui_ctx *u)
{
    if (a->nqueue == 0 || lookup_wait_s(a, u->now_ms))
        return;
    int ready = a->screen == APP_HOME || a->screen == APP_ATTRACT || a->screen == APP_NOTICE ||
                ((a->screen == APP_DONE || a->screen == APP_ALREADY) &&
                 u->now_ms - a->screen_ms >= APP_QUEUE_SHOW_MS);
    if (!ready)
        return;
    char number[64];
    snprintf(number, sizeof number, "%s", a->queue[0]);
    memmove(a->queue[0], a->queue[1], sizeof a->queue[0] * (size_t)(a->nqueue - 1));
    a->nqueue--;
    if (a->screen != APP_HOME)
        app_reset(a, u);
    badge_home(a, u, number);
}

/* Keyboard-wedge input: characters then Enter, on every screen but the
 * coordinator's text forms. A read that was too long for any employee
 * number, or that carried control characters or bytes that are not text,
 * is refused as a whole: never shortened into some other number. */
static void handle_wedge(app *a, ui_ctx *u)
{
    int lost = u->text_lost;
    u->text_lost = 0;
    if (a->screen == APP_COORD_EVENT || a->screen == APP_COORD_FOLIO) {
        a->wedge[0] = 0; /* typed into the form */
        a->wedge_bad = 0;
        return;
    }
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
    a->scans++;
    a->scan_ms = u->now_ms;
    if (bad) {
        if (a->screen == APP_ATTRACT)
            app_goto(a, u, APP_HOME);
        app_set_cause(a, APP_CAUSE_SCAN, 1,
                      "No se pudo leer el gafete. Páselo de nuevo por el lector o escriba su número de empleado.");
        return;
    }
    if (number[0])
        badge_read(a, u, number);
}

/* A badge read on home while several events were open, then an event card
 * tapped: the badge is looked up in that event's flow. */
int app_take_held(app *a, ui_ctx *u, char *number, size_t len)
{
    if (!a->held[0])
        return 0;
    int fresh = u->now_ms - a->held_ms < APP_HELD_MS && u->now_ms >= a->held_ms;
    snprintf(number, len, "%s", a->held);
    a->held[0] = 0;
    return fresh;
}

/* ---- messages that go with their cause ---- */

static void causes_update(app *a, ui_ctx *u)
{
    if (!a->message[0])
        return;
    switch (a->message_cause) {
    case APP_CAUSE_NO_EVENT:
        if (a->nopen > 0)
            a->message[0] = 0;
        break;
    case APP_CAUSE_MANY:
        /* The read is kept APP_HELD_MS for an event card: then it is
         * dropped, and the message that promised it with it. */
        if (a->held[0] && (u->now_ms - a->held_ms >= APP_HELD_MS || u->now_ms < a->held_ms))
            a->held[0] = 0;
        if (a->nopen <= 1 || !a->held[0])
            a->message[0] = 0;
        break;
    case APP_CAUSE_SIGNATURE:
        if (a->sig->npoints > 0)
            a->message[0] = 0;
        break;
    case APP_CAUSE_QUEUE:
        if (a->nqueue == 0)
            a->message[0] = 0;
        break;
    case APP_CAUSE_WAIT: {
        int wait = lookup_wait_s(a, u->now_ms);
        if (!wait)
            a->message[0] = 0;
        else if (a->screen == APP_HOME && a->nqueue)
            app_set_cause(a, APP_CAUSE_WAIT, 0,
                          "Por seguridad hay que esperar %d s entre búsquedas; su gafete se registrará al terminar "
                          "la espera.", wait);
        else
            wait_message(a, wait);
        break;
    }
    case APP_CAUSE_SCAN:
        if (u->now_ms - a->message_ms > APP_MESSAGE_MS || u->now_ms < a->message_ms)
            a->message[0] = 0;
        break;
    default:
        break;
    }
    if (!a->message[0])
        a->message_cause = APP_CAUSE_NONE;
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

/* 1 when the idle countdown is drawn on the current screen: not on home,
 * the attract loop, or done and already (they simply go back home). */
static int has_countdown(const app *a)
{
    return a->screen != APP_HOME && a->screen != APP_ATTRACT && a->screen != APP_DONE && a->screen != APP_ALREADY;
}

void app_frame(app *a, ui_ctx *u)
{
    free(a->qr_stale); /* last frame's draw commands are done with it */
    a->qr_stale = NULL;
    if (u->had_input)
        a->last_input_ms = u->now_ms;
    if (u->now_ms < a->last_input_ms)
        a->last_input_ms = u->now_ms; /* the clock went back */
    if (u->now_ms / 60000 != a->today_min) {
        util_format_time(a->tz, u->now_ms / 1000, "%Y-%m-%d", a->today, sizeof a->today);
        a->today_min = u->now_ms / 60000;
    }
    app_print_poll(a);
    u->text_scale = a->large_text ? THEME_LARGE_TEXT : 1.0f;
    ui_set_seed(u, app_screen_name(a->screen));
    char msg[sizeof a->message];
    snprintf(msg, sizeof msg, "%s", a->message);
    handle_wedge(a, u);
    queue_run(a, u);
    if (a->nqueue > 0 && !a->message[0])
        queue_message(a);
    if (strcmp(msg, a->message) != 0)
        a->message_ms = u->now_ms;
    causes_update(a, u);

    daily_backup(a, u);
    int64_t idle = u->now_ms - a->last_input_ms;
    if (a->screen == APP_HOME && idle >= APP_ATTRACT_AFTER_MS && a->attract_n > 0 && !a->message[0])
        app_goto(a, u, APP_ATTRACT);
    else if (a->screen != APP_HOME && a->screen != APP_ATTRACT && idle >= idle_limit(a))
        app_reset(a, u);

    SCREENS[a->screen](a, u);
    if (strcmp(msg, a->message) != 0)
        a->message_ms = u->now_ms;

    /* The visible countdown of the last seconds before the reset, in steps
     * of 100 ms (a frame is drawn only when something changed). */
    int64_t left = idle_limit(a) - (u->now_ms - a->last_input_ms);
    if (has_countdown(a) && left <= APP_COUNTDOWN_MS) {
        left = (left + 99) / 100 * 100;
        char label[128];
        snprintf(label, sizeof label, "¿Sigue ahí? Volveremos al inicio en %d s. Toque la pantalla para continuar.",
                 (int)((left + 999) / 1000));
        int m = app_margin(u), h = ui_countdown_h(u, u->w - 2 * m, label);
        ui_countdown(u, (ui_rect){m, u->h - h - m / 2, u->w - 2 * m, h}, left, APP_COUNTDOWN_MS, label);
    }
}

/* The next multiple of step after now. */
static int64_t next_step(int64_t now, int64_t step)
{
    return (now / step + 1) * step;
}

int64_t app_next_wake(const app *a, const ui_ctx *u)
{
    int64_t now = u->now_ms, t = now + 60000;
#define AT(x)                                                                                                      \
    do {                                                                                                           \
        int64_t at_ = (x);                                                                                         \
        if (at_ > now && at_ < t)                                                                                  \
            t = at_;                                                                                               \
    } while (0)
    if (a->screen != APP_ATTRACT)
        AT(next_step(now, 60000)); /* the clock in the header */
    if (a->screen == APP_HOME) {
        AT(a->open_loaded_ms + APP_REFRESH_MS); /* events opened elsewhere */
        if (a->attract_n > 0)
            AT(a->last_input_ms + APP_ATTRACT_AFTER_MS);
        if (a->c->backup_dir[0]) {
            AT(a->last_input_ms + APP_BACKUP_IDLE_MS);
            AT(a->backup_tried_ms + APP_BACKUP_RETRY_MS);
        }
    } else if (a->screen == APP_ATTRACT) {
        AT(a->screen_ms + ((now - a->screen_ms) / APP_ATTRACT_SLIDE_MS + 1) * APP_ATTRACT_SLIDE_MS);
        if (a->c->backup_dir[0])
            AT(a->backup_tried_ms + APP_BACKUP_RETRY_MS);
    } else {
        int64_t reset = a->last_input_ms + idle_limit(a);
        AT(reset);
        if (has_countdown(a)) {
            AT(reset - APP_COUNTDOWN_MS);
            if (now >= reset - APP_COUNTDOWN_MS)
                AT(next_step(now, 100));
        }
    }
    switch (a->screen) {
    case APP_IDENTIFY:
    case APP_GUEST:
    case APP_COORD_EVENT:
    case APP_COORD_FOLIO:
        AT(next_step(now, 500)); /* the caret */
        break;
    case APP_COORD:
        AT(a->coord_loaded_ms + APP_REFRESH_MS); /* the live list */
        break;
    case APP_PIN:
        if (a->pin_until * 1000 > now)
            AT(next_step(now, 1000));
        break;
    default:
        break;
    }
    if (a->job)
        AT(now + 50); /* a print job to collect */
    if (a->nqueue > 0 && (a->screen == APP_DONE || a->screen == APP_ALREADY))
        AT(a->screen_ms + APP_QUEUE_SHOW_MS);
    if (a->lookup_after > now)
        AT(next_step(now, 1000) < a->lookup_after ? next_step(now, 1000) : a->lookup_after);
    AT(u->settle_until);
    AT(a->scan_ms + APP_SCAN_ACK_MS);
    if (a->message[0] && a->message_cause == APP_CAUSE_SCAN)
        AT(a->message_ms + APP_MESSAGE_MS + 1);
    if (a->held[0])
        AT(a->held_ms + APP_HELD_MS);
    if (u->ptr_down)
        AT(now + 100); /* a long press on the coordinator's corner */
#undef AT
    return t;
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
