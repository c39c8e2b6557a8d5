/* platform_script.c — the test-script and benchmark driver of "run".
 *
 * --script FILE pushes SDL events (taps on a widget found by its label,
 * touches, drags, text, keys) into the same event queue a person's input
 * goes through, advances a virtual clock, checks the screen and saves PNG
 * screenshots; --bench NAME feeds synthetic input and measures frame
 * times; a test build (CK_TEST_HOOKS) dumps the widgets of each changed
 * frame to CK_WIDGETS_FILE for the X11 test. See platform_int.h.
 */
#include <SDL.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform_int.h"
#include "text.h"
#include "util.h"

/* ---- scripts ---- */

/* Parses a script: one command per line, '#' comments. Commands:
 *   tap LABEL | touch LABEL | tapxy X Y | drag X1 Y1 X2 Y2 | sign
 *   hold X Y MS | wheel X Y NOTCHES
 *   scroll-end (drags the long text to its end) | text STRING
 *   text-times N STRING | text-hex HEXBYTES | badge NUMBER (a scanner:
 *   the characters, then Enter)
 *   key enter|backspace|escape | wait MS | advance MS | shot FILE
 *   expect SCREEN | expect-text TEXT | await-text TEXT (what a thread
 *   brings, such as a print job's outcome: frames go on, the clock
 *   still, until TEXT is on screen; fails after PLATFORM_AWAIT_MS of real
 *   time) | expect-no-text TEXT | expect-line
 *   TEXT (a line that is exactly TEXT) | expect-above A|B (widget A above
 *   widget B) | expect-uncut (no text shortened with "…" or past the
 *   screen's edge) | demo SCREEN | large 0|1 | quit
 *   shell CMD (test builds only: runs CMD with sh, fails on non-zero)
 * A command that presses waits first until the screen accepts taps (a
 * screen just shown ignores them for APP_SETTLE_MS), by moving the
 * virtual clock; tap-again presses where the last tap did, at once (the
 * second tap of a double tap). The kiosk's clock moves only by advance,
 * wait (which also lets as much real time pass), hold and the settle
 * times: never by how long the machine took (platform_now_ms). */
int platform_script_load(platform *p, const char *path)
{
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        return -1;
    int cap = 64;
    p->script = calloc((size_t)cap, sizeof *p->script);
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && p->script; line = strtok_r(NULL, "\n", &save)) {
        util_trim(line);
        if (!*line || *line == '#')
            continue;
        if (p->nscript == cap) {
            platform_cmd *s = realloc(p->script, sizeof *s * (size_t)cap * 2);
            if (!s)
                break;
            p->script = s;
            cap *= 2;
        }
        platform_cmd *c = &p->script[p->nscript++];
        memset(c, 0, sizeof *c);
        char *sp = strchr(line, ' ');
        snprintf(c->op, sizeof c->op, "%.*s", sp ? (int)(sp - line) : (int)strlen(line), line);
        if (sp) {
            snprintf(c->arg, sizeof c->arg, "%s", sp + 1);
            util_trim(c->arg);
            sscanf(c->arg, "%d %d %d %d %d", &c->n[0], &c->n[1], &c->n[2], &c->n[3], &c->n[4]);
        }
    }
    free(text);
    return p->script ? 0 : -1;
}

static void push_mouse(int type, int x, int y, int touch)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = (Uint32)type;
    if (type == SDL_MOUSEMOTION) {
        e.motion.x = x;
        e.motion.y = y;
        e.motion.state = SDL_BUTTON_LMASK;
        e.motion.which = touch ? SDL_TOUCH_MOUSEID : 0;
    } else {
        e.button.x = x;
        e.button.y = y;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.clicks = 1;
        e.button.which = touch ? SDL_TOUCH_MOUSEID : 0;
    }
    SDL_PushEvent(&e);
}

