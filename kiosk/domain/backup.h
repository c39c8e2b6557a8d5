/* backup.h — online copies of the database (SQLite backup API). */
#ifndef CK_BACKUP_H
#define CK_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Copies the open database into dir (created 0700, parents too, if missing) as
 * "cepci-kiosk-YYYYMMDD-HHMMSS.db", mode 0600, written under a temporary
 * name and renamed when complete, then deletes the oldest copies beyond
 * keep. The copy's path goes to out. Returns 0, or -1 with one line in err. */
int backup_run(store *s, const char *dir, int keep, int64_t now, char *out, size_t outlen, char *err,
               size_t errlen);

#endif
