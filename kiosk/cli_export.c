/* cli_export.c — export commands (exports issue). */
#include "cli.h"

int cli_cmd_export(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx; (void)argc; (void)argv;
    return cli_error("export: not available yet");
}
