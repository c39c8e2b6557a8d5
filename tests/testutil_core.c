/* testutil_core.c — see testutil_core.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "testutil_core.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int skipped;

char *tu_tmpdir(void)
{
    char tmpl[] = "/tmp/ck-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0 && errno != ENOENT)
        fprintf(stderr, "warning: could not remove %s: %s\n", path, strerror(errno));
    return 0;
}

void tu_rmrf(const char *path)
{
    /* Depth first, not following links: a link is removed, not its target. */
    if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
        fprintf(stderr, "warning: could not remove %s: %s\n", path, strerror(errno));
}

void tu_tmpdir_done(char *dir)
{
    tu_rmrf(dir);
    free(dir);
}

char *tu_write(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = malloc(4096);
    assert_non_null(path);
    snprintf(path, 4096, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ssize_t r;
    assert_non_null(buf);
    while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (n + 1 >= cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
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
        if (!av)
            _exit(127);
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

void tu_skip(const char *why)
{
    skipped++;
    print_message("SKIP: %s\n", why);
    skip();
}

/* 1 if prog (a name without '/') is an executable in a folder of PATH. */
static int on_path(const char *prog, size_t len)
{
    const char *env = getenv("PATH");
    const char *p = env && *env ? env : "/usr/bin:/bin";
    char path[4096];
    while (*p) {
        size_t n = strcspn(p, ":");
        snprintf(path, sizeof path, "%.*s/%.*s", (int)n, n ? p : ".", (int)len, prog);
        if (access(path, X_OK) == 0)
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

void tu_need(const char *progs)
{
    char why[256];
    for (const char *p = progs; *p;) {
        size_t n = strcspn(p, " ");
        if (n && !on_path(p, n)) {
            snprintf(why, sizeof why, "%.*s is not installed (scripts/setup.sh installs it)", (int)n, p);
            tu_skip(why);
        }
        p += n + (p[n] == ' ');
    }
}

int tu_exit(int failed)
{
    if (failed != 0)
        return failed;
    return skipped ? TU_SKIPPED : 0;
}

unsigned tu_seed(const char *test, unsigned fallback)
{
    const char *env = getenv("CK_SEED");
    unsigned seed = fallback;
    if (env && *env) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(env, &end, 10);
        if (errno || *end || v > 0xffffffffUL || env[0] == '-')
            fail_msg("CK_SEED='%s' is not a decimal number below 2^32", env);
        seed = (unsigned)v;
    }
    print_message("%s: seed %u (replay: CK_SEED=%u)\n", test, seed, seed);
    return seed;
}

char *tu_sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof cmd)
        fail_msg("tu_sh: command too long");
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0, r;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((r = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += r;
        if (n + 1 >= cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    pclose(p);
    return buf;
}

int tu_pdf_pages(const char *path)
{
    char *o = tu_sh("pdfinfo '%s' 2>/dev/null | sed -n 's/^Pages: *//p'", path);
    int n = atoi(o);
    free(o);
    return n;
}
