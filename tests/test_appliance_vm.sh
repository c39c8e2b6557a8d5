#!/usr/bin/env bash
# test_appliance_vm.sh — issue 13's "Done when" on a real Debian 12 machine
# booted with systemd: a virtual one (qemu). The package built by
# packaging/build-deb.sh (and a second build of it with a higher version)
# goes into a fresh Debian 12 root made with debootstrap, with a kernel,
# systemd and the package's dependencies in apt's cache (the VM has no
# network); the root becomes an ext4 disk image, and qemu boots it with a
# virtual screen (-vga std). Inside, tests/vm/drive.sh follows the README's
# "Install on a kiosk" section — apt install ./cepci-kiosk_*.deb, init as
# the kiosk's user, roster import, set-pin, doctor, systemctl enable --now —
# and checks: the unit active only once the kiosk's first frame is on
# screen (Type=notify), kill -9 of the kiosk brings it back through
# systemd, a frozen kiosk (SIGSTOP) is killed by the watchdog and comes
# back, systemctl stop stops it quickly, an upgrade over the running kiosk
# keeps the records and the chain, a reboot brings the kiosk back by
# itself, apt remove and purge keep /var/lib/cepci-kiosk. At each
# "CK-SCREEN" the host takes a screendump of the VM's screen and checks
# that the kiosk fills it (its blue header across the top, its light
# background at the bottom corners, nothing black).
#
# Slow (software emulation: about 10 minutes; the Debian root is cached in
# /var/cache/cepci-kiosk-vm), so it runs only when CK_VM_TEST=1; otherwise
# it says skipped. Needs root (chroot), qemu-system-x86, debootstrap or
# fresh-debian's cached root, mkfs.ext4 with -d, ImageMagick, and a Debian
# mirror the first time. CK_VM_KEEP=1 keeps the work folder.
set -uo pipefail
SRC=${CK_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
skip() { echo "skipped: $*"; exit 77; }
[ "${CK_VM_TEST:-0}" = 1 ] || skip "set CK_VM_TEST=1 to boot a Debian 12 VM with systemd (about 10 minutes)"
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot)"
for t in qemu-system-x86_64 mkfs.ext4 chroot convert python3; do
    command -v "$t" >/dev/null || skip "$t missing (scripts/setup.sh installs it)"
