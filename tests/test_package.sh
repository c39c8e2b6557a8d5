#!/usr/bin/env bash
# test_package.sh — the Debian package, built and used the way an IT office
# would: packaging/build-deb.sh builds it (a Release build without test
# hooks, in $CK_BUILD_DIR/package, where the .deb stays for `apt install`),
# then the test checks its control data, unpacks it with dpkg -x into a
# throwaway root and runs the installed binary from there:
#   - no trace of the source or build tree in it, and it reads its texts from
#     the unpacked data dir (the root's copies are marked, and the marks are
#     what the kiosk shows and signs; with them moved away it finds none);
#   - --version, doctor, the installed kiosk.ini, the default --db, UTF-8 names;
#   - no test hooks: CEPCI_NOW and CK_WIDGETS_FILE are ignored;
#   - systemd-analyze verify on the unit (no message at all), lintian (no
#     error);
#   - the kiosk on a notify socket: READY=1, WATCHDOG=1 often enough,
#     STOPPING=1 on SIGTERM, exactly when the unit is Type=notify;
#   - the kiosk under cage (headless wlroots, pixman, as the user nobody, in
#     its own PID namespace), a grim screenshot that the kiosk fills, then
#     SIGTERM to every process as `systemctl stop` does (KillMode=
#     control-group): all must be gone within the unit's TimeoutStopSec and
#     the database intact. What each process did is printed.
# Exits 77 (skipped) when the packaging tools are missing; a part whose tools
# are missing (lintian; cage, grim, unshare or root for the cage run) says
# SKIP and the rest still runs.
set -euo pipefail
SRC=${CK_SOURCE_DIR:?CK_SOURCE_DIR not set}
BUILD=${CK_BUILD_DIR:?CK_BUILD_DIR not set}
for tool in cmake cpack dpkg-deb dpkg-shlibdeps dpkg-buildflags file; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
skip() { echo "SKIP - $*"; }
# A private mount namespace (the maintainer scripts, the cage run) needs root
# and a / that is a mount point: not so in a plain chroot (fresh-debian.sh).
private_ns=""
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    unshare --mount --propagation private true 2>/dev/null && private_ns=1
fi

# ---- the package ----
# (niced: the timing-sensitive kiosk tests run beside it)
deb=$(nice -n 10 bash "$SRC/packaging/build-deb.sh" "$BUILD/package" 2> "$T/build.err") ||
    { cat "$T/build.err"; fail "build-deb.sh"; }
[ -f "$deb" ] || fail "no package built"
ok "built $deb"

version=$(dpkg-deb -f "$deb" Version)
depends=$(dpkg-deb -f "$deb" Depends)
for d in libc6 libsdl2-2.0-0 libsdl2-ttf-2.0-0 libsqlite3-0 libqrencode4 libsodium23 libcairo2 \
         libxlsxwriter libfontconfig1 libinih1 libcsv3 \
         adduser cage xwayland libpam-systemd fonts-noto-core tzdata; do
    [[ ", $depends" == *", $d"* ]] || fail "Depends lacks $d: $depends"
done
[[ $depends == *"libsqlite3-0 (>= "* ]] || fail "Depends has no versions from dpkg-shlibdeps: $depends"
ok "Depends: $depends"

dpkg-deb -e "$deb" "$T/control"
[ "$(cat "$T/control/conffiles")" = $'/etc/cepci-kiosk/kiosk.ini\n/etc/pam.d/cepci-kiosk' ] ||
    fail "conffiles: $(cat "$T/control/conffiles")"
for s in postinst prerm postrm; do
    [ "$(stat -c %a "$T/control/$s")" = 755 ] || fail "$s is not 0755"
    sh -n "$T/control/$s" || fail "$s: shell syntax"
done
grep -q 'adduser --system' "$T/control/postinst" || fail "postinst creates no system user"
if grep -qE '(rm|rmdir|deluser) .*(/var/lib/cepci-kiosk|cepci-kiosk$)' "$T/control/prerm" "$T/control/postrm"; then
    fail "a maintainer script deletes the data or the user"
fi
ok "conffiles and maintainer scripts"

# The maintainer scripts for real, in a private mount namespace where /etc is
# a copy and /var/lib is empty: the real adduser, chown and chmod run, and
# this machine is left as it was.
if [ -n "$private_ns" ] && ! getent passwd cepci-kiosk >/dev/null; then
    mkdir "$T/ns"
    cat > "$T/ns/run.sh" <<'EOF'
