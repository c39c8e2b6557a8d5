/* test_printer.c — CP858 conversion (checked against glibc iconv), ESC/POS
 * text wrapping, and the transports: a file, a TCP printer on 127.0.0.1 (a
 * forked child), a port with nothing listening, a printer that never reads,
 * and CUPS through a stand-in `lp` on PATH. Stalls use a short ?timeout=
 * to keep the suite quick, except one that checks the default. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <iconv.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "printer.h"
#include "util.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CP858 bytes to UTF-8 with iconv, an implementation independent of ours. */
static void iconv_cp858(const char *in, size_t len, char *out, size_t outlen)
{
    iconv_t cd = iconv_open("UTF-8", "CP858");
    assert_true(cd != (iconv_t)-1);
    char *ip = (char *)in, *op = out;
    size_t il = len, ol = outlen - 1;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    *op = '\0';
    iconv_close(cd);
}

static void test_cp858_table(void **state)
{
    (void)state;
    for (int c = 0x20; c < 0x100; c++) {
        if (c == 0x7F)
            continue;
        char byte[1] = {(char)c}, utf8[8], back[8];
        iconv_cp858(byte, 1, utf8, sizeof utf8);
        /* Our table agrees with iconv ... */
        uint32_t cp = printer_cp858_codepoint((uint8_t)c);
        char mine[8];
        int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
        if (n == 1) mine[0] = (char)cp;
        else if (n == 2) mine[0] = (char)(0xC0 | cp >> 6), mine[1] = (char)(0x80 | (cp & 63));
        else mine[0] = (char)(0xE0 | cp >> 12), mine[1] = (char)(0x80 | (cp >> 6 & 63)), mine[2] = (char)(0x80 | (cp & 63));
        mine[n] = '\0';
        if (strcmp(mine, utf8) != 0)
            fail_msg("CP858 0x%02X: table says U+%04X, iconv says %s", c, (unsigned)cp, utf8);
        /* ... and the conversion maps the character back to its byte. */
        if (c == 0xF0 || c == 0xFF)
            continue; /* soft hyphen / no-break space: also fine, but not printed as such */
        assert_int_equal(printer_utf8_to_cp858(utf8, back, sizeof back), 1);
        assert_int_equal((unsigned char)back[0], c);
    }
}

static void test_cp858_text(void **state)
{
    (void)state;
    char out[256], utf8[512];
    const char *spanish = "Peña Íñiguez, ¿Cómo está? Ética, Órgano, Último, €5, «años» ü";
    size_t n = printer_utf8_to_cp858(spanish, out, sizeof out);
    iconv_cp858(out, n, utf8, sizeof utf8);
    assert_string_equal(utf8, spanish);
    /* Unmappable, control and invalid bytes become '?', never raw bytes. */
    n = printer_utf8_to_cp858("漢\x1b@\x01x\xff\xc3", out, sizeof out);
    assert_string_equal(out, "??@?x??"); /* 漢 ESC @ SOH x 0xFF 0xC3 */
    /* Look-alikes and combining accents. */
    printer_utf8_to_cp858("“Hola” – Jose\xcc\x81", out, sizeof out);
    assert_string_equal(out, "\"Hola\" - Jose");
    /* Truncation keeps the buffer terminated. */
    assert_int_equal(printer_utf8_to_cp858("ñññññ", out, 4), 3);
    assert_int_equal((unsigned char)out[0], 0xA4);
}

static void test_text_wrap(void **state)
{
    (void)state;
    printer_buf b;
    printer_buf_init(&b);
    printer_escpos_text(&b, "Evento:", "Taller de sensibilización sobre la Nueva Ética Pública y conflicto de "
                                       "intereses, edición supercalifragilisticoexpialidoso-largo",
                        32);
    assert_false(b.failed);
    /* Strip the bold commands, then check every line fits 32 columns. */
    char text[1024];
    size_t t = 0;
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == 0x1B) {
            assert_int_equal(b.data[i + 1], 'E');
            i += 2;
            continue;
        }
        text[t++] = (char)b.data[i];
    }
    text[t] = '\0';
    int lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        assert_true(strlen(line) <= 32);
        assert_true(strlen(line) > 0);
        assert_true(line[0] != ' ' && line[strlen(line) - 1] != ' ');
    }
    assert_true(lines >= 4);
    printer_buf_free(&b);
}

