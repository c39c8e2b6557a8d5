/* people.c — the roster (store_person_*) and the name search (see
 * store.h). Each person's folded full name is split into words kept in
 * name_token, so a search reads a small prefix range of that index instead
 * of scanning the roster. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE_SEARCH_SCAN 4000   /* candidate rows examined per search at most */

#define PERSON_COLS "employee_no, given_name, surname1, surname2, unit_code, area, position, email, active"

static void read_person(sqlite3_stmt *st, int i, store_person *p)
{
    store_col_text(st, i + 0, p->employee_no, sizeof p->employee_no);
    store_col_text(st, i + 1, p->given_name, sizeof p->given_name);
    store_col_text(st, i + 2, p->surname1, sizeof p->surname1);
    store_col_text(st, i + 3, p->surname2, sizeof p->surname2);
    store_col_text(st, i + 4, p->unit, sizeof p->unit);
    store_col_text(st, i + 5, p->area, sizeof p->area);
    store_col_text(st, i + 6, p->position, sizeof p->position);
    store_col_text(st, i + 7, p->email, sizeof p->email);
    p->active = sqlite3_column_int(st, i + 8);
}

void store_person_fullname(const store_person *p, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s%s%s%s%s", p->given_name, p->given_name[0] ? " " : "", p->surname1,
             p->surname2[0] ? " " : "", p->surname2);
}

void store_employee_canon(const char *in, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    if (*in && strspn(in, "0123456789") == strlen(in)) {
        while (in[0] == '0' && in[1])
            in++;
    }
    util_strlcpy(out, in, outlen);
}

/* The row stored under exactly ?1 first, else the one whose canonical
 * number (employee_key) is ?2 — and whose own number has that canonical
 * form: a key edited by hand sends no badge read to another person. */
#define PERSON_BY_NUMBER                                                                                       \
    "(employee_no = ?1 OR (employee_key = ?2 AND " STORE_EMPLOYEE_CANON_SQL("employee_no") " = ?2)) ORDER BY " \
    "employee_no = ?1 DESC LIMIT 1"

/* Binds ?1 (the number as given) and ?2 (its canonical form). */
static void bind_number(sqlite3_stmt *st, const char *employee_no)
{
    char key[STORE_EMPLOYEE_NO_LEN * 2];
    store_bind_text(st, 1, employee_no);
    store_employee_canon(employee_no ? employee_no : "", key, sizeof key);
    store_bind_text(st, 2, key);
}

