/* platform.h — the SDL kiosk entry point (kiosk/platform/; see platform_int.h). */
#ifndef CK_PLATFORM_H
#define CK_PLATFORM_H

#include "cli.h"

/* The "run" command: opens the window and runs the kiosk until the
 * coordinator leaves it. argv[0] is "run"; options: --windowed WxH. */
int platform_run(cli_ctx *ctx, int argc, char **argv);

#endif
