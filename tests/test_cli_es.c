/* test_cli_es.c — every message a command prints is in Spanish (issue 14,
 * item 7): cli_es translates each English message format the sources hand
 * to a user (listed by tests/es_messages.py), nested reasons and
 * "FILE:LINE: " prefixes included. A new English message without its
 * Spanish in kiosk/cli/cli_es.c fails here, named. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"

/* The format with its directives filled: "%s" -> "«a1»", numbers -> "7". */
static void instantiate(const char *fmt, char *out, size_t outlen)
{
    size_t o = 0;
    int k = 0;
    for (const char *p = fmt; *p && o + 16 < outlen;) {
        if (p[0] == '%' && p[1] == '%') {
            out[o++] = '%';
            p += 2;
            continue;
        }
        if (p[0] != '%') {
            out[o++] = *p++;
            continue;
        }
        const char *q = p + 1;
        while (*q && strchr("-+ #0123456789.hlzjt", *q))
            q++;
        if (*q == 's')
            o += (size_t)snprintf(out + o, outlen - o, "a%d", ++k);
        else
            o += (size_t)snprintf(out + o, outlen - o, "7");
        p = *q ? q + 1 : q;
    }
    out[o] = '\0';
}

static void every_message_is_translated(void **state)
{
    (void)state;
    tu_need("python3");
    char cmd[4200], line[2048], msg[2048], es[4096];
    snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", tu_src("tests/es_messages.py"), CK_SOURCE_DIR);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int n = 0, missing = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        instantiate(line, msg, sizeof msg);
        cli_es(msg, es, sizeof es);
        n++;
        if (strcmp(es, msg) == 0) {
            printf("NOT TRANSLATED (add it to kiosk/cli/cli_es.c): %s\n", line);
            missing++;
        }
    }
    assert_int_equal(pclose(p), 0);
    printf("%d message formats, %d without Spanish\n", n, missing);
    assert_true(n > 150);
    assert_int_equal(missing, 0);
}

static void nesting_and_prefixes(void **state)
{
    (void)state;
    char es[1024];
    /* A reason inside a reason, and a path prefix. */
    assert_string_equal(cli_es("lista.csv: nothing was imported: employee number 123 is not in the roster", es,
                               sizeof es),
                        "lista.csv: no se importó nada: el número de empleado 123 no está en el padrón");
    assert_string_equal(cli_es("r.csv:4: employee number 9 appears twice (also on line 2)", es, sizeof es),
                        "r.csv:4: el número de empleado 9 aparece dos veces (también en la línea 2)");
    assert_string_equal(cli_es("save attendance: the disk is full or the file size limit was reached", es, sizeof es),
                        "guardar la asistencia: el disco está lleno o se alcanzó el límite de tamaño de archivo");
    assert_string_equal(cli_es("/x/y.pdf: cannot write: No space left on device; nothing was written", es, sizeof es),
                        "/x/y.pdf: no se puede escribir: no queda espacio en el dispositivo; no se escribió nada");
    /* An outer message is not taken for the first word of an inner one. */
    assert_string_equal(cli_es("audit chain BROKEN: key ZZZZZZZ is not in the audit log; it was added outside the "
                               "program", es, sizeof es),
                        "cadena de auditoría ROTA: llave pública ZZZZZZZ no está en la bitácora de auditoría: se "
                        "agregó por fuera del programa");
    assert_string_equal(cli_es("r2.csv: nothing was imported: person 9d5c was changed outside the program (it no "
                               "longer matches its audit entry); no new version is written over it; run: "
                               "cepci-kiosk audit verify", es, sizeof es),
                        "r2.csv: no se importó nada: persona 9d5c: se modificó por fuera del programa (ya no "
                        "coincide con su entrada de auditoría); no se escribe una versión nueva encima; ejecute: "
                        "cepci-kiosk audit verify");
    /* A nested reason with its own prefix. */
    assert_string_equal(cli_es("audit chain BROKEN: --head: the signed head of kiosk K at position 3 has a bad "
                               "signature (forged or damaged)", es, sizeof es),
                        "cadena de auditoría ROTA: --head: la cabeza firmada del quiosco K en la posición 3 tiene "
                        "una firma no válida (falsificada o dañada)");
    /* The most specific format wins; unknown text passes as it is. */
    assert_string_equal(cli_es("the event 'Taller' is closed; it does not accept check-ins", es, sizeof es),
                        "el evento 'Taller' está cerrado; no acepta registros");
    assert_string_equal(cli_es("ya en español", es, sizeof es), "ya en español");
    assert_string_equal(cli_es("", es, sizeof es), "");
    /* A tiny buffer is cut, never overrun. */
    char small[8];
    cli_es("no event 'abcd'", small, sizeof small);
    assert_int_equal(strlen(small), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_message_is_translated),
        cmocka_unit_test(nesting_and_prefixes),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
