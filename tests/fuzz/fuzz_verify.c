/* libFuzzer target: receipt payload verification (`cepci-kiosk verify`).
 *
 * One long-lived database holds exactly two public keys: the key of the
 * kiosk GQ9ZQ6S that signed the genuine CK1 seeds in
 * tests/fuzz/corpus/verify/ (made with the real executable: init, roster
 * import, event add/open, checkin, pledge --keyed, and one guest check-in),
 * and the key of XC64KPS that signed the genuine CK2 seeds (the same, with
 * employee numbers 12345678, 7 and ABCDEFGHIJ-klmnop_01); their `keys
 * export` lines are below. Whatever the bytes:
 *   - receipt_verify returns 0 or -1 and never crashes;
 *   - -1 comes with exactly one line of text and an all-zero *f;
 *   - 0 comes only for one of the genuine payloads the kiosk printed (so
 *     for the canonical Base45 text of bytes that key signed), and the
 *     decoded fields are sane (type, UUIDs, folio, kiosk id, employee number
 *     in the payload alphabet);
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
#define SEED2_KIOSK "XC64KPS"
#define SEED2_PK_B64 "tz1ZCL87zWM7onHIKYOCviCH3jxstpgEawdyWFZd8Zc="

/* The genuine seeds (tests/fuzz/corpus/verify/genuine-*): the only texts
 * that may verify. */
static const char *const GENUINE[] = {
    "CK1:W50H6LF RYPG2D99*GHVPYQV/11ZN0J9KQJRA+5H-R000100%ND320Y V FRZ6TB$9$LHGM6-AQZ KI.G000N01QT4/L4NX7"
    ".7ODM8J:22.5-EWJ7F.+7IS9%0DBHQ7XU4JD1G8FCKTZTIIVI/09UC.9FQYP1.3191Z-1IUI HH:XCN.P4/1AXV",
    "CK1:W50NCSYVTAX0VT9U5M /BN+2:SVZN0J9KQJRA+5H-R000200%ND320Y V FRZ6TB$9$LHGM6-AQZ KI.G000OO0+S7EDUE/J"
    "$ OWJ8C7I8.2%+D7TM104H13$4B:7C6.QZ7K7H5 ZTNWAIO3SN4Z09ZTCWPO:MMHD9%6IN:VW7O+:UMJD5R7E%J",
    "CK1:W50M/1%E6GGMP+834NOE0$S35%4ZN0J9KQJRA+5H-R000300%ND320Y V FRZ6TB$9$LHGM6-AQZ KI.G000$N0:+93V9V0G"
    "-UJJYUTHVAL46:0ANRR+6+/3S6CI+B4+4N712XP8I3S.N+QG 25HORP4CDE9.S3L4NFIRANKXQS-3J0ZCHHD384",
    "CK1:W50P2JKKTU6K90ADMNW6M%-4%RJZN0J9KQJRA+5H-R000400%ND320Y V FRZ6TB$9$LHGM6-AQZ KI.G000930VEW YHUGH"
    "XNK2S0LISJ6S883NV8B1DVNQCF5*FEEH5:KCRAPXE64ZE:1QU-7V2AIH1KUS1N9W%5WOGO$SBBTZ9M $T-%199I",
    "CK1:W505X49C4Z:EIC9W*L017K.H1U7ZN0J9KQJRA+5H-R000900%NDA20Y V FRZ6TB$9$LHGM6-AQZ KB6HP3CC37$884/O/61"
    "W$9-YT+A43FRV+2:3RWHOYESOPE92V%18 I2W+VKFT:4WV1V9ZHF+L5VI*0M5%SNAKZA6/E84KJ69I:WBT3KYYL00",
    "CK1:W50$:C 9A7DWH59+WN315MOP6HKZN0J9KQJRA+5H-R000A00%NDA20Y V FRZ6TB$9$LHGM6-AQZ KX9OS873:HOYSS873:H"
    "OYSS873:HOYSS873:HOYSS873:HOYSS873:HOYSS873:HOYSS879:HGGOLR4:V56$B5SC*H66LB$2IF+UXDBS+1MCMEKR%SHZSU9"
    "QO:C1IYVU9VVGKBVB3K9SKOL%SRJ633D-U0NKAHSJJE78FNZ/L40",
    "CK1:X50K6SU4NQWK0Y8Y.MET92VF5PRZN0J9KQJRA+5H-R000500%ND320EKT FVT3C2*AI.G000N013Z43N144Q0XCF$MZ+7/A9"
    "KNA72PEVD7GE4A2Q:QX3WO5UM$PFV1 93H9D$EQ9IR$OH1REV69A3SP369INK*H-YEI35TC755A",
    "CK1:X50-/SSFN5O4OC8MUL9B4G77J$NZN0J9KQJRA+5H-R000600%ND320EKT FVT3C2*AI.G000OO05DPH75V3HV5OEE1QD3ITJ"
    "R31I%LV1M RRPJ8+TIYE508VBB6+6D3RLL5DZJ5QND356Q2J71G2BGMCR9NP5ZBM L/D44QLK5A",
    "CK1:X50U3RUUQ2GGJE8SFLXVTL$J48HZN0J9KQJRA+5H-R000700%ND320EKT FVT3C2*AI.G000$N0J3O$HEHWPCS6EOT$QD9A3"
    "1+GMFP56GM018PLKM9+MAMFEC095TFVE0.%BE GV404AJ.UPAAH2YVDAPIOA50GA 3/9S/QA:6D",
    "CK1:X50N3M$+P%WAU+8*HK:LLMGP3S3ZN0J9KQJRA+5H-R000800%ND320EKT FVT3C2*AI.G000930:KIA0B57D7FIO Q/PQMQT"
    "9YUVL7N1SSC8N*JK0066EH2B/:SSQGBK0AXR1Z23%BS+C.4I TNXE4N6U0X4/EJ7HBUX7..9T8S",
    "CK1:X50.R6XRMRY74B8+HKQEIU JNI5ZN0J9KQJRA+5H-R000B00%NDA20EKT FVT3C2*AB6HP3CC37858T JZAIASJWKOEC7HEA"
    "YJQR%DJPDZ2GGI2P-P44R52M1V3HT1SEUHZ59JHDL5XMSE01VHJ4E1U0Q65JDE947SM0B7D3 6S40",
    "CK1:W50J 8 3UWCSS 9D9O3I3G-46KCZN0J9KQJRA+5H-R000C00U4CF5GY V FRZ6TB$9$LHGM6-AQZ K600%1DV+AN BE*V7*4"
    "2FHQ:9CZFOT2%AHO%LLT9*%MJ$BCOL/W0EKTU$UT-RXFITTAP06ZOA.$1U7JWZTG43CLQUHO PVH-L90",
    "CK2:IB04QUQ9J$U0K*9F8LIHJ3.J%$PZ-0BJCMJR000180U$A000000GI1RXC I0:OP7H9+Z0.2C5M7XW2SK8ZF9G%60X3LN0LZOCGCJ*AI34XZA1IH9OD0T2:4TN82P:J5*6:85A-4O:N.OH+Y6Z$O.CWQ1DNNMBEF+OHM4DO%163DMHUESKN1J9PU8TJ79VVYD6X9",
    "CK2:IB09+MFA9.RTB/802KXJD6LUVBRZ-0BJCMJR000WD0U$A0000006O1N32MA0T00MTM+Z0.2C5M7XW2SK8ZF9G%6%W3DR3+-J%VRKBQB06FS4PDQZHHI70N.L0DJ$N8QZSFB5Q98+0N0F3RGHSVR731.S2SDD2%7+NCUKPS7093M%GCJ L+A4-PSX8J60",
    "CK2:IB0-B6JQFW*M-Q8JGNY5CS H8AIZ-0BJCMJR000IJ0U$A000000OX1$BT+%57*543Q+Z0.2C5M7XW2SK8ZF9G%6CX3O659U1L%UVB954M P1.CQA80KBQ5HSW902IN8YCXHOR:DY+GSJH35TKOVS*HHFS%MHY1V:%01.GD+E9AHAYG.A45S7D22OTAB0U0Q4ZS244C1+EE83XBM00",
    "CK2:JB0F+O6S20WC0-9U.NZE0BOI8NAZ-0BJCMJR0004P0U$A0000001 1B9G3C5ZR8S$JTFV47W4BI8DVLN0LZOCGC6WM15BS$73JG3IHMDM9.5OJ32*ECTCXZO-UA2CO1U4YPJNGB9COOBIN5WM9UIQVPQGDKRKWG/37ICP:KBJXAYYVE58 PQP-E",
    "CK2:JB0TYTYHIL.S /8G+K%QDWGQOJ4Z-0BJCMJR000YU0TT7224000Q02%D5+WI3 5LGBTFV47W4BI1DVUO3MJIEVLTD4HU66YK%.QE9P$DRU3BB+2Q.KGPQ3873.7IGQN P9 B UQ$QCYATSNAMMU2MV77H-CQ/PS1MOI6EQ92%6D%IEA0",
    NULL,
};

