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
# Days in the units' zone (SCLC, America/Mexico_City), not the machine's:
# in the evening a UTC machine is already on the next day.
day() { TZ=America/Mexico_City date "$@" +%Y-%m-%d; }
K() { "$B" --db "${KDB:-k.db}" --config "${KINI:-k.ini}" "$@"; }
grep -v '^logo = ' k.ini > k0.ini
# With a printer (a PNG folder): the done screen says the receipt is printed.
mkdir -p prn
sed "s|^uri = none\$|uri = png:$T/prn|" k.ini > kp.ini
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
10242,María José,Peña,Gómez,CAM,Finanzas,Analista
CSV
K roster import r.csv >/dev/null
E1=$(K event add --title "Taller: conflicto de intereses en la investigación" --kind taller \
      --topics conflicto-intereses --unit SCLC --start "$(day) 10:00" --place "Auditorio" --no-signature)
E2=$(K event add --title "Conferencia: la Nueva Ética Pública" --kind conferencia --topics etica \
      --unit SCLC --start "$(day) 12:30" --place "Sala de juntas")
K event open "$E1"
K event open "$E2"
for n in 10235 10236 10237; do K checkin "$E1" "$n" --keyed >/dev/null; done
K pledge 10238 --keyed >/dev/null 2>&1 || true
printf '2468\n2468\n' | K admin set-pin >/dev/null
# A second database for the door's crowded day: ten open events (home in
# pages), one of them left open since yesterday.
KM() { "$B" --db m.db --config k.ini "$@"; }
KM init --institution "El Colegio de la Frontera Sur" --unit SCLC >/dev/null
KM roster import r.csv >/dev/null
# ...and a roster where a name search finds more than the list holds.
{
    head -1 r.csv
    for i in $(seq 11 40); do echo "200$i,Persona $i,García,López,SCLC,Biblioteca,Técnica"; done
} > many.csv
KM roster import many.csv >/dev/null
M0=$(KM event add --title "Plática: integridad en el servicio público" --kind platica --topics integridad \
      --unit SCLC --start "$(day -d yesterday) 09:00" --place "Aula 2" --no-signature)
KM event open "$M0"
for i in $(seq 9); do
    KM event open "$(KM event add --title "Taller $i: conflicto de intereses" --kind taller \
        --topics conflicto-intereses --unit SCLC --start "$(day) 1$i:00" --place "Sala $i")"
done

shot() { # shot NAME WxH SCRIPT-LINES — on a copy of the database, so
    # what one shot records (badges, a PIN lock) never shows in another.
    local base=${KDB:-k.db} f
    rm -f s.db*
    for f in "$base"*; do cp "$f" "s.db${f#"$base"}"; done
    printf '%s\nwait 60\nshot %s/%s-%s.png\nexpect-uncut\n' "$3" "$OUT" "$1" "$2" > s.script
    if ! KDB=s.db K run --windowed "$2" --software --script s.script 2> s.err; then
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
    echo 'search-namesakes|demo search\ntap Borrar\ntap Borrar\ntap Borrar\ntap P\ntap E\ntap Ñ\ntap A\nwait 30'
    echo 'search-more|demo search\ntap Borrar\ntap Borrar\ntap Borrar\ntap P\ntap E\nwait 30'
    echo 'identify-pledge-notlisted|demo pledge-identify\ntap No aparezco en la lista\nwait 30'
    echo 'confirm-namesake|demo search\ntap Borrar\ntap Borrar\ntap Borrar\ntap P\ntap E\ntap Ñ\ntap A\nwait 30\ntap María José Peña Gómez\nwait 30'
    echo 'sign-queue|demo sign\nbadge 10236\nwait 30'
    echo 'sign-short|demo sign\ntapxy 300 500\ntap Aceptar firma\nwait 30'
    echo 'done-next|demo home\nbadge 10234\nwait 30\nbadge 10239\nwait 30'
    echo 'home-badge-many|demo home\nbadge 10234\nwait 30'
    echo 'home-unknown|demo home\nbadge 99999\nwait 30'
    echo 'coord-folio|demo coord-folio'
    echo 'coord-event-2|demo coord-event\ntap Siguiente\nwait 30'
    echo 'coord-event-3|demo coord-event\ntap Siguiente\ntap Siguiente\nwait 30'
    echo 'coord-quit|demo coord\ntap Herramientas\ntap Cerrar el quiosco\nwait 30'
    echo 'pin-locked|demo pin\ntap 1\ntap 1\ntap 1\ntap 1\ntap Entrar\ntap 1\ntap 1\ntap 1\ntap 1\ntap Entrar\ntap 1\ntap 1\ntap 1\ntap 1\ntap Entrar\ntap 1\ntap 1\ntap 1\ntap 1\ntap Entrar\ntap 1\ntap 1\ntap 1\ntap 1\ntap Entrar\nwait 30'
}
# The crowded day (m.db): home in pages, an event from yesterday.
crowded() {
    echo 'home-many|demo home'
    echo 'home-many-2|demo home\ntap Siguiente\nwait 30'
    echo 'search-many|demo search\ntap Borrar\ntap Borrar\ntap Borrar\ntap G\ntap A\ntap R\nwait 30'
    echo 'confirm-stale|demo home\ntap event-0\ntap 1\ntap 0\ntap 2\ntap 3\ntap 4\ntap Continuar\nwait 30'
}
FAILED=0
for size in 1280x800 1920x1080 1080x1920; do
    while IFS='|' read -r name script; do
        shot "$name" "$size" "$(printf "$script")"
        shot "$name-large" "$size" "$(printf "$script\nlarge 1")"
    done < <(screens)
    while IFS='|' read -r name script; do
        KDB=m.db shot "$name" "$size" "$(printf "$script")"
    done < <(crowded)
    KINI=kp.ini shot done-printed "$size" "demo done"
    KINI=kp.ini shot done-printed-large "$size" "$(printf 'demo done\nlarge 1')"
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
