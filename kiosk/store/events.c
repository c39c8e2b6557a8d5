/* events.c — events: creation with validation, lookup by id or unique
 * prefix, state changes and listing (see store.h). */
#include "store_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const KINDS[] = {
    "curso", "taller", "conferencia", "conversatorio", "cine-debate",
    "platica", "protesta", "otro", NULL,
};
static const char *const TOPICS[] = {
    "etica", "integridad", "conflicto-intereses", "igualdad-genero",
    "violencia-genero", "hsas", "discriminacion", "codigo-conducta", "otro", NULL,
};

int store_kind_valid(const char *kind) { return store_in_list(KINDS, kind); }
int store_topic_valid(const char *topic) { return store_in_list(TOPICS, topic); }

#define EVENT_COLS "e.uuid, e.title, e.kind, " \
    "ifnull((SELECT group_concat(topic, ',') FROM event_topic t WHERE t.event_id = e.id), ''), " \
    "e.unit_code, e.start_local, e.end_local, e.place, e.instructor, e.pat_key, e.signature, e.state, " \
    "(SELECT count(*) FROM attendance a WHERE a.event_id = e.id)"

static void read_event(sqlite3_stmt *st, store_event *e)
{
    store_col_text(st, 0, e->id, sizeof e->id);
    store_col_text(st, 1, e->title, sizeof e->title);
    store_col_text(st, 2, e->kind, sizeof e->kind);
    store_col_text(st, 3, e->topics, sizeof e->topics);
    store_col_text(st, 4, e->unit, sizeof e->unit);
    store_col_text(st, 5, e->start, sizeof e->start);
    store_col_text(st, 6, e->end, sizeof e->end);
    store_col_text(st, 7, e->place, sizeof e->place);
    store_col_text(st, 8, e->instructor, sizeof e->instructor);
    store_col_text(st, 9, e->pat, sizeof e->pat);
    e->signature = sqlite3_column_int(st, 10);
    store_col_text(st, 11, e->state, sizeof e->state);
    e->attendees = sqlite3_column_int(st, 12);
}

static int valid_pat(const char *p)
{
    /* e.g. 1.2.3: digits separated by single dots */
    if (!*p)
        return 1;
    int digits = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p == '.' && digits)
            digits = 0;
        else
            return 0;
    }
    return digits > 0;
}

