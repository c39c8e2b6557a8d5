/* text.h — the one text engine: UTF-8 decoding and greedy word wrapping.
 *
 * Every module that walks UTF-8 (search folding, validation, the printer's
 * CP858 conversion, typed text on the kiosk) decodes it with
 * text_utf8_decode, and every module that wraps text (the kiosk through
 * SDL_ttf widths, receipts through cairo or ESC/POS columns, PDFs through
 * cairo) wraps it with text_wrap_next and a measure callback, so a name
 * breaks the same way on the screen, the receipt and the list.
 *
 * Cuts inside a word never separate a letter from the combining accents
 * that follow it ("Jose" + U+0301 stays one character). libc only. */
#ifndef CK_TEXT_H
#define CK_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* U+FFFD, what an invalid sequence stands for when one must be shown. */
#define TEXT_REPLACEMENT 0xFFFDu

/* Decodes the UTF-8 sequence at s, of which len bytes may be read (a NUL
 * is an ordinary byte). Returns its length (1..4) and the code point in
 * *cp; or 0 with *cp = TEXT_REPLACEMENT when len is 0 or the sequence is
 * invalid: a stray continuation byte, a bad lead byte, a missing
 * continuation byte (truncated), an overlong form, a surrogate
 * (U+D800..U+DFFF) or a value above U+10FFFF. A caller that goes on after
 * an invalid sequence skips one byte. */
size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* The number of code points in s[0..len), an invalid byte counting as
 * one (e.g. a length limit "in characters" for typed text). */
size_t text_utf8_count(const char *s, size_t len);

/* The start of the character holding byte i of s[0..len): i backed off
 * over UTF-8 continuation bytes (not below 0); len when i >= len. For
 * cutting a buffer without splitting a character. */
size_t text_utf8_floor(const char *s, size_t len, size_t i);

/* 1 if cp is a combining mark (the accents U+0300..U+036F and the other
 * combining diacritical blocks), which belongs to the character before. */
int text_is_combining(uint32_t cp);

/* Width of len bytes of UTF-8 text at s, in any unit (pixels, points,
 * printer columns); ctx is the caller's (a font, a context). Must be
 * non-decreasing as the text grows. */
typedef double (*text_measure_fn)(const char *s, size_t len, void *ctx);

/* The longest prefix of s[0..len) made of whole characters (a letter with
 * its combining accents) whose width is at most width. Returns its length
 * in bytes (0 when not even the first character fits). */
size_t text_fit(const char *s, size_t len, double width, text_measure_fn measure, void *ctx);

/* One line found by text_wrap_next: bytes text[off .. off + len). */
typedef struct text_line {
    size_t off;
    size_t len;   /* never starts or ends with a space */
    int cut;      /* 1 when a word wider than the line was cut at its end */
} text_line;

/* Greedy word wrap, one line per call. From byte *pos of text[0..len) it
 * skips spaces, then takes whole words (runs of bytes other than ' ' and
 * '\n') while the line, measured whole, is at most width wide. A '\n' ends
 * the line (so "a\n\nb" gives "a", "", "b"). A word wider than a whole line
 * is cut between characters (at least one character per line, so the
 * wrapping always advances) and goes on on the next line. Fills *line and
 * moves *pos past the line and the spaces and the one '\n' that end it.
 * Returns 1 for a line, 0 when only spaces remain (no line). */
int text_wrap_next(const char *text, size_t len, size_t *pos, double width, text_measure_fn measure, void *ctx,
                   text_line *line);

#endif
