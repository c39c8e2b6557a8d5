/* cli_export.c — `export attendance|pledges|indicators` (SPEC "Coordinator
 * command line"). Prints the path of the written file on stdout; errors are
 * one line on stderr and nothing is left under the target name. */
#include "cli_common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "export.h"
#include "util.h"

static const char USAGE[] =
    "export attendance EVENT_ID --format pdf|csv|xlsx [-o FILE] [--force] | "
    "export pledges [--year Y] --format pdf|csv|xlsx [-o FILE] [--force] | "
    "export indicators [--year Y] --format pdf|csv [-o FILE] [--force] | "
    "export attendance --year Y [--unit U] --format pdf|csv|xlsx [-o FILE] | "
    "export evidence [--year Y] [-o FILE.zip] | "
    "export certificates EVENT_ID [-o FILE.pdf] | export certificates --person NUM [--year Y] [-o FILE.pdf]";

/* Default output: the configured export folder and a name that says what
 * is inside ("lista-asistencia_2026-03-10_taller-conflictos_SCLC.pdf",
 * "base-datos-carta-compromiso_2026.csv", "informe-indicadores_2026.pdf"). */
static void default_path(cli_ctx *ctx, store *s, const char *what, const char *id, int year, const char *format,
                         char *out, size_t outlen)
{
    const char *dir = ctx->cfg.export_dir[0] ? ctx->cfg.export_dir : ".";
    char name[700], y[16];
    store_event ev;
    snprintf(y, sizeof y, "%d", year);
    if (strcmp(what, "attendance") == 0 && store_event_get(s, id, &ev) == STORE_OK)
        export_event_filename(&ev, "lista-asistencia", format, name, sizeof name);
    else if (strcmp(what, "pledges") == 0)
        snprintf(name, sizeof name, "base-datos-carta-compromiso_%s.%s", year ? y : "todas", format);
    else
        snprintf(name, sizeof name, "%s_%d.%s", strcmp(format, "pdf") == 0 ? "informe-indicadores" : "indicadores",
                 year, format);
    snprintf(out, outlen, "%s/%s", dir, name);
}

int cli_cmd_export(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option lo[] = {{"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"year", required_argument, 0, 'y'},
                                       {"force", no_argument, 0, 'F'},
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
    int year = 0, year_given = 0, force = 0;
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
        case 'F': force = 1; break;
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
    if (strcmp(format, "pdf") && strcmp(format, "csv") && (ind || strcmp(format, "xlsx")))
        return cli_error("export: unknown format '%s' (use %s)", format, ind ? "pdf or csv" : "pdf, csv or xlsx");
    if (path && cli_check_output(path, force))
        return 1;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char def[4096], err[1024];
    if (!path) {
        default_path(ctx, s, what, event_id, year, format, def, sizeof def);
        path = def;
        if (cli_check_output(path, force)) {
            store_close(s);
            return 1;
        }
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
