/* app.h — the kiosk's state and flows (SPEC "The kiosk"), in plain C.
 *
 * The platform layer owns the window and feeds a ui_ctx; each frame it calls
 * app_frame(), which runs the screen of the moment (kiosk/ui/screens/, one
 * file per screen) and handles what is common to all of them: the badge
 * scanner (keyboard wedge) and its queue, the idle timer with its visible
 * countdown, the attract loop and the printing of receipts on a worker
 * thread. Between frames the platform sleeps until input arrives or until
 * app_next_wake() says something on screen changes by itself. Time only
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
    APP_COORD_FOLIO, /* reprint a receipt by its folio */
    APP_SCREEN_COUNT
} app_screen;

enum app_flow { APP_FLOW_CHECKIN = 0, APP_FLOW_PLEDGE };
enum app_print { APP_PRINT_NONE = 0, APP_PRINT_BUSY, APP_PRINT_OK, APP_PRINT_FAILED };

#define APP_MAX_OPEN 64          /* open events shown on home, page by page */
#define APP_MAX_RESULTS 8        /* name-search results listed: SPEC and SECURITY.md (privacy) */
#define APP_SEARCH_MAX 64        /* results asked of the store, to rank them */
#define APP_QUEUE_MAX 16         /* badge reads waiting for the person before */
#define APP_PRINT_QUEUE 16       /* receipts waiting for the printer */
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
#define APP_REFRESH_MS 2000        /* home and coordinator lists re-read from the store */

/* Touch and the badge queue (README "Decisions worth knowing"). */
#define APP_SETTLE_MS 400          /* taps ignored on a screen just shown (a double tap) */
#define APP_QUEUE_SHOW_MS 2000     /* a done screen stays this long before the next queued badge */
#define APP_SCAN_ACK_MS 1500       /* the "Gafete leído" mark after every complete read */
#define APP_HELD_MS 30000          /* a badge read among several open events waits this long for a tap */
#define APP_MESSAGE_MS 10000       /* a message about a badge read stays this long */

/* Lookups that end in no new record (a number or badge not in the roster,
 * a person shown and then not confirmed, a check-in or Carta that already
 * existed) slow the next lookups down, per
 * kiosk: the first APP_MISS_FREE are free, then each asks for a wait that
 * doubles from 2 s up to APP_MISS_MAX_WAIT_MS (a minute: enumerating
 * the roster this way takes hours at the door); one is forgiven every
 * APP_MISS_DECAY_MS. A queue of people who are found and recorded never
 * adds one. */
#define APP_MISS_FREE 3
#define APP_MISS_DECAY_MS 60000
#define APP_MISS_MAX_WAIT_MS 60000
#define APP_SECOND_READ_MS 120000 /* a person's own badge again after registering: not a miss */

/* What a message on screen is about: it goes away when its cause does. */
enum app_cause {
    APP_CAUSE_NONE = 0,
    APP_CAUSE_NO_EVENT,   /* no open event: gone when one opens */
    APP_CAUSE_MANY,       /* several open events: gone when one is left */
    APP_CAUSE_SIGNATURE,  /* the signature is too short: gone when signing again */
    APP_CAUSE_QUEUE,      /* a badge waits: gone when the queue is empty */
    APP_CAUSE_WAIT,       /* lookups are slowed down: gone when the wait is over */
    APP_CAUSE_SCAN,       /* about the last badge read: gone after a while */
};

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
    int large_text;         /* kept for the whole flow; off again at its end */
    char message[300];      /* a plain-Spanish notice on the current screen */
    int message_error;
    int message_cause;      /* enum app_cause */
    int64_t message_ms;     /* when it was set */

    /* Home. */
    char institution[160], unit_code[32], unit_name[128], tz[64];
    store_event open[APP_MAX_OPEN];
    int nopen;
    int64_t open_loaded_ms;
    int home_page;          /* page of event cards shown */
    char today[16];         /* YYYY-MM-DD in the unit's zone, set each minute */
    int64_t today_min;      /* the minute (Unix ms / 60000) today was set */
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
    char results_sub[APP_MAX_RESULTS][400]; /* "unit name" (and area for namesakes), made once per search */
    int nresults;
    int results_more;       /* more people matched than are listed */
    int results_scroll;
    char wedge[64];         /* badge scanner characters before Enter */
    int wedge_bad;          /* the read in progress is refused (too long, not text) */
    int64_t wedge_ms;
    /* Badge reads waiting for the person before to finish (oldest first). */
    char queue[APP_QUEUE_MAX][64];
    int nqueue;
    unsigned scans;         /* complete badge reads so far (the platform beeps on a change) */
    int64_t scan_ms;        /* the last one */
    char held[64];          /* a badge read while several events were open */
    int64_t held_ms;
    /* Lookups that ended in no record (APP_MISS_*). */
    int misses;
    int64_t miss_ms;        /* when the count last changed */
    int64_t lookup_after;   /* no lookup before this time */
    int shown_unrecorded;   /* a person is shown whom no record has followed yet */
    char last_new_no[64];   /* the person of the last new check-in here, and when: */
    int64_t last_new_ms;    /* their own second read soon after is not a miss */
    int stale_ok;           /* the person confirmed an event left open from an earlier day */
    store_person person;
    int have_person;
    int namesake;           /* another person has the same name: the area tells them apart */
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
    receipt print_queue[APP_PRINT_QUEUE]; /* receipts waiting for the printer, oldest first */
    int nprint_queue;

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
    char form_title[160], form_place[160];
    int form_kind, form_sig, form_topics; /* form_topics: a bit per topic of APP_TOPICS */
    int form_step, form_field, form_layer; /* 0: title and place; 1: the rest */
    int form_start;         /* minutes after midnight */
    char folio[STORE_FOLIO_LEN + 8]; /* reprint: the folio typed */
    char folio_msg[400];
    int folio_error;
    int quit_confirm;       /* "Cerrar el quiosco" asked once: confirm */
    int64_t pin_until;      /* the PIN is locked until (Unix s), 0 if not */
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
/* When the screen next changes by itself (Unix ms): the clock's minute, a
 * countdown, the attract slide, a list re-read, a caret, a print job, a
 * queued badge... The platform may sleep until then when no input comes;
 * never later than now + 60 s, never earlier than now. */
