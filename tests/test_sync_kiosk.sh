#!/usr/bin/env bash
# test_sync_kiosk.sh — the running kiosk syncs by itself when [central] url
# is set (kiosk/ui/app_sync.c): a badge check-in made on the kiosk's screen
# reaches the central while the kiosk keeps running, and coordinator mode
# shows the last sync; with the central down the kiosk records as always,
# coordinator mode says so and what is pending, and the record goes out at
# the next sync. Drives the real kiosk (SDL dummy driver, --script) against
# a real PostgreSQL 15. Exits 77 (skipped) without them.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B=${CK_BIN:-}
if [ ! -x "$B" ]; then echo "SKIP: CK_BIN not built"; exit 77; fi
# shellcheck source=tests/pg_lib.sh
. "$HERE/pg_lib.sh"
pg_start
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
T=$PG_DIR/kiosk
mkdir -p "$T"
cd "$T"
fail() { echo "FAIL: $*" >&2; exit 1; }
OWN="host=$PGHOST port=$PGPORT dbname=cepci user=cepci_owner"
q() { psql_as cepci_owner cepci -At "$@"; }

"$B" central init --url "$OWN" >/dev/null
psql_as ck_admin postgres -q -c "CREATE ROLE k_run LOGIN IN ROLE cepci_kiosk"
"$B" --db k.db init --institution "Institución de Prueba" --unit SCLC >/dev/null
printf '%s\n' 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad' '1001,María José,Peña,Gómez,SCLC' \
    '1002,José Luis,Hernández,Ruiz,SCLC' > r.csv
"$B" --db k.db roster import r.csv >/dev/null
E=$("$B" --db k.db event add --title "Taller de ética" --kind taller --topics etica --unit SCLC \
      --start "$(TZ=America/Mexico_City date +%Y-%m-%d) 10:00" --no-signature)
"$B" --db k.db event open "$E"
printf '2468\n2468\n' | "$B" --db k.db admin set-pin >/dev/null
"$B" --db k.db keys export k.keys 2>/dev/null
"$B" central enroll k.keys --role k_run --url "$OWN" >/dev/null
printf '[central]\nurl = host=%s port=%s dbname=cepci user=k_run\ninterval = 60\n' "$PGHOST" "$PGPORT" > k.ini
KID=$("$B" --db k.db keys export - 2>/dev/null | awk -F'\t' '/^CKKEY1/ {print $2}')
held() { q -c "SELECT count(*) FROM ck.attendance WHERE kiosk_id = '$KID'"; }

# 1. Online: the badge's record reaches the central while the kiosk runs.
printf '%s\n' 'text 1001' 'key enter' 'wait 50' 'expect done' 'wait 13000' 'hold 20 20 3200' 'tap 2' 'tap 4' 'tap 6' \
    'tap 8' 'tap Entrar' 'expect coord' 'tap Herramientas' 'expect-text Central: última sincronización' \
    'tap Cerrar el quiosco' > online.script
"$B" --db k.db --config k.ini run --windowed 1280x800 --software --script online.script 2> online.err &
kpid=$!
for _ in $(seq 1 150); do [ "$(held)" = 1 ] && break; sleep 0.1; done
seen=$(held)
wait "$kpid" || { cat online.err >&2; fail "the kiosk run failed"; }
[ "$seen" = 1 ] || fail "the check-in did not reach the central while the kiosk ran (held: $seen)"
echo "ok - a check-in on the kiosk reached the central while it ran, and coordinator mode shows the sync"

# 2. Offline: the central is down; the kiosk records as always, and says so.
pg_crash
printf '%s\n' 'text 1002' 'key enter' 'wait 50' 'expect done' 'wait 12000' 'hold 20 20 3200' 'tap 2' 'tap 4' 'tap 6' \
    'tap 8' 'tap Entrar' 'expect coord' 'tap Herramientas' 'expect-text sin conexión' 'tap Cerrar el quiosco' \
    > offline.script
start=$(date +%s%N)
"$B" --db k.db --config k.ini run --windowed 1280x800 --software --script offline.script 2> offline.err ||
    { cat offline.err >&2; fail "the kiosk did not work with the central down"; }
[ "$(sqlite3 k.db "SELECT count(*) FROM attendance" 2>/dev/null || "$B" --db k.db event list | awk -F'\t' '{print $NF}' | tail -n 1)" = 2 ] ||
    fail "the offline check-in was not recorded"
echo "ok - with the central down the kiosk records, and coordinator mode says it is offline"
pg_restart
out=$("$B" --db k.db sync --url "host=$PGHOST port=$PGPORT dbname=cepci user=k_run")
[ "$(held)" = 2 ] || fail "the queued record did not go out: $out"
echo "ok - the queued record went out at the next sync ($out)"
echo "3 passed, 0 failed"
