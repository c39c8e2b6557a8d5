/* cli_common.h — what the command files of kiosk/cli/ share: the
 * command context, the one-line error, the clock, opening the database
 * and option parsing. The only way a command file reaches anything of
 * the command line outside itself; cli.c (the table and dispatch) calls
 * the commands and is called by none of them. */
#ifndef CK_CLI_COMMON_H
#define CK_CLI_COMMON_H

#include <getopt.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

typedef struct cli_ctx {
    const char *db_path;
    const char *config_path;   /* NULL when none was given */
    char config_err[1024];     /* doctor only: why config_path could not be read ("" if it could) */
    config cfg;
} cli_ctx;

/* A command: argv[0] is its name. Returns the process exit status. */
typedef int (*cli_fn)(cli_ctx *ctx, int argc, char **argv);

/* Opens the database for a command (printing one error line on failure);
 * syncs unit names and time zones from the config when writable. */
int cli_open(cli_ctx *ctx, store **s);

/* Writes the config's unit names and time zones into the database where
 * they differ (best effort: a read-only database is fine). */
void cli_sync_units(cli_ctx *ctx, store *s);

/* Prints "cepci-kiosk: <message>" to stderr on one line, in Spanish
 * (cli_es); returns 1 (exit status). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The Spanish text of a message from the layers below (which write
 * English), into out; a copy of the message when it is not a known
 * one (cli_es.c). Returns out. */
const char *cli_es(const char *msg, char *out, size_t outlen);

/* Current time (Unix seconds). A test build (CK_TEST_HOOKS) lets
 * CEPCI_NOW override it; the installed program never does. */
int64_t cli_now(void);

/* The central's connection string: opt (--url) if given, else the
 * config's [central] url; NULL (after one error line) when neither. */
const char *cli_central_url(cli_ctx *ctx, const char *opt);

/* Parses a year argument (1970..2999) into *out. Returns 0 or -1. */
int cli_parse_year(const char *v, int *out);

/* The year of now in the kiosk's unit (config [kiosk] unit). */
int cli_current_year(cli_ctx *ctx);

/* An output path given with -o: 0 when it may be written (it does not
 * exist, or force is set and it is a regular file), else prints one error
 * line (Spanish) and returns 1. */
int cli_check_output(const char *path, int force);

/* getopt_long over argv of a command; argv[0] is the command name. Between
 * the two: `case 'x': ...; break;` lines. A bad option is one error line
 * naming it and the usage. */
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

/* ---- the commands, one file per group ---- */

int cli_cmd_init(cli_ctx *ctx, int argc, char **argv);        /* cli_admin.c */
int cli_cmd_audit(cli_ctx *ctx, int argc, char **argv);       /* cli_admin.c */
int cli_cmd_backup(cli_ctx *ctx, int argc, char **argv);      /* cli_admin.c */
int cli_cmd_admin(cli_ctx *ctx, int argc, char **argv);       /* cli_admin.c */
int cli_cmd_roster(cli_ctx *ctx, int argc, char **argv);      /* cli_roster.c */
int cli_cmd_event(cli_ctx *ctx, int argc, char **argv);       /* cli_event.c */
int cli_cmd_checkin(cli_ctx *ctx, int argc, char **argv);     /* cli_record.c */
int cli_cmd_pledge(cli_ctx *ctx, int argc, char **argv);      /* cli_record.c */
int cli_cmd_indicators(cli_ctx *ctx, int argc, char **argv);  /* cli_indicators.c */
int cli_cmd_export(cli_ctx *ctx, int argc, char **argv);      /* cli_export.c */
int cli_cmd_receipt(cli_ctx *ctx, int argc, char **argv);     /* cli_receipt.c */
int cli_cmd_verify(cli_ctx *ctx, int argc, char **argv);      /* cli_receipt.c */
int cli_cmd_keys(cli_ctx *ctx, int argc, char **argv);        /* cli_keys.c */
int cli_cmd_attendance(cli_ctx *ctx, int argc, char **argv);  /* cli_attendance.c */
int cli_event_list(cli_ctx *ctx, int argc, char **argv);      /* cli_attendance.c: event list */
int cli_event_attach(cli_ctx *ctx, int argc, char **argv);    /* cli_attendance.c: event attach */
int cli_audit_attachments(store *s);                          /* cli_attendance.c: audit verify's files */
int cli_export_evidence(cli_ctx *ctx, int argc, char **argv);      /* cli_evidence.c: export evidence */
int cli_export_certificates(cli_ctx *ctx, int argc, char **argv);  /* cli_evidence.c: export certificates */
int cli_export_attendance_year(cli_ctx *ctx, int argc, char **argv); /* cli_evidence.c: export attendance --year */
int cli_verify_package(cli_ctx *ctx, int argc, char **argv);  /* cli_evidence.c: verify --package */
int cli_verify_certificate(cli_ctx *ctx, const char *payload, const char *db); /* cli_evidence.c: verify CKC1:... [--db FILE] */
int cli_cmd_sync(cli_ctx *ctx, int argc, char **argv);        /* cli_sync.c */
int cli_cmd_bundle(cli_ctx *ctx, int argc, char **argv);      /* cli_bundle.c */
int cli_cmd_central(cli_ctx *ctx, int argc, char **argv);     /* cli_central.c */
int cli_cmd_doctor(cli_ctx *ctx, int argc, char **argv);      /* cli_doctor.c */

/* Run as root, the commands that create files beside the database (run,
 * init) or in the backup folder (backup) would leave them to root, where the
 * kiosk's own user (the folder's owner) could not open them. For such a
 * command (argv[0]; argc/argv are its own) and a folder owned by another
 * user, prints one line naming `runuser -u OWNER --` and returns 1;
 * otherwise 0. Other commands write only into the database, whose -wal and
 * -shm SQLite gives to the database's owner. (cli_doctor.c) */
int cli_root_guard(cli_ctx *ctx, int argc, char **argv);

#endif
