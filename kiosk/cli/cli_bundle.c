/* cli_bundle.c — bundle export FILE | bundle import FILE: the data of a
 * sync on a USB stick for a unit with no network (kiosk/central/bundle.c).
 * export writes everything this database holds, signed by this kiosk;
 * import merges a bundle into this database (idempotent), refusing the
 * whole file with one line if any byte changed or its kiosk is unknown. */
#include "cli_common.h"

#include <stdio.h>
#include <string.h>

#include "central.h"

int cli_cmd_bundle(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "bundle export FILE | bundle import FILE";
    if (argc != 3 || (strcmp(argv[1], "export") && strcmp(argv[1], "import")))
        return cli_error("usage: %s", usage);
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char err[1024];
    central_bundle_info info;
    int rc;
    if (strcmp(argv[1], "export") == 0) {
        rc = central_bundle_export(s, ctx->db_path, argv[2], cli_now(), &info, err, sizeof err);
        if (!rc)
            printf("paquete del quiosco %s escrito en %s (%zu bytes)\n", info.kiosk, argv[2], info.bytes);
    } else {
        store_sync_counts n;
        memset(&n, 0, sizeof n);
        rc = central_bundle_import(s, argv[2], cli_now(), &n, &info, err, sizeof err);
        if (!rc) {
            printf("paquete del quiosco %s importado: %lld entradas nuevas (%lld registros), %lld ya estaban",
                   info.kiosk, (long long)n.entries, (long long)n.records, (long long)n.known);
            if (n.conflicts)
                printf(", %lld apartados (conflictos)", (long long)n.conflicts);
            if (n.pending)
                printf(", %lld en espera", (long long)n.pending);
            printf("\n");
        }
    }
    if (rc)
        cli_error("bundle %s: %s", argv[1], err);
    store_close(s);
    return rc ? 1 : 0;
}
