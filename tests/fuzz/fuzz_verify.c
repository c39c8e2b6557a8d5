/* libFuzzer target: receipt payload verification (`cepci-kiosk verify`).
 *
 * One long-lived database holds exactly one public key: the key of the kiosk
 * GQ9ZQ6S that signed the genuine seeds in tests/fuzz/corpus/verify/
 * (made with the real executable: init, roster import, event add/open,
 * checkin, pledge --keyed, and one guest check-in; its `keys export` line is
 * below). Whatever the bytes:
 *   - receipt_verify returns 0 or -1 and never crashes;
 *   - -1 comes with exactly one line of text and an all-zero *f;
 *   - 0 comes only for a payload that is the canonical Base45 text of bytes
 *     that key signed, and the decoded fields are sane (type, UUIDs, folio,
 *     kiosk id, employee number in the payload alphabet);
 *   - receipt_verify_key with the same public key agrees. */
#include <ctype.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base45.h"
#include "receipt.h"
#include "store.h"
#include "util.h"

#define SEED_KIOSK "GQ9ZQ6S"
#define SEED_PK_B64 "KnSEM+y7r7V0W2pdWS9rlKCWRvPPO36gRQYlh8i0x1E="

static store *db;
static unsigned char pk[32];
static char dir[64];

static void cleanup(void)
{
    char p[160];
    static const char *const files[] = {"k.db", "k.db-wal", "k.db-shm", "k.db-journal"};
    if (db)
        store_close(db);
    db = NULL;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

static void setup(void)
{
    char path[160], err[512];
    size_t bl = 0;
    snprintf(dir, sizeof dir, "/tmp/ck-fuzz-verify-XXXXXX");
    if (!mkdtemp(dir) || util_init() != 0)
        abort();
    snprintf(path, sizeof path, "%s/k.db", dir);
    if (store_open(&db, path, 1, err, sizeof err) != STORE_OK)
        abort();
    if (sodium_base642bin(pk, sizeof pk, SEED_PK_B64, strlen(SEED_PK_B64), NULL, &bl, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || bl != 32)
        abort();
    if (store_key_put(db, SEED_KIOSK, pk, "Fuzz seeds", "SCLC", 1600000000) != STORE_OK)
        abort();
    atexit(cleanup);
}

static int is_uuid(const char *u)
{
    if (strlen(u) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !strchr("0123456789abcdef", u[i]))
            return 0;
    }
    return 1;
}

static int is_folio(const char *f)
{
    size_t n = strlen(f);
    if (n < 14 || n > 18 || f[7] != '-')
        return 0;
    if (strspn(f, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != 7)
        return 0;
    return strspn(f + 8, "0123456789") == n - 8;
}

/* The fields of a payload that verified must be those a kiosk writes. */
static void check_sane(const receipt_fields *f)
{
    if (f->version != 1 || (f->type != RECEIPT_ATTENDANCE && f->type != RECEIPT_PLEDGE))
        abort();
    if (strcmp(f->kiosk_id, SEED_KIOSK) != 0 || !is_uuid(f->record_uuid) || !is_folio(f->folio))
        abort();
    if (f->at < 0 || f->at > (int64_t)UINT32_MAX)
        abort();
    size_t n = strlen(f->employee_no);
    if (n >= sizeof f->employee_no)
        abort();
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)f->employee_no[i]) && f->employee_no[i] != '-' && f->employee_no[i] != '_')
            abort();
    if (f->type == RECEIPT_ATTENDANCE && (!is_uuid(f->event_id) || f->carta_prefix[0]))
        abort();
    if (f->type == RECEIPT_PLEDGE &&
        (f->event_id[0] || strlen(f->carta_prefix) != 16 || strspn(f->carta_prefix, "0123456789abcdef") != 16))
        abort();
}

/* A payload that verified must be the one canonical text of its bytes:
 * decoding and re-encoding gives back exactly the input. */
static void check_canonical(const char *payload)
{
    uint8_t bytes[RECEIPT_PAYLOAD_MAX];
    char again[RECEIPT_PAYLOAD_MAX + 8];
    size_t n;
    if (strncmp(payload, "CK1:", 4) != 0 || base45_decode(payload + 4, bytes, sizeof bytes, &n) != 0)
        abort();
    if (base45_encode(bytes, n, again, sizeof again) == 0 || strcmp(again, payload + 4) != 0)
        abort();
}

static void check_error(const char *err)
{
    if (!err[0])
        abort();
    for (const unsigned char *c = (const unsigned char *)err; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            abort(); /* one line, no control characters echoed */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db)
        setup();
    char *payload = malloc(size + 1);
    if (!payload)
        abort();
    memcpy(payload, data, size);
    payload[size] = '\0';

    receipt_fields f, g;
    char err[1024] = "", err2[1024] = "";
    memset(&f, 0xA5, sizeof f); /* a failure must clear it */
    int rc = receipt_verify(db, payload, &f, err, sizeof err);
    int rc2 = receipt_verify_key(payload, pk, &g, err2, sizeof err2);
    if (rc != 0 && rc != -1)
        abort();
    if ((rc == 0) != (rc2 == 0))
        abort();
    if (rc == 0) {
        check_sane(&f);
        check_canonical(payload);
        if (f.type != g.type || f.at != g.at || strcmp(f.record_uuid, g.record_uuid) ||
            strcmp(f.employee_no, g.employee_no) || strcmp(f.event_id, g.event_id) ||
            strcmp(f.carta_prefix, g.carta_prefix) || strcmp(f.folio, g.folio) || strcmp(f.kiosk_id, g.kiosk_id))
            abort();
    } else {
        check_error(err);
        check_error(err2);
        if (f.type || f.record_uuid[0] || f.employee_no[0] || f.folio[0] || f.kiosk_id[0] || g.type ||
            g.record_uuid[0])
            abort(); /* nothing half-filled is handed back */
    }
    free(payload);
    return 0;
}
