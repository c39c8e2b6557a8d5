#!/usr/bin/env bash
# test_sync_durable.sh — faults during a sync, on a PostgreSQL 15 with its
# default durability settings (fsync, full_page_writes and
# synchronous_commit on; tests/pg_lib.sh turns them off for tests of
# logic). Kiosk K pushes thousands of entries in small batches while kiosk
# L pulls them; then:
#   1. `sync` killed with SIGKILL at random moments (K pushing, L pulling);
#   2. the connection killed mid-push (pg_terminate_backend);
#   3. the server stopped mid-push (immediate shutdown, like a power cut)
#      and restarted;
#   4. the central restored from an older copy (pg_dump/pg_restore).
# After each fault: everything the kiosk marked acknowledged is held by the
# central; after the next sync, nothing lost, nothing duplicated (the
# central holds K's chain exactly, L holds every record once), both
# databases pass integrity_check and `audit verify`, and `central audit
# verify` finds nothing.
#   CK_SEED  seed of the kill moments (printed; replays the same choices)
#   SYNC_KILLS  number of SIGKILLs (default 12)
# Exits 77 (skipped) without PostgreSQL 15, the program or sqlite3.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B=${CK_BIN:-}
GEN=${CK_BUILD_DIR:-}/ck-gen-roster
if [ ! -x "$B" ] || [ ! -x "$GEN" ]; then echo "SKIP: CK_BIN or ck-gen-roster not built"; exit 77; fi
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed (scripts/setup.sh installs it)"; exit 77; }
# The server's defaults, not the test cluster's shortcuts.
PG_EXTRA_OPTS="-c fsync=on -c full_page_writes=on -c synchronous_commit=on"
# shellcheck source=tests/pg_lib.sh
. "$HERE/pg_lib.sh"
pg_start
SEED=${CK_SEED:-$(( ($$ + $(date +%s%N)) % 32768 ))}
[[ $SEED =~ ^[0-9]+$ ]] || { echo "FAIL: CK_SEED='$SEED' is not a number"; exit 1; }
echo "durable sync test: seed $SEED (replay: CK_SEED=$SEED)"
RANDOM=$SEED
KILLS=${SYNC_KILLS:-12}

T=$PG_DIR/kiosks
mkdir -p "$T"
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1 (seed $SEED)" >&2; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else no "$1: got [$2], want [$3]"; fi; }
export CEPCI_NOW=1767225600
ck() { local k=$1; shift; "$B" --db "$T/$k.db" "$@"; }
url() { echo "host=$PGHOST port=$PGPORT dbname=cepci user=k_${1,,}"; }
OWN="host=$PGHOST port=$PGPORT dbname=cepci user=cepci_owner"
q() { psql_as cepci_owner cepci -At "$@"; }
check_settings="$(psql_as ck_admin postgres -At -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit')")"
check "the cluster runs with the default durability settings" "$check_settings" \
    "fsync=on full_page_writes=on synchronous_commit=on"

"$B" central init --url "$OWN" >/dev/null
psql_as ck_admin postgres -q -c "CREATE ROLE k_k LOGIN IN ROLE cepci_kiosk" -c "CREATE ROLE k_l LOGIN IN ROLE cepci_kiosk"
"$GEN" 7000 5 > "$T/all.csv"
part() { head -n 1 "$T/all.csv"; sed -n "$(($1 + 2)),$(($2 + 1))p" "$T/all.csv"; }   # people FROM..TO (0-based)
for k in K L; do
    ck $k init --institution "Prueba" --unit SCLC >/dev/null
    ck $k keys export "$T/$k.keys" 2>/dev/null
    "$B" central enroll "$T/$k.keys" --role "k_${k,,}" --url "$OWN" >/dev/null
done
part 0 3000 > "$T/p1.csv"
ck K roster import "$T/p1.csv" >/dev/null
E=$(ck K event add --title "Taller" --kind taller --topics etica --unit SCLC --start "2025-11-25 10:00" --no-signature)
ck K event open "$E" >/dev/null
for e in $(sed -n '2,61p' "$T/p1.csv" | cut -d, -f1); do ck K checkin "$E" "$e" >/dev/null 2>&1 || true; done
KID=$(sqlite3 "$T/K.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")