static void push_finger(const platform *p, int type, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = (Uint32)type;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 7;
    e.tfinger.x = (float)x / (float)p->w;
    e.tfinger.y = (float)y / (float)p->h;
    e.tfinger.pressure = 1;
    SDL_PushEvent(&e);
    /* What a real touchscreen also sends: a synthesised mouse event. */
    int mt = type == SDL_FINGERDOWN ? SDL_MOUSEBUTTONDOWN : type == SDL_FINGERUP ? SDL_MOUSEBUTTONUP : SDL_MOUSEMOTION;
    push_mouse(mt, x, y, 1);
}

static void push_drag(int x0, int y0, int x1, int y1, int steps)
{
    push_mouse(SDL_MOUSEBUTTONDOWN, x0, y0, 0);
    for (int i = 1; i <= steps; i++)
        push_mouse(SDL_MOUSEMOTION, x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps, 0);
    push_mouse(SDL_MOUSEBUTTONUP, x1, y1, 0);
}

static int script_fail(platform *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int script_fail(platform *p, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cepci-kiosk: script line %d: ", p->pc);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    p->script_rc = 2;
    return -1;
}

/* Pushes one SDL_TEXTINPUT per character of text, like a badge scanner. */
static void push_chars(const char *text)
{
    for (const char *q = text; *q;) {
        SDL_Event e;
        memset(&e, 0, sizeof e);
        e.type = SDL_TEXTINPUT;
        uint32_t cp;
        size_t n = text_utf8_decode(q, strlen(q), &cp);
        if (!n)
            n = 1; /* a stray byte goes through as it is */
        memcpy(e.text.text, q, n);
        SDL_PushEvent(&e);
        q += n;
    }
}

static void push_key(SDL_Keycode sym)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = sym;
    SDL_PushEvent(&e);
}

/* Before a press: lets the virtual clock pass the settle time of a screen
 * just shown (APP_SETTLE_MS), so the press counts. */
static void settle_clock(platform *p, const ui_ctx *u)
{
    int64_t now = platform_now_ms(p);
    if (u->settle_until > now)
        p->offset_ms += u->settle_until - now + 1;
}

static int frame_has_text(const ui_ctx *u, const char *needle)
{
    for (int i = 0; i < u->ncmds; i++)
        if (u->cmds[i].type == UI_CMD_TEXT && strstr(u->arena + u->cmds[i].text, needle))
            return 1;
    return 0;
}

/* Runs script commands until one needs a new frame. Returns 1 while the
 * script goes on, 0 when it ended, -1 on failure. */
