/* backup.h — online copies of the database (SQLite backup API). */
#ifndef CK_BACKUP_H
#define CK_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Copies the open database into dir (created 0700, parents too, if missing)
 * as "cepci-kiosk-NNNNNN-YYYYMMDD-HHMMSS.db" (NNNNNN: the folder's next
 * creation number; the date and time are UTC, from now), mode 0600,
 * written under a temporary name and renamed when complete, then deletes
 * the oldest copies beyond keep, oldest by creation number (never the copy
 * just made, never the live database). First removes what killed backups
 * left in dir (".cepci-kiosk-….db.partial" files nobody holds). The copy's
 * path goes to out. Returns 0 with err "" or a one-line warning (the clock
 * went backwards: an earlier copy is dated after now; an attachment file
 * that could not be copied), or -1 with one line in err. The attachment
 * files (issue 14) go to "dir/anexos/", named by hash, each copied once. */
int backup_run(store *s, const char *dir, int keep, int64_t now, char *out, size_t outlen, char *err,
               size_t errlen);

/* 1 if name (a file name, no folder) is a backup copy's, as backup_run
 * names them or as earlier versions did ("cepci-kiosk-YYYYMMDD-HHMMSS.db"):
 * its creation number goes to *seq (0 for the earlier form, older than
 * every numbered copy) and the UTC time in its name to *t. 0 otherwise. */
int backup_name_parse(const char *name, unsigned long *seq, int64_t *t);

#endif