int store_person_get(store *s, const char *employee_no, store_person *out)
{
    static const char sql[] = "SELECT " PERSON_COLS " FROM person WHERE " PERSON_BY_NUMBER;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    bind_number(st, employee_no);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_person(st, 0, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? store_fail(s, STORE_NOTFOUND, "employee number %s is not in the roster", employee_no)
                             : store_sqlerr(s, rc, "read person");
}

static int same_person(const store_person *a, const store_person *b)
{
    return strcmp(a->given_name, b->given_name) == 0 && strcmp(a->surname1, b->surname1) == 0 &&
           strcmp(a->surname2, b->surname2) == 0 && strcmp(a->unit, b->unit) == 0 &&
           strcmp(a->area, b->area) == 0 && strcmp(a->position, b->position) == 0 &&
           strcmp(a->email, b->email) == 0 && a->active == b->active;
}

/* Runs sql (?1 = token, ?2 = person id) for each word of norm. */
static int each_token(store *s, const char *sql, sqlite3_int64 id, const char *norm)
{
    const char *w = norm;
    while (*w) {
        size_t len = strcspn(w, " ");
        sqlite3_stmt *st = store_stmt(s, sql);
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_text(st, 1, w, (int)len, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, id);
        int rc = store_exec_stmt(s, st, "index name");
        if (rc)
            return rc;
        w += len;
        while (*w == ' ')
            w++;
    }
    return STORE_OK;
}

/* Replaces the search tokens of person id: old_norm's words out (NULL for a
 * new person), new_norm's words in. */
static int index_name(store *s, sqlite3_int64 id, const char *old_norm, const char *new_norm)
{
    static const char sql_del[] = "DELETE FROM name_token WHERE token = ?1 AND person_id = ?2";
    static const char sql_ins[] = "INSERT OR IGNORE INTO name_token(token, person_id) VALUES (?1, ?2)";
    if (old_norm && strcmp(old_norm, new_norm) == 0)
        return STORE_OK;
    int rc = old_norm ? each_token(s, sql_del, id, old_norm) : STORE_OK;
    return rc ? rc : each_token(s, sql_ins, id, new_norm);
}

static int person_merge(store *s, const store_person *p, unsigned fields, int64_t now, int *what);

int store_person_upsert(store *s, const store_person *p, int64_t now, int *what)
{
    return store_person_merge(s, p, STORE_PF_ALL, now, what);
}

int store_person_merge(store *s, const store_person *p, unsigned fields, int64_t now, int *what)
{
    /* The row, its search tokens and its audit entry go together. */
    if (s->in_tx)
        return person_merge(s, p, fields, now, what);
    int rc = store_begin(s);
    if (!rc)
        rc = person_merge(s, p, fields, now, what);
    if (!rc)
        rc = store_commit(s);
    if (rc)
        store_rollback(s);
    return rc;
}

int store_person_clashes(store *s)
{
    static const char sql[] = "SELECT count(*) FROM person WHERE employee_key IS NULL";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    int n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return n < 0 ? store_sqlerr(s, rc, "count people") : n;
}

/* 1 if t is text a name or a roster field may hold: valid UTF-8 without
 * control characters (bidirectional controls included, util_has_control). */
static int person_text_ok(const char *t)
{
    return util_utf8_valid(t, strlen(t)) && !util_has_control(t);
}

/* Copies into m the fields of old that fields does not name. */
static void keep_fields(store_person *m, const store_person *old, unsigned fields)
{
    if (!(fields & STORE_PF_GIVEN))
        memcpy(m->given_name, old->given_name, sizeof m->given_name);
    if (!(fields & STORE_PF_SURNAME2))
        memcpy(m->surname2, old->surname2, sizeof m->surname2);
    if (!(fields & STORE_PF_AREA))
        memcpy(m->area, old->area, sizeof m->area);
    if (!(fields & STORE_PF_POSITION))
        memcpy(m->position, old->position, sizeof m->position);
    if (!(fields & STORE_PF_EMAIL))
        memcpy(m->email, old->email, sizeof m->email);
    if (!(fields & STORE_PF_ACTIVE))
        m->active = old->active;
}

static int person_merge(store *s, const store_person *given, unsigned fields, int64_t now, int *what)
{
    static const char sql_find[] =
        "SELECT id, uuid, " PERSON_COLS ", name_norm FROM person WHERE " PERSON_BY_NUMBER;
    static const char sql_ins[] =
        "INSERT INTO person(uuid, kiosk_id, employee_no, given_name, surname1, surname2, unit_code, area, "
        "position, email, active, name_norm, updated_at, employee_key) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?3)";
    static const char sql_upd[] =
        "UPDATE person SET given_name=?4, surname1=?5, surname2=?6, unit_code=?7, area=?8, position=?9, "
        "email=?10, active=?11, name_norm=?12, updated_at=?13 WHERE uuid=?1";
    store_person merged = *given;
    store_person *p = &merged;
    if (what)
        *what = STORE_PERSON_UNCHANGED;
    if (!util_is_token(p->employee_no))
        return store_fail(s, STORE_INVALID, "bad employee number '%s' (letters, digits, - or _)", p->employee_no);
    if (!p->surname1[0])
        return store_fail(s, STORE_INVALID, "the first surname is empty");
    const char *texts[] = {p->given_name, p->surname1, p->surname2, p->area, p->position, p->email};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (!person_text_ok(texts[i]))
            return store_fail(s, STORE_INVALID, "employee %s: a name or field is not valid text (control or "
                              "bidirectional characters?)", p->employee_no);
    if (!s->kiosk_id[0])
        return store_fail(s, STORE_INVALID, "the database has no kiosk identity (run: cepci-kiosk init)");
    sqlite3_stmt *st = store_stmt(s, sql_find);
    if (!st)
        return STORE_ERROR;
    bind_number(st, p->employee_no);
    char uuid[UTIL_UUID_LEN] = "", old_norm[512] = "";
    sqlite3_int64 id = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        store_person old;
        id = sqlite3_column_int64(st, 0);
        store_col_text(st, 1, uuid, sizeof uuid);
        read_person(st, 2, &old);
        store_col_text(st, 11, old_norm, sizeof old_norm);
        sqlite3_reset(st);
        keep_fields(p, &old, fields);
        memcpy(p->employee_no, old.employee_no, sizeof p->employee_no); /* as stored */
        if (same_person(&old, p))
            return STORE_OK;
    } else {
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return store_sqlerr(s, rc, "read person");
    }
    int isnew = uuid[0] == '\0';
    if (isnew) {
        util_uuid(uuid);
        store_employee_canon(given->employee_no, p->employee_no, sizeof p->employee_no);
        if (!(fields & STORE_PF_ACTIVE))
            p->active = 1;
    } else if ((rc = store_audit_check_current(s, "person", uuid))) {
        return rc; /* never a new version over a row changed behind our back */
    }
    char full[512], norm[512];
    snprintf(full, sizeof full, "%s %s %s", p->given_name, p->surname1, p->surname2);
    util_fold(full, norm, sizeof norm);
    st = store_stmt(s, isnew ? sql_ins : sql_upd);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, uuid);
    if (isnew) {
        store_bind_text(st, 2, s->kiosk_id);
        store_bind_text(st, 3, p->employee_no);
    }
    store_bind_text(st, 4, p->given_name);
    store_bind_text(st, 5, p->surname1);
    store_bind_text(st, 6, p->surname2);
    store_bind_text(st, 7, p->unit);
    store_bind_text(st, 8, p->area);
    store_bind_text(st, 9, p->position);
    store_bind_text(st, 10, p->email);
    sqlite3_bind_int(st, 11, p->active ? 1 : 0);
    store_bind_text(st, 12, norm);
    sqlite3_bind_int64(st, 13, now);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        if ((rc & 0xff) == SQLITE_CONSTRAINT)
            return store_fail(s, STORE_INVALID, "unknown unit '%s'", p->unit);
        return store_sqlerr(s, rc, "save person");
    }
    if (isnew) {
        static const char sql_uuid[] = "INSERT INTO record_uuid(uuid, kind) VALUES (?1, 'person')";
        id = sqlite3_last_insert_rowid(s->db);
        if (!(st = store_stmt(s, sql_uuid)))
            return STORE_ERROR;
        store_bind_text(st, 1, uuid); /* one UUID, one record of one kind (db/002_chain.sql) */
        if ((rc = store_exec_stmt(s, st, "register the person's UUID")))
            return rc;
    }
    if ((rc = index_name(s, id, isnew ? NULL : old_norm, norm)) || (rc = store_audit_append(s, "person", uuid, now)))
        return rc;
    if (what)
        *what = isnew ? STORE_PERSON_ADDED : STORE_PERSON_UPDATED;
    return STORE_OK;
}

