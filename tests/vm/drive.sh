#!/bin/bash
# drive.sh — runs inside the Debian 12 VM of tests/test_appliance_vm.sh, as
# root, from ck-drive.service at every boot; follows the README's "Install
# on a kiosk" section and checks what only a machine booted with systemd
# shows. Every line goes to the serial console: "CK-OK text", "CK-FAIL
# text", "CK-SCREEN name" (the host takes a screendump, then touches
# nothing: this script waits CK_SHOT_WAIT seconds), "CK-DONE".
# /root/phase holds where the previous boot stopped.
set -u
# Everything to the serial console and to /root/drive.log (the image keeps
# it). The serial getty is masked in the image: it would hang the line up.
exec > >(tee -a /root/drive.log > /dev/ttyS0) 2>&1
say() { echo "$*"; }
ok() { say "CK-OK $*"; }
fail() { say "CK-FAIL $*"; journalctl -u cepci-kiosk --no-pager -n 40 | sed 's/^/  journal: /'; systemctl poweroff; exit 1; }
shot() { say "CK-SCREEN $1"; sleep 12; }
prop() { systemctl show -p "$1" --value cepci-kiosk; }
# wait_ready SECONDS: the unit active and READY (Type=notify: "active" only
# after READY=1, which the kiosk sends with its first frame on screen).
wait_ready() {
    local i
    for ((i = 0; i < $1 * 2; i++)); do
        [ "$(systemctl is-active cepci-kiosk)" = active ] && [ -n "$(kiosk_pid)" ] && return 0
        sleep 0.5
    done
    return 1
}
kiosk_pid() { pgrep -u cepci-kiosk -x cepci-kiosk | head -n 1; }
phase=$(cat /root/phase 2>/dev/null || echo 1)
say "CK-PHASE $phase"
cd /root

