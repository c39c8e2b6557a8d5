/* cli_attendance.c — the coordinator's lists (issue 14): `attendance import
 * EVENT FILE` (a whole paper list or an online course's completion list
 * typed in at once), `event attach EVENT FILE` (a scan, a photo, a
 * certificate screenshot) and `event list [--year Y] [--format
 * text|csv|json]`. Messages are Spanish, one line; what a command creates
 * is named on stdout. */
#include "cli_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attendance_import.h"
#include "evidence.h"
#include "store_evidence.h"
#include "util.h"

/* ---- attendance import EVENT FILE ---- */

int cli_cmd_attendance(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "attendance import EVENTO ARCHIVO.csv|ARCHIVO.xlsx";
    if (argc != 4 || strcmp(argv[1], "import") != 0)
        return cli_error("uso: %s", usage);
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    attendance_import_stats st;
    char err[2048], when[64];
    int rc = attendance_import(s, argv[2], argv[3], cli_now(), &st, err, sizeof err);
    if (rc != STORE_OK) {
        store_close(s);
        return cli_error("%s", err);
    }
    if (st.earlier_at) {
        util_format_time(CK_DEFAULT_TZ, st.earlier_at, "%Y-%m-%d %H:%M", when, sizeof when);
        printf("%s ya se había importado en este evento (el %s); no se cambió nada.\n", argv[3], when);
    } else {
        printf("%d asistencias importadas de %s (%d filas; %d ya estaban registradas).\n", st.added, argv[3], st.rows,
               st.already);
        if (st.batch[0])
            printf("Importación %s · archivo SHA-256 %s\n", st.batch, st.sha256);
        if (st.inactive)
            fprintf(stderr, "Aviso: %d %s como inactivas en el padrón; sus registros quedan, pero no cuentan en "
                    "los indicadores.\n", st.inactive, st.inactive == 1 ? "persona está marcada" : "personas están marcadas");
    }
    store_close(s);
    return 0;
}

/* ---- event list ---- */

int cli_event_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "event list [--year AAAA] [--format text|csv|json]";
    static const struct option lo[] = {{"year", required_argument, 0, 'y'}, {"format", required_argument, 0, 'f'},
                                       {0, 0, 0, 0}};
    int year = 0;
    const char *format = "text";
    OPTS_BEGIN(lo)
    case 'y':
        if (cli_parse_year(optarg, &year))
            return cli_error("año no válido '%s'", optarg);
        break;
    case 'f': format = optarg; break;
    OPTS_END(usage)
    if (optind != argc)
        return cli_error("uso: %s", usage);
    if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json"))
        return cli_error("formato desconocido '%s' (use text, csv o json)", format);
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char err[1024];
    int rc = export_event_list(s, &ctx->cfg, year, format, stdout, err, sizeof err);
    store_close(s);
    return rc ? cli_error("%s", err) : 0;
}

/* ---- event attach EVENT FILE [--kind K] [--note TEXT] ---- */

static const char *kind_label(const char *kind)
{
    if (strcmp(kind, "foto") == 0)
        return "fotografía";
    if (strcmp(kind, "lista") == 0)
        return "lista en papel escaneada";
    if (strcmp(kind, "constancia") == 0)
        return "constancia o captura de pantalla";
    return "otro documento";
}

static void human_size(long long n, char *out, size_t outlen)
{
    if (n >= 1024 * 1024)
        snprintf(out, outlen, "%.1f MB", n / (1024.0 * 1024.0));
    else if (n >= 1024)
        snprintf(out, outlen, "%.0f KB", n / 1024.0);
    else
        snprintf(out, outlen, "%lld bytes", n);
}

