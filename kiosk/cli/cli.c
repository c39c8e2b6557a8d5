/* cli.c — the coordinator subcommands (SPEC "Coordinator command line").
 *
 * Each command is a function of (context, argc, argv) registered in one
 * table. Errors are one line on stderr and a non-zero exit; commands that
 * create something print its identifier on stdout. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "backup.h"
#include "indicators.h"
#include "keys.h"
#include "pin.h"
#include "roster.h"
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
    const char *fake = getenv("CEPCI_NOW");
    if (fake && *fake)
        return strtoll(fake, NULL, 10);
    return (int64_t)time(NULL);
}

static void sync_units(cli_ctx *ctx, store *s)
{
    for (int i = 0; i < ctx->cfg.nunits; i++) {
        const config_unit *u = &ctx->cfg.units[i];
        store_unit cur;
        if (store_unit_get(s, u->code, &cur) == STORE_OK && strcmp(cur.name, u->name) == 0 &&
            strcmp(cur.timezone, u->timezone) == 0)
            continue;
        store_unit_put(s, u->code, u->name, u->timezone); /* best effort: read-only is fine */
    }
}

int cli_open(cli_ctx *ctx, store **s)
{
    char err[1024];
    if (store_open(s, ctx->db_path, 0, err, sizeof err) != STORE_OK)
        return cli_error("%s", err);
    if (!store_kiosk_id(*s)[0]) {
        store_close(*s);
        *s = NULL;
        return cli_error("%s: the database has no kiosk identity (run: cepci-kiosk init)", ctx->db_path);
    }
    sync_units(ctx, *s);
    return 0;
}

/* Parses a positive year argument. */
static int parse_year(const char *v, int *out)
{
    char *end;
    long y = strtol(v, &end, 10);
    if (*end || y < 1970 || y > 2999)
        return -1;
    *out = (int)y;
    return 0;
}

static int current_year(cli_ctx *ctx)
{
    struct tm tm;
    const config_unit *u = config_find_unit(&ctx->cfg, ctx->cfg.unit);
    util_utc_to_local(u ? u->timezone : "America/Mexico_City", cli_now(), &tm);
    return tm.tm_year + 1900;
}

/* getopt_long over argv of a command; argv[0] is the command name. */
#define OPTS_BEGIN(longopts)                                                      \
    optind = 1;                                                                   \
    opterr = 0;                                                                   \
    for (int opt_; (opt_ = getopt_long(argc, argv, "", longopts, NULL)) != -1;) { \
        switch (opt_) {
#define OPTS_END(usage)                                                  \
        default:                                                         \
            return cli_error("%s: unknown or incomplete option '%s'; usage: %s", argv[0], \
                             argv[optind - 1], usage);                   \
        }                                                                \
    }

/* ---- init ---- */

/* Removes a database that init could not finish, with its -wal and -shm. */
static void remove_database(const char *path)
{
    char p[4200];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static int cmd_init(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "init --institution NAME --unit CODE";
    static const struct option lo[] = {
        {"institution", required_argument, 0, 'i'}, {"unit", required_argument, 0, 'u'}, {0, 0, 0, 0}};
    const char *inst = NULL, *unit = NULL;
    OPTS_BEGIN(lo)
    case 'i': inst = optarg; break;
    case 'u': unit = optarg; break;
    OPTS_END(usage)
    if (!inst)
        inst = ctx->cfg.institution;
    if (!unit)
        unit = ctx->cfg.unit[0] ? ctx->cfg.unit : NULL;
    if (!unit || optind != argc)
        return cli_error("usage: %s", usage);
    if (access(ctx->db_path, F_OK) == 0)
        return cli_error("%s: already exists; refusing to overwrite a database", ctx->db_path);
    char err[1024], keypath[4096];
    keys_path(ctx->db_path, keypath, sizeof keypath);
    if (access(keypath, F_OK) == 0)
        return cli_error("%s: a signing key already exists here; move it away first", keypath);
    store *s;
    if (store_open(&s, ctx->db_path, 1, err, sizeof err) != STORE_OK) {
        remove_database(ctx->db_path); /* leave nothing half-made behind */
        return cli_error("%s", err);
    }
    int64_t now = cli_now();
    int rc = store_init_identity(s, inst, unit, now);
    if (rc == STORE_OK) {
        sync_units(ctx, s);
        rc = keys_create(s, ctx->db_path, now, err, sizeof err);
        if (rc)
            cli_error("%s", err);
    } else {
        cli_error("%s", store_errmsg(s));
    }
    char id[STORE_KIOSK_ID_LEN];
    snprintf(id, sizeof id, "%s", store_kiosk_id(s));
    store_close(s);
    if (rc) {
        remove_database(ctx->db_path);
        return 1;
    }
    printf("%s\n", id);
    return 0;
}

/* ---- roster ---- */

struct list_ctx {
    int n;
    const char *search;
};

static int print_person(const store_person *p, void *arg)
{
    struct list_ctx *lc = arg;
    char name[512];
    store_person_fullname(p, name, sizeof name);
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", p->employee_no, name, p->unit, p->area, p->position,
           p->active ? "activo" : "inactivo");
    lc->n++;
    return 0;
}