set -eu
T=$1 C=$2
cp -a /etc "$T/ns/etc" && mount --bind "$T/ns/etc" /etc
mkdir "$T/ns/varlib" && mount --bind "$T/ns/varlib" /var/lib
sh "$C/postinst" configure
echo evidence > /var/lib/cepci-kiosk/cepci-kiosk.db
chmod 0755 /var/lib/cepci-kiosk
sh "$C/postinst" configure 0.1.0-1          # a second configure (upgrade) is harmless
getent passwd cepci-kiosk
stat -c '%n %a %U:%G' /var/lib/cepci-kiosk /var/lib/cepci-kiosk/backups /var/lib/cepci-kiosk/exports
sh "$C/prerm" remove
sh "$C/postrm" remove
sh "$C/postrm" purge 2> "$T/ns/purge.msg"
echo "after purge: $(cat /var/lib/cepci-kiosk/cepci-kiosk.db), $(getent passwd cepci-kiosk | cut -d: -f1)"
EOF
    unshare --mount --propagation private bash "$T/ns/run.sh" "$T" "$T/control" > "$T/ns/out" 2>&1 ||
        { cat "$T/ns/out"; fail "maintainer scripts"; }
    grep -qE '^cepci-kiosk:x:[0-9]+:[0-9]+:.*:/var/lib/cepci-kiosk:/usr/sbin/nologin$' "$T/ns/out" ||
        fail "postinst user: $(cat "$T/ns/out")"
    for d in /var/lib/cepci-kiosk /var/lib/cepci-kiosk/backups /var/lib/cepci-kiosk/exports; do
        grep -qx "$d 700 cepci-kiosk:cepci-kiosk" "$T/ns/out" || fail "postinst: $d: $(cat "$T/ns/out")"
    done
    grep -qx 'after purge: evidence, cepci-kiosk' "$T/ns/out" || fail "purge lost data or user: $(cat "$T/ns/out")"
    grep -q '/var/lib/cepci-kiosk' "$T/ns/purge.msg" || fail "purge does not say where the data is"
    ok "postinst (twice), prerm, postrm remove and purge: data and user kept; purge says: $(cat "$T/ns/purge.msg")"
else
    skip "maintainer scripts: need root, a private mount namespace (unshare; / a mount point) and no cepci-kiosk user on this machine"
fi

# ---- unpacked into a throwaway root ----
R=$T/root
dpkg -x "$deb" "$R"
B=$R/usr/bin/cepci-kiosk
[ -x "$B" ] || fail "no usr/bin/cepci-kiosk in the package"
for f in usr/share/cepci-kiosk/assets/carta-compromiso.txt usr/share/cepci-kiosk/assets/aviso-privacidad.txt \
         usr/share/cepci-kiosk/assets/attract usr/share/doc/cepci-kiosk/examples/ecosur.example.ini \
         usr/share/doc/cepci-kiosk/copyright usr/share/doc/cepci-kiosk/changelog.Debian.gz \
         usr/share/man/man1/cepci-kiosk.1.gz lib/systemd/system/cepci-kiosk.service \
         etc/cepci-kiosk/kiosk.ini etc/pam.d/cepci-kiosk; do
    [ -e "$R/$f" ] || fail "the package lacks /$f"
done
[ ! -e "$R/var" ] || fail "the package ships files under /var (postinst makes the data folder)"
# Nothing in the binary names the source or the build tree (the old
# CK_SOURCE_DIR); it could not reach them then except through the cwd,
# which is an empty folder below.
for p in "$SRC" "$BUILD"; do
    ! grep -qaF "$p" "$B" || fail "the installed binary contains the path $p"
done
ok "unpacked; the binary names neither $SRC nor $BUILD"

