/* libFuzzer target: the UTF-8 -> CP858 text conversion and the whole ESC/POS
 * receipt job whose text fields come from the input.
 *
 * Input: byte 0 chooses the paper width (58/80 mm), the size of the
 * conversion buffer, the columns and label of a direct printer_escpos_text
 * call, and whether the whole receipt is rendered too (one byte value in 32:
 * the QR raster makes a job ~30 ms under the sanitizers); the rest is split
 * at NUL bytes into the receipt's text fields (institution, kind, name,
 * employee number, unit, event title, event date, Carta prefix, local time,
 * folio), so control characters, escape sequences and invalid UTF-8 reach
 * every field.
 *
 * Properties:
 *   - the conversion writes a NUL-terminated string shorter than its
 *     buffer, returns its length, and emits no control byte (0x00-0x1F,
 *     0x7F): every byte is printable ASCII or a CP858 letter/symbol;
 *     printable ASCII that fits is copied unchanged;
 *   - the ESC/POS job parses as exactly the command set the receipt module
 *     emits (ESC @, ESC t 19, ESC a 0-2, ESC E 0/1, ESC ! 0/0x18, GS v 0
 *     rasters of the paper width, ESC d 4 + GS V 66 0 once, at the very
 *     end) with only printable text and LF in between: a control byte typed
 *     by a user can never reach the printer raw, start a command, or cut
 *     the paper early;
 *   - a wrapped text block (printer_escpos_text) is only text, LF and the
 *     bold switch around its label;
 *   - no text line is wider than the paper's columns. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"
#include "receipt.h"

/* The QR is not what is fuzzed here, but the job needs one: a short text
 * keeps the raster (most of the time of a job) small. */
static const char PAYLOAD[] = "CK1:FUZZ";

static void check_conversion(const char *in, size_t outlen)
{
    char *out = malloc(outlen);
    if (!out)
        abort();
    memset(out, 0x1B, outlen); /* stale bytes would show as ESC */
    size_t n = printer_utf8_to_cp858(in, out, outlen);
    if (n >= outlen || out[n] != '\0' || strlen(out) != n)
        abort();
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)out[i];
        if (c < 0x20 || c == 0x7F)
            abort(); /* a control byte would be a printer command */
        if (c >= 0x80 && printer_cp858_codepoint(c) < 0xA0)
            abort();
    }
    /* Printable ASCII passes through unchanged. */
    size_t len = strlen(in), k = 0;
    while (k < len && (uint8_t)in[k] >= 0x20 && (uint8_t)in[k] < 0x7F)
        k++;
    if (k == len && len < outlen && (n != len || memcmp(in, out, len) != 0))
        abort();
    free(out);
}

/* Fills dst[cap] with the next NUL-terminated piece of the input. */
static void take(const uint8_t **p, const uint8_t *end, char *dst, size_t cap)
{
    const uint8_t *q = *p;
    size_t n = 0;
    while (q < end && *q) {
        if (n + 1 < cap)
            dst[n++] = (char)*q;
        q++;
    }
    dst[n] = '\0';
    *p = q < end ? q + 1 : q;
}

