/* app_print.c — the receipt of the record on screen and its printing.
 *
 * A receipt is built (receipt_build) and its QR encoded when a record is
 * shown; printing runs on a worker thread with a private copy of the
 * receipt and the config, so a slow or stalled printer never freezes the
 * screen. One job at a time: a receipt asked while one prints waits in
 * a->print_queue, copied at once (a queue of people at the door prints
 * every receipt, in order). app_frame polls the job each frame
 * (app_print_poll); the outcome is a->print_state and, on failure,
 * a->print_err.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_int.h"

/* A print job: a private copy of the receipt for the worker thread. */
struct app_print_job {
    receipt r;
    config c;
    int rc;
    char err[256];
    volatile int done;
    pthread_t thread;
};

void app_qr_drop(app *a)
{
    free(a->qr_stale);
    a->qr_stale = a->qr;
    a->qr = NULL;
    a->qr_size = 0;
}

void app_receipt_prepare(app *a)
{
    char err[256];
    app_qr_drop(a);
    a->have_receipt = receipt_build(a->s, a->c, a->db_path, &a->record, &a->rcpt, err, sizeof err) == 0;
    if (a->have_receipt && receipt_qr(a->rcpt.payload, &a->qr, &a->qr_size) != 0) {
        a->qr = NULL;
        a->qr_size = 0;
    }
    if (!a->have_receipt)
        snprintf(a->print_err, sizeof a->print_err, "%s", err);
}

static void *print_worker(void *arg)
{
    struct app_print_job *j = arg;
    j->rc = receipt_print(&j->r, &j->c, j->err, sizeof j->err);
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void start_job(app *a, const receipt *r)
{
    struct app_print_job *j = calloc(1, sizeof *j);
    if (!j) {
        a->print_state = APP_PRINT_FAILED;
        snprintf(a->print_err, sizeof a->print_err, "sin memoria");
        return;
    }
    j->r = *r;
    j->c = *a->c;
    if (pthread_create(&j->thread, NULL, print_worker, j) != 0) {
        free(j);
        a->print_state = APP_PRINT_FAILED;
        snprintf(a->print_err, sizeof a->print_err, "no se pudo iniciar la impresión");
        return;
    }
    a->job = j;
    a->print_state = APP_PRINT_BUSY;
}

void app_print(app *a)
{
    if (!a->have_receipt) {
        a->print_state = APP_PRINT_FAILED;
        return;
    }
    if (a->job) {
        if (a->nprint_queue >= APP_PRINT_QUEUE) {
            a->print_state = APP_PRINT_FAILED;
            snprintf(a->print_err, sizeof a->print_err, "hay demasiados comprobantes en espera");
            return;
        }
        a->print_queue[a->nprint_queue++] = a->rcpt; /* printed when the printer is free */
        a->print_state = APP_PRINT_BUSY;
        return;
    }
    start_job(a, &a->rcpt);
}

void app_print_wait(app *a)
{
    if (a->job) {
        pthread_join(a->job->thread, NULL);
        free(a->job);
        a->job = NULL;
    }
}

void app_print_poll(app *a)
{
    if (!a->job || !__atomic_load_n(&a->job->done, __ATOMIC_ACQUIRE))
        return;
    int rc = a->job->rc;
    snprintf(a->print_err, sizeof a->print_err, "%s", a->job->err);
    app_print_wait(a);
    if (a->nprint_queue > 0) {
        receipt next = a->print_queue[0];
        a->nprint_queue--;
        memmove(&a->print_queue[0], &a->print_queue[1], sizeof next * (size_t)a->nprint_queue);
        start_job(a, &next);
        if (rc != 0)
            a->print_state = APP_PRINT_FAILED; /* the one that failed is told; the next goes on */
        return;
    }
    a->print_state = rc == 0 ? APP_PRINT_OK : APP_PRINT_FAILED;
}

int app_reprint(app *a, const store_record *r)
{
    a->record = *r;
    a->already = 0;
    a->print_test = 0;
    app_receipt_prepare(a);
    if (!a->have_receipt)
        return -1;
    app_print(a);
    return 0;
}
