/* cli_admin.c — looking after the database: init, audit verify, backup,
 * admin set-pin (SPEC "Coordinator command line"). */
#include "cli_common.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "backup.h"
#include "keys.h"
#include "pin.h"
#include "receipt.h"
#include "util.h"

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

/* ---- audit verify [--head PAYLOAD|FILE]... | audit head ---- */

/* The heads audit verify was shown, as claims on the chain. */
typedef struct shown {
    store *s;
    store_head_claim *claims;
    size_t n, cap;
    int bad;              /* an error line was printed */
    const char *from;     /* the argument they came from (a file name) */
    int line;             /* its line, 0 for a database or an argument */
} shown;

static store_head_claim *shown_add(shown *w)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        store_head_claim *c = realloc(w->claims, cap * sizeof *c);
        if (!c)
            return NULL;
        w->claims = c;
        w->cap = cap;
    }
    memset(&w->claims[w->n], 0, sizeof *w->claims);
    return &w->claims[w->n++];
}

/* Where a head came from, for messages: "FILE:LINE", "FILE" or "--head". */
static void shown_where(const shown *w, char *out, size_t outlen)
{
    if (w->from && w->line)
        snprintf(out, outlen, "%s:%d", w->from, w->line);
    else
        snprintf(out, outlen, "%s", w->from ? w->from : "--head");
}

/* A signed head: its signature checked with this database's keys, kept
 * (when the database can be written) so later checks remember it. */
static int shown_signed(const store_signed_head *h, void *arg)
{
    shown *w = arg;
    char where[4200];
    shown_where(w, where, sizeof where);
    if (store_signed_head_check(w->s, h) != STORE_OK) {
        cli_error("audit chain BROKEN: %s: %s", where, store_errmsg(w->s));
        w->bad = 1;
        return 0;
    }
    store_signed_head keep = *h;
    snprintf(keep.source, sizeof keep.source, "shown");
    store_signed_head_put(w->s, &keep); /* best effort: a read-only copy is checked all the same */
    store_head_claim *c = shown_add(w);
    if (!c)
        return 1;
    memcpy(c->kiosk_id, h->h.kiosk_id, sizeof c->kiosk_id);
    memcpy(c->epoch, h->h.epoch, sizeof c->epoch);
    c->pos = h->h.pos;
    memcpy(c->hash, h->h.hash, sizeof c->hash);
    c->at = h->signed_at;
    snprintf(c->what, sizeof c->what, "signed head from %.100s", where);
    return 0;
}

/* One CKH1: or CK2: text. */
static void shown_text(shown *w, const char *text)
{
    char err[1024], where[4200];
    shown_where(w, where, sizeof where);
    if (strncmp(text, "CKH1:", 5) == 0) {
        store_signed_head h;
        if (store_head_parse(text, &h, err, sizeof err) != STORE_OK) {
            cli_error("%s: %s", where, err);
            w->bad = 1;
            return;
        }
        shown_signed(&h, w);
        return;
    }
    receipt_fields f;
    if (receipt_verify(w->s, text, &f, err, sizeof err) != 0) {
        cli_error("%s: receipt: %s", where, err);
        w->bad = 1;
        return;
    }
    if (f.version < 2) {
        cli_error("%s: receipt %s is of format CK1, which carries no chain position", where, f.folio);
        w->bad = 1;
        return;
    }
    store_head_claim *c = shown_add(w);
    if (!c)
        return;
    snprintf(c->kiosk_id, sizeof c->kiosk_id, "%s", f.kiosk_id);
    c->pos = f.chain_pos;
    snprintf(c->hash, sizeof c->hash, "%s", f.chain_hash);
    c->at = f.at;
    snprintf(c->what, sizeof c->what, "receipt %s", f.folio);
}

