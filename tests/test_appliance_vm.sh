#!/usr/bin/env bash
# test_appliance_vm.sh — issue 13's "Done when" on a real Debian 12 machine
# booted with systemd as PID 1: a virtual one (qemu).
#
#   host   builds the package as the README's test command does
#          (packaging/build-deb.sh into $CK_BUILD_DIR/package) and a newer
#          one (the tree plus one migration, VERSION-2, as test_upgrade.sh
#          makes it); makes, once, a Debian 12 root with debootstrap (systemd,
#          a kernel, udev, and the package's dependencies in apt's cache, so
#          that `apt install ./deb` works in the VM, which has no network),
#          kept as an ext4 image (mkfs.ext4 -d, no loop mount) in
#          /var/cache/cepci-kiosk-vm/KEY (KEY: a hash of the package list);
#          boots it (the image read-only, writes go to a throwaway overlay
#          that lives as long as this qemu: reboots keep them) with a
#          virtual graphics card (virtio-gpu: a DRM output for cage; -vga
#          std's bochs-drm cannot import buffers, which Debian 12's wlroots
#          requires of every output) and a second disk with the packages
#          and the script below.
#   guest  the script (a unit in the image starts it at every boot) follows
#          the README's "Install on a kiosk" section and checks what only a
#          machine booted with systemd shows; it reports on the second
#          serial port, one line per check (CK-OK, CK-FAIL, CK-INFO), and
#          asks the host for a screendump (CK-SCREEN) or a power cut
#          (CK-POWERCUT) there; the host answers on the same port.
#
# Checked in the VM, in order:
#   1. apt install ./cepci-kiosk_VERSION-1_amd64.deb, offline: the user, the
#      data folder 0700, the unit installed and not enabled;
#   2. kiosk.ini edited (institution, unit, accent colour); init as the
#      kiosk's user; roster import of a CSV with "Peña Íñiguez"; set-pin;
#      an open event and a check-in; doctor without an ERROR;
#   3. systemctl enable --now: active only after READY=1 (Type=notify), cage
#      the main process, cage, the kiosk and Xwayland as cepci-kiosk and all
#      in the service's cgroup, the seat opened by seatd; the host's
#      screendump: the kiosk fills the screen (the edited accent colour
#      across the header, no black border);
#   4. a healthy kiosk outlives WatchdogSec (it pets the watchdog);
#   5. kill -9 of the kiosk: back through Restart= (NRestarts + 1, a new
#      MainPID), the screen again;
#   6. SIGSTOP of the kiosk: the watchdog kills it and it comes back within
#      WatchdogSec + TimeoutAbortSec + RestartSec + a margin;
#   7. systemctl stop: the kiosk's own exit line in the journal within 1 s
#      of the request (5 s under CPU emulation), Result=success, nothing
#      left, audit verify intact;
#   8. systemctl reboot: the kiosk back by itself; a power cut (the host's
#      system_reset): back again, the database intact, doctor OK;
#   9. the newer package installed over the running kiosk: the old one keeps
#      going, nothing migrated; systemctl restart (the README's step): the
#      new program copies the database to .schemaN.bak, then migrates; the
#      same roster, events, records and chain;
#  10. X11 without a window manager: the README's packages (in the image's
#      apt cache) and its drop-in, taken from README.md as written: Xorg
#      and the kiosk as cepci-kiosk in a logind session on tty1, the
#      screen, kill -9 brought back; the drop-in removed: cage again;
#  11. apt remove: the kiosk stopped, /var/lib/cepci-kiosk, the user and
#      kiosk.ini kept; apt purge: says the data is kept, keeps it.
# Screenshots, the VM's console and its report stay in
# $CK_BUILD_DIR/appliance-vm/.
#
# Slow: it runs only with CK_VM_TEST=1 (ctest -L vm); otherwise it says
# skipped. With KVM it is a few minutes; without (or where KVM cannot boot
# this kernel: nested virtualisation) qemu emulates the CPU (TCG), about
# 10-15 minutes. CK_VM_ACCEL=kvm|tcg|auto (auto: KVM when a probe boot
# reaches user space within 60 s; the verdict is cached beside the image).
# Exits 77 when it cannot run: not root, qemu, mkfs.ext4, ImageMagick or the
# packaging tools missing, no Debian mirror to make the root from.
#   CK_VM_KEEP=1     keep the work folder (disk overlay, logs)
#   CK_VM_MIRROR     the Debian mirror (default: the one this machine's apt uses)
#   CK_VM_TIMEOUT    seconds for the whole VM run (default 3000)
set -uo pipefail
SRC=${CK_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${CK_BUILD_DIR:-$SRC/build}
skip77() { echo "SKIP: $*"; exit 77; }
[ "${CK_VM_TEST:-0}" = 1 ] ||
    skip77 "boots a Debian 12 VM (10-15 minutes without KVM): run with CK_VM_TEST=1 (CK_VM_TEST=1 ctest -L vm)"
[ "$(id -u)" = 0 ] || skip77 "needs root (debootstrap, chroot, the VM's disk)"
for t in qemu-system-x86_64 mkfs.ext4 mkfifo unshare chroot convert identify cmake cpack dpkg-deb dpkg-shlibdeps sha256sum; do
    command -v "$t" > /dev/null || skip77 "$t missing (bash scripts/setup.sh installs it)"
done
W=$(mktemp -d /var/tmp/ck-vm-XXXXXX)
OUT=$BUILD/appliance-vm
rm -rf "$OUT"
mkdir -p "$OUT"
QPID="" DRAIN=""
cleanup() {
    [ -n "$QPID" ] && kill "$QPID" 2> /dev/null && wait "$QPID" 2> /dev/null
    [ -n "$DRAIN" ] && kill "$DRAIN" 2> /dev/null
    if [ "${CK_VM_KEEP:-0}" = 1 ]; then echo "kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
die() { echo "FAIL: $*"; exit 1; }
t_start=$(date +%s)

# ---- the two packages ----
deb1=$(nice -n 10 bash "$SRC/packaging/build-deb.sh" "$BUILD/package" 2> "$W/build.err") ||
    { cat "$W/build.err"; die "build-deb.sh"; }
# The newer package: the tree plus one migration (as tests/test_upgrade.sh
# makes it, in the same folders: the build there stays incremental).
N=$BUILD/upgrade-src
rm -rf "$N"
mkdir -p "$N"
tar -C "$SRC" --exclude='./build*' --exclude=./.git --exclude=./demo -cf - . | tar -C "$N" -xf -
cat > "$N/db/999_upgrade_probe.sql" << 'EOF'
-- tests/test_upgrade.sh: one migration more than the tree has.
CREATE TABLE upgrade_probe (note TEXT NOT NULL);
INSERT INTO upgrade_probe VALUES ('migrado');
EOF
touch -d @1 "$N/db/999_upgrade_probe.sql"
deb2=$(nice -n 10 bash "$N/packaging/build-deb.sh" "$BUILD/upgrade-new" -DCK_DEB_RELEASE=2 2> "$W/build.err") ||
    { cat "$W/build.err"; die "build-deb.sh (the newer package)"; }
rm -rf "$N"
v1=$(dpkg-deb -f "$deb1" Version) v2=$(dpkg-deb -f "$deb2" Version)
schema1=$(find "$SRC/db" -maxdepth 1 -name '*.sql' | wc -l)
ok "packages: $(basename "$deb1") (schema $schema1), $(basename "$deb2") (schema $((schema1 + 1))) in $(( $(date +%s) - t_start )) s"

# ---- the Debian 12 root, as a disk image (cached) ----
# The unit in the image that runs the test script from the second disk at
# every boot (its output goes to the second serial port).
DRIVER_UNIT='[Unit]
Description=cepci-kiosk VM test: runs drive.sh from the disk labelled ckdrive
After=systemd-user-sessions.service systemd-logind.service
[Service]
Type=simple
ExecStart=/bin/sh -c "mkdir -p /mnt/ckdrive && mount -o ro LABEL=ckdrive /mnt/ckdrive && exec /bin/bash /mnt/ckdrive/drive.sh"
[Install]
WantedBy=multi-user.target'
BASE_PKGS="systemd-sysv linux-image-amd64 udev kmod dbus libpam-systemd procps sqlite3 e2fsprogs"
# The README's list for "X11 without a window manager (xinit)".
XINIT_PKGS=$(awk '/^\*\*X11 without a window manager/ { x = 1 } x && /Install `/ { p = 1; sub(/.*Install /, "") } p { print } p && /, then:$/ { exit }' \
    "$SRC/README.md" | grep -o '`[a-z0-9.-]*`' | tr -d '`' | tr '\n' ' ')
[ -n "$XINIT_PKGS" ] || die "README.md: no package list in the xinit section"
depends=$(dpkg-deb -f "$deb1" Depends)
key=$(printf 'ck-vm 1\n%s\n%s\n%s\n%s\n' "$BASE_PKGS" "$depends" "$DRIVER_UNIT" "$XINIT_PKGS" | sha256sum | cut -c1-16)
CACHE=/var/cache/cepci-kiosk-vm
IMG=$CACHE/$key
if [ ! -s "$IMG/root.img" ]; then
    command -v debootstrap > /dev/null || skip77 "debootstrap missing (bash scripts/setup.sh installs it) to make the Debian root"
    mirror=${CK_VM_MIRROR:-$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2> /dev/null)}
    [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2> /dev/null)
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
    t0=$(date +%s)
    R=$W/root
    debootstrap --variant=minbase bookworm "$R" "$mirror" > "$W/debootstrap.log" 2>&1 ||
        skip77 "debootstrap from $mirror failed (no Debian mirror reachable?): $(tail -n 1 "$W/debootstrap.log")"
    rm -f "$R/etc/apt/sources.list"
    found=""
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && cp "$f" "$R/etc/apt/sources.list.d/" && found=1
    done
    [ -n "$found" ] || echo "deb $mirror bookworm main" > "$R/etc/apt/sources.list"
    cp /etc/resolv.conf "$R/etc/resolv.conf"
    cp "$deb1" "$R/tmp/"
    cat > "$R/tmp/mkroot.sh" << EOF
set -e
apt-get update -qq
apt-get install -y -qq --no-install-recommends $BASE_PKGS
apt-get clean
# The package's dependencies (and what they recommend, as apt install does
# in the VM), into apt's cache only.
apt-get install -y -qq --download-only /tmp/$(basename "$deb1")
# The X server of the README's xinit variant (step 11 in the VM).
apt-get install -y -qq --download-only --no-install-recommends $XINIT_PKGS
EOF
    # In a private mount namespace: the /proc and /dev mounts go with it.
    # shellcheck disable=SC2016
    unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && mount --bind /dev "$1/dev" &&
        exec chroot "$1" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive sh /tmp/mkroot.sh' \
        sh "$R" > "$W/root.log" 2>&1 ||
        skip77 "could not make the Debian root (no mirror?): $(grep -v '^W:' "$W/root.log" | tail -n 1)"
    rm -f "$R"/tmp/*.deb "$R/etc/resolv.conf"
    echo "/dev/vda / ext4 defaults 0 1" > "$R/etc/fstab"
    echo ckvm > "$R/etc/hostname"
    printf '%s\n' "$DRIVER_UNIT" > "$R/etc/systemd/system/ck-vm-driver.service"
    ln -s /etc/systemd/system/ck-vm-driver.service "$R/etc/systemd/system/multi-user.target.wants/ck-vm-driver.service"
    mkdir -p "$CACHE"
    rm -rf "${CACHE:?}"/*   # one root at a time (about 1 GB)
    mkdir -p "$IMG.new"
    cp "$R"/boot/vmlinuz-* "$IMG.new/vmlinuz"
    cp "$R"/boot/initrd.img-* "$IMG.new/initrd.img"
    truncate -s 4G "$IMG.new/root.img"
    mkfs.ext4 -q -F -d "$R" -L ckroot "$IMG.new/root.img" || die "mkfs.ext4 -d"
    rm -rf "$R"
    mv "$IMG.new" "$IMG"
    ok "made the Debian 12 root in $(( $(date +%s) - t0 )) s: $IMG"
fi
ok "Debian 12 root $IMG ($(du -sh "$IMG/root.img" | cut -f1), kernel $(file -b "$IMG/vmlinuz" | grep -o 'version [^ ]*' | cut -d' ' -f2))"

# ---- the second disk: the packages, the roster and the script ----
D=$W/drive
mkdir -p "$D/new"
cp "$deb1" "$D/"
cp "$deb2" "$D/new/"
printf '%s\n' 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad' \
    '1001,José,Peña,Íñiguez,CHE' '1002,María José,López,Ruiz,CHE' > "$D/padron.csv"
printf 'V1=%s\nV2=%s\nSCHEMA1=%s\nXINIT_PKGS="%s"\n' "$v1" "$v2" "$schema1" "$XINIT_PKGS" > "$D/versions"
# The README's xinit drop-in, as `systemctl edit` would write it: the
# "#   " lines of the sh block of that section.
awk '/^\*\*X11 without a window manager/ { x = 1 } x && /^```sh/ { c = 1; next } x && c && /^```/ { exit }
    x && c && /^#   / { sub(/^#   /, ""); print }' "$SRC/README.md" > "$D/xinit.conf"
grep -q '^ExecStart=/usr/bin/xinit' "$D/xinit.conf" || die "README.md: no xinit drop-in in its section"
cat > "$D/drive.sh" << 'GUEST'
#!/bin/bash
# drive.sh — runs in the VM as root at every boot (ck-vm-driver.service).
# Reports on /dev/ttyS1; reads the host's answers from it.
set -u
exec 2> /root/drive.err
stty -F /dev/ttyS1 raw -echo 2> /dev/null
exec 3<> /dev/ttyS1
say() { printf '%s\n' "$*" >&3; }
ok() { say "CK-OK $*"; }
info() { say "CK-INFO $*"; }
fail() {
    say "CK-FAIL $*"
    journalctl -b --no-pager -n 40 -u cepci-kiosk | while IFS= read -r l; do info "  journal: $l"; done
    say "CK-END"
    sync
    systemctl poweroff
    exit 1
}
ask() { # ask MESSAGE: the host's answer line
    local a=""
    say "$1"
    read -r -t 600 a <&3 || a="no answer"
    printf '%s' "$a"
}
prop() { systemctl show -p "$1" --value cepci-kiosk; }
kiosk_pid() { pgrep -u cepci-kiosk -x cepci-kiosk | head -n 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# wait_active SECONDS: the unit active (for Type=notify: READY=1 received)
# with a kiosk process.
wait_active() {
    local i
    for ((i = 0; i < $1 * 4; i++)); do
        [ "$(systemctl is-active cepci-kiosk)" = active ] && [ -n "$(kiosk_pid)" ] && return 0
        sleep 0.25
    done
    return 1
}
mode() { # the output's mode, as the kernel's DRM driver reports it
    local c
    for c in /sys/class/drm/card*-*; do
        [ "$(cat "$c/status" 2> /dev/null)" = connected ] && { head -n 1 "$c/modes"; return; }
    done
}
screen() { # screen NAME: the host takes a screendump and checks it
    local a
    a=$(ask "CK-SCREEN $1 $(mode)")
    [ "${a%% *}" = ok ] || fail "screen $1: $a"
}
shot_and_check() { # the kiosk's state line and a screendump
    screen "$1"
}
if grep -q 'ck.probe=1' /proc/cmdline; then
    say "CK-HELLO $(cut -d' ' -f1 /proc/uptime)"
    systemctl poweroff
    exit 0
fi
. /mnt/ckdrive/versions
STATE=/var/lib/cepci-kiosk DB=/var/lib/cepci-kiosk/cepci-kiosk.db
mkdir -p /var/lib/ck-vm
phase=$(cat /var/lib/ck-vm/phase 2> /dev/null || echo 1)
say "CK-PHASE $phase $(cut -d' ' -f1 /proc/uptime)"
cd /root || exit 1

if [ "$phase" = 1 ]; then
    info "$(uname -sr), systemd $(systemctl --version | head -n 1 | cut -d' ' -f2), $(nproc) CPUs, $(systemctl is-system-running)"
    cp /mnt/ckdrive/cepci-kiosk_*.deb /mnt/ckdrive/padron.csv /root/
    mkdir -p /root/new && cp /mnt/ckdrive/new/*.deb /root/new/

    # 1. The package (its dependencies come from apt's cache: no network).
    t=$(now)
    apt install -y ./cepci-kiosk_*.deb > apt1.log 2>&1 || { tail -n 5 apt1.log | while IFS= read -r l; do info "$l"; done; fail "apt install ./cepci-kiosk_*.deb"; }
    ok "apt install ./$(ls cepci-kiosk_*.deb): $(dpkg-query -W -f='${Version}' cepci-kiosk), $(grep -c '^Setting up' apt1.log) packages set up, in $(since "$t") s"
    [ "$(stat -c '%a %U:%G' "$STATE")" = "700 cepci-kiosk:cepci-kiosk" ] || fail "$STATE: $(stat -c '%a %U:%G' "$STATE")"
    u=$(getent passwd cepci-kiosk) || fail "no cepci-kiosk user"
    [ "$(systemctl is-enabled cepci-kiosk)" = disabled ] || fail "the unit is $(systemctl is-enabled cepci-kiosk) after install"
    ok "user $u; $STATE 0700; the unit installed, disabled"

    # 2. The configuration, as the README says: institution, unit, colour.
    ini=/etc/cepci-kiosk/kiosk.ini
    sed -i -e 's/^name = El Colegio de la Frontera Sur/name = Instituto de Ética Pública del Sureste/' \
        -e 's/^unit = SCLC /unit = CHE  /' -e 's/^accent = #1F5C99/accent = #7A1F3D/' "$ini"
    [ "$(grep -cE '^(name = Instituto de Ética Pública del Sureste|unit = CHE|accent = #7A1F3D)' "$ini")" = 3 ] ||
        fail "kiosk.ini not edited: $(grep -E '^(name|unit|accent) ' "$ini" | head -n 3)"
    # 3. The database.
    runuser -u cepci-kiosk -- cepci-kiosk init > init.out 2>&1 || fail "init: $(cat init.out)"
    cepci-kiosk roster import padron.csv > roster.out 2>&1 || fail "roster import: $(cat roster.out)"
    cepci-kiosk roster list | grep -q 'Peña Íñiguez' || fail "Peña Íñiguez not in roster list: $(cepci-kiosk roster list)"
    printf '2468\n2468\n' | cepci-kiosk admin set-pin > pin.out 2>&1 || fail "admin set-pin: $(cat pin.out)"
    E=$(cepci-kiosk event add --title "Taller de ética pública" --kind taller --topics etica --unit CHE \
        --start "$(date +%F) 09:00" --no-signature 2> ev.err) || fail "event add: $(cat ev.err)"
    cepci-kiosk event open "$E" > /dev/null 2> ev.err || fail "event open: $(cat ev.err)"
    cepci-kiosk checkin "$E" 1001 --keyed > /dev/null 2> ev.err || fail "checkin: $(cat ev.err)"
    echo "$E" > /var/lib/ck-vm/event
    ok "kiosk.ini edited (institution, unit CHE, accent #7A1F3D); init as cepci-kiosk; roster import (Peña Íñiguez); set-pin; event $E open, one check-in"
    cepci-kiosk doctor > doctor.out 2>&1
    rc=$?
    while IFS= read -r l; do info "  doctor: $l"; done < doctor.out
    [ "$rc" = 0 ] || fail "doctor exit $rc"
    ok "doctor: exit 0 ($(tail -n 1 doctor.out))"

    # 4. Start it at every boot.
    t=$(now)
    systemctl enable --now cepci-kiosk > enable.out 2>&1 || fail "systemctl enable --now: $(cat enable.out)"
    took=$(since "$t")
    wait_active 10 || fail "not active with a kiosk 10 s after systemctl enable --now returned ($took s)"
    main=$(prop MainPID) kp=$(kiosk_pid)
    ok "systemctl enable --now returned after $took s (Type=$(prop Type): once READY=1 came), $(systemctl is-active cepci-kiosk)/$(prop SubState), status \"$(prop StatusText)\""
    [ "$(ps -o comm= -p "$main")" = cage ] || fail "main process $main is $(ps -o comm= -p "$main"), not cage"
    [ "$(ps -o user= -p "$kp")" = cepci-kiosk ] && [ "$(ps -o user= -p "$main")" = cepci-kiosk ] ||
        fail "cage as $(ps -o user= -p "$main"), the kiosk as $(ps -o user= -p "$kp")"
    procs=$(for p in $(pgrep -u cepci-kiosk); do printf '%s %s %s; ' "$p" "$(ps -o comm= -p "$p")" "$(cut -d: -f3 "/proc/$p/cgroup")"; done)
    info "  processes: $procs"
    [ "$(for p in $(pgrep -u cepci-kiosk); do cut -d: -f3 "/proc/$p/cgroup"; done | sort -u)" = /system.slice/cepci-kiosk.service ] ||
        fail "not every process of the kiosk's user is in the service: $procs"
    seat=$(journalctl -b --no-pager -o cat -u seatd | grep -E 'New client|Opened client' | tail -n 2 | tr '\n' ' ')
    info "  seatd: $seat"
    [[ $seat == *"uid: $(id -u cepci-kiosk)"* && $seat == *"Opened client"* ]] || fail "seatd did not open the seat for the kiosk's user: $seat"
    ok "cage ($main), the kiosk ($kp) and Xwayland as cepci-kiosk, all in the service's cgroup; seatd opened seat0 for them; active console $(cat /sys/class/tty/tty0/active)"
    screen booted

    # 5. A healthy kiosk pets the watchdog: still the same after WatchdogSec.
    wd=$(prop WatchdogUSec) n0=$(prop NRestarts)
    sleep 40
    [ "$(prop NRestarts)" = "$n0" ] && [ "$(kiosk_pid)" = "$kp" ] && [ "$(prop MainPID)" = "$main" ] ||
        fail "a healthy kiosk was restarted (WatchdogUSec=$wd, NRestarts $n0 -> $(prop NRestarts))"
    ok "healthy: the same kiosk after 40 s (WatchdogUSec=$wd), NRestarts $n0"

    # 6. kill -9: systemd brings it back.
    t=$(now)
    kill -9 "$kp"
    sleep 0.5
    for ((i = 0; i < 240; i++)); do [ "$(prop NRestarts)" -gt "$n0" ] && break; sleep 0.25; done
    wait_active 60 || fail "not back 60 s after kill -9"
    n1=$(prop NRestarts) kp1=$(kiosk_pid) main1=$(prop MainPID)
    [ "$n1" -gt "$n0" ] && [ "$kp1" != "$kp" ] && [ "$main1" != "$main" ] ||
        fail "kill -9: NRestarts $n0 -> $n1, kiosk $kp -> $kp1, MainPID $main -> $main1"
    ok "kill -9 of the kiosk ($kp): back (READY) in $(since "$t") s through Restart=always: NRestarts $n0 -> $n1, MainPID $main -> $main1, kiosk $kp1"
    journalctl --no-pager -o cat -u cepci-kiosk --since "@${t%.*}" | grep -E 'Scheduled restart|Main process exited|Started|Deactivated' | head -n 4 |
        while IFS= read -r l; do info "  journal: $l"; done
    screen after-kill9

    # 7. A frozen kiosk (SIGSTOP): the watchdog kills it, systemd restarts it.
    abort=$(prop TimeoutAbortUSec) rs=$(prop RestartUSec)
    t=$(now) kp=$(kiosk_pid) n0=$(prop NRestarts)
    kill -STOP "$kp"
    for ((i = 0; i < 480; i++)); do
        [ "$(prop NRestarts)" -gt "$n0" ] && wait_active 1 && break
        sleep 0.25
    done
    back=$(since "$t")
    n1=$(prop NRestarts)
    wdlines=$(journalctl --no-pager -o cat -u cepci-kiosk --since "@${t%.*}" | grep -iE 'watchdog|abort|SIGKILL|Killing' | head -n 4)
    while IFS= read -r l; do info "  journal: $l"; done <<< "$wdlines"
    [ "$n1" -gt "$n0" ] && [ -n "$(kiosk_pid)" ] && [ "$(kiosk_pid)" != "$kp" ] || fail "a frozen kiosk was not restarted in $back s (NRestarts $n0 -> $n1)"
    grep -qi 'watchdog timeout' <<< "$wdlines" || fail "restarted, but not by the watchdog"
    ok "SIGSTOP of the kiosk ($kp): the watchdog (WatchdogUSec=$(prop WatchdogUSec), TimeoutAbortUSec=$abort, RestartUSec=$rs) killed it, back in $back s, NRestarts $n0 -> $n1"
    screen after-watchdog

    # 8. systemctl stop: the kiosk ends cleanly, at once.
    kp=$(kiosk_pid) t=$(now)
    systemctl stop cepci-kiosk
    took=$(since "$t")
    [ "$(systemctl is-active cepci-kiosk)" = inactive ] && ! kill -0 "$kp" 2> /dev/null || fail "systemctl stop: $(systemctl is-active cepci-kiosk)"
    [ -z "$(pgrep -u cepci-kiosk)" ] || fail "left after stop: $(ps -o pid=,comm= -u cepci-kiosk | tr -s ' \n' ' ')"
    exitline=$(journalctl --no-pager -o cat -u cepci-kiosk --since "@${t%.*}" | grep -E '^cepci-kiosk: ' | tail -n 1)
    info "  journal: $exitline"
    info "  journal: $(journalctl --no-pager -o cat -u cepci-kiosk --since "@${t%.*}" | grep -E 'Deactivated|Stopped' | head -n 2 | tr '\n' ' ')"
    [[ $exitline == *"stopped by SIGTERM"* ]] || fail "no exit line of the kiosk's own after systemctl stop"
    # The kiosk's part: from the stop request to its exit line (journal
    # timestamps). Within 1 s; under CPU emulation (TCG: every instruction
    # 10-50 times slower) within 5 s.
    own=$(journalctl --no-pager -o short-unix -u cepci-kiosk --since "@${t%.*}" |
        awk '/Stopping cepci-kiosk/ { a = $1 } /cepci-kiosk: stopped by SIGTERM/ { if (a) printf "%.2f", $1 - a }')
    limit=1.0
    grep -q 'ck.accel=tcg' /proc/cmdline && limit=5.0
    info "  stop: the kiosk's exit line $own s after the stop request (limit $limit s), systemctl stop returned after $took s"
    awk -v s="${own:-99}" -v l="$limit" 'BEGIN { exit !(s < l) }' || fail "the kiosk took ${own:-?} s to exit after systemctl stop (limit $limit s)"
    [ "$(prop Result)" = success ] || fail "Result=$(prop Result) after stop"
    cepci-kiosk audit verify > verify.out 2>&1 || fail "audit verify: $(cat verify.out)"
    ok "systemctl stop: the kiosk's own exit line after $own s, everything gone in $took s, Result=success, \"$exitline\"; $(head -n 1 verify.out)"

    # 9. A reboot.
    systemctl start cepci-kiosk || fail "start"
    echo 2 > /var/lib/ck-vm/phase
    sync
    ok "systemctl reboot"
    systemctl reboot
    exit 0
fi

if [ "$phase" = 2 ]; then
    wait_active 300 || fail "after the reboot the kiosk did not come back by itself"
    up=$(awk -v m="$(prop ActiveEnterTimestampMonotonic)" 'BEGIN { printf "%.1f", m / 1e6 }')
    ok "after systemctl reboot the kiosk is back by itself: active $up s after the kernel started, NRestarts $(prop NRestarts), kiosk $(kiosk_pid)"
    screen rebooted
    # A power cut while the kiosk runs.
    echo 3 > /var/lib/ck-vm/phase
    sync
    ask "CK-POWERCUT" > /dev/null
    sleep 600
    fail "the host did not cut the power"
fi

if [ "$phase" = 3 ]; then
    E=$(cat /var/lib/ck-vm/event)
    wait_active 300 || fail "after a power cut the kiosk did not come back by itself"
    up=$(awk -v m="$(prop ActiveEnterTimestampMonotonic)" 'BEGIN { printf "%.1f", m / 1e6 }')
    cepci-kiosk audit verify > verify.out 2>&1 || fail "audit verify after the power cut: $(cat verify.out)"
    cepci-kiosk doctor > doctor.out 2>&1 || fail "doctor after the power cut: $(grep ERROR doctor.out)"
    ok "after a power cut the kiosk is back by itself ($up s after the kernel started); $(head -n 1 verify.out); doctor: $(tail -n 1 doctor.out)"

    # 10. The newer package over the running kiosk.
    snap() { cepci-kiosk roster list && cepci-kiosk event list && cepci-kiosk audit verify; }
    before=$(snap) || fail "snapshot before the upgrade"
    main=$(prop MainPID) kp=$(kiosk_pid)
    t=$(now)
    (cd /root/new && apt install -y ./cepci-kiosk_*.deb) > apt2.log 2>&1 || { tail -n 5 apt2.log | while IFS= read -r l; do info "$l"; done; fail "apt install (upgrade)"; }
    [ "$(dpkg-query -W -f='${Version}' cepci-kiosk)" = "$V2" ] || fail "upgrade: version $(dpkg-query -W -f='${Version}' cepci-kiosk)"
    [ "$(prop MainPID)" = "$main" ] && [ "$(kiosk_pid)" = "$kp" ] || fail "the upgrade restarted the kiosk (the README says it goes on until restarted)"
    v=$(sqlite3 "file:$DB?mode=ro" 'PRAGMA user_version')
    [ "$v" = "$SCHEMA1" ] || fail "migrated under the running kiosk: schema $v"
    ls "$DB".schema* > /dev/null 2>&1 && fail "a copy made before the restart"
    doc=$(cepci-kiosk doctor 2>&1 | grep 'base de datos')
    info "  doctor: $doc"
    ok "apt install of $V2 over the running kiosk in $(since "$t") s: the old kiosk ($kp) goes on, schema still $v"
    t=$(now)
    systemctl restart cepci-kiosk || fail "systemctl restart"
    wait_active 60 || fail "not active after the restart"
    mig=$(journalctl --no-pager -o cat -u cepci-kiosk --since "@${t%.*}" | grep 'se actualiza del esquema' | tail -n 1)
    info "  journal: $mig"
    copy=$DB.schema$SCHEMA1.bak
    [[ $mig == *"se actualiza del esquema $SCHEMA1 al $((SCHEMA1 + 1)); copia previa en $copy" ]] || fail "no line about the copy: $mig"
    [ "$(stat -c '%a %U' "$copy")" = "600 cepci-kiosk" ] || fail "$copy: $(stat -c '%a %U' "$copy")"
    [ "$(sqlite3 "file:$copy?mode=ro" 'PRAGMA user_version')" = "$SCHEMA1" ] || fail "the copy is not of schema $SCHEMA1"
    [ "$(sqlite3 "file:$DB?mode=ro" 'PRAGMA user_version; SELECT note FROM upgrade_probe' | tr '\n' ' ')" = "$((SCHEMA1 + 1)) migrado " ] ||
        fail "not migrated"
    after=$(snap) || fail "snapshot after the upgrade"
    [ "$before" = "$after" ] || fail "the data differ after the upgrade"
    cepci-kiosk checkin "$E" 1001 --keyed > ci.out 2>&1
    info "  the same check-in again: $(head -n 1 ci.out)"
    ok "systemctl restart: the new program copied the database to $(basename "$copy") (0600, schema $SCHEMA1), then migrated to $((SCHEMA1 + 1)), in $(since "$t") s; the same roster, events, records and chain ($(tail -n 1 <<< "$after"))"
    screen upgraded

    # 11. X11 without a window manager: the README's packages and drop-in
    # (xinit, Xorg without root in a logind session on tty1).
    # shellcheck disable=SC2086
    apt install -y --no-install-recommends $XINIT_PKGS > apt5.log 2>&1 || { tail -n 5 apt5.log | while IFS= read -r l; do info "$l"; done; fail "apt install $XINIT_PKGS"; }
    mkdir -p /etc/systemd/system/cepci-kiosk.service.d
    cp /mnt/ckdrive/xinit.conf /etc/systemd/system/cepci-kiosk.service.d/override.conf
    systemctl daemon-reload
    t=$(now)
    systemctl restart cepci-kiosk || fail "systemctl restart with the xinit drop-in"
    for ((i = 0; i < 240; i++)); do
        xorg=$(pgrep -x Xorg | head -n 1)
        [ -n "$xorg" ] && [ -n "$(kiosk_pid)" ] && break
        sleep 0.25
    done
    [ -n "$xorg" ] && [ -n "$(kiosk_pid)" ] || fail "xinit: no Xorg ($xorg) or no kiosk ($(kiosk_pid)) 60 s after the restart"
    [ "$(ps -o user= -p "$xorg")" = cepci-kiosk ] || fail "xinit: Xorg runs as $(ps -o user= -p "$xorg"), not cepci-kiosk"
    sleep 15   # no READY=1 in this variant (Type=simple): time for the first frame, under emulation
    sess=$(loginctl list-sessions --no-legend | awk '$3 == "cepci-kiosk" { print $1 }' | head -n 1)
    ok "xinit drop-in (the README's): Xorg ($xorg) and the kiosk ($(kiosk_pid)) as cepci-kiosk in $(since "$t") s, logind session ${sess:-none} ($(loginctl show-session "$sess" -p Seat -p VTNr -p Active 2> /dev/null | tr '\n' ' '))"
    screen xinit
    kp=$(kiosk_pid) n0=$(prop NRestarts) t=$(now)
    kill -9 "$kp"
    for ((i = 0; i < 240; i++)); do
        [ "$(prop NRestarts)" -gt "$n0" ] && [ -n "$(kiosk_pid)" ] && [ "$(kiosk_pid)" != "$kp" ] && break
        sleep 0.25
    done
    [ "$(prop NRestarts)" -gt "$n0" ] && [ -n "$(kiosk_pid)" ] || fail "xinit: not back 60 s after kill -9 (NRestarts $n0 -> $(prop NRestarts))"
    sleep 5
    ok "xinit: kill -9 of the kiosk ($kp): back in $(since "$t") s through Restart=always (NRestarts $n0 -> $(prop NRestarts)), kiosk $(kiosk_pid)"
    screen xinit-after-kill9
    rm /etc/systemd/system/cepci-kiosk.service.d/override.conf
    systemctl daemon-reload
    systemctl restart cepci-kiosk || fail "systemctl restart without the drop-in"
    wait_active 60 || fail "not back under cage after the drop-in was removed"
    [ "$(ps -o comm= -p "$(prop MainPID)")" = cage ] && [ -z "$(pgrep -x Xorg)" ] || fail "after the drop-in was removed: main $(ps -o comm= -p "$(prop MainPID)"), Xorg $(pgrep -x Xorg)"
    ok "the drop-in removed: back under cage (Type=$(prop Type), READY), no Xorg left"
    screen back-to-cage

    # 12. Remove, then purge.
    files() { ls -A "$STATE" | grep -vE -- '-(wal|shm)$'; }   # (SQLite's -wal and -shm go when the kiosk closes)
    files > files.before
    apt remove -y cepci-kiosk > apt3.log 2>&1 || fail "apt remove"
    [ "$(systemctl is-active cepci-kiosk)" != active ] && [ -z "$(pgrep -u cepci-kiosk)" ] || fail "apt remove left the kiosk running"
    [ ! -e /usr/bin/cepci-kiosk ] || fail "apt remove left the binary"
    files > files.after
    cmp -s files.before files.after || fail "apt remove changed $STATE: $(diff files.before files.after | tr '\n' ' ')"
    [ "$(sqlite3 "file:$DB?mode=ro" 'PRAGMA integrity_check; SELECT count(*) FROM person' | tr '\n' ' ')" = "ok 2 " ] || fail "the database after remove"
    getent passwd cepci-kiosk > /dev/null && grep -q '^unit = CHE' /etc/cepci-kiosk/kiosk.ini || fail "apt remove deleted the user or kiosk.ini"
    ok "apt remove: the kiosk stopped; $STATE kept ($(tr '\n' ' ' < files.after)), intact; the user and the edited kiosk.ini kept"
    apt purge -y cepci-kiosk > apt4.log 2>&1 || fail "apt purge"
    msg=$(grep 'se conservan en /var/lib/cepci-kiosk' apt4.log)
    info "  apt purge: $msg"
    [ -n "$msg" ] || fail "apt purge does not say where the data is"
    files > files.after
    cmp -s files.before files.after && [ -s "$DB" ] && [ -s "$DB.key" ] && [ -s "$copy" ] || fail "apt purge deleted data"
    getent passwd cepci-kiosk > /dev/null || fail "apt purge deleted the user"
    [ ! -e /etc/systemd/system/multi-user.target.wants/cepci-kiosk.service ] || fail "the boot link is left after purge"
    ok "apt purge: says so and keeps $STATE and the user; removes /etc/cepci-kiosk ($( [ -e /etc/cepci-kiosk ] && echo still there || echo gone)) and the boot link"
    echo 4 > /var/lib/ck-vm/phase
    say "CK-END"
    sync
    systemctl poweroff
fi
GUEST
truncate -s 256M "$W/drive.img"
mkfs.ext4 -q -F -d "$D" -L ckdrive "$W/drive.img" || die "mkfs.ext4 -d (the second disk)"

# ---- the VM ----
mon() { printf '%s\n' "$*" > "$W/mon.in"; }
# boot ACCEL [APPEND]: qemu in the background; its monitor and the second
# serial port are pipes ($W/mon.{in,out}, $W/res.{in,out}).
boot() {
    local accel=$1 cpu=()
    [ "$1" = kvm ] && cpu=(-cpu host)
    [ "$1" = tcg ] && accel=tcg,thread=multi
    rm -f "$W"/mon.* "$W"/res.*
    mkfifo "$W/mon.in" "$W/mon.out" "$W/res.in" "$W/res.out"
    TMPDIR=$W qemu-system-x86_64 -accel "$accel" "${cpu[@]}" -m 2048 -smp 2 \
        -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" -append "root=/dev/vda rw console=ttyS0 ${2:-}" \
        -drive "file=$IMG/root.img,if=virtio,format=raw,snapshot=on" \
        -drive "file=$W/drive.img,if=virtio,format=raw,readonly=on" \
        -vga none -device virtio-gpu-pci -display none -nic none \
        -serial "file:$W/console.log" -chardev "pipe,id=res,path=$W/res" -serial chardev:res \
        -chardev "pipe,id=mon,path=$W/mon" -mon chardev=mon,mode=readline \
        > "$W/qemu.out" 2>&1 &
    QPID=$!
    cat "$W/mon.out" > "$W/mon.log" &
    DRAIN=$!
    exec 7<> "$W/res.out" 8<> "$W/res.in"
}
halt() {
    [ -n "$QPID" ] && { kill "$QPID" 2> /dev/null; wait "$QPID" 2> /dev/null; }
    [ -n "$DRAIN" ] && kill "$DRAIN" 2> /dev/null
    QPID="" DRAIN=""
    exec 7<&- 8>&-
}

kvm_ok=""
case ${CK_VM_ACCEL:-auto} in
    tcg) ;;
    kvm) kvm_ok=1 ;;
    auto)
        verdict=$CACHE/kvm-$(uname -r)-$(qemu-system-x86_64 --version | head -n 1 | grep -o '[0-9][0-9.]*' | head -n 1)
        if [ -e "$verdict" ]; then
            [ "$(cat "$verdict")" = yes ] && kvm_ok=1
            echo "# KVM: $(cat "$verdict") (cached in $verdict)"
        elif [ -w /dev/kvm ]; then
            # A probe boot: with a working KVM this kernel reaches user space in seconds.
            t0=$(date +%s)
            boot kvm "ck.probe=1 ck.accel=kvm"
            line=""
            read -r -t 60 line <&7
            halt
            if [[ $line == CK-HELLO* ]]; then
                kvm_ok=1
                echo yes > "$verdict"
            else
                last=$(tr -d '\r' < "$W/console.log" | grep -a . | tail -n 1 | cut -c1-100)
                echo "no: a probe boot did not reach user space in 60 s (console: ${last:-empty, the kernel still in its decompressor}$(grep -m1 -a 'KVM internal error' "$W/qemu.out" | sed 's/^/; /'))" > "$verdict"
            fi
            echo "# KVM: $(cat "$verdict") (probe: $(( $(date +%s) - t0 )) s)"
        fi
        ;;
esac
accel=tcg
[ -n "$kvm_ok" ] && accel=kvm

# check_screen NAME MODE: the VM's screen (a screendump) is the kiosk, full
# screen: the size of the output's mode, the accent colour of kiosk.ini
# (#7A1F3D) across the top corners (the header), no black (cage's
# background) anywhere on the 4-pixel frame, many colours (text, not a
# blank screen).
check_screen() {
    local png=$OUT/screen-$1.png size w h frame tl tr colours
    rm -f "$png"
    mon "screendump $png -f png"
    # Until the file is whole: qemu writes it while identify may already
    # read it (seen twice under emulation: identify took the first bytes,
    # then failed on the cut image), so the size must hold still between
    # two looks and the whole image must decode.
    local last=-1 now
    for _ in $(seq 240); do
        now=$(stat -c %s "$png" 2> /dev/null || echo -1)
        [ "$now" -gt 0 ] && [ "$now" = "$last" ] && convert -regard-warnings "$png" info: > /dev/null 2>&1 && break
        last=$now
        sleep 0.25
    done
    size=$(identify -format '%wx%h' "$png" 2> /dev/null) || { echo "no screendump"; return 1; }
    w=${size%x*} h=${size#*x}
    frame=$(for g in "${w}x4+0+0" "${w}x4+0+$((h - 4))" "4x${h}+0+0" "4x${h}+$((w - 4))+0"; do
        convert "$png" -crop "$g" +repage -colorspace gray -threshold 3% -negate -format '%[fx:mean*w*h] ' info:
    done)
    tl=$(convert "$png" -format '%[pixel:p{2,2}]' info:) tr=$(convert "$png" -format "%[pixel:p{$((w - 3)),2}]" info:)
    colours=$(identify -format %k "$png")
    local why=""
    [ "$size" = "$2" ] || why="$why size $size, the output's mode $2;"
    [ "$frame" = "0 0 0 0 " ] || why="$why black pixels on the frame (top, bottom, left, right: $frame);"
    [ "$tl" = "srgb(122,31,61)" ] && [ "$tr" = "$tl" ] || why="$why top corners $tl $tr, not the accent srgb(122,31,61);"
    [ "$colours" -gt 50 ] || why="$why $colours colours;"
    echo "$size, no black on the frame, header $tl at both top corners, $colours colours: $png${why:+ —$why}"
    [ -z "$why" ]
}

t_vm=$(date +%s)
echo "# booting the VM ($accel)"
boot "$accel" "ck.accel=$accel"
deadline=$((t_vm + ${CK_VM_TIMEOUT:-3000}))
ended=""
while :; do
    line=""
    if ! read -r -t 5 line <&7; then
        kill -0 "$QPID" 2> /dev/null || break
        [ "$(date +%s)" -lt "$deadline" ] || { bad "timeout: the VM did not finish in ${CK_VM_TIMEOUT:-3000} s"; break; }
        continue
    fi
    line=${line%$'\r'}
    el=$(( $(date +%s) - t_vm ))
    case $line in
        CK-OK*) ok "[${el}s] ${line#CK-OK }" ;;
        CK-FAIL*) bad "[${el}s] ${line#CK-FAIL }" ;;
        CK-INFO*) echo "  ${line#CK-INFO }" ;;
        CK-PHASE*)
            set -- $line
            echo "# [${el}s] boot $2: the test script started ${3%.*} s after the kernel"
            ;;
        CK-SCREEN*)
            set -- $line
            if res=$(check_screen "$2" "${3:-?}"); then
                ok "[${el}s] screen $2: $res"
                printf 'ok\n' >&8
            else
                bad "[${el}s] screen $2: $res"
                printf 'bad %s\n' "$res" >&8
            fi
            ;;
        CK-POWERCUT*)
            sleep 2
            mon system_reset
            echo "# [${el}s] power cut (system_reset)"
            ;;
        CK-END*) ended=1 ;;
    esac
done
halt
cp "$W/console.log" "$OUT/console.log" 2> /dev/null
[ -n "$ended" ] || bad "the VM never reached the end of its script (console: $OUT/console.log)"
vm_s=$(( $(date +%s) - t_vm ))
if [ "$fails" != 0 ]; then
    echo "console (last lines):"
    tr -d '\r' < "$OUT/console.log" | grep -av '^\s*$' | tail -n 25
fi
echo "$fails failed; the VM ($accel) ran $vm_s s, $(( $(date +%s) - t_start )) s in all; screenshots and console in $OUT"
[ "$fails" = 0 ]