int platform_script_step(platform *p, ui_ctx *u, app *a)
{
    if (p->settle > 0) {
        /* Let the input be handled and the next screen be drawn once. */
        p->settle--;
        return 1;
    }
    /* Wait until what was pushed has been handled, frame by frame. */
    if (SDL_PeepEvents(NULL, 0, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) > 0)
        return 1;
    if (p->hold_ms) {
        /* The finger is down: let the (virtual) time pass. */
        p->offset_ms += p->hold_ms;
        p->hold_ms = 0;
        p->settle = 2;
        return 1;
    }
    if (p->pending_up) {
        if (p->up_touch)
            push_finger(p, SDL_FINGERUP, p->up_x, p->up_y);
        else
            push_mouse(SDL_MOUSEBUTTONUP, p->up_x, p->up_y, 0);
        p->pending_up = 0;
        p->settle = 2;
        return 1;
    }
    if (p->wait_until) {
        if ((int64_t)SDL_GetTicks64() < p->wait_until)
            return 1;
        p->wait_until = 0;
    }
    if (p->await_until) {
        const platform_cmd *c = &p->script[p->pc - 1];
        if (!frame_has_text(u, c->arg)) {
            if ((int64_t)SDL_GetTicks64() < p->await_until)
                return 1;
            p->await_until = 0;
            return script_fail(p, "text '%s' not on screen %s after %d s", c->arg, app_screen_name(a->screen),
                               PLATFORM_AWAIT_MS / 1000);
        }
        p->await_until = 0;
    }
    while (p->pc < p->nscript) {
        platform_cmd *c = &p->script[p->pc++];
        p->settle = 2;
        ui_rect r;
        static const char *const presses[] = {"tap", "touch", "tapxy", "hold", "drag", "scroll-end", "sign", "wheel",
                                              NULL};
        for (int i = 0; presses[i]; i++)
            if (strcmp(c->op, presses[i]) == 0)
                settle_clock(p, u);
        if (strcmp(c->op, "tap-again") == 0) {
            push_mouse(SDL_MOUSEBUTTONDOWN, p->up_x, p->up_y, 0);
            p->up_touch = 0;
            p->pending_up = 1;
            return 1;
        } else if (strcmp(c->op, "tap") == 0 || strcmp(c->op, "touch") == 0) {
            if (!ui_find(u, c->arg, &r))
                return script_fail(p, "no widget '%s' on screen %s", c->arg, app_screen_name(a->screen));
            p->up_x = r.x + r.w / 2;
            p->up_y = r.y + r.h / 2;
            p->up_touch = c->op[1] == 'o';
            if (p->up_touch)
                push_finger(p, SDL_FINGERDOWN, p->up_x, p->up_y);
            else
                push_mouse(SDL_MOUSEBUTTONDOWN, p->up_x, p->up_y, 0);
            p->pending_up = 1;
            return 1;
        } else if (strcmp(c->op, "tapxy") == 0) {
            push_mouse(SDL_MOUSEBUTTONDOWN, c->n[0], c->n[1], 0);
            p->up_x = c->n[0];
            p->up_y = c->n[1];
            p->up_touch = 0;
            p->pending_up = 1;
            return 1;
        } else if (strcmp(c->op, "hold") == 0) {
            /* hold X Y MS: press, keep the finger down for MS, release. */
            push_mouse(SDL_MOUSEBUTTONDOWN, c->n[0], c->n[1], 0);
            p->hold_ms = c->n[2];
            p->up_x = c->n[0];
            p->up_y = c->n[1];
            p->up_touch = 0;
            p->pending_up = 1;
            return 1;
        } else if (strcmp(c->op, "drag") == 0) {
            push_drag(c->n[0], c->n[1], c->n[2], c->n[3], 12);
            return 1;
        } else if (strcmp(c->op, "scroll-end") == 0) {
            for (int i = 0; i < 12; i++)
                push_drag(p->w / 2, p->h * 3 / 5, p->w / 2, p->h / 5, 6);
            return 1;
        } else if (strcmp(c->op, "sign") == 0) {
            if (!ui_find(u, "signature-pad", &r))
                return script_fail(p, "no signature pad on screen %s", app_screen_name(a->screen));
            SDL_Event e;
            int x0 = r.x + r.w / 8, y0 = r.y + r.h / 2;
            push_mouse(SDL_MOUSEBUTTONDOWN, x0, y0, 0);
            for (int i = 1; i <= 60; i++) {
                int x = x0 + (r.w * 3 / 4) * i / 60;
                int y = y0 + (int)((double)(r.h / 4) * SDL_sin(i * 0.5));
                push_mouse(SDL_MOUSEMOTION, x, y, 0);
            }
            push_mouse(SDL_MOUSEBUTTONUP, x0 + r.w * 3 / 4, y0, 0);
            (void)e;
            return 1;
        } else if (strcmp(c->op, "wheel") == 0) {
            /* wheel X Y NOTCHES: the pointer moved to X, Y, the wheel turned. */
            SDL_WarpMouseInWindow(p->win, c->n[0], c->n[1]);
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_MOUSEWHEEL;
            e.wheel.y = c->n[2];
            e.wheel.direction = SDL_MOUSEWHEEL_NORMAL;
            e.wheel.mouseX = c->n[0];
            e.wheel.mouseY = c->n[1];
            SDL_PushEvent(&e);
            return 1;
        } else if (strcmp(c->op, "text") == 0) {
            push_chars(c->arg); /* one SDL_TEXTINPUT per character, like a badge scanner */
            return 1;
        } else if (strcmp(c->op, "badge") == 0) {
            push_chars(c->arg);
            push_key(SDLK_RETURN);
            return 1;
        } else if (strcmp(c->op, "text-times") == 0) {
            /* text-times N STRING: STRING typed N times, one character per
             * event (a runaway badge scanner). */
            const char *str = strchr(c->arg, ' ');
            if (!str || c->n[0] <= 0)
                return script_fail(p, "usage: text-times N STRING");
            str++;
            for (int k = 0; k < c->n[0] && k < 100000; k++)
                for (const char *q = str; *q; q++) {
                    SDL_Event e;
                    memset(&e, 0, sizeof e);
                    e.type = SDL_TEXTINPUT;
                    e.text.text[0] = *q;
                    SDL_PushEvent(&e);
                }
            return 1;
        } else if (strcmp(c->op, "text-hex") == 0) {
            /* text-hex HEX: one text event with exactly these bytes (control
             * characters, invalid UTF-8). */
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_TEXTINPUT;
            size_t n = 0;
            for (const char *q = c->arg; q[0] && q[1] && n < sizeof e.text.text - 1; q += 2) {
                unsigned v;
                if (sscanf(q, "%2x", &v) != 1)
                    return script_fail(p, "bad hex in text-hex");
                e.text.text[n++] = (char)v;
            }
            SDL_PushEvent(&e);
            return 1;
        } else if (strcmp(c->op, "key") == 0) {
            push_key(strcmp(c->arg, "enter") == 0 ? SDLK_RETURN :
                     strcmp(c->arg, "backspace") == 0 ? SDLK_BACKSPACE : SDLK_ESCAPE);
            return 1;
        } else if (strcmp(c->op, "wait") == 0) {
            /* MS on the kiosk's clock, and as long in real time: a print
             * job or a sync on their threads get it too. */
            p->offset_ms += c->n[0];
            p->wait_until = (int64_t)SDL_GetTicks64() + c->n[0];
            return 1;
        } else if (strcmp(c->op, "advance") == 0) {
            p->offset_ms += c->n[0];
            return 1;
        } else if (strcmp(c->op, "shot") == 0) {
            if (!p->drawn) {
                /* Unchanged frames are not drawn: draw the next one, then shoot. */
                p->force_draw = 1;
                p->pc--;
                p->settle = 0; /* shot in the very next frame, the one drawn */
                return 1;
            }
            if (platform_save_png(p, c->arg))
                return script_fail(p, "cannot write %s", c->arg);
        } else if (strcmp(c->op, "expect") == 0) {
            if (strcmp(app_screen_name(a->screen), c->arg) != 0)
                return script_fail(p, "expected screen %s, got %s", c->arg, app_screen_name(a->screen));
        } else if (strcmp(c->op, "expect-uncut") == 0) {
            /* Nothing shortened with "…" or drawn past the screen's edge. */
            if (u->ncut > 0) {
                char list[400] = "";
                for (int i = 0; i < u->ncut && i < 4; i++) {
                    size_t l = strlen(list);
                    snprintf(list + l, sizeof list - l, "%s'%s'", i ? ", " : "", u->cut[i]);
                }
                return script_fail(p, "%d text%s cut on screen %s: %s", u->ncut, u->ncut == 1 ? "" : "s",
                                   app_screen_name(a->screen), list);
            }
        } else if (strcmp(c->op, "await-text") == 0) {
            p->await_until = (int64_t)SDL_GetTicks64() + PLATFORM_AWAIT_MS;
            return 1;
        } else if (strcmp(c->op, "expect-text") == 0) {
            if (!frame_has_text(u, c->arg))
                return script_fail(p, "text '%s' not on screen %s", c->arg, app_screen_name(a->screen));
        } else if (strcmp(c->op, "expect-line") == 0) {
            int found = 0;
            for (int i = 0; i < u->ncmds && !found; i++)
                found = u->cmds[i].type == UI_CMD_TEXT && strcmp(u->arena + u->cmds[i].text, c->arg) == 0;
            if (!found)
                return script_fail(p, "no line '%s' on screen %s", c->arg, app_screen_name(a->screen));
        } else if (strcmp(c->op, "expect-above") == 0) {
            char first[256];
            const char *bar = strchr(c->arg, '|');
            ui_rect r2;
            if (!bar)
                return script_fail(p, "usage: expect-above LABEL|LABEL");
            snprintf(first, sizeof first, "%.*s", (int)(bar - c->arg), c->arg);
            if (!ui_find(u, first, &r) || !ui_find(u, bar + 1, &r2))
                return script_fail(p, "expect-above: '%s' or '%s' not on screen %s", first, bar + 1,
                                   app_screen_name(a->screen));
            if (r.y >= r2.y)
                return script_fail(p, "'%s' is not above '%s'", first, bar + 1);
        } else if (strcmp(c->op, "shell") == 0) {
#ifdef CK_TEST_HOOKS
            if (system(c->arg) != 0)
                return script_fail(p, "shell command failed: %s", c->arg);
#else
            return script_fail(p, "shell: only in a test build");
#endif
        } else if (strcmp(c->op, "expect-no-text") == 0) {
            if (frame_has_text(u, c->arg))
                return script_fail(p, "text '%s' is on screen %s", c->arg, app_screen_name(a->screen));
        } else if (strcmp(c->op, "demo") == 0) {
            if (app_demo(a, u, c->arg))
                return script_fail(p, "unknown demo screen %s", c->arg);
            return 1;
        } else if (strcmp(c->op, "large") == 0) {
            a->large_text = c->n[0];
            return 1;
        } else if (strcmp(c->op, "quit") == 0) {
            return 0;
        } else {
            return script_fail(p, "unknown command '%s'", c->op);
        }
    }
    return 0;
}

