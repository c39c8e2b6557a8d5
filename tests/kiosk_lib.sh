# kiosk_lib.sh — shared by the scripted kiosk tests (sourced, not run):
# the real executable ($CK_BIN) with the SDL dummy video driver and the
# software renderer, in a fresh folder ($T, the current directory, removed
# on exit).
#   kiosk_setup     k.db with the roster CSV read from stdin and one open
#                   event of today without signature (its id in $E)
#   today           today's date (YYYY-MM-DD) in the units' zone
#   run NAME TEXT   runs the kiosk with the script TEXT; fails the test if
#                   the kiosk exits non-zero
#   count EVENT     prints the event's attendee count
#   fail MESSAGE    ends the test
#   kiosk_require_test_build DB
#                   exits 77 (skipped) unless $B is a test build
set -euo pipefail
B=${CK_BIN:?CK_BIN not set}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
cd "$T"
fail() { echo "FAIL: $*" >&2; exit 1; }
# Today in the units' zone: an event from an earlier day asks to confirm.
today() { TZ=America/Mexico_City date +%Y-%m-%d; }

kiosk_setup() {
    "$B" --db k.db init --institution "Institución de Prueba" --unit SCLC >/dev/null
    cat > r.csv
    "$B" --db k.db roster import r.csv >/dev/null
    E=$("$B" --db k.db event add --title "Taller de ética" --kind taller --topics etica --unit SCLC \
          --start "$(today) 10:00" --no-signature)
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

# kiosk_require_test_build DB — returns when $B was built with
# CK_TEST_HOOKS (it then reads CEPCI_NOW and writes the CK_WIDGETS_FILE
# widget dump); otherwise says why and exits 77, which ctest reports as
# skipped. $CK_TEST_HOOKS (a CMake boolean: 1, ON, 0, OFF...) says so when
# the build passes it; if not, the kiosk is asked: one frame on database DB
# with CK_WIDGETS_FILE set leaves a dump only in a test build. A kiosk that
# fails to start fails the test.
kiosk_require_test_build() {
    local hooks
    case ${CK_TEST_HOOKS:-} in
        1 | [Oo][Nn] | [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss]) hooks=1 ;;
        "") hooks= ;;
        *) hooks=0 ;;
    esac
    if [ -z "$hooks" ]; then
        local probe
        probe=$(mktemp -d)
        printf 'quit\n' > "$probe/s"
        if ! CK_WIDGETS_FILE=$probe/w SDL_VIDEODRIVER=dummy "$B" --db "$1" run --windowed 1280x800 --software \
                --script "$probe/s" 2> "$probe/err"; then
            cat "$probe/err" >&2
            rm -rf "$probe"
            fail "the kiosk did not start"
        fi
        hooks=0
        [ -s "$probe/w" ] && hooks=1
        rm -rf "$probe"
    fi
    [ "$hooks" = 1 ] && return 0
    echo "SKIP: $B is not a test build (configure with -DCK_TEST_HOOKS=ON)"
    exit 77
}