W=$T/work
mkdir -p "$W"
cd "$W"
: > empty.ini   # keeps a kiosk.ini of this machine's /etc out of the test
ck() { # [VAR=VALUE...] ARGS: the installed binary in a clean environment
    local vars=()
    while [[ $# -gt 0 && $1 == [A-Z]*=* ]]; do vars+=("$1"); shift; done
    env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$W" "${vars[@]}" "$B" "$@"
}

out=$(ck --version)
schema=$(find "$SRC/db" -maxdepth 1 -name '*.sql' | wc -l)
[ "$out" = "cepci-kiosk ${version%-*}"$'\n'"esquema de la base de datos: $schema" ] ||
    fail "--version printed: $out (package $version, $schema migrations)"
# The manual and the Debian changelog name the same version.
zcat "$R/usr/share/man/man1/cepci-kiosk.1.gz" | grep -q "^\.TH CEPCI-KIOSK 1 .*\"cepci-kiosk ${version%-*}\"" ||
    fail "the manual page's .TH does not name version ${version%-*}"
zcat "$R/usr/share/doc/cepci-kiosk/changelog.Debian.gz" | head -1 | grep -qF "cepci-kiosk ($version)" ||
    fail "changelog's first entry is not $version"
ok "--version: ${out//$'\n'/; }"

# The packaged defaults: --db in /var/lib/cepci-kiosk (only checked when this
# machine has no kiosk there: the test never touches a real one).
if [ ! -e /var/lib/cepci-kiosk/cepci-kiosk.db ]; then
    if ck --config empty.ini roster list 2> db.err; then fail "roster list without a database"; fi
    grep -qF "/var/lib/cepci-kiosk/cepci-kiosk.db" db.err || fail "default --db: $(cat db.err)"
    ok "--db defaults to /var/lib/cepci-kiosk/cepci-kiosk.db"
else
    skip "default --db: this machine has /var/lib/cepci-kiosk/cepci-kiosk.db"
fi

# The installed kiosk.ini: the example with the installed system's paths; the
# binary reads it (init takes the institution and unit from it).
ini=$R/etc/cepci-kiosk/kiosk.ini
! grep -q '\.\./' "$ini" || fail "kiosk.ini keeps relative paths: $(grep '\.\./' "$ini")"
for key in 'carta = /usr/share/cepci-kiosk/assets/carta-compromiso.txt' \
           'attract = /usr/share/cepci-kiosk/assets/attract' \
           'dir = /var/lib/cepci-kiosk/backups' 'dir = /var/lib/cepci-kiosk/exports'; do
    grep -qF "$key" "$ini" || fail "kiosk.ini lacks '$key'"
done
kiosk_id=$(ck --db k.db --config "$ini" init) || fail "init with the installed kiosk.ini"
ok "kiosk.ini read (kiosk $kiosk_id)"

# Mark the unpacked texts, so what the kiosk shows and signs can only come
# from there.
mark="Texto del paquete $$-$RANDOM"
A=$R/usr/share/cepci-kiosk/assets
{ echo "$mark"; cat "$A/aviso-privacidad.txt"; } > "$T/aviso" && mv "$T/aviso" "$A/aviso-privacidad.txt"
printf '\n%s\n' "$mark" >> "$A/carta-compromiso.txt"
printf '%s\n' "$mark" > "$A/attract/00-prueba.txt"
carta_sha=$(sha256sum "$A/carta-compromiso.txt" | cut -c1-16)

printf 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad\n100001,José,Peña,Íñiguez,SCLC\n100002,Ana,López,,SCLC\n' > r.csv
ck --db k.db --config empty.ini roster import r.csv >/dev/null
ck --db k.db --config empty.ini roster list --search Peña | grep -q $'\tJosé Peña Íñiguez\t' ||
    fail "UTF-8 name: $(ck --db k.db --config empty.ini roster list)"
# doctor, from the unpacked tree: every check runs, the texts are the
# unpacked ones, nothing is an ERROR.
ck --db k.db --config empty.ini doctor > doctor.out 2>&1 || { cat doctor.out; fail "doctor in the unpacked root"; }
grep -qE "^OK +textos +.* en $R/usr/share/cepci-kiosk/assets$" doctor.out || { cat doctor.out; fail "doctor's texts"; }
[ "$(grep -cE '^(OK|AVISO|ERROR) ' doctor.out)" -ge 12 ] || { cat doctor.out; fail "doctor: fewer than 12 checks"; }
ok "doctor: $(grep -c '^OK ' doctor.out) OK, $(grep -c '^AVISO ' doctor.out) AVISO, exit 0"

day() { TZ=America/Mexico_City date +%F; }
today=$(day)
E=$(ck --db k.db --config empty.ini event add --title "Taller de ética" --kind taller --topics etica \
      --unit SCLC --start "$today 00:01" --no-signature)
ck --db k.db --config empty.ini event open "$E"

# No test hooks in the package: the clock is the real one.
# (cli_now() reads CEPCI_NOW only in a CK_TEST_HOOKS build.)
ck CEPCI_NOW=-100 --db k.db --config empty.ini checkin "$E" 100001 > checkin.out 2>&1 ||
    fail "CEPCI_NOW=-100 was obeyed (the package has test hooks): $(cat checkin.out)"
when=$(ck --db k.db --config empty.ini verify "$(sed -n 2p checkin.out)" | sed -n 's/^time: //p')
[[ $when == "$today "* || $when == "$(day) "* ]] ||
    fail "CEPCI_NOW=-100 was obeyed (the package has test hooks): the check-in is dated '$when', not today ($today)"
ok "CEPCI_NOW ignored (check-in dated $when)"

# The pledge signs the SHA-256 of the Carta it read: the unpacked, marked one.
payload=$(ck --db k.db --config empty.ini pledge 100002 --keyed | sed -n 2p)
signed=$(ck --db k.db --config empty.ini verify "$payload" | sed -n 's/^carta: //p')
[ "$signed" = "$carta_sha" ] || fail "pledge signed Carta $signed, not the unpacked one ($carta_sha)"
ok "the Carta comes from the unpacked data dir ($signed)"

# The kiosk shows the unpacked privacy notice and attract texts; a widget
# dump (a test hook) is not written.
kiosk_script() { # NAME SCRIPT-TEXT: runs the kiosk with the SDL dummy driver
    printf '%s\n' "$2" > "$1.script"
    ck SDL_VIDEODRIVER=dummy CK_WIDGETS_FILE="$W/widgets.txt" --db k.db --config empty.ini run --windowed 1280x800 --software --script "$1.script" 2> "$1.err"
}
kiosk_script notice "tap Aviso de privacidad
expect notice
expect-text $mark" || { cat notice.err; fail "the unpacked privacy notice is not shown"; }
kiosk_script attract "advance 61000
expect attract
expect-text $mark" || { cat attract.err; fail "the unpacked attract texts are not shown"; }
[ ! -e widgets.txt ] || fail "CK_WIDGETS_FILE was obeyed: the package has test hooks"
ok "the kiosk shows the unpacked notice and attract texts; CK_WIDGETS_FILE ignored"

# With the data dir moved away nothing else is found (not the source tree).
if [ ! -e /usr/share/cepci-kiosk ]; then
    mv "$R/usr/share/cepci-kiosk" "$T/moved"
    if ck --db k.db --config empty.ini pledge 100001 --keyed > pledge.out 2> pledge.err; then
        fail "a pledge was recorded without any Carta"
    fi
    grep -qF ": /usr/share/cepci-kiosk/assets/carta-compromiso.txt: cannot read" pledge.err ||
        fail "no-data error: $(cat pledge.err)"
    kiosk_script nodata "tap Aviso de privacidad
expect-text El aviso de privacidad no está disponible." || { cat nodata.err; fail "without assets"; }
    mv "$T/moved" "$R/usr/share/cepci-kiosk"
    ok "without its data dir the binary finds no texts: $(cat pledge.err)"
else
    skip "moved data dir: this machine has /usr/share/cepci-kiosk"
fi

# ---- the unit ----
if command -v systemd-analyze >/dev/null && [ -x /usr/bin/cage ]; then
    # Any message (an unknown key, a bad value) fails: verify itself exits 0 on them.
    MANPATH=$R/usr/share/man systemd-analyze verify "$R/lib/systemd/system/cepci-kiosk.service" > verify.out 2>&1 ||
        { cat verify.out; fail "systemd-analyze verify"; }
    [ ! -s verify.out ] || { cat verify.out; fail "systemd-analyze verify has messages"; }
    ok "systemd-analyze verify: no message"
else
    skip "systemd-analyze verify: needs systemd-analyze and /usr/bin/cage"
fi

# ---- readiness and the watchdog (sd_notify) ----
# The installed kiosk on a notify socket, as systemd would run it (with
# WATCHDOG_USEC=600000 it must pet every 0.3 s at most), then SIGTERM. The
# unit and the binary must agree: Type=notify exactly when the kiosk sends
# READY=1 (cmake/install.cmake decides from the build).
unit=$R/lib/systemd/system/cepci-kiosk.service
if command -v perl >/dev/null; then
    perl -MIO::Socket::UNIX -MSocket -e '
        $| = 1;
        my $hires = eval { require Time::HiRes; 1 };   # not in perl-base: then no gap check
        sub now { $hires ? Time::HiRes::time() : time }
        print "HIRES $hires\n" if $hires;
        my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "socket: $!";
        open(my $ready, ">", "$ARGV[0].up"); close $ready;
        my $end = time + 8;
        while (time < $end) {
            my $rin = ""; vec($rin, fileno($s), 1) = 1;
            next unless select($rin, undef, undef, 0.2);
            $s->recv(my $m, 4096);
            $m =~ s/\n/|/g;
            printf "%.3f %s\n", now(), $m;
            last if $m =~ /STOPPING=1/;
        }' "$W/notify.sock" > "$W/notify.log" 2> "$W/notify.err" &
    listener=$!
    for _ in $(seq 50); do [ -e "$W/notify.sock.up" ] && break; sleep 0.1; done
    # (WATCHDOG_PID names the kiosk itself: the shell's PID, which exec keeps)
    env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$W" SDL_VIDEODRIVER=dummy NOTIFY_SOCKET="$W/notify.sock" \
        WATCHDOG_USEC=600000 sh -c 'WATCHDOG_PID=$$ exec "$0" "$@"' \
        "$B" --db k.db --config empty.ini run --windowed 800x600 --software > notify.out 2>&1 &
    kiosk=$!
    sleep 3
    kill -TERM "$kiosk"
    wait "$kiosk" || { cat notify.out; fail "the kiosk on a notify socket exited $? after SIGTERM"; }
    wait "$listener" || true
    ready=$(grep -c 'READY=1' "$W/notify.log" || true)
    pets=$(grep -c 'WATCHDOG=1' "$W/notify.log" || true)
    stopping=$(grep -c 'STOPPING=1' "$W/notify.log" || true)
    if grep -qx 'Type=notify' "$unit"; then
        grep -qx 'NotifyAccess=all' "$unit" && grep -qx 'WatchdogSec=30' "$unit" || fail "Type=notify without NotifyAccess=all and WatchdogSec=30"
        [ "$ready" = 1 ] || fail "the unit is Type=notify but the kiosk sent READY=1 $ready times: $(cat "$W/notify.log")"
        # About 3 s at one pet per 0.2 s at most: at least 5 (the first frame comes after start-up).
        [ "$pets" -ge 5 ] || fail "only $pets WATCHDOG=1 in 3 s with WatchdogSec 0.6 s: $(cat "$W/notify.log")"
        [ "$stopping" = 1 ] || fail "no STOPPING=1 after SIGTERM: $(cat "$W/notify.log")"
        gaps="not measured: no Time::HiRes"
        if grep -q '^HIRES 1' "$W/notify.log"; then
            gaps=$(awk '/WATCHDOG=1/ { if (last) { g = $1 - last; if (g > max) max = g } last = $1 } END { printf "%.2f", max }' "$W/notify.log")
            awk -v g="$gaps" 'BEGIN { exit !(g < 0.6) }' || fail "a gap of $gaps s between WATCHDOG=1 (WatchdogSec 0.6 s)"
            gaps="$gaps s"
        fi
        ok "sd_notify: READY=1, $pets WATCHDOG=1 (longest gap $gaps), STOPPING=1; the unit is Type=notify, NotifyAccess=all, WatchdogSec=30"
    else
        [ "$ready" = 0 ] || fail "the kiosk sends READY=1 but the unit is not Type=notify (cmake/install.cmake)"
        ! grep -qE '^WatchdogSec=' "$unit" || fail "WatchdogSec without sd_notify would kill a healthy kiosk"
        skip "sd_notify: the kiosk sends no READY=1 yet (issue 10), so the unit is Type=simple without a watchdog"
    fi
else
    skip "sd_notify: perl missing for the notify socket"
fi

# ---- lintian ----
if command -v lintian >/dev/null; then
    lintian --no-tag-display-limit "$deb" > lintian.out 2>&1 || true
    ! grep -q '^E: ' lintian.out || { cat lintian.out; fail "lintian errors"; }
    ok "lintian: no error ($(grep -c '^W: ' lintian.out || true) warnings: $(grep '^W: ' lintian.out | cut -d' ' -f3 | sort -u | tr '\n' ' '))"
else
    skip "lintian not installed"
fi

# ---- under cage ----
why=""
for tool in cage grim unshare setpriv convert Xwayland; do
    command -v "$tool" >/dev/null || why="$why $tool missing;"
done
[ "$(id -u)" = 0 ] || why="$why needs root (PID namespace, then runs cage as nobody);"
[ "$(id -u)" != 0 ] || [ -n "$private_ns" ] || why="$why no private mount namespace here (/ is not a mount point: a chroot?);"
if [ -n "$why" ]; then
    skip "cage:$why"
    exit 0
fi
cd /
chmod 755 "$T"
chown -R nobody "$W"
RUN=$T/run
mkdir -m 700 "$RUN"
chown nobody "$RUN"
# In a fresh PID namespace, as its init: kill -1 reaches exactly the kiosk's
# processes (like the unit's cgroup) and nothing is left behind.
cat > "$T/cage.sh" <<'EOF'
set -u
W=$1 RUN=$2 B=$3
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
                HOME="$W" XDG_RUNTIME_DIR="$RUN" "$@"; }
# The kiosk runs under a shell that outlives SIGTERM only to report how the
# kiosk ended (the kiosk itself gets the default disposition back).
as_nobody WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    cage -- sh -c 'trap "" TERM; (trap - TERM; exec "$0" "$@"); echo $? > "$HOME/kiosk.status"' \
    "$B" --db "$W/k.db" --config "$W/empty.ini" run > "$W/cage.log" 2>&1 &
cage=$!
filled="" corners=""
for _ in $(seq 60); do
    sleep 0.25
    as_nobody WAYLAND_DISPLAY=wayland-0 grim "$W/shot.png" 2>/dev/null || continue
    # cage's background is black: the kiosk fills the output when no corner is.
    w=$(identify -format %w "$W/shot.png") h=$(identify -format %h "$W/shot.png") || continue
    corners=$(convert "$W/shot.png" -format \
        "%[pixel:p{0,0}] %[pixel:p{$((w - 1)),0}] %[pixel:p{0,$((h - 1))}] %[pixel:p{$((w - 1)),$((h - 1))}]" info:)
    case "$corners" in *"(0,0,0)"*|*black*|"") ;; *) filled=1; break ;; esac
