/* evidence.c — the evidence package of a year and its verification (see
 * evidence.h).
 *
 * Building. Every document is written by the ordinary writers into a
 * private folder (mode 0700) beside the target, all from one read snapshot
 * of the database, so the lists, the indicators and the event list agree.
 * Each file is then hashed; the attachments are read straight from the
 * attachments folder and must still match the hash the database recorded.
 * MANIFEST.csv lists every file (path, SHA-256, size, PAT activity, what
 * it evidences) in path order, MANIFEST.sig signs it with the kiosk's
 * Ed25519 key, and libzip writes the ZIP (documents deflated; PDFs,
 * pictures and workbooks, already compressed, stored) under a temporary
 * name, which is fsync'd and renamed into place. The private folder is
 * removed whatever happens.
 *
 * Layout (decided here, written in LEEME.txt and the README):
 *   LEEME.txt, MANIFEST.csv, MANIFEST.sig, CADENA.txt, HUELLAS.csv,
 *   eventos_AAAA.csv
 *   indicadores/informe-indicadores_AAAA.pdf, .csv
 *   <clave PAT>/<AAAA-MM-DD>_<título>_<UNIDAD>/lista-asistencia_....pdf, .csv
 *                                            /anexos/<tipo>-N_<nombre>
 *   4.3.2/base-datos-carta-compromiso_AAAA.pdf, .csv, .xlsx
 * An event goes under its own PAT key; without one, a Code-of-Conduct
 * oath (protesta) goes under 4.3.1, a training that counts for I.1 under
 * 1.1.2, anything else under sin-clave-pat. Draft events have no list.
 *
 * The signature: Ed25519 over "CKM1\n" followed by the bytes of
 * MANIFEST.csv, so anyone can check it with the public key alone (LEEME.txt
 * says how with openssl). CADENA.txt, a file of the manifest, holds the
 * audit chain's head signed by the kiosk key when the package was made
 * (CKH1:, the text `audit verify --head` takes): verify --package checks
 * its signature and, on the kiosk's own database, that the chain still
 * holds it; without it (a chain that did not verify) it says why.
 * HUELLAS.csv, also of the manifest, gives each list (every attendance list,
 * the pledge database and the indicator report) with the signed fingerprint
 * its PDF's QR code carries (CKL2:/CKP2:/CKI2:, export.h): verify --package checks each signature
 * and that the fingerprint is the SHA-256 of the list's CSV beside it. */
#include "evidence.h"
#include "export.h"
#include "export_int.h"
#include "export_labels.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "csvout.h"
#include "keys.h"
#include "store_evidence.h"
#include "util.h"

#define EV_MANIFEST "MANIFEST.csv"
#define EV_SIGNATURE "MANIFEST.sig"
#define EV_TAG "CKM1\n"
#define EV_CHAIN "CADENA.txt"
#define EV_PRINTS "HUELLAS.csv"
#define EV_PRINTS_COLS 6
#define EV_CHUNK 65536

/* ---- small helpers ---- */

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    util_one_line(err);
}

/* SHA-256 (hex) and size of a file. 0 or -1 with errno. */
static int hash_path(const char *path, char hex[65], long long *size)
{
    unsigned char buf[EV_CHUNK], d[32];
    crypto_hash_sha256_state h;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    crypto_hash_sha256_init(&h);
    long long n = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        crypto_hash_sha256_update(&h, buf, (size_t)r);
        n += r;
    }
    close(fd);
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hex, 65, d, 32);
    *size = n;
    return 0;
}

/* Removes the folder tree at path (our own private folder only). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[4400];
            struct stat st;
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(sub);
            else
                unlink(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

/* ---- the package being built ---- */

typedef struct ev_entry {
    char *zpath;           /* path inside the package */
    char *src;             /* the file on disk */
    char sha[65];
    long long size;
    char pat[24];          /* PAT activity */
    char *what;            /* what it evidences (Spanish) */
    int stored;            /* already compressed: store, do not deflate */
} ev_entry;

typedef struct ev_pkg {
    store *s;
    const config *c;
    const char *db_path;
    int year;
    int64_t now;
    char tmpdir[4096];
    ev_entry *e;
    int n, cap;
    char *err;
    size_t errlen;
    export_evidence_stats *st;
    FILE *prints;          /* HUELLAS.csv's rows, in memory (open_memstream) */
    char *prints_buf;
    size_t prints_len;
} ev_pkg;

