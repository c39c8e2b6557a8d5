#!/usr/bin/env bash
# test_upgrade.sh — updates keep data: the Debian package installed, used,
# upgraded with the kiosk running, downgraded, removed and purged, with the
# real dpkg, adduser and maintainer scripts, in a private mount namespace
# whose /usr, /etc and /var are overlays of this machine's (so this machine
# is left exactly as it was, and the run is as real as an install gets
# without booting).
#
#   old  the package of this tree (packaging/build-deb.sh into
#        $CK_BUILD_DIR/package, as tests/test_package.sh builds it; the two
#        tests take turns: ctest RESOURCE_LOCK)
#   new  the same tree plus one more migration (db/999_upgrade_probe.sql,
#        which creates a table and a row), packaged as VERSION-2: a newer
#        schema, whatever the number of migrations the tree has
#
# Checked, in order:
#   1. old installed: system user, /var/lib/cepci-kiosk; init, roster,
#      event, check-in as the kiosk's user (runuser, as the README says).
#   2. the old kiosk running (SDL dummy driver) when the new package is
#      installed over it: it keeps running; the new binary does not migrate
#      under it (one line, nothing changed) and doctor says to restart.
#   3. the old kiosk stopped, the new one started ("the next start"): it
#      migrates, after copying the database to <db>.schemaN.bak (0600, the
#      kiosk's user's, the old schema and data); the same roster, events,
#      records and audit chain after; doctor all OK.
#   4. a downgrade (the old package again): the old binary refuses the newer
#      database with one clear line and changes nothing; the new package
#      again works.
#   5. dpkg --remove keeps /var/lib/cepci-kiosk (database, key, backups, the
#      pre-upgrade copy), the user and kiosk.ini; --purge too, and says so.
# And, when an older cepci-kiosk binary is at hand (CK_OLD_BIN, default
# /work/baseline/cepci-kiosk) whose schema is older than this tree's: a
# database it wrote is migrated by the installed binary through every real
# migration, with the copy made first.
#
# Exits 77 when it cannot run: needs root, a private mount namespace (a /
# that is a mount point: not a plain chroot), overlayfs and the packaging
# tools.
set -euo pipefail
SRC=${CK_SOURCE_DIR:?CK_SOURCE_DIR not set}
BUILD=${CK_BUILD_DIR:?CK_BUILD_DIR not set}
skip77() { echo "SKIP: $*"; exit 77; }
for tool in cmake cpack dpkg-deb dpkg-shlibdeps dpkg-buildflags file unshare runuser setpriv sqlite3; do
    command -v "$tool" >/dev/null || skip77 "$tool not installed"
