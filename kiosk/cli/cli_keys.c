/* cli_keys.c — keys export [FILE] | keys import FILE: the kiosks' public
 * keys, so one kiosk can verify another's receipts and lists.
 *
 * Key file format: UTF-8 text, one kiosk per line, tab-separated:
 *
 *   CKKEY1 <TAB> KIOSK_ID <TAB> PUBLIC_KEY_BASE64 <TAB> UNIT <TAB> INSTITUTION
 *
 * Blank lines and lines starting with '#' are ignored. Only public keys are
 * ever written; the signing key stays in "<db>.key". */
#include "cli_common.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define KEYFILE_TAG "CKKEY1"

struct key_out {
    FILE *f;
    int n;
    const char *only; /* a kiosk id: only its line (keys export --own) */
};

/* Writes one key line of `keys export` (a struct key_out in ctx). */
static int key_line_out(const store_key_row *k, void *ctx)
{
    struct key_out *out = ctx;
    char b64[64], inst[256], unit[64];
    if (k->pklen != 32 || (out->only && strcmp(k->kiosk_id, out->only) != 0))
        return 0;
    sodium_bin2base64(b64, sizeof b64, k->pk, 32, sodium_base64_VARIANT_ORIGINAL);
    char fp[UTIL_SHA256_HEX];
    snprintf(inst, sizeof inst, "%s", k->institution);
    snprintf(unit, sizeof unit, "%s", k->unit);
    for (char *c = inst; *c; c++)
        if (*c == '\t' || *c == '\r' || *c == '\n')
            *c = ' ';
    util_one_line(inst); /* a key stored before escapes were refused prints as '?' */
    util_one_line(unit);
    util_sha256_hex(k->pk, 32, fp); /* as the lists print it */
    fprintf(out->f, "# %s: huella SHA-256 de la llave pública %s\n", k->kiosk_id, fp);
    fprintf(out->f, "%s\t%s\t%s\t%s\t%s\n", KEYFILE_TAG, k->kiosk_id, b64, unit, inst);
    out->n++;
    return 0;
}

static int keys_export(cli_ctx *ctx, const char *path, int own)
{
    store *s;
    char *text = NULL;
    size_t len = 0;
    struct key_out out = {NULL, 0, NULL};
    int rc = 1;
    if (cli_open(ctx, &s))
        return 1;
    if (own)
        out.only = store_kiosk_id(s);
    out.f = open_memstream(&text, &len);
    if (!out.f) {
        cli_error("keys export: out of memory");
        goto cleanup;
    }
    fprintf(out.f, "# cepci-kiosk public keys; on another kiosk: cepci-kiosk keys import FILE\n");
    if (store_key_each(s, key_line_out, &out) != STORE_OK) {
        cli_error("keys export: %s", store_errmsg(s));
        goto cleanup;
    }
    if (fclose(out.f) != 0) {
        out.f = NULL;
        cli_error("keys export: out of memory");
        goto cleanup;
    }
    out.f = NULL;
    if (!path || strcmp(path, "-") == 0) {
        fwrite(text, 1, len, stdout);
    } else {
        if (util_write_file_atomic(path, text, len) != 0) {
            cli_error("%s: cannot write: %s", path, strerror(errno));
            goto cleanup;
        }
        fprintf(stderr, "%d %s en %s\n", out.n, out.n == 1 ? "llave pública escrita" : "llaves públicas escritas", path);
    }
    rc = 0;
cleanup:
    if (out.f)
        fclose(out.f);
    free(text);
    store_close(s);
    return rc;
}

typedef struct key_line {
    int lineno;
    char kiosk[STORE_KIOSK_ID_LEN];
    unsigned char pk[32];
    char unit[STORE_UNIT_CODE_LEN];
    char institution[160];
} key_line;

/* Parses one key line (already without its end of line) into k. Returns
 * NULL or the reason it is bad. */
