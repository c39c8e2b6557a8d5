/* cli_admin.c — looking after the database: init, audit verify, backup,
 * admin set-pin (SPEC "Coordinator command line"). */
#include "cli_common.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "backup.h"
#include "keys.h"
#include "pin.h"

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

int cli_cmd_init(cli_ctx *ctx, int argc, char **argv)
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
        cli_sync_units(ctx, s);
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

int cli_cmd_audit(cli_ctx *ctx, int argc, char **argv)
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
        printf("cadena de auditoría íntegra: %ld entradas verificadas\n", n);
    if (cli_audit_attachments(s) != 0) /* the files kept beside the database (cli_attendance.c) */
        rc = rc ? rc : 1;
    store_close(s);
    return rc ? 1 : 0;
}

int cli_cmd_backup(cli_ctx *ctx, int argc, char **argv)
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

int cli_cmd_admin(cli_ctx *ctx, int argc, char **argv)
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
