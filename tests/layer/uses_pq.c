/* uses_pq.c — a source that includes <libpq-fe.h>, built by the layer_*
 * tests with one layer's own compile flags (tests/CMakeLists.txt): it must
 * fail to build with ck_store's and ck_ui's, and build with ck_central's. */
#include <libpq-fe.h>

void layer_probe(void);

void layer_probe(void)
{
    PQfinish(PQconnectdb(""));
}