static const char *parse_key_line(char *line, key_line *k)
{
    char *field[5] = {0};
    int n = 0;
    for (char *p = line; n < 5;) {
        field[n++] = p;
        char *tab = n < 5 ? strchr(p, '\t') : NULL;
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    if (n < 3)
        return "expected: CKKEY1<TAB>KIOSK_ID<TAB>PUBLIC_KEY[<TAB>UNIT<TAB>INSTITUTION]";
    if (strcmp(field[0], KEYFILE_TAG) != 0)
        return "not a cepci-kiosk key line (it must start with " KEYFILE_TAG ")";
    if (strlen(field[1]) != STORE_KIOSK_ID_LEN - 1 ||
        strspn(field[1], "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != STORE_KIOSK_ID_LEN - 1)
        return "bad kiosk id (7 characters, Crockford base32)";
    snprintf(k->kiosk, sizeof k->kiosk, "%s", field[1]);
    size_t bl = 0;
    if (sodium_base642bin(k->pk, sizeof k->pk, field[2], strlen(field[2]), NULL, &bl, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        bl != 32)
        return "bad public key (base64 of 32 bytes expected)";
    if (!crypto_core_ed25519_is_valid_point(k->pk))
        return "bad public key (not an Ed25519 key)";
    k->unit[0] = k->institution[0] = '\0';
    if (n > 3 && field[3][0]) {
        if (!util_is_token(field[3]) || strlen(field[3]) >= sizeof k->unit)
            return "bad unit code";
        snprintf(k->unit, sizeof k->unit, "%s", field[3]);
    }
    if (n > 4) {
        if (!util_utf8_valid(field[4], strlen(field[4])))
            return "the institution is not valid UTF-8";
        /* Escape sequences would reach the terminal of whoever lists or
         * verifies keys, bidirectional controls would disguise the name. */
        if (util_has_control(field[4]))
            return "the institution holds control characters (terminal escapes or bidirectional controls)";
        if (util_strlcpy(k->institution, field[4], sizeof k->institution) != 0)
            return "the institution is too long (at most 159 bytes)";
    }
    return NULL;
}

static int keys_import(cli_ctx *ctx, const char *path)
{
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        return cli_error("%s: cannot read: %s", path, strerror(errno));
    key_line *keys = NULL;
    int nkeys = 0, rc = 1, lineno = 0, added = 0;
    store *s = NULL;
    /* Parse everything first: a bad file changes nothing. */
    for (char *p = text, *next; p && *p; p = next) {
        lineno++;
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        p[strcspn(p, "\r")] = '\0';
        if (lineno == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
            (unsigned char)p[2] == 0xBF)
            p += 3;
        char *t = util_trim(p);
        if (!*t || *t == '#')
            continue;
        key_line *grown = realloc(keys, (size_t)(nkeys + 1) * sizeof *keys);
        if (!grown) {
            cli_error("keys import: out of memory");
            goto out;
        }
        keys = grown;
        keys[nkeys].lineno = lineno;
        const char *why = parse_key_line(t, &keys[nkeys]);
        if (why) {
            cli_error("%s:%d: %s", path, lineno, why);
            goto out;
        }
        nkeys++;
    }
    if (nkeys == 0) {
        cli_error("%s: no public keys in this file", path);
        goto out;
    }
    if (cli_open(ctx, &s))
        goto out;
    if (store_begin(s) != STORE_OK) {
        cli_error("%s", store_errmsg(s));
        goto out;
    }
    for (int i = 0; i < nkeys; i++) {
        unsigned char old[32];
        int known = store_key_get(s, keys[i].kiosk, old) == STORE_OK;
        if (store_key_put(s, keys[i].kiosk, keys[i].pk, keys[i].institution, keys[i].unit, cli_now()) !=
            STORE_OK) {
            cli_error("%s:%d: %s", path, keys[i].lineno, store_errmsg(s));
            store_rollback(s);
            goto out;
        }
        added += !known;
    }
    if (store_commit(s) != STORE_OK) {
        cli_error("%s", store_errmsg(s));
        store_rollback(s);
        goto out;
    }
    printf("%d claves: %d nuevas, %d ya conocidas\n", nkeys, added, nkeys - added);
    rc = 0;
out:
    if (s)
        store_close(s);
    free(keys);
    free(text);
    return rc;
}

int cli_cmd_keys(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "keys export [--own] [FILE] | keys import FILE";
    if (argc >= 2 && strcmp(argv[1], "export") == 0) {
        /* --own: this kiosk's key only (what `central enroll --role` takes). */
        int own = argc >= 3 && strcmp(argv[2], "--own") == 0;
        if (argc - own <= 3)
            return keys_export(ctx, argc - own == 3 ? argv[2 + own] : NULL, own);
    }
    if (argc == 3 && strcmp(argv[1], "import") == 0)
        return keys_import(ctx, argv[2]);
    return cli_error("usage: %s", usage);
}
