/* app_sync.c — the running kiosk syncs with the central by itself when
 * [central] url is set (issue 11), on a thread of its own with its own
 * SQLite connection and its own PostgreSQL connection, so no screen ever
 * waits for the network: a check-in is written locally as always, and
 * reaches the central soon after.
 *
 * The worker wakes every APP_SYNC_POLL_MS. It syncs (central_sync: push,
 * then pull in pages, each page its own short SQLite transaction) when
 * this kiosk has entries the central has not acknowledged (a record was
 * just made: "soon after each record") or [central] interval seconds went
 * by since the last try (the other kiosks' records come in). After a
 * failure (no network, central down) it waits the interval before trying
 * again, records stay queued meanwhile. A batch the central keeps aside
 * (this database was rewritten or truncated) stops the automatic syncs:
 * retrying would only store more copies aside; the coordinator sees why.
 *
 * The coordinator screen reads one status line (app_sync_status), made
 * from what the worker last saw, under a mutex; the UI thread never
 * touches the worker's connections. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "app_int.h"
#include "central.h"
#include "util.h"

#define APP_SYNC_POLL_MS 10000   /* how often the worker looks for new records */
#define APP_SYNC_BATCH 500       /* entries per push transaction */
#define APP_SYNC_PAGE 200        /* entries per pull page: a short write transaction here */
#define APP_SYNC_STOP_MS 500     /* how long closing the kiosk waits for a sync in progress */

struct app_sync {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    int done;                     /* the worker has returned */
    char url[sizeof ((config *)0)->central_url];
    char db_path[1024];
    int interval_s;
    /* What the coordinator sees (under mu). */
    int64_t last_ok, last_try;    /* Unix seconds */
    int64_t pending;              /* own entries not acknowledged, last seen */
    int64_t pushed, pulled;       /* in the last good sync */
    int halted;                   /* a batch was kept aside: no more automatic syncs */
    int running;
    char error[512];              /* of the last try, "" if it went well */
};

/* Own entries the central has not acknowledged (-1 if unknown). */
static int64_t pending_of(store *s)
{
    store_sync_state st;
    int rc = store_sync_state_get(s, NULL, &st);
    return rc == STORE_OK || rc == STORE_NOTFOUND ? st.pending : -1;
}

static void *worker(void *arg)
{
    struct app_sync *w = arg;
    int64_t next_try = 0; /* Unix seconds: 0 = as soon as there is something */
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += APP_SYNC_POLL_MS / 1000;
        pthread_cond_timedwait(&w->cv, &w->mu, &until);
        if (w->stop || w->halted)
            continue;
        pthread_mutex_unlock(&w->mu);
        int64_t now = (int64_t)time(NULL);
        store *s = NULL;
        char err[1024] = "";
        int64_t pending = -1;
        int ran = 0, rc = 0;
        central_sync_result r;
        memset(&r, 0, sizeof r);
        if (store_open(&s, w->db_path, 0, err, sizeof err) == STORE_OK) {
            pending = pending_of(s);
            /* New records: now (unless the last try failed and its wait is
             * not over). Nothing new: once per interval, for the others'. */
            if ((pending > 0 && now >= next_try) || now >= next_try + w->interval_s || next_try == 0) {
                pthread_mutex_lock(&w->mu);
                w->running = 1;
                pthread_mutex_unlock(&w->mu);
                central_sync_opts o = {.now = now, .batch = APP_SYNC_BATCH, .page = APP_SYNC_PAGE};
                rc = central_sync(s, w->db_path, w->url, &o, &r, err, sizeof err);
                ran = 1;
                pending = pending_of(s);
                next_try = rc ? now + w->interval_s : now;
            }
            store_close(s);
        } else {
            rc = -1;
            ran = 1;
            next_try = now + w->interval_s;
        }
        pthread_mutex_lock(&w->mu);
        w->running = 0;
        if (pending >= 0)
            w->pending = pending;
        if (ran) {
            w->last_try = now;
            if (rc == 0) {
                w->last_ok = now;
                w->pushed = r.pushed;
                w->pulled = r.pulled;
                w->error[0] = '\0';
            } else {
                util_strlcpy(w->error, err, sizeof w->error);
                /* Kept aside by the central: retrying would store more. */
                w->halted = strstr(err, "guardó aparte") != NULL;
            }
        }
    }
    w->done = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

void app_sync_start(app *a)
{
    if (!a->c->central_url[0] || a->sync)
        return;
    struct app_sync *w = calloc(1, sizeof *w);
    if (!w)
        return;
    util_strlcpy(w->url, a->c->central_url, sizeof w->url);
    util_strlcpy(w->db_path, a->db_path, sizeof w->db_path);
    w->interval_s = a->c->central_interval > 0 ? a->c->central_interval : 300;
    w->pending = -1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, worker, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return; /* the kiosk works without it; the coordinator's `sync` still does */
    }
    a->sync = w;
}

void app_sync_stop(app *a)
{
    struct app_sync *w = a->sync;
    if (!w)
        return;
    /* The kiosk must close at once (SIGTERM: within a second), and a sync
     * may be waiting on the network (connect timeout 10 s). So the worker
     * gets APP_SYNC_STOP_MS to finish; past that it is left to end with
     * the process: whatever it had not committed rolls back, here (SQLite)
     * and at the central, and is sent again at the next sync. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)APP_SYNC_STOP_MS * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cv);
    while (!w->done && pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
        ;
    int done = w->done;
    pthread_mutex_unlock(&w->mu);
    a->sync = NULL;
    if (!done) {
        pthread_detach(w->thread); /* w stays allocated for it */
        return;
    }
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

void app_sync_status(const app *a, char *out, size_t outlen)
{
    struct app_sync *w = a->sync;
    out[0] = '\0';
    if (!w)
        return;
    char ok[32] = "", pend[96] = "";
    pthread_mutex_lock(&w->mu);
    int64_t last_ok = w->last_ok, last_try = w->last_try, pending = w->pending;
    int halted = w->halted, running = w->running;
    char error[512];
    util_strlcpy(error, w->error, sizeof error);
    pthread_mutex_unlock(&w->mu);
    if (last_ok)
        util_format_time(a->tz, last_ok, "%d/%m %H:%M", ok, sizeof ok);
    if (pending > 0)
        snprintf(pend, sizeof pend, " Pendientes de enviar: %lld registro%s.", (long long)pending,
                 pending == 1 ? "" : "s");
    else if (pending == 0)
        snprintf(pend, sizeof pend, " Nada pendiente.");
    if (halted)
        snprintf(out, outlen, "Central: sincronización detenida. %s%s", error, pend);
    else if (running)
        snprintf(out, outlen, "Central: sincronizando…%s%s%s", last_ok ? " Última: " : "", ok, pend);
    else if (error[0])
        snprintf(out, outlen, "Central: sin conexión%s%s; se reintentará.%s", last_ok ? " desde la última el " : "",
                 ok, pend);
    else if (last_try)
        snprintf(out, outlen, "Central: última sincronización el %s.%s", ok, pend);
    else
        snprintf(out, outlen, "Central: aún sin sincronizar.%s", pend);
}