static int cmd_roster(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "roster import FILE.csv | roster list [--unit CODE] [--search TEXT]";
    if (argc < 2)
        return cli_error("usage: %s", usage);
    store *s;
    if (strcmp(argv[1], "import") == 0) {
        if (argc != 3)
            return cli_error("usage: %s", usage);
        if (cli_open(ctx, &s))
            return 1;
        roster_stats st;
        char err[1024];
        int rc = roster_import(s, argv[2], cli_now(), &st, err, sizeof err);
        store_close(s);
        if (rc)
            return cli_error("%s", err);
        printf("%d filas: %d altas, %d cambios, %d sin cambios\n", st.rows, st.added, st.updated, st.unchanged);
        return 0;
    }
    if (strcmp(argv[1], "list") == 0) {
        static const struct option lo[] = {
            {"unit", required_argument, 0, 'u'}, {"search", required_argument, 0, 's'}, {0, 0, 0, 0}};
        const char *unit = NULL, *search = NULL;
        argc--;
        argv++;
        OPTS_BEGIN(lo)
        case 'u': unit = optarg; break;
        case 's': search = optarg; break;
        OPTS_END(usage)
        if (optind != argc)
            return cli_error("usage: %s", usage);
        if (cli_open(ctx, &s))
            return 1;
        struct list_ctx lc = {0, search};
        int rc;
        if (search) {
            enum { MAX = 50 };
            store_person *res = calloc(MAX, sizeof *res);
            rc = res ? store_search(s, search, res, MAX) : STORE_ERROR;
            for (int i = 0; i < rc; i++)
                if (!unit || strcmp(res[i].unit, unit) == 0)
                    print_person(&res[i], &lc);
            free(res);
            rc = rc < 0 ? rc : 0;
        } else {
            rc = store_person_each(s, unit, print_person, &lc);
        }
        if (rc)
            cli_error("%s", store_errmsg(s));
        store_close(s);
        return rc ? 1 : 0;
    }
    return cli_error("usage: %s", usage);
}

/* ---- events ---- */

static int print_event(const store_event *e, void *arg)
{
    (void)arg;
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", e->id, e->start, e->unit, e->state, e->kind, e->topics, e->title,
           e->attendees);
    return 0;
}

static int set_field(char *dst, size_t len, const char *v, const char *what)
{
    if (util_strlcpy(dst, v, len) != 0 || !util_utf8_valid(v, strlen(v)))
        return cli_error("%s is too long or not valid UTF-8 text", what);
    return 0;
}

