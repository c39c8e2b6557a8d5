/* cli_indicators.c — indicators [--year Y] [--format text|csv|json]
 * (SPEC "Indicators"). */
#include "cli_common.h"

#include <stdio.h>
#include <string.h>

#include "indicators.h"

int cli_cmd_indicators(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "indicators [--year Y] [--format text|csv|json]";
    static const struct option lo[] = {
        {"year", required_argument, 0, 'y'}, {"format", required_argument, 0, 'f'}, {0, 0, 0, 0}};
    int year = cli_current_year(ctx);
    const char *format = "text";
    OPTS_BEGIN(lo)
    case 'y':
        if (cli_parse_year(optarg, &year))
            return cli_error("bad --year '%s'", optarg);
        break;
    case 'f': format = optarg; break;
    OPTS_END(usage)
    if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json"))
        return cli_error("bad --format '%s' (text, csv or json)", format);
    if (optind != argc)
        return cli_error("usage: %s", usage);
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    indicators ind;
    int rc = indicators_compute(s, &ctx->cfg, year, &ind);
    if (rc) {
        cli_error("cannot compute the indicators: %s", store_errmsg(s));
    } else {
        if (indicators_write(&ind, format, stdout))
            rc = cli_error("cannot write the indicators");
        indicators_free(&ind);
    }
    store_close(s);
    return rc ? 1 : 0;
}
