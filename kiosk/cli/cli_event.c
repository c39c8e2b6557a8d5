/* cli_event.c — event add | list | open | close (SPEC "Coordinator
 * command line"). */
#include "cli_common.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static int set_field(char *dst, size_t len, const char *v, const char *what)
{
    if (util_strlcpy(dst, v, len) != 0 || !util_utf8_valid(v, strlen(v)))
        return cli_error("%s is too long or not valid UTF-8 text", what);
    return 0;
}

int cli_cmd_event(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] =
        "event add --title T --kind K --topics a,b --unit U --start 'YYYY-MM-DD HH:MM' [--end ...] "
        "[--place P] [--pat 1.2.3] [--instructor I] [--no-signature] | event list [--year Y] "
        "[--format text|csv|json] | event open ID [--reopen --reason TEXT] | event close ID | "
        "event attach ID FILE [--kind K] [--note T]";
    if (argc < 2)
        return cli_error("usage: %s", usage);
    store *s;
    const char *sub = argv[1];
    argc--;
    argv++;
    if (strcmp(sub, "list") == 0)
        return cli_event_list(ctx, argc, argv);
    if (strcmp(sub, "attach") == 0)
        return cli_event_attach(ctx, argc, argv);
    if (strcmp(sub, "add") == 0) {
        static const struct option lo[] = {
            {"title", required_argument, 0, 't'}, {"kind", required_argument, 0, 'k'},
            {"topics", required_argument, 0, 'o'}, {"unit", required_argument, 0, 'u'},
            {"start", required_argument, 0, 's'}, {"end", required_argument, 0, 'e'},
            {"place", required_argument, 0, 'p'}, {"pat", required_argument, 0, 'a'},
            {"instructor", required_argument, 0, 'i'}, {"no-signature", no_argument, 0, 'n'},
            {0, 0, 0, 0}};
        store_event e;
        memset(&e, 0, sizeof e);
        e.signature = 1;
        int bad = 0;
        OPTS_BEGIN(lo)
        case 't': bad |= set_field(e.title, sizeof e.title, optarg, "--title"); break;
        case 'k': bad |= set_field(e.kind, sizeof e.kind, optarg, "--kind"); break;
        case 'o': bad |= set_field(e.topics, sizeof e.topics, optarg, "--topics"); break;
        case 'u': bad |= set_field(e.unit, sizeof e.unit, optarg, "--unit"); break;
        case 's': bad |= set_field(e.start, sizeof e.start, optarg, "--start"); break;
        case 'e': bad |= set_field(e.end, sizeof e.end, optarg, "--end"); break;
        case 'p': bad |= set_field(e.place, sizeof e.place, optarg, "--place"); break;
        case 'a': bad |= set_field(e.pat, sizeof e.pat, optarg, "--pat"); break;
        case 'i': bad |= set_field(e.instructor, sizeof e.instructor, optarg, "--instructor"); break;
        case 'n': e.signature = 0; break;
        OPTS_END(usage)
        if (bad)
            return 1;
        if (optind != argc || !e.title[0] || !e.kind[0] || !e.topics[0] || !e.unit[0] || !e.start[0])
            return cli_error("event add needs --title, --kind, --topics, --unit and --start; usage: %s", usage);
        if (cli_open(ctx, &s))
            return 1;
        int rc = store_event_add(s, &e, cli_now());
        if (rc)
            cli_error("%s", store_errmsg(s));
        else
            printf("%s\n", e.id);
        store_close(s);
        return rc ? 1 : 0;
    }
    if (strcmp(sub, "close") == 0) {
        if (argc != 2)
            return cli_error("usage: event close ID");
        if (cli_open(ctx, &s))
            return 1;
        int rc = store_event_set_state(s, argv[1], "closed", cli_now());
        if (rc)
            cli_error("%s", store_errmsg(s));
        store_close(s);
        return rc ? 1 : 0;
    }
    if (strcmp(sub, "open") == 0) {
        /* A closed event's list has been handed in: opening it again needs
         * --reopen and a reason, which is audited and printed on the list. */
        static const struct option lo[] = {
            {"reopen", no_argument, 0, 'r'}, {"reason", required_argument, 0, 'w'}, {0, 0, 0, 0}};
        static const char open_usage[] = "event open ID [--reopen --reason TEXT]";
        int reopen = 0;
        const char *reason = NULL;
        OPTS_BEGIN(lo)
        case 'r': reopen = 1; break;
        case 'w': reason = optarg; break;
        OPTS_END(open_usage)
        if (argc - optind != 1 || (reason && !reopen))
            return cli_error("usage: %s", open_usage);
        if (reopen && (!reason || !*reason))
            return cli_error("event open --reopen needs --reason TEXT: why the closed event is opened again");
        if (cli_open(ctx, &s))
            return 1;
        const char *id = argv[optind];
        int rc = reopen ? store_event_reopen(s, id, reason, cli_now()) : store_event_set_state(s, id, "open", cli_now());
        if (rc)
            cli_error("%s", store_errmsg(s));
        store_close(s);
        return rc ? 1 : 0;
    }
    return cli_error("usage: %s", usage);
}