static int cmd_event(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] =
        "event add --title T --kind K --topics a,b --unit U --start 'YYYY-MM-DD HH:MM' [--end ...] "
        "[--place P] [--pat 1.2.3] [--instructor I] [--no-signature] | event list [--year Y] | "
        "event open ID | event close ID";
    if (argc < 2)
        return cli_error("usage: %s", usage);
    store *s;
    const char *sub = argv[1];
    argc--;
    argv++;
    if (strcmp(sub, "add") == 0) {
        static const struct option lo[] = {
            {"title", required_argument, 0, 't'}, {"kind", required_argument, 0, 'k'},
            {"topics", required_argument, 0, 'o'}, {"unit", required_argument, 0, 'u'},
            {"start", required_argument, 0, 's'}, {"end", required_argument, 0, 'e'},
            {"place", required_argument, 0, 'p'}, {"pat", required_argument, 0, 'a'},
            {"instructor", required_argument, 0, 'i'}, {"no-signature", no_argument, 0, 'n'},
            {0, 0, 0, 0}};
        store_event e;
        memset(&e, 0, sizeof e);
        e.signature = 1;
        int bad = 0;
        OPTS_BEGIN(lo)
        case 't': bad |= set_field(e.title, sizeof e.title, optarg, "--title"); break;
        case 'k': bad |= set_field(e.kind, sizeof e.kind, optarg, "--kind"); break;
        case 'o': bad |= set_field(e.topics, sizeof e.topics, optarg, "--topics"); break;
        case 'u': bad |= set_field(e.unit, sizeof e.unit, optarg, "--unit"); break;
        case 's': bad |= set_field(e.start, sizeof e.start, optarg, "--start"); break;
        case 'e': bad |= set_field(e.end, sizeof e.end, optarg, "--end"); break;
        case 'p': bad |= set_field(e.place, sizeof e.place, optarg, "--place"); break;
        case 'a': bad |= set_field(e.pat, sizeof e.pat, optarg, "--pat"); break;
        case 'i': bad |= set_field(e.instructor, sizeof e.instructor, optarg, "--instructor"); break;
        case 'n': e.signature = 0; break;
        OPTS_END(usage)
        if (bad)
            return 1;
        if (optind != argc || !e.title[0] || !e.kind[0] || !e.topics[0] || !e.unit[0] || !e.start[0])
            return cli_error("event add needs --title, --kind, --topics, --unit and --start; usage: %s", usage);
        if (cli_open(ctx, &s))
            return 1;
        int rc = store_event_add(s, &e, cli_now());
        if (rc)
            cli_error("%s", store_errmsg(s));
        else
            printf("%s\n", e.id);
        store_close(s);
        return rc ? 1 : 0;
    }
    if (strcmp(sub, "list") == 0) {
        static const struct option lo[] = {{"year", required_argument, 0, 'y'}, {0, 0, 0, 0}};
        int year = 0;
        OPTS_BEGIN(lo)
        case 'y':
            if (parse_year(optarg, &year))
                return cli_error("bad --year '%s'", optarg);
            break;
        OPTS_END(usage)
        if (cli_open(ctx, &s))
            return 1;
        int rc = store_event_each(s, year, 0, print_event, NULL);
        if (rc)
            cli_error("%s", store_errmsg(s));
        store_close(s);
        return rc ? 1 : 0;
    }
    if (strcmp(sub, "open") == 0 || strcmp(sub, "close") == 0) {
        if (argc != 2)
            return cli_error("usage: event %s ID", sub);
        if (cli_open(ctx, &s))
            return 1;
        int rc = store_event_set_state(s, argv[1], strcmp(sub, "open") == 0 ? "open" : "closed", cli_now());
        if (rc)
            cli_error("%s", store_errmsg(s));
        store_close(s);
        return rc ? 1 : 0;
    }
    return cli_error("usage: %s", usage);
}

/* ---- check-in and pledge ---- */

/* A receipt needs the signing key: check it before recording anything, so
 * a record is never made that cannot be given its QR. Returns 0 or 1. */
static int require_key(cli_ctx *ctx)
{
    unsigned char sk[KEYS_SECRET_BYTES];
    char err[1024];
    int rc = keys_load_secret(ctx->db_path, sk, err, sizeof err);
    sodium_memzero(sk, sizeof sk);
    return rc ? cli_error("%s; nothing was recorded", err) : 0;
}

/* Prints the QR payload after the folio; a failure after the record was
 * saved says so and how to reprint. Returns the exit status. */
static int finish_record(cli_ctx *ctx, store *s, const store_record *r)
{
    printf("%s\n", r->folio);
    fflush(stdout);
    if (cli_print_payload(ctx, s, r) != 0)
        return cli_error("the record was saved (folio %s) but its QR could not be made; "
                         "reprint with: cepci-kiosk receipt %s", r->folio, r->folio);
    return 0;
}

static const char *event_tz(store *s, const char *event_id)
{
    static store_unit u;
    store_event e;
    if (store_event_get(s, event_id, &e) == STORE_OK && store_unit_get(s, e.unit, &u) == STORE_OK)
        return u.timezone;
    return "America/Mexico_City";
}

