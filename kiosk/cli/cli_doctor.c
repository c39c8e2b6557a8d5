/* cli_doctor.c — `cepci-kiosk doctor`: is this machine ready to be a kiosk?
 * And the guard that keeps root from leaving files the kiosk cannot open.
 *
 * doctor prints one screenful, one line per check, in Spanish:
 *
 *   OK     configuración  /etc/cepci-kiosk/kiosk.ini (unidad SCLC, 5 unidades)
 *   AVISO  impresora      la impresora de red 10.0.0.5:9100 no contesta; ...
 *   ERROR  llave          falta /var/lib/cepci-kiosk/cepci-kiosk.db.key ...
 *
 * ERROR is what would stop the kiosk or keep it from recording (it would
 * not start, could not write, or what it writes could not be trusted);
 * AVISO is what it works without but someone should look at (no printer,
 * no recent backup, loose file modes). The exit status is 1 when there is
 * an ERROR, else 0. doctor changes nothing: the database is looked at
 * read-only (store_inspect) and opened through the store only when its
 * schema is this program's, so a check never migrates it; the printer gets
 * a status query, never a job.
 *
 * The kiosk's user is the owner of the database's folder (cepci-kiosk on an
 * installed system): doctor may run as root or as that user, and checks
 * permissions for that user. */
#include "cli_common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "central.h"
#include "gfx.h"
#include "keys.h"
#include "printer.h"
#include "util.h"

/* Tunables. */
#define DOCTOR_DISK_ERROR_MB 50        /* less free space than this: the kiosk may fail to record */
#define DOCTOR_DISK_WARN_MB 500        /* less than this: warn */
#define DOCTOR_BACKUP_MAX_AGE (36 * 3600)  /* the kiosk backs up daily: older than this, warn */
#define DOCTOR_PRINTER_TIMEOUT_MS 1500 /* ?timeout= for the printer's status query */
#define DOCTOR_LPSTAT_TIMEOUT_MS 3000  /* lpstat -p for a cups: queue */

enum { DOC_OK, DOC_WARN, DOC_ERROR };

typedef struct doctor {
    cli_ctx *ctx;
    int64_t now;
    int warnings, errors;
    char dir[4096];      /* the database's folder */
    uid_t owner;         /* its owner: the kiosk's user */
    gid_t group;
    char owner_name[64];
    store *s;            /* open when the database is usable (its schema is ours) */
} doctor;

/* Prints "LEVEL  TOPIC  text" with the columns aligned by characters (the
 * topics have accents), and counts warnings and errors. */
static void report(doctor *d, int level, const char *topic, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(doctor *d, int level, const char *topic, const char *fmt, ...)
{
    static const char *const names[] = {"OK", "AVISO", "ERROR"};
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    util_one_line(text);
    int chars = 0;
    for (const char *p = topic; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    printf("%-6s %s%*s %s\n", names[level], topic, chars < 14 ? 14 - chars : 0, "", text);
    d->warnings += level == DOC_WARN;
    d->errors += level == DOC_ERROR;
}

/* The folder of path ("." for a bare name) into out. */
static void dir_of(const char *path, char *out, size_t outlen)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, outlen, ".");
    else if (slash == path)
        snprintf(out, outlen, "/");
    else
        snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

/* Owner of path or, when it does not exist yet, of its nearest existing
 * parent (where it would be created). Returns 0, or -1. */
static int nearest_owner(const char *path, struct stat *st)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    while (stat(p, st) != 0) {
        char up[4096];
        if (strcmp(p, "/") == 0 || strcmp(p, ".") == 0)
            return -1;
        dir_of(p, up, sizeof up);
        snprintf(p, sizeof p, "%s", up);
    }
    return 0;
}

/* 1 if the kiosk's user (d->owner) may write path (a file or folder that
 * exists): access() when we are that user, else from the mode bits. */
static int kiosk_may_write(const doctor *d, const char *path)
{
    struct stat st;
    if (geteuid() == d->owner)
        return access(path, W_OK) == 0;
    if (stat(path, &st) != 0)
        return 0;
    if (d->owner == 0)
        return 1;
    if (st.st_uid == d->owner)
        return (st.st_mode & S_IWUSR) != 0;
    if (st.st_gid == d->group)
        return (st.st_mode & S_IWGRP) != 0;
    return (st.st_mode & S_IWOTH) != 0;
}

/* ---- the checks ---- */

