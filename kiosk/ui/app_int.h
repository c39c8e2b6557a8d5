/* app_int.h — private to the app (app.c, app_print.c, demo.c): what the
 * state machine calls in the print worker. The screens use app.h only. */
#ifndef CK_APP_INT_H
#define CK_APP_INT_H

#include "app.h"

/* Builds the receipt and the QR of a->record (a->rcpt, a->qr); on failure
 * a->have_receipt is 0 and a->print_err says why. Does not print. */
void app_receipt_prepare(app *a);
/* Lets go of the QR on screen. This frame's draw commands may still point
 * at it (a screen can reset the app mid-frame), so it is freed at the start
 * of the next frame (app_frame), not now. */
void app_qr_drop(app *a);
/* Once per frame: collects a finished print job into a->print_state and
 * starts the one waiting, if any. Never blocks. */
void app_print_poll(app *a);
/* Waits for the print job in progress, if any, and frees it. */
void app_print_wait(app *a);
/* The background sync with the central (app_sync.c): started by app_new
 * when [central] url is set, stopped by app_free. */
void app_sync_start(app *a);
void app_sync_stop(app *a);

#endif
