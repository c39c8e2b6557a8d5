/* bench.h — sections of the benchmark program (ck-bench). Each section lives
 * in its own bench_<name>.c; a section that is not built is skipped (weak
 * symbols). Each prints its figures on stdout, one "name: value unit" line
 * each, and returns 0 or 1 on failure. workdir is a scratch folder. */
#ifndef CK_BENCH_H
#define CK_BENCH_H

#include <stdint.h>

int bench_foundation(const char *workdir) __attribute__((weak));
int bench_receipt(const char *workdir) __attribute__((weak));
int bench_export(const char *workdir) __attribute__((weak));
int bench_evidence(const char *workdir) __attribute__((weak));
int bench_sync(const char *workdir) __attribute__((weak));

/* Helpers shared by the sections (bench.c). */
double bench_now_ms(void);                      /* monotonic clock */
double bench_percentile(double *v, int n, double p); /* sorts v */
long bench_peak_rss_kb(void);

#endif