static void check_config(doctor *d)
{
    const config *c = &d->ctx->cfg;
    if (d->ctx->config_err[0]) {
        report(d, DOC_ERROR, "configuración", "%s", d->ctx->config_err);
        return;
    }
    if (!d->ctx->config_path) {
        report(d, DOC_WARN, "configuración", "ninguna (valores por defecto); indique una con --config ARCHIVO");
        return;
    }
    if (!c->unit[0]) {
        report(d, DOC_WARN, "configuración", "%s: falta [kiosk] unit (la unidad donde está el quiosco)",
               d->ctx->config_path);
        return;
    }
    const config_unit *u = config_find_unit(c, c->unit);
    if (!u || !u->timezone[0]) {
        report(d, DOC_WARN, "configuración", "%s: la unidad %s no tiene sección [unit.%s] con su zona horaria (se usa %s)",
               d->ctx->config_path, c->unit, c->unit, CK_DEFAULT_TZ);
        return;
    }
    report(d, DOC_OK, "configuración", "%s (unidad %s, %d unidad%s)", d->ctx->config_path, c->unit, c->nunits,
           c->nunits == 1 ? "" : "es");
}

/* Counts the regular files in dir (the attract messages); -1 if unreadable. */
static int count_files(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)))
        n += e->d_name[0] != '.';
    closedir(dp);
    return n;
}

static void check_texts(doctor *d)
{
    const config *c = &d->ctx->cfg;
    if (access(c->carta, R_OK) != 0) {
        report(d, DOC_ERROR, "textos", "no se puede leer la Carta Compromiso %s: %s", c->carta, strerror(errno));
        return;
    }
    if (access(c->privacy, R_OK) != 0) {
        report(d, DOC_ERROR, "textos", "no se puede leer el aviso de privacidad %s: %s", c->privacy, strerror(errno));
        return;
    }
    if (c->logo[0]) {
        char err[128];
        cairo_surface_t *png = gfx_png_load(c->logo, err, sizeof err);
        if (!png) {
            report(d, DOC_WARN, "textos", "el logotipo %s no se puede usar: %s", c->logo, err);
            return;
        }
        cairo_surface_destroy(png);
    }
    int n = count_files(c->attract);
    if (n <= 0) {
        report(d, DOC_WARN, "textos", "Carta y aviso de privacidad legibles; sin mensajes de espera en %s", c->attract);
        return;
    }
    char dir[512];
    dir_of(c->carta, dir, sizeof dir);
    report(d, DOC_OK, "textos", "Carta, aviso de privacidad y %d mensaje%s de espera en %s", n, n == 1 ? "" : "s",
           dir);
}

/* The database: present, ours, intact, of this program's schema. Opens
 * d->s when it is usable. */
static void check_database(doctor *d)
{
    const char *db = d->ctx->db_path;
    int ours = store_schema_version();
    store_health h;
    char err[1024];
    int rc = store_inspect(db, &h, err, sizeof err);
    if (rc == STORE_NOTFOUND) {
        report(d, DOC_ERROR, "base de datos", "%s no existe; créela con: cepci-kiosk init", db);
        return;
    }
    if (rc != STORE_OK) {
        report(d, DOC_ERROR, "base de datos", "%s", err);
        return;
    }
    if (!h.ours) {
        report(d, DOC_ERROR, "base de datos", "%s no es una base de datos de cepci-kiosk", db);
        return;
    }
    if (strcmp(h.integrity, "ok") != 0) {
        report(d, DOC_ERROR, "base de datos", "%s está dañada: %s; restaure un respaldo", db, h.integrity);
        return;
    }
    if (h.version > ours) {
        report(d, DOC_ERROR, "base de datos",
               "%s es del esquema %d, más nuevo que el de este programa (%d): instale la versión que la escribió", db,
               h.version, ours);
        return;
    }
    if (h.version < ours) {
        report(d, DOC_WARN, "base de datos",
               "%s es del esquema %d: el quiosco la actualizará al %d al arrancar (antes la copia en %s.schema%d.bak)%s",
               db, h.version, ours, db, h.version,
               h.in_use ? "; la versión anterior aún la tiene abierta: reinicie el quiosco" : "");
        return;
    }
    if (!kiosk_may_write(d, db) || !kiosk_may_write(d, d->dir)) {
        report(d, DOC_ERROR, "base de datos", "%s: el usuario %s no puede escribir en ella o en su carpeta", db,
               d->owner_name);
        return;
    }
    if (store_open(&d->s, db, 0, err, sizeof err) != STORE_OK) {
        report(d, DOC_ERROR, "base de datos", "%s", err);
        return;
    }
    if (!store_kiosk_id(d->s)[0]) {
        report(d, DOC_ERROR, "base de datos", "%s no tiene identidad de quiosco; ejecute: cepci-kiosk init", db);
        store_close(d->s);
        d->s = NULL;
        return;
    }
    report(d, DOC_OK, "base de datos", "%s: íntegra, esquema %d, quiosco %s", db, h.version, store_kiosk_id(d->s));
}