/* 1 if every word of the folded query is a prefix of some word of norm. */
static int words_match(const char *query, const char *norm)
{
    const char *q = query;
    while (*q) {
        size_t ql = strcspn(q, " ");
        int found = 0;
        for (const char *w = norm; *w && !found;) {
            size_t wl = strcspn(w, " ");
            if (wl >= ql && memcmp(w, q, ql) == 0)
                found = 1;
            w += wl;
            while (*w == ' ')
                w++;
        }
        if (!found)
            return 0;
        q += ql;
        while (*q == ' ')
            q++;
    }
    return 1;
}

static int person_cmp(const void *a, const void *b)
{
    const store_person *x = a, *y = b;
    char fx[512], fy[512];
    snprintf(fx, sizeof fx, "%s %s %s", x->surname1, x->surname2, x->given_name);
    snprintf(fy, sizeof fy, "%s %s %s", y->surname1, y->surname2, y->given_name);
    char nx[512], ny[512];
    util_fold(fx, nx, sizeof nx);
    util_fold(fy, ny, sizeof ny);
    int c = strcmp(nx, ny);
    return c ? c : strcmp(x->employee_no, y->employee_no);
}

int store_search(store *s, const char *query, store_person *out, int max)
{
    static const char sql_count[] =
        "SELECT count(*) FROM (SELECT 1 FROM name_token WHERE token >= ?1 AND token < ?2 LIMIT 5000)";
    static const char sql_scan[] =
        "SELECT t.person_id, p.name_norm, " PERSON_COLS " FROM name_token t "
        "JOIN person p ON p.id = t.person_id WHERE t.token >= ?1 AND t.token < ?2 AND p.active = 1";
    char q[256];
    if (max <= 0)
        return 0;
    if (max > 64)
        max = 64; /* the duplicate filter remembers 64 people */
    util_fold(query, q, sizeof q);
    if (!q[0])
        return 0;
    /* Drive the scan with the word whose prefix range is smallest. */
    char best[256] = "";
    int best_n = -1;
    for (const char *w = q; *w;) {
        size_t wl = strcspn(w, " ");
        char lo[256], hi[260];
        snprintf(lo, sizeof lo, "%.*s", (int)wl, w);
        snprintf(hi, sizeof hi, "%s\x7f", lo);
        sqlite3_stmt *st = store_stmt(s, sql_count);
        if (!st)
            return STORE_ERROR;
        store_bind_text(st, 1, lo);
        store_bind_text(st, 2, hi);
        int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_reset(st);
        /* Fewest matches wins; among words past the cap, the longest. */
        if (best_n < 0 || n < best_n || (n == best_n && strlen(lo) > strlen(best))) {
            best_n = n;
            snprintf(best, sizeof best, "%s", lo);
        }
        if (n == 0)
            return 0;
        w += wl;
        while (*w == ' ')
            w++;
    }
    char hi[260];
    snprintf(hi, sizeof hi, "%s\x7f", best);
    sqlite3_stmt *st = store_stmt(s, sql_scan);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, best);
    store_bind_text(st, 2, hi);
    int count = 0, rc = SQLITE_ROW, examined = 0;
    sqlite3_int64 seen[64];
    int nseen = 0;
    /* Bounded work per keystroke: a query that matches nobody among the
     * first STORE_SEARCH_SCAN candidates is answered "none yet" (the person
     * types one more letter) rather than scanning the whole roster. */
    while (count < max && examined++ < STORE_SEARCH_SCAN && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        const char *norm = (const char *)sqlite3_column_text(st, 1);
        int dup = 0;
        for (int i = 0; i < nseen && !dup; i++)
            dup = seen[i] == id;
        if (dup || !words_match(q, norm ? norm : ""))
            continue;
        if (nseen < 64)
            seen[nseen++] = id;
        read_person(st, 2, &out[count++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, rc, "search");
    if (count > 1)
        qsort(out, (size_t)count, sizeof *out, person_cmp);
    return count;
}

int store_person_each(store *s, const char *unit, int (*fn)(const store_person *, void *), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
        "SELECT " PERSON_COLS " FROM person WHERE ?1 IS NULL OR unit_code = ?1 "
        "ORDER BY surname1, surname2, given_name, employee_no", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "list people");
    store_bind_text(st, 1, unit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_person p;
        read_person(st, 0, &p);
        if (fn(&p, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "list people");
}

int store_person_count(store *s, int active_only)
{
    static const char sql[] = "SELECT count(*) FROM person WHERE active = 1 OR ?1 = 0";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, active_only);
    int rc = sqlite3_step(st);
    int n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return n < 0 ? store_sqlerr(s, rc, "count people") : n;
}

