/* cepci-kiosk — a touchscreen kiosk for the ethics committees (CEPCI) of
 * Mexican federal institutions.
 *
 * How it works. One executable is both the kiosk and the coordinator's
 * command line. main() only ignores SIGXFSZ and SIGPIPE (so a full disk or a
 * vanished printer become error codes, never a killed process) and hands the
 * arguments to cli_main(), which parses the global options, loads the INI
 * config and dispatches to a command from its table. "run" (the default)
 * starts the SDL kiosk in platform_sdl.c, the only file that touches SDL.
 *
 * Every record goes to an SQLite database (WAL, synchronous=FULL) in one
 * transaction together with its entry in a hash-chained audit log, before the
 * screen or the command line calls it saved.
 */
#include <signal.h>

#include "cli.h"
#include "platform.h"

#ifndef CK_SOURCE_DIR
#define CK_SOURCE_DIR "."
#endif

int main(int argc, char **argv)
{
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    return cli_main(argc, argv, platform_run, CK_SOURCE_DIR);
}