static void check_audit(doctor *d)
{
    if (!d->s) {
        report(d, DOC_WARN, "auditoría", "no revisada (vea la base de datos)");
        return;
    }
    long n = 0;
    if (store_audit_verify(d->s, &n) != STORE_OK)
        report(d, DOC_ERROR, "auditoría", "la cadena de auditoría está ROTA: %s", store_errmsg(d->s));
    else
        report(d, DOC_OK, "auditoría", "cadena íntegra: %ld entrada%s verificada%s", n, n == 1 ? "" : "s",
               n == 1 ? "" : "s");
}

static void check_disk(doctor *d)
{
    struct statvfs v;
    if (statvfs(d->dir, &v) != 0) {
        report(d, DOC_WARN, "disco", "%s: no se puede consultar el espacio libre: %s", d->dir, strerror(errno));
        return;
    }
    double mb = (double)v.f_bavail * (double)v.f_frsize / (1024.0 * 1024.0);
    char amount[64];
    if (mb >= 1024)
        snprintf(amount, sizeof amount, "%.1f GiB", mb / 1024);
    else
        snprintf(amount, sizeof amount, "%.0f MiB", mb);
    if (mb < DOCTOR_DISK_ERROR_MB)
        report(d, DOC_ERROR, "disco", "solo %s libres en %s: el quiosco puede dejar de guardar registros", amount,
               d->dir);
    else if (mb < DOCTOR_DISK_WARN_MB)
        report(d, DOC_WARN, "disco", "%s libres en %s: libere espacio pronto", amount, d->dir);
    else
        report(d, DOC_OK, "disco", "%s libres en %s", amount, d->dir);
}

/* Database files: owned by the kiosk's user (or it cannot open them) and
 * private (personal data: 0600, the folder 0700). */
static void check_modes(doctor *d)
{
    static const char *const suffix[] = {"", "-wal", "-shm", ".key"};
    char path[4200], problem[1024] = "";
    int level = DOC_OK, found = 0;
    struct stat st;
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(path, sizeof path, "%s%s", d->ctx->db_path, suffix[i]);
        if (stat(path, &st) != 0)
            continue;
        found++;
        if (st.st_uid != d->owner) {
            struct passwd *pw = getpwuid(st.st_uid);
            snprintf(problem, sizeof problem, "%s es de %s y el quiosco (usuario %s) no podrá abrirlo: chown %s %s",
                     path, pw ? pw->pw_name : "otro usuario", d->owner_name, d->owner_name, path);
            level = DOC_ERROR;
            break;
        }
        if ((st.st_mode & 077) && level == DOC_OK) {
            snprintf(problem, sizeof problem, "%s tiene modo %03o (datos personales): chmod 600 %s", path,
                     (unsigned)(st.st_mode & 0777), path);
            level = DOC_WARN;
        }
    }
    if (level == DOC_OK && stat(d->dir, &st) == 0 && (st.st_mode & 077)) {
        snprintf(problem, sizeof problem, "la carpeta %s tiene modo %03o: chmod 700 %s", d->dir,
                 (unsigned)(st.st_mode & 0777), d->dir);
        level = DOC_WARN;
    }
    if (level == DOC_OK && !found)
        report(d, DOC_WARN, "permisos", "no hay base de datos ni llave que revisar en %s", d->dir);
    else if (level == DOC_OK)
        report(d, DOC_OK, "permisos", "base de datos y llave 0600, del usuario %s", d->owner_name);
    else
        report(d, level, "permisos", "%s", problem);
}

/* The signing key: there, private, and the one whose public half the
 * database holds for this kiosk. */
