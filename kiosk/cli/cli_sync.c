/* cli_sync.c — sync [--url URL] [--batch N] [--push-only]: this kiosk's
 * records to the central PostgreSQL and the other kiosks' records back
 * (kiosk/central/central_sync.c; README "One institution, many kiosks").
 * One summary line; when the central cannot be reached, one error line and
 * a non-zero exit, and everything stays queued. A pulled version that
 * breaks the version rule adds one warning line (stderr, exit 0). sync --status says where
 * this database stands (no connection) and lists what syncs kept aside. */
#include "cli_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central.h"
#include "util.h"

static int print_conflict(const store_sync_conflict *c, void *arg)
{
    (void)arg;
    printf("  apartado: quiosco %s, posición %lld, %s %s: %s\n", c->kiosk_id, (long long)c->pos, c->kind, c->uuid,
           c->reason);
    return 0;
}

/* sync --status: this database's side, without connecting. */
static int status(cli_ctx *ctx)
{
    store *s;
    store_sync_state st;
    if (cli_open(ctx, &s))
        return 1;
    int rc = store_sync_state_get(s, NULL, &st);
    if (rc != STORE_OK && rc != STORE_NOTFOUND) {
        cli_error("sync --status: %s", store_errmsg(s));
        store_close(s);
        return 1;
    }
    char last[32] = "nunca", ok[32] = "nunca";
    if (st.last_try)
        util_format_time("UTC", st.last_try, "%Y-%m-%d %H:%M UTC", last, sizeof last);
    if (st.last_ok)
        util_format_time("UTC", st.last_ok, "%Y-%m-%d %H:%M UTC", ok, sizeof ok);
    if (rc == STORE_NOTFOUND)
        printf("central: ninguna todavía\n");
    else
        printf("central: %s (%s)\núltimo intento: %s; última sincronización completa: %s%s%s\n", st.label,
               st.central, last, ok, st.last_error[0] ? "\núltimo error: " : "", st.last_error);
    printf("pendientes de enviar: %lld; enviadas %lld y recibidas %lld entradas en total",
           (long long)st.pending, (long long)st.pushed, (long long)st.pulled);
    if (st.has_skew)
        printf("; desfase del reloj: %lld s", (long long)st.clock_skew);
    printf("\napartados (conflictos): %lld\n", (long long)st.conflicts);
    rc = store_sync_conflict_each(s, print_conflict, NULL);
    store_close(s);
    return rc < 0 ? 1 : 0;
}

int cli_cmd_sync(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "sync [--url URL] [--batch N] [--push-only] | sync --status";
    static const struct option lo[] = {{"url", required_argument, 0, 'u'},
                                       {"batch", required_argument, 0, 'b'},
                                       {"push-only", no_argument, 0, 'p'},
                                       {"status", no_argument, 0, 's'},
                                       {0, 0, 0, 0}};
    const char *url = NULL;
    int want_status = 0;
    central_sync_opts o = {.batch = 5000, .page = 1000};
    OPTS_BEGIN(lo)
    case 'u': url = optarg; break;
    case 'b': {
        char *end;
        long n = strtol(optarg, &end, 10);
        if (*end || n < 1 || n > 100000)
            return cli_error("sync: --batch debe ser de 1 a 100000 entradas");
        o.batch = (int)n;
        break;
    }
    case 'p': o.push_only = 1; break;
    case 's': want_status = 1; break;
    OPTS_END(usage)
    if (optind != argc)
        return cli_error("usage: %s", usage);
    if (want_status)
        return status(ctx);
    if (!(url = cli_central_url(ctx, url)))
        return 1;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    central_sync_result r;
    char err[1024];
    o.now = cli_now();
    int rc = central_sync(s, ctx->db_path, url, &o, &r, err, sizeof err);
    if (rc) {
        cli_error("sync: %s", err);
    } else {
        printf("sincronizado con %s: enviados %lld, recibidos %lld", r.label, (long long)r.pushed, (long long)r.pulled);
        if (r.in.conflicts)
            printf(", %lld apartados (conflictos)", (long long)r.in.conflicts);
        if (r.in.pending)
            printf(", %lld en espera", (long long)r.in.pending);
        if (r.new_epoch)
            printf("; esta base de datos es una copia anterior de su cadena y sigue en una época nueva");
        printf("\n");
        /* A version breaking the version rule, from a central that let it
         * in: one line on stderr; the sync itself went on (exit 0). */
        if (r.in.refused == 1)
            cli_error("sync: a version was kept aside, not applied, and the rest was received (sync --status lists "
                      "it): %s", r.in.refused_first);
        else if (r.in.refused > 1)
            cli_error("sync: %lld versions were kept aside, not applied, and the rest was received (sync --status "
                      "lists them); the first: %s", (long long)r.in.refused, r.in.refused_first);
        /* A chain with a head of bad signature (a kiosk's login used
         * without its key): not taken from there on, the rest was. */
        if (r.in.bad_heads == 1)
            cli_error("sync: a chain of another kiosk was not taken from there on, and the rest was received (sync "
                      "--status lists it): %s", r.in.bad_head_first);
        else if (r.in.bad_heads > 1)
            cli_error("sync: %lld chains of other kiosks were not taken from there on, and the rest was received "
                      "(sync --status lists them); the first: %s", (long long)r.in.bad_heads, r.in.bad_head_first);
    }
    store_close(s);
    return rc ? 1 : 0;
}
