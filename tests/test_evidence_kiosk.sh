#!/usr/bin/env bash
# Coordinator mode's "Paquete de evidencias del año" (issue 14): a tap
# writes the year's signed package into the export folder, under a name
# that never replaces an earlier one, and it verifies; a missing folder (a
# USB stick not plugged in) says so and writes nothing. Scripted through
# the real kiosk (tests/kiosk_lib.sh).
. "${CK_SOURCE_DIR:?}/tests/kiosk_lib.sh"
command -v unzip >/dev/null || { echo "SKIP: unzip not installed"; exit 77; }
printf 'numero_empleado,nombre,primer_apellido,unidad\n1001,José,Peña,SCLC\n1002,María,Núñez,SCLC\n' > in.csv
kiosk_setup < in.csv
kiosk_require_test_build k.db
export CEPCI_NOW=$(TZ=America/Mexico_City date -d "$(today) 12:00" +%s)   # noon of the event's day (kiosk_setup: today)
"$B" --db k.db checkin "$E" 1001 >/dev/null
printf '2468\n2468\n' | "$B" --db k.db admin set-pin >/dev/null
mkdir usb
cat > k.ini <<INI
[kiosk]
unit = SCLC
[export]
dir = $T/usb
INI
script() { printf 'hold 20 20 3200\ntap 2\ntap 4\ntap 6\ntap 8\ntap Entrar\nexpect coord\ntap Herramientas\n%s\ntap Cerrar el quiosco\n' "$1" > p.script; }
script $'tap Paquete de evidencias del año\nwait 50\nexpect-text Listo: paquete de evidencias'
for round in 1 2; do
    "$B" --db k.db --config k.ini run --windowed 1280x800 --software --script p.script 2> p.err || { cat p.err; fail "package $round"; }
done
n=$(ls usb/evidencias_*_SCLC_*.zip | wc -l)
[ "$n" = 2 ] || { ls usb >&2; fail "two taps must give two packages, not $n"; }
for z in usb/*.zip; do
    [ "$(stat -c %a "$z")" = 600 ] || fail "$z has mode $(stat -c %a "$z")"
    "$B" --db k.db verify --package "$z" | grep -q "Resultado: ÍNTEGRO" || fail "$z does not verify"
    # (the listing read whole first: grep -q stopping early failed the test under pipefail
    # whenever unzip was still writing)
    listing=$(unzip -l "$z")
    grep -q "lista-asistencia_$(today)_taller-etica_SCLC.pdf" <<<"$listing" || fail "$z lacks the list"
done
echo "ok - package from coordinator mode"
rm -rf usb
script $'tap Paquete de evidencias del año\nwait 50\nexpect-text No se encontró la carpeta'
"$B" --db k.db --config k.ini run --windowed 1280x800 --software --script p.script 2> p.err || { cat p.err; fail "no folder"; }
[ ! -e usb ] || fail "the missing folder was created"
echo "ok - no USB stick"
