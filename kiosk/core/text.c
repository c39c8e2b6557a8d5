/* text.c — see text.h. */
#include "text.h"

size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    uint32_t v, min;
    *cp = TEXT_REPLACEMENT;
    if (len == 0)
        return 0;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2, v = p[0] & 0x1Fu, min = 0x80;
    else if ((p[0] & 0xF0) == 0xE0)
        n = 3, v = p[0] & 0x0Fu, min = 0x800;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4, v = p[0] & 0x07u, min = 0x10000;
    else
        return 0; /* continuation byte, C0/C1 (always overlong), F5..FF */
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

size_t text_utf8_count(const char *s, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = text_utf8_decode(s + i, len - i, &cp);
        i += k ? k : 1;
        n++;
    }
    return n;
}

size_t text_utf8_floor(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return len;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

int text_is_combining(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
           (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

/* 1 if a combining mark starts at byte i of s[0..len). */
static int combining_at(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    return i < len && text_utf8_decode(s + i, len - i, &cp) > 0 && text_is_combining(cp);
}

/* The end of the character (a code point and its combining marks, or one
 * invalid byte) starting at byte i < len. */
static size_t char_next(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    do {
        size_t k = text_utf8_decode(s + i, len - i, &cp);
        i += k ? k : 1;
    } while (combining_at(s, len, i));
    return i;
}

/* The start of the character holding byte i (i <= len). */
static size_t char_floor(const char *s, size_t len, size_t i)
{
    i = text_utf8_floor(s, len, i);
    while (i > 0 && combining_at(s, len, i))
        i = text_utf8_floor(s, len, i - 1);
    return i;
}

size_t text_fit(const char *s, size_t len, double width, text_measure_fn measure, void *ctx)
{
    if (len == 0 || measure(s, len, ctx) <= width)
        return len;
    /* Bisect over character boundaries: lo fits (or is 0), hi does not. */
    size_t lo = 0, hi = len;
    for (;;) {
        size_t mid = char_floor(s, len, lo + (hi - lo) / 2);
        if (mid <= lo) {
            mid = char_next(s, len, lo);
            if (mid >= hi)
                break;
        }
        if (measure(s, mid, ctx) <= width)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The end of the word (bytes other than ' ' and '\n') starting at i. */
static size_t word_end(const char *t, size_t len, size_t i)
{
    while (i < len && t[i] != ' ' && t[i] != '\n')
        i++;
    return i;
}

int text_wrap_next(const char *text, size_t len, size_t *pos, double width, text_measure_fn measure, void *ctx,
                   text_line *line)
{
    size_t p = *pos, end, k;
    int cut = 0;
    while (p < len && text[p] == ' ')
        p++;
    if (p >= len) {
        *pos = len;
        return 0;
    }
    /* Whole words while the line, measured whole, fits. */
    end = k = p;
    while (k < len && text[k] != '\n') {
        size_t j = k;
        while (j < len && text[j] == ' ')
            j++;
        size_t w = word_end(text, len, j);
        if (w == j || measure(text + p, w - p, ctx) > width)
            break;
        end = k = w;
    }
    if (end == p && text[p] != '\n') {
        /* The first word alone is wider than the line: cut it. */
        size_t w = word_end(text, len, p);
        end = p + text_fit(text + p, w - p, width, measure, ctx);
        if (end == p)
            end = char_next(text, w, p);
        cut = end < w;
    }
    line->off = p;
    line->len = end - p;
    line->cut = cut;
    if (!cut) {
        while (end < len && text[end] == ' ')
            end++;
        if (end < len && text[end] == '\n')
            end++;
    }
    *pos = end;
    return 1;
}