/* The path on disk for package path zpath, its folders made. */
static int pkg_path(ev_pkg *p, const char *zpath, char *out, size_t outlen)
{
    if ((size_t)snprintf(out, outlen, "%s/%s", p->tmpdir, zpath) >= outlen) {
        fail(p->err, p->errlen, "ruta demasiado larga en el paquete: %s", zpath);
        return -1;
    }
    for (char *q = out + strlen(p->tmpdir) + 1; (q = strchr(q, '/')); q++) {
        *q = '\0';
        int rc = mkdir(out, 0700);
        *q = '/';
        if (rc != 0 && errno != EEXIST) {
            fail(p->err, p->errlen, "no se pudo crear la carpeta temporal del paquete: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Adds the file src as zpath. want_sha (may be NULL): the hash it must
 * have. Returns 0 or -1 with err. */
static int pkg_add(ev_pkg *p, const char *zpath, const char *src, const char *pat, const char *what, int stored,
                   const char *want_sha)
{
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 64;
        ev_entry *ne = realloc(p->e, (size_t)cap * sizeof *ne);
        if (!ne) {
            fail(p->err, p->errlen, "memoria insuficiente");
            return -1;
        }
        p->e = ne;
        p->cap = cap;
    }
    ev_entry *e = &p->e[p->n];
    memset(e, 0, sizeof *e);
    if (hash_path(src, e->sha, &e->size) != 0) {
        fail(p->err, p->errlen, "%s: no se puede leer: %s", src, strerror(errno));
        return -1;
    }
    if (want_sha && strcmp(want_sha, e->sha) != 0) {
        fail(p->err, p->errlen,
             "el anexo %s ya no coincide con la huella registrada en la base de datos; no se armó el paquete "
             "(revise con «cepci-kiosk audit verify»)", src);
        return -1;
    }
    e->zpath = strdup(zpath);
    e->src = strdup(src);
    e->what = strdup(what);
    util_strlcpy(e->pat, pat, sizeof e->pat);
    e->stored = stored;
    p->n++;
    if (!e->zpath || !e->src || !e->what) {
        fail(p->err, p->errlen, "memoria insuficiente");
        return -1;
    }
    if (p->st)
        p->st->bytes += e->size;
    return 0;
}

static void pkg_free(ev_pkg *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->e[i].zpath);
        free(p->e[i].src);
        free(p->e[i].what);
    }
    free(p->e);
    p->e = NULL;
    p->n = p->cap = 0;
}

/* ---- what goes in ---- */

/* 1 when one of the event's topics counts for the indicators. */
static int counts(const config *c, const store_event *e)
{
    char buf[256];
    util_strlcpy(buf, e->topics, sizeof buf);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (config_topic_counts(c, util_trim(t)))
            return 1;
    return 0;
}

/* The PAT activity an event's evidence is filed under (see the top). */
static void event_activity(const config *c, const store_event *e, char *out, size_t outlen)
{
    if (e->pat[0])
        util_strlcpy(out, e->pat, outlen);
    else if (strcmp(e->kind, "protesta") == 0)
        util_strlcpy(out, "4.3.1", outlen);
    else if (counts(c, e))
        util_strlcpy(out, "1.1.2", outlen);
    else
        util_strlcpy(out, "sin-clave-pat", outlen);
}

typedef struct att_walk {
    ev_pkg *p;
    const store_event *ev;
    const char *folder, *pat;
    int counts[4];
    int rc;
} att_walk;

static int add_attachment(const store_attachment *a, void *arg)
{
    att_walk *w = arg;
    ev_pkg *p = w->p;
    static const char *const kindname[4] = {"fotografia", "lista-en-papel", "constancia", "documento"};
    char src[4400], zpath[4400], slug[64], base[STORE_TEXT_LEN], what[800];
    int k = export_attachment_kind_index(a->kind);
    w->counts[k]++;
    /* "fotografia-2_foto-del-taller.jpg": the kind, its number, the original name. */
    util_strlcpy(base, a->name, sizeof base);
    char *dot = strrchr(base, '.');
    if (dot)
        *dot = '\0';
    export_slug(base, slug, sizeof slug);
    snprintf(zpath, sizeof zpath, "%s/anexos/%s-%d_%s.%s", w->folder, kindname[k], w->counts[k], slug,
             store_attachment_ext(a->media_type));
    store_attachment_file(p->s, a, src, sizeof src);
    snprintf(what, sizeof what, "Anexo de «%s» (%.10s, %s): %s (%s)", w->ev->title, w->ev->start, w->ev->unit,
             export_attachment_label(a->kind, 1), a->name);
    if (pkg_add(p, zpath, src, w->pat, what, 1, a->sha256) != 0) {
        w->rc = -1;
        return 1;
    }
    if (p->st)
        p->st->attachments++;
    return 0;
}

/* The attendance list (PDF, CSV) and attachments of one event. */
/* The folders of the events events[0..n) (in start order, drafts skipped)
 * into folders[i] (EXPORT_FOLDER_LEN each; "" for a draft): "<activity>/
 * <date>_<title words>_<unit>", and "-2", "-3"... for a later event that
 * would share the name. The same events give the same folders, so the
 * indicator report can link to the lists. */
static void event_folders(const config *c, const store_event *events, int n, char (*folders)[EXPORT_FOLDER_LEN])
{
    for (int i = 0; i < n; i++) {
        const store_event *e = &events[i];
        char pat[24], slug[64];
        folders[i][0] = '\0';
        if (strcmp(e->state, "draft") == 0)
            continue;
        event_activity(c, e, pat, sizeof pat);
        export_slug(e->title, slug, sizeof slug);
        snprintf(folders[i], EXPORT_FOLDER_LEN, "%s/%.10s_%s_%s", pat, e->start, slug, e->unit);
        for (int k = 2; k < 1000; k++) {
            int used = 0;
            for (int j = 0; j < i && !used; j++)
                used = strcmp(folders[j], folders[i]) == 0;
            if (!used)
                break;
            snprintf(folders[i], EXPORT_FOLDER_LEN, "%s/%.10s_%s_%s-%d", pat, e->start, slug, e->unit, k);
        }
    }
}

typedef struct ev_events {
    store_event *v;
    int n, cap, oom;
} ev_events;

static int collect_event(const store_event *e, void *arg)
{
    ev_events *l = arg;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 32;
        store_event *nv = realloc(l->v, (size_t)cap * sizeof *nv);
        if (!nv) {
            l->oom = 1;
            return 1;
        }
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = *e;
    return 0;
}

int export_package_folders(store *s, const config *c, int year,
                           int (*fn)(const store_event *e, const char *folder, void *ctx), void *ctx)
{
    ev_events evs = {0};
    char (*folders)[EXPORT_FOLDER_LEN] = NULL;
    int rc = store_event_each(s, year, 0, collect_event, &evs);
    if (rc == STORE_OK && !evs.oom && !(folders = calloc((size_t)evs.n + 1, sizeof *folders)))
        evs.oom = 1;
    if (rc == STORE_OK && !evs.oom) {
        event_folders(c, evs.v, evs.n, folders);
        for (int i = 0; i < evs.n && rc == STORE_OK; i++)
            if (folders[i][0])
                rc = fn(&evs.v[i], folders[i], ctx);
    }
    free(folders);
    free(evs.v);
    return evs.oom ? STORE_ERROR : rc;
}

/* One row of HUELLAS.csv: the document of kind (EXPORT_FP_*: an event's
 * attendance list, the pledge database or the indicator report of the
 * year) as its PDF signs it (the same digest and record, signed
 * deterministically: the payload is the PDF's QR code), with the package
 * paths of its PDF and CSV. */
static int list_print(ev_pkg *p, int kind, const store_event *e, const char *pdf, const char *csv)
{
    export_digest d;
    char inst[256], tz[STORE_TZ_LEN], payload[EXPORT_PAYLOAD_MAX], sig[129], key[65], hex[65];
    int rc = kind == EXPORT_FP_ATTENDANCE ? export_attendance_digest(p->s, p->c, e, -1, &d, p->err, p->errlen)
             : kind == EXPORT_FP_PLEDGES  ? export_pledges_digest(p->s, p->year, -1, &d, p->err, p->errlen)
                                          : export_indicators_digest(p->s, p->c, p->year, &d, p->err, p->errlen);
    if (rc != 0)
        return -1;
    export_institution(p->s, p->c, inst, sizeof inst);
    export_unit_tz(p->s, p->c, p->c->unit, tz, sizeof tz);
    export_list_id id = {kind, d.rows,
                         kind == EXPORT_FP_ATTENDANCE ? export_event_state(e)
                                                      : export_pledges_state(p->year, p->now, tz),
                         kind == EXPORT_FP_ATTENDANCE ? e : NULL, kind == EXPORT_FP_ATTENDANCE ? 0 : p->year, inst};
    if (export_sign_list(p->s, p->db_path, &id, d.sha, payload, sizeof payload, sig, key, p->err, p->errlen) != 0)
        return -1;
    sodium_bin2hex(hex, sizeof hex, d.sha, sizeof d.sha);
    csvout_field(p->prints, pdf, 1);
    csvout_field(p->prints, csv, 0);
    csvout_field(p->prints, hex, 0);
    csvout_int(p->prints, d.rows, 0);
    csvout_field(p->prints, id.state == EXPORT_STATE_CLOSED ? "definitiva" : "PRELIMINAR", 0);
    csvout_field(p->prints, payload, 0);
    csvout_end(p->prints);
    return ferror(p->prints) ? (fail(p->err, p->errlen, "memoria insuficiente"), -1) : 0;
}

/* HUELLAS.csv from the rows gathered. */
static int doc_prints(ev_pkg *p, const char *path)
{
    export_file o;
    if (fflush(p->prints) != 0 || ferror(p->prints)) {
        fail(p->err, p->errlen, "memoria insuficiente");
        return -1;
    }
    if (export_file_open(&o, path, 0, p->err, p->errlen) != 0)
        return -1;
    fwrite(p->prints_buf, 1, p->prints_len, o.f);
    return export_file_commit(&o, p->err, p->errlen);
}

static int add_event(ev_pkg *p, const store_event *e, const char *folder)
{
    char pat[24], name[600], zpath[1400], path[4400], what[800];
    store_event_tally t;
    event_activity(p->c, e, pat, sizeof pat);
    if (store_event_tally_get(p->s, e->id, &t) != STORE_OK) {
        fail(p->err, p->errlen, "no se pudo leer el evento «%s»: %s", e->title, store_errmsg(p->s));
        return -1;
    }
    static const char *const fmts[2] = {"pdf", "csv"};
    for (int k = 0; k < 2; k++) {
        export_event_filename(e, "lista-asistencia", fmts[k], name, sizeof name);
        snprintf(zpath, sizeof zpath, "%s/%s", folder, name);
        if (pkg_path(p, zpath, path, sizeof path) != 0)
            return -1;
        if (export_attendance(p->s, p->c, p->db_path, e->id, fmts[k], path, p->now, p->err, p->errlen) != 0)
            return -1;
        snprintf(what, sizeof what, "Lista de asistencia%s: «%s», %.10s, %s; %d personas del padrón, %d "
                 "personas invitadas",
                 k ? " (CSV)" : " (PDF con huella firmada)", e->title, e->start, e->unit, t.staff, t.guests);
        if (pkg_add(p, zpath, path, pat, what, k == 0, NULL) != 0)
            return -1;
    }
    char pdfz[1400], csvz[1400];
    export_event_filename(e, "lista-asistencia", "pdf", name, sizeof name);
    snprintf(pdfz, sizeof pdfz, "%s/%s", folder, name);
    export_event_filename(e, "lista-asistencia", "csv", name, sizeof name);
    snprintf(csvz, sizeof csvz, "%s/%s", folder, name);
    if (list_print(p, EXPORT_FP_ATTENDANCE, e, pdfz, csvz) != 0)
        return -1;
    att_walk w = {p, e, folder, pat, {0, 0, 0, 0}, 0};
    int rc = store_attachment_each(p->s, e->id, 0, add_attachment, &w);
    if (w.rc)
        return -1;
    if (rc != STORE_OK) {
        fail(p->err, p->errlen, "no se pudieron leer los anexos de «%s»: %s", e->title, store_errmsg(p->s));
        return -1;
    }
    if (p->st)
        p->st->events++;
    return 0;
}

/* A document of the year: written by fn into zpath, then added. */
static int add_doc(ev_pkg *p, const char *zpath, const char *pat, const char *what, int stored,
                   int (*fn)(ev_pkg *p, const char *path))
{
    char path[4400];
    if (pkg_path(p, zpath, path, sizeof path) != 0 || fn(p, path) != 0)
        return -1;
    return pkg_add(p, zpath, path, pat, what, stored, NULL);
}

static int doc_ind_pdf(ev_pkg *p, const char *path)
{
    return export_indicators_pdf_linked(p->s, p->c, p->db_path, p->year, path, p->now, p->err, p->errlen);
}
static int doc_ind_csv(ev_pkg *p, const char *path)
{
    return export_indicators(p->s, p->c, p->db_path, p->year, "csv", path, p->now, p->err, p->errlen);
}
static int doc_pl_pdf(ev_pkg *p, const char *path)
{
    return export_pledges(p->s, p->c, p->db_path, p->year, "pdf", path, p->now, p->err, p->errlen);
}
static int doc_pl_csv(ev_pkg *p, const char *path)
{
    return export_pledges(p->s, p->c, p->db_path, p->year, "csv", path, p->now, p->err, p->errlen);
}
static int doc_pl_xlsx(ev_pkg *p, const char *path)
{
    return export_pledges(p->s, p->c, p->db_path, p->year, "xlsx", path, p->now, p->err, p->errlen);
}
static int doc_events(ev_pkg *p, const char *path)
{
    return export_event_list_csv(p->s, p->c, p->year, path, p->err, p->errlen);
}

/* CADENA.txt: the audit chain's head as the package was made, signed by
 * the kiosk key (only for a chain that verified; else why not). */
static int doc_chain(ev_pkg *p, const char *path)
{
    export_file o;
    export_audit a;
    store_signed_head h;
    char text[STORE_HEAD_TEXT_MAX], when[64], line[800];
    export_audit_check(p->s, &a);
    if (export_file_open(&o, path, 0, p->err, p->errlen) != 0)
        return -1;
    fprintf(o.f, "CADENA DE AUDITORÍA DEL QUIOSCO %s AL ARMAR EL PAQUETE\r\n\r\n", store_kiosk_id(p->s));
    if (a.ok && store_audit_sign_head(p->s, "export", p->now, &h) == STORE_OK) {
        store_head_text(&h, text, sizeof text);
        util_format_time(CK_DEFAULT_TZ, h.signed_at, "%d/%m/%Y %H:%M", when, sizeof when);
        fprintf(o.f,
                "La cadena se verificó íntegra (%ld entradas). Su cabeza (la última entrada) quedó firmada con la\r\n"
                "llave del quiosco el %s (hora del centro de México):\r\n\r\n"
                "  posición: %lld\r\n  huella: %s\r\n  época: %s\r\n\r\n%s\r\n\r\n"
                "«cepci-kiosk verify --package» comprueba esta firma; con la base de datos del quiosco, también\r\n"
                "que su cadena conserva esta cabeza (nada de lo anterior se borró ni se reescribió después):\r\n"
                "  cepci-kiosk --db BASE_DE_DATOS audit verify --head CADENA.txt\r\n",
                a.entries, when, (long long)h.h.pos, h.h.hash, h.h.epoch, text);
    } else {
        export_audit_text(&a, line, sizeof line);
        fprintf(o.f, "SIN CABEZA FIRMADA: %s\r\n", line);
    }
    return export_file_commit(&o, p->err, p->errlen);
}

/* LEEME.txt: what the package is and how to check it. */
static int doc_readme(ev_pkg *p, const char *path)
{
    export_file o;
    char inst[256], when[64], kiosk[STORE_KIOSK_ID_LEN];
    if (export_file_open(&o, path, 0, p->err, p->errlen) != 0)
        return -1;
    export_institution(p->s, p->c, inst, sizeof inst);
    util_format_time(CK_DEFAULT_TZ, p->now, "%d/%m/%Y %H:%M", when, sizeof when);
    util_strlcpy(kiosk, store_kiosk_id(p->s), sizeof kiosk);
    fprintf(o.f,
            "PAQUETE DE EVIDENCIAS %d\r\n"
            "%s\r\n%s\r\n\r\n"
            "Generado el %s (hora del centro de México) por el quiosco %s (cepci-kiosk).\r\n\r\n"
            "QUÉ CONTIENE\r\n"
            "Las evidencias del Programa Anual de Trabajo, en carpetas por clave de actividad PAT (así se\r\n"
            "cargan en el sistema de seguimiento):\r\n"
            "  indicadores/   informe de indicadores I.1, I.2 e IV.3 (PDF y CSV)\r\n"
            "  eventos_%d.csv lista de los eventos del año\r\n"
            "  1.1.2/, 1.2.3/, 4.3.1/ ...  una carpeta por evento (fecha_título_unidad) con su lista de\r\n"
            "                 asistencia (PDF con huella firmada y CSV) y sus anexos (fotografías, listas en\r\n"
            "                 papel escaneadas, constancias de cursos en línea)\r\n"
            "  4.3.2/         base de datos de firmantes de la Carta Compromiso (PDF, CSV y XLSX)\r\n"
            "Un evento sin clave PAT se archiva en 4.3.1 si es protesta del Código de Conducta, en 1.1.2 si es\r\n"
            "una capacitación que cuenta para el indicador I.1, y en sin-clave-pat en otro caso.\r\n\r\n"
            "CÓMO SE VERIFICA\r\n"
            "MANIFEST.csv enumera cada archivo con su huella SHA-256, su tamaño, la actividad PAT y lo que\r\n"
            "evidencia. MANIFEST.sig contiene la firma Ed25519 del quiosco sobre el texto \"CKM1\" seguido de\r\n"
            "un salto de línea y del contenido exacto de MANIFEST.csv, y la llave pública del quiosco.\r\n\r\n"
            "1. Con el programa:  cepci-kiosk verify --package ESTE_ARCHIVO.zip\r\n"
            "   (con la llave pública registrada con «cepci-kiosk keys import», o --keys ARCHIVO_DE_LLAVES).\r\n"
            "   Nombra cada archivo modificado, agregado o faltante.\r\n"
            "2. Sin el programa: compare «sha256sum ARCHIVO» con la columna SHA-256 de MANIFEST.csv, y\r\n"
            "   compruebe la firma con OpenSSL 3:\r\n"
            "     grep '^clave-publica-ed25519:' MANIFEST.sig | cut -d' ' -f2 | base64 -d > llave.bin\r\n"
            "     (printf '\\x30\\x2a\\x30\\x05\\x06\\x03\\x2b\\x65\\x70\\x03\\x21\\x00'; cat llave.bin) > llave.der\r\n"
            "     grep '^firma-ed25519:' MANIFEST.sig | cut -d' ' -f2 | base64 -d > firma.bin\r\n"
            "     (printf 'CKM1\\n'; cat MANIFEST.csv) > mensaje.bin\r\n"
            "     openssl pkeyutl -verify -pubin -keyform DER -inkey llave.der -rawin -in mensaje.bin "
            "-sigfile firma.bin\r\n"
            "   Después calcule la huella de la llave con la que se comprobó la firma:\r\n"
            "     sha256sum llave.bin\r\n"
            "   y compárela con la que publica el Comité para ese quiosco. No basta leer la línea\r\n"
            "   huella-de-la-llave de MANIFEST.sig: esa línea no está firmada, y quien arme un paquete con\r\n"
            "   otra llave puede escribir en ella la huella del quiosco. Tampoco la línea año: está firmada:\r\n"
            "   el año del paquete es el de eventos_AAAA.csv en MANIFEST.csv.\r\n"
            "Cada lista de asistencia y la base de firmantes llevan además su propia huella firmada en un\r\n"
            "código QR, que se comprueba con «cepci-kiosk verify».\r\n"
            "HUELLAS.csv da, para cada lista, la huella firmada de su código QR: es el SHA-256 de su CSV.\r\n"
            "CADENA.txt lleva la cabeza de la cadena de auditoría del quiosco al armar el paquete, firmada con\r\n"
            "su llave: con la base de datos del quiosco, «cepci-kiosk audit verify --head CADENA.txt» comprueba\r\n"
            "que la cadena la conserva (que después no se borró ni se reescribió nada de lo exportado).\r\n",
            p->year, inst, p->c->committee, when, kiosk, p->year);
    return export_file_commit(&o, p->err, p->errlen);
}

/* ---- manifest and signature ---- */

static int by_zpath(const void *a, const void *b)
{
    return strcmp(((const ev_entry *)a)->zpath, ((const ev_entry *)b)->zpath);
}

/* MANIFEST.csv into a malloc'd buffer. */
static char *manifest_text(const ev_pkg *p, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    static const char *const head[] = {"Archivo", "SHA-256", "Tamaño (bytes)", "Actividad PAT", "Evidencia"};
    csvout_bom(f);
    for (int k = 0; k < 5; k++)
        csvout_field(f, head[k], k == 0);
    csvout_end(f);
    for (int i = 0; i < p->n; i++) {
        const ev_entry *e = &p->e[i];
        csvout_field(f, e->zpath, 1);
        csvout_field(f, e->sha, 0);
        csvout_int(f, e->size, 0);
        csvout_field(f, e->pat, 0);
        csvout_field(f, e->what, 0);
        csvout_end(f);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* MANIFEST.sig for manifest m, signed with the kiosk key, into a malloc'd buffer. */
static char *signature_text(ev_pkg *p, const char *m, size_t mlen, size_t *len)
{
    unsigned char sk[KEYS_SECRET_BYTES], pk[32], sig[crypto_sign_BYTES];
    char b64pk[64], b64sig[128], fp[65];
    const char *kiosk = store_kiosk_id(p->s);
    if (keys_load_secret(p->db_path, sk, p->err, p->errlen) != 0)
        return NULL;
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    unsigned char *msg = malloc(sizeof EV_TAG - 1 + mlen);
    if (!msg) {
        sodium_memzero(sk, sizeof sk);
        fail(p->err, p->errlen, "memoria insuficiente");
        return NULL;
    }
    memcpy(msg, EV_TAG, sizeof EV_TAG - 1);
    memcpy(msg + sizeof EV_TAG - 1, m, mlen);
    crypto_sign_detached(sig, NULL, msg, sizeof EV_TAG - 1 + mlen, sk);
    sodium_memzero(sk, sizeof sk);
    free(msg);
    sodium_bin2base64(b64pk, sizeof b64pk, pk, 32, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b64sig, sizeof b64sig, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    export_key_fingerprint(pk, fp);
    char *out = NULL;
    FILE *f = open_memstream(&out, len);
    if (!f) {
        fail(p->err, p->errlen, "memoria insuficiente");
        return NULL;
    }
    fprintf(f, "CKM1\nquiosco: %s\naño: %d\nclave-publica-ed25519: %s\nhuella-de-la-llave: %s\nfirma-ed25519: %s\n",
            kiosk, p->year, b64pk, fp, b64sig);
    if (fclose(f) != 0) {
        free(out);
        fail(p->err, p->errlen, "memoria insuficiente");
        return NULL;
    }
    return out;
}

/* ---- the ZIP ---- */

static int zip_fail(ev_pkg *p, zip_t *z, const char *what)
{
    fail(p->err, p->errlen, "no se pudo escribir el paquete (%s): %s", what, z ? zip_strerror(z) : "");
    return -1;
}

static int zip_add_buffer(ev_pkg *p, zip_t *z, const char *name, const char *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(z, data, len, 0);
    zip_int64_t idx = src ? zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) : -1;
    if (idx < 0) {
        if (src)
            zip_source_free(src);
        return zip_fail(p, z, name);
    }
    zip_file_set_mtime(z, (zip_uint64_t)idx, (time_t)p->now, 0);
    return 0;
}

/* Writes the package: entries, manifest and signature, into the file tmp. */
static int write_zip(ev_pkg *p, const char *tmp, const char *m, size_t mlen, const char *sig, size_t siglen)
{
    int zerr = 0;
    zip_t *z = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        fail(p->err, p->errlen, "no se pudo crear el paquete: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    for (int i = 0; i < p->n; i++) {
        ev_entry *e = &p->e[i];
        zip_source_t *src = zip_source_file(z, e->src, 0, -1);
        zip_int64_t idx = src ? zip_file_add(z, e->zpath, src, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (src)
                zip_source_free(src);
            zip_fail(p, z, e->zpath);
            zip_discard(z);
            return -1;
        }
        zip_set_file_compression(z, (zip_uint64_t)idx, e->stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 6);
        zip_file_set_mtime(z, (zip_uint64_t)idx, (time_t)p->now, 0);
    }
    if (zip_add_buffer(p, z, EV_MANIFEST, m, mlen) != 0 || zip_add_buffer(p, z, EV_SIGNATURE, sig, siglen) != 0) {
        zip_discard(z);
        return -1;
    }
    if (zip_close(z) != 0) {
        zip_fail(p, z, "cierre");
        zip_discard(z);
        return -1;
    }
    return 0;
}

/* fsyncs the file at path and renames it to final. */
static int settle(ev_pkg *p, const char *tmp, const char *final)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        export_io_error(final, e, p->err, p->errlen);
        return -1;
    }
    close(fd);
    if (rename(tmp, final) != 0) {
        export_io_error(final, errno, p->err, p->errlen);
        return -1;
    }
    return 0;
}

int export_evidence(store *s, const config *c, const char *db_path, int year, const char *path, int64_t now,
                    export_evidence_stats *st, char *err, size_t errlen)
{
    ev_pkg p;
    ev_events evs = {0};
    char (*folders)[EXPORT_FOLDER_LEN] = NULL;
    char dir[4096], tmp[4200] = "";
    char *m = NULL, *sig = NULL;
    size_t mlen = 0, siglen = 0;
    int rc = -1, snap = 0;
    export_evidence_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    memset(&p, 0, sizeof p);
    p.s = s;
    p.c = c;
    p.db_path = db_path;
    p.year = year;
    p.now = now;
    p.err = err;
    p.errlen = errlen;
    p.st = st;
    if (year < 1970 || year > 2999) {
        fail(err, errlen, "año no válido: %d", year);
        return -1;
    }
    if (!path || !*path || strlen(path) >= sizeof dir - 32) {
        fail(err, errlen, "falta el archivo del paquete o su ruta es demasiado larga");
        return -1;
    }
    /* The private folder beside the target (same file system, mode 0700). */
    util_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        util_strlcpy(dir, ".", sizeof dir);
    snprintf(p.tmpdir, sizeof p.tmpdir, "%s/.evidencias-XXXXXX", dir);
    if (!mkdtemp(p.tmpdir)) {
        export_io_error(path, errno, err, errlen);
        p.tmpdir[0] = '\0';
        return -1;
    }
    if (!(p.prints = open_memstream(&p.prints_buf, &p.prints_len))) {
        fail(err, errlen, "memoria insuficiente");
        goto out;
    }
    static const char *const prints_head[EV_PRINTS_COLS] = {"Lista (PDF)", "Lista (CSV)", "Huella SHA-256",
                                                            "Filas", "Estado", "Código QR firmado"};
    csvout_bom(p.prints);
    for (int k = 0; k < EV_PRINTS_COLS; k++)
        csvout_field(p.prints, prints_head[k], k == 0);
    csvout_end(p.prints);
    store_snapshot_begin(s);
    snap = 1;
    char zp[200];
    /* The year's documents. */
    snprintf(zp, sizeof zp, "indicadores/informe-indicadores_%d.pdf", year);
    if (add_doc(&p, zp, "I.1, I.2, IV.3", "Informe de indicadores del año (I.1, I.2, IV.3), con gráficas y tabla", 1,
                doc_ind_pdf) != 0)
        goto out;
    snprintf(zp, sizeof zp, "indicadores/indicadores_%d.csv", year);
    if (add_doc(&p, zp, "I.1, I.2, IV.3", "Indicadores del año por unidad (CSV)", 0, doc_ind_csv) != 0)
        goto out;
    /* Every event of the year; the event list names their activities. */
    if (store_event_each(s, year, 0, collect_event, &evs) != STORE_OK || evs.oom) {
        fail(err, errlen, "no se pudo leer la lista de eventos: %s", evs.oom ? "memoria insuficiente" : store_errmsg(s));
        goto out;
    }
    char acts[200] = "";
    for (int i = 0; i < evs.n; i++) {
        char a[24];
        event_activity(c, &evs.v[i], a, sizeof a);
        int seen = 0;
        for (int k = 0; k < i && !seen; k++) {
            char b[24];
            event_activity(c, &evs.v[k], b, sizeof b);
            seen = strcmp(a, b) == 0;
        }
        if (!seen && strlen(acts) + strlen(a) + 3 < sizeof acts)
            snprintf(acts + strlen(acts), sizeof acts - strlen(acts), "%s%s", acts[0] ? ", " : "", a);
    }
    snprintf(zp, sizeof zp, "eventos_%d.csv", year);
    if (add_doc(&p, zp, acts, "Lista de los eventos del año, con asistentes y personal que cuenta", 0, doc_events) !=
        0)
        goto out;
    char what[300];
    snprintf(what, sizeof what, "Base de datos de firmantes de la Carta Compromiso hasta el 31/12/%d", year);
    static const struct { const char *ext, *fmt; int stored; int (*fn)(ev_pkg *, const char *); } pl[] = {
        {"pdf", " (PDF con huella firmada)", 1, doc_pl_pdf},
        {"csv", " (CSV)", 0, doc_pl_csv},
        {"xlsx", " (XLSX)", 1, doc_pl_xlsx},
    };
    for (size_t k = 0; k < sizeof pl / sizeof *pl; k++) {
        char w2[400];
        snprintf(zp, sizeof zp, "4.3.2/base-datos-carta-compromiso_%d.%s", year, pl[k].ext);
        snprintf(w2, sizeof w2, "%s%s", what, pl[k].fmt);
        if (add_doc(&p, zp, "4.3.2", w2, pl[k].stored, pl[k].fn) != 0)
            goto out;
    }
    char plpdf[200], plcsv[200];
    snprintf(plpdf, sizeof plpdf, "4.3.2/base-datos-carta-compromiso_%d.pdf", year);
    snprintf(plcsv, sizeof plcsv, "4.3.2/base-datos-carta-compromiso_%d.csv", year);
    if (list_print(&p, EXPORT_FP_PLEDGES, NULL, plpdf, plcsv) != 0)
        goto out;
    snprintf(plpdf, sizeof plpdf, "indicadores/informe-indicadores_%d.pdf", year);
    snprintf(plcsv, sizeof plcsv, "indicadores/indicadores_%d.csv", year);
    if (list_print(&p, EXPORT_FP_INDICATORS, NULL, plpdf, plcsv) != 0)
        goto out;
    if (add_doc(&p, "LEEME.txt", "", "Qué contiene el paquete y cómo se verifica", 0, doc_readme) != 0 ||
        add_doc(&p, EV_CHAIN, "", "Cabeza firmada de la cadena de auditoría del quiosco al armar el paquete", 0,
                doc_chain) != 0)
        goto out;
    /* The list and attachments of every event that is not a draft. */
    if (!(folders = calloc((size_t)evs.n + 1, sizeof *folders))) {
        fail(err, errlen, "memoria insuficiente");
        goto out;
    }
    event_folders(c, evs.v, evs.n, folders);
    for (int i = 0; i < evs.n; i++)
        if (folders[i][0] && add_event(&p, &evs.v[i], folders[i]) != 0)
            goto out;
    if (add_doc(&p, EV_PRINTS, "", "Huella firmada de cada lista (la de su código QR) con sus archivos PDF y CSV", 0,
                doc_prints) != 0)
        goto out;
    store_snapshot_end(s);
    snap = 0;
    qsort(p.e, (size_t)p.n, sizeof *p.e, by_zpath);
    for (int i = 1; i < p.n; i++) {
        if (strcmp(p.e[i - 1].zpath, p.e[i].zpath) == 0) {
            fail(err, errlen, "dos archivos con el mismo nombre en el paquete: %s", p.e[i].zpath);
            goto out;
        }
    }
    if (!(m = manifest_text(&p, &mlen))) {
        fail(err, errlen, "memoria insuficiente");
        goto out;
    }
    if (!(sig = signature_text(&p, m, mlen, &siglen)))
        goto out;
    snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp); /* mode 0600; libzip keeps it */
    if (fd < 0) {
        export_io_error(path, errno, err, errlen);
        tmp[0] = '\0';
        goto out;
    }
    close(fd);
    if (write_zip(&p, tmp, m, mlen, sig, siglen) != 0 || settle(&p, tmp, path) != 0)
        goto out;
    tmp[0] = '\0';
    st->files = p.n + 2;
    rc = 0;
out:
    if (snap)
        store_snapshot_end(s);
    if (tmp[0])
        unlink(tmp);
    if (p.tmpdir[0])
        remove_tree(p.tmpdir);
    free(evs.v);
    free(folders);
    free(m);
    free(sig);
    if (p.prints)
        fclose(p.prints);
    free(p.prints_buf);
    pkg_free(&p);
    return rc;
}

