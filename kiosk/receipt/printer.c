/* printer.c — ESC/POS encoding, CP858 text and printer transports (see
 * printer.h). */
#include "printer.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>

/* ---- buffer ---- */

void printer_buf_init(printer_buf *b)
{
    memset(b, 0, sizeof *b);
}

void printer_buf_free(printer_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void printer_buf_put(printer_buf *b, const void *p, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

int printer_buf_take(printer_buf *b, uint8_t **out, size_t *len)
{
    if (b->failed || !b->data) {
        printer_buf_free(b);
        *out = NULL;
        *len = 0;
        return -1;
    }
    *out = b->data;
    *len = b->len;
    memset(b, 0, sizeof *b);
    return 0;
}

/* ---- CP858 ---- */

/* Unicode code points of CP858 bytes 0x80..0xFF (CP850 with 0xD5 = euro). */
static const uint16_t CP858_HIGH[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, /* 80 */
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, /* 90 */
    0x00FF, 0x00D6, 0x00DC, 0x00F8, 0x00A3, 0x00D8, 0x00D7, 0x0192,
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, /* A0 */
    0x00BF, 0x00AE, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00C1, 0x00C2, 0x00C0, /* B0 */
    0x00A9, 0x2563, 0x2551, 0x2557, 0x255D, 0x00A2, 0x00A5, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x00E3, 0x00C3, /* C0 */
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x00A4,
    0x00F0, 0x00D0, 0x00CA, 0x00CB, 0x00C8, 0x20AC, 0x00CD, 0x00CE, /* D0 */
    0x00CF, 0x2518, 0x250C, 0x2588, 0x2584, 0x00A6, 0x00CC, 0x2580,
    0x00D3, 0x00DF, 0x00D4, 0x00D2, 0x00F5, 0x00D5, 0x00B5, 0x00FE, /* E0 */
    0x00DE, 0x00DA, 0x00DB, 0x00D9, 0x00FD, 0x00DD, 0x00AF, 0x00B4,
    0x00AD, 0x00B1, 0x2017, 0x00BE, 0x00B6, 0x00A7, 0x00F7, 0x00B8, /* F0 */
    0x00B0, 0x00A8, 0x00B7, 0x00B9, 0x00B3, 0x00B2, 0x25A0, 0x00A0,
};

uint32_t printer_cp858_codepoint(uint8_t c)
{
    return c < 0x80 ? c : CP858_HIGH[c - 0x80];
}

/* CP858 byte for a code point: 0 to drop it, '?' when unmappable. */
static unsigned char cp858_byte(uint32_t cp)
{
    if (cp == '\t')
        return ' ';
    if (cp >= 0x20 && cp < 0x7F)
        return (unsigned char)cp;
    if (cp >= 0x0300 && cp <= 0x036F)
        return 0; /* combining accent: drop rather than print '?' */
    switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x2032: return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x2033: return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212: return '-';
    case 0x2026: return '.';
    default: break;
    }
    if (cp >= 0xA0)
        for (int i = 0; i < 128; i++)
            if (CP858_HIGH[i] == cp)
                return (unsigned char)(0x80 + i);
    return '?';
}

/* Converts in[0..len) to CP858 into out[outlen] (NUL-terminated) and
 * returns the length written; with out NULL only counts the bytes (the
 * printer columns) the text takes. */
static size_t cp858_convert(const char *in, size_t len, char *out, size_t outlen)
{
    size_t i = 0, o = 0;
    if (out && outlen == 0)
        return 0;
    while (i < len && (!out || o + 1 < outlen)) {
        uint32_t cp;
        size_t k = text_utf8_decode(in + i, len - i, &cp);
        i += k ? k : 1; /* an invalid byte: cp is U+FFFD, printed '?' */
        unsigned char b = cp858_byte(cp);
        if (b && out)
            out[o] = (char)b;
        o += b != 0;
    }
    if (out)
        out[o] = '\0';
    return o;
}

size_t printer_utf8_to_cp858(const char *in, char *out, size_t outlen)
{
    return cp858_convert(in, strlen(in), out, outlen);
}

/* ---- ESC/POS ---- */

static void put3(printer_buf *b, int a, int c, int n)
{
    uint8_t cmd[3] = {(uint8_t)a, (uint8_t)c, (uint8_t)n};
    printer_buf_put(b, cmd, 3);
}

void printer_escpos_init(printer_buf *b)
{
    static const uint8_t init[] = {0x1B, '@', 0x1B, 't', PRINTER_CODEPAGE_PC858};
    printer_buf_put(b, init, sizeof init);
}

void printer_escpos_align(printer_buf *b, int align)
{
    put3(b, 0x1B, 'a', align);
}

void printer_escpos_bold(printer_buf *b, int on)
{
    put3(b, 0x1B, 'E', on ? 1 : 0);
}

void printer_escpos_mode(printer_buf *b, int mode)
{
    put3(b, 0x1B, '!', mode);
}

/* The text engine's measure: printer columns (one per CP858 byte). */
static double cp858_columns(const char *s, size_t len, void *ctx)
{
    (void)ctx;
    return (double)cp858_convert(s, len, NULL, 0);
}

/* Converts text[0..len) to CP858 and appends it as one printed line. */
static void put_line(printer_buf *b, const char *text, size_t len)
{
    char line[2048];
    size_t n = cp858_convert(text, len, line, sizeof line);
    printer_buf_put(b, line, n);
    printer_buf_put(b, "\n", 1);
}

void printer_escpos_text(printer_buf *b, const char *label, const char *utf8, int cols)
{
    const char *text = utf8 ? utf8 : "";
    char lab[256];
    size_t len = strlen(text), pos = 0, used = 0; /* columns already taken on the current line */
    text_line line;
    if (cols < 8)
        cols = 8;
    if (label && *label) {
        size_t ln = printer_utf8_to_cp858(label, lab, sizeof lab);
        printer_escpos_bold(b, 1);
        printer_buf_put(b, lab, ln);
        printer_escpos_bold(b, 0);
        used = ln;
        if (used + 1 >= (size_t)cols) {
            printer_buf_put(b, "\n", 1);
            used = 0;
        } else {
            printer_buf_put(b, " ", 1);
            used++;
        }
        /* The value starts after the label unless its first word would be
         * cut there: then it starts on a fresh line. */
        if (used > 0) {
            size_t p = pos;
            if (text_wrap_next(text, len, &p, (double)cols - (double)used, cp858_columns, NULL, &line) &&
                !line.cut) {
                put_line(b, text + line.off, line.len);
                pos = p;
            } else {
                printer_buf_put(b, "\n", 1); /* a cut first word, or an empty value */
            }
        }
    }
    while (text_wrap_next(text, len, &pos, (double)cols, cp858_columns, NULL, &line))
        put_line(b, text + line.off, line.len);
}

void printer_escpos_raster(printer_buf *b, const unsigned char *bits, int width, int height)
{
    int xbytes = (width + 7) / 8;
    uint8_t *row = malloc((size_t)xbytes);
    if (!row) {
        b->failed = 1;
        return;
    }
    for (int y0 = 0; y0 < height; y0 += 255) {
        int rows = height - y0 > 255 ? 255 : height - y0;
        uint8_t hdr[8] = {0x1D, 'v', '0', 0, (uint8_t)(xbytes & 0xFF), (uint8_t)(xbytes >> 8),
                          (uint8_t)(rows & 0xFF), (uint8_t)(rows >> 8)};
        printer_buf_put(b, hdr, sizeof hdr);
        for (int y = y0; y < y0 + rows; y++) {
            memset(row, 0, (size_t)xbytes);
            for (int x = 0; x < width; x++)
                if (bits[(size_t)y * (size_t)width + (size_t)x])
                    row[x / 8] |= (uint8_t)(0x80 >> (x % 8));
            printer_buf_put(b, row, (size_t)xbytes);
        }
    }
    free(row);
}

int printer_escpos_picture(printer_buf *b, const uint32_t *argb, int w, int h, int stride, int paper_dots)
{
    /* Bayer 4x4 thresholds, scaled to 0..255 (a dot is black when the
     * paper-composited luminance is below its cell's threshold). */
    static const int bayer[4][4] = {{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};
    if (!argb || w <= 0 || h <= 0 || w > paper_dots || stride < w * 4 || b->failed)
        return -1;
    unsigned char *bits = calloc((size_t)paper_dots * (size_t)h, 1);
    if (!bits)
        return -1;
    int x0 = (paper_dots - w) / 2;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)((const unsigned char *)argb + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            uint32_t p = row[x], white = 255 - (p >> 24);
            /* Premultiplied over white: c + (1 - alpha) * 255. */
            uint32_t r = (p >> 16 & 255) + white, g = (p >> 8 & 255) + white, bl = (p & 255) + white;
            r = r > 255 ? 255 : r;
            g = g > 255 ? 255 : g;
            bl = bl > 255 ? 255 : bl;
            int luma = (int)((299 * r + 587 * g + 114 * bl) / 1000);
            if (luma * 16 < bayer[y & 3][x & 3] * 255 + 128)
                bits[(size_t)y * (size_t)paper_dots + (size_t)(x0 + x)] = 1;
        }
    }
    printer_escpos_raster(b, bits, paper_dots, h);
    free(bits);
    return 0;
}