static store *db;
static unsigned char pk[32], pk2[32];
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
    if (sodium_base642bin(pk2, sizeof pk2, SEED2_PK_B64, strlen(SEED2_PK_B64), NULL, &bl, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || bl != 32 ||
        store_key_put(db, SEED2_KIOSK, pk2, "Fuzz seeds", "SCLC", 1767225600) != STORE_OK)
        abort();
    atexit(cleanup);
    /* The oracle itself: every genuine seed verifies with this key. */
    for (int i = 0; GENUINE[i]; i++) {
        receipt_fields f;
        if (receipt_verify(db, GENUINE[i], &f, err, sizeof err) != 0)
            abort();
    }
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
    if ((f->version != 1 && f->version != 2) || (f->type != RECEIPT_ATTENDANCE && f->type != RECEIPT_PLEDGE))
        abort();
    if (strcmp(f->kiosk_id, f->version == 1 ? SEED_KIOSK : SEED2_KIOSK) != 0 || !is_uuid(f->record_uuid) ||
        !is_folio(f->folio) || strncmp(f->folio, f->kiosk_id, 7) != 0)
        abort();
    if (f->version == 2 ? f->chain_pos < 1 || strlen(f->chain_hash) != 16 ||
                              strspn(f->chain_hash, "0123456789abcdef") != 16
                        : f->chain_pos != 0 || f->chain_hash[0])
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
    if ((strncmp(payload, "CK1:", 4) != 0 && strncmp(payload, "CK2:", 4) != 0) ||
        base45_decode(payload + 4, bytes, sizeof bytes, &n) != 0)
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
    /* The seeds of each format come from one kiosk: its key. */
    int rc2 = receipt_verify_key(payload, strncmp(payload, "CK2:", 4) == 0 ? pk2 : pk, &g, err2, sizeof err2);
    if (rc != 0 && rc != -1)
        abort();
    if ((rc == 0) != (rc2 == 0))
        abort();
    if (rc == 0) {
        int genuine = 0;
        for (int i = 0; GENUINE[i] && !genuine; i++)
            genuine = strcmp(payload, GENUINE[i]) == 0;
        if (!genuine)
            abort(); /* a forged or altered payload verified */
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
