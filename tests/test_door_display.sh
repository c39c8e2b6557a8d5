#!/usr/bin/env bash
# test_door_display.sh — full screen means the whole screen, on every
# display server a kiosk uses, and the kiosk stops when asked (issue 10,
# points 2 and 3). The real executable, clicked with xdotool:
#   1. X11 with no window manager (a plain xinit kiosk) at 1920x1080: the
#      window is 1920x1080 at 0,0, a screenshot of the screen has the
#      kiosk in every corner, and a click lands on the button drawn there.
#   2. A --windowed window resized: the layout and the clicks follow.
#   3. X11 with a window manager (openbox): full screen too; Escape and the
#      window manager's close (Alt+F4) are refused outside coordinator mode.
#   4. SIGTERM and SIGINT end it within 1 s with status 0, the database
#      sound; the X server going away ends it non-zero within 2 s.
#   5. Wayland under cage (headless, pixman, as nobody in its own PID
#      namespace; SDL draws through Xwayland): a grim screenshot is the
#      kiosk whole; SIGTERM ends it within 1 s; cage going away ends it
#      non-zero within 2 s.
# Skipped (77) without Xvfb/xdotool or a test build; the cage part says
# why it is skipped when cage, grim or root is missing.
. "$(dirname "$0")/kiosk_lib.sh"
kiosk_setup <<'CSV'
numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto
2001,Rosa,Peña,López,SCLC,Finanzas,Analista
CSV
kiosk_require_test_build k.db
command -v import >/dev/null || { echo "SKIP: ImageMagick missing"; exit 77; }
export CK_WIDGETS_FILE=$T/w

# corners PNG: the colours of its four corners.
corners() {
    local w h
    w=$(identify -format %w "$1") h=$(identify -format %h "$1")
    convert "$1" -format "%[pixel:p{0,0}] %[pixel:p{$((w - 1)),0}] %[pixel:p{0,$((h - 1))}] %[pixel:p{$((w - 1)),$((h - 1))}]" info:
}
# filled PNG: no corner black (the bare screen), and a real picture.
filled() {
    case "$(corners "$1")" in *"(0,0,0)"* | *black* | *"gray(0)"*) return 1 ;; esac
    [ "$(identify -format %k "$1")" -gt 50 ]
}
shot_filled() { import -window root "$1" && filled "$1"; }
start_kiosk() { # start_kiosk ARGS...: the kiosk on $DISPLAY, pid in KPID
    rm -f "$T/w"
    "$B" --db k.db run --software "$@" 2> kiosk.err &
    KPID=$!
}
window_geometry() { # the kiosk window's WxH+X+Y
    local win
    win=$(xdotool search --name '^cepci-kiosk$' | head -1) && [ -n "$win" ] || return 1
    xdotool getwindowgeometry "$win" | awk '/Position/ { split($2, p, ","); pos = p[1] "+" p[2] }
                                           /Geometry/ { g = $2 } END { print g "+" pos }'
}

# ---- 1. X11, no window manager, 1920x1080 ----
x_server 1920x1080
start_kiosk
x_screen home
wait_for 60 sh -c "[ \"\$(xdotool search --name '^cepci-kiosk\$' | head -1 | xargs xdotool getwindowgeometry | grep Geometry)\" = '  Geometry: 1920x1080' ]" ||
    fail "no-WM: the window is $(window_geometry), not 1920x1080"
g=$(window_geometry)
[ "$g" = "1920x1080+0+0" ] || fail "no-WM: the window is $g"
wait_for 60 shot_filled shot-nowm.png ||
    fail "no-WM: the screenshot does not fill the screen ($(corners shot-nowm.png))"