own_len() { sqlite3 "$T/K.db" "SELECT count(*) FROM audit WHERE kiosk_id = '$KID'"; }
acked() { sqlite3 "$T/K.db" "SELECT ifnull(max(acked_pos), 0) FROM sync_central"; }
held() { q -c "SELECT coalesce(max(head_seq), 0) FROM ck.kiosk_epoch WHERE kiosk_id = '$KID'"; }
# Everything acknowledged to the kiosk is at the central, after any fault.
check_acked() {
    local a h
    a=$(acked) h=$(held)
    if [ "$h" -ge "$a" ]; then ok "$1: the central holds all the kiosk marked acknowledged ($h >= $a)"; else no "$1: acked $a, held $h"; fi
}
# After a clean sync of K then L: all there, once.
converged() {
    local what=$1 out
    out=$(ck K sync --batch 40 --url "$(url K)" 2>&1) || no "$what: K's next sync: $out"
    out=$(ck L sync --url "$(url L)" 2>&1) || no "$what: L's next sync: $out"
    check "$what: the central holds K's chain exactly" \
        "$(q -c "SELECT count(*) || ' ' || max(seq) FROM ck.audit_entry WHERE kiosk_id = '$KID'")" "$(own_len) $(own_len)"
    check "$what: L holds every entry of K once" \
        "$(sqlite3 "$T/L.db" "SELECT count(*) || ' ' || count(DISTINCT pos) || ' ' || max(pos) FROM sync_entry WHERE kiosk_id = '$KID'")" \
        "$(own_len) $(own_len) $(own_len)"
    check "$what: the same people and records on K, L and the central" \
        "$(sqlite3 "$T/L.db" "SELECT (SELECT count(*) FROM person) || ' ' || (SELECT count(*) FROM attendance)") $(q -c "SELECT (SELECT count(*) FROM ck.person) || ' ' || (SELECT count(*) FROM ck.attendance)")" \
        "$(sqlite3 "$T/K.db" "SELECT (SELECT count(*) FROM person) || ' ' || (SELECT count(*) FROM attendance)") $(sqlite3 "$T/K.db" "SELECT (SELECT count(*) FROM person) || ' ' || (SELECT count(*) FROM attendance)")"
    for k in K L; do
        check "$what: $k integrity_check" "$(sqlite3 "$T/$k.db" "PRAGMA integrity_check")" ok
        check "$what: $k audit verify" "$(ck $k audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
    done
    check "$what: central audit verify" "$("$B" central audit verify --url "$OWN" 2>&1 | grep -c 'todo en orden')" 1
}

# ---- 1. SIGKILL at random moments
killed=0
for ((i = 0; i < KILLS; i++)); do
    if ((i % 3 == 2)); then who=L; else who=K; fi
    # New entries each time, so there is always something in flight.
    part $((3000 + i * 80)) $((3080 + i * 80)) > "$T/more.csv"
    ck K roster import "$T/more.csv" >/dev/null
    "$B" --db "$T/$who.db" sync --batch 10 --url "$(url $who)" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '0.%03d' $((RANDOM % 250)))"
    kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
    wait "$pid" 2>/dev/null
    check_acked "SIGKILL $((i + 1)) of $who"
done
echo "# $killed of $KILLS syncs killed; acknowledged $(acked) of $(own_len) before the clean sync"
[ "$(acked)" -gt 0 ] && ok "some batches were acknowledged between the kills" || no "nothing was acknowledged: the kills proved nothing"
converged "after the SIGKILLs"

# ---- 2. the connection killed mid-push
wait_ingest() { # wait_ingest: until k_k's ingest is running (5 s at most)
    for _ in $(seq 1 250); do
        [ "$(psql_as ck_admin postgres -At -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'k_k' AND query LIKE '%ck.ingest%' AND state = 'active'" 2>/dev/null)" = 1 ] && return 0
        sleep 0.02
    done
    return 1
}
part 4000 5500 > "$T/p2.csv"
ck K roster import "$T/p2.csv" >/dev/null
"$B" --db "$T/K.db" sync --batch 20 --url "$(url K)" >/dev/null 2>"$T/err2" &
pid=$!
if wait_ingest; then
    psql_as ck_admin postgres -At -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'k_k'" >/dev/null
    wait "$pid"; rc=$?
    check "connection killed mid-push: sync fails" "$rc" 1
    check "... with one line" "$(wc -l < "$T/err2") $(grep -c 'conexión' "$T/err2")" "1 1"
else
    wait "$pid"
    no "connection killed mid-push: the push was never seen running"
fi
check_acked "connection killed"
converged "after the connection was killed"

# ---- 3. the server stopped mid-push, and started again (a copy of the
# central is kept first, for 4.)
"$PG_BIN/pg_dump" -h "$PGHOST" -p "$PGPORT" -U ck_admin -Fc -f "$T/central.dump" cepci
part 5500 7000 > "$T/p3.csv"
ck K roster import "$T/p3.csv" >/dev/null
"$B" --db "$T/K.db" sync --batch 20 --url "$(url K)" >/dev/null 2>"$T/err3" &
pid=$!
if wait_ingest; then
    pg_crash
    wait "$pid"; rc=$?
    check "server stopped mid-push: sync fails" "$rc" 1
    check "... with one line" "$(wc -l < "$T/err3")" 1
    fails_down=$(ck K sync --url "$(url K)" 2>&1 >/dev/null | grep -c 'no se pudo conectar')
    check "while the server is down: one line, nothing lost" "$fails_down" 1
    pg_restart
else
    wait "$pid"
    no "server stopped mid-push: the push was never seen running"
fi
check_acked "server restarted"
converged "after the server restarted"

# ---- 4. the central restored from the older copy: what it lost is sent
# again by the kiosk (its mark was past the central's), and pulled again
# by the other (its cursor was past the central's)
psql_as ck_admin postgres -q -c "DROP DATABASE cepci" -c "CREATE DATABASE cepci OWNER cepci_owner"
"$PG_BIN/pg_restore" -h "$PGHOST" -p "$PGPORT" -U ck_admin -d cepci "$T/central.dump"
before=$(held)
[ "$before" -lt "$(acked)" ] && ok "the restored central holds less than the kiosk marked sent ($before < $(acked))" ||
    no "the restored central should hold less than the kiosk marked sent"
converged "after the central was restored from an older copy"

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
