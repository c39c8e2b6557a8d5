/* app.h — the kiosk's state and flows (SPEC "The kiosk"), in plain C.
 *
 * The platform layer owns the window and feeds a ui_ctx; each frame it calls
 * app_frame(), which runs the screen of the moment (kiosk/ui/screens/, one
 * file per screen) and handles what is common to all of them: the badge
 * scanner (keyboard wedge), the idle timer with its visible countdown, the
 * attract loop and the printing of receipts on a worker thread. Time only
 * comes from ui_ctx.now_ms (Unix milliseconds), so tests drive it.
 */
#ifndef CK_APP_H
#define CK_APP_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "receipt.h"
#include "signature.h"
#include "store.h"
#include "ui.h"

typedef enum app_screen {
    APP_HOME = 0,
    APP_ATTRACT,
    APP_IDENTIFY,
    APP_CONFIRM,
    APP_SIGN,
    APP_DONE,
    APP_ALREADY,
    APP_GUEST,
    APP_CARTA,
    APP_PRIVACY,     /* accept the notice (pledge flow) */
    APP_NOTICE,      /* read the notice (link on home) */
    APP_PIN,
    APP_COORD,
    APP_COORD_EVENT, /* quick-create event form */
    APP_SCREEN_COUNT
} app_screen;

enum app_flow { APP_FLOW_CHECKIN = 0, APP_FLOW_PLEDGE };
enum app_print { APP_PRINT_NONE = 0, APP_PRINT_BUSY, APP_PRINT_OK, APP_PRINT_FAILED };

#define APP_MAX_OPEN 8
#define APP_MAX_RESULTS 8
#define APP_MAX_ATTRACT 12
#define APP_MAX_COORD_EVENTS 24
#define APP_MAX_ATTENDEES 200
#define APP_GUEST_MAX_CHARS 80     /* a guest's full name, in characters */

/* Pictures the platform loads (ui_draw_image ids). */
#define APP_IMAGE_LOGO 1           /* the institution logo ([institution] logo) */

/* Seconds: how long home waits before the attract loop, how long the done
 * screen stays, and how long coordinator mode may stay unattended. */
#define APP_ATTRACT_AFTER_MS 60000
#define APP_ATTRACT_SLIDE_MS 9000
#define APP_DONE_MS 15000
#define APP_COORD_IDLE_MS 300000
#define APP_COUNTDOWN_MS 10000
#define APP_CORNER_MS 3000
#define APP_BACKUP_IDLE_MS 30000   /* idle time on home before the daily copy */
#define APP_BACKUP_RETRY_MS 600000 /* wait after a failed copy */

typedef struct app_attendee {
    char name[400];
    char unit[32];
    int64_t at;
    int guest;
} app_attendee;

/* A print job on the worker thread (app_print.c). */
struct app_print_job;
/* The background sync with the central (app_sync.c). */
struct app_sync;

typedef struct app {
    store *s;
    const config *c;
    char db_path[1024];

    app_screen screen;
    int64_t screen_ms;      /* when the screen was entered */
    int64_t last_input_ms;  /* last touch or key */
    int flow;
    int quit;               /* the coordinator closed the kiosk */
    int large_text;
    char message[300];      /* a plain-Spanish notice on the current screen */
    int message_error;

    /* Home. */
    char institution[160], unit_code[32], unit_name[128], tz[64];
    store_event open[APP_MAX_OPEN];
    int nopen;
    int64_t open_loaded_ms;
    int attract_n;
    char *attract[APP_MAX_ATTRACT];
    store_unit *units;      /* every unit, for names on screen (loaded once) */
    int nunits;
    /* Pixel size of the institution logo the platform loaded as picture
     * APP_IMAGE_LOGO (0 x 0: none, or it could not be read; the header is
     * then drawn without it). Set by the platform after app_new. */
    int logo_w, logo_h;

    /* The flow in progress (wiped by app_reset). */
    store_event event;
    int have_event;
    int id_mode;            /* 0 = number, 1 = name search */
    char number[24];
    char search[96];
    char searched[96];      /* the query the results belong to */
    store_person results[APP_MAX_RESULTS];
    char results_sub[APP_MAX_RESULTS][400]; /* "unit name · area", made once per search */
    int nresults;
    int results_scroll;
    char wedge[64];         /* badge scanner characters before Enter */
    int wedge_bad;          /* the read in progress is refused (too long, not text) */
    int64_t wedge_ms;
    store_person person;
    int have_person;
    char method[8];
    char guest[400];        /* typed; at most APP_GUEST_MAX_CHARS characters are accepted */
    signature *sig;
    int64_t sig_t0;
    int carta_scroll, carta_read;
    int privacy_scroll, privacy_read;
    store_record record;
    int have_record;
    int already;            /* the record shown is an earlier one */
    receipt rcpt;
    int have_receipt;
    unsigned char *qr;
    int qr_size;
    unsigned char *qr_stale;   /* dropped this frame; freed at the next (draw commands may still point at it) */

    /* Texts (SHA-256 of the exact file bytes go into each pledge). */
    char *carta;
    char carta_sha[UTIL_SHA256_HEX];
    char *privacy;
    char privacy_sha[UTIL_SHA256_HEX];

    /* Printing. */
    int print_state;
    char print_err[256];
    struct app_print_job *job; /* the job in progress, or NULL */
    int job_pending;        /* another receipt waits for the printer */

    /* Coordinator. */
    char pin[16];
    int coord_tab;
    store_event coord_events[APP_MAX_COORD_EVENTS];
    int ncoord_events;
    int coord_sel;
    app_attendee *attendees;
    int nattendees;
    int attendees_scroll, events_scroll;
    int64_t coord_loaded_ms;
    void *ind;              /* indicators *, owned */
    char form_title[160];
    int form_kind, form_sig, form_topic;
    char export_msg[600];
    int export_error;       /* export_msg tells a failure */
    int print_test;         /* the print state shown is the coordinator's test */
    char export_path[1024]; /* c->export_dir made absolute, for messages */

    /* Daily backup (run when the kiosk is idle; failures shown only in
     * coordinator mode). */
    char backup_day[16];    /* YYYY-MM-DD of the last good copy */
    int64_t backup_tried_ms;
    char backup_msg[600];
    int backup_error;

    struct app_sync *sync;  /* the background sync, when [central] url is set */
} app;