/* ================= verification ================= */

/* One row of MANIFEST.csv. */
typedef struct mf_row {
    char *file, *sha;
    long long size;
    int seen;
} mf_row;

/* Parses the fields of one CSV record at *pos (RFC 4180, as csvout writes
 * it) into fields[0..max); returns the count, -1 at the end, -2 if malformed. */
static int csv_record(const char *t, size_t len, size_t *pos, char **fields, int max)
{
    size_t i = *pos;
    int n = 0;
    if (i >= len)
        return -1;
    for (;;) {
        char *f = malloc(len - i + 1);
        size_t o = 0;
        if (!f)
            return -2;
        if (i < len && t[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) {
                    free(f);
                    return -2;
                }
                if (t[i] == '"') {
                    if (i + 1 < len && t[i + 1] == '"') {
                        f[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                f[o++] = t[i++];
            }
        } else {
            while (i < len && t[i] != ',' && t[i] != '\r' && t[i] != '\n')
                f[o++] = t[i++];
        }
        f[o] = '\0';
        if (n < max)
            fields[n++] = f;
        else
            free(f);
        if (i < len && t[i] == ',') {
            i++;
            continue;
        }
        if (i < len && t[i] == '\r')
            i++;
        if (i < len && t[i] == '\n')
            i++;
        else if (i < len) {
            *pos = i;
            return -2;
        }
        *pos = i;
        return n;
    }
}

/* A field as csvout wrote it: a leading apostrophe neutralised a formula. */
static const char *unneutral(const char *f)
{
    return f[0] == '\'' && (f[1] == '=' || f[1] == '+' || f[1] == '-' || f[1] == '@' || f[1] == '\t' ||
                            f[1] == '\r')
               ? f + 1
               : f;
}

static int parse_manifest(const char *t, size_t len, mf_row **rows, int *n)
{
    size_t pos = 0;
    char *f[5];
    int cap = 0, header = 1;
    *rows = NULL;
    *n = 0;
    if (len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    for (;;) {
        memset(f, 0, sizeof f);
        int k = csv_record(t, len, &pos, f, 5);
        if (k == -1)
            break;
        if (k < 0 || k != 5) {
            for (int i = 0; i < 5; i++)
                free(f[i]);
            return -1;
        }
        if (header) {
            header = 0;
            for (int i = 0; i < 5; i++)
                free(f[i]);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            mf_row *nr = realloc(*rows, (size_t)cap * sizeof *nr);
            if (!nr) {
                for (int i = 0; i < 5; i++)
                    free(f[i]);
                return -1;
            }
            *rows = nr;
        }
        mf_row *r = &(*rows)[(*n)++];
        r->file = strdup(unneutral(f[0]));
        r->sha = strdup(unneutral(f[1]));
        r->size = strtoll(f[2], NULL, 10);
        r->seen = 0;
        for (int i = 0; i < 5; i++)
            free(f[i]);
        if (!r->file || !r->sha)
            return -1;
    }
    return 0;
}

/* Reads entry idx of z into a malloc'd buffer (at most max bytes). */
static char *read_entry(zip_t *z, zip_int64_t idx, size_t max, size_t *len)
{
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n + EV_CHUNK + 1 > cap) {
            cap = cap ? cap * 2 : EV_CHUNK * 2;
            if (cap > max + EV_CHUNK + 1) {
                free(buf);
                zip_fclose(f);
                return NULL;
            }
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                zip_fclose(f);
                return NULL;
            }
            buf = nb;
        }
        zip_int64_t got = zip_fread(f, buf + n, EV_CHUNK);
        if (got < 0) {
            free(buf);
            zip_fclose(f);
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max) {
            free(buf);
            zip_fclose(f);
            return NULL;
        }
    }
    zip_fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Hashes entry idx of z: 0, or -1 when it cannot be read whole (CRC). */
static int hash_entry(zip_t *z, zip_int64_t idx, char hex[65], long long *size)
{
    unsigned char buf[EV_CHUNK], d[32];
    crypto_hash_sha256_state h;
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f)
        return -1;
    crypto_hash_sha256_init(&h);
    long long n = 0;
    for (;;) {
        zip_int64_t got = zip_fread(f, buf, sizeof buf);
        if (got < 0) {
            zip_fclose(f);
            return -1;
        }
        if (got == 0)
            break;
        crypto_hash_sha256_update(&h, buf, (size_t)got);
        n += got;
    }
    if (zip_fclose(f) != 0)
        return -1;
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hex, 65, d, 32);
    *size = n;
    return 0;
}