/* Walks the job; aborts on anything but the receipt module's own commands. */
static void check_job(const uint8_t *b, size_t len, int dots, int cols, int framed)
{
    size_t i = 0, col = 0;
    int cut = 0, rasters = 0;
    if (framed) {
        if (len < 5 || memcmp(b, "\x1b@\x1bt\x13", 5) != 0)
            abort();
        i = 5;
    }
    while (i < len) {
        uint8_t c = b[i];
        if (cut)
            abort(); /* nothing after the cut */
        if (c == 0x1B) {
            if (i + 3 > len)
                abort(); /* every command the module writes has 3+ bytes */
            uint8_t cmd = b[i + 1], n = b[i + 2];
            if ((cmd == 'E' && n <= 1) ||
                (framed && ((cmd == 'a' && n <= 2) || (cmd == '!' && (n == 0 || n == 0x18))))) {
                i += 3;
                continue;
            }
            if (framed && cmd == 'd' && n == 4 && i + 7 == len && memcmp(b + i + 3, "\x1dV\x42\x00", 4) == 0) {
                i += 7;
                cut = 1;
                continue;
            }
            abort(); /* an escape sequence the module never writes */
        }
        if (c == 0x1D) {
            if (!framed || i + 8 > len || b[i + 1] != 'v' || b[i + 2] != '0' || b[i + 3] != 0)
                abort();
            size_t xbytes = (size_t)b[i + 4] | (size_t)b[i + 5] << 8, rows = (size_t)b[i + 6] | (size_t)b[i + 7] << 8;
            if (xbytes != (size_t)dots / 8 || rows == 0 || rows > 255 || col != 0)
                abort();
            i += 8 + xbytes * rows;
            if (i > len)
                abort();
            rasters++;
            continue;
        }
        if (c == '\n') {
            col = 0;
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7F)
            abort(); /* a raw control byte in the text */
        if (++col > (size_t)cols)
            abort(); /* a line wider than the paper */
        i++;
    }
    if (framed && (!cut || rasters == 0))
        abort();
}

/* The labels the receipt prints before a value. */
static const char *const LABELS[] = {NULL, "Nombre:", "No. de empleado:", "Unidad:", "Evento:",
                                     "Fecha del evento:", "Versión de la Carta:", "Registro:"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int width = data[0] & 1 ? 58 : 80;
    int full = (data[0] & 0x3E) == 0;
    size_t outlen = (size_t)data[0] + 1; /* 1..256: tiny buffers too */
    int cols = (data[0] >> 4) * 4 + 4;  /* 4..64; below 8 means 8 */
    const char *label = LABELS[data[0] >> 1 & 7];

    char *all = malloc(size);
    if (!all)
        abort();
    memcpy(all, data + 1, size - 1);
    all[size - 1] = '\0';
    check_conversion(all, outlen);
    check_conversion(all, 4096);

    printer_buf tb;
    uint8_t *job = NULL;
    size_t len = 0;
    printer_buf_init(&tb);
    printer_escpos_text(&tb, label, all, cols);
    /* A line holds cols characters (at least 8), or the label alone when
     * the label is wider (the receipt's labels all fit 32 columns). */
    char lab[64];
    size_t lablen = label ? printer_utf8_to_cp858(label, lab, sizeof lab) : 0;
    size_t room = cols < 8 ? 8 : (size_t)cols;
    if (lablen > room)
        room = lablen;
    if (printer_buf_take(&tb, &job, &len) == 0)
        check_job(job, len, 0, (int)room, 0);
    else if (len != 0)
        abort();
    free(job);
    free(all);
    if (!full)
        return 0;

    receipt *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    const uint8_t *p = data + 1, *end = data + size;
    take(&p, end, r->institution, sizeof r->institution);
    take(&p, end, r->kind, sizeof r->kind);
    take(&p, end, r->name, sizeof r->name);
    take(&p, end, r->employee_no, sizeof r->employee_no);
    take(&p, end, r->unit_name, sizeof r->unit_name);
    take(&p, end, r->event_title, sizeof r->event_title);
    take(&p, end, r->event_date, sizeof r->event_date);
    take(&p, end, r->carta_prefix, sizeof r->carta_prefix);
    take(&p, end, r->local_time, sizeof r->local_time);
    take(&p, end, r->folio, sizeof r->folio);
    memcpy(r->payload, PAYLOAD, sizeof PAYLOAD);

    if (receipt_escpos(r, width, &job, &len) != 0)
        abort(); /* text never makes the job fail */
    check_job(job, len, width == 58 ? PRINTER_DOTS_58 : PRINTER_DOTS_80,
              width == 58 ? PRINTER_COLS_58 : PRINTER_COLS_80, 1);
    free(job);
    free(r);
    return 0;
}