/* Writes the widgets of the frame (label and rect) to CK_WIDGETS_FILE when
 * they changed, so an X test can click them with xdotool. */
void platform_dump_widgets(platform *p, const ui_ctx *u, const app *a)
{
    int ready = !ui_settling(u);
    uint32_t h = (2166136261u ^ (uint32_t)a->screen) * 16777619u ^ (uint32_t)ready;
    for (int i = 0; i < u->nwidgets; i++) {
        const ui_widget *w = &u->widgets[i];
        h = (h ^ w->id ^ (uint32_t)w->r.x ^ (uint32_t)w->r.y << 8 ^ (uint32_t)w->enabled << 20) * 16777619u;
    }
    if (h == p->widgets_hash)
        return;
    p->widgets_hash = h;
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", p->widgets_file);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    /* The third field says whether the screen takes taps yet (a screen
     * just shown ignores them for APP_SETTLE_MS). */
    fprintf(f, "screen\t%s\t%d\n", app_screen_name(a->screen), ready);
    for (int i = 0; i < u->nwidgets; i++) {
        const ui_widget *w = &u->widgets[i];
        fprintf(f, "%s\t%d\t%d\t%d\t%d\t%d\n", w->label, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2, w->r.w, w->r.h,
                w->enabled);
    }
    fclose(f);
    rename(tmp, p->widgets_file);
}