void printer_escpos_feed_cut(printer_buf *b, int lines)
{
    put3(b, 0x1B, 'd', lines);
    uint8_t cut[4] = {0x1D, 'V', 66, 0};
    printer_buf_put(b, cut, sizeof cut);
}

/* ---- transports ---- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before deadline (>= 0). */
static int left_ms(int64_t deadline)
{
    int64_t l = deadline - now_ms();
    return l < 0 ? 0 : l > 60000 ? 60000 : (int)l;
}

/* Writes all of data to the non-blocking fd. Each wait is bounded by
 * stall_ms and the whole job by the total deadline. Returns 0, or -1 with
 * errno (ETIMEDOUT when the other side stopped taking bytes). */
static int write_all(int fd, const uint8_t *data, size_t len, int is_socket, int stall_ms, int64_t deadline)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = is_socket ? send(fd, data + off, len - off, MSG_NOSIGNAL) : write(fd, data + off, len - off);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return -1;
        int wait = left_ms(deadline);
        if (wait > stall_ms)
            wait = stall_ms;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int r = wait > 0 ? poll(&p, 1, wait) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (p.revents & (POLLERR | POLLHUP) && !(p.revents & POLLOUT)) {
            errno = EPIPE;
            return -1;
        }
    }
    return 0;
}

