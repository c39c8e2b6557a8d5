/* test_store.c — placeholder, filled below */
#include "testutil.h"
static void opens(void **state) { (void)state; }
int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(opens) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
