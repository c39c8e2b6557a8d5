/* test_attachments.c — files kept with an event (store/attachments.c):
 * stored once, by hash, beside the database (0700 folder, 0600 files);
 * only PDF, JPEG and PNG; audited; `audit verify`'s check of the files
 * names one that was changed or removed; a failure leaves no file. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_evidence.h"
#include "util.h"

#define NOW 1600106400

typedef struct fx {
    TU_FIXTURE;
    char event[UTIL_UUID_LEN], other[UTIL_UUID_LEN];
    char *png, *jpg, *pdf, *txt;
} fx;

static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->s = tu_store(f->dir, "k.db");
    snprintf(f->event, sizeof f->event, "%s", tu_event(f->s, "Taller", "taller", "etica", "SCLC", "2020-09-10 10:00", 0));
    snprintf(f->other, sizeof f->other, "%s", tu_event(f->s, "Plática", "platica", "etica", "CHE", "2020-09-11 10:00", 0));
    f->png = tu_write(f->dir, "foto.png", (const char *)PNG, sizeof PNG);
    f->jpg = tu_write(f->dir, "Foto del grupo.jpg", "\xff\xd8\xff\xe0 JFIF data", 15);
    f->pdf = tu_write(f->dir, "lista firmada.pdf", "%PDF-1.4\n% a scanned list\n", 26);
    f->txt = tu_write(f->dir, "notas.txt", "hola", 4);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    free(f->png);
    free(f->jpg);
    free(f->pdf);
    free(f->txt);
    return tu_teardown(state);
}

/* Files in the attachments folder, temporary ones included. */
static int files_in(fx *f)
{
    char dir[4200], cmd[4400];
    snprintf(dir, sizeof dir, "%s/k.db.anexos", f->dir);
    snprintf(cmd, sizeof cmd, "ls -A '%s' 2>/dev/null | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static void attach_and_dedupe(void **state)
{
    fx *f = *state;
    store_attachment a, b;
    assert_int_equal(store_attach(f->s, f->event, f->jpg, NULL, "Al inicio", NOW, &a), STORE_OK);
    assert_string_equal(a.kind, "foto");
    assert_string_equal(a.media_type, "image/jpeg");
    assert_string_equal(a.name, "Foto del grupo.jpg");
    assert_string_equal(a.note, "Al inicio");
    assert_int_equal(a.size, 15);
    char sha[UTIL_SHA256_HEX], path[4400];
    util_sha256_hex("\xff\xd8\xff\xe0 JFIF data", 15, sha);
    assert_string_equal(a.sha256, sha);
    store_attachment_file(f->s, &a, path, sizeof path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char dir[4200];
    store_attachment_dir(f->s, dir, sizeof dir);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_non_null(strstr(path, sha));
    /* Kinds by content: a PDF is a scanned list; a given kind wins. */
    assert_int_equal(store_attach(f->s, f->event, f->pdf, NULL, NULL, NOW, &b), STORE_OK);
    assert_string_equal(b.kind, "lista");
    assert_int_equal(store_attach(f->s, f->event, f->png, "constancia", NULL, NOW, &b), STORE_OK);
    assert_string_equal(b.kind, "constancia");
    /* The same file again: STORE_EXISTS with the row; to another event: a
     * second row, one file. */
    assert_int_equal(store_attach(f->s, f->event, f->jpg, NULL, NULL, NOW, &b), STORE_EXISTS);
    assert_string_equal(b.uuid, a.uuid);
    assert_int_equal(store_attach(f->s, f->other, f->jpg, NULL, NULL, NOW, &b), STORE_OK);
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attachment"), 4);
    assert_int_equal(files_in(f), 3);
    store_event_tally t;
    assert_int_equal(store_event_tally_get(f->s, f->event, &t), STORE_OK);
    assert_int_equal(t.attachments, 3);
    long entries = 0, checked = 0;
    assert_int_equal(store_audit_verify(f->s, &entries), STORE_OK);
    assert_int_equal(store_attachments_verify(f->s, &checked, NULL, NULL), STORE_OK);
    assert_int_equal(checked, 4);
}

static void refused(void **state)
{
    fx *f = *state;
    store_attachment a;
    assert_int_equal(store_attach(f->s, f->event, f->txt, NULL, NULL, NOW, &a), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "not a PDF, JPEG or PNG"));
    char *empty = tu_write(f->dir, "vacio.png", "", 0);
    assert_int_equal(store_attach(f->s, f->event, empty, NULL, NULL, NOW, &a), STORE_INVALID);
    free(empty);
    assert_int_equal(store_attach(f->s, f->event, f->png, "video", NULL, NOW, &a), STORE_INVALID);
    assert_int_equal(store_attach(f->s, f->event, f->png, NULL, "línea\nrota", NOW, &a), STORE_INVALID);
    assert_int_equal(store_attach(f->s, "ffffffff", f->png, NULL, NULL, NOW, &a), STORE_NOTFOUND);
    assert_int_equal(store_attach(f->s, f->event, "/nonexistent.png", NULL, NULL, NOW, &a), STORE_NOTFOUND);
    assert_int_equal(store_attach(f->s, f->event, f->dir, NULL, NULL, NOW, &a), STORE_INVALID);
    /* Larger than the limit (a sparse file: nothing is really written). */
    char big[4200];
    snprintf(big, sizeof big, "%s/grande.png", f->dir);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, PNG, sizeof PNG), (ssize_t)sizeof PNG);
    assert_int_equal(ftruncate(fd, STORE_ATTACH_MAX_BYTES + 1), 0);
    close(fd);
    assert_int_equal(store_attach(f->s, f->event, big, NULL, NULL, NOW, &a), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "larger than"));
    /* Nothing recorded, and no file (temporary or not) left behind. */
    assert_int_equal(tu_count(f->s, "SELECT count(*) FROM attachment"), 0);
    assert_true(files_in(f) <= 0);
    /* A database that refuses the row (a trigger of the test's own) leaves
     * no file either. */
    sqlite3 *db = tu_db(f->s);
    assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER boom BEFORE INSERT ON attachment BEGIN "
                                      "SELECT RAISE(ABORT, 'no'); END", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(store_attach(f->s, f->event, f->png, NULL, NULL, NOW, &a), STORE_OK);
    assert_int_equal(files_in(f), 0);
    sqlite3_close(db);
}