if [ "$phase" = 1 ]; then
    # 1. The package, offline (its dependencies are in apt's cache).
    apt-get install -y ./cepci-kiosk_*-1_amd64.deb > /root/apt1.log 2>&1 || { tail -5 /root/apt1.log; fail "apt install ./cepci-kiosk_*-1_amd64.deb"; }
    ok "apt install ./$(ls cepci-kiosk_*-1_amd64.deb)"
    [ "$(stat -c '%a %U' /var/lib/cepci-kiosk)" = "700 cepci-kiosk" ] && ok "/var/lib/cepci-kiosk 0700 cepci-kiosk" || fail "data folder: $(stat -c '%a %U' /var/lib/cepci-kiosk)"
    [ "$(systemctl is-enabled cepci-kiosk)" = disabled ] && ok "the unit is installed, not enabled" || fail "unit state $(systemctl is-enabled cepci-kiosk)"
    # 2. The configuration.
    # (The example's printer is "none": this VM has none.)
    grep -q '^uri *= *none' /etc/cepci-kiosk/kiosk.ini || fail "the example config names a printer"
    # 3. The database.
    runuser -u cepci-kiosk -- cepci-kiosk init > /root/init.out 2>&1 || { cat /root/init.out; fail "init"; }
    printf '%s\n' 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad' '1001,José,Peña,Íñiguez,SCLC' \
        '1002,María José,López,Ruiz,SCLC' > /root/padron.csv
    cepci-kiosk roster import /root/padron.csv > /root/roster.out 2>&1 || { cat /root/roster.out; fail "roster import"; }
    printf '2468\n2468\n' | cepci-kiosk admin set-pin > /dev/null 2>&1 || fail "admin set-pin"
    E=$(cepci-kiosk event add --title "Taller de ética" --kind taller --topics etica --unit SCLC --start "$(date +%F) 09:00" --no-signature) || fail "event add"
    cepci-kiosk event open "$E" > /dev/null || fail "event open"
    cepci-kiosk checkin "$E" 1001 > /dev/null || fail "checkin"
    ok "init, roster import (Peña Íñiguez), set-pin, an open event, one check-in"
    cepci-kiosk doctor | sed 's/^/  doctor: /'
    # 4. Start it at every boot. This VM runs under software emulation (no
    # KVM), some 20-50 times slower than a kiosk: cage renders with pixman
    # (llvmpipe's shader compiler would take minutes here) and the first
    # frame may take minutes, so the test gives the start more time. The
    # unit itself is the package's.
    mkdir -p /etc/systemd/system/cepci-kiosk.service.d
    printf '[Service]\nEnvironment=WLR_RENDERER=pixman\nTimeoutStartSec=600\n' \
        > /etc/systemd/system/cepci-kiosk.service.d/emulated.conf
    systemctl daemon-reload
    t0=$(date +%s%N)
    systemctl enable --now cepci-kiosk > /dev/null 2>&1 || fail "systemctl enable --now"
    wait_ready 300 || fail "not active with a kiosk process after 300 s"
    ok "enable --now: active (READY) in $(( ($(date +%s%N) - t0) / 1000000 )) ms, main process $(prop MainPID) ($(ps -o comm= -p "$(prop MainPID)")), kiosk $(kiosk_pid) as $(ps -o user= -p "$(kiosk_pid)")"
    loginctl list-sessions --no-legend | sed 's/^/  session: /'
    shot booted
    # kill -9: systemd brings it back.
    n0=$(prop NRestarts) p0=$(kiosk_pid)
    kill -9 "$p0"
    sleep 1
    wait_ready 300 || fail "not back 300 s after kill -9"
    n1=$(prop NRestarts) p1=$(kiosk_pid)
    [ "$n1" -gt "$n0" ] && [ "$p1" != "$p0" ] && ok "kill -9 of the kiosk ($p0): restarted by systemd, NRestarts $n0 -> $n1, kiosk $p1" \
        || fail "kill -9: NRestarts $n0 -> $n1, kiosk $p0 -> $p1"
    shot after-kill
    # A frozen kiosk (SIGSTOP): the watchdog kills it and systemd restarts it.
    wd=$(prop WatchdogUSec) p0=$(kiosk_pid) n0=$(prop NRestarts)
    t0=$(date +%s)
    kill -STOP "$p0"
    for ((i = 0; i < 400; i++)); do
        p1=$(kiosk_pid)
        [ -n "$p1" ] && [ "$p1" != "$p0" ] && [ "$(systemctl is-active cepci-kiosk)" = active ] && break
        sleep 1
    done
    p1=$(kiosk_pid) n1=$(prop NRestarts)
    journalctl -u cepci-kiosk --no-pager --since "@$t0" | grep -i watchdog | head -n 2 | sed 's/^/  journal: /'
    [ -n "$p1" ] && [ "$p1" != "$p0" ] && journalctl -u cepci-kiosk --no-pager --since "@$t0" | grep -qi watchdog \
        && ok "a frozen kiosk (SIGSTOP): killed by the watchdog (WatchdogUSec=$wd) and back in $(( $(date +%s) - t0 )) s, NRestarts $n0 -> $n1" \
        || fail "frozen kiosk not restarted by the watchdog (kiosk $p0 -> $p1)"
    wait_ready 300 || fail "not ready after the watchdog restart"
    # systemctl stop: a clean exit, quickly.
    p0=$(kiosk_pid) t0=$(date +%s%N)
    systemctl stop cepci-kiosk
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$(systemctl is-active cepci-kiosk)" != active ] && ! kill -0 "$p0" 2>/dev/null && [ "$ms" -lt 15000 ] \
        && ok "systemctl stop: stopped in $ms ms" || fail "systemctl stop: $ms ms, state $(systemctl is-active cepci-kiosk)"
    journalctl -u cepci-kiosk --no-pager -n 60 | grep -E 'cepci-kiosk\[' | tail -n 3 | sed 's/^/  journal: /'
    cepci-kiosk audit verify > /root/verify.out 2>&1 && ok "after kill -9, the watchdog and stop: $(head -n 1 /root/verify.out)" || fail "audit verify: $(cat /root/verify.out)"
    systemctl start cepci-kiosk; wait_ready 300 || fail "start again"
    # 5. An upgrade over the running kiosk keeps the data.
    apt-get install -y ./cepci-kiosk_*-2_amd64.deb > /root/apt2.log 2>&1 || { tail -5 /root/apt2.log; fail "upgrade"; }
    wait_ready 300 || fail "not running after the upgrade"
    [ "$(dpkg-query -W -f='${Version}' cepci-kiosk)" = "$(dpkg-deb -f cepci-kiosk_*-2_amd64.deb Version)" ] || fail "upgrade: version"
    cepci-kiosk audit verify > /root/verify.out 2>&1 || fail "audit verify after the upgrade: $(cat /root/verify.out)"
    cepci-kiosk checkin "$E" 1001 2>&1 | grep -q "ya" && ok "upgrade to $(dpkg-query -W -f='${Version}' cepci-kiosk) over the running kiosk: restarted, the check-in still there, the chain intact" \
        || fail "upgrade: the earlier check-in is gone"
    ls /var/lib/cepci-kiosk/backups/ | sed 's/^/  backups: /'
    echo "$E" > /root/event
    echo 2 > /root/phase
    sync
    ok "rebooting"
    systemctl reboot
    exit 0
fi

if [ "$phase" = 2 ]; then
    E=$(cat /root/event)
    wait_ready 400 || fail "after the reboot the kiosk did not come back by itself"
    ok "after a reboot the kiosk is back by itself: kiosk $(kiosk_pid), $(systemctl is-enabled cepci-kiosk)"
    shot rebooted
    # 6. Removing the package keeps the data; purging says what it keeps.
    apt-get remove -y cepci-kiosk > /root/apt3.log 2>&1 || fail "apt remove"
    [ -s /var/lib/cepci-kiosk/cepci-kiosk.db ] && [ -s /var/lib/cepci-kiosk/cepci-kiosk.db.key ] && ! pgrep -x cepci-kiosk >/dev/null \
        && ok "apt remove: stopped, /var/lib/cepci-kiosk kept (database and key)" || fail "apt remove lost data or left it running"
    apt-get purge -y cepci-kiosk > /root/apt4.log 2>&1 || fail "apt purge"
    grep -i "se conservan" /root/apt4.log | sed 's/^/  purge: /'
    [ -s /var/lib/cepci-kiosk/cepci-kiosk.db ] && ok "apt purge: the records are kept ($(ls /var/lib/cepci-kiosk | tr '\n' ' '))" \
        || ok "apt purge: /var/lib/cepci-kiosk removed"
    echo 3 > /root/phase
    say "CK-DONE"
    systemctl poweroff
fi
