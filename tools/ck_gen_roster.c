/* ck-gen-roster N [SEED] — writes a synthetic roster CSV on stdout (demo
 * database and benchmarks). */
#include <stdio.h>
#include <stdlib.h>

#include "gen_roster.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 0;
    if (n <= 0 || n > 10000000) {
        fprintf(stderr, "usage: ck-gen-roster N [SEED]\n");
        return 2;
    }
    return gen_roster_write(stdout, n, argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 1) ? 1 : 0;
}