/* ---- benchmark ---- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

int platform_bench_new(platform_bench *b, int frames)
{
    memset(b, 0, sizeof *b);
    b->cap = frames;
    b->frame_ms = calloc((size_t)frames, sizeof *b->frame_ms);
    b->part_ms[0] = calloc((size_t)frames, sizeof *b->frame_ms);
    b->part_ms[1] = calloc((size_t)frames, sizeof *b->frame_ms);
    return b->frame_ms && b->part_ms[0] && b->part_ms[1] ? 0 : -1;
}

void platform_bench_record(platform_bench *b, int i, double frame, double app_ms, double draw_ms)
{
    int k = i < b->cap ? i : 0;
    b->frame_ms[k] = frame;
    b->part_ms[0][k] = app_ms;
    b->part_ms[1][k] = draw_ms;
}

void platform_bench_report(platform_bench *b, const platform *p, const platform_opts *o, int nframes)
{
    if (nframes <= 10)
        return;
    int n = nframes - 5; /* the first frames fill the caches */
    qsort(b->frame_ms + 5, (size_t)n, sizeof *b->frame_ms, cmp_double);
    printf("screen: %s %dx%d renderer: %s\n", o->bench, p->w, p->h, o->software ? "software" : "default");
    printf("frame_cpu_p50_ms: %.3f\nframe_cpu_p99_ms: %.3f\nframe_cpu_max_ms: %.3f\n", b->frame_ms[5 + n / 2],
           b->frame_ms[5 + n * 99 / 100], b->frame_ms[5 + n - 1]);
    /* Where the time goes: the app and widgets, then drawing. */
    static const char *const parts[2] = {"app", "draw"};
    for (int k = 0; k < 2; k++) {
        qsort(b->part_ms[k] + 5, (size_t)n, sizeof *b->part_ms[k], cmp_double);
        printf("%s_cpu_p50_ms: %.3f\n%s_cpu_p99_ms: %.3f\n", parts[k], b->part_ms[k][5 + n / 2], parts[k],
               b->part_ms[k][5 + n * 99 / 100]);
    }
}

