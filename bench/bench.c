/* bench.c — the benchmark program: `ck-bench [SECTION ...]` with sections
 * foundation, receipt, export, evidence, sync (default: all). Not part of the test suite:
 * figures vary with the machine, so they are printed, not asserted. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "util.h"

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double bench_percentile(double *v, int n, double p)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(p / 100.0 * (n - 1) + 0.5);
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

long bench_peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    struct {
        const char *name;
        int (*fn)(const char *);
    } sections[] = {
        {"foundation", bench_foundation},
        {"receipt", bench_receipt},
        {"export", bench_export},
        {"evidence", bench_evidence},
        {"sync", bench_sync},
    };
    char tmpl[] = "/tmp/ck-bench-XXXXXX";
    const char *dir = mkdtemp(tmpl);
    if (!dir || util_init() != 0) {
        fprintf(stderr, "ck-bench: cannot make a scratch folder\n");
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
        int wanted = argc < 2;
        for (int a = 1; a < argc; a++)
            wanted |= strcmp(argv[a], sections[i].name) == 0;
        if (!wanted)
            continue;
        if (!sections[i].fn) {
            printf("== %s: not built\n", sections[i].name);
            continue;
        }
        printf("== %s\n", sections[i].name);
        fflush(stdout);
        rc |= sections[i].fn(dir);
    }
    printf("peak RSS: %ld KiB\n", bench_peak_rss_kb());
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "ck-bench: could not remove %s\n", dir);
    return rc;
}