/* Creates the kiosk state over an open store (not owned) and config (kept by
 * pointer; must outlive the app). Reads the Carta, the privacy notice and
 * the attract messages named in c. Returns 0, or -1 with a reason in err.
 * Free with app_free (which waits for a print in progress). */
int app_new(app **out, store *s, const config *c, const char *db_path, int64_t now_ms, char *err,
            size_t errlen);
void app_free(app *a);

/* Runs one frame: input already fed to u and ui_begin() called. */
void app_frame(app *a, ui_ctx *u);

/* Goes to screen (cancelling any press in progress on the old one). */
void app_goto(app *a, ui_ctx *u, app_screen screen);
/* Back home, wiping typed text, results, signature, person and receipt. */
void app_reset(app *a, ui_ctx *u);
/* The screen's name ("home", "identify", ...) and the reverse lookup. */
const char *app_screen_name(app_screen s);
int app_screen_by_name(const char *name);
/* 1 in coordinator mode (where the window may be closed). */
int app_in_coordinator(const app *a);

/* Puts the app in screen name with sample content, for screenshots
 * (demo.c): a screen's name, "search", "done-printfail" or "pledge-" and a
 * screen's name. Returns 0, or -1 for an unknown name. */
int app_demo(app *a, ui_ctx *u, const char *name);

/* Flow steps shared by the screens (app.c). */
void app_identified(app *a, ui_ctx *u, const store_person *p, const char *method);
void app_lookup_number(app *a, ui_ctx *u, const char *number, const char *method);
void app_record_checkin(app *a, ui_ctx *u, const void *sig, size_t siglen);
void app_record_pledge(app *a, ui_ctx *u, const void *sig, size_t siglen);
/* After "Sí, soy yo": duplicates are told at once; then sign, Carta or
 * record. */
void app_confirmed(app *a, ui_ctx *u);
/* After "Aceptar firma": refuses a near-empty pad, else records. */
void app_signed(app *a, ui_ctx *u);
/* Prints the receipt of the record on screen on the worker thread
 * (app_print.c); a->print_state follows it. */
void app_print(app *a);
void app_refresh_open(app *a, int64_t now_ms, int force);
void app_coord_load(app *a, int64_t now_ms);
void app_set_message(app *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The background sync's one line for the coordinator ("" when there is
 * no central): the last sync and what is pending (app_sync.c). */
void app_sync_status(const app *a, char *out, size_t outlen);
/* The name of the unit with code (the code itself when unknown). */
const char *app_unit_name(const app *a, const char *code);

/* Layout shared by the screens (layout.c): the header with institution,
 * unit, clock, the larger-text toggle, and the coordinator corner; returns
 * the body rectangle below it. */
ui_rect app_header(app *a, ui_ctx *u, const char *title);
/* The message banner (if any) at the top of body; returns the rest. */
ui_rect app_banner(app *a, ui_ctx *u, ui_rect body);
/* A text field showing text (or a grey placeholder) with a caret. */
void app_field(ui_ctx *u, ui_rect r, const char *text, const char *placeholder);
/* A bold title line at the top of r; returns the rest of r. */
ui_rect app_title(ui_ctx *u, ui_rect r, const char *title, const char *subtitle);
/* Splits r into a left part of w and the rest after gap. */
void app_split_h(ui_rect r, int w, int gap, ui_rect *left, ui_rect *right);
/* Takes h pixels off the bottom of *r (and gap above them); returns them. */
ui_rect app_take_bottom(ui_rect *r, int h, int gap);
/* 1 if the screen is in portrait orientation. */
int app_portrait(const ui_ctx *u);
/* Margin and gap used throughout. */
int app_margin(const ui_ctx *u);

/* Screens (kiosk/screens/<name>.c). */
void app_screen_home(app *a, ui_ctx *u);
void app_screen_attract(app *a, ui_ctx *u);
void app_screen_identify(app *a, ui_ctx *u);
void app_screen_confirm(app *a, ui_ctx *u);
void app_screen_sign(app *a, ui_ctx *u);
void app_screen_done(app *a, ui_ctx *u);
void app_screen_already(app *a, ui_ctx *u);
void app_screen_guest(app *a, ui_ctx *u);
void app_screen_carta(app *a, ui_ctx *u);
void app_screen_privacy(app *a, ui_ctx *u);
void app_screen_notice(app *a, ui_ctx *u);
void app_screen_pin(app *a, ui_ctx *u);
void app_screen_coord(app *a, ui_ctx *u);
void app_screen_coord_event(app *a, ui_ctx *u);

#endif