/* The value of "key: value" in the signature text, into out. */
static int sig_field(const char *text, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, kl) == 0 && l[kl] == ':' && l[kl + 1] == ' ') {
            const char *v = l + kl + 2;
            size_t n = strcspn(v, "\r\n");
            if (n >= outlen)
                return -1;
            memcpy(out, v, n);
            out[n] = '\0';
            return 0;
        }
    }
    return -1;
}

/* Whether the public key pk of kiosk is in key_file (a `keys export`
 * file: "CKKEY1\tKIOSK\tBASE64\t..."). */
static int key_in_file(const char *key_file, const char *kiosk, const unsigned char pk[32])
{
    size_t n = 0;
    char *text = key_file ? util_read_file(key_file, &n) : NULL;
    int found = 0;
    for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l && !found;
         l = strtok_r(NULL, "\n", &save)) {
        char *f[3] = {0};
        int k = 0;
        for (char *q = l; k < 3 && q; k++) {
            f[k] = q;
            q = strchr(q, '\t');
            if (q)
                *q++ = '\0';
        }
        unsigned char kpk[32];
        size_t bl = 0;
        if (k == 3 && f[2] && strcmp(f[0], "CKKEY1") == 0 && strcmp(f[1], kiosk) == 0) {
            f[2][strcspn(f[2], "\r\t")] = '\0';
            if (sodium_base642bin(kpk, sizeof kpk, f[2], strlen(f[2]), NULL, &bl, NULL,
                                  sodium_base64_VARIANT_ORIGINAL) == 0 &&
                bl == 32 && sodium_memcmp(kpk, pk, 32) == 0)
                found = 1;
        }
    }
    free(text);
    return found;
}

