/* test_backup.c — online backups: a sound private copy, rotation, restore,
 * and a clean failure when the folder cannot be written. */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backup.h"
#include "util.h"

static const char SIG[] = "sig";

static int count_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void backup_rotate_and_restore(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), bdir[4200], out[4200], err[512], path[4200];
    store *s = tu_store(dir, "k.db");
    tu_person(s, "1001", "José", "Peña", "Íñiguez", "SCLC", 1);
    const char *ev = tu_event(s, "Taller", "taller", "etica", "SCLC", "2020-11-25 10:00", 1);
    char event[64];
    snprintf(event, sizeof event, "%s", ev);
    store_record r;
    assert_int_equal(store_checkin(s, event, "1001", NULL, "number", SIG, sizeof SIG, 100, &r), STORE_OK);
    snprintf(bdir, sizeof bdir, "%s/usb/respaldos", dir); /* parents are created too */
    mode_t old = umask(0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(backup_run(s, bdir, 3, 1606320000 + i * 86400, out, sizeof out, err, sizeof err), 0);
    umask(old);
    assert_int_equal(count_files(bdir, "cepci-kiosk-"), 3); /* keep = 3 */
    assert_int_equal(count_files(bdir, ".cepci"), 0);       /* no partial file */
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_non_null(strstr(out, "cepci-kiosk-000005-20201129-")); /* the fifth copy of the folder */
    /* A record made after the backup. */
    tu_person(s, "1002", "Ana", "Ruiz", "", "SCLC", 1);
    assert_int_equal(store_checkin(s, event, "1002", NULL, "number", SIG, sizeof SIG, 200, &r), STORE_OK);
    store_close(s);
    /* Restore as the README says: stop the kiosk, move the database and
     * its -wal/-shm away, copy the backup in its place. */
    snprintf(path, sizeof path, "%s/k.db", dir);
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "mv '%s' '%s.broken' && rm -f '%s-wal' '%s-shm' && cp -p '%s' '%s'", path, path, path,
             path, out, path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(store_open(&s, path, 0, err, sizeof err), STORE_OK);
    assert_int_equal(store_audit_verify(s, NULL), STORE_OK);
    assert_int_equal(store_record_by_folio(s, r.folio, &r), STORE_NOTFOUND); /* later record: not in it */
    store_person p;
    assert_int_equal(store_person_get(s, "1001", &p), STORE_OK);
    assert_string_equal(p.surname2, "Íñiguez");
    assert_int_equal(store_checkin(s, event, "1001", NULL, "number", SIG, sizeof SIG, 300, &r), STORE_EXISTS);
    store_close(s);
    tu_tmpdir_done(dir);
}

static void backup_to_unwritable_folder_fails_cleanly(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), bdir[4200];
    store *s = tu_store(dir, "k.db");
    snprintf(bdir, sizeof bdir, "%s/ro", dir);
    mkdir(bdir, 0555);
    chmod(dir, 0755);
    char path[4200];
    snprintf(path, sizeof path, "%s/k.db", dir);
    store_close(s);
    chmod(path, 0644);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* root writes anywhere: try as nobody. */
        if (geteuid() == 0 && setuid(65534) != 0)
            _exit(10);
        char err[512], out[4200];
        store *c;
        if (store_open(&c, path, 0, err, sizeof err) != STORE_OK)
            _exit(11);
        int rc = backup_run(c, bdir, 3, 1606320000, out, sizeof out, err, sizeof err);
        store_close(c);
        if (rc != -1 || strchr(err, '\n') || !strstr(err, "ro"))
            _exit(12);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(count_files(bdir, ""), 2); /* only . and .. */
    tu_tmpdir_done(dir);
}

/* The rotation deletes only its own files, and never the live database,
 * even one that lives in the backup folder under a backup-like name. */
