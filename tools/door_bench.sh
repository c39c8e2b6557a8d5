#!/usr/bin/env bash
# door_bench.sh — figures for the door of a training (issue 10; not a test).
#
#   bash tools/door_bench.sh [CEPCI-KIOSK [BASELINE-CEPCI-KIOSK]]
#
# On a 1920x1080 Xvfb with no window manager, the kiosk full screen with the
# software renderer:
#   - the queue: DOOR_SCANS badge reads (default 50) DOOR_EVERY ms apart
#     (default 2000) with one open event without signature, typed by the
#     kiosk's own scanner simulation (`run --bench door`: 5 ms a key, then
#     Enter): how many were recorded, scans per minute, and the time from
#     each read's Enter to the presented frame of its done screen (p50, p99);
#   - idle: the CPU the kiosk takes over DOOR_IDLE_S seconds (default 30)
#     sitting on home and on the attract loop, as % of one core (from
#     /proc/PID/stat), for this kiosk and, when given, a baseline binary
#     measured the same way in the same sitting.
# The executable is the first argument, $CK_BIN, or build/cepci-kiosk.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
B=$(readlink -f "${1:-${CK_BIN:-$HERE/build/cepci-kiosk}}")
BASE=${2:-}
SCANS=${DOOR_SCANS:-50}
EVERY=${DOOR_EVERY:-2000}
IDLE=${DOOR_IDLE_S:-30}
command -v Xvfb >/dev/null || { echo "door_bench.sh: Xvfb is needed" >&2; exit 1; }
T=$(mktemp -d)
XPID= KPID=
cleanup() {
    [ -n "$KPID" ] && kill -KILL "$KPID" 2>/dev/null || true
    [ -n "$XPID" ] && kill "$XPID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp -noreset 3> display >/dev/null 2>&1 &
XPID=$!
for _ in $(seq 200); do [ -s display ] && break; sleep 0.05; done
export DISPLAY=:$(head -1 display) SDL_VIDEODRIVER=x11
for _ in $(seq 200); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.05; done

# db BINARY NAME: a database for BINARY (its own schema) with 60 people and
# one open event of today without signature.
db() {
    local bin=$1 name=$2
    "$bin" --db "$name" init --institution "Institución de Prueba" --unit SCLC >/dev/null
    {
        echo "numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto"
        for i in $(seq 7001 $((7000 + SCANS + 10))); do echo "$i,Persona$i,Apellido,Ruiz,SCLC,Finanzas,Analista"; done
    } > r.csv
    "$bin" --db "$name" roster import r.csv >/dev/null
    local e
    e=$("$bin" --db "$name" event add --title "Taller de ética" --kind taller --topics etica --unit SCLC \
          --start "$(TZ=America/Mexico_City date +%Y-%m-%d) 08:00" --no-signature)
    "$bin" --db "$name" event open "$e" >/dev/null
}

echo "== the queue: $SCANS badge reads, $EVERY ms apart, one open event without signature"
db "$B" q.db
"$B" --db q.db run --software --bench door --scans "$SCANS" --every "$EVERY"

# cpu BINARY DB SCREEN: % of one core over $IDLE s, after 8 s to settle
# (the first frames, and 5 s of redrawing while a compositor maps it).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu() {
    local bin=$1 name=$2 screen=$3 t0 t1 w0 w1 hz
    "$bin" --db "$name" run --software --demo "$screen" 2>/dev/null &
    KPID=$!
    sleep 8
    hz=$(getconf CLK_TCK)
    t0=$(ticks "$KPID") w0=$(date +%s%N)
    sleep "$IDLE"
    t1=$(ticks "$KPID") w1=$(date +%s%N)
    kill -TERM "$KPID" 2>/dev/null || true
    sleep 0.5
    kill -KILL "$KPID" 2>/dev/null || true # the baseline ignores SIGTERM
    wait "$KPID" 2>/dev/null || true
    KPID=
    awk -v d=$((t1 - t0)) -v hz="$hz" -v ns=$((w1 - w0)) 'BEGIN { printf "%.2f", 100 * d / hz / (ns / 1e9) }'
}
echo "== idle: % of one core over $IDLE s, 1920x1080, software renderer"
for screen in home attract; do
    echo "idle_${screen}_cpu_pct: $(cpu "$B" q.db "$screen")"
done
if [ -n "$BASE" ]; then
    db "$BASE" b.db
    for screen in home attract; do
        echo "baseline_idle_${screen}_cpu_pct: $(cpu "$BASE" b.db "$screen")"
    done
fi
