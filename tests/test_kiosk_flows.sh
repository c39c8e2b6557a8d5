#!/usr/bin/env bash
# test_kiosk_flows.sh — drives the real kiosk (SDL dummy video driver,
# software renderer) with scripted input pushed through its own event loop,
# then checks the database with the executable's own commands.
# The coordinator and backup flows fake the clock (CEPCI_NOW), which only a
# test build reads.
[ "${CK_TEST_HOOKS:-0}" = 1 ] || { echo "skip: needs a build with CK_TEST_HOOKS=ON (CEPCI_NOW)"; exit 77; }
. "$(dirname "$0")/kiosk_lib.sh"
kiosk_setup <<'CSV'
numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto
1001,María José,Peña,Gómez,SCLC,Departamento de Salud,Investigadora
1002,José Luis,Hernández,Ruiz,SCLC,Recursos Humanos,Jefe de departamento
1003,Ana,Peñaloza,Díaz,SCLC,Biblioteca,Técnica
1004,Lucía,Núñez,Pérez,SCLC,Finanzas,Analista
1005,Pedro,Ramos,Solís,SCLC,Finanzas,Analista
CSV

# 1. Badge on home, one open event without signature: no tap at all.
run badge "text 1001
key enter
wait 50
expect done
expect-text Folio"
[ "$(count "$E")" = 1 ] || fail "badge: expected 1 attendee"

# 2. Employee number on the keypad.
run number "tap event-0
expect identify
tap 1
tap 0
tap 0
tap 2
tap Continuar
expect confirm
expect-text José Luis Hernández Ruiz
tap Sí, soy yo
expect done"
[ "$(count "$E")" = 2 ] || fail "number: expected 2 attendees"

# 3. Name search without accents: "nunez" finds Núñez.
run search "tap event-0
tap Buscar mi nombre
tap N
tap U
tap N
tap E
tap Z
wait 20
tap Lucía Núñez Pérez
expect confirm
tap Sí, soy yo
expect done"
[ "$(count "$E")" = 3 ] || fail "search: expected 3 attendees"

# 3b. "pena" finds Peña (and Peñaloza), each with the unit and no more
#     (the area only tells namesakes apart).
run search_pena "tap event-0
tap Buscar mi nombre
tap P
tap E
tap N
tap A
wait 20
expect-text María José Peña Gómez
expect-text Ana Peñaloza Díaz
expect-text SCLC
expect-no-text Departamento de Salud"

# 4. Duplicate: the same badge again says when; with a printer it sends to
#    the coordinator for a copy (reprint by folio; no reprint of a receipt
#    at the public screen); with none there is no copy to promise.
run duplicate "text 1001
key enter
wait 50
expect already
expect-text Su registro ya existía
expect-no-text Reimprimir
expect-no-text comprobante
tap Terminar
expect home"
mkdir dupprn
printf '[kiosk]\nunit = SCLC\n[printer]\nuri = png:%s/dupprn\n' "$T" > dup.ini
printf 'badge 1001\nwait 50\nexpect already\nexpect-no-text Reimprimir\nexpect-text pídalo a la persona coordinadora\n' > dup.script
"$B" --db k.db --config dup.ini run --windowed 1280x800 --software --script dup.script 2> dup.err ||
    { cat dup.err >&2; fail duplicate_printer; }
echo "ok - duplicate_printer"
[ "$(count "$E")" = 3 ] || fail "duplicate: count changed"

# 5. Not in the roster: a guest types the full name.
run guest "tap event-0
tap No aparezco en la lista
expect guest
tap I
tap N
tap É
tap S
tap Espacio
tap R
tap U
tap I
tap Z
tap Registrarme como persona invitada
expect done"
[ "$(count "$E")" = 4 ] || fail "guest: expected 4 attendees"

# 6. Touch: a finger tap also arrives as a synthesised mouse event; each
#    key must count once ("1005", not "11000055").
run touch "touch event-0
touch 1
touch 0
touch 0
touch 5
touch Continuar
expect confirm
expect-text Pedro Ramos Solís"

# 7. Pledge: Carta read to the end, privacy notice accepted, a near-empty
#    signature refused, then a real one.
run pledge "tap Firmar Carta Compromiso
tap 1
tap 0
tap 0
tap 3
tap Continuar
tap Sí, soy yo
expect carta
tap Firmar
expect carta
scroll-end
wait 20
tap Firmar
expect privacy
tap Acepto el aviso de privacidad
expect sign
tapxy 640 450
tap Aceptar firma
expect sign
expect-text La firma es muy corta
sign
tap Aceptar firma
expect done
expect-text Folio"
"$B" --db k.db indicators --format json | grep -q '"pledged": 1' || fail "pledge: not recorded"

# 8. Idle reset: countdown in the last 10 s, then home with nothing left.
run idle "tap event-0
tap Buscar mi nombre
tap P
tap E
advance 36000
wait 30
expect identify
expect-text Volveremos al inicio
advance 10000
wait 30
expect home
tap event-0
tap Buscar mi nombre
expect-text Escriba su nombre o apellido"