static void check_key(doctor *d)
{
    char path[4200], err[1024];
    struct stat st;
    keys_path(d->ctx->db_path, path, sizeof path);
    if (stat(path, &st) != 0) {
        report(d, DOC_ERROR, "llave", "falta la llave de firma %s: sin ella no hay comprobantes; restáurela del "
               "respaldo de la llave", path);
        return;
    }
    if (st.st_size != KEYS_SECRET_BYTES) {
        report(d, DOC_ERROR, "llave", "%s no es una llave de firma (%lld bytes)", path, (long long)st.st_size);
        return;
    }
    if (st.st_mode & 077) {
        report(d, DOC_ERROR, "llave", "%s la pueden leer otros usuarios y el quiosco la rechaza: chmod 600 %s", path,
               path);
        return;
    }
    unsigned char sk[KEYS_SECRET_BYTES], pk[KEYS_PUBLIC_BYTES], enrolled[KEYS_PUBLIC_BYTES];
    if (keys_load_secret(d->ctx->db_path, sk, err, sizeof err) != 0) {
        report(d, DOC_ERROR, "llave", "%s", err);
        return;
    }
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    sodium_memzero(sk, sizeof sk);
    if (!d->s) {
        report(d, DOC_WARN, "llave", "%s legible; no se comparó con la base de datos", path);
        return;
    }
    const char *id = store_kiosk_id(d->s);
    int rc = store_key_get(d->s, id, enrolled);
    if (rc == STORE_NOTFOUND)
        report(d, DOC_ERROR, "llave", "la base de datos no tiene la llave pública del quiosco %s", id);
    else if (rc != STORE_OK)
        report(d, DOC_ERROR, "llave", "%s", store_errmsg(d->s));
    else if (sodium_memcmp(pk, enrolled, sizeof pk) != 0)
        report(d, DOC_ERROR, "llave",
               "%s no es la llave del quiosco %s (su parte pública no es la registrada): los comprobantes no se "
               "podrían verificar", path, id);
    else
        report(d, DOC_OK, "llave", "%s corresponde al quiosco %s", path, id);
}

static void check_fonts(doctor *d)
{
    char family[64], file[1024], bold[1024];
    if (gfx_font(0, 0, family, sizeof family, file, sizeof file) != 0) {
        report(d, DOC_ERROR, "tipografía", "fontconfig no encuentra Noto Sans ni DejaVu Sans: instale fonts-noto-core");
        return;
    }
    if (gfx_font(0, 1, NULL, 0, bold, sizeof bold) != 0) {
        report(d, DOC_WARN, "tipografía", "%s sin su negrita (%s)", family, file);
        return;
    }
    report(d, DOC_OK, "tipografía", "%s (%s)", family, file);
}

/* Milliseconds since *t0 (CLOCK_MONOTONIC). */
static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Runs `lpstat -p QUEUE` (a cups: printer) within DOCTOR_LPSTAT_TIMEOUT_MS;
 * its first line goes to out. Returns its exit status, or -1. */