/* A job of recognisable bytes. */
static uint8_t *make_job(size_t len)
{
    uint8_t *j = malloc(len);
    for (size_t i = 0; i < len; i++)
        j[i] = (uint8_t)(i * 7 + i / 251);
    return j;
}

/* A listening socket on 127.0.0.1 with an ephemeral port. */
static int listen_local(int rcvbuf, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    if (rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t sl = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &sl);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A forked test printer on 127.0.0.1: keeps every byte it reads in
 * dir/received.bin and answers each status query (DLE EOT 4) with reply.
 * Returns the child's pid; *port gets the port. */
static pid_t test_printer(const char *dir, int reply, int *port)
{
    char got[4200];
    snprintf(got, sizeof got, "%s/received.bin", dir);
    int lfd = listen_local(0, port);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int c = accept(lfd, NULL, NULL);
        FILE *f = fopen(got, "wb");
        unsigned char buf[4096], tail[3] = {0};
        ssize_t r;
        while ((r = read(c, buf, sizeof buf)) > 0) {
            fwrite(buf, 1, (size_t)r, f);
            for (ssize_t i = 0; i < r; i++) {
                tail[0] = tail[1], tail[1] = tail[2], tail[2] = buf[i];
                if (tail[0] == 0x10 && tail[1] == 0x04 && tail[2] == 0x04 && i == r - 1) {
                    unsigned char st = (unsigned char)reply;
                    if (write(c, &st, 1) != 1)
                        _exit(2);
                }
            }
        }
        fclose(f);
        _exit(r == 0 ? 0 : 1);
    }
    close(lfd);
    return pid;
}

static void test_tcp_receives_job(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), got[4200], uri[64], err[256];
    snprintf(got, sizeof got, "%s/received.bin", dir);
    int port;
    pid_t pid = test_printer(dir, 0x12, &port);
    size_t len = 300000;
    uint8_t *job = make_job(len);
    snprintf(uri, sizeof uri, "escpos+tcp://127.0.0.1:%d", port);
    int rc = printer_send(uri, job, len, err, sizeof err);
    if (rc != 0)
        fail_msg("printer_send: %s", err);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The printer got exactly the job, then the status query. */
    size_t glen;
    char *data = util_read_file(got, &glen);
    assert_non_null(data);
    assert_int_equal(glen, len + 3);
    assert_memory_equal(data, job, len);
    assert_memory_equal(data + len, "\x10\x04\x04", 3);
    free(data);

    /* The same printer out of paper: the job fails and says so. */
    pid = test_printer(dir, 0x72, &port);
    snprintf(uri, sizeof uri, "escpos+tcp://127.0.0.1:%d", port);
    assert_int_equal(printer_send(uri, job, 1000, err, sizeof err), -1);
    assert_non_null(strstr(err, "papel"));
    waitpid(pid, &status, 0);

    /* A printer without a back channel, with status queries off. */
    pid = test_printer(dir, -1, &port);
    snprintf(uri, sizeof uri, "escpos+tcp://127.0.0.1:%d?status=off", port);
    if (printer_send(uri, job, 1000, err, sizeof err) != 0)
        fail_msg("status=off: %s", err);
    waitpid(pid, &status, 0);
    data = util_read_file(got, &glen);
    assert_int_equal(glen, 1000);
    free(data);
    assert_int_equal(printer_send("escpos+tcp://127.0.0.1:9?bogus", job, 10, err, sizeof err), -1);
    free(job);
    tu_tmpdir_done(dir);
}

static void test_tcp_refused(void **state)
{
    (void)state;
    char uri[64], err[256];
    int port, fd = listen_local(0, &port);
    close(fd); /* nothing listens there now */
    uint8_t job[100] = {0};
    snprintf(uri, sizeof uri, "escpos+tcp://127.0.0.1:%d", port);
    double t0 = now_s();
    assert_int_equal(printer_send(uri, job, sizeof job, err, sizeof err), -1);
    assert_true(now_s() - t0 < 1.0);
    assert_non_null(strstr(err, "rechaza"));
    assert_null(strchr(err, '\n'));
}

