/* cli_sync.c — sync [--url URL] [--batch N] [--push-only]: this kiosk's
 * records to the central PostgreSQL and the other kiosks' records back
 * (kiosk/central/central_sync.c; README "One institution, many kiosks").
 * One summary line; when the central cannot be reached, one error line and
 * a non-zero exit, and everything stays queued. */
#include "cli_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central.h"

int cli_cmd_sync(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "sync [--url URL] [--batch N] [--push-only]";
    static const struct option lo[] = {{"url", required_argument, 0, 'u'},
                                       {"batch", required_argument, 0, 'b'},
                                       {"push-only", no_argument, 0, 'p'},
                                       {0, 0, 0, 0}};
    const char *url = NULL;
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
    OPTS_END(usage)
    if (optind != argc)
        return cli_error("usage: %s", usage);
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
    }
    store_close(s);
    return rc ? 1 : 0;
}