static int nbad, last_problem;
static char last_name[256];
static void on_bad(const store_attachment *a, int problem, void *ctx)
{
    (void)ctx;
    nbad++;
    last_problem = problem;
    snprintf(last_name, sizeof last_name, "%s", a->name);
}

/* `audit verify` checks the files: one changed byte, or a file removed, is
 * named; a row edited or slipped in by hand breaks the chain. */
static void verify_names_the_file(void **state)
{
    fx *f = *state;
    store_attachment a, b;
    assert_int_equal(store_attach(f->s, f->event, f->jpg, NULL, NULL, NOW, &a), STORE_OK);
    assert_int_equal(store_attach(f->s, f->event, f->pdf, NULL, NULL, NOW, &b), STORE_OK);
    char path[4400];
    store_attachment_file(f->s, &b, path, sizeof path);
    FILE *w = fopen(path, "r+b");
    assert_non_null(w);
    fseek(w, 12, SEEK_SET);
    fputc('X', w);
    fclose(w);
    nbad = 0;
    assert_int_equal(store_attachments_verify(f->s, NULL, on_bad, NULL), STORE_INVALID);
    assert_int_equal(nbad, 1);
    assert_int_equal(last_problem, STORE_ATTACH_ALTERED);
    assert_string_equal(last_name, "lista firmada.pdf");
    assert_non_null(strstr(store_errmsg(f->s), "altered"));
    /* Attaching the good copy again repairs the stored file. */
    assert_int_equal(store_attach(f->s, f->other, f->pdf, NULL, NULL, NOW, &b), STORE_OK);
    assert_int_equal(store_attachments_verify(f->s, NULL, NULL, NULL), STORE_OK);
    store_attachment_file(f->s, &a, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    nbad = 0;
    assert_int_equal(store_attachments_verify(f->s, NULL, on_bad, NULL), STORE_INVALID);
    assert_int_equal(last_problem, STORE_ATTACH_MISSING);
    assert_string_equal(last_name, "Foto del grupo.jpg");
    /* The rows are in the audit chain. */
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    sqlite3 *db = tu_db(f->s);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER attachment_no_update; UPDATE attachment SET note = 'otra' "
                                      "WHERE kind = 'foto'", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "attachment"));
    assert_int_equal(sqlite3_exec(db, "UPDATE attachment SET note = '' WHERE kind = 'foto'", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO attachment(uuid, kiosk_id, event_id, kind, media_type, sha256, "
                                      "size, name, note, at) SELECT 'bbbbbbbb-0000-4000-8000-000000000000', kiosk_id, "
                                      "(SELECT max(id) FROM event), kind, media_type, sha256, size, 'otra.jpg', note, "
                                      "at FROM attachment "
                                      "WHERE kind = 'foto'", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_audit_verify(f->s, NULL), STORE_INVALID);
    assert_non_null(strstr(store_errmsg(f->s), "not in the audit log"));
    sqlite3_close(db);
}

static void sniff(void **state)
{
    (void)state;
    assert_string_equal(store_attachment_sniff("%PDF-1.7", 8), "application/pdf");
    assert_string_equal(store_attachment_sniff("\xff\xd8\xff\xdb", 4), "image/jpeg");
    assert_string_equal(store_attachment_sniff(PNG, sizeof PNG), "image/png");
    assert_null(store_attachment_sniff("%PDF", 4));
    assert_null(store_attachment_sniff("GIF89a", 6));
    assert_null(store_attachment_sniff("", 0));
    assert_string_equal(store_attachment_ext("image/png"), "png");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(attach_and_dedupe, setup, teardown),
        cmocka_unit_test_setup_teardown(refused, setup, teardown),
        cmocka_unit_test_setup_teardown(verify_names_the_file, setup, teardown),
        cmocka_unit_test(sniff),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
