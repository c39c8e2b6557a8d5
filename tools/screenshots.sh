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
cat > k.ini <<INI
[institution]
name = El Colegio de la Frontera Sur
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
K() { "$B" --db k.db --config k.ini "$@"; }
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
    printf '%s\nwait 60\nshot %s/%s-%s.png\n' "$3" "$OUT" "$1" "$2" > s.script
    K run --windowed "$2" --software --script s.script || echo "screenshots.sh: $1 at $2 failed" >&2
}
for size in 1280x800 1920x1080 1080x1920; do
    for s in home attract identify search confirm done done-printfail already guest carta privacy notice pin \
             coord coord-event; do
        shot "$s" "$size" "demo $s"
    done
    shot sign "$size" "demo sign
sign"
    shot pledge-confirm "$size" "demo pledge-confirm"
    shot pledge-done "$size" "demo pledge-done"
    shot pledge-already "$size" "demo pledge-already"
    shot coord-attendees "$size" "demo coord
tap Asistentes
wait 30"
    shot coord-indicators "$size" "demo coord
tap Indicadores
wait 30"
    shot coord-tools "$size" "demo coord
tap Herramientas
wait 30"
    shot idle-countdown "$size" "demo identify
advance 37000"
    shot home-large "$size" "large 1
demo home
large 1"
    shot search-large "$size" "demo search
large 1"
done
ls "$OUT" | wc -l | xargs echo "screenshots.sh: PNG files in $OUT:"
