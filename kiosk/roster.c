/* roster.c — placeholder until the CSV importer lands. */
#include "roster.h"
#include <stdio.h>

int roster_import(store *s, const char *path, int64_t now, roster_stats *stats, char *err, size_t errlen)
{
    (void)s; (void)now; (void)stats;
    snprintf(err, errlen, "%s: roster import not available yet", path);
    return STORE_ERROR;
}
