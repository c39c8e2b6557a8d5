/* util.h — small helpers shared by every module: UUIDs, UTF-8 folding for
 * search, hashing, time zones, files. No SQLite, no SDL. UTF-8 decoding
 * and wrapping live in text.h. */
#ifndef CK_UTIL_H
#define CK_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define UTIL_UUID_LEN 37      /* 36 chars + NUL */
#define UTIL_SHA256_HEX 65    /* 64 hex chars + NUL */

/* The time zone of a unit, a kiosk or a date when nothing names one (the
 * institutions are Mexican federal ones; units elsewhere set their own). */
#define CK_DEFAULT_TZ "America/Mexico_City"

/* Writes a random (version 4) UUID, lower-case, into out[UTIL_UUID_LEN].
 * Requires util_init() (libsodium) to have succeeded. */
void util_uuid(char out[UTIL_UUID_LEN]);

/* Initialises libsodium; returns 0 on success, -1 if it cannot. */
int util_init(void);

/* SHA-256 of len bytes as 64 lower-case hex characters. */
void util_sha256_hex(const void *data, size_t len, char out[UTIL_SHA256_HEX]);

/* Folds UTF-8 text for search: lower case, accents removed, ñ -> n, every
 * run of non-alphanumerics becomes one space, no leading/trailing space.
 * Writes at most outlen-1 bytes plus NUL (the output is ASCII, so a cut
 * never splits a character). Invalid UTF-8 bytes are treated as
 * separators. Returns the output length. */
size_t util_fold(const char *in, char *out, size_t outlen);

/* Reduces a spreadsheet header cell to its matching key: folded as
 * util_fold, the words "de" and "del" dropped, the remaining words joined
 * ("Número de Empleado" -> "numeroempleado"). Shared by the roster and
 * the attendance-sheet readers. */
void util_header_key(const char *cell, char *out, size_t outlen);

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates), else 0:
 * every sequence decodes with text_utf8_decode (text.h). */
int util_utf8_valid(const char *s, size_t len);

/* Converts Windows-1252 bytes to UTF-8. Returns a malloc'd NUL-terminated
 * string the caller frees, or NULL when out of memory. *outlen gets the
 * length when outlen is not NULL. */
char *util_cp1252_to_utf8(const char *in, size_t len, size_t *outlen);

/* Copies src into dst[dstlen] always NUL-terminating. Returns 0, or -1 if
 * src did not fit (dst then holds a truncated copy cut at a UTF-8 boundary). */
int util_strlcpy(char *dst, const char *src, size_t dstlen);

/* Trims ASCII whitespace at both ends in place; returns s. */
char *util_trim(char *s);

/* Parses 'YYYY-MM-DD HH:MM' (or 'YYYY-MM-DD', time 00:00) strictly, with
 * calendar validation. Returns 0 and fills *tm (tm_isdst=-1), or -1. */
int util_parse_local(const char *s, struct tm *tm);

/* 1 if tz is a known IANA time zone (a TZif file under /usr/share/zoneinfo). */
int util_tz_valid(const char *tz);

/* The environment lock: time-zone conversions change $TZ under it, so a
 * thread that reads the environment (getenv, fork+exec) while others may
 * convert times takes it around that read. Not recursive. */
void util_env_lock(void);
void util_env_unlock(void);

/* Converts a broken-down local time in time zone tz (IANA name) to Unix
 * seconds. Returns 0 or -1 when the zone or time is invalid. */
int util_local_to_utc(const char *tz, const struct tm *tm, int64_t *out);

/* Converts Unix seconds to broken-down local time in zone tz. */
void util_utc_to_local(const char *tz, int64_t t, struct tm *out);

/* Formats Unix seconds in zone tz with strftime format fmt. */
void util_format_time(const char *tz, int64_t t, const char *fmt, char *out, size_t outlen);

/* Reads a whole file. Returns malloc'd buffer (NUL-terminated, caller frees)
 * and its length in *len, or NULL with errno set. */
char *util_read_file(const char *path, size_t *len);

/* Writes data to path atomically: a temporary file in the same folder,
 * created with mode 0600, fsync'd, then renamed over path. Returns 0, or -1
 * with errno set (no file is left under path or the temporary name). */
int util_write_file_atomic(const char *path, const void *data, size_t len);

/* Replaces every ASCII control character (and DEL) in s with '?', in place,
 * so a message quoting user input stays one printable line. Returns s. */
char *util_one_line(char *s);

/* 1 if s holds an ASCII control character (or DEL) or a Unicode
 * bidirectional control (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069), else 0. */
int util_has_control(const char *s);

/* 1 if s is a non-empty string of ASCII digits and letters, '-' or '_'
 * (an employee number), else 0. */
int util_is_token(const char *s);

#endif
