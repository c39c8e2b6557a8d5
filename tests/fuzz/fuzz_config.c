/* libFuzzer target: the INI configuration file. Any bytes either load or
 * fail with one "FILE:LINE: reason" line; the struct stays consistent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/ck-fuzz-config-%d.ini", (int)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    config c;
    char err[1024];
    config_defaults(&c, ".");
    if (config_load(&c, path, err, sizeof err) != 0) {
        if (strncmp(err, path, strlen(path)) != 0 || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (c.nunits < 0 || c.nunits > CONFIG_MAX_UNITS || c.ntopics < 0 || c.ntopics > CONFIG_MAX_TOPICS)
        abort();
    if (c.printer_width != 58 && c.printer_width != 80)
        abort();
    if (memchr(c.institution, 0, sizeof c.institution) == NULL)
        abort();
    return 0;
}
