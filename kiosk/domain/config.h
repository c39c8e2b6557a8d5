/* config.h — the INI configuration file (SPEC "Configuration") read with
 * libinih into one struct. Every key is optional; config_defaults() gives
 * sensible values for all of them. */
#ifndef CK_CONFIG_H
#define CK_CONFIG_H

#include <stddef.h>

#include "store.h"   /* the field sizes */

#define CONFIG_MAX_UNITS 64
#define CONFIG_MAX_TOPICS 16

typedef struct config_unit {
    char code[STORE_UNIT_CODE_LEN];
    char name[STORE_UNIT_NAME_LEN];
    char timezone[STORE_TZ_LEN];
} config_unit;

typedef struct config {
    char institution[160];     /* [institution] name */
    char committee[160];       /* [institution] committee */
    char logo[512];            /* [institution] logo (PNG), optional */
    char accent[16];           /* [institution] accent = #RRGGBB */
    char unit[STORE_UNIT_CODE_LEN]; /* [kiosk] unit this kiosk stands in */
    int idle_timeout;          /* [kiosk] seconds, default 45 */
    int sound;                 /* [kiosk] sound = on: a short tone for every badge read (default off) */
    char printer_uri[512];     /* [printer] uri */
    int printer_width;         /* [printer] 58 or 80 (mm) */
    char export_dir[512];      /* [export] dir */
    char paper[8];             /* [export] letter | a4 */
    /* [certificates]: for paper with a printed letterhead, the blank
     * margins (mm) the certificates leave; who signs them. */
    int cert_margin_top;       /* [certificates] margin_top, default 25 */
    int cert_margin_bottom;    /* [certificates] margin_bottom, default 20 */
    int cert_margin_side;      /* [certificates] margin_side, default 25 */
    char cert_signer[160];     /* [certificates] signer (a name), optional */
    char cert_signer_role[160]; /* [certificates] signer_role, default "Secretaría Técnica del Comité" */
    double goal_trained;       /* [goals] trained_pct */
    double goal_units;         /* [goals] units_covered_pct */
    double goal_pledged;       /* [goals] pledged_pct */
    char carta[512];           /* [texts] carta */
    char privacy[512];         /* [texts] privacy */
    char attract[512];         /* [texts] attract (folder of messages) */
    char backup_dir[512];      /* [backup] dir (default: "backups" beside the database) */
    int backup_keep;           /* [backup] keep */
    char central_url[1024];    /* [central] url: libpq connection string ("" = no central) */
    int central_interval;      /* [central] interval: seconds between background syncs, default 300 */
    /* [indicators] topics: the event topics that count for I.1/I.2 */
    char topics[CONFIG_MAX_TOPICS][32];
    int ntopics;
    config_unit units[CONFIG_MAX_UNITS]; /* [unit.CODE] sections */
    int nunits;
} config;

/* Fills c with the defaults. Paths are relative to base_dir (the folder the
 * config file is in, or the assets folder found at start-up). */
void config_defaults(config *c, const char *base_dir);

/* Reads path over the defaults already in c. Relative paths in the file are
 * resolved against the file's folder. Returns 0, or -1 with a one-line
 * "FILE:LINE: reason" message in err. */
int config_load(config *c, const char *path, char *err, size_t errlen);

/* The [unit.CODE] section for code, or NULL. */
const config_unit *config_find_unit(const config *c, const char *code);

/* 1 if an event topic counts for the training indicators, else 0. */
int config_topic_counts(const config *c, const char *topic);

#endif
