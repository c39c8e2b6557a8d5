/* gen_roster.h — synthetic rosters for the demo database and benchmarks. */
#ifndef CK_GEN_ROSTER_H
#define CK_GEN_ROSTER_H

#include <stdio.h>

/* Writes a roster CSV (UTF-8, header row, comma separated) of n people
 * spread over ECOSUR's five units, with Spanish names (accents, ñ), areas
 * and positions. Employee numbers are 100001.. in order. Deterministic for
 * a given seed. Returns 0 or -1 on a write error. */
int gen_roster_write(FILE *f, int n, unsigned seed);

/* The unit codes used, NULL-terminated. */
extern const char *const GEN_UNITS[];

#endif
