#!/usr/bin/env bash
# test_kiosk_x11.sh — the real executable under Xvfb, clicked with xdotool
# like a person with a mouse: check in by employee number, then by badge
# (keyboard wedge typed into the window), and check the database.
# Skipped (exit 77, which ctest reports as skipped) when Xvfb or xdotool
# is missing.
set -euo pipefail
B=${CK_BIN:?CK_BIN not set}
LIB=$(cd "$(dirname "$0")" && pwd)/kiosk_lib.sh
for tool in Xvfb xdotool; do
    command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
T=$(mktemp -d)
XPID= KPID=
cleanup() {
    [ -n "$KPID" ] && kill "$KPID" 2>/dev/null || true
    [ -n "$XPID" ] && kill "$XPID" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/w" ] && cat "$T/w" >&2; exit 1; }
cd "$T"
"$B" --db k.db init --institution "Institución de Prueba" --unit SCLC >/dev/null
printf 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto\n2001,Rosa,Peña,López,SCLC,Finanzas,Analista\n2002,Juan,Mora,Ruiz,SCLC,Finanzas,Analista\n' > r.csv
"$B" --db k.db roster import r.csv >/dev/null
E=$("$B" --db k.db event add --title "Plática de integridad" --kind platica --topics integridad --unit SCLC \
      --start "2026-11-24 10:00" --no-signature)
"$B" --db k.db event open "$E"
# The widget dump this test clicks by (CK_WIDGETS_FILE) exists only in a
# test build (CK_TEST_HOOKS): on any other the test is skipped (exit 77).
( db=$T/k.db && . "$LIB" && kiosk_require_test_build "$db" ) || exit $?

# Xvfb picks a free display itself (-displayfd), so parallel runs never race.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3> display >/dev/null 2>&1 &
XPID=$!
for i in $(seq 300); do [ -s display ] && break; sleep 0.1; done
[ -s display ] || fail "Xvfb did not start"
export DISPLAY=:$(head -1 display)
# The real X11 driver, nothing else: SDL must not fall back to another
# video driver if the X server is slow to accept connections.
export SDL_VIDEODRIVER=x11
for i in $(seq 300); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done
xdotool getmouselocation >/dev/null 2>&1 || fail "the X server does not answer"
export CK_WIDGETS_FILE=$T/w
"$B" --db k.db run --windowed 1280x800 --software 2> kiosk.err &
KPID=$!

# Generous waits: CI runs this beside other tests, and under ASan.
wait_screen() { # wait_screen NAME
    for i in $(seq 300); do
        [ -f w ] && [ "$(head -1 w | cut -f2)" = "$1" ] && return 0
        sleep 0.1
    done
    fail "screen $1 not reached"
}
WIN=
for i in $(seq 300); do
    WIN=$(xdotool search --name '^cepci-kiosk$' 2>/dev/null | head -1) && [ -n "$WIN" ] && break
    sleep 0.1
done
[ -n "$WIN" ] || fail "no kiosk window"
click() { # click LABEL — at the widget's centre, in window coordinates
    wait_label "$1"
    local line x y
    line=$(awk -F'\t' -v l="$1" '$1 == l { print $2, $3; exit }' w)
    read -r x y <<< "$line"
    xdotool mousemove --window "$WIN" "$x" "$y" click 1
    sleep 0.3
}
wait_label() {
    for i in $(seq 200); do
        awk -F'\t' -v l="$1" '$1 == l { f = 1 } END { exit !f }' w 2>/dev/null && return 0
        sleep 0.1
    done
    fail "no widget $1"
}
wait_screen home
click event-0
wait_screen identify
for k in 2 0 0 2; do click "$k"; done
click Continuar
wait_screen confirm
click "Sí, soy yo"
wait_screen done
click Terminar
wait_screen home
# Badge: the scanner types characters and Enter into the window.
xdotool windowfocus --sync "$WIN" 2>/dev/null || true
xdotool type --window "$WIN" --delay 20 2001
xdotool key --window "$WIN" Return
wait_screen done
# Escape must not close the kiosk outside coordinator mode — but a
# --windowed development window may be closed; close it to finish.
xdotool key --window "$WIN" Escape
for i in $(seq 50); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
KPID=
n=$("$B" --db k.db event list | awk -F'\t' -v id="$E" '$1 == id { print $NF }')
[ "$n" = 2 ] || fail "expected 2 attendees, got $n"
echo "ok - x11 check-in by number and by badge"