static void rotation_spares_the_live_database(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), out[4200], err[512], path[4200];
    store *s = tu_store(dir, "cepci-kiosk-20000101-000000.db");
    store *other = tu_store(dir, "cepci-kiosk-2020.db");
    snprintf(path, sizeof path, "%s/notas.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    for (int i = 0; i < 3; i++)
        assert_int_equal(backup_run(s, dir, 1, 1606320000 + i, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/cepci-kiosk-20000101-000000.db", dir);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/cepci-kiosk-2020.db", dir);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/notas.txt", dir);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(access(out, F_OK), 0); /* the newest backup is kept */
    assert_int_equal(store_audit_verify(s, NULL), STORE_OK);
    store_close(other);
    tu_store_done(s, dir); /* frees dir */
}

/* Seven copies made while the clock said 2100, then the clock put right:
 * every new copy was deleted right after it was made (the issue). Now the
 * copies are ordered by their creation number, the new one stays, the
 * 2100 ones go first, and the backup warns that the clock went back. */
static void clock_ahead_then_back_keeps_the_new_copy(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), bdir[4200], out[4200], err[512], first[4200] = "";
    store *s = tu_store(dir, "k.db");
    snprintf(bdir, sizeof bdir, "%s/copias", dir);
    const int64_t y2100 = 4102444800, y2025 = 1741795200;
    for (int i = 0; i < 7; i++) {
        assert_int_equal(backup_run(s, bdir, 7, y2100 + i * 86400, out, sizeof out, err, sizeof err), 0);
        assert_string_equal(err, "");
    }
    assert_int_equal(count_files(bdir, "cepci-kiosk-"), 7);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(backup_run(s, bdir, 7, y2025 + i * 86400, out, sizeof out, err, sizeof err), 0);
        if (!first[0])
            snprintf(first, sizeof first, "%s", out);
        assert_int_equal(access(out, F_OK), 0); /* the copy just made exists */
        if (i == 0) { /* the newest copy so far is dated 2100 */
            assert_non_null(strstr(err, "clock went backwards"));
            assert_null(strchr(err, '\n'));
        } else {
            assert_string_equal(err, "");
        }
    }
    assert_int_equal(count_files(bdir, "cepci-kiosk-"), 7);
    assert_int_equal(access(first, F_OK), 0);
    assert_non_null(strstr(out, "cepci-kiosk-000010-20250314-"));
    /* The three oldest by creation (2100-01-01..03) went, not the 2025 ones. */
    char p[4300];
    snprintf(p, sizeof p, "%s/cepci-kiosk-000001-21000101-000000.db", bdir);
    assert_int_equal(access(p, F_OK), -1);
    snprintf(p, sizeof p, "%s/cepci-kiosk-000004-21000104-000000.db", bdir);
    assert_int_equal(access(p, F_OK), 0);
    /* keep = 1 keeps exactly the copy just made. */
    assert_int_equal(backup_run(s, bdir, 1, y2025, out, sizeof out, err, sizeof err), 0);
    assert_int_equal(count_files(bdir, "cepci-kiosk-"), 1);
    assert_int_equal(access(out, F_OK), 0);
    tu_store_done(s, dir);
}

/* Copies named by an earlier version (no creation number) count as older
 * than every numbered copy, whatever their date. */
static void copies_of_earlier_versions_are_older(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), out[4200], err[512], p[4300];
    store *s = tu_store(dir, "k.db");
    char bdir[4200];
    snprintf(bdir, sizeof bdir, "%s/b", dir);
    mkdir(bdir, 0700);
    snprintf(p, sizeof p, "%s/cepci-kiosk-20990101-000000.db", bdir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(backup_run(s, bdir, 1, 1741795200, out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "cepci-kiosk-000001-"));
    assert_int_equal(access(p, F_OK), -1);
    assert_int_equal(access(out, F_OK), 0);
    tu_store_done(s, dir);
}

/* A backup killed half-way leaves ".partial" files (about 20 MB each on a
 * real roster) that nothing removed. The next backup removes those nobody
 * holds, and nothing else. */
static void killed_backup_leftovers_are_cleaned(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), out[4200], err[512], p[4300];
    store *s = tu_store(dir, "k.db");
    static const char *const stale[] = {".cepci-kiosk-20250101-000000.db.partial",
                                        ".cepci-kiosk-000003-20250102-000000.db.partial",
                                        ".cepci-kiosk-000003-20250102-000000.db.partial-journal",
                                        ".cepci-kiosk-000009-20250109-000000.db.partial-journal"};
    static const char *const keep[] = {".cepci-kiosk-000004-20250103-000000.db.partial", /* held */
                                       "cepci-kiosk.db.partial", "notas.partial", ".otro.db.partial"};
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, stale[i]);
        int fd = open(p, O_WRONLY | O_CREAT, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "x", 1), 1);
        close(fd);
    }
    int held = -1;
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, keep[i]);
        int fd = open(p, O_WRONLY | O_CREAT, 0600);
        assert_true(fd >= 0);
        if (i == 0) {
            assert_int_equal(flock(fd, LOCK_EX), 0); /* a backup running in another process */
            held = fd;
        } else {
            close(fd);
        }
    }
    assert_int_equal(backup_run(s, dir, 7, 1741795200, out, sizeof out, err, sizeof err), 0);
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, stale[i]);
        if (access(p, F_OK) == 0)
            fail_msg("%s was not removed", stale[i]);
    }
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, keep[i]);
        if (access(p, F_OK) != 0)
            fail_msg("%s was removed", keep[i]);
    }
    close(held);
    tu_store_done(s, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(backup_rotate_and_restore),
        cmocka_unit_test(backup_to_unwritable_folder_fails_cleanly),
        cmocka_unit_test(rotation_spares_the_live_database),
        cmocka_unit_test(clock_ahead_then_back_keeps_the_new_copy),
        cmocka_unit_test(copies_of_earlier_versions_are_older),
        cmocka_unit_test(killed_backup_leftovers_are_cleaned),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