done
[ "$(id -u)" = 0 ] || skip77 "needs root (a mount namespace, dpkg, other users)"
getent passwd cepci-kiosk >/dev/null && skip77 "this machine has a cepci-kiosk user (a real kiosk?)"
T=$(mktemp -d /tmp/ck-upgrade-XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

unshare --mount --propagation private true 2>/dev/null ||
    skip77 "no private mount namespace here (/ is not a mount point: a chroot?)"
# Overlays need a file system that supports them as the upper layer.
mkdir -p "$T/probe/u" "$T/probe/w" "$T/probe/m"
unshare --mount --propagation private \
    mount -t overlay overlay -o "lowerdir=/usr,upperdir=$T/probe/u,workdir=$T/probe/w" "$T/probe/m" 2>/dev/null ||
    skip77 "overlayfs is not available here"

# ---- the two packages ----
old=$(nice -n 10 bash "$SRC/packaging/build-deb.sh" "$BUILD/package" 2> "$T/build.err") ||
    { cat "$T/build.err"; fail "build-deb.sh (old)"; }
N=$BUILD/upgrade-src
rm -rf "$N"
mkdir -p "$N"
# The tree as it is (mtimes kept, so the build folder stays incremental),
# plus the probe migration.
tar -C "$SRC" --exclude='./build*' --exclude=./.git --exclude=./demo -cf - . | tar -C "$N" -xf -
cat > "$N/db/999_upgrade_probe.sql" <<'EOF'
-- tests/test_upgrade.sh: one migration more than the tree has.
CREATE TABLE upgrade_probe (note TEXT NOT NULL);
INSERT INTO upgrade_probe VALUES ('migrado');
EOF
touch -d @1 "$N/db/999_upgrade_probe.sql"
new=$(nice -n 10 bash "$N/packaging/build-deb.sh" "$BUILD/upgrade-new" -DCK_DEB_RELEASE=2 2> "$T/build.err") ||
    { cat "$T/build.err"; fail "build-deb.sh (new)"; }
rm -rf "$N"
ov=$(dpkg-deb -f "$old" Version) nv=$(dpkg-deb -f "$new" Version)
dpkg --compare-versions "$nv" gt "$ov" || fail "$nv is not newer than $ov"
schema_old=$(find "$SRC/db" -maxdepth 1 -name '*.sql' | wc -l)
schema_new=$((schema_old + 1))
ok "packages: old $ov (schema $schema_old), new $nv (schema $schema_new)"

OLD_BIN=${CK_OLD_BIN:-/work/baseline/cepci-kiosk}
[ -x "$OLD_BIN" ] || OLD_BIN=""

# ---- everything else in a private mount and PID namespace ----
cat > "$T/ns.sh" <<'NS'
set -euo pipefail
T=$1 OLD=$2 NEW=$3 SO=$4 SN=$5 OLD_BIN=$6
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
for d in usr etc var; do
    mkdir -p "$T/ov/$d/u" "$T/ov/$d/w"
    mount -t overlay overlay -o "lowerdir=/$d,upperdir=$T/ov/$d/u,workdir=$T/ov/$d/w" "/$d"
done
# No systemd here: the maintainer scripts must not reach this machine's.
[ -d /run/systemd ] && mount -t tmpfs tmpfs /run/systemd
STATE=/var/lib/cepci-kiosk DB=/var/lib/cepci-kiosk/cepci-kiosk.db
[ ! -e "$STATE" ] || fail "this machine already has $STATE"

install_deb() { # DEB: dpkg -i; with --force-depends when this machine lacks a dependency
    if ! dpkg -i "$1" > "$T/dpkg.out" 2>&1; then
        grep -q 'dependency problems' "$T/dpkg.out" || { cat "$T/dpkg.out"; fail "dpkg -i $1"; }
        echo "  (dpkg: $(grep -m1 'depends on' "$T/dpkg.out" | sed 's/^ *//'); installed with --force-depends)"
        dpkg -i --force-depends "$1" > "$T/dpkg.out" 2>&1 || { cat "$T/dpkg.out"; fail "dpkg -i --force-depends $1"; }
    fi
}
ck() { runuser -u cepci-kiosk -- env -i PATH=/usr/bin:/bin LANG=C.UTF-8 SDL_VIDEODRIVER=dummy cepci-kiosk "$@"; }
snapshot() { # what must survive: roster, events, attendance, the audit chain
    ck roster list && ck event list && ck audit verify
}
schema() { sqlite3 "file:$DB?mode=ro&immutable=1" 'PRAGMA user_version'; }
start_kiosk() { # NAME: the kiosk, as the unit would start it, until stopped; waits until it has the database open
    # (setpriv execs: $! is the kiosk itself, as the unit's main process would be)
    setpriv --reuid=cepci-kiosk --regid=cepci-kiosk --init-groups env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
        SDL_VIDEODRIVER=dummy /usr/bin/cepci-kiosk run --windowed 800x600 --software > "$T/$1.out" 2> "$T/$1.err" &
    kiosk=$!
    for _ in $(seq 100); do
        [ -e "$DB-shm" ] && return 0
        kill -0 "$kiosk" 2>/dev/null || { cat "$T/$1.err"; fail "the $1 kiosk ended"; }
        sleep 0.1
    done
    fail "the $1 kiosk did not open the database: $(cat "$T/$1.err")"
}
stop_kiosk() { # as systemctl stop: SIGTERM; a clean stop for systemd is exit 0 or death by SIGTERM (143)
    kill -TERM "$kiosk"
    local rc=0
    wait "$kiosk" || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 143 ] || fail "the kiosk exited $rc after SIGTERM: $(cat "$T/old.err" "$T/new.err" 2>/dev/null)"
}