static int lpstat(const char *queue, char *out, size_t outlen)
{
    int pfd[2], status = -1;
    out[0] = '\0';
    if (pipe(pfd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, 0) < 0 || dup2(pfd[1], 1) < 0 || dup2(pfd[1], 2) < 0)
            _exit(126);
        char *argv[] = {"lpstat", "-p", (char *)queue, NULL};
        char *envp[] = {"LC_ALL=C", "PATH=/usr/bin:/bin", NULL};
        execve("/usr/bin/lpstat", argv, envp);
        _exit(127);
    }
    close(pfd[1]);
    size_t n = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long left = DOCTOR_LPSTAT_TIMEOUT_MS - elapsed_ms(&t0);
        struct pollfd p = {.fd = pfd[0], .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t r = read(pfd[0], out + n, outlen - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n >= outlen - 1)
            break;
    }
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
    close(pfd[0]);
    /* Its output ended: give it the rest of the time to exit. */
    pid_t w;
    while ((w = waitpid(pid, &status, WNOHANG)) == 0 && elapsed_ms(&t0) < DOCTOR_LPSTAT_TIMEOUT_MS)
        poll(NULL, 0, 10);
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        snprintf(out, outlen, "lpstat no contestó a tiempo");
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void check_printer(doctor *d)
{
    const char *uri = d->ctx->cfg.printer_uri;
    char err[1024];
    if (!uri[0] || strcmp(uri, "none") == 0) {
        report(d, DOC_OK, "impresora", "ninguna ([printer] uri = none): los comprobantes solo se muestran");
        return;
    }
    if (strncmp(uri, "png:", 4) == 0 || (strncmp(uri, "escpos+file:", 12) == 0 && strncmp(uri + 12, "/dev/", 5))) {
        /* A folder of PNG files, or a plain file (tests, spooling): writable? */
        const char *path = uri + (uri[0] == 'p' ? 4 : 12);
        char dir[4096];
        struct stat st;
        if (uri[0] == 'p')
            snprintf(dir, sizeof dir, "%s", path);
        else
            dir_of(path, dir, sizeof dir);
        if (!*path || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || !kiosk_may_write(d, dir))
            report(d, DOC_WARN, "impresora", "%s: el usuario %s no puede escribir en %s", uri, d->owner_name,
                   *path ? dir : "(falta la carpeta)");
        else
            report(d, DOC_OK, "impresora", "%s: se puede escribir", uri);
        return;
    }
    if (strncmp(uri, "cups:", 5) == 0) {
        char queue[256], line[512];
        snprintf(queue, sizeof queue, "%.*s", (int)strcspn(uri + 5, "?"), uri + 5);
        int rc = lpstat(queue, line, sizeof line);
        if (rc == 0 && !strstr(line, "disabled"))
            report(d, DOC_OK, "impresora", "%s: %s", uri, line);
        else
            report(d, DOC_WARN, "impresora", "%s: %s", uri,
                   rc == 127 ? "no se encuentra lpstat (instale cups-client)" : line[0] ? line : "lpstat falló");
        return;
    }
    /* escpos+file:/dev/... (opened, nothing written) and escpos+tcp://
     * (connected, then the paper-status query DLE EOT 4 unless status=off),
     * through the transport the receipts use, with a short timeout. */
    char probe[1100];
    if (strncmp(uri, "escpos+tcp://", 13) == 0)
        snprintf(probe, sizeof probe, "%s%ctimeout=%d", uri, strchr(uri, '?') ? '&' : '?', DOCTOR_PRINTER_TIMEOUT_MS);
    else
        snprintf(probe, sizeof probe, "%s", uri);
    if (printer_send(probe, "", 0, err, sizeof err) != 0)
        report(d, DOC_WARN, "impresora", "%s", err);
    else
        report(d, DOC_OK, "impresora", "%s contesta%s", uri,
               strncmp(uri, "escpos+tcp://", 13) == 0 && !strstr(uri, "status=off") && !strstr(uri, "status=0")
                   ? " y tiene papel" : "");
}

/* "3 h", "2 días", ... */
static void format_age(int64_t s, char *out, size_t outlen)
{
    if (s < 3600)
        snprintf(out, outlen, "%lld min", (long long)(s < 0 ? 0 : s / 60));
    else if (s < 2 * 86400)
        snprintf(out, outlen, "%lld h", (long long)(s / 3600));
    else
        snprintf(out, outlen, "%lld días", (long long)(s / 86400));
}

static void check_backups(doctor *d)
{
    const char *dir = d->ctx->cfg.backup_dir;
    struct stat st;
    if (!dir[0]) {
        report(d, DOC_WARN, "respaldos", "desactivados ([backup] dir vacío)");
        return;
    }
    if (stat(dir, &st) != 0) {
        report(d, DOC_WARN, "respaldos", "%s no existe todavía: haga uno con: cepci-kiosk backup", dir);
        return;
    }
    if (!S_ISDIR(st.st_mode) || !kiosk_may_write(d, dir)) {
        report(d, DOC_WARN, "respaldos", "%s: el usuario %s no puede escribir ahí; los respaldos diarios fallarán",
               dir, d->owner_name);
        return;
    }
    /* The newest copy is the last made (backup_run's creation number),
     * its age the time in its name. */
    DIR *dp = opendir(dir);
    int64_t newest = INT64_MIN, t;
    unsigned long last = 0, seq;
    int n = 0;
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        if (backup_name_parse(e->d_name, &seq, &t)) {
            if (!n++ || seq > last || (seq == last && t > newest)) {
                last = seq;
                newest = t;
            }
        }
    if (dp)
        closedir(dp);
    char age[32];
    if (!n) {
        report(d, DOC_WARN, "respaldos", "%s: ningún respaldo todavía; haga uno con: cepci-kiosk backup", dir);
        return;
    }
    format_age(d->now - newest, age, sizeof age);
    report(d, d->now - newest > DOCTOR_BACKUP_MAX_AGE ? DOC_WARN : DOC_OK, "respaldos",
           "%s: %d respaldo%s, el más reciente de hace %s", dir, n, n == 1 ? "" : "s", age);
}