filled shot-nowm.png || fail "no-WM: corners $(corners shot-nowm.png)"
# Idle costs nothing: on home the kiosk draws only when something changes
# (the clock's minute, the list), so over 5 s it takes a few % of a core at
# most (one that redraws every frame takes 30-50 %). The first 5 s after
# start or a window change are drawn frame by frame on purpose (a
# compositor may show the window late, PLATFORM_REFRESH_MS): the 5 s are
# measured once a second has passed quietly.
ticks() { awk '{ print $14 + $15 }' "/proc/$KPID/stat"; }
pct() { # pct SECONDS: % of one core the kiosk takes over SECONDS
    local c0 w0 c1 w1
    c0=$(ticks) w0=$(date +%s%N)
    sleep "$1"
    c1=$(ticks) w1=$(date +%s%N)
    awk -v d=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v ns=$((w1 - w0)) 'BEGIN { printf "%.1f", 100 * d / hz / (ns / 1e9) }'
}
below() { awk -v p="$1" -v m="$2" 'BEGIN { exit !(p < m) }'; }
for ((i = 0; i < 30; i++)); do below "$(pct 1)" 10 && break; done
[ "$i" -lt 30 ] || fail "idle on home: never quiet for a second in 30 s"
idle=$(pct 5)
below "$idle" 10 || fail "idle on home: $idle % of a core over 5 s"
echo "ok - idle on home: $idle % of a core over 5 s (quiet after $((i + 1)) s)"
x_click "Firmar Carta Compromiso"
x_screen identify
echo "ok - X11 without a window manager: 1920x1080+0+0, the screen filled ($(corners shot-nowm.png)), a click acts"
# Escape is refused outside coordinator mode.
xdotool key Escape
x_click Volver
x_screen home
alive "$KPID" || fail "no-WM: Escape closed the kiosk"
x_stop "$KPID" 10 || fail "no-WM: SIGTERM did not stop the kiosk"
[ "$X_RC" = 0 ] || { cat kiosk.err >&2; fail "no-WM: exit status $X_RC after SIGTERM"; }
[ "$X_MS" -le 1000 ] || fail "no-WM: SIGTERM took $X_MS ms"
grep -q "stopped by SIGTERM" kiosk.err || fail "no-WM: no stop line"
"$B" --db k.db audit verify >/dev/null || fail "no-WM: the database after SIGTERM"
echo "ok - SIGTERM: exit 0 in $X_MS ms, database sound"
KPID=
start_kiosk
x_screen home
x_stop "$KPID" 10 INT || fail "SIGINT did not stop the kiosk"
[ "$X_RC" = 0 ] && [ "$X_MS" -le 1000 ] || fail "SIGINT: status $X_RC in $X_MS ms"
echo "ok - SIGINT: exit 0 in $X_MS ms"
KPID=

# ---- 2. a development window, resized: the layout and the clicks follow ----
start_kiosk --windowed 1280x800
x_screen home
win=$(xdotool search --name '^cepci-kiosk$' | head -1 || true)
before=$(awk -F'\t' '$1 == "Firmar Carta Compromiso" { print $4 }' w)
xdotool windowsize --sync "$win" 900 1060
wait_for 60 sh -c "awk -F'\t' '\$1 == \"Firmar Carta Compromiso\" && \$4 != $before { f = 1 } END { exit !f }' '$T/w'" ||
    fail "resize: the layout did not follow"
xdotool windowmove --sync "$win" 0 0
x_click "Firmar Carta Compromiso"
x_screen identify
echo "ok - resized to 900x1060 (portrait): the layout follows and a click lands"
x_stop "$KPID" 10 >/dev/null || fail "resize: SIGTERM"
KPID=

# ---- 3. the X server goes away ----
start_kiosk
x_screen home
kill "$XPID"
wait "$XPID" 2>/dev/null || true
XPID=
x_end_ms "$KPID" 10 "$EPOCHREALTIME" || fail "display gone: still running after 10 s"
ms=$X_MS
rc=0
wait "$KPID" || rc=$?
KPID=
[ "$rc" != 0 ] || fail "display gone: exit status 0"
[ "$ms" -le 2000 ] || fail "display gone: it took $ms ms"
echo "ok - X server gone: exit status $rc in $ms ms"

# ---- 4. X11 with a window manager ----
x_server 1920x1080
x_wm
start_kiosk
x_screen home
wait_for 60 sh -c "[ \"\$(xdotool search --name '^cepci-kiosk\$' | head -1 | xargs xdotool getwindowgeometry | grep Geometry)\" = '  Geometry: 1920x1080' ]" ||
    fail "openbox: the window is $(window_geometry)"
wait_for 60 shot_filled shot-wm.png ||
    fail "openbox: the screenshot does not fill the screen ($(corners shot-wm.png))"
filled shot-wm.png || fail "openbox: corners $(corners shot-wm.png)"
x_click "Aviso de privacidad"
x_screen notice
# The window manager's close and Escape: refused outside coordinator mode.
win=$(xdotool search --name '^cepci-kiosk$' | head -1 || true)
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool key alt+F4
xdotool key Escape
x_click "Volver al inicio"
x_screen home
alive "$KPID" || fail "openbox: the window manager's close ended the kiosk"
echo "ok - X11 with a window manager: $(window_geometry), filled; Alt+F4 and Escape refused"
x_stop "$KPID" 10 || fail "openbox: SIGTERM"
[ "$X_RC" = 0 ] && [ "$X_MS" -le 1000 ] || fail "openbox: SIGTERM status $X_RC in $X_MS ms"
KPID=
x_cleanup