int export_evidence_verify(store *s, const char *zip_path, const char *key_file, int verbose,
                           void (*report)(int what, const char *file, const char *detail, void *ctx), void *ctx,
                           export_evidence_check *out, char *err, size_t errlen)
{
    export_evidence_check local;
    int zerr = 0, rc = -1;
    zip_t *z = NULL;
    char *m = NULL, *sigtext = NULL;
    size_t mlen = 0, siglen = 0;
    mf_row *rows = NULL;
    int nrows = 0;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
#define PROBLEM(what, file, ...)                                    \
    do {                                                            \
        char d_[600];                                               \
        snprintf(d_, sizeof d_, __VA_ARGS__);                       \
        out->problems++;                                            \
        if (report)                                                 \
            report(what, file, d_, ctx);                            \
    } while (0)
    struct stat st;
    if (stat(zip_path, &st) != 0) {
        fail(err, errlen, "%s: no se puede leer: %s", zip_path, strerror(errno));
        return -1;
    }
    z = zip_open(zip_path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        fail(err, errlen, "%s: no es un paquete ZIP legible o está dañado (%s)", zip_path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    zip_int64_t nent = zip_get_num_entries(z, 0);
    zip_int64_t im = zip_name_locate(z, EV_MANIFEST, ZIP_FL_ENC_RAW);
    zip_int64_t is = zip_name_locate(z, EV_SIGNATURE, ZIP_FL_ENC_RAW);
    if (im < 0 || !(m = read_entry(z, im, 64u << 20, &mlen))) {
        PROBLEM(im < 0 ? EVIDENCE_MISSING : EVIDENCE_UNREADABLE, EV_MANIFEST, "%s",
                im < 0 ? "el paquete no tiene manifiesto" : "el manifiesto está dañado dentro del ZIP");
        rc = 1;
        goto out;
    }
    /* The signature and the key that made it. */
    unsigned char pk[32], sig[crypto_sign_BYTES], have[32];
    char b64[160];
    size_t bl = 0;
    int sig_ok = 0, have_pk = 0;
    if (is < 0 || !(sigtext = read_entry(z, is, 1u << 16, &siglen))) {
        PROBLEM(is < 0 ? EVIDENCE_MISSING : EVIDENCE_UNREADABLE, EV_SIGNATURE, "%s",
                is < 0 ? "el paquete no tiene la firma del manifiesto" : "la firma está dañada dentro del ZIP");
    } else if (strncmp(sigtext, "CKM1\n", 5) != 0 ||
               sig_field(sigtext, "quiosco", out->kiosk_id, sizeof out->kiosk_id) != 0 ||
               sig_field(sigtext, "clave-publica-ed25519", b64, sizeof b64) != 0 ||
               sodium_base642bin(pk, sizeof pk, b64, strlen(b64), NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL) !=
                   0 ||
               bl != 32 || sig_field(sigtext, "firma-ed25519", b64, sizeof b64) != 0 ||
               sodium_base642bin(sig, sizeof sig, b64, strlen(b64), NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL) !=
                   0 ||
               bl != sizeof sig) {
        PROBLEM(EVIDENCE_BAD_SIGNATURE, EV_SIGNATURE, "la firma del manifiesto está mal formada");
    } else {
        char ystr[16] = "", canon[1024];
        sig_field(sigtext, "año", ystr, sizeof ystr);
        out->year = atoi(ystr);
        export_key_fingerprint(pk, out->key_fingerprint);
        have_pk = 1;
        /* Every byte of the file counts: it must read exactly as written. */
        sodium_bin2base64(b64, sizeof b64, pk, 32, sodium_base64_VARIANT_ORIGINAL);
        int k = snprintf(canon, sizeof canon, "CKM1\nquiosco: %s\naño: %d\nclave-publica-ed25519: %s\nhuella-de-la-llave: %s\n",
                         out->kiosk_id, out->year, b64, out->key_fingerprint);
        sodium_bin2base64(b64, sizeof b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
        snprintf(canon + k, sizeof canon - (size_t)k, "firma-ed25519: %s\n", b64);
        if (strlen(canon) != siglen || memcmp(canon, sigtext, siglen) != 0)
            PROBLEM(EVIDENCE_BAD_SIGNATURE, EV_SIGNATURE,
                    "la firma del manifiesto fue alterada (no se lee exactamente como se escribió)");
        out->key_known = (s && store_key_get(s, out->kiosk_id, have) == STORE_OK && sodium_memcmp(have, pk, 32) == 0) ||
                         key_in_file(key_file, out->kiosk_id, pk);
        unsigned char *msg = malloc(sizeof EV_TAG - 1 + mlen);
        if (!msg) {
            fail(err, errlen, "memoria insuficiente");
            goto out;
        }
        memcpy(msg, EV_TAG, sizeof EV_TAG - 1);
        memcpy(msg + sizeof EV_TAG - 1, m, mlen);
        sig_ok = crypto_sign_verify_detached(sig, msg, sizeof EV_TAG - 1 + mlen, pk) == 0;
        out->manifest_signed = sig_ok;
        free(msg);
        if (!sig_ok)
            PROBLEM(EVIDENCE_BAD_MANIFEST, EV_MANIFEST,
                    "el manifiesto no coincide con su firma: fue modificado después de firmarse (o la firma no es "
                    "suya)");
        else if (!out->key_known)
            PROBLEM(EVIDENCE_BAD_SIGNATURE, EV_SIGNATURE,
                    "firmado por el quiosco %s con una llave que no está registrada aquí (huella %.16s…); impórtela "
                    "con «cepci-kiosk keys import» o dé --keys ARCHIVO, y compare la huella con la del Comité",
                    out->kiosk_id, out->key_fingerprint);
    }
    if (parse_manifest(m, mlen, &rows, &nrows) != 0) {
        PROBLEM(EVIDENCE_BAD_MANIFEST, EV_MANIFEST, "el manifiesto no se puede leer (no es el CSV esperado)");
        rc = 1;
        goto out;
    }
    out->files = nrows;
    /* The year line of MANIFEST.sig is not under the signature (which
     * covers "CKM1\n" and MANIFEST.csv): it must name the year of the
     * events file every package lists, or the package was relabelled (the
     * session-6 red team turned a 2026 package into 2024 with one sed). */
    if (have_pk) {
        char want[48];
        int listed = 0;
        snprintf(want, sizeof want, "eventos_%d.csv", out->year);
        for (int i = 0; i < nrows && !listed; i++)
            listed = strcmp(rows[i].file, want) == 0;
        if (!listed)
            PROBLEM(EVIDENCE_BAD_SIGNATURE, EV_SIGNATURE,
                    "MANIFEST.sig dice año %d y el manifiesto firmado no es de ese año (no lista %s): el año se "
                    "cambió a mano", out->year, want);
    }
    /* Every file of the package against the manifest. */
    for (zip_int64_t i = 0; i < nent; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!name) {
            PROBLEM(EVIDENCE_UNREADABLE, "?", "una entrada del ZIP no tiene nombre legible");
            continue;
        }
        size_t nl = strlen(name);
        if (i == im || i == is || (nl > 0 && name[nl - 1] == '/'))
            continue;
        mf_row *r = NULL;
        for (int k = 0; k < nrows && !r; k++)
            if (!rows[k].seen && strcmp(rows[k].file, name) == 0)
                r = &rows[k];
        char hex[65];
        long long size = 0;
        if (!r) {
            PROBLEM(EVIDENCE_ADDED, name, "no está en el manifiesto (fue agregado)");
            continue;
        }
        r->seen = 1;
        if (hash_entry(z, i, hex, &size) != 0)
            PROBLEM(EVIDENCE_UNREADABLE, name, "está dañado dentro del ZIP (no se puede leer completo: %s)",
                    zip_strerror(z));
        else if (strcmp(hex, r->sha) != 0 || size != r->size)
            PROBLEM(EVIDENCE_CHANGED, name, "fue modificado: su SHA-256 no es el del manifiesto");
        else if (verbose && report)
            report(EVIDENCE_OK, name, "coincide", ctx);
    }
    for (int k = 0; k < nrows; k++)
        if (!rows[k].seen)
            PROBLEM(EVIDENCE_MISSING, rows[k].file, "está en el manifiesto pero no en el paquete (fue eliminado)");
    /* The audit chain's head the package was made at. */
    zip_int64_t ic = zip_name_locate(z, EV_CHAIN, ZIP_FL_ENC_RAW);
    char *chain = ic < 0 ? NULL : read_entry(z, ic, 1u << 16, &(size_t){0});
    const char *ckh = chain ? strstr(chain, "CKH1:") : NULL, *none = chain ? strstr(chain, "SIN CABEZA FIRMADA: ") : NULL;
    store_signed_head h;
    char herr[256];
    if (ic < 0) {
        int listed = 0;
        for (int k = 0; k < nrows; k++)
            listed |= strcmp(rows[k].file, EV_CHAIN) == 0;
        if (!listed) /* (a listed one is already named: FALTA) */
            PROBLEM(EVIDENCE_BAD_HEAD, EV_CHAIN, "el paquete no tiene la cabeza firmada de la cadena de auditoría");
    } else if (!chain) {
        PROBLEM(EVIDENCE_UNREADABLE, EV_CHAIN, "está dañado dentro del ZIP");
    } else if (!ckh) {
        char why[600] = "no contiene una cabeza firmada (CKH1:)";
        if (none)
            snprintf(why, sizeof why, "la cadena de auditoría no se verificó al armar el paquete: %.*s",
                     (int)strcspn(none + 20, "\r\n"), none + 20);
        PROBLEM(EVIDENCE_BAD_HEAD, EV_CHAIN, "%s", why);
    } else {
        char text[STORE_HEAD_TEXT_MAX + 1], msg[512];
        snprintf(text, sizeof text, "%.*s", (int)strcspn(ckh, "\r\n \t"), ckh);
        size_t ml = 0;
        if (store_head_parse(text, &h, herr, sizeof herr) != STORE_OK ||
            !(ml = store_head_message(&h.h, h.signed_at, msg, sizeof msg))) {
            PROBLEM(EVIDENCE_BAD_HEAD, EV_CHAIN, "la cabeza firmada de la cadena está mal formada");
        } else if (!have_pk || strcmp(h.h.kiosk_id, out->kiosk_id) != 0 ||
                   crypto_sign_verify_detached(h.sig, (const unsigned char *)msg, ml, pk) != 0) {
            PROBLEM(EVIDENCE_BAD_HEAD, EV_CHAIN,
                    "la cabeza de la cadena no lleva una firma válida de la llave que firmó el manifiesto");
        } else {
            out->head_pos = h.h.pos;
            out->head_signed = 1;
            util_strlcpy(out->head_hash, h.h.hash, sizeof out->head_hash);
            /* On the kiosk's own database: the chain must still hold it. */
            if (s && strcmp(store_kiosk_id(s), h.h.kiosk_id) == 0) {
                store_head_claim cl;
                memset(&cl, 0, sizeof cl);
                util_strlcpy(cl.kiosk_id, h.h.kiosk_id, sizeof cl.kiosk_id);
                util_strlcpy(cl.epoch, h.h.epoch, sizeof cl.epoch);
                cl.pos = h.h.pos;
                util_strlcpy(cl.hash, h.h.hash, sizeof cl.hash);
                cl.at = h.signed_at;
                snprintf(cl.what, sizeof cl.what, "%s", EV_CHAIN);
                if (store_audit_verify_ex(s, &cl, 1, NULL) == STORE_OK) {
                    out->head_in_db = 1;
                } else {
                    out->head_in_db = -1;
                    PROBLEM(EVIDENCE_BAD_HEAD, EV_CHAIN, "la cadena de auditoría de esta base de datos no respalda "
                            "el paquete: %s", store_errmsg(s));
                }
            }
        }
    }
    free(chain);
    /* Each list's signed fingerprint against its CSV (HUELLAS.csv). */
    zip_int64_t ih = zip_name_locate(z, EV_PRINTS, ZIP_FL_ENC_RAW);
    size_t hl = 0;
    char *prints = ih < 0 ? NULL : read_entry(z, ih, 16u << 20, &hl);
    int *printed = calloc((size_t)nrows + 1, sizeof *printed);
    if (!printed) {
        free(prints);
        fail(err, errlen, "memoria insuficiente");
        rc = -1;
        goto out;
    }
    if (ih >= 0 && !prints) {
        PROBLEM(EVIDENCE_UNREADABLE, EV_PRINTS, "está dañado dentro del ZIP");
    } else if (prints) {
        size_t pos = hl >= 3 && memcmp(prints, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        char *f[EV_PRINTS_COLS];
        for (int line = 1;; line++) {
            memset(f, 0, sizeof f);
            int k = csv_record(prints, hl, &pos, f, EV_PRINTS_COLS);
            if (k == -1)
                break;
            if (k != EV_PRINTS_COLS) {
                PROBLEM(EVIDENCE_BAD_PRINT, EV_PRINTS, "línea %d: no es una fila de %d columnas", line,
                        EV_PRINTS_COLS);
            } else if (line > 1) {
                const char *csv = unneutral(f[1]), *payload = unneutral(f[5]);
                export_fingerprint fp;
                char ferr[512];
                int mi = -1;
                for (int q = 0; q < nrows && mi < 0; q++)
                    if (strcmp(rows[q].file, csv) == 0)
                        mi = q;
                out->lists++;
                if (mi < 0)
                    PROBLEM(EVIDENCE_BAD_PRINT, csv, "HUELLAS.csv nombra una lista que no está en el manifiesto");
                else if (!have_pk || export_fingerprint_verify_key(pk, payload, &fp, ferr, sizeof ferr) != 0)
                    PROBLEM(EVIDENCE_BAD_PRINT, csv, "la huella firmada de la lista no es válida%s%s",
                            have_pk ? ": " : "", have_pk ? ferr : "");
                else if (strcmp(fp.kiosk_id, out->kiosk_id) != 0 || fp.version < 2)
                    PROBLEM(EVIDENCE_BAD_PRINT, csv, "la huella de la lista no es del quiosco que firmó el manifiesto");
                else if (strcmp(fp.sha256, rows[mi].sha) != 0 || fp.rows != strtol(f[3], NULL, 10))
                    PROBLEM(EVIDENCE_BAD_PRINT, csv, "la huella firmada de la lista (%.16s…, %ld filas) no es la de "
                            "este CSV (%.16s…)", fp.sha256, fp.rows, rows[mi].sha);
                else {
                    printed[mi] = 1;
                    out->lists_ok++;
                }
            }
            for (int i = 0; i < EV_PRINTS_COLS; i++)
                free(f[i]);
        }
    }
    /* Every list of the package has its fingerprint. */
    for (int q = 0; q < nrows; q++) {
        size_t fl = strlen(rows[q].file);
        int list = fl > 4 && strcmp(rows[q].file + fl - 4, ".csv") == 0 &&
                   (strstr(rows[q].file, "/lista-asistencia_") || strstr(rows[q].file, "/base-datos-carta-compromiso_") ||
                    strncmp(rows[q].file, "indicadores/indicadores_", 24) == 0);
        if (list && !printed[q] && prints)
            PROBLEM(EVIDENCE_BAD_PRINT, rows[q].file, "la lista no tiene su huella firmada en HUELLAS.csv");
    }
    if (ih < 0) {
        int listed = 0;
        for (int k = 0; k < nrows; k++)
            listed |= strcmp(rows[k].file, EV_PRINTS) == 0;
        if (!listed)
            PROBLEM(EVIDENCE_BAD_PRINT, EV_PRINTS, "el paquete no tiene las huellas firmadas de sus listas");
    }
    free(printed);
    free(prints);
    out->content_ok = out->manifest_signed && out->problems == (out->key_known ? 0 : 1);
    rc = out->problems ? 1 : 0;
#undef PROBLEM
out:
    for (int k = 0; k < nrows; k++) {
        free(rows[k].file);
        free(rows[k].sha);
    }
    free(rows);
    free(m);
    free(sigtext);
    if (z)
        zip_discard(z);
    return rc;
}