/* All of standard input (malloc'd, NUL-terminated), or NULL. */
static char *read_stdin(size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
        n += r;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

/* An argument of --head: a CKH1:/CK2: text, a database file (a backup) or
 * a text file with such texts on its lines. */
static void shown_arg(shown *w, const char *arg)
{
    char err[1024];
    w->from = NULL;
    w->line = 0;
    if (strncmp(arg, "CKH1:", 5) == 0 || strncmp(arg, "CK2:", 4) == 0 || strncmp(arg, "CK1:", 4) == 0) {
        shown_text(w, arg);
        return;
    }
    size_t len;
    char *data = strcmp(arg, "-") == 0 ? read_stdin(&len) : util_read_file(arg, &len);
    if (!data) {
        cli_error("--head %s: not a signed head (CKH1:...), a receipt (CK2:...) or a readable file: %s", arg,
                  strerror(errno));
        w->bad = 1;
        return;
    }
    w->from = arg;
    size_t before = w->n;
    if (len >= 16 && memcmp(data, "SQLite format 3", 16) == 0) {
        if (store_signed_heads_in_file(arg, shown_signed, w, err, sizeof err) != STORE_OK) {
            cli_error("%s", err);
            w->bad = 1;
        }
    } else {
        /* Lines; a signed head broken over lines (text taken from a PDF
         * with pdftotext) is joined again. */
        char *lines[4096];
        int nl = 0;
        for (char *l = data, *e; l && nl < 4096; l = e ? e + 1 : NULL) {
            e = strchr(l, '\n');
            if (e)
                *e = '\0';
            l[strcspn(l, "\r")] = '\0';
            lines[nl++] = l;
        }
        for (int i = 0; i < nl; i++) {
            char *l = lines[i];
            w->line = i + 1;
            char *h = strstr(l, "CKH1:"), *r = strstr(l, "CK2:"), *r1 = strstr(l, "CK1:");
            if (h) {
                static const char head_chars[] = "0123456789abcdefABCDEFGHJKMNPQRSTVWXYZ:-";
                char joined[STORE_HEAD_TEXT_MAX + 64];
                size_t n = strspn(h + 5, head_chars) + 5;
                snprintf(joined, sizeof joined, "%.*s", (int)n, h);
                for (int k = i + 1; k < nl && k <= i + 3 && strlen(joined) < STORE_HEAD_TEXT_MAX - 1; k++) {
                    store_signed_head probe;
                    char e[256];
                    if (store_head_parse(joined, &probe, e, sizeof e) == STORE_OK)
                        break;
                    const char *c = lines[k] + strspn(lines[k], " \t");
                    size_t cn = strspn(c, head_chars), have = strlen(joined);
                    if (cn == 0 || cn != strlen(c))
                        break; /* not the rest of the head */
                    snprintf(joined + have, sizeof joined - have, "%.*s", (int)cn, c);
                }
                shown_text(w, joined);
            } else if (r || r1) {
                shown_text(w, r ? r : r1);
            }
        }
    }
    if (w->n == before && !w->bad) {
        cli_error("%s: no signed chain head or receipt in it", arg);
        w->bad = 1;
    }
    free(data);
}

int cli_cmd_audit(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "audit verify [--head CKH1:...|CK2:...|FILE|-]... | audit head";
    if (argc == 2 && strcmp(argv[1], "head") == 0) {
        /* This kiosk's head, signed now: keep it away from the kiosk. */
        store *s;
        char text[STORE_HEAD_TEXT_MAX], err[1024];
        if (cli_open(ctx, &s))
            return 1;
        int rc = keys_sign_head(s, "head", cli_now(), text, sizeof text, err, sizeof err);
        store_close(s);
        if (rc)
            return cli_error("%s", err);
        printf("%s\n", text);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "verify") != 0)
        return cli_error("usage: %s", usage);
    shown w = {0};
    store *s;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--head") != 0 || ++i >= argc)
            return cli_error("usage: %s", usage);
    if (cli_open(ctx, &s))
        return 1;
    w.s = s;
    for (int i = 3; i < argc; i += 2)
        shown_arg(&w, argv[i]);
    long n = 0;
    int rc = w.bad ? STORE_INVALID : store_audit_verify_ex(s, w.claims, w.n, &n);
    if (rc && !w.bad)
        cli_error("audit chain BROKEN: %s", store_errmsg(s));
    else if (!rc) {
        printf("cadena de auditoría íntegra: %ld entradas verificadas\n", n);
        if (w.n)
            printf("%zu %s mostrad%s: tod%s en la cadena\n", w.n,
                   w.n == 1 ? "cabeza firmada o comprobante" : "cabezas firmadas y comprobantes", w.n == 1 ? "o" : "os",
                   w.n == 1 ? "o" : "os");
    }
    free(w.claims);
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
    if (err[0])
        cli_error("warning: %s", err);
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
    int rc = pin_set_at(s, a, cli_now(), err, sizeof err);
    sodium_memzero(a, sizeof a);
    sodium_memzero(b, sizeof b);
    /* The chain's signed head at the change, to keep away from the kiosk:
     * someone who can write the database (not the key) and knows the old
     * PIN could wind the chain back to before the change, which the file
     * alone does not show (SECURITY.md); this line does. */
    store_signed_head h;
    char text[512] = "";
    if (!rc && store_audit_sign_head(s, "pin", cli_now(), &h) == STORE_OK)
        store_head_text(&h, text, sizeof text);
    store_close(s);
    if (rc)
        return cli_error("%s", err);
    printf("PIN actualizado\n");
    if (text[0])
        printf("Cabeza firmada de la cadena en este cambio (guárdela fuera del quiosco; «cepci-kiosk audit verify "
               "--head LÍNEA» descubre si alguien deshace el cambio):\n%s\n", text);
    return 0;
}
