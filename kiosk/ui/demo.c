/* demo.c — sample states of every screen for screenshots, the layout
 * checks (tools/screenshots.sh, run --demo / the script's "demo") and
 * --bench: the first person of the roster (or a made-up one), the first
 * open event, and a made-up record, receipt and QR where a screen shows
 * one. Nothing is written to the store.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_int.h"

static int first_person(const store_person *p, void *arg)
{
    *(store_person *)arg = *p;
    return 1;
}

int app_demo(app *a, ui_ctx *u, const char *name)
{
    int sc = app_screen_by_name(name);
    int printfail = strcmp(name, "done-printfail") == 0, pledge = strncmp(name, "pledge-", 7) == 0;
    if (printfail)
        sc = APP_DONE;
    if (pledge)
        sc = app_screen_by_name(name + 7);
    if (strcmp(name, "search") == 0)
        sc = APP_IDENTIFY;
    if (sc < 0)
        return -1;
    app_reset(a, u);
    store_person p;
    memset(&p, 0, sizeof p);
    store_person_each(a->s, NULL, first_person, &p);
    if (!p.employee_no[0]) {
        snprintf(p.employee_no, sizeof p.employee_no, "10234");
        snprintf(p.given_name, sizeof p.given_name, "María José");
        snprintf(p.surname1, sizeof p.surname1, "Peña");
        snprintf(p.surname2, sizeof p.surname2, "Gómez");
        snprintf(p.unit, sizeof p.unit, "%s", a->unit_code);
        snprintf(p.area, sizeof p.area, "Departamento de Salud");
        p.active = 1;
    }
    a->flow = pledge ? APP_FLOW_PLEDGE : APP_FLOW_CHECKIN;
    if (a->nopen > 0) {
        a->event = a->open[0];
        a->have_event = 1;
    } else {
        snprintf(a->event.title, sizeof a->event.title, "Taller: conflicto de intereses");
    }
    a->person = p;
    a->have_person = 1;
    snprintf(a->method, sizeof a->method, "search");
    if (strcmp(name, "search") == 0) {
        a->id_mode = 1;
        snprintf(a->search, sizeof a->search, "%.3s", p.surname1[0] ? p.surname1 : "pe");
    }
    if (sc == APP_GUEST)
        snprintf(a->guest, sizeof a->guest, "Ana Lucía Torres");
    if (sc == APP_DONE || sc == APP_ALREADY) {
        memset(&a->record, 0, sizeof a->record);
        /* A folio like a real one: this kiosk's id and a counter. */
        snprintf(a->record.folio, sizeof a->record.folio, "%s-000123",
                 store_kiosk_id(a->s)[0] ? store_kiosk_id(a->s) : "1VTDMP9");
        a->record.at = u->now_ms / 1000;
        a->have_record = 1;
        a->already = sc == APP_ALREADY;
        snprintf(a->rcpt.payload, sizeof a->rcpt.payload, "CK1:DEMO0RECEIPT0PAYLOAD0FOR0SCREENSHOTS");
        snprintf(a->rcpt.folio, sizeof a->rcpt.folio, "%s", a->record.folio);
        a->have_receipt = 1;
        if (receipt_qr(a->rcpt.payload, &a->qr, &a->qr_size) != 0)
            a->qr = NULL;
        a->print_state = printfail ? APP_PRINT_FAILED : app_has_printer(a) ? APP_PRINT_OK : APP_PRINT_NONE;
        if (a->already) {
            app_qr_drop(a); /* the already screen shows no receipt */
            a->have_receipt = 0;
        }
    }
    if (sc == APP_COORD || sc == APP_COORD_EVENT || sc == APP_COORD_FOLIO)
        app_coord_load(a, u->now_ms);
    if (sc == APP_COORD_EVENT) {
        snprintf(a->form_title, sizeof a->form_title, "Plática: 10 años del Código de Ética");
        a->form_topics = 1;
        a->form_sig = 1;
        a->form_layer = 0;
        a->form_start = 10 * 60 + 30;
    }
    if (sc == APP_COORD_FOLIO)
        snprintf(a->folio, sizeof a->folio, "%s-", store_kiosk_id(a->s)[0] ? store_kiosk_id(a->s) : "1VTDMP9");
    app_goto(a, u, sc);
    if (sc == APP_SIGN) {
        /* A sample signature. */
        a->sig_t0 = u->now_ms;
        (void)0;
    }
    return 0;
}