static int send_file(const char *path, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    int rc = -1, flags = O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
    /* A missing device must fail, not quietly become a regular file. */
    if (strncmp(path, "/dev/", 5) != 0)
        flags |= O_CREAT | O_APPEND;
    int fd = open(path, flags, 0600);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
            snprintf(err, errlen, "no se encuentra la impresora %s; revise que esté conectada y encendida", path);
        else
            snprintf(err, errlen, "no se puede abrir la impresora %s: %s", path, strerror(errno));
        return -1;
    }
    if (write_all(fd, data, len, 0, PRINTER_STALL_TIMEOUT_MS, now_ms() + PRINTER_TOTAL_TIMEOUT_MS) != 0) {
        if (errno == ETIMEDOUT)
            snprintf(err, errlen, "la impresora %s no responde; revise el papel y que esté encendida", path);
        else
            snprintf(err, errlen, "error al enviar a la impresora %s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    close(fd);
    return rc;
}

/* The options after '?' in an escpos+tcp:// or cups: URI. */
typedef struct uri_opts {
    int status;     /* escpos+tcp: ask the printer for its paper status */
    int timeout_ms; /* how long the printer (or lp) may keep us waiting */
} uri_opts;

/* 1 if the option q[0..n) is exactly text. */
static int opt_is(const char *q, size_t n, const char *text)
{
    return strlen(text) == n && strncmp(q, text, n) == 0;
}

/* Parses "NAME=VALUE[&NAME=VALUE...]" (q may be NULL: no options) into o,
 * which holds the defaults on entry. status= is known only with tcp.
 * Returns 0, or -1 with a one-line Spanish reason in err. */
static int parse_opts(const char *q, int tcp, uri_opts *o, char *err, size_t errlen)
{
    while (q) {
        size_t n = strcspn(q, "&");
        if (tcp && (opt_is(q, n, "status=off") || opt_is(q, n, "status=0"))) {
            o->status = 0;
        } else if (tcp && (opt_is(q, n, "status=on") || opt_is(q, n, "status=1"))) {
            o->status = 1;
        } else if (n >= 8 && strncmp(q, "timeout=", 8) == 0) {
            size_t digits = strspn(q + 8, "0123456789");
            long ms = digits == n - 8 && digits >= 1 && digits <= 6 ? strtol(q + 8, NULL, 10) : -1;
            if (ms < PRINTER_MIN_TIMEOUT_MS || ms > PRINTER_TOTAL_TIMEOUT_MS) {
                snprintf(err, errlen, "tiempo de espera de impresora no válido: '%.*s' (use de %d a %d ms)", (int)n,
                         q, PRINTER_MIN_TIMEOUT_MS, PRINTER_TOTAL_TIMEOUT_MS);
                return -1;
            }
            o->timeout_ms = (int)ms;
        } else {
            snprintf(err, errlen, "opción de impresora no reconocida: '%.*s' (use %stimeout=MS)", (int)n, q,
                     tcp ? "status=off o " : "");
            return -1;
        }
        q = q[n] ? q + n + 1 : NULL;
    }
    return 0;
}

/* Splits "HOST[:PORT]" or "[V6]:PORT" (an optional trailing '/' ignored). */
static int parse_hostport(const char *s, char *host, size_t hostlen, char *port, size_t portlen)
{
    const char *end = s + strcspn(s, "/?"), *colon;
    if (*s == '[') {
        const char *close = memchr(s, ']', (size_t)(end - s));
        if (!close || (size_t)(close - s - 1) >= hostlen)
            return -1;
        snprintf(host, hostlen, "%.*s", (int)(close - s - 1), s + 1);
        colon = close[1] == ':' ? close + 1 : NULL;
    } else {
        colon = memchr(s, ':', (size_t)(end - s));
        size_t hl = (size_t)((colon ? colon : end) - s);
        if (hl >= hostlen)
            return -1;
        snprintf(host, hostlen, "%.*s", (int)hl, s);
    }
    if (colon) {
        size_t pl = (size_t)(end - colon - 1);
        if (pl == 0 || pl >= portlen || strspn(colon + 1, "0123456789") < pl)
            return -1;
        snprintf(port, portlen, "%.*s", (int)pl, colon + 1);
    } else {
        snprintf(port, portlen, "9100");
    }
    return host[0] ? 0 : -1;
}

/* Connects a non-blocking TCP socket within timeout_ms. Returns the fd, or
 * -1 with err filled. */
static int tcp_connect(const char *host, const char *port, int timeout_ms, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    int g = getaddrinfo(host, port, &hints, &ai);
    if (g != 0) {
        snprintf(err, errlen, "no se encuentra la impresora de red %s: %s", host, gai_strerror(g));
        return -1;
    }
    int fd = -1, e = 0;
    int64_t deadline = now_ms() + timeout_ms;
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        /* A small send buffer keeps our side from swallowing the job: when
         * the printer stops reading, writes stall and the drain check below
         * sees bytes that never leave. */
        int sndbuf = 4096, one = 1;
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        if (errno == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int r;
            do
                r = poll(&p, 1, left_ms(deadline));
            while (r < 0 && errno == EINTR);
            socklen_t sl = sizeof e;
            if (r == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == 0 && e == 0)
                break;
            if (r == 0)
                e = ETIMEDOUT;
        } else {
            e = errno;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0) {
        if (e == ECONNREFUSED)
            snprintf(err, errlen, "la impresora de red %s:%s rechaza la conexión; revise que esté encendida", host,
                     port);
        else if (e == ETIMEDOUT)
            snprintf(err, errlen, "la impresora de red %s:%s no contesta; revise el cable y que esté encendida",
                     host, port);
        else
            snprintf(err, errlen, "no se puede conectar con la impresora %s:%s: %s", host, port, strerror(e));
    }
    return fd;
}

/* After the job, asks the printer for its paper-roll status (DLE EOT 4, a
 * real-time command answered once the printer has read everything before
 * it). A printer that never reads never answers, even when its receive
 * buffer was large enough to swallow the whole job. Returns 0 when the
 * printer answered with paper within stall_ms, -1 with errno ETIMEDOUT (no
 * answer), ENOSPC (paper end) or another error. */
static int tcp_status(int fd, int stall_ms, int64_t deadline)
{
    static const uint8_t query[] = {0x10, 0x04, 0x04};
    if (write_all(fd, query, sizeof query, 1, stall_ms, deadline) != 0)
        return -1;
    int64_t until = now_ms() + stall_ms;
    if (until > deadline)
        until = deadline;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, left_ms(until));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            errno = r == 0 ? ETIMEDOUT : errno;
            return -1;
        }
        uint8_t st[64];
        ssize_t n = recv(fd, st, sizeof st, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            errno = n == 0 ? ECONNRESET : errno;
            return -1;
        }
        /* Status bytes have bit 1 and 4 set, bits 0 and 7 clear; the last
         * one answers our query. Bits 5-6: paper end detected. */
        uint8_t b = st[n - 1];
        if ((b & 0x93) == 0x12 && (b & 0x60)) {
            errno = ENOSPC;
            return -1;
        }
        return 0;
    }
}

