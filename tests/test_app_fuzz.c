/* test_app_fuzz.c — at least 20,000 random touches, drags, keys and clock
 * jumps through the app and ui layers (no SDL), over a real database: no
 * crash, no leak (the suite runs under ASan+UBSan in CI), and the state
 * stays consistent. Random taps favour the widgets on screen so the flows
 * are reached deeply (check-ins, pledges, signatures, the coordinator).
 * The seeds are fixed and printed; CK_SEED=N replays a printed one, or
 * tries new ones: for n in $(seq 100); do CK_SEED=$n build/tests/test_app_fuzz; done */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "pin.h"

static int approx_measure(void *user, const char *text, int len, int size, int bold)
{
    (void)user;
    (void)bold;
    int chars = 0;
    for (int i = 0; i < len; i++)
        chars += ((unsigned char)text[i] & 0xC0) != 0x80;
    return chars * size / 2;
}

static unsigned rng = 12345;
static unsigned rnd(unsigned n)
{
    rng = rng * 1103515245u + 12345u;
    return ((rng >> 8) & 0xffffff) % (n ? n : 1);
}

static void run_fuzz(int w, int h, int steps, unsigned seed)
{
    char *dir = tu_tmpdir();
    store *s = tu_store(dir, "k.db");
    static const char *const given[] = {"María", "José", "Ana", "Luis", "Lucía", "Pedro"};
    static const char *const sur[] = {"Peña", "Núñez", "Gómez", "Ruiz", "Díaz", "Pérez"};
    char no[16];
    for (int i = 0; i < 30; i++) {
        snprintf(no, sizeof no, "%d", 1000 + i);
        tu_person(s, no, given[i % 6], sur[i % 6], sur[(i / 6) % 6], i % 3 ? "SCLC" : "CHE", i != 7);
    }
    tu_event(s, "Taller de ética", "taller", "etica", "SCLC", "2026-11-24 10:00", 0);
    tu_event(s, "Curso de integridad", "curso", "integridad", "SCLC", "2026-11-24 12:00", 1);
    char err[256];
    assert_int_equal(pin_set(s, "2468", err, sizeof err), 0);
    config c;
    config_defaults(&c, CK_SOURCE_DIR);
    snprintf(c.unit, sizeof c.unit, "SCLC");
    snprintf(c.export_dir, sizeof c.export_dir, "%s", dir);
    snprintf(c.backup_dir, sizeof c.backup_dir, "%s/backups", dir);
    ui_ctx *u = malloc(sizeof *u);
    assert_non_null(u);
    ui_init(u, w, h, "#1F5C99", approx_measure, NULL);
    app *a;
    char dbp[1024];
    snprintf(dbp, sizeof dbp, "%s/k.db", dir);
    int64_t now = 1795000000000LL;
    assert_int_equal(app_new(&a, s, &c, dbp, now, err, sizeof err), 0);
    rng = seed;
    int visited[APP_SCREEN_COUNT] = {0};
    static const char *const texts[] = {"1", "0", "5", "a", "ñ", "é", "1003", "1010", "\xff", "Z"};
    for (int i = 0; i < steps && !a->quit; i++) {
        unsigned k = rnd(100);
        now += rnd(4) == 0 ? rnd(3000) : 16;
        if (k < 45 && u->nwidgets > 0) {
            /* Tap a widget of the last frame. */
            const ui_widget *wd = &u->widgets[rnd((unsigned)u->nwidgets)];
            int x = wd->r.x + (int)rnd((unsigned)(wd->r.w > 0 ? wd->r.w : 1));
            int y = wd->r.y + (int)rnd((unsigned)(wd->r.h > 0 ? wd->r.h : 1));
            ui_input_down(u, 1, x, y, now);
            ui_input_up(u, 1, x, y, now);
        } else if (k < 65) {
            int x = (int)rnd((unsigned)w + 40) - 20, y = (int)rnd((unsigned)h + 40) - 20;
            ui_input_down(u, (int)rnd(3), x, y, now);
            if (rnd(2))
                ui_input_up(u, (int)rnd(3), x, y, now);
        } else if (k < 80) {
            int x = (int)rnd((unsigned)w), y = (int)rnd((unsigned)h);
            ui_input_down(u, 1, x, y, now);
            for (int m = 0; m < 8; m++)
                ui_input_move(u, 1, x + (int)rnd(400) - 200, y + (int)rnd(400) - 200, now + m);
            if (rnd(3))
                ui_input_up(u, 1, x, y, now + 9);
        } else if (k < 90) {
            ui_input_text(u, texts[rnd(10)]);
        } else if (k < 95) {
            ui_input_key(u, 1 + (int)rnd(3));
        } else if (k < 97) {
            now += 20000 + rnd(60000); /* idle */
        } else if (k < 98) {
            /* Hold the coordinator corner, then type the PIN (sometimes wrong). */
            ui_input_down(u, 1, 5, 5, now);
            ui_begin(u, now);
            app_frame(a, u);
            ui_end(u);
            now += 3100;
            ui_begin(u, now);
            app_frame(a, u);
            ui_end(u);
            ui_input_up(u, 1, 5, 5, now);
            if (a->screen == APP_PIN && rnd(2))
                snprintf(a->pin, sizeof a->pin, "2468");
        } else {
            a->large_text = !a->large_text;
        }
        ui_begin(u, now);
        app_frame(a, u);
        ui_end(u);
        /* Read what the platform would draw: every QR a command points at
         * must still be alive (ASan reports a use after free here). */
        unsigned sum = 0;
        for (int ci = 0; ci < u->ncmds; ci++)
            if (u->cmds[ci].type == UI_CMD_QR && u->cmds[ci].qr)
                for (int m = 0; m < u->cmds[ci].qr_size * u->cmds[ci].qr_size; m++)
                    sum += u->cmds[ci].qr[m];
        (void)sum;
        assert_true(a->screen >= 0 && a->screen < APP_SCREEN_COUNT);
        assert_true(u->ncmds <= UI_MAX_CMDS);
        visited[a->screen]++;
        if (a->screen == APP_HOME) {
            assert_int_equal(a->search[0], 0);
            assert_int_equal(a->number[0], 0);
        }
    }
    int distinct = 0;
    for (int i = 0; i < APP_SCREEN_COUNT; i++)
        distinct += visited[i] > 0;
    print_message("%dx%d: %d screens visited\n", w, h, distinct);
    assert_true(distinct >= 8);
    app_free(a);
    free(u);
    store_close(s);
    tu_tmpdir_done(dir);
}

/* The portrait test's second run uses its printed seed + 1. */
static void test_fuzz_landscape(void **state)
{
    (void)state;
    run_fuzz(1280, 800, 12000, tu_seed("app fuzz 1280x800", 1));
}

static void test_fuzz_portrait(void **state)
{
    (void)state;
    unsigned seed = tu_seed("app fuzz 1080x1920 and 1920x1080", 2);
    run_fuzz(1080, 1920, 6000, seed);
    run_fuzz(1920, 1080, 6000, seed + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_landscape),
        cmocka_unit_test(test_fuzz_portrait),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
