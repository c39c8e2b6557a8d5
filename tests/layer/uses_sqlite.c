/* uses_sqlite.c — a source that includes <sqlite3.h>, built by the layer_*
 * tests with one layer's own compile flags (tests/CMakeLists.txt): it must
 * fail to build with ck_ui's, and build with ck_store's. */
#include <sqlite3.h>

const char *layer_probe(void);

const char *layer_probe(void)
{
    return sqlite3_libversion();
}
