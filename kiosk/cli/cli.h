/* cli.h — the coordinator command line: a {name, fn, help} table
 * dispatched by cli_main() (cli.c); the commands, one file per group, and
 * what they share are declared in cli_common.h. */
#ifndef CK_CLI_H
#define CK_CLI_H

#include "cli_common.h"

/* Parses the global options and runs a command. run_fn starts the kiosk
 * (it lives with the SDL code, outside the core library). Returns the
 * process exit status. */
int cli_main(int argc, char **argv, cli_fn run_fn, const char *assets_dir);

#endif