int cli_event_attach(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] =
        "event attach EVENTO ARCHIVO.pdf|.jpg|.png [--kind foto|lista|constancia|otro] [--note TEXTO]";
    static const struct option lo[] = {{"kind", required_argument, 0, 'k'}, {"note", required_argument, 0, 'n'},
                                       {0, 0, 0, 0}};
    const char *kind = NULL, *note = "";
    OPTS_BEGIN(lo)
    case 'k': kind = optarg; break;
    case 'n': note = optarg; break;
    OPTS_END(usage)
    if (argc - optind != 2)
        return cli_error("uso: %s", usage);
    const char *event_id = argv[optind], *path = argv[optind + 1];
    if (kind && !store_attachment_kind_valid(kind))
        return cli_error("tipo de anexo desconocido '%s' (foto, lista, constancia u otro)", kind);
    if (strlen(note) >= STORE_TEXT_LEN || !util_utf8_valid(note, strlen(note)) || util_has_control(note))
        return cli_error("la nota es demasiado larga o no es texto válido (máximo %d bytes)", STORE_TEXT_LEN - 1);
    /* The file, checked here so the coordinator reads why in Spanish. */
    struct stat st;
    unsigned char head[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cli_error("%s: no se puede leer: %s", path, strerror(errno));
    ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head) : -1;
    close(fd);
    if (got < 0)
        return cli_error("%s: no es un archivo regular", path);
    if (got == 0)
        return cli_error("%s: el archivo está vacío", path);
    if (!store_attachment_sniff(head, (size_t)got))
        return cli_error("%s: no es un PDF, JPEG ni PNG (se anexan escaneos en PDF, fotografías JPEG o PNG y "
                         "capturas de pantalla)", path);
    if (st.st_size > STORE_ATTACH_MAX_BYTES)
        return cli_error("%s: es demasiado grande (%lld MB; máximo %ld MB)", path, (long long)(st.st_size >> 20),
                         STORE_ATTACH_MAX_BYTES >> 20);
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    store_event ev;
    if (store_event_get(s, event_id, &ev) != STORE_OK) {
        store_close(s);
        return cli_error("no hay un evento '%s' (use el identificador que muestra «cepci-kiosk event list»)",
                         event_id);
    }
    store_attachment a;
    int rc = store_attach(s, ev.id, path, kind, note, cli_now(), &a);
    char size[32];
    if (rc == STORE_OK || rc == STORE_EXISTS) {
        human_size(a.size, size, sizeof size);
        if (rc == STORE_EXISTS)
            printf("%s ya estaba anexado a «%s» (%s); no se cambió nada.\n", path, ev.title,
                   kind_label(a.kind));
        else
            printf("%s\nAnexado a «%s»: %s, %s, %s · SHA-256 %s\n", a.uuid, ev.title, a.name,
                   kind_label(a.kind), size, a.sha256);
        store_close(s);
        return 0;
    }
    cli_error("%s: no se pudo anexar: %s", path, store_errmsg(s));
    store_close(s);
    return 1;
}

/* ---- audit verify: the attachments' files ---- */

static void bad_attachment(const store_attachment *a, int problem, void *ctx)
{
    store *s = ctx;
    char path[4400], line[5000];
    store_attachment_file(s, a, path, sizeof path);
    snprintf(line, sizeof line, "anexo %s: %s (%s, evento %.8s)", problem == STORE_ATTACH_MISSING ? "FALTANTE" : "ALTERADO",
             path, a->name, a->event_id);
    printf("%s\n", util_one_line(line));
}

int cli_audit_attachments(store *s)
{
    long n = 0;
    int rc = store_attachments_verify(s, &n, bad_attachment, s);
    if (rc == STORE_OK) {
        printf("anexos: %ld %s coinciden con su huella\n", n, n == 1 ? "archivo" : "archivos");
        return 0;
    }
    char es[2048];
    cli_es(store_errmsg(s), es, sizeof es); /* (cli_error would not reach inside a Spanish format) */
    if (rc == STORE_INVALID)
        return cli_error("anexos: hay archivos alterados o faltantes (el primero: %s)", es);
    return cli_error("anexos: no se pudieron verificar: %s", es);
}
