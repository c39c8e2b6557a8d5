/* config.c — see config.h. */
#include "config.h"
#include "store.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const DEFAULT_TOPICS[] = {
    "etica", "integridad", "conflicto-intereses", "igualdad-genero",
    "violencia-genero", "hsas", "discriminacion", NULL,
};

/* rel, or base/rel when rel is relative, into out. Returns 0, or -1 when
 * it does not fit (out then holds nothing usable: never a cut path). */
static int join_path(char *out, size_t outlen, const char *base, const char *rel)
{
    int n = rel[0] == '/' || !base || !*base ? snprintf(out, outlen, "%s", rel)
                                              : snprintf(out, outlen, "%s/%s", base, rel);
    if (n < 0 || (size_t)n >= outlen) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

void config_defaults(config *c, const char *base_dir)
{
    memset(c, 0, sizeof *c);
    snprintf(c->institution, sizeof c->institution, "Institución");
    snprintf(c->committee, sizeof c->committee, "Comité de Ética");
    snprintf(c->accent, sizeof c->accent, "#1F5C99");
    c->idle_timeout = 45;
    snprintf(c->printer_uri, sizeof c->printer_uri, "none");
    c->printer_width = 80;
    snprintf(c->export_dir, sizeof c->export_dir, ".");
    snprintf(c->paper, sizeof c->paper, "letter");
    c->cert_margin_top = 25;
    c->cert_margin_bottom = 20;
    c->cert_margin_side = 25;
    snprintf(c->cert_signer_role, sizeof c->cert_signer_role, "Secretaría Técnica del Comité");
    c->goal_trained = 15;
    c->goal_units = 100;
    c->goal_pledged = 50;
    join_path(c->carta, sizeof c->carta, base_dir, "assets/carta-compromiso.txt");
    join_path(c->privacy, sizeof c->privacy, base_dir, "assets/aviso-privacidad.txt");
    join_path(c->attract, sizeof c->attract, base_dir, "assets/attract");
    snprintf(c->backup_dir, sizeof c->backup_dir, "backups");
    c->backup_keep = 7;
    c->central_interval = 300;
    for (int i = 0; DEFAULT_TOPICS[i]; i++)
        snprintf(c->topics[c->ntopics++], sizeof c->topics[0], "%s", DEFAULT_TOPICS[i]);
}

struct load_ctx {
    config *c;
    char dir[512];
    char err[256];
};

static int parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi)
        return -1;
    *out = (int)n;
    return 0;
}

static int parse_pct(const char *v, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= 0 && d <= 100))
        return -1;
    *out = d;
    return 0;
}

static config_unit *unit_slot(config *c, const char *code)
{
    for (int i = 0; i < c->nunits; i++)
        if (strcmp(c->units[i].code, code) == 0)
            return &c->units[i];
    if (c->nunits >= CONFIG_MAX_UNITS)
        return NULL;
    config_unit *u = &c->units[c->nunits++];
    snprintf(u->code, sizeof u->code, "%s", code);
    snprintf(u->name, sizeof u->name, "%s", code);
    snprintf(u->timezone, sizeof u->timezone, "%s", CK_DEFAULT_TZ);
    return u;
}