int store_event_add(store *s, store_event *e, int64_t now)
{
    static const char sql[] =
        "INSERT INTO event(uuid, kiosk_id, title, kind, unit_code, start_local, end_local, place, instructor, "
        "pat_key, signature, state, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,'draft',?12)";
    static const char sql_topic[] = "INSERT OR IGNORE INTO event_topic(event_id, topic) VALUES (?1, ?2)";
    struct tm tm;
    store_unit u;
    const char *texts[] = {e->title, e->place, e->instructor};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (!util_utf8_valid(texts[i], strlen(texts[i])) || util_has_control(texts[i]))
            return store_fail(s, STORE_INVALID,
                              "the title, place or instructor is not valid text (control characters?)");
    if (!e->title[0])
        return store_fail(s, STORE_INVALID, "the title is empty");
    if (!store_kind_valid(e->kind))
        return store_fail(s, STORE_INVALID, "unknown kind '%s' (curso, taller, conferencia, conversatorio, "
                          "cine-debate, platica, protesta, otro)", e->kind);
    char topics[256];
    snprintf(topics, sizeof topics, "%s", e->topics);
    int ntopics = 0;
    for (char *save = NULL, *t = strtok_r(topics, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        util_trim(t);
        if (!store_topic_valid(t))
            return store_fail(s, STORE_INVALID, "unknown topic '%s' (etica, integridad, conflicto-intereses, "
                              "igualdad-genero, violencia-genero, hsas, discriminacion, codigo-conducta, otro)", t);
        ntopics++;
    }
    if (ntopics == 0)
        return store_fail(s, STORE_INVALID, "give at least one topic");
    if (store_unit_get(s, e->unit, &u) != STORE_OK)
        return store_fail(s, STORE_INVALID, "unknown unit '%s'", e->unit);
    if (strlen(e->start) != 16 || util_parse_local(e->start, &tm) != 0)
        return store_fail(s, STORE_INVALID, "bad start '%s' (use 'YYYY-MM-DD HH:MM')", e->start);
    if (e->end[0]) {
        struct tm te;
        if (strlen(e->end) != 16 || util_parse_local(e->end, &te) != 0)
            return store_fail(s, STORE_INVALID, "bad end '%s' (use 'YYYY-MM-DD HH:MM')", e->end);
        if (strcmp(e->end, e->start) < 0)
            return store_fail(s, STORE_INVALID, "the end (%s) is before the start (%s)", e->end, e->start);
    }
    if (!valid_pat(e->pat))
        return store_fail(s, STORE_INVALID, "bad PAT activity key '%s' (like 1.2.3)", e->pat);
    if (!s->kiosk_id[0])
        return store_fail(s, STORE_INVALID, "the database has no kiosk identity (run: cepci-kiosk init)");
    util_uuid(e->id);
    int rc = store_begin(s);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st) {
        rc = STORE_ERROR;
        goto out;
    }
    store_bind_text(st, 1, e->id);
    store_bind_text(st, 2, s->kiosk_id);
    store_bind_text(st, 3, e->title);
    store_bind_text(st, 4, e->kind);
    store_bind_text(st, 5, e->unit);
    store_bind_text(st, 6, e->start);
    store_bind_text(st, 7, e->end);
    store_bind_text(st, 8, e->place);
    store_bind_text(st, 9, e->instructor);
    store_bind_text(st, 10, e->pat);
    sqlite3_bind_int(st, 11, e->signature ? 1 : 0);
    sqlite3_bind_int64(st, 12, now);
    if ((rc = store_exec_stmt(s, st, "save event")))
        goto out;
    sqlite3_int64 id = sqlite3_last_insert_rowid(s->db);
    snprintf(topics, sizeof topics, "%s", e->topics);
    for (char *save = NULL, *t = strtok_r(topics, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        util_trim(t);
        if (!(st = store_stmt(s, sql_topic))) {
            rc = STORE_ERROR;
            goto out;
        }
        sqlite3_bind_int64(st, 1, id);
        store_bind_text(st, 2, t);
        if ((rc = store_exec_stmt(s, st, "save event topic")))
            goto out;
    }
    if ((rc = store_audit_append(s, "event", e->id, now)) || (rc = store_commit(s)))
        goto out;
    snprintf(e->state, sizeof e->state, "draft");
    return STORE_OK;
out:
    store_rollback(s);
    return rc;
}

int store_event_find(store *s, const char *id, int full, store_event *out, struct store_event_light *light)
{
    static const char sql_full[] = "SELECT " EVENT_COLS " FROM event e WHERE e.uuid >= ?1 AND e.uuid < ?2 LIMIT 2";
    static const char sql_light[] = "SELECT id, uuid, title, state, signature FROM event "
                                    "WHERE uuid >= ?1 AND uuid < ?2 LIMIT 2";
    const char *sql = full ? sql_full : sql_light;
    size_t len = strlen(id);
    if (len < 4 || len >= UTIL_UUID_LEN || strspn(id, "0123456789abcdef-") != len)
        return store_fail(s, STORE_NOTFOUND, "no event '%s' (give its id as printed by 'event list')", id);
    char hi[64];
    snprintf(hi, sizeof hi, "%s\x7f", id);
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, id);
    store_bind_text(st, 2, hi);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ > 0)
            continue;
        if (full) {
            read_event(st, out);
        } else {
            light->row = sqlite3_column_int64(st, 0);
            store_col_text(st, 1, light->id, sizeof light->id);
            store_col_text(st, 2, light->title, sizeof light->title);
            store_col_text(st, 3, light->state, sizeof light->state);
            light->signature = sqlite3_column_int(st, 4);
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, rc, "read event");
    if (n == 0)
        return store_fail(s, STORE_NOTFOUND, "no event '%s'", id);
    if (n > 1)
        return store_fail(s, STORE_NOTFOUND, "event id '%s' is ambiguous; give more characters", id);
    return STORE_OK;
}

int store_event_get(store *s, const char *id, store_event *out)
{
    return store_event_find(s, id, 1, out, NULL);
}

int store_event_set_state(store *s, const char *id, const char *state, int64_t now)
{
    static const char sql[] = "UPDATE event SET state = ?2 WHERE uuid = ?1";
    store_event e;
    if (strcmp(state, "open") && strcmp(state, "closed") && strcmp(state, "draft"))
        return store_fail(s, STORE_INVALID, "bad event state '%s'", state);
    int rc = store_event_get(s, id, &e);
    if (rc)
        return rc;
    if (strcmp(e.state, state) == 0)
        return STORE_OK;
    if ((rc = store_begin(s)))
        return rc;
    /* Never a new version over a row changed behind our back. */
    sqlite3_stmt *st = (rc = store_audit_check_current(s, "event", e.id)) ? NULL : store_stmt(s, sql);
    if (!st) {
        store_rollback(s);
        return rc ? rc : STORE_ERROR;
    }
    store_bind_text(st, 1, e.id);
    store_bind_text(st, 2, state);
    if ((rc = store_exec_stmt(s, st, "change event state")) || (rc = store_audit_append(s, "event", e.id, now)) ||
        (rc = store_commit(s))) {
        store_rollback(s);
        return rc;
    }
    return STORE_OK;
}

int store_event_each(store *s, int year, int open_only, int (*fn)(const store_event *, void *), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
        "SELECT " EVENT_COLS " FROM event e WHERE (?1 = 0 OR substr(e.start_local, 1, 4) = printf('%04d', ?1)) "
        "AND (?2 = 0 OR e.state = 'open') ORDER BY e.start_local, e.title", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "list events");
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int(st, 2, open_only);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_event e;
        read_event(st, &e);
        if (fn(&e, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "list events");
}