static int send_tcp(const char *hostport, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    char host[256], port[16];
    int rc = -1;
    const char *q = strchr(hostport, '?');
    uri_opts o = {.status = 1, .timeout_ms = PRINTER_STALL_TIMEOUT_MS};
    if (parse_hostport(hostport, host, sizeof host, port, sizeof port) != 0) {
        snprintf(err, errlen, "dirección de impresora no válida: escpos+tcp://%s", hostport);
        return -1;
    }
    if (parse_opts(q ? q + 1 : NULL, 1, &o, err, errlen) != 0)
        return -1;
    int fd = tcp_connect(host, port, o.timeout_ms, err, errlen);
    if (fd < 0)
        return -1;
    int64_t deadline = now_ms() + PRINTER_TOTAL_TIMEOUT_MS;
    if (write_all(fd, data, len, 1, o.timeout_ms, deadline) != 0)
        goto fail;
    /* Every byte is in our (small) send queue; wait until the printer has
     * acknowledged it all. A printer whose buffer is full keeps its window
     * closed and the queue never drains; progress restarts the stall clock. */
    int outq = -1, last = -1;
    int64_t stall = now_ms() + o.timeout_ms;
    for (;;) {
        if (ioctl(fd, SIOCOUTQ, &outq) != 0)
            goto fail;
        if (outq == 0)
            break;
        if (outq != last) {
            last = outq;
            stall = now_ms() + o.timeout_ms;
        }
        if (now_ms() >= stall || now_ms() >= deadline) {
            errno = ETIMEDOUT;
            goto fail;
        }
        struct pollfd p = {.fd = fd, .events = 0};
        if (poll(&p, 1, 10) > 0 && (p.revents & (POLLERR | POLLHUP))) {
            errno = EPIPE;
            goto fail;
        }
    }
    if (o.status && tcp_status(fd, o.timeout_ms, deadline) != 0)
        goto fail;
    shutdown(fd, SHUT_WR);
    rc = 0;
    goto out;
fail:
    if (errno == ETIMEDOUT)
        snprintf(err, errlen, "la impresora de red %s:%s no recibe datos; revise el papel y que esté encendida", host,
                 port);
    else if (errno == ENOSPC)
        snprintf(err, errlen, "la impresora %s:%s no tiene papel; cambie el rollo y reimprima", host, port);
    else
        snprintf(err, errlen, "error al enviar a la impresora %s:%s: %s", host, port, strerror(errno));
out:
    close(fd);
    return rc;
}