/* A printer that accepts the connection and never reads must fail within
 * the stall timeout (opts: the URI's options, "" for the default): with a
 * small receive buffer its window closes and our send queue never drains;
 * with a large one it swallows the job but never answers the status query.
 * It must take at least min_s and at most max_s seconds. */
static void stalled(int rcvbuf, const char *opts, double min_s, double max_s)
{
    char uri[64], err[256];
    int port, lfd = listen_local(rcvbuf, &port);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int c = accept(lfd, NULL, NULL);
        (void)c;
        sleep(60);
        _exit(0);
    }
    close(lfd);
    size_t len = 60000; /* about one 80 mm receipt */
    uint8_t *job = make_job(len);
    snprintf(uri, sizeof uri, "escpos+tcp://127.0.0.1:%d%s", port, opts);
    double t0 = now_s();
    int rc = printer_send(uri, job, len, err, sizeof err);
    double took = now_s() - t0;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    free(job);
    if (rc == 0)
        fail_msg("a printer that never reads (rcvbuf %d) was reported as printed", rcvbuf);
    if (took < min_s || took > max_s)
        fail_msg("stalled printer (%s) took %.2f s to fail, want %.1f to %.1f s", uri, took, min_s, max_s);
    assert_non_null(strstr(err, "no recibe"));
    printf("stalled printer (rcvbuf %d, options '%s'): failed in %.2f s: %s\n", rcvbuf, opts, took, err);
}

static void test_tcp_stalled_small_window(void **state)
{
    (void)state;
    /* A thermal printer advertises a window of a few KB. */
    stalled(2048, "?timeout=300", 0.25, 2.0);
}

static void test_tcp_stalled_default_window(void **state)
{
    (void)state;
    /* Linux loopback: about 64 KB before the window closes; the job fits,
     * so only the unanswered status query shows the stall, after the
     * default PRINTER_STALL_TIMEOUT_MS. */
    stalled(0, "", PRINTER_STALL_TIMEOUT_MS / 1000.0 - 0.1, PRINTER_STALL_TIMEOUT_MS / 1000.0 + 3.0);
    stalled(0, "?status=on&timeout=400", 0.35, 2.0);
}

/* Options after '?': known ones combine with '&'; a bad one is refused at
 * once with one clear line, before anything is sent. */
static void test_uri_options(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), got[4200], uri[128], err[256];
    snprintf(got, sizeof got, "%s/received.bin", dir);
    uint8_t *job = make_job(1000);
    int port, status;
    pid_t pid = test_printer(dir, -1, &port);
    snprintf(uri, sizeof uri, "escpos+tcp://127.0.0.1:%d?timeout=500&status=off", port);
    if (printer_send(uri, job, 1000, err, sizeof err) != 0)
        fail_msg("%s: %s", uri, err);
    waitpid(pid, &status, 0);
    size_t glen;
    char *data = util_read_file(got, &glen);
    assert_int_equal(glen, 1000);
    free(data);
    static const char *const bad[][2] = {
        {"escpos+tcp://127.0.0.1:9?timeout=50", "tiempo de espera"},
        {"escpos+tcp://127.0.0.1:9?timeout=15001", "tiempo de espera"},
        {"escpos+tcp://127.0.0.1:9?timeout=", "tiempo de espera"},
        {"escpos+tcp://127.0.0.1:9?timeout=5s", "tiempo de espera"},
        {"escpos+tcp://127.0.0.1:9?timeout=-300", "tiempo de espera"},
        {"escpos+tcp://127.0.0.1:9?status=maybe", "no reconocida"},
        {"escpos+tcp://127.0.0.1:9?status=off&", "no reconocida"},
        {"escpos+tcp://127.0.0.1:9?bogus", "no reconocida"},
        {"escpos+tcp://127.0.0.1:9?", "no reconocida"},
        {"cups:Recibos?status=off", "no reconocida"},
        {"cups:Recibos?timeout=0", "tiempo de espera"},
        {"cups:?timeout=500", "cola"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double t0 = now_s();
        err[0] = '\0';
        if (printer_send(bad[i][0], job, 10, err, sizeof err) != -1)
            fail_msg("%s was accepted", bad[i][0]);
        if (!strstr(err, bad[i][1]) || strchr(err, '\n'))
            fail_msg("%s: want one line with '%s', got '%s'", bad[i][0], bad[i][1], err);
        assert_true(now_s() - t0 < 0.5);
    }
    free(job);
    tu_tmpdir_done(dir);
}

