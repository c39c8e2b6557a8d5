#!/usr/bin/env bash
# screenshots.sh OUTDIR — saves a PNG of every kiosk screen at 1280x800,
# 1920x1080 and 1080x1920 (plus the larger-text variant of some), on a demo
# database created in a temporary folder. Builds nothing: the executable is
# $CK_BIN, or the second argument, or build/cepci-kiosk.
# Uses the SDL dummy video driver and the software renderer (no display).
set -euo pipefail
OUT=${1:?usage: tools/screenshots.sh OUTDIR [CEPCI-KIOSK]}
HERE=$(cd "$(dirname "$0")/.." && pwd)
B=${2:-${CK_BIN:-$HERE/build/cepci-kiosk}}
[ -x "$B" ] || { echo "screenshots.sh: no executable at $B" >&2; exit 1; }
B=$(readlink -f "$B")
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
cd "$T"
# A sample institution logo (transparent background, as institutions
# supply them) when ImageMagick is at hand; without it the screens are
# shot without a logo. home-nologo shows the header without one.
# ImageMagick's default font (Helvetica, from Ghostscript) is often not
# installed: the lettering uses the kiosk's own font, found by fontconfig.
LOGO=
FONT=$(fc-match -f '%{file}' 'DejaVu Sans' 2>/dev/null || true)
if command -v convert >/dev/null 2>&1 &&
   convert -size 360x120 xc:none -fill '#1F5C99' -draw 'circle 60,60 60,6' -fill white \
           -draw 'polygon 60,22 90,82 30,82' -fill '#0B6E4F' ${FONT:+-font "$FONT"} -pointsize 56 \
           -draw "text 126,80 'ECOSUR'" "PNG32:$T/logo.png" 2>/dev/null; then
    LOGO="logo = $T/logo.png"
else
    echo "screenshots.sh: no ImageMagick convert: screens without the sample logo" >&2
fi
cat > k.ini <<INI
[institution]
name = El Colegio de la Frontera Sur
$LOGO
[kiosk]
unit = SCLC
[printer]
uri = none
[texts]
carta = $HERE/assets/carta-compromiso.txt
privacy = $HERE/assets/aviso-privacidad.txt
attract = $HERE/assets/attract
[unit.SCLC]
name = San Cristóbal de Las Casas
timezone = America/Mexico_City
[unit.CHE]
name = Chetumal
timezone = America/Cancun
[unit.CAM]
name = Campeche
timezone = America/Mexico_City
[unit.TAP]
name = Tapachula
timezone = America/Mexico_City
[unit.VHSA]
name = Villahermosa
timezone = America/Mexico_City
INI
K() { "$B" --db k.db --config "${KINI:-k.ini}" "$@"; }
grep -v '^logo = ' k.ini > k0.ini
K init --institution "El Colegio de la Frontera Sur" --unit SCLC >/dev/null
cat > r.csv <<'CSV'
numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto
10234,María José,Peña,Gómez,SCLC,Departamento de Salud,Investigadora titular
10235,José Luis,Hernández,Ruiz,SCLC,Recursos Humanos,Jefe de departamento
10236,Ana Sofía,Peñaloza,Díaz,CHE,Biblioteca,Técnica académica
10237,Lucía,Núñez,Pérez,CAM,Finanzas,Analista
10238,Pedro,Pérez,Solís,TAP,Posgrado,Asistente
10239,Guadalupe,Peña,Martínez,VHSA,Laboratorio de Suelos,Técnica académica
10240,Ricardo,Penagos,Velasco,SCLC,Dirección General,Asesor
10241,Itzel,Gómez,Hernández,CHE,Servicios Escolares,Analista
CSV
K roster import r.csv >/dev/null
E1=$(K event add --title "Taller: conflicto de intereses en la investigación" --kind taller \
      --topics conflicto-intereses --unit SCLC --start "$(date +%Y-%m-%d) 10:00" --place "Auditorio" --no-signature)
E2=$(K event add --title "Conferencia: la Nueva Ética Pública" --kind conferencia --topics etica \
      --unit SCLC --start "$(date +%Y-%m-%d) 12:30" --place "Sala de juntas")
K event open "$E1"
K event open "$E2"
for n in 10235 10236 10237; do K checkin "$E1" "$n" --keyed >/dev/null; done
K pledge 10238 --keyed >/dev/null 2>&1 || true

shot() { # shot NAME WxH SCRIPT-LINES
    printf '%s\nwait 60\nshot %s/%s-%s.png\nexpect-uncut\n' "$3" "$OUT" "$1" "$2" > s.script
    if ! K run --windowed "$2" --software --script s.script 2> s.err; then
        echo "screenshots.sh: $1 at $2: $(tail -1 s.err)" >&2
        FAILED=$((FAILED + 1))
    fi
}
# Every screen at each size, with normal and with larger text ("-large").
# After each shot the script checks that no text was shortened with "…" or
# drawn past the screen's edge; any that was is reported and counted.
screens() { # one "NAME|SCRIPT" per line; \n in SCRIPT separates lines
    for s in home attract identify search confirm done done-printfail already guest carta privacy notice pin \
             coord coord-event; do
        echo "$s|demo $s"
    done
    echo 'sign|demo sign\nsign'
    echo 'pledge-confirm|demo pledge-confirm'
    echo 'pledge-done|demo pledge-done'
    echo 'pledge-already|demo pledge-already'
    echo 'coord-attendees|demo coord\ntap Asistentes\nwait 30'
    echo 'coord-indicators|demo coord\ntap Indicadores\nwait 30'
    echo 'coord-tools|demo coord\ntap Herramientas\nwait 30'
    echo 'idle-countdown|demo identify\nadvance 37000'
}
FAILED=0
for size in 1280x800 1920x1080 1080x1920; do
    while IFS='|' read -r name script; do
        shot "$name" "$size" "$(printf "$script")"
        shot "$name-large" "$size" "$(printf "$script\nlarge 1")"
    done < <(screens)
    if [ -n "$LOGO" ]; then
        KINI=k0.ini shot home-nologo "$size" "demo home"
        KINI=k0.ini shot home-nologo-large "$size" "$(printf 'demo home\nlarge 1')"
    fi
done
ls "$OUT" | wc -l | xargs echo "screenshots.sh: PNG files in $OUT:"
if [ "$FAILED" -gt 0 ]; then
    echo "screenshots.sh: $FAILED screen(s) with cut text or errors (see above)" >&2
    exit 1
fi
