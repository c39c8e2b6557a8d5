/* printer.h — ESC/POS job encoding, UTF-8 to CP858 text, and the transports
 * that carry a job to a receipt printer (SPEC "Receipts", printers).
 *
 * A job is built in a printer_buf (a growable byte buffer whose allocation
 * failures are sticky: check printer_buf.failed once at the end). The
 * transports send finished bytes; they never block longer than their
 * timeouts, so a printer that is off, missing or stalled costs a few seconds
 * and an error line, never a hang. */
#ifndef CK_PRINTER_H
#define CK_PRINTER_H

#include <stddef.h>
#include <stdint.h>

/* Epson ESC t number of code page PC858 (PC850 with the euro sign). */
#define PRINTER_CODEPAGE_PC858 19

/* Printable dots per line and font A columns of the two paper widths. */
#define PRINTER_DOTS_58 384
#define PRINTER_DOTS_80 576
#define PRINTER_COLS_58 32
#define PRINTER_COLS_80 48

/* Default time limits (milliseconds); ?timeout=MS in the printer URI
 * replaces the first three for one printer. */
#define PRINTER_CONNECT_TIMEOUT_MS 3000 /* TCP connect */
#define PRINTER_STALL_TIMEOUT_MS 3000   /* no byte accepted, or no status answer, for this long: stalled */
#define PRINTER_LP_TIMEOUT_MS 5000      /* lp (cups:) takes the job and finishes */
#define PRINTER_TOTAL_TIMEOUT_MS 15000  /* hard cap for one job; the largest ?timeout= */
#define PRINTER_MIN_TIMEOUT_MS 100      /* the smallest ?timeout= */

typedef struct printer_buf {
    uint8_t *data;  /* malloc'd; owned by the buffer */
    size_t len, cap;
    int failed;     /* 1 after any allocation failure; later appends are no-ops */
} printer_buf;

/* An empty buffer (no allocation yet). */
void printer_buf_init(printer_buf *b);
/* Frees the bytes and resets the buffer. */
void printer_buf_free(printer_buf *b);
/* Appends n bytes. */
void printer_buf_put(printer_buf *b, const void *p, size_t n);
/* Hands the bytes to the caller (*out malloc'd, caller frees). Returns 0, or
 * -1 (and frees the buffer) if any append failed. The buffer is left empty. */
int printer_buf_take(printer_buf *b, uint8_t **out, size_t *len);

/* Converts UTF-8 text to CP858 into out[outlen] (NUL-terminated; one byte
 * per character). Characters without a CP858 code, control characters and
 * invalid UTF-8 become '?'; typographic quotes and dashes become their ASCII
 * look-alikes; combining accents are dropped. Returns the length written. */
size_t printer_utf8_to_cp858(const char *in, char *out, size_t outlen);

/* The Unicode code point of CP858 byte c (c >= 0x80 uses the table). */
uint32_t printer_cp858_codepoint(uint8_t c);

/* ---- ESC/POS commands (Epson TM compatible) ---- */

/* ESC @ (initialise) then ESC t 19 (PC858). */
void printer_escpos_init(printer_buf *b);
/* ESC a n: 0 left, 1 centre, 2 right. */
void printer_escpos_align(printer_buf *b, int align);
/* ESC E n: emphasised (bold) on or off. */
void printer_escpos_bold(printer_buf *b, int on);
/* ESC ! n: print mode (0x08 bold, 0x10 double height, 0x20 double width). */
void printer_escpos_mode(printer_buf *b, int mode);
/* Prints UTF-8 text word-wrapped to cols columns, converted to CP858, each
 * line ended by LF. With label (may be NULL) the first line starts with the
 * label in bold followed by a space, and the value wraps after it. */
void printer_escpos_text(printer_buf *b, const char *label, const char *utf8, int cols);
/* A 1-bit image as GS v 0 raster commands (bands of at most 255 rows).
 * bits is row-major, one byte per dot (non-zero = black), width x height;
 * the width is padded to whole bytes with white. */
void printer_escpos_raster(printer_buf *b, const unsigned char *bits, int width, int height);
/* A picture (e.g. the institution logo) as a GS v 0 raster through
 * printer_escpos_raster, paper_dots wide with the picture centred in it.
 * argb holds w x h pixels in cairo's CAIRO_FORMAT_ARGB32 layout (native-
 * endian 32-bit 0xAARRGGBB, premultiplied alpha), stride bytes per row; it
 * is laid on white paper and turned to 1 bit with a 4x4 ordered dither
 * (black and white stay exact, greys become patterns). The picture is not
 * scaled: the caller sizes it (at most paper_dots wide). Returns 0, or -1
 * with nothing emitted for an empty or too wide picture or no memory. */
int printer_escpos_picture(printer_buf *b, const uint32_t *argb, int w, int h, int stride, int paper_dots);
/* ESC d n (feed n lines) then GS V 66 0 (feed to the cutter, partial cut). */
void printer_escpos_feed_cut(printer_buf *b, int lines);

/* ---- transports ---- */

/* Sends a finished job to the printer named by uri:
 *   escpos+file:PATH        a device or file (created 0600 and appended to
 *                           unless PATH is under /dev/)
 *   escpos+tcp://HOST[:PORT][?OPTIONS]
 *                           raw TCP (port 9100 by default). After the job
 *                           the printer is asked for its paper status
 *                           (DLE EOT 4): no answer within the stall timeout
 *                           or "paper end" fails the job. status=off skips
 *                           the question for printers without a back channel
 *                           (then only a closed TCP window is detected).
 *   cups:QUEUE[?OPTIONS]    a raw job through `lp -d QUEUE -o raw`
 * OPTIONS are NAME=VALUE joined by '&': status=off|on (TCP only) and
 * timeout=MS (PRINTER_MIN_TIMEOUT_MS..PRINTER_TOTAL_TIMEOUT_MS), which
 * replaces the connect and stall timeouts for TCP and the lp timeout for
 * cups: (e.g. escpos+tcp://10.0.0.5:9100?timeout=1500&status=off).
 * Returns 0 once every byte has been accepted by the printer (for TCP: the
 * send queue has drained and the printer answered its status), or -1 with
 * a one-line Spanish reason in err (an unknown option or a bad timeout
 * included), within about PRINTER_CONNECT_TIMEOUT_MS +
 * PRINTER_STALL_TIMEOUT_MS (twice the timeout= given) when the printer is
 * missing, off or stalled. Needs SIGPIPE ignored for cups:. */
int printer_send(const char *uri, const void *data, size_t len, char *err, size_t errlen);

#endif