# ---- 5. cage (Wayland, headless) ----
why=""
for tool in cage grim unshare setpriv Xwayland; do
    command -v "$tool" >/dev/null || why="$why $tool missing;"
done
[ "$(id -u)" = 0 ] || why="$why needs root (a PID namespace, then cage as nobody);"
# A chroot without its own mount namespace (fresh-debian.sh) cannot mount
# a /proc for the PID namespace: say so instead of failing.
[ -n "$why" ] || unshare --pid --fork --mount-proc true 2>/dev/null ||
    why="$why no PID namespace with its own /proc here (unshare --pid --mount-proc fails);"
if [ -n "$why" ]; then
    echo "skip - cage:$why"
    echo "all display checks passed (cage skipped)"
    exit 0
fi
chmod 755 "$T"
mkdir -m 700 "$T/run"
chown nobody "$T/run" "$T" "$T"/k.db*
# In a fresh PID namespace, as its init: kill -1 reaches exactly what was
# started there, so nothing is left behind.
cat > cage.sh <<'EOF'
set -u
T=$1 B=$2
. "$3"
exec {NAPFD}<> <(:)
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
                HOME="$T" XDG_RUNTIME_DIR="$T/run" "$@"; }
start() {
    # The kiosk of the run before may still be a zombie that this shell
    # (init here) has not reaped yet: pgrep would find that one.
    wait_for 60 sh -c '! pgrep -x cepci-kiosk' || { echo "a kiosk from before is still there"; exit 1; }
    as_nobody WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
        cage -- "$B" --db "$T/k.db" run > "$T/cage.log" 2>&1 &
    CAGE=$!
    KIOSK=
    wait_for 120 sh -c 'pgrep -x cepci-kiosk > "$0/kiosk.pid"' "$T" || { echo "no kiosk under cage"; exit 1; }
    KIOSK=$(head -1 "$T/kiosk.pid")
}
shot() { as_nobody WAYLAND_DISPLAY=wayland-0 grim "$T/shot-cage.png" && filled "$T/shot-cage.png"; }
start
wait_for 120 shot || { echo "cage: the screenshot is not the kiosk: $(corners "$T/shot-cage.png")"; exit 1; }
echo "cage: $(identify -format '%wx%h, %k colours' "$T/shot-cage.png"), corners $(corners "$T/shot-cage.png")"
t0=$EPOCHREALTIME
kill -TERM "$KIOSK"
x_end_ms "$KIOSK" 10 "$t0" || { echo "cage: SIGTERM did not stop the kiosk"; exit 1; }
echo "cage: SIGTERM: gone in $X_MS ms"
grep -q "stopped by SIGTERM" "$T/cage.log" || { echo "cage: no clean stop"; cat "$T/cage.log"; exit 1; }
kill -TERM -1 2>/dev/null
wait
# The compositor goes away under the kiosk: it must end, non-zero.
start
wait_for 120 shot || { echo "cage: no kiosk on the second start"; exit 1; }
others="$(pgrep -x cage) $(pgrep -x Xwayland)"
t0=$EPOCHREALTIME
kill -KILL "$CAGE" $others
x_end_ms "$KIOSK" 10 "$t0" || { echo "cage: the kiosk outlived its compositor"; exit 1; }
echo "cage: compositor gone: kiosk gone in $X_MS ms"
kill -KILL -1 2>/dev/null
wait
EOF
declare -f wait_for alive gone nap ended x_end_ms corners filled > funcs.sh
if ! unshare --pid --fork --mount-proc bash cage.sh "$T" "$B" "$T/funcs.sh" > cage.out 2>&1 < /dev/null; then
    cat cage.out "$T/cage.log" >&2
    fail "the kiosk under cage"
fi
sed 's/^/  /' cage.out
ms=$(sed -n 's/^cage: SIGTERM: gone in \([0-9]*\) ms$/\1/p' cage.out)
[ -n "$ms" ] && [ "$ms" -le 1000 ] || fail "cage: SIGTERM took ${ms:-?} ms"
ms=$(sed -n 's/^cage: compositor gone: kiosk gone in \([0-9]*\) ms$/\1/p' cage.out)
[ -n "$ms" ] && [ "$ms" -le 2000 ] || fail "cage: the kiosk took ${ms:-?} ms to end after its compositor"
echo "ok - cage: the kiosk fills the output, stops on SIGTERM, ends with its compositor"
echo "all display checks passed"
