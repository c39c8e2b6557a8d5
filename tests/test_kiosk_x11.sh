#!/usr/bin/env bash
# test_kiosk_x11.sh — the real executable under Xvfb, clicked with xdotool
# like a person with a mouse: check in by employee number, then by badge
# (keyboard wedge typed into the window), and check the database.
# Every step waits for what it needs (the screen shown and taking taps,
# from the kiosk's widget dump), never for a fixed time, so it holds when
# the machine is busy. Skipped (exit 77) when Xvfb or xdotool is missing,
# or the build has no test hooks (the widget dump).
. "$(dirname "$0")/kiosk_lib.sh"
kiosk_setup <<'CSV'
numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto
2001,Rosa,Peña,López,SCLC,Finanzas,Analista
2002,Juan,Mora,Ruiz,SCLC,Finanzas,Analista
CSV
kiosk_require_test_build k.db
x_server 1280x800
export CK_WIDGETS_FILE=$T/w
"$B" --db k.db run --windowed 1280x800 --software 2> kiosk.err &
KPID=$!
wait_for 120 sh -c "xdotool search --name '^cepci-kiosk\$' | grep -q ." || fail "no kiosk window"
WIN=$(xdotool search --name '^cepci-kiosk$' | head -1)
xdotool windowmove --sync "$WIN" 0 0
x_screen home
x_click event-0
x_screen identify
for k in 2 0 0 2; do x_click "$k"; done
wait_for 60 grep -q "^Continuar	.*	1\$" w || fail "Continuar not enabled"
x_click Continuar
x_screen confirm
x_click "Sí, soy yo"
x_screen done
x_click Terminar
x_screen home
# Badge: the scanner types characters and Enter into the window.
xdotool windowfocus --sync "$WIN" 2>/dev/null || true
xdotool type --delay 5 2001
xdotool key Return
x_screen done
wait_for 60 sh -c "[ \"\$('$B' --db '$T/k.db' event list | awk -F'\t' -v id=$E '\$1 == id { print \$NF }')\" = 2 ]" ||
    fail "expected 2 attendees, got $(count "$E")"
# Escape must not close the kiosk outside coordinator mode — but a
# --windowed development window may be closed; close it to finish.
xdotool key Escape
wait_for 60 gone "$KPID" || fail "Escape did not close the development window"
wait "$KPID" || fail "the kiosk ended with status $?"
KPID=
echo "ok - x11 check-in by number and by badge"