static int cmd_checkin(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "checkin EVENT_ID EMPLOYEE_NO [--keyed]";
    static const struct option lo[] = {{"keyed", no_argument, 0, 'k'}, {0, 0, 0, 0}};
    int keyed = 0;
    OPTS_BEGIN(lo)
    case 'k': keyed = 1; break;
    OPTS_END(usage)
    if (argc - optind != 2)
        return cli_error("usage: %s", usage);
    const char *event = argv[optind], *emp = argv[optind + 1];
    store *s;
    if (require_key(ctx) || cli_open(ctx, &s))
        return 1;
    store_record r;
    int rc = store_checkin(s, event, emp, NULL, keyed ? "keyed" : "number", NULL, 0, cli_now(), &r);
    if (rc == STORE_INVALID && !keyed && strstr(store_errmsg(s), "signature"))
        cli_error("this event asks for a signature at the kiosk; a paper list typed in uses --keyed");
    else if (rc == STORE_EXISTS) {
        char when[64];
        util_format_time(event_tz(s, event), r.at, "%Y-%m-%d %H:%M", when, sizeof when);
        cli_error("employee %s is already registered at this event since %s (folio %s)", emp, when, r.folio);
    } else if (rc)
        cli_error("%s", store_errmsg(s));
    else
        rc = finish_record(ctx, s, &r);
    store_close(s);
    return rc ? 1 : 0;
}

/* SHA-256 of a text file (the Carta or the privacy notice). */
static int file_sha256(const char *path, char out[UTIL_SHA256_HEX])
{
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        return cli_error("%s: cannot read: %s", path, strerror(errno));
    util_sha256_hex(text, len, out);
    free(text);
    return 0;
}

static int cmd_pledge(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "pledge EMPLOYEE_NO --keyed [--date YYYY-MM-DD]";
    static const struct option lo[] = {
        {"keyed", no_argument, 0, 'k'}, {"date", required_argument, 0, 'd'}, {0, 0, 0, 0}};
    int keyed = 0;
    const char *date = NULL;
    OPTS_BEGIN(lo)
    case 'k': keyed = 1; break;
    case 'd': date = optarg; break;
    OPTS_END(usage)
    if (argc - optind != 1 || !keyed)
        return cli_error("usage: %s (pledges with a signature are made at the kiosk)", usage);
    const char *emp = argv[optind];
    char carta[UTIL_SHA256_HEX], privacy[UTIL_SHA256_HEX];
    if (file_sha256(ctx->cfg.carta, carta) || file_sha256(ctx->cfg.privacy, privacy) || require_key(ctx))
        return 1;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    int64_t at = cli_now();
    store_person p;
    store_unit u;
    if (date) {
        struct tm tm;
        if (strlen(date) != 10 || util_parse_local(date, &tm)) {
            store_close(s);
            return cli_error("bad --date '%s' (use YYYY-MM-DD)", date);
        }
        /* Noon in the person's unit: the day is right in any zone. */
        tm.tm_hour = 12;
        const char *tz = "America/Mexico_City";
        if (store_person_get(s, emp, &p) == STORE_OK && store_unit_get(s, p.unit, &u) == STORE_OK)
            tz = u.timezone;
        if (util_local_to_utc(tz, &tm, &at)) {
            store_close(s);
            return cli_error("bad --date '%s'", date);
        }
        if (at > cli_now() + 86400) {
            store_close(s);
            return cli_error("--date %s is in the future", date);
        }
    }
    store_record r;
    int rc = store_pledge(s, emp, carta, privacy, "keyed", NULL, 0, at, cli_now(), &r);
    if (rc == STORE_EXISTS) {
        char when[64];
        util_format_time("America/Mexico_City", r.at, "%Y-%m-%d", when, sizeof when);
        cli_error("employee %s already signed this Carta Compromiso on %s (folio %s)", emp, when, r.folio);
    } else if (rc) {
        cli_error("%s", store_errmsg(s));
    } else {
        rc = finish_record(ctx, s, &r);
    }
    store_close(s);
    return rc ? 1 : 0;
}

/* ---- indicators, audit, backup, admin ---- */