# 9. PIN: five wrong tries lock coordinator mode, and the lock survives a
#    restart of the kiosk.
printf '2468\n2468\n' | "$B" --db k.db admin set-pin >/dev/null
wrong="tap 1
tap 1
tap 1
tap 1
tap Entrar"
run pin_lock "hold 20 20 3200
expect pin
$wrong
expect-text PIN incorrecto
$wrong
$wrong
$wrong
$wrong
expect-text Demasiados intentos"
run pin_still_locked "hold 20 20 3200
expect pin
tap 2
tap 4
tap 6
tap 8
tap Entrar
expect pin
expect-text Demasiados intentos"
# Six minutes later the right PIN opens coordinator mode; close the event.
now=$(( $(date +%s) + 360 ))
# Tools: export today's evidence (to the default folder, here $T), then
# close the event and the kiosk.
printf 'hold 20 20 3200\ntap 2\ntap 4\ntap 6\ntap 8\ntap Entrar\nexpect coord\nexpect-text Taller de ética\ntap Herramientas\ntap Exportar evidencias de hoy\nwait 50\nexpect-text Listo: se guardaron 4 archivos\ntap Eventos de hoy\ntap Cerrar-0\nwait 20\ntap Herramientas\ntap Cerrar el quiosco\n' > coord.script
CEPCI_NOW=$now "$B" --db k.db run --windowed 1280x800 --software --script coord.script 2> coord.err || { cat coord.err; fail coord; }
"$B" --db k.db event list | grep -q $'\tclosed\t' || fail "coord: event not closed"
for f in asistencia-*-"${E:0:8}".pdf asistencia-*-"${E:0:8}".csv cartas-compromiso-*.pdf cartas-compromiso-*.csv; do
    [ -f "$f" ] || { ls >&2; fail "coord: export did not write $f"; }
    [ "$(stat -c %a "$f")" = 600 ] || fail "coord: $f has mode $(stat -c %a "$f")"
done
grep -q "Núñez" asistencia-*-"${E:0:8}".csv || fail "coord: the exported list lacks an attendee"
# The pledge signed at the kiosk shows its drawn signature in the pledge
# PDF (issue 14, item 6): strokes in the signature ink (palette.h
# PALETTE_SIGNATURE, 0x14246B) on its page.
python3 - cartas-compromiso-*.pdf <<'PY' || fail "coord: the pledge PDF does not draw the kiosk signature"
import re, sys, zlib
pdf = open(sys.argv[1], 'rb').read()
ink = False
for m in re.finditer(rb'stream\r?\n(.*?)\r?\nendstream', pdf, re.S):
    try:
        data = zlib.decompress(m.group(1))
    except zlib.error:
        continue
    ink |= re.search(rb'0\.0784\d* 0\.1411\d* 0\.4196\d* RG', data) is not None
sys.exit(0 if ink else 1)
PY
echo "ok - coordinator"
# 10. Daily backup: made while the kiosk idles on home (never mid-flow), in
#     the configured folder, mode 0600, at most once per calendar day (the
#     day is remembered in the database, so a restart does not copy again).
mkdir bk
"$B" --db k.db event open "$E" --reopen --reason "Pruebas de las copias de seguridad"
printf '[kiosk]\nunit = SCLC\n[backup]\ndir = %s/bk\nkeep = 3\n' "$T" > bk.ini
# The earlier runs idled on home with the default config and so made today's
# copy already: these run three days later.
later=$(( $(date +%s) + 3 * 86400 ))
runc() { # runc NAME SCRIPT-TEXT: like run, with bk.ini, three days later
    printf '%s\n' "$2" > "$1.script"
    CEPCI_NOW=$later "$B" --db k.db --config bk.ini run --windowed 1280x800 --software --script "$1.script" 2> "$1.err" ||
        { cat "$1.err" >&2; fail "$1"; }
    echo "ok - $1"
}
runc backup_midflow "tap event-0
expect identify
advance 40000
wait 50
expect identify"
[ -z "$(ls bk)" ] || fail "backup: a copy was made while a person was mid-flow"
runc backup_idle "advance 35000
wait 100
expect home"
copies=$(ls bk | grep -c '^cepci-kiosk-.*\.db$' || true)
[ "$copies" = 1 ] || { ls -la bk >&2; fail "backup: expected 1 copy after idling, got $copies"; }
f=$(ls bk/cepci-kiosk-*.db)
[ "$(stat -c %a "$f")" = 600 ] || fail "backup: $f has mode $(stat -c %a "$f")"
"$B" --db "$f" event list | grep -q "Taller de ética" || fail "backup: the copy is not a usable database"
runc backup_once "advance 35000
wait 100
expect home"
[ "$(ls bk | grep -c '^cepci-kiosk-.*\.db$')" = 1 ] || fail "backup: a second copy on the same day"

# 11. Printer test from the tools: a sample receipt through the configured
#     printer (a PNG folder here), with a clear result on screen.
mkdir prn
printf '[printer]\nuri = png:%s/prn\n' "$T" >> bk.ini
runc printer_test "hold 20 20 3200
tap 2
tap 4
tap 6
tap 8
tap Entrar
expect coord
tap Herramientas
tap Probar impresora
await-text La impresora respondió bien
tap Salir
expect home"
[ -s prn/PRUEBA.png ] || fail "printer test: no sample receipt"

echo "all kiosk flows passed"
