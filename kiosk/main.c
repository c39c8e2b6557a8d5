/* cepci-kiosk — a touchscreen kiosk for the ethics committees (CEPCI) of
 * Mexican federal institutions.
 *
 * How it works. One executable is both the kiosk and the coordinator's
 * command line. main() only ignores SIGXFSZ and SIGPIPE (so a full disk or a
 * vanished printer become error codes, never a killed process), answers
 * --version, finds the data dir and hands the arguments to cli_main(), which
 * parses the global options, loads the INI config and dispatches to a
 * command from its table. "run" (the default) starts the SDL kiosk in
 * platform_sdl.c, the only file that touches SDL.
 *
 * Every record goes to an SQLite database (WAL, synchronous=FULL) in one
 * transaction together with its entry in a hash-chained audit log, before the
 * screen or the command line calls it saved.
 *
 * Where things are. The read-only data (assets/: the Carta Compromiso, the
 * privacy notice, the attract messages) lives in a data dir, any folder that
 * holds assets/. It is looked for, in this order:
 *   1. next to the executable: the build tree, where CMake links
 *      build/assets to the source's assets/ (cmake/install.cmake);
 *   2. the install layout relative to the executable (CK_BIN_TO_DATA,
 *      bin/../share/cepci-kiosk), so an installed tree works wherever it is
 *      unpacked (dpkg -x, a staging DESTDIR);
 *   3. the data dir of the install prefix (CK_DATADIR), also when none of
 *      them holds assets/, so a missing file is reported at its installed
 *      path.
 * The source tree is never looked at. A package build (CK_SYSTEM_PATHS)
 * also gives the global options the paths of an installed system: --db
 * CK_DEFAULT_DB always, --config CK_DEFAULT_CONFIG when that file exists.
 * They are put before the user's arguments, so options given on the command
 * line win. Other builds keep ./cepci-kiosk.db and no config.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "platform.h"
#include "store.h"

#ifndef CK_VERSION
#define CK_VERSION "0"
#endif
#ifndef CK_DATADIR
#define CK_DATADIR "/usr/local/share/cepci-kiosk"
#endif
#ifndef CK_BIN_TO_DATA
#define CK_BIN_TO_DATA "../share/cepci-kiosk"
#endif

/* 1 if dir is a data dir (holds an assets/ folder), else 0. */
static int is_datadir(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;
    return snprintf(path, sizeof path, "%s/assets", dir) < (int)sizeof path && stat(path, &st) == 0 &&
           S_ISDIR(st.st_mode);
}

/* Writes the data dir (see "Where things are" above) into out, a buffer of
 * PATH_MAX bytes. Never fails: the last resort is CK_DATADIR. */
static void find_datadir(char out[PATH_MAX])
{
    char exe[PATH_MAX], rel[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = n > 0 ? (exe[n] = '\0', strrchr(exe, '/')) : NULL;
    if (slash) {
        *slash = '\0';
        if (is_datadir(exe) && realpath(exe, out))
            return;
        if (snprintf(rel, sizeof rel, "%s/%s", exe, CK_BIN_TO_DATA) < (int)sizeof rel && is_datadir(rel) &&
            realpath(rel, out))
            return;
    }
    snprintf(out, PATH_MAX, "%s", CK_DATADIR);
}

/* 1 if the global options (those before the command) include --version. */
static int wants_version(int argc, char **argv)
{
    for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--version") == 0)
            return 1;
        if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--config") == 0)
            i++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    if (wants_version(argc, argv)) {
        printf("cepci-kiosk %s\nesquema de la base de datos: %d\n", CK_VERSION, store_schema_version());
        return 0;
    }
    char datadir[PATH_MAX];
    find_datadir(datadir);
#ifdef CK_SYSTEM_PATHS
    /* The installed system's defaults, before the user's own options. */
    char **args = calloc((size_t)argc + 5, sizeof *args);
    if (!args)
        return cli_error("out of memory");
    int k = 0;
    args[k++] = argv[0];
    args[k++] = "--db";
    args[k++] = CK_DEFAULT_DB;
    if (access(CK_DEFAULT_CONFIG, F_OK) == 0) {
        args[k++] = "--config";
        args[k++] = CK_DEFAULT_CONFIG;
    }
    for (int i = 1; i < argc; i++)
        args[k++] = argv[i];
    int rc = cli_main(k, args, platform_run, datadir);
    free(args);
    return rc;
#else
    return cli_main(argc, argv, platform_run, datadir);
#endif
}
