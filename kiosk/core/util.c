/* util.c — see util.h. */
#include "util.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

int util_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void util_uuid(char out[UTIL_UUID_LEN])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, UTIL_UUID_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
}

void util_sha256_hex(const void *data, size_t len, char out[UTIL_SHA256_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, UTIL_SHA256_HEX, h, sizeof h);
}

int util_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = text_utf8_decode(s + i, len - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* ASCII fold of a Latin code point: the letters Spanish (and its neighbours)
 * use. Returns a static string, "" for a letter we do not know (kept out of
 * the key) or NULL for a separator. */
static const char *fold_cp(uint32_t cp)
{
    static const char *latin1[64] = {
        /* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
        /* C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
        /* D0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
        /* D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
        /* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
        /* E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
        /* F0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
        /* F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
    };
    static char ascii[128][2];
    if (cp == 0x2019 || cp == 0x27)
        return ""; /* apostrophes join: O'Brien -> obrien */
    if (cp < 128) {
        if (!isalnum((int)cp))
            return NULL;
        ascii[cp][0] = (char)tolower((int)cp);
        ascii[cp][1] = '\0';
        return ascii[cp];
    }
    if (cp >= 0xc0 && cp <= 0xff)
        return latin1[cp - 0xc0];
    if (cp >= 0x100 && cp <= 0x17f) {
        /* Latin Extended-A: pairs of upper/lower case of a base letter. */
        static const char base[] =
            "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
            "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
        static char one[128][2];
        uint32_t k = cp - 0x100;
        if (k == 0x32 || k == 0x33) return "ij";
        if (k == 0x52 || k == 0x53) return "oe";
        one[k][0] = base[k];
        one[k][1] = '\0';
        return one[k];
    }
    if (cp >= 0x300 && cp <= 0x36f)
        return ""; /* combining accents (decomposed input) */
    return NULL;
}

size_t util_fold(const char *in, char *out, size_t outlen)
{
    size_t n = strlen(in), i = 0, o = 0;
    int pending_space = 0;
    if (outlen == 0)
        return 0;
    while (i < n) {
        uint32_t cp;
        size_t k = text_utf8_decode(in + i, n - i, &cp);
        const char *f;
        if (k == 0) {
            f = NULL;
            k = 1;
        } else {
            f = fold_cp(cp);
        }
        i += k;
        if (f == NULL) {
            pending_space = o > 0;
            continue;
        }
        size_t fl = strlen(f);
        if (fl == 0)
            continue;
        if (o + fl + (size_t)pending_space + 1 > outlen)
            break;
        if (pending_space)
            out[o++] = ' ';
        pending_space = 0;
        memcpy(out + o, f, fl);
        o += fl;
    }
    out[o] = '\0';
    return o;
}

void util_header_key(const char *cell, char *out, size_t outlen)
{
    char folded[256];
    size_t o = 0;
    util_fold(cell, folded, sizeof folded);
    for (char *w = folded; *w;) {
        size_t wl = strcspn(w, " ");
        int connector = (wl == 2 && memcmp(w, "de", 2) == 0) || (wl == 3 && memcmp(w, "del", 3) == 0);
        if (!connector && o + wl < outlen) {
            memcpy(out + o, w, wl);
            o += wl;
        }
        w += wl;
        while (*w == ' ')
            w++;
    }
    out[o] = '\0';
}

char *util_cp1252_to_utf8(const char *in, size_t len, size_t *outlen)
{
    /* 0x80..0x9F of Windows-1252; 0 = undefined (mapped to U+FFFD). */
    static const uint16_t hi[32] = {
        0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
        0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
        0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
        0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
    };
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        uint32_t cp = c;
        if (c >= 0x80 && c < 0xa0)
            cp = hi[c - 0x80] ? hi[c - 0x80] : 0xfffd;
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xc0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        } else {
            out[o++] = (char)(0xe0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}

int util_strlcpy(char *dst, const char *src, size_t dstlen)
{
    size_t n = strlen(src);
    if (n < dstlen) {
        memcpy(dst, src, n + 1);
        return 0;
    }
    if (dstlen == 0)
        return -1;
    n = text_utf8_floor(src, n, dstlen - 1); /* never cut a UTF-8 sequence in half */
    memcpy(dst, src, n);
    dst[n] = '\0';
    return -1;
}

char *util_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (isspace((unsigned char)s[i]))
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
    return s;
}

int util_parse_local(const char *s, struct tm *tm)
{
    int y, mo, d, h = 0, mi = 0, n = 0;
    size_t len = strlen(s);
    memset(tm, 0, sizeof *tm);
    if (len == 10) {
        if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
            return -1;
    } else if (len == 16) {
        if (sscanf(s, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
            return -1;
    } else {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        char want = i == 4 || i == 7 ? '-' : i == 10 ? ' ' : i == 13 ? ':' : 'd';
        if (want == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != want)
            return -1;
    }
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return -1;
    tm->tm_year = y - 1900;
    tm->tm_mon = mo - 1;
    tm->tm_mday = d;
    tm->tm_hour = h;
    tm->tm_min = mi;
    tm->tm_isdst = -1;
    return 0;
}

/* Time zones. The C library converts in the zone named by $TZ, so a
 * conversion sets TZ. Changing the environment races with any thread that
 * reads it (getenv, fork/exec), so: TZ is only changed when a different
 * zone is asked for (in practice once, for the kiosk's unit), never
 * restored, and always under env_mu, which code running in other threads
 * takes around its own environment reads (util_env_lock). */
static pthread_mutex_t env_mu = PTHREAD_MUTEX_INITIALIZER;
static char cur_tz[128];

void util_env_lock(void) { pthread_mutex_lock(&env_mu); }
void util_env_unlock(void) { pthread_mutex_unlock(&env_mu); }

/* 1 if tz names a compiled zone file (TZif), so an unknown name is never
 * silently treated as UTC by the C library. */
static int tz_known(const char *tz)
{
    char path[512], magic[4];
    struct stat st;
    if (!tz || !*tz || strstr(tz, "..") || tz[0] == '/' || strlen(tz) >= sizeof cur_tz)
        return 0;
    if (strcmp(tz, "UTC") == 0)
        return 1;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    int ok = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
    if (f)
        fclose(f);
    return ok;
}

/* Makes tz the process zone; caller holds env_mu. Returns 0 or -1. */
static int tz_use(const char *tz)
{
    if (strcmp(cur_tz, tz) == 0)
        return 0;
    if (!tz_known(tz))
        return -1;
    setenv("TZ", tz, 1);
    tzset();
    snprintf(cur_tz, sizeof cur_tz, "%s", tz);
    return 0;
}

int util_tz_valid(const char *tz)
{
    return tz_known(tz);
}

int util_local_to_utc(const char *tz, const struct tm *tm, int64_t *out)
{
    struct tm t = *tm;
    t.tm_isdst = -1;
    pthread_mutex_lock(&env_mu);
    int ok = tz_use(tz) == 0;
    time_t r = ok ? mktime(&t) : (time_t)-1;
    pthread_mutex_unlock(&env_mu);
    if (!ok || r == (time_t)-1)
        return -1;
    *out = (int64_t)r;
    return 0;
}

void util_utc_to_local(const char *tz, int64_t t, struct tm *out)
{
    time_t tt = (time_t)t;
    pthread_mutex_lock(&env_mu);
    if (tz_use(tz) != 0)
        tz_use(CK_DEFAULT_TZ);
    localtime_r(&tt, out);
    pthread_mutex_unlock(&env_mu);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void util_format_time(const char *tz, int64_t t, const char *fmt, char *out, size_t outlen)
{
    struct tm tm;
    util_utc_to_local(tz, t, &tm);
    if (strftime(out, outlen, fmt, &tm) == 0 && outlen)
        out[0] = '\0';
}
#pragma GCC diagnostic pop

char *util_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
                errno = EIO;
            }
            break;
        }
        char *nb = realloc(buf, cap * 2 + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int util_write_file_atomic(const char *path, const void *data, size_t len)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    if (!tmp)
        return -1;
    snprintf(tmp, pl + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp); /* mkstemp creates the file with mode 0600 */
    if (fd < 0) {
        int e = errno;
        free(tmp);
        errno = e;
        return -1;
    }
    const char *p = data;
    size_t left = len;
    int rc = 0;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = -1;
    int e = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    errno = e;
    return rc;
}

char *util_one_line(char *s)
{
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return s;
}

int util_has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return 1;
        /* Bidirectional controls (UTF-8 of U+061C, U+200E, U+200F,
         * U+202A..U+202E, U+2066..U+2069): they reorder how the text
         * around them is shown, so "Ana" + U+202E + "zeréP" reads as
         * another name on a list. */
        if (p[0] == 0xD8 && p[1] == 0x9C)
            return 1;
        if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE)))
            return 1;
        if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
            return 1;
    }
    return 0;
}

int util_is_token(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return 0;
    return 1;
}
