/* cli_export.c — `export attendance|pledges|indicators` (SPEC "Coordinator
 * command line"). Prints the path of the written file on stdout; errors are
 * one line on stderr and nothing is left under the target name. */
#include "cli_common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "util.h"

static const char USAGE[] =
    "export attendance EVENT_ID --format pdf|csv|xlsx -o FILE | "
    "export pledges [--year Y] --format pdf|csv|xlsx -o FILE | "
    "export indicators [--year Y] --format pdf|csv -o FILE | "
    "export attendance --year Y [--unit U] --format pdf|csv|xlsx [-o FILE] | "
    "export evidence [--year Y] [-o FILE.zip] | "
    "export certificates EVENT_ID [-o FILE.pdf] | export certificates --person NUM [--year Y] [-o FILE.pdf]";

/* Default output: the configured export folder and a descriptive name. */
static void default_path(cli_ctx *ctx, const char *what, const char *id, int year, const char *format, char *out,
                         size_t outlen)
{
    const char *dir = ctx->cfg.export_dir[0] ? ctx->cfg.export_dir : ".";
    char stamp[32];
    util_format_time(CK_DEFAULT_TZ, cli_now(), "%Y%m%d-%H%M", stamp, sizeof stamp);
    if (id)
        snprintf(out, outlen, "%s/%s-%.8s-%s.%s", dir, what, id, stamp, format);
    else if (year)
        snprintf(out, outlen, "%s/%s-%d-%s.%s", dir, what, year, stamp, format);
    else
        snprintf(out, outlen, "%s/%s-%s.%s", dir, what, stamp, format);
}

int cli_cmd_export(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option lo[] = {{"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"year", required_argument, 0, 'y'},
                                       {0, 0, 0, 0}};
    if (argc < 2)
        return cli_error("usage: %s", USAGE);
    const char *what = argv[1], *format = NULL, *path = NULL, *event_id = NULL;
    /* The year's evidence (cli_evidence.c). */
    if (strcmp(what, "evidence") == 0)
        return cli_export_evidence(ctx, argc - 1, argv + 1);
    if (strcmp(what, "certificates") == 0)
        return cli_export_certificates(ctx, argc - 1, argv + 1);
    if (strcmp(what, "attendance") == 0)
        for (int i = 2; i < argc; i++)
            if (strcmp(argv[i], "--unit") == 0 || strncmp(argv[i], "--unit=", 7) == 0 ||
                ((strcmp(argv[i], "--year") == 0 || strncmp(argv[i], "--year=", 7) == 0) &&
                 (argc < 3 || argv[2][0] == '-')))
                return cli_export_attendance_year(ctx, argc - 1, argv + 1);
    int year = 0, year_given = 0;
    int attendance = strcmp(what, "attendance") == 0, pledges = strcmp(what, "pledges") == 0,
        ind = strcmp(what, "indicators") == 0;
    if (!attendance && !pledges && !ind)
        return cli_error("export: unknown list '%s'; usage: %s", what, USAGE);
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, "+f:o:y:", lo, NULL);
        if (opt == -1) {
            /* The event id may come before or after the options. */
            if (optind < argc && attendance && !event_id && argv[optind][0] != '-') {
                event_id = argv[optind++];
                continue;
            }
            break;
        }
        switch (opt) {
        case 'f': format = optarg; break;
        case 'o': path = optarg; break;
        case 'y':
            if (cli_parse_year(optarg, &year))
                return cli_error("export: bad year '%s'", optarg);
            year_given = 1;
            break;
        default:
            return cli_error("export %s: unknown or incomplete option '%s'; usage: %s", what, argv[optind - 1],
                             USAGE);
        }
    }
    if (optind != argc)
        return cli_error("export %s: unexpected argument '%s'; usage: %s", what, argv[optind], USAGE);
    if (attendance && (!event_id || year_given))
        return cli_error("usage: %s", USAGE);
    if (!format)
        return cli_error("export %s: give --format (%s)", what, ind ? "pdf or csv" : "pdf, csv or xlsx");
    if (ind && !year_given)
        year = cli_current_year(ctx);
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char def[4096], err[1024];
    if (!path) {
        default_path(ctx, attendance ? "asistencia" : pledges ? "carta-compromiso" : "indicadores", event_id,
                     year, format, def, sizeof def);
        path = def;
    }
    int64_t now = cli_now();
    int rc;
    if (attendance)
        rc = export_attendance(s, &ctx->cfg, ctx->db_path, event_id, format, path, now, err, sizeof err);
    else if (pledges)
        rc = export_pledges(s, &ctx->cfg, ctx->db_path, year, format, path, now, err, sizeof err);
    else
        rc = export_indicators(s, &ctx->cfg, ctx->db_path, year, format, path, now, err, sizeof err);
    store_close(s);
    if (rc)
        return cli_error("%s", err);
    printf("%s\n", path);
    return 0;
}