# 1. The old package, and a kiosk in use.
install_deb "$OLD"
getent passwd cepci-kiosk > /dev/null || fail "no cepci-kiosk user"
[ "$(stat -c '%a %U' "$STATE")" = "700 cepci-kiosk" ] || fail "$STATE: $(stat -c '%a %U' "$STATE")"
printf 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad\n100001,José,Peña,Íñiguez,SCLC\n100002,Ana,López,,SCLC\n' > "$T/r.csv"
chmod 644 "$T/r.csv"
ck init > /dev/null
ck roster import "$T/r.csv" > /dev/null
E=$(ck event add --title "Taller de ética" --kind taller --topics etica --unit SCLC --start "2026-01-10 10:00" --no-signature)
ck event open "$E"
ck checkin "$E" 100001 --keyed > /dev/null
ck backup > /dev/null
before=$(snapshot)
[ "$(schema)" = "$SO" ] || fail "old schema: $(schema)"
ok "old package $(dpkg-query -W -f='${Version}' cepci-kiosk): kiosk $(ck roster list | wc -l) people, schema $SO, $(ck audit verify)"

# 2. The new package over the running old kiosk.
start_kiosk old
sum=$(sha256sum "$DB" | cut -c1-64)
install_deb "$NEW"
[ "$(dpkg-query -W -f='${Version}' cepci-kiosk)" = "$(dpkg-deb -f "$NEW" Version)" ] || fail "new package not installed"
kill -0 "$kiosk" 2>/dev/null || fail "the old kiosk died during the upgrade"
[ "$(schema)" = "$SO" ] || fail "migrated during the upgrade"
set +e
err=$(ck roster list 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" != 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "new binary beside the old kiosk: exit $rc: $err"
[[ $err == *"es del esquema $SO y este programa la actualiza al $SN, pero otro programa la tiene abierta"* ]] ||
    fail "new binary beside the old kiosk: $err"
[ "$(schema)" = "$SO" ] && ! ls "$DB".schema* >/dev/null 2>&1 || fail "the refused command changed something"
ok "new package installed over the running old kiosk; a command refuses: $err"
out=$(cepci-kiosk doctor) || true
printf '%s\n' "$out" | grep -qE "^AVISO +base de datos +$DB es del esquema $SO: el quiosco la actualizará al $SN .*reinicie el quiosco" ||
    fail "doctor beside the old kiosk: $out"
stop_kiosk

# 3. The next start migrates, after the copy.
start_kiosk new
for _ in $(seq 100); do [ "$(schema)" = "$SN" ] && break; sleep 0.1; done
stop_kiosk
grep -q "^cepci-kiosk: $DB: se actualiza del esquema $SO al $SN; copia previa en $DB.schema$SO.bak$" "$T/new.err" ||
    fail "no line about the copy in the kiosk's log: $(cat "$T/new.err")"
[ "$(schema)" = "$SN" ] || fail "not migrated: schema $(schema)"
[ "$(sqlite3 "file:$DB?mode=ro&immutable=1" 'SELECT note FROM upgrade_probe')" = migrado ] || fail "the probe migration did not run"
copy=$DB.schema$SO.bak
[ "$(stat -c '%a %U' "$copy")" = "600 cepci-kiosk" ] || fail "$copy: $(stat -c '%a %U' "$copy")"
[ "$(sqlite3 "file:$copy?mode=ro&immutable=1" 'PRAGMA user_version; SELECT count(*) FROM person; PRAGMA integrity_check' | tr '\n' ' ')" = "$SO 2 ok " ] ||
    fail "the copy: $(sqlite3 "file:$copy?mode=ro&immutable=1" 'PRAGMA user_version; SELECT count(*) FROM person')"
[ ! -e "$copy.partial" ] || fail "a .partial copy is left"
after=$(snapshot)
[ "$before" = "$after" ] || fail "data differ after the migration:"$'\n'"$before"$'\n---\n'"$after"
out=$(cepci-kiosk doctor) || fail "doctor after the migration: $out"
printf '%s\n' "$out" | grep -qE "^OK +base de datos +$DB: íntegra, esquema $SN" || fail "doctor: $out"
# A routine backup with keep = 1 never prunes the pre-upgrade copy.
ck backup > /dev/null
[ -e "$copy" ] || fail "the backup pruned the pre-upgrade copy"
ok "next start: migrated $SO -> $SN after the copy $copy (0600, cepci-kiosk, schema $SO, intact); same data; doctor OK"

# 4. Downgrade: refused with one line, nothing changed; upgrade again.
sum=$(sha256sum "$DB" | cut -c1-64)
install_deb "$OLD"
set +e
err=$(ck roster list 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" != 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
    [[ $err == *"written by a newer version of cepci-kiosk (schema $SN, this program knows $SO)"* ]] ||
    fail "the old binary on the newer database: exit $rc: $err"
set +e
runuser -u cepci-kiosk -- env -i PATH=/usr/bin:/bin SDL_VIDEODRIVER=dummy cepci-kiosk run --windowed 800x600 --software \
    > /dev/null 2> "$T/down.err"; rc=$?
set -e
[ "$rc" != 0 ] && grep -q "written by a newer version" "$T/down.err" || fail "the old kiosk on the newer database: exit $rc"
[ "$(sha256sum "$DB" | cut -c1-64)" = "$sum" ] && [ ! -e "$DB-wal" ] || fail "the downgrade changed the database"
ok "downgrade to $(dpkg-query -W -f='${Version}' cepci-kiosk): refused, unchanged: $err"
install_deb "$NEW"
[ "$(snapshot)" = "$before" ] || fail "upgrade again"

# 5. Remove, then purge: the data, the user and (on remove) kiosk.ini stay.
dpkg --remove cepci-kiosk > /dev/null 2>&1 || fail "dpkg --remove"
[ ! -e /usr/bin/cepci-kiosk ] || fail "remove left the binary"
for f in "$DB" "$DB.key" "$copy" "$STATE/backups" /etc/cepci-kiosk/kiosk.ini; do
    [ -e "$f" ] || fail "remove deleted $f"
done
getent passwd cepci-kiosk > /dev/null || fail "remove deleted the user"
dpkg --purge cepci-kiosk > "$T/purge.out" 2>&1 || { cat "$T/purge.out"; fail "dpkg --purge"; }
for f in "$DB" "$DB.key" "$copy" "$STATE/backups"; do
    [ -e "$f" ] || fail "purge deleted $f"
done
grep -q "/var/lib/cepci-kiosk" "$T/purge.out" || fail "purge does not say where the data is: $(cat "$T/purge.out")"
ok "remove and purge keep $STATE ($(ls "$STATE" | tr '\n' ' ')) and the user"

# An older cepci-kiosk's database, through every real migration.
if [ -n "$OLD_BIN" ]; then
    W=$T/oldbin
    mkdir -m 700 "$W"
    "$OLD_BIN" --db "$W/k.db" init --institution "Institución de Prueba" --unit SCLC > /dev/null
    old_schema=$(sqlite3 "file:$W/k.db?mode=ro&immutable=1" 'PRAGMA user_version')
    if [ "$old_schema" -lt "$SO" ]; then
        install_deb "$NEW"
        "$OLD_BIN" --db "$W/k.db" roster import "$T/r.csv" > /dev/null
        b=$("$OLD_BIN" --db "$W/k.db" roster list)
        cepci-kiosk --db "$W/k.db" audit verify > /dev/null 2> "$T/oldbin.err" || fail "older binary's database: $(cat "$T/oldbin.err")"
        [ -e "$W/k.db.schema$old_schema.bak" ] || fail "no copy before migrating the older binary's database"
        [ "$(cepci-kiosk --db "$W/k.db" roster list)" = "$b" ] || fail "older binary's roster changed"
        ok "a database of $OLD_BIN (schema $old_schema) migrated to $SN with the copy first"
        dpkg --purge cepci-kiosk > /dev/null 2>&1
    else
        echo "SKIP - $OLD_BIN writes schema ${old_schema:-?}, not older than this tree's $SO"
    fi
else
    echo "SKIP - no older binary (CK_OLD_BIN) to migrate a real older schema"
fi
NS
unshare --mount --propagation private --pid --fork --mount-proc \
    bash "$T/ns.sh" "$T" "$old" "$new" "$schema_old" "$schema_new" "$OLD_BIN" 2>&1 ||
    fail "see above"
echo "upgrade: all checks pass"