done
echo "corners: $corners"
echo "size: $(identify -format '%wx%h, %k colours' "$W/shot.png" 2>/dev/null)"
others() { ps -e -o pid=,comm= | awk '$1 != 1 && $2 != "ps" && $2 != "awk" && $2 != "tr" && $2 != "bash"' | tr -s ' \n' ' '; }
echo "processes: $(others)"
start=$(date +%s%N)
kill -TERM -1 2>/dev/null
left=""
for _ in $(seq 100); do   # TimeoutStopSec=10
    left=$(others)
    [ -z "$left" ] && break
    sleep 0.1
done
echo "after SIGTERM: $(( ($(date +%s%N) - start) / 1000000 )) ms, left: ${left:-nothing}"
wait "$cage"
echo "cage exit status: $?"
echo "kiosk exit status: $(cat "$W/kiosk.status" 2>/dev/null || echo none)"
[ -z "$left" ] || { kill -KILL -1; wait; }
[ -n "$filled" ] && [ -z "$left" ]
EOF
# cage's Xwayland (as nobody) leaves its display lock and socket in /tmp
# when it is killed; they are removed after the run (only those it made),
# or they pile up and confuse the next X server's choice of display.
x_files() { find /tmp/.X11-unix /tmp -maxdepth 1 \( -name '.X*-lock' -o -name 'X[0-9]*' \) -user nobody 2>/dev/null | sort; }
x_before=$(x_files)
cage_rc=0
unshare --pid --fork --mount-proc bash "$T/cage.sh" "$W" "$RUN" "$B" > "$T/cage.out" 2>&1 || cage_rc=$?
comm -13 <(printf '%s\n' "$x_before") <(x_files) | while read -r f; do [ -n "$f" ] && rm -f "$f"; done
if [ "$cage_rc" != 0 ]; then
    cat "$T/cage.out" "$W/cage.log" >&2
    fail "the kiosk under cage (see above)"
fi
sed 's/^/  /' "$T/cage.out"
size=$(identify -format '%wx%h' "$W/shot.png")
colours=$(identify -format '%k' "$W/shot.png")
[ "$colours" -gt 50 ] || fail "the screenshot is blank ($colours colours)"
grep -v -e drmGetDevices -e 'xcb error' -e 'output test failed' -e glamor "$W/cage.log" | sed 's/^/  log: /' || true
env -i PATH=/usr/bin:/bin "$B" --db "$W/k.db" --config "$W/empty.ini" audit verify > "$T/audit.out" ||
    fail "the database after SIGTERM: $(cat "$T/audit.out")"
ok "under cage: the kiosk fills the $size output ($colours colours), all gone after SIGTERM, $(cat "$T/audit.out")"