void platform_bench_free(platform_bench *b)
{
    free(b->frame_ms);
    free(b->part_ms[0]);
    free(b->part_ms[1]);
    memset(b, 0, sizeof *b);
}

/* Synthetic input for --bench: typing in the search, or signing. */
void platform_bench_input(platform *p, ui_ctx *u, app *a, const char *mode, int i)
{
    if (strcmp(mode, "search") == 0) {
        static const char *const seq[] = {"p", "e", "ñ", "a", " ", "g", "a", "r"};
        if (i % 9 == 8) {
            a->search[0] = 0;
        } else {
            size_t len = strlen(a->search);
            snprintf(a->search + len, sizeof a->search - len, "%s", seq[i % 9]);
        }
    } else if (strcmp(mode, "sign") == 0) {
        ui_rect r;
        if (!ui_find(u, "signature-pad", &r))
            return;
        int64_t t = platform_now_ms(p);
        if (i % 120 == 0) {
            if (i)
                ui_input_up(u, PLATFORM_MOUSE_ID, r.x + r.w / 2, r.y + r.h / 2, t);
            sig_clear(a->sig, r.w, r.h);
            ui_input_down(u, PLATFORM_MOUSE_ID, r.x + 20, r.y + r.h / 2, t);
        }
        for (int k = 0; k < 4; k++)
            ui_input_move(u, PLATFORM_MOUSE_ID, r.x + 20 + ((i % 120) * 4 + k) * (r.w - 40) / 480,
                          r.y + r.h / 2 + (int)(SDL_sin(i * 0.3 + k) * r.h / 4), t);
    }
}
/* ---- benchmark: badge reads at the door ---- */

static int door_number(const store_person *sp, void *arg)
{
    platform_door *d = arg;
    if (sp->active && d->nnumbers < d->scans)
        snprintf(d->numbers[d->nnumbers++], sizeof d->numbers[0], "%s", sp->employee_no);
    return d->nnumbers >= d->scans;
}

int platform_door_new(platform *p, app *a, int scans, int every_ms)
{
    platform_door *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(stderr, "cepci-kiosk: out of memory\n");
        return -1;
    }
    d->scans = scans;
    d->every_ms = every_ms;
    store_person_each(a->s, NULL, door_number, d);
    if (d->nnumbers < scans) {
        fprintf(stderr, "cepci-kiosk: --bench door needs %d active people in the roster, found %d\n", scans,
                d->nnumbers);
        free(d);
        return -1;
    }
    d->t0 = SDL_GetPerformanceCounter();
    /* The first read one second after start: the home screen is drawn. */
    d->next_key = d->t0 + SDL_GetPerformanceFrequency();
    p->door = d;
    return 0;
}

