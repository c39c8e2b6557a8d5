/* cli_common.c — see cli_common.h. */
#include "cli_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keys.h"
#include "util.h"

int cli_error(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "cepci-kiosk: %s\n", util_one_line(msg)); /* one line, whatever it quotes */
    return 1;
}

int64_t cli_now(void)
{
#ifdef CK_TEST_HOOKS
    /* A test build only: the suite fakes the clock. The installed program
     * must not, or CEPCI_NOW=-100 would store a record dated 1969. */
    const char *fake = getenv("CEPCI_NOW");
    if (fake && *fake)
        return strtoll(fake, NULL, 10);
#endif
    return (int64_t)time(NULL);
}

void cli_sync_units(cli_ctx *ctx, store *s)
{
    for (int i = 0; i < ctx->cfg.nunits; i++) {
        const config_unit *u = &ctx->cfg.units[i];
        store_unit cur;
        if (store_unit_get(s, u->code, &cur) == STORE_OK && strcmp(cur.name, u->name) == 0 &&
            strcmp(cur.timezone, u->timezone) == 0)
            continue;
        store_unit_put_at(s, u->code, u->name, u->timezone, cli_now()); /* best effort: read-only is fine */
    }
}

int cli_open(cli_ctx *ctx, store **s)
{
    char err[1024], key[4200];
    if (store_open(s, ctx->db_path, 0, err, sizeof err) != STORE_OK)
        return cli_error("%s", err);
    if (!store_kiosk_id(*s)[0]) {
        store_close(*s);
        *s = NULL;
        return cli_error("%s: the database has no kiosk identity (run: cepci-kiosk init)", ctx->db_path);
    }
    /* The kiosk key signs every write (the chain head). Without the key
     * file (a copy being examined) nothing is signed, and audit verify
     * reports anything written then. */
    keys_path(ctx->db_path, key, sizeof key);
    if (access(key, F_OK) == 0 && keys_signer_install(*s, ctx->db_path, err, sizeof err) != 0) {
        store_close(*s);
        *s = NULL;
        return cli_error("%s", err);
    }
    cli_sync_units(ctx, *s);
    return 0;
}

int cli_parse_year(const char *v, int *out)
{
    char *end;
    long y = strtol(v, &end, 10);
    if (!*v || *end || y < 1970 || y > 2999)
        return -1;
    *out = (int)y;
    return 0;
}

int cli_current_year(cli_ctx *ctx)
{
    struct tm tm;
    const config_unit *u = config_find_unit(&ctx->cfg, ctx->cfg.unit);
    util_utc_to_local(u && u->timezone[0] ? u->timezone : CK_DEFAULT_TZ, cli_now(), &tm);
    return tm.tm_year + 1900;
}
