/* cli.h — the coordinator command line: a {name, fn, help} table
 * dispatched by cli_main(). */
#ifndef CK_CLI_H
#define CK_CLI_H

#include "config.h"
#include "store.h"

typedef struct cli_ctx {
    const char *db_path;
    const char *config_path;   /* NULL when none was given */
    config cfg;
} cli_ctx;

typedef int (*cli_fn)(cli_ctx *ctx, int argc, char **argv);

/* Parses the global options and runs a command. run_fn starts the kiosk
 * (it lives with the SDL code, outside the core library). Returns the
 * process exit status. */
int cli_main(int argc, char **argv, cli_fn run_fn, const char *assets_dir);

/* Opens the database for a command (printing one error line on failure);
 * syncs unit names and time zones from the config when writable. */
int cli_open(cli_ctx *ctx, store **s);

/* Prints "cepci-kiosk: <message>" to stderr; returns 1 (exit status). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Current time (Unix seconds); CEPCI_NOW overrides it for tests. */
int64_t cli_now(void);

/* Commands implemented in other files. */
int cli_cmd_receipt(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_verify(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_keys(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_export(cli_ctx *ctx, int argc, char **argv);

/* After a check-in or pledge from the command line, prints the QR payload
 * line for the record (receipts module). Returns 0 when printed. */
int cli_print_payload(cli_ctx *ctx, store *s, const store_record *r);

#endif
