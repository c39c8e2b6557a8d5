/* cli_roster.c — roster import FILE.csv|FILE.xlsx | roster list (SPEC
 * "Coordinator command line", "Roster CSV"). */
#include "cli_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster.h"
#include "util.h"

struct list_ctx {
    int n;
    const char *search;
};

static int print_person(const store_person *p, void *arg)
{
    struct list_ctx *lc = arg;
    char name[512];
    store_person_fullname(p, name, sizeof name);
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", p->employee_no, name, p->unit, p->area, p->position,
           p->active ? "activo" : "inactivo");
    lc->n++;
    return 0;
}

int cli_cmd_roster(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "roster import FILE.csv|FILE.xlsx | roster list [--unit CODE] [--search TEXT]";
    if (argc < 2)
        return cli_error("usage: %s", usage);
    store *s;
    if (strcmp(argv[1], "import") == 0) {
        if (argc != 3)
            return cli_error("usage: %s", usage);
        if (cli_open(ctx, &s))
            return 1;
        roster_stats st;
        char err[1024];
        int rc = roster_import(s, argv[2], cli_now(), &st, err, sizeof err);
        int clashes = rc ? 0 : store_person_clashes(s);
        store_close(s);
        if (rc)
            return cli_error("%s", err);
        printf("%d filas: %d altas, %d cambios, %d sin cambios\n", st.rows, st.added, st.updated, st.unchanged);
        if (clashes > 0)
            fprintf(stderr, "cepci-kiosk: aviso: %d persona(s) del padrón tienen un número de empleado igual al de "
                            "otra salvo por ceros a la izquierda (base anterior a la versión 3); se conservan por "
                            "separado y se encuentran por su número exacto (README, «Números de empleado»)\n",
                    clashes);
        return 0;
    }
    if (strcmp(argv[1], "list") == 0) {
        static const struct option lo[] = {
            {"unit", required_argument, 0, 'u'}, {"search", required_argument, 0, 's'}, {0, 0, 0, 0}};
        const char *unit = NULL, *search = NULL;
        argc--;
        argv++;
        OPTS_BEGIN(lo)
        case 'u': unit = optarg; break;
        case 's': search = optarg; break;
        OPTS_END(usage)
        if (optind != argc)
            return cli_error("usage: %s", usage);
        if (cli_open(ctx, &s))
            return 1;
        struct list_ctx lc = {0, search};
        int rc;
        if (search) {
            enum { MAX = 50 };
            store_person *res = calloc(MAX, sizeof *res), byno;
            /* An employee number (any leading zeros) finds its person too. */
            int have_no = util_is_token(search) && store_person_get(s, search, &byno) == STORE_OK;
            if (have_no && (!unit || strcmp(byno.unit, unit) == 0))
                print_person(&byno, &lc);
            rc = res ? store_search(s, search, res, MAX) : STORE_ERROR;
            for (int i = 0; i < rc; i++)
                if ((!unit || strcmp(res[i].unit, unit) == 0) &&
                    !(have_no && strcmp(res[i].employee_no, byno.employee_no) == 0))
                    print_person(&res[i], &lc);
            free(res);
            rc = rc < 0 ? rc : 0;
        } else {
            rc = store_person_each(s, unit, print_person, &lc);
        }
        if (rc)
            cli_error("%s", store_errmsg(s));
        store_close(s);
        return rc ? 1 : 0;
    }
    return cli_error("usage: %s", usage);
}
