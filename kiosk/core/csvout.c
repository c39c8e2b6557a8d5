/* csvout.c — see csvout.h. */
#include "csvout.h"

#include <string.h>

void csvout_bom(FILE *f)
{
    fputs("\xEF\xBB\xBF", f);
}

void csvout_field(FILE *f, const char *s, int first)
{
    if (!first)
        fputc(',', f);
    if (!s)
        s = "";
    int neutralise = strchr("=+-@\t\r", s[0]) && s[0] != '\0';
    int quote = neutralise || strpbrk(s, ",;\"\r\n") != NULL;
    if (quote)
        fputc('"', f);
    if (neutralise)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    if (quote)
        fputc('"', f);
}

void csvout_int(FILE *f, long long v, int first)
{
    if (!first)
        fputc(',', f);
    fprintf(f, "%lld", v);
}

void csvout_end(FILE *f)
{
    fputs("\r\n", f);
}
