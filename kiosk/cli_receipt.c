/* cli_receipt.c — receipt, verify and keys commands (receipts issue). */
#include "cli.h"

int cli_cmd_receipt(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx; (void)argc; (void)argv;
    return cli_error("receipt: not available yet");
}

int cli_cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx; (void)argc; (void)argv;
    return cli_error("verify: not available yet");
}

int cli_cmd_keys(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx; (void)argc; (void)argv;
    return cli_error("keys: not available yet");
}

int cli_print_payload(cli_ctx *ctx, store *s, const store_record *r)
{
    (void)ctx; (void)s; (void)r;
    return -1;
}