static void check_exports(doctor *d)
{
    const char *dir = d->ctx->cfg.export_dir;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        report(d, DOC_WARN, "exportaciones", "%s no existe (¿memoria USB sin montar?)", dir);
    else if (!kiosk_may_write(d, dir))
        report(d, DOC_WARN, "exportaciones", "%s: el usuario %s no puede escribir ahí", dir, d->owner_name);
    else
        report(d, DOC_OK, "exportaciones", "%s", dir);
}

/* The central, when [central] url is set: reachable, and this kiosk
 * enrolled there (a short connect timeout); what waits to be sent. A
 * failure is an AVISO: the kiosk records offline and never waits on the
 * network. */
static void check_central(doctor *d)
{
    const char *url = d->ctx->cfg.central_url;
    char line[1024], err[1024];
    if (!url[0]) {
        report(d, DOC_OK, "central", "no configurada (el quiosco trabaja solo)");
        return;
    }
    if (!d->s) {
        report(d, DOC_WARN, "central", "configurada, pero sin base de datos utilizable no se puede revisar");
        return;
    }
    store_sync_state st;
    int rc = store_sync_state_get(d->s, NULL, &st);
    char pending[160] = "";
    if (rc == STORE_OK || rc == STORE_NOTFOUND)
        snprintf(pending, sizeof pending, "; %lld entradas pendientes de enviar%s", (long long)st.pending,
                 rc == STORE_NOTFOUND ? ", nunca se ha sincronizado" : "");
    if (central_probe(url, store_kiosk_id(d->s), 5, line, sizeof line, err, sizeof err) != 0)
        report(d, DOC_WARN, "central", "%s%s", err, pending);
    else
        report(d, DOC_OK, "central", "%s%s", line, pending);
}

int cli_cmd_doctor(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 1)
        return cli_error("usage: doctor");
    doctor d = {.ctx = ctx, .now = cli_now()};
    struct stat st;
    dir_of(ctx->db_path, d.dir, sizeof d.dir);
    if (nearest_owner(d.dir, &st) == 0) {
        d.owner = st.st_uid;
        d.group = st.st_gid;
    } else {
        d.owner = geteuid();
        d.group = getegid();
    }
    struct passwd *pw = getpwuid(d.owner);
    if (pw)
        snprintf(d.owner_name, sizeof d.owner_name, "%s", pw->pw_name);
    else
        snprintf(d.owner_name, sizeof d.owner_name, "%u", (unsigned)d.owner);

    printf("cepci-kiosk doctor: este equipo como quiosco (usuario %s, esquema %d)\n", d.owner_name,
           store_schema_version());
    check_config(&d);
    check_texts(&d);
    check_database(&d);
    check_audit(&d);
    check_disk(&d);
    check_modes(&d);
    check_key(&d);
    check_fonts(&d);
    check_printer(&d);
    check_backups(&d);
    check_exports(&d);
    check_central(&d);
    store_close(d.s);
    if (d.errors)
        printf("%d error%s, %d aviso%s: el quiosco no funcionará hasta corregir lo marcado ERROR.\n", d.errors,
               d.errors == 1 ? "" : "es", d.warnings, d.warnings == 1 ? "" : "s");
    else
        printf("Sin errores, %d aviso%s.\n", d.warnings, d.warnings == 1 ? "" : "s");
    fflush(stdout);
    return d.errors ? 1 : 0;
}

/* ---- root guard ---- */

int cli_root_guard(cli_ctx *ctx, int argc, char **argv)
{
    if (geteuid() != 0 || argc < 1)
        return 0;
    const char *cmd = argv[0], *where;
    char dir[4096];
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "init") == 0) {
        dir_of(ctx->db_path, dir, sizeof dir);
        where = dir;
    } else if (strcmp(cmd, "backup") == 0) {
        where = argc == 2 ? argv[1] : ctx->cfg.backup_dir;
    } else {
        return 0; /* the others write only into the database (SQLite gives root's -wal and -shm to its owner) */
    }
    struct stat st;
    if (nearest_owner(where, &st) != 0 || st.st_uid == 0)
        return 0;
    struct passwd *pw = getpwuid(st.st_uid);
    char name[64];
    snprintf(name, sizeof name, "%s", pw ? pw->pw_name : "");
    if (!name[0])
        return cli_error("%s: como root dejaría en %s archivos que su dueño (uid %u) no podría abrir; ejecútelo "
                         "como ese usuario", cmd, where, (unsigned)st.st_uid);
    return cli_error("%s: como root dejaría en %s archivos que el quiosco (usuario %s) no podría abrir; use: "
                     "runuser -u %s -- cepci-kiosk %s ...", cmd, where, name, name, cmd);
}