static void test_file_transport(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), path[4200], uri[4300], err[256];
    snprintf(path, sizeof path, "%s/lp0", dir);
    snprintf(uri, sizeof uri, "escpos+file:%s", path);
    uint8_t *job = make_job(5000);
    assert_int_equal(printer_send(uri, job, 5000, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    size_t len;
    char *data = util_read_file(path, &len);
    assert_int_equal(len, 5000);
    assert_memory_equal(data, job, 5000);
    free(data);
    /* A missing device fails at once and is not created. */
    double t0 = now_s();
    assert_int_equal(printer_send("escpos+file:/dev/usb/ck-no-such-lp", job, 5000, err, sizeof err), -1);
    assert_true(now_s() - t0 < 0.5);
    assert_non_null(strstr(err, "/dev/usb/ck-no-such-lp"));
    assert_int_equal(access("/dev/usb/ck-no-such-lp", F_OK), -1);
    /* Unknown schemes are refused. */
    assert_int_equal(printer_send("lpt1", job, 10, err, sizeof err), -1);
    free(job);
    tu_tmpdir_done(dir);
}

/* Installs a stand-in lp script in dir and puts dir first on PATH. */
static void fake_lp(const char *dir, const char *body)
{
    char script[2048];
    snprintf(script, sizeof script, "#!/bin/sh\n%s\n", body);
    char *p = tu_write(dir, "lp", script, strlen(script));
    chmod(p, 0755);
    free(p);
    static char path[8192];
    snprintf(path, sizeof path, "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    setenv("PATH", path, 1);
}

static void test_cups_transport(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), body[4400], err[256], *old = strdup(getenv("PATH"));
    snprintf(body, sizeof body, "printf '%%s\\n' \"$@\" > '%s/args'\ncat > '%s/job'", dir, dir);
    fake_lp(dir, body);
    uint8_t *job = make_job(100000); /* more than a pipe holds */
    if (printer_send("cups:Recibos_SCLC", job, 100000, err, sizeof err) != 0)
        fail_msg("cups: %s", err);
    char p[4200];
    size_t len;
    snprintf(p, sizeof p, "%s/job", dir);
    char *data = util_read_file(p, &len);
    assert_int_equal(len, 100000);
    assert_memory_equal(data, job, len);
    free(data);
    snprintf(p, sizeof p, "%s/args", dir);
    data = util_read_file(p, &len);
    assert_string_equal(data, "-d\nRecibos_SCLC\n-o\nraw\n");
    free(data);
    /* Option injection through the queue name is refused. */
    assert_int_equal(printer_send("cups:-oraw", job, 10, err, sizeof err), -1);

    /* lp refuses the job: its message is passed on. */
    fake_lp(dir, "cat >/dev/null; echo 'lp: The printer or class does not exist.' >&2; exit 1");
    assert_int_equal(printer_send("cups:nope", job, 1000, err, sizeof err), -1);
    assert_non_null(strstr(err, "does not exist"));

    /* lp hangs: killed within the time limit (short here; the default is
     * PRINTER_LP_TIMEOUT_MS). */
    fake_lp(dir, "exec sleep 60");
    double t0 = now_s();
    assert_int_equal(printer_send("cups:slow?timeout=400", job, 1000, err, sizeof err), -1);
    double took = now_s() - t0;
    if (took < 0.35 || took > 3.0)
        fail_msg("a hanging lp took %.2f s to fail, want about 0.4 s", took);
    assert_non_null(strstr(err, "lp no"));
    setenv("PATH", old, 1);
    free(old);
    free(job);
    tu_tmpdir_done(dir);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* as main() does in the kiosk */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cp858_table),
        cmocka_unit_test(test_cp858_text),
        cmocka_unit_test(test_text_wrap),
        cmocka_unit_test(test_tcp_receives_job),
        cmocka_unit_test(test_tcp_refused),
        cmocka_unit_test(test_tcp_stalled_small_window),
        cmocka_unit_test(test_tcp_stalled_default_window),
        cmocka_unit_test(test_uri_options),
        cmocka_unit_test(test_file_transport),
        cmocka_unit_test(test_cups_transport),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
