/* csvout.h — CSV output as the SPEC asks: UTF-8 with BOM, CRLF, RFC 4180
 * quoting, and formula-injection neutralisation (a field starting with
 * = + - @ TAB or CR gets a leading apostrophe so spreadsheets show it as
 * text). Used by every CSV the program writes. */
#ifndef CK_CSVOUT_H
#define CK_CSVOUT_H

#include <stdio.h>

/* Writes the UTF-8 byte-order mark. */
void csvout_bom(FILE *f);
/* Writes one field; first=1 for the first field of a row (no separator). */
void csvout_field(FILE *f, const char *s, int first);
/* Writes an integer field. */
void csvout_int(FILE *f, long long v, int first);
/* Ends the row with CRLF. */
void csvout_end(FILE *f);

#endif