static int cmd_indicators(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "indicators [--year Y] [--format text|csv|json]";
    static const struct option lo[] = {
        {"year", required_argument, 0, 'y'}, {"format", required_argument, 0, 'f'}, {0, 0, 0, 0}};
    int year = current_year(ctx);
    const char *format = "text";
    OPTS_BEGIN(lo)
    case 'y':
        if (parse_year(optarg, &year))
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

static int cmd_audit(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "verify") != 0)
        return cli_error("usage: audit verify");
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    long n = 0;
    int rc = store_audit_verify(s, &n);
    if (rc)
        cli_error("audit chain BROKEN: %s", store_errmsg(s));
    else
        printf("audit chain intact: %ld entries verified\n", n);
    store_close(s);
    return rc ? 1 : 0;
}

static int cmd_backup(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2)
        return cli_error("usage: backup [DIR]");
    const char *dir = argc == 2 ? argv[1] : ctx->cfg.backup_dir;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char out[4096], err[1024];
    int rc = backup_run(s, dir, ctx->cfg.backup_keep, cli_now(), out, sizeof out, err, sizeof err);
    store_close(s);
    if (rc)
        return cli_error("%s", err);
    printf("%s\n", out);
    return 0;
}

/* Reads a line from stdin without echo when it is a terminal. */
static int read_secret(const char *prompt, char *out, size_t len)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *r = fgets(out, (int)len, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!r)
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

static int cmd_admin(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "set-pin") != 0)
        return cli_error("usage: admin set-pin   (reads the new PIN twice from standard input)");
    char a[64], b[64];
    if (read_secret("PIN nuevo (4 a 12 dígitos): ", a, sizeof a) ||
        read_secret("Repita el PIN: ", b, sizeof b))
        return cli_error("no PIN given on standard input");
    if (strcmp(a, b) != 0)
        return cli_error("the two PINs differ; nothing changed");
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char err[512];
    int rc = pin_set(s, a, err, sizeof err);
    sodium_memzero(a, sizeof a);
    sodium_memzero(b, sizeof b);
    store_close(s);
    if (rc)
        return cli_error("%s", err);
    printf("PIN actualizado\n");
    return 0;
}

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
    {"run", cmd_run, "run [--windowed WxH]          the kiosk (default when no command is given)"},
    {"init", cmd_init, "init --institution NAME --unit CODE     new database, kiosk id and signing key"},
    {"roster", cmd_roster, "roster import FILE.csv | roster list [--unit CODE] [--search TEXT]"},
    {"event", cmd_event, "event add ... | event list [--year Y] | event open ID | event close ID"},
    {"checkin", cmd_checkin, "checkin EVENT_ID EMPLOYEE_NO [--keyed]   record attendance"},
    {"pledge", cmd_pledge, "pledge EMPLOYEE_NO --keyed [--date YYYY-MM-DD]   a paper pledge typed in"},
    {"indicators", cmd_indicators, "indicators [--year Y] [--format text|csv|json]"},
    {"export", cli_cmd_export, "export attendance|pledges|indicators ... --format F -o FILE"},
    {"receipt", cli_cmd_receipt, "receipt FOLIO [--png FILE] [--print]"},
    {"verify", cli_cmd_verify, "verify PAYLOAD"},
    {"keys", cli_cmd_keys, "keys export [FILE] | keys import FILE"},
    {"audit", cmd_audit, "audit verify"},
    {"backup", cmd_backup, "backup [DIR]                  online copy of the database"},
    {"admin", cmd_admin, "admin set-pin"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: cepci-kiosk [--db PATH] [--config FILE] COMMAND ... | --version\n");
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
    if (util_init() != 0)
        return cli_error("cannot initialise libsodium");
    if (ctx.config_path) {
        char err[1024];
        if (config_load(&ctx.cfg, ctx.config_path, err, sizeof err) != 0)
            return cli_error("%s", err);
    }
    if (strcmp(ctx.cfg.backup_dir, "backups") == 0) {
        /* Not configured: backups go beside the database, not wherever the
         * program happens to be started from. */
        const char *slash = strrchr(ctx.db_path, '/');
        snprintf(ctx.cfg.backup_dir, sizeof ctx.cfg.backup_dir, "%.*s%sbackups",
                 slash ? (int)(slash - ctx.db_path) : 0, ctx.db_path, slash ? "/" : "");
    }
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
