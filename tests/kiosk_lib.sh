# kiosk_lib.sh — shared by the scripted kiosk tests (sourced, not run):
# the real executable ($CK_BIN) with the SDL dummy video driver and the
# software renderer, in a fresh folder ($T, the current directory, removed
# on exit).
#   kiosk_setup     k.db with the roster CSV read from stdin and one open
#                   event without signature (its id in $E)
#   run NAME TEXT   runs the kiosk with the script TEXT; fails the test if
#                   the kiosk exits non-zero
#   count EVENT     prints the event's attendee count
#   fail MESSAGE    ends the test
set -euo pipefail
B=${CK_BIN:?CK_BIN not set}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
cd "$T"
fail() { echo "FAIL: $*" >&2; exit 1; }

kiosk_setup() {
    "$B" --db k.db init --institution "Institución de Prueba" --unit SCLC >/dev/null
    cat > r.csv
    "$B" --db k.db roster import r.csv >/dev/null
    E=$("$B" --db k.db event add --title "Taller de ética" --kind taller --topics etica --unit SCLC \
          --start "2026-11-24 10:00" --no-signature)
    "$B" --db k.db event open "$E"
}

run() { # run NAME SCRIPT-TEXT
    printf '%s\n' "$2" > "$1.script"
    if ! "$B" --db k.db run --windowed 1280x800 --software --script "$1.script" 2> "$1.err"; then
        cat "$1.err" >&2
        fail "$1"
    fi
    echo "ok - $1"
}

count() { "$B" --db k.db event list | awk -F'\t' -v id="$1" '$1 == id { print $NF }'; }