#define KEY(s, k) (strcmp(section, s) == 0 && strcmp(name, k) == 0)
#define STR(field) (util_strlcpy(field, value, sizeof field) == 0 ? 1 : (bad = "value too long", 1))
#define PATH(field) (join_path(field, sizeof field, x->dir, value) == 0 ? 1 : \
    (bad = "path too long (at most 511 bytes, with the config file's folder for a relative path)", 1))

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct load_ctx *x = user;
    config *c = x->c;
    const char *bad = NULL;
    int ok = 0;
    if (KEY("institution", "name")) ok = STR(c->institution);
    else if (KEY("institution", "committee")) ok = STR(c->committee);
    else if (KEY("institution", "logo")) ok = PATH(c->logo);
    else if (KEY("institution", "accent")) {
        ok = 1;
        if (strlen(value) != 7 || value[0] != '#' || strspn(value + 1, "0123456789abcdefABCDEF") != 6)
            bad = "accent must be a colour like #1F5C99";
        else
            STR(c->accent);
    }
    else if (KEY("kiosk", "unit")) ok = STR(c->unit);
    else if (KEY("kiosk", "idle_timeout")) {
        ok = 1;
        if (parse_int(value, 10, 3600, &c->idle_timeout))
            bad = "idle_timeout must be seconds between 10 and 3600";
    }
    else if (KEY("kiosk", "sound")) {
        ok = 1;
        if (strcmp(value, "on") == 0)
            c->sound = 1;
        else if (strcmp(value, "off") == 0)
            c->sound = 0;
        else
            bad = "sound must be on or off";
    }
    else if (KEY("printer", "uri")) ok = STR(c->printer_uri);
    else if (KEY("printer", "width")) {
        ok = 1;
        if (parse_int(value, 58, 80, &c->printer_width) || (c->printer_width != 58 && c->printer_width != 80))
            bad = "printer width must be 58 or 80";
    }
    else if (KEY("export", "dir")) ok = PATH(c->export_dir);
    else if (KEY("export", "paper")) {
        ok = 1;
        if (strcmp(value, "letter") && strcmp(value, "a4"))
            bad = "paper must be letter or a4";
        else
            STR(c->paper);
    }
    else if (KEY("certificates", "margin_top") || KEY("certificates", "margin_bottom") ||
             KEY("certificates", "margin_side")) {
        int *m = name[7] == 't' ? &c->cert_margin_top : name[7] == 'b' ? &c->cert_margin_bottom : &c->cert_margin_side;
        ok = 1;
        if (parse_int(value, 5, 100, m))
            bad = "certificate margins are millimetres between 5 and 100";
    }
    else if (KEY("certificates", "signer")) ok = STR(c->cert_signer);
    else if (KEY("certificates", "signer_role")) ok = STR(c->cert_signer_role);
    else if (KEY("goals", "trained_pct")) { ok = 1; if (parse_pct(value, &c->goal_trained)) bad = "goal must be a percentage 0-100"; }
    else if (KEY("goals", "units_covered_pct")) { ok = 1; if (parse_pct(value, &c->goal_units)) bad = "goal must be a percentage 0-100"; }
    else if (KEY("goals", "pledged_pct")) { ok = 1; if (parse_pct(value, &c->goal_pledged)) bad = "goal must be a percentage 0-100"; }
    else if (KEY("texts", "carta")) ok = PATH(c->carta);
    else if (KEY("texts", "privacy")) ok = PATH(c->privacy);
    else if (KEY("texts", "attract")) ok = PATH(c->attract);
    else if (KEY("backup", "dir")) ok = PATH(c->backup_dir);
    else if (KEY("backup", "keep")) { ok = 1; if (parse_int(value, 1, 365, &c->backup_keep)) bad = "backup keep must be 1-365"; }
    else if (KEY("central", "url")) ok = STR(c->central_url);
    else if (KEY("central", "interval")) { ok = 1; if (parse_int(value, 30, 86400, &c->central_interval)) bad = "central interval must be 30-86400 seconds"; }
    else if (KEY("indicators", "topics")) {
        ok = 1;
        c->ntopics = 0;
        char buf[512];
        snprintf(buf, sizeof buf, "%s", value);
        for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            if (c->ntopics >= CONFIG_MAX_TOPICS) { bad = "too many topics"; break; }
            if (!store_topic_valid(t)) { bad = "unknown topic (etica, integridad, conflicto-intereses, "
                                               "igualdad-genero, violencia-genero, hsas, discriminacion, "
                                               "codigo-conducta, otro)"; break; }
            snprintf(c->topics[c->ntopics++], sizeof c->topics[0], "%s", t);
        }
        if (!bad && c->ntopics == 0)
            bad = "give at least one topic";
    }
    else if (strncmp(section, "unit.", 5) == 0) {
        const char *code = section + 5;
        config_unit *u = util_is_token(code) && strlen(code) < sizeof c->units[0].code ? unit_slot(c, code) : NULL;
        ok = 1;
        if (!u)
            bad = "bad unit section (a code of letters and digits, at most 64 units)";
        else if (strcmp(name, "name") == 0)
            STR(u->name);
        else if (strcmp(name, "timezone") == 0) {
            if (!util_tz_valid(value))
                bad = "unknown time zone (use an IANA name such as " CK_DEFAULT_TZ ")";
            else
                STR(u->timezone);
        } else
            ok = 0;
    }
    if (!ok)
        bad = "unknown key";
    if (bad) {
        if (!x->err[0]) /* keep the first error: libinih goes on parsing */
            snprintf(x->err, sizeof x->err, "[%s] %s: %s", section, name, bad);
        return 0;
    }
    return 1;
}

/* libinih reads at most this many bytes of a line (its INI_MAX_LINE, 200 as
 * Debian builds it, NUL and line break included); the rest of a longer
 * line would be parsed as a line of its own. */
#define CONFIG_MAX_LINE 198

/* The first line of f longer than CONFIG_MAX_LINE bytes, or 0. Rewinds f. */
static int long_line(FILE *f)
{
    int c, line = 1;
    long len = 0;
    while ((c = getc(f)) != EOF) {
        if (c == '\n') {
            line++;
            len = 0;
        } else if (c != '\r' && ++len > CONFIG_MAX_LINE) {
            rewind(f);
            return line;
        }
    }
    rewind(f);
    return 0;
}

int config_load(config *c, const char *path, char *err, size_t errlen)
{
    struct load_ctx x = {.c = c};
    const char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) >= sizeof x.dir) {
        snprintf(err, errlen, "%.200s...: the config file's folder is too long a path (at most %zu bytes)", path,
                 sizeof x.dir - 1);
        return -1;
    }
    if (slash)
        snprintf(x.dir, sizeof x.dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(x.dir, sizeof x.dir, ".");
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int longl = long_line(f);
    if (longl) {
        fclose(f);
        snprintf(err, errlen, "%s:%d: line too long (at most %d bytes)", path, longl, CONFIG_MAX_LINE);
        return -1;
    }
    int line = ini_parse_file(f, on_key, &x);
    fclose(f);
    if (line != 0) {
        snprintf(err, errlen, "%s:%d: %s", path, line,
                 x.err[0] ? x.err : "syntax error (expected [section] or key = value)");
        return -1;
    }
    return 0;
}

const config_unit *config_find_unit(const config *c, const char *code)
{
    for (int i = 0; i < c->nunits; i++)
        if (strcmp(c->units[i].code, code) == 0)
            return &c->units[i];
    return NULL;
}

int config_topic_counts(const config *c, const char *topic)
{
    for (int i = 0; i < c->ntopics; i++)
        if (strcmp(c->topics[i], topic) == 0)
            return 1;
    return 0;
}
