/* cli.c — the coordinator subcommands (SPEC "Coordinator command line"):
 * the global options, the {name, fn, help} table and the dispatch.
 *
 * Each command is a function of (context, argc, argv) in a file of its
 * group (cli_admin.c, cli_roster.c, cli_event.c, cli_record.c,
 * cli_indicators.c, cli_export.c, cli_receipt.c, cli_keys.c, cli_sync.c,
 * cli_bundle.c, cli_central.c), all built on
 * cli_common.c only. Errors are one line on stderr and a non-zero exit;
 * commands that create something print its identifier on stdout. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* ---- dispatch ---- */

typedef struct cli_command {
    const char *name;
    cli_fn fn;
    const char *help;
} cli_command;

static cli_fn run_command;

static int cmd_run(cli_ctx *ctx, int argc, char **argv)
{
    return run_command(ctx, argc, argv);
}

static const cli_command COMMANDS[] = {
    {"run", cmd_run, "run [--windowed WxH]          el quiosco (sin orden, es lo que se ejecuta)"},
    {"init", cli_cmd_init, "init --institution NAME --unit CODE     base de datos nueva, identidad y llave de firma"},
    {"roster", cli_cmd_roster, "roster import FILE.csv|FILE.xlsx | roster list [--unit CODE] [--search TEXT]"},
    {"event", cli_cmd_event, "event add ... | event list [--year Y] [--format text|csv|json] | event open ID "
                             "[--reopen --reason TEXT] | event close ID | event attach ID FILE [--kind K] [--note T]"},
    {"attendance", cli_cmd_attendance, "attendance import EVENT FILE.csv|FILE.xlsx   una lista completa capturada de una vez"},
    {"checkin", cli_cmd_checkin, "checkin EVENT_ID EMPLOYEE_NO [--keyed]   en la mesa de registro, o una lista en papel capturada"},
    {"pledge", cli_cmd_pledge, "pledge EMPLOYEE_NO --keyed [--date YYYY-MM-DD]   una Carta en papel capturada"},
    {"indicators", cli_cmd_indicators, "indicators [--year Y] [--format text|csv|json]"},
    {"export", cli_cmd_export, "export attendance|pledges|indicators ... --format F -o FILE | "
                               "export evidence [--year Y] | export certificates EVENT|--person NUM"},
    {"receipt", cli_cmd_receipt, "receipt FOLIO [--png FILE] [--print]"},
    {"verify", cli_cmd_verify, "verify PAYLOAD [--db FILE] | verify --package FILE.zip [--keys FILE]"},
    {"keys", cli_cmd_keys, "keys export [--own] [FILE] | keys import FILE"},
    {"audit", cli_cmd_audit, "audit verify [--head CKH1:...|CK2:...|FILE]... | audit head   verificar / firmar la cadena"},
    {"backup", cli_cmd_backup, "backup [DIR]                  copia de la base de datos en uso (y de sus anexos)"},
    {"admin", cli_cmd_admin, "admin set-pin"},
    {"sync", cli_cmd_sync, "sync [--url URL] | sync --status   envía los registros de este quiosco a la central y trae los de los demás"},
    {"bundle", cli_cmd_bundle, "bundle export FILE | bundle import FILE   los mismos datos en una memoria USB"},
    {"central", cli_cmd_central, "central init|enroll KEYFILE|import FILE|indicators|status|audit verify [--url URL]   la central PostgreSQL"},
    {"doctor", cli_cmd_doctor, "doctor                        revisa configuración, base de datos, llave, tipografías, impresora, respaldos"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "uso: cepci-kiosk [--db PATH] [--config FILE] COMMAND ... | --version\n");
    for (const cli_command *c = COMMANDS; c->name; c++)
        fprintf(f, "  %s\n", c->help);
}

int cli_main(int argc, char **argv, cli_fn run_fn, const char *assets_dir)
{
    cli_ctx ctx = {.db_path = "cepci-kiosk.db"};
    run_command = run_fn;
    config_defaults(&ctx.cfg, assets_dir);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc) {
            if (argv[i][2] == 'd')
                ctx.db_path = argv[++i];
            else
                ctx.config_path = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--windowed") == 0) {
            break; /* "cepci-kiosk --windowed WxH" = run --windowed WxH */
        } else {
            cli_error("unknown option '%s' (see: cepci-kiosk --help)", argv[i]);
            return 2;
        }
    }
    /* "COMMAND ... --help": that command's usage on standard output, before
     * anything is opened or checked; nothing runs (it is not taken for a
     * file or an employee number called "--help"). */
    for (const cli_command *c = COMMANDS; i < argc && c->name; c++)
        if (strcmp(c->name, argv[i]) == 0)
            for (int j = i + 1; j < argc; j++)
                if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0) {
                    printf("uso: cepci-kiosk %s\n", c->help);
                    return 0;
                }
    if (util_init() != 0)
        return cli_error("cannot initialise libsodium");
    if (ctx.config_path) {
        char err[1024];
        if (config_load(&ctx.cfg, ctx.config_path, err, sizeof err) != 0) {
            if (i >= argc || strcmp(argv[i], "doctor") != 0)
                return cli_error("%s", err);
            snprintf(ctx.config_err, sizeof ctx.config_err, "%s", err); /* doctor reports it */
        }
    }
    if (strcmp(ctx.cfg.backup_dir, "backups") == 0) {
        /* Not configured: backups go beside the database, not wherever the
         * program happens to be started from. */
        const char *slash = strrchr(ctx.db_path, '/');
        snprintf(ctx.cfg.backup_dir, sizeof ctx.cfg.backup_dir, "%.*s%sbackups",
                 slash ? (int)(slash - ctx.db_path) : 0, ctx.db_path, slash ? "/" : "");
    }
    char *run_argv[] = {"run", NULL};
    if (i < argc && argv[i][0] != '-' ? cli_root_guard(&ctx, argc - i, argv + i) : cli_root_guard(&ctx, 1, run_argv))
        return 1;
    if (i >= argc || argv[i][0] == '-') {
        /* No command: the kiosk. */
        char *def[] = {"run", NULL};
        return cmd_run(&ctx, i >= argc ? 1 : argc - i + 1, i >= argc ? def : argv + i - 1);
    }
    for (const cli_command *c = COMMANDS; c->name; c++)
        if (strcmp(c->name, argv[i]) == 0)
            return c->fn(&ctx, argc - i, argv + i);
    cli_error("unknown command '%s' (see: cepci-kiosk --help)", argv[i]);
    return 2;
}