done
W=$(mktemp -d /var/tmp/ck-vm-XXXXXX)
ROOT=$W/root
QPID=
cleanup() {
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null
    for m in dev/pts dev sys proc; do umount -l "$ROOT/$m" 2>/dev/null; done
    if [ "${CK_VM_KEEP:-0}" = 1 ]; then echo "kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
die() { echo "FAIL: $*"; exit 1; }

# ---- the two packages ----
deb1=$(bash "$SRC/packaging/build-deb.sh" "$W/deb1" 2>"$W/build.err" | tail -n 1) || { cat "$W/build.err"; die "build-deb.sh"; }
deb2=$(bash "$SRC/packaging/build-deb.sh" "$W/deb2" -DCK_DEB_RELEASE=2 2>"$W/build.err" | tail -n 1) ||
    { cat "$W/build.err"; die "build-deb.sh (release 2)"; }
ok "packages: $(basename "$deb1") $(basename "$deb2")"

# ---- a Debian 12 root with a kernel, systemd and the package's dependencies ----
cache=/var/cache/cepci-kiosk-vm
key=$( (dpkg-deb -f "$deb1" Depends; echo linux-image-amd64 systemd-sysv udev kmod dbus libpam-systemd) | sha256sum | cut -c1-16)
mkdir -p "$cache" "$ROOT"
if [ -s "$cache/root-$key.tar" ]; then
    tar -C "$ROOT" -xf "$cache/root-$key.tar"
else
    base=/var/cache/fresh-debian/bookworm-minbase.tar
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    if [ -s "$base" ]; then
        tar -C "$ROOT" -xf "$base"
    else
        command -v debootstrap >/dev/null || skip "debootstrap missing"
        debootstrap --variant=minbase bookworm "$ROOT" "$mirror" >"$W/debootstrap.log" 2>&1 ||
            skip "debootstrap failed (no Debian mirror reachable?): $(tail -n 1 "$W/debootstrap.log")"
    fi
    rm -f "$ROOT/etc/apt/sources.list"
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && cp "$f" "$ROOT/etc/apt/sources.list.d/"; done
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
    mount -t proc proc "$ROOT/proc"; mount --bind /dev "$ROOT/dev"; mount --bind /dev/pts "$ROOT/dev/pts"; mount -t sysfs sys "$ROOT/sys"
    cp "$deb1" "$ROOT/root/"
    chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive bash -c '
        apt-get update -qq && apt-get install -y -qq --no-install-recommends linux-image-amd64 systemd-sysv udev kmod dbus libpam-systemd &&
        apt-get install -y -qq --download-only /root/cepci-kiosk_*.deb' >"$W/root.log" 2>&1 ||
        skip "could not make the Debian root (no mirror?): $(grep -v '^W:' "$W/root.log" | tail -n 1)"
    rm -f "$ROOT"/root/cepci-kiosk_*.deb "$ROOT/etc/resolv.conf"
    for m in dev/pts dev sys proc; do umount "$ROOT/$m"; done
    tar -C "$ROOT" -cf "$cache/root-$key.tar" .
fi
ok "Debian 12 root: $(ls "$ROOT"/boot/vmlinuz-*), $(ls "$ROOT"/var/cache/apt/archives/*.deb | wc -l) packages in apt's cache"
cp "$deb1" "$deb2" "$ROOT/root/"
cp "$SRC/tests/vm/drive.sh" "$ROOT/root/drive.sh"
cat > "$ROOT/etc/systemd/system/ck-drive.service" <<'UNIT'
[Unit]
Description=cepci-kiosk appliance test driver (tests/vm/drive.sh)
After=systemd-user-sessions.service systemd-logind.service
[Service]
Type=simple
ExecStart=/bin/bash /root/drive.sh
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/ck-drive.service "$ROOT/etc/systemd/system/multi-user.target.wants/ck-drive.service"
# The driver writes to the serial line; a getty there would hang it up.
ln -sf /dev/null "$ROOT/etc/systemd/system/serial-getty@ttyS0.service"
echo "/dev/vda / ext4 defaults 0 1" > "$ROOT/etc/fstab"
echo ckvm > "$ROOT/etc/hostname"
cp "$ROOT"/boot/vmlinuz-* "$W/vmlinuz"; cp "$ROOT"/boot/initrd.img-* "$W/initrd.img"
truncate -s 4G "$W/disk.img"
mkfs.ext4 -q -F -d "$ROOT" -L ckroot "$W/disk.img" || die "mkfs.ext4 -d"
rm -rf "$ROOT"

# ---- boot it; take screendumps when the driver asks ----
# Software emulation: nested KVM hangs this kernel at boot on some hosts.
t0=$(date +%s)
qemu-system-x86_64 -accel tcg,thread=multi -m 2048 -smp 2 -kernel "$W/vmlinuz" -initrd "$W/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0" -drive "file=$W/disk.img,if=virtio,format=raw" \
    -vga std -display none -serial "file:$W/serial.log" -monitor "unix:$W/mon.sock,server,nowait" \
    -nic none > "$W/qemu.out" 2>&1 &
QPID=$!
monitor() { # monitor COMMAND
    python3 - "$W/mon.sock" "$1" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(0.3); s.recv(65536)
s.send((sys.argv[2] + "\n").encode()); time.sleep(1.5); s.close()
PY
}
# check_screen NAME: a screendump; the kiosk fills the screen.
check_screen() {
    local png=$W/screen-$1.png size tl tr bl br
    monitor "screendump $W/screen.ppm" && convert "$W/screen.ppm" "$png" || { bad "screendump $1"; return; }
    size=$(identify -format '%wx%h' "$png")
    px() { convert "$png" -format "%[pixel:p{$1}]" info:; }
    tl=$(px 2,2) tr=$(px "$(( ${size%x*} - 3 )),2") bl=$(px "2,$(( ${size#*x} - 3 ))") br=$(px "$(( ${size%x*} - 3 )),$(( ${size#*x} - 3 ))")
    colours=$(convert "$png" -format %k info:)
    echo "  screen $1: $size, corners $tl $tr $bl $br, $colours colours ($png)"
    if [ "$tl" = "$tr" ] && [ "$bl" = "$br" ] && [ "$tl" != "$bl" ] && [[ $tl != *"(0,0,0)"* ]] && [[ $bl != *"(0,0,0)"* ]] && [ "$colours" -gt 50 ]; then
        ok "screen $1: the kiosk fills the whole $size screen (header across the top, its background at the bottom)"
    else
        bad "screen $1: not the kiosk full screen (corners $tl $tr $bl $br, $colours colours)"
    fi
    [ -n "${CK_VM_SHOTS:-}" ] && cp "$png" "$CK_VM_SHOTS/"
}
seen=0
deadline=$((t0 + ${CK_VM_TIMEOUT:-3000}))
while kill -0 "$QPID" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { bad "timeout: the VM did not finish"; break; }
    mapfile -t lines < <(grep -a '^CK-' "$W/serial.log" 2>/dev/null | tr -d '\r')
    for ((i = seen; i < ${#lines[@]}; i++)); do
        l=${lines[i]}
        case $l in
            CK-OK*) ok "vm: ${l#CK-OK }" ;;
            CK-FAIL*) bad "vm: ${l#CK-FAIL }" ;;
            CK-SCREEN*) sleep 4; check_screen "${l#CK-SCREEN }" ;;
            CK-PHASE*) echo "# boot: phase ${l#CK-PHASE } at $(( $(date +%s) - t0 )) s" ;;
            CK-DONE*) echo "# done at $(( $(date +%s) - t0 )) s" ;;
        esac
    done
    seen=${#lines[@]}
    sleep 2
done
wait "$QPID" 2>/dev/null
grep -a '^  \(journal\|doctor\|session\|backups\|purge\):' "$W/serial.log" | tr -d '\r' | head -n 60
grep -aq '^CK-DONE' "$W/serial.log" || bad "the VM never reached the end of tests/vm/drive.sh (serial log: $W/serial.log)"
[ $fails -eq 0 ] || { echo "serial log tail:"; tail -n 30 "$W/serial.log" | tr -d '\r'; CK_VM_KEEP=1; }
echo "$fails failed ($(( $(date +%s) - t0 )) s in the VM)"
[ $fails -eq 0 ]