/* Finds an executable named prog in $PATH into out. Returns 0 or -1. */
static int find_program(const char *prog, char *out, size_t outlen)
{
    char buf[4096];
    util_env_lock(); /* time-zone conversions may change the environment */
    const char *env = getenv("PATH");
    snprintf(buf, sizeof buf, "%s", env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
    util_env_unlock();
    const char *path = buf;
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(out, outlen, "%.*s/%s", (int)n, n ? path : ".", prog);
        if (access(out, X_OK) == 0)
            return 0;
        path += n + (path[n] == ':');
    }
    return -1;
}

/* Runs `lp -d QUEUE -o raw` with the job on its stdin, without a shell,
 * bounded by the lp timeout; spec is "QUEUE[?timeout=MS]". */
static int send_cups(const char *spec, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    char lp[4096], msg[512] = "", queue[128];
    int in[2] = {-1, -1}, errp[2] = {-1, -1}, rc = -1, status = 0;
    size_t msglen = 0, ql = strcspn(spec, "?");
    pid_t pid = -1;
    uri_opts o = {.status = 0, .timeout_ms = PRINTER_LP_TIMEOUT_MS};
    if (!ql || spec[0] == '-' || ql >= sizeof queue || strcspn(spec, " \t\r\n/") < ql) {
        snprintf(err, errlen, "nombre de cola de impresión no válido: cups:%s", spec);
        return -1;
    }
    snprintf(queue, sizeof queue, "%.*s", (int)ql, spec);
    if (parse_opts(spec[ql] ? spec + ql + 1 : NULL, 0, &o, err, errlen) != 0)
        return -1;
    if (find_program("lp", lp, sizeof lp) != 0) {
        snprintf(err, errlen, "no se encuentra el programa lp (instale cups-client)");
        return -1;
    }
    if (pipe(in) != 0 || pipe(errp) != 0) {
        snprintf(err, errlen, "no se puede crear un canal para lp: %s", strerror(errno));
        goto out;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(in[i], F_SETFD, FD_CLOEXEC);
        fcntl(errp[i], F_SETFD, FD_CLOEXEC);
    }
    util_env_lock(); /* the child's copy of the environment must be whole */
    pid = fork();
    if (pid != 0)
        util_env_unlock();
    if (pid < 0) {
        snprintf(err, errlen, "no se puede ejecutar lp: %s", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        int devnull = open("/dev/null", O_WRONLY);
        if (dup2(in[0], 0) < 0 || dup2(errp[1], 2) < 0 || devnull < 0 || dup2(devnull, 1) < 0)
            _exit(126);
        char *argv[] = {"lp", "-d", (char *)queue, "-o", "raw", NULL};
        execv(lp, argv);
        _exit(127);
    }
    close(in[0]);
    close(errp[1]);
    in[0] = errp[1] = -1;
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    int64_t deadline = now_ms() + o.timeout_ms;
    if (write_all(in[1], data, len, 0, o.timeout_ms, deadline) != 0) {
        int e = errno;
        snprintf(err, errlen, e == ETIMEDOUT ? "lp no responde (cola %s)" : "lp terminó antes de recibir el trabajo (cola %s)",
                 queue);
        goto out;
    }
    close(in[1]);
    in[1] = -1;
    /* Wait for lp to finish, collecting its first words of complaint. */
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            pid = -1;
            break;
        }
        if (left_ms(deadline) == 0) {
            snprintf(err, errlen, "lp no terminó a tiempo (cola %s)", queue);
            goto out;
        }
        struct pollfd p = {.fd = errp[0], .events = POLLIN};
        if (poll(&p, 1, 20) > 0) {
            ssize_t r = read(errp[0], msg + msglen, sizeof msg - 1 - msglen);
            if (r > 0)
                msglen += (size_t)r;
            msg[msglen] = '\0';
        }
    }
    ssize_t r = read(errp[0], msg + msglen, sizeof msg - 1 - msglen);
    if (r > 0)
        msglen += (size_t)r;
    msg[msglen] = '\0';
    msg[strcspn(msg, "\r\n")] = '\0';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            snprintf(err, errlen, "no se puede ejecutar %s", lp);
        else
            snprintf(err, errlen, "la cola de impresión %s rechazó el trabajo: %s", queue,
                     msg[0] ? msg : "lp falló");
        goto out;
    }
    rc = 0;
out:
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    return rc;
}

int printer_send(const char *uri, const void *data, size_t len, char *err, size_t errlen)
{
    if (strncmp(uri, "escpos+file:", 12) == 0 && uri[12])
        return send_file(uri + 12, data, len, err, errlen);
    if (strncmp(uri, "escpos+tcp://", 13) == 0)
        return send_tcp(uri + 13, data, len, err, errlen);
    if (strncmp(uri, "cups:", 5) == 0)
        return send_cups(uri + 5, data, len, err, errlen);
    snprintf(err, errlen, "impresora no reconocida '%s' (use escpos+file:, escpos+tcp://, cups:, png: o none)", uri);
    return -1;
}