int platform_door_type(platform *p)
{
    platform_door *d = p->door;
    uint64_t f = SDL_GetPerformanceFrequency();
    while (d->sent < d->scans) {
        uint64_t now = SDL_GetPerformanceCounter();
        if (now < d->next_key)
            return (int)((d->next_key - now) * 1000 / f) + 1;
        const char *num = d->numbers[d->sent];
        if (num[d->typed]) {
            char ch[2] = {num[d->typed++], 0};
            push_chars(ch);
            d->next_key = now + f * 5 / 1000; /* a scanner types about a key per 5 ms */
            continue;
        }
        push_key(SDLK_RETURN);
        d->enter_at[d->sent] = now;
        d->sent++;
        d->typed = 0;
        d->next_key = d->t0 + f + f * (uint64_t)d->every_ms * (uint64_t)d->sent / 1000;
    }
    return -1;
}

void platform_door_presented(platform *p, const app *a)
{
    platform_door *d = p->door;
    if (a->screen != APP_DONE || !a->record.folio[0] || strcmp(a->record.folio, d->last_folio) == 0)
        return;
    snprintf(d->last_folio, sizeof d->last_folio, "%s", a->record.folio);
    /* Whose done screen: the read with that employee number. */
    for (int i = 0; i < d->sent; i++)
        if (strcmp(d->numbers[i], a->record.employee_no) == 0 && d->latency_ms[i] == 0) {
            uint64_t now = SDL_GetPerformanceCounter();
            d->latency_ms[i] = (double)(now - d->enter_at[i]) * 1000.0 / (double)SDL_GetPerformanceFrequency();
            if (d->latency_ms[i] <= 0)
                d->latency_ms[i] = 0.001;
            d->done++;
            break;
        }
}

int platform_door_finished(const platform *p, const app *a)
{
    const platform_door *d = p->door;
    if (d->sent < d->scans)
        return 0;
    uint64_t since = SDL_GetPerformanceCounter() - d->enter_at[d->scans - 1];
    /* Done, or given up 5 s after the last read (the figures say so). */
    return (d->done >= d->scans && a->nqueue == 0) || since > SDL_GetPerformanceFrequency() * 5;
}

static int count_attendance(const store_event *e, void *arg)
{
    *(int *)arg += e->attendees;
    return 0;
}

void platform_door_report(platform *p, store *s)
{
    platform_door *d = p->door;
    double lat[PLATFORM_DOOR_MAX];
    int n = 0;
    for (int i = 0; i < d->sent; i++)
        if (d->latency_ms[i] > 0)
            lat[n++] = d->latency_ms[i];
    qsort(lat, (size_t)n, sizeof lat[0], cmp_double);
    int recorded = 0;
    store_event_each(s, 0, 1, count_attendance, &recorded);
    uint64_t f = SDL_GetPerformanceFrequency();
    double span = d->sent > 1 ? (double)(d->enter_at[d->sent - 1] - d->enter_at[0]) / (double)f : 0;
    printf("door: %dx%d renderer: %s\n", p->w, p->h, p->software ? "software" : "accelerated");
    printf("door_scans: %d (every %d ms)\n", d->sent, d->every_ms);
    printf("door_done_screens: %d\n", d->done);
    printf("door_recorded: %d (attendance at the open events)\n", recorded);
    printf("door_scans_per_min: %.1f\n", span > 0 ? (d->done - 1) * 60.0 / span : 0.0);
    if (n > 0)
        printf("door_latency_p50_ms: %.1f\ndoor_latency_p99_ms: %.1f\ndoor_latency_max_ms: %.1f\n", lat[n / 2],
               lat[n * 99 / 100 < n ? n * 99 / 100 : n - 1], lat[n - 1]);
}
