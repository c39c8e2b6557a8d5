/* indicators.h — the PAT indicator arithmetic (SPEC "Indicators").
 *
 * For a year Y, over the active roster:
 *   trained  (I.1)  attended >= 1 qualifying event whose start is in Y;
 *   covered  (I.2)  units that held >= 1 qualifying event in Y;
 *   pledged  (IV.3) signed a Carta (any version) up to the end of Y.
 * A person counts once, in their roster unit; guests never count. A unit
 * counts in units_total when it has active staff or held a qualifying event.
 */
#ifndef CK_INDICATORS_H
#define CK_INDICATORS_H

#include <stdio.h>

#include "config.h"
#include "store.h"

typedef struct ind_unit {
    char code[STORE_UNIT_CODE_LEN];
    char name[STORE_UNIT_NAME_LEN];
    int staff;
    int trained;
    int pledged;
    double trained_pct;
    double pledged_pct;
    int has_training;
    int monthly_trained[12];   /* cumulative, end of each month of Y */
    int monthly_pledged[12];
} ind_unit;

typedef struct indicators {
    int year;
    double goal_trained, goal_units, goal_pledged;
    int staff, trained, pledged;
    double trained_pct, pledged_pct;
    int units_covered, units_total;
    double units_covered_pct;
    int monthly_trained[12];   /* cumulative over all units */
    int monthly_pledged[12];
    ind_unit *units;           /* owned; indicators_free releases */
    int nunits;
} indicators;

/* Percentage num/den rounded to two decimals (0 when den is 0). */
double indicators_pct(int num, int den);

/* Computes the indicators for year from the database, with goals and the
 * qualifying topics taken from c. Returns STORE_OK or a STORE_* error (the
 * message is on s). out must be released with indicators_free. */
int indicators_compute(store *s, const config *c, int year, indicators *out);
void indicators_free(indicators *ind);

/* Writes the indicators as "text" (an aligned table), "csv" (UTF-8 with BOM,
 * CRLF) or "json" (the SPEC's object). Returns 0, or -1 for an unknown
 * format or a write error. */
int indicators_write(const indicators *ind, const char *format, FILE *out);

#endif