int64_t app_next_wake(const app *a, const ui_ctx *u);

/* Goes to screen (cancelling any press in progress on the old one). */
void app_goto(app *a, ui_ctx *u, app_screen screen);
/* Back home, wiping typed text, results, signature, person and receipt;
 * the larger text goes off (the flow is over). */
void app_reset(app *a, ui_ctx *u);
/* Starts a flow from home (APP_FLOW_*): like app_reset, but the larger
 * text chosen on home stays on. The caller then goes to its first screen. */
void app_start_flow(app *a, ui_ctx *u, int flow);
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
/* Looks a typed or read number up (identify): the confirm screen, or a
 * message; the number stays in the field. Slowed down after lookups
 * without a record (APP_MISS_*). */
void app_lookup_number(app *a, ui_ctx *u, const char *number, const char *method);
/* The badge held on home while several events were open: 1 and number
 * when it was read less than APP_HELD_MS ago (it is forgotten either way). */
int app_take_held(app *a, ui_ctx *u, char *number, size_t len);
void app_record_checkin(app *a, ui_ctx *u, const void *sig, size_t siglen);
void app_record_pledge(app *a, ui_ctx *u, const void *sig, size_t siglen);
/* After "Sí, soy yo": duplicates are told at once; then sign, Carta or
 * record. */
void app_confirmed(app *a, ui_ctx *u);
/* After "Aceptar firma": refuses a near-empty pad, else records. */
void app_signed(app *a, ui_ctx *u);
/* Prints the receipt on screen (a->rcpt) on the worker thread, after
 * those already waiting (app_print.c); a->print_state follows the
 * printer. A full queue fails this one (APP_PRINT_FAILED). */
void app_print(app *a);
/* Coordinator: builds the receipt of record r (into a->rcpt, its QR into
 * a->qr) and prints it. Returns 0, or -1 with the reason in a->print_err. */
int app_reprint(app *a, const store_record *r);
void app_refresh_open(app *a, int64_t now_ms, int force);
void app_coord_load(app *a, int64_t now_ms);
void app_set_message(app *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The background sync's one line for the coordinator ("" when there is
 * no central): the last sync and what is pending (app_sync.c). */
void app_sync_status(const app *a, char *out, size_t outlen);
/* Like app_set_message, for a message that goes away with its cause. */
void app_set_cause(app *a, int cause, int error, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* 1 when a printer is configured ([printer] uri, not "none"). */
int app_has_printer(const app *a);
/* A person shown on confirm was not confirmed (No, volver): counts as a
 * lookup without a record (APP_MISS_*). */
void app_not_me(app *a, ui_ctx *u);
/* 1 when the event started on an earlier day (in the unit's zone) than
 * today; its date as dd/mm/yyyy into date (may be NULL). */
int app_event_stale(const app *a, const store_event *e, char *date, size_t datelen);
/* "YYYY-MM-DD HH:MM" as es-MX "dd/mm/yyyy HH:MM" (or only the date). */
void app_format_start(const char *start, int with_time, char *out, size_t outlen);
/* The event topics the quick form offers, NULL-terminated pairs of
 * {code, label}. */
extern const char *const APP_TOPICS[][2];
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
void app_screen_coord_folio(app *a, ui_ctx *u);

#endif
