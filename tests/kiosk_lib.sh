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
set -Eeuo pipefail
B=${CK_BIN:?CK_BIN not set}
T=$(mktemp -d)
trap 'x_cleanup; rm -rf "$T"' EXIT
# A command that fails outside a test (set -e) says where, never silently.
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/} line $LINENO: $BASH_COMMAND (status $?)" >&2' ERR
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
    if ! "$B" --db k.db run --windowed "${SIZE:-1280x800}" --software --script "$1.script" 2> "$1.err"; then
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

# ---- a real X server (the X11 and door tests) ----
# The tests below wait for conditions, never for a fixed time, so they hold
# under load (CI runs them beside the rest of the suite, and under ASan):
# every wait polls and gives up after a generous limit.
#   wait_for SECONDS CMD...   polls CMD every 0.05 s; 1 if it never succeeded
#   x_server WxH              starts Xvfb (DISPLAY exported, pid in XPID)
#   x_wm                      starts openbox on it (pid in WMPID)
#   x_screen NAME             waits until the kiosk shows screen NAME and
#                             takes taps (CK_WIDGETS_FILE, here $T/w; a
#                             dump with no "takes taps" field, from a kiosk
#                             before the settle time, counts as taking them,
#                             so a test can be run on an older binary)
#   x_ready [NAME]            0 when the screen (NAME, if given) takes taps
#   x_click LABEL             clicks the centre of widget LABEL (a mouse)
#   x_stop PID SECONDS [SIG]  SIGTERM (or SIG), then waits: the ms it took
#                             in X_MS, the status in X_RC; 1 if still running
#   x_end_ms PID SECONDS T0   waits for PID to end (any process): the ms
#                             from T0 (an $EPOCHREALTIME) to its end in X_MS;
#                             1 if still running after SECONDS
#   x_cleanup                 ends what these started (by pid)
XPID= WMPID= KPID=
wait_for() {
    local limit=$1 i
    shift
    for ((i = 0; i < limit * 20; i++)); do
        "$@" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
x_server() {
    command -v Xvfb >/dev/null && command -v xdotool >/dev/null || { echo "SKIP: Xvfb or xdotool missing"; exit 77; }
    rm -f "$T/display"
    # Xvfb picks a free display itself (-displayfd): parallel runs never race.
    # -noreset: without it the server resets when its last client leaves
    # (the probe below), and a client connecting during that reset fails
    # ("openbox: Failed to open the display", once in CI under load).
    Xvfb -displayfd 3 -screen 0 "${1}x24" -nolisten tcp -noreset 3> "$T/display" >/dev/null 2>&1 &
    XPID=$!
    wait_for 60 test -s "$T/display" || fail "Xvfb did not start"
    export DISPLAY=:$(head -1 "$T/display")
    wait_for 60 sh -c 'xdotool getmouselocation >/dev/null' || fail "the X server does not answer"
    # The real X11 driver, nothing else: SDL must not fall back to another.
    export SDL_VIDEODRIVER=x11
}
x_wm() {
    command -v openbox >/dev/null || { echo "SKIP: openbox missing"; exit 77; }
    openbox --sm-disable > "$T/wm.err" 2>&1 &
    WMPID=$!
    # A window manager that could not connect at all is started once more
    # (the test is about the kiosk under a window manager, not about the
    # first connection to a busy X server).
    if ! wait_for 5 sh -c 'xprop -root _NET_SUPPORTING_WM_CHECK | grep -q "window id"' && ! alive "$WMPID"; then
        cat "$T/wm.err" >&2 || true
        echo "openbox ended at once; started again" >&2
        openbox --sm-disable > "$T/wm.err" 2>&1 &
        WMPID=$!
    fi
    # Wait for the end of its start-up, not its first sign of life: a
    # window mapped while openbox starts may never be mapped, and SDL 2.26
    # then waits for ever in SDL_CreateWindow for the MapNotify (under load,
    # 4 runs in 12 after _NET_SUPPORTING_WM_CHECK appeared, 0 in 12 after
    # _NET_CLIENT_LIST, which openbox sets later, even when empty).
    wait_for 60 sh -c 'xprop -root _NET_CLIENT_LIST | grep -q "^_NET_CLIENT_LIST(WINDOW)"' || {
        # (seen once in ~30 runs under load; what is known when it happens)
        echo "openbox $(alive "$WMPID" && echo running || echo ended), DISPLAY=$DISPLAY, its output:" >&2
        cat "$T/wm.err" >&2 || true
        xprop -root >&2 || true
        fail "openbox did not start"
    }
}
x_ready() {
    awk -F'\t' -v s="${1:-}" 'NR == 1 { exit !($1 == "screen" && (s == "" || $2 == s) && ($3 == "" || $3 == 1)) }' \
        "$T/w" 2>/dev/null
}
x_screen() {
    wait_for 120 x_ready "$1" || {
        cat "$T/w" "$T/kiosk.err" "$T/wm.err" >&2 2>/dev/null || true
        ps -o pid,stat,wchan:20,etime,args -p "${KPID:-1}" -p "${WMPID:-1}" -p "${XPID:-1}" >&2 || true
        [ -n "${CK_DEBUG_STACK:-}" ] && [ -n "$KPID" ] && gdb -p "$KPID" -batch -ex "thread apply all bt" 2>/dev/null | grep "^#" >&2
        fail "screen $1 not reached"
    }
}
# x_enabled LABEL: the screen takes taps and widget LABEL is there and on.
x_enabled() {
    x_ready && awk -F'\t' -v l="$1" '$1 == l && $6 == 1 { f = 1 } END { exit !f }' "$T/w"
}
x_click() {
    local line x y
    wait_for 60 x_enabled "$1" || { cat "$T/w" >&2; fail "no widget $1"; }
    line=$(awk -F'\t' -v l="$1" '$1 == l { print $2, $3; exit }' "$T/w")
    read -r x y <<< "$line"
    xdotool mousemove --sync "$x" "$y" click 1
}
# alive PID: running (a process that ended but was not waited for is not).
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit $3 != "Z" }' "/proc/$1/stat"; }
gone() { ! alive "$1"; }
# How long a process takes to end is timed without starting any process
# while it ends (on a loaded machine each fork of wait_for's polling took
# up to a few hundred ms, and was counted as the kiosk's): shell builtins
# only, $EPOCHREALTIME, /proc read by "read", a nap that is a read timing
# out on a pipe this shell holds both ends of.
exec {NAPFD}<> <(:)
nap() { read -rt "$1" -u "$NAPFD" _ || true; }
ended() { # ended PID: gone, or a zombie
    local st=Z
    [ -r "/proc/$1/stat" ] && { read -r _ _ st _ < "/proc/$1/stat" || st=Z; }
    [ "$st" = Z ]
}
x_end_ms() { # x_end_ms PID SECONDS T0
    local i t0=${3/[.,]/} t1
    for ((i = 0; i < $2 * 100; i++)); do
        if ended "$1"; then
            t1=${EPOCHREALTIME/[.,]/}
            X_MS=$(( (10#$t1 - 10#$t0) / 1000 ))
            return 0
        fi
        nap 0.01
    done
    return 1
}
# x_stop PID SECONDS [SIGNAL]: signals PID (TERM) and waits for its end:
# the ms it took in X_MS, its exit status in X_RC; 1 if still running.
x_stop() {
    local t0=$EPOCHREALTIME
    kill -"${3:-TERM}" "$1"
    x_end_ms "$1" "$2" "$t0" || return 1
    X_RC=0
    wait "$1" || X_RC=$?
}
x_cleanup() {
    local p
    for p in $KPID $WMPID $XPID; do kill "$p" 2>/dev/null || true; done
    for p in $KPID $WMPID $XPID; do wait "$p" 2>/dev/null || true; done
    KPID= WMPID= XPID=
}
