/* export_labels.c — see export_labels.h. */
#include "export_labels.h"
#include "export_int.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *lookup(const char *const (*map)[2], size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(map[i][0], code) == 0)
            return map[i][1];
    return code;
}

const char *export_kind_label(const char *kind)
{
    static const char *const map[][2] = {
        {"curso", "Curso"}, {"taller", "Taller"}, {"conferencia", "Conferencia"},
        {"conversatorio", "Conversatorio"}, {"cine-debate", "Cine-debate"}, {"platica", "Plática"},
        {"protesta", "Protesta del Código de Conducta"}, {"otro", "Otro"},
    };
    return lookup(map, sizeof map / sizeof *map, kind ? kind : "");
}

const char *export_topic_label(const char *topic)
{
    static const char *const map[][2] = {
        {"etica", "Ética"},
        {"integridad", "Integridad pública"},
        {"conflicto-intereses", "Prevención de conflictos de intereses"},
        {"igualdad-genero", "Igualdad de género"},
        {"violencia-genero", "Violencia de género"},
        {"hsas", "Hostigamiento sexual y acoso sexual"},
        {"discriminacion", "Prevención de la discriminación"},
        {"codigo-conducta", "Código de Conducta"},
        {"otro", "Otro tema"},
    };
    return lookup(map, sizeof map / sizeof *map, topic ? topic : "");
}

void export_topics_text(const char *topics, char *out, size_t outlen)
{
    char buf[256];
    size_t n = 0;
    util_strlcpy(buf, topics ? topics : "", sizeof buf);
    out[0] = '\0';
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        util_trim(t);
        int w = snprintf(out + n, outlen - n, "%s%s", n ? ", " : "", export_topic_label(t));
        if (w < 0 || (size_t)w >= outlen - n)
            break;
        n += (size_t)w;
    }
}

const char *export_state_label(const char *state)
{
    static const char *const map[][2] = {{"draft", "Borrador"}, {"open", "Abierto"}, {"closed", "Cerrado"}};
    return lookup(map, sizeof map / sizeof *map, state ? state : "");
}

const char *export_row_method_label(const char *method, int imported)
{
    /* One label per method, the lists' own (export_canon.c). */
    if (imported)
        return "lista capturada de un archivo";
    return export_method_label(method ? method : "");
}

static const char *const ATT_KINDS[4] = {"foto", "lista", "constancia", "otro"};

int export_attachment_kind_index(const char *kind)
{
    for (int i = 0; i < 4; i++)
        if (kind && strcmp(kind, ATT_KINDS[i]) == 0)
            return i;
    return 3;
}

const char *export_attachment_label(const char *kind, int n)
{
    static const char *const one[4] = {"fotografía", "lista en papel escaneada", "constancia o captura de pantalla",
                                       "otro documento"};
    static const char *const many[4] = {"fotografías", "listas en papel escaneadas",
                                        "constancias o capturas de pantalla", "otros documentos"};
    int i = export_attachment_kind_index(kind);
    return n == 1 ? one[i] : many[i];
}

void export_attachments_text(const int counts[4], char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < 4; i++) {
        if (!counts[i])
            continue;
        int w = snprintf(out + n, outlen - n, "%s%d %s", n ? ", " : "Anexos: ", counts[i],
                         export_attachment_label(ATT_KINDS[i], counts[i]));
        if (w < 0 || (size_t)w >= outlen - n)
            break;
        n += (size_t)w;
    }
}

void export_slug(const char *title, char *out, size_t outlen)
{
    static const char *const small[] = {"de", "del", "la", "las", "el", "los", "y", "e", "o", "en", "para", "sobre",
                                        "a", "al", "con", "por", "un", "una", "su", "sus", NULL};
    char folded[512];
    size_t n = 0;
    int words = 0;
    util_fold(title ? title : "", folded, sizeof folded);
    out[0] = '\0';
    for (char *save = NULL, *w = strtok_r(folded, " ", &save); w && words < 3; w = strtok_r(NULL, " ", &save)) {
        int skip = 0;
        for (const char *const *k = small; *k && !skip; k++)
            skip = strcmp(*k, w) == 0;
        if (skip)
            continue;
        size_t wl = strlen(w);
        if (n + wl + (n ? 1 : 0) > 40 || n + wl + 2 > outlen)
            break;
        n += (size_t)snprintf(out + n, outlen - n, "%s%s", n ? "-" : "", w);
        words++;
    }
    if (!n)
        snprintf(out, outlen, "evento");
}

void export_event_filename(const store_event *ev, const char *prefix, const char *ext, char *out, size_t outlen)
{
    char slug[64];
    export_slug(ev->title, slug, sizeof slug);
    snprintf(out, outlen, "%s_%.10s_%s_%s.%s", prefix, ev->start, slug, ev->unit, ext);
}

void export_tz_text(const char *tz, char *out, size_t outlen)
{
    static const char *const map[][2] = {
        {"America/Mexico_City", "del centro de México"}, {"America/Monterrey", "del centro de México"},
        {"America/Merida", "del centro de México"},      {"America/Bahia_Banderas", "del centro de México"},
        {"America/Chihuahua", "del centro de México"},
        {"America/Matamoros", "del centro de México, con el horario de verano de la frontera norte"},
        {"America/Ojinaga", "del centro de México, con el horario de verano de la frontera norte"},
        {"America/Cancun", "del sureste de México (Quintana Roo)"},
        {"America/Mazatlan", "del Pacífico de México"},
        {"America/Hermosillo", "del Pacífico de México (Sonora)"},
        {"America/Ciudad_Juarez", "de la montaña, con el horario de verano de la frontera norte"},
        {"America/Tijuana", "del noroeste de México (Baja California)"},
    };
    const char *z = tz ? tz : "";
    const char *name = lookup(map, sizeof map / sizeof *map, z);
    if (name != z)
        snprintf(out, outlen, "Horas en tiempo %s", name);
    else
        snprintf(out, outlen, "Horas en la zona horaria %s", z);
}

void export_keyed_day(const struct tm *at_local, const char *start, const char *end, char *out, size_t outlen)
{
    char day[11];
    snprintf(day, sizeof day, "%04d-%02d-%02d", at_local->tm_year + 1900, at_local->tm_mon + 1, at_local->tm_mday);
    const char *last = end && strlen(end) >= 10 ? end : start;
    int within = start && strlen(start) >= 10 && strncmp(day, start, 10) >= 0 && strncmp(day, last, 10) <= 0;
    const char *d = within ? day : start && strlen(start) >= 10 ? start : day;
    snprintf(out, outlen, "%.2s/%.2s/%.4s", d + 8, d + 5, d);
}
