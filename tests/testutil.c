/* testutil.c — see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util.h"

char *tu_tmpdir(void)
{
    char tmpl[] = "/tmp/ck-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

void tu_rmrf(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", path);
}

char *tu_write(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

store *tu_store(const char *dir, const char *name)
{
    char path[4096], err[512];
    store *s = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(util_init(), 0);
    if (store_open(&s, path, 1, err, sizeof err) != STORE_OK)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_init_identity(s, "Institución de Prueba", "SCLC", 1600000000), STORE_OK);
    assert_int_equal(store_unit_put(s, "SCLC", "San Cristóbal de Las Casas", "America/Mexico_City"), STORE_OK);
    assert_int_equal(store_unit_put(s, "CHE", "Chetumal", "America/Cancun"), STORE_OK);
    return s;
}

void tu_store_done(store *s, char *dir)
{
    store_close(s);
    tu_rmrf(dir);
    free(dir);
}

sqlite3 *tu_db(store *s)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(store_path(s), &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        fail_msg("open %s: %s", store_path(s), db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_busy_timeout(db, 5000);
    return db;
}

long tu_count(store *s, const char *sql)
{
    sqlite3 *db = tu_db(s);
    sqlite3_stmt *st;
    long n = -1;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

void tu_people(store *s)
{
    tu_person(s, "1001", "José", "Peña", "Íñiguez", "SCLC", 1);
    tu_person(s, "1002", "María José", "López", "Ruiz", "SCLC", 1);
    tu_person(s, "1003", "Juan", "Pérez", "", "CHE", 1);
}

void tu_person(store *s, const char *no, const char *given, const char *s1, const char *s2, const char *unit,
               int active)
{
    store_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.employee_no, sizeof p.employee_no, "%s", no);
    snprintf(p.given_name, sizeof p.given_name, "%s", given);
    snprintf(p.surname1, sizeof p.surname1, "%s", s1);
    snprintf(p.surname2, sizeof p.surname2, "%s", s2);
    snprintf(p.unit, sizeof p.unit, "%s", unit);
    snprintf(p.area, sizeof p.area, "Área de pruebas");
    p.active = active;
    if (store_person_upsert(s, &p, 1600000000, NULL) != STORE_OK)
        fail_msg("person %s: %s", no, store_errmsg(s));
}

const char *tu_event(store *s, const char *title, const char *kind, const char *topics, const char *unit,
                     const char *start, int signature)
{
    static store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "%s", title);
    snprintf(e.kind, sizeof e.kind, "%s", kind);
    snprintf(e.topics, sizeof e.topics, "%s", topics);
    snprintf(e.unit, sizeof e.unit, "%s", unit);
    snprintf(e.start, sizeof e.start, "%s", start);
    e.signature = signature;
    if (store_event_add(s, &e, 1600000000) != STORE_OK)
        fail_msg("event: %s", store_errmsg(s));
    assert_int_equal(store_event_set_state(s, e.id, "open", 1600000000), STORE_OK);
    return e.id;
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    return buf;
}

int tu_run(char **out, char **err, const char *const *argv)
{
    const char *bin = getenv("CK_BIN");
    assert_non_null(bin);
    char outp[] = "/tmp/ck-out-XXXXXX", errp[] = "/tmp/ck-err-XXXXXX";
    int fo = mkstemp(outp), fe = mkstemp(errp);
    assert_true(fo >= 0 && fe >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int n = 0;
        while (argv[n])
            n++;
        char **av = calloc((size_t)n + 2, sizeof *av);
        av[0] = (char *)bin;
        for (int i = 0; i < n; i++)
            av[i + 1] = (char *)argv[i];
        dup2(fo, 1);
        dup2(fe, 2);
        int devnull = open("/dev/null", 0);
        dup2(devnull, 0);
        execv(bin, av);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    lseek(fo, 0, SEEK_SET);
    lseek(fe, 0, SEEK_SET);
    char *o = slurp_fd(fo), *e = slurp_fd(fe);
    close(fo);
    close(fe);
    unlink(outp);
    unlink(errp);
    if (out) *out = o; else free(o);
    if (err) *err = e; else free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *tu_src(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("CK_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/%s", root ? root : CK_SOURCE_DIR, rel);
    return buf;
}
