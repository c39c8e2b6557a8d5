#!/usr/bin/env bash
# test_sync.sh — issue 11 end to end with the real program and a real
# PostgreSQL 15 (tests/pg_lib.sh): three kiosk databases with overlapping
# rosters record offline and sync in random orders (kiosk C only through
# USB bundles); after two rounds with nothing new every kiosk and the
# central give the same indicators (compared as JSON, and against a hand
# count) and the same attendance lists; "already registered" and "already
# signed" hold across kiosks; a person checked in on two offline kiosks is
# two records, marked, counted once; bundles with a byte changed, from an
# unknown kiosk or replayed change nothing; a kiosk that is not enrolled
# stores nothing; chain format 2 hashes the same on the kiosk (audit.c)
# and at the central (ck.chain_hash); a database restored from a backup
# made before its records reached the central sends its parent epoch
# first; a chain cut by hand syncs nothing; kiosk databases replaced by
# older copies after their records reached the central are reported by
# `central audit verify` with the kiosk and the position.
#   CK_SEED  seed of the random orders (printed; the same seed replays them)
# Exits 77 (skipped) without PostgreSQL 15, the program, sqlite3 or openssl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B=${CK_BIN:-}
if [ ! -x "$B" ]; then echo "SKIP: CK_BIN not built"; exit 77; fi
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed (scripts/setup.sh installs it)"; exit 77; }
# openssl signs the forged kiosk's chain head below (postgresql-15 brings it)
command -v openssl >/dev/null || { echo "SKIP: openssl not installed (postgresql-15 depends on it)"; exit 77; }
# shellcheck source=tests/pg_lib.sh
. "$HERE/pg_lib.sh"
pg_start
SEED=${CK_SEED:-$(( ($$ + $(date +%s%N)) % 32768 ))}
[[ $SEED =~ ^[0-9]+$ ]] || { echo "FAIL: CK_SEED='$SEED' is not a number"; exit 1; }
echo "sync test: seed $SEED (replay: CK_SEED=$SEED)"
RANDOM=$SEED

T=$PG_DIR/kiosks
mkdir -p "$T"
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1 (seed $SEED)" >&2; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else no "$1: got [$2], want [$3]"; fi; }
# fails NAME PATTERN CMD...: the command fails with one line on stderr
# matching PATTERN.
fails() {
    local name=$1 pat=$2 out
    shift 2
    if out=$("$@" 2>&1 >/dev/null); then
        no "$name: succeeded"
    elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
        no "$name: not one line: $out"
    elif grep -q -- "$pat" <<<"$out"; then
        ok "$name ($(cut -c1-150 <<<"$out"))"
    else
        no "$name: wrong message: $out"
    fi
}
NOW=1743500000                       # 2025-04-01: the clock moves on each step
tick() { NOW=$((NOW + 67)); export CEPCI_NOW=$NOW; }
tick
ck() { local k=$1; shift; "$B" --db "$T/$k.db" "$@"; }
url() { echo "host=$PGHOST port=$PGPORT dbname=cepci user=k_${1,,}"; }
OWN="host=$PGHOST port=$PGPORT dbname=cepci user=cepci_owner"
q() { psql_as cepci_owner cepci -At "$@"; }
jeq() { psql_as cepci_owner cepci -At -v a="$1" -v b="$2" <<<"SELECT :'a'::jsonb = :'b'::jsonb;"; }
central_rows() {
    q -c "SELECT (SELECT count(*) FROM ck.audit_entry) || ' ' || (SELECT count(*) FROM ck.attendance) || ' ' ||
                 (SELECT count(*) FROM ck.pledge) || ' ' || (SELECT count(*) FROM ck.person) || ' ' ||
                 (SELECT count(*) FROM ck.event) || ' ' || (SELECT count(*) FROM ck.chain_head) || ' ' ||
                 (SELECT count(*) FROM ck.batch)"
}
local_rows() {
    sqlite3 "$T/$1.db" "SELECT (SELECT count(*) FROM audit) || ' ' || (SELECT count(*) FROM attendance) || ' ' ||
                               (SELECT count(*) FROM pledge) || ' ' || (SELECT count(*) FROM person) || ' ' ||
                               (SELECT count(*) FROM event) || ' ' || (SELECT count(*) FROM signed_head_log
                                WHERE kiosk_id <> (SELECT value FROM meta WHERE key = 'kiosk_id'))"
}

# ---- the central, its kiosk logins, three kiosks
check "central init" "$("$B" central init --url "$OWN" | grep -c '^esquema de la central al día (versión')" 1
check "central init again changes nothing" "$("$B" central init --url "$OWN" | grep -c aplicada || true)" 0
psql_as ck_admin postgres -q -c "CREATE ROLE k_a LOGIN IN ROLE cepci_kiosk" -c "CREATE ROLE k_b LOGIN IN ROLE cepci_kiosk" \
    -c "CREATE ROLE k_c LOGIN IN ROLE cepci_kiosk" -c "CREATE ROLE k_d LOGIN IN ROLE cepci_kiosk"
INST="El Colegio de la Frontera Sur"
roster() { # roster FILE EMPNO...: the same institution-wide data for each person
    local f=$1 e u
    shift
    echo 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,activo' > "$f"
    for e in "$@"; do
        case $((e % 3)) in 0) u=SCLC ;; 1) u=CHE ;; *) u=TAP ;; esac
        echo "$e,Inés $e,Peña,Íñiguez,$u,Área $((e % 4)),sí" >> "$f"
    done
}
roster "$T/a.csv" $(seq 1001 1020)
roster "$T/b.csv" $(seq 1010 1030)
roster "$T/c.csv" $(seq 1001 1005) $(seq 1025 1030)
for k in A B C; do
    case $k in A) u=SCLC ;; B) u=CHE ;; C) u=TAP ;; esac
    ck $k init --institution "$INST" --unit $u >/dev/null
    tick
    ck $k roster import "$T/${k,,}.csv" >/dev/null
    ck $k keys export "$T/$k.keys" 2>/dev/null
done
for k in A B C; do
    "$B" central enroll "$T/$k.keys" --role "k_${k,,}" --url "$OWN" >/dev/null
done
check "enrolling again: unchanged" "$("$B" central enroll "$T/A.keys" --role k_a --url "$OWN" | cut -d: -f1)" "sin cambios"
# doctor: an enrolled kiosk reaches the central; one not enrolled is told so.
printf '[central]\nurl = %s\n' "$(url A)" > "$T/A.ini"
check "doctor: kiosk A reaches the central and is enrolled" \
    "$("$B" --db "$T/A.db" --config "$T/A.ini" doctor | grep -E '^OK +central ' | grep -c 'está inscrito')" 1
# B's area for 1015 changes later than A's import: B's version wins everywhere.
tick
sed 's/^1015,\(.*\),Área 3,sí$/1015,\1,Área nueva,sí/' "$T/b.csv" > "$T/b2.csv"
ck B roster import "$T/b2.csv" >/dev/null

# ---- a kiosk that is not enrolled: refused, nothing stored
ck D init --institution "$INST" --unit SCLC >/dev/null 2>&1 || "$B" --db "$T/D.db" init --institution "$INST" --unit SCLC >/dev/null
ck D roster import "$T/a.csv" >/dev/null
printf '[central]\nurl = %s\n' "$(url D)" > "$T/D.ini"
check "doctor: kiosk D is told it is not enrolled (a warning)" \
    "$("$B" --db "$T/D.db" --config "$T/D.ini" doctor | grep -E '^AVISO +central ' | grep -c 'no está inscrito')" 1
before=$(central_rows)
fails "a kiosk that is not enrolled is refused" "no está inscrito" ck D sync --url "$(url D)"
check "nothing stored for it" "$(central_rows)" "$before"
fails "a kiosk pushing with another kiosk's login is refused" "sólo puede" ck A sync --url "$(url B)"
check "nothing stored for it either" "$(central_rows)" "$before"
fails "an unreachable central: one line, non-zero" "no se pudo conectar" ck A sync --url "host=$PG_DIR/nowhere dbname=x"
# A kiosk enrolled without its own login (no --role) is known by its key
# but pushes nothing, whoever logs in for it (the session-4 red team:
# another kiosk's login extended such a kiosk's chain, and the central
# counted the records at once): db/central/005_logins.sql.
ck D keys export --own "$T/D.own.keys" 2>/dev/null
check "keys export --own: this kiosk's key only" "$(grep -c '^CKKEY1' "$T/D.own.keys")" 1
check "enrolled without --role: told it cannot push" \
    "$("$B" central enroll "$T/D.own.keys" --url "$OWN" | grep -c 'no podrá enviar su cadena')" 1
fails "... and another kiosk's login cannot push its chain" "no tiene inscrito el inicio de sesión" \
    ck D sync --url "$(url B)"
fails "... nor can the login meant for it before it is bound" "no tiene inscrito el inicio de sesión" \
    ck D sync --url "$(url D)"
check "nothing stored for it" "$(central_rows)" "$before"
cat "$T/A.keys" "$T/B.keys" > "$T/AB.keys"
fails "--role binds one kiosk: a file of two is refused" "vincula un solo quiosco" \
    "$B" central enroll "$T/AB.keys" --role k_a --url "$OWN"
"$B" central enroll "$T/D.own.keys" --role k_d --url "$OWN" >/dev/null

# ---- round 0: A and B online; C gets everything by USB from A
tick
ck A sync --url "$(url A)" >/dev/null
ck B sync --url "$(url B)" >/dev/null
ck A sync --url "$(url A)" >/dev/null
ck A keys export "$T/all.keys" 2>/dev/null   # A learned every enrolled key from the central
ck C keys import "$T/all.keys" >/dev/null 2>&1
ck A bundle export "$T/a0.bundle" >/dev/null
check "C imports A's bundle" "$(ck C bundle import "$T/a0.bundle" | cut -d' ' -f1-3)" "paquete del quiosco"

# ---- offline: events and records on each kiosk (who, for the hand count)
tick
EA=$(ck A event add --title "Ética pública" --kind taller --topics etica --unit SCLC --start "2025-05-10 10:00" --no-signature)
EB=$(ck B event add --title "Integridad" --kind curso --topics integridad --unit CHE --start "2025-06-10 10:00" --no-signature)
EC=$(ck C event add --title "Cine" --kind cine-debate --topics otro --unit TAP --start "2025-07-10 10:00" --no-signature)
ck A event open "$EA" >/dev/null; ck B event open "$EB" >/dev/null; ck C event open "$EC" >/dev/null
declare -A trained=() pledged=()
rec() { # rec KIOSK checkin EVENT EMP | rec KIOSK pledge EMP
    local k=$1 what=$2
    tick
    if [ "$what" = checkin ]; then
        ck "$k" checkin "$3" "$4" >/dev/null
        [ "$3" = "$EC" ] || trained[$4]=1
    else
        ck "$k" pledge "$3" --keyed >/dev/null
        pledged[$3]=1
    fi
}
for e in 1001 1002 1003 1004 1012; do rec A checkin "$EA" $e; done
for e in 1001 1003 1011; do rec A pledge $e; done
for e in 1013 1014 1015 1020 1025; do rec B checkin "$EB" $e; done
for e in 1011 1020 1026; do rec B pledge $e; done
for e in 1002 1026 1027; do rec C checkin "$EC" $e; done
for e in 1027 1028; do rec C pledge $e; done

# ---- rounds in random order; each kiosk's step: A and B sync; C's bundle
# goes to the central, then A (the coordinator's hub) syncs and C imports
# A's bundle.
step() {
    case $1 in
        A | B) ck "$1" sync --url "$(url "$1")" >/dev/null ;;
        C)
            ck C bundle export "$T/c.bundle" >/dev/null
            "$B" central import "$T/c.bundle" --url "$OWN" >/dev/null
            ck A sync --url "$(url A)" >/dev/null
            ck A bundle export "$T/a.bundle" >/dev/null
            ck C bundle import "$T/a.bundle" >/dev/null
            ;;
    esac
}
round() {
    local order=(A B C) i j t
    for ((i = 2; i > 0; i--)); do
        j=$((RANDOM % (i + 1))); t=${order[i]}; order[i]=${order[j]}; order[j]=$t
    done
    echo "# round: ${order[*]}"
    for k in "${order[@]}"; do step "$k"; done
}
round
# A's event is at the central now (A synced in round 1): B gets it and
# checks someone in there, so B's chain names an event of A's chain.
step B
rec B checkin "$EA" 1016
round

# ---- "already registered" and "already signed" across kiosks after a sync
fails "already registered at another kiosk" "ya está registrada" ck B checkin "$EA" 1001
fails "already signed at another kiosk" "ya firmó" ck B pledge 1003 --keyed
fails "already signed at another kiosk (C, by bundle)" "ya firmó" ck C pledge 1020 --keyed
# 1009 is on A's roster only: B knows the person through the sync, and a
# badge that reads the number zero-padded finds them there too.
tick
check "a person B has only through the sync: a zero-padded badge (01009) finds them" \
    "$(ck B checkin "$EB" 01009 2>&1 >/dev/null && sqlite3 "$T/B.db" "SELECT employee_no FROM attendance WHERE employee_no = '1009'")" 1009
trained[1009]=1

# Offline at both A and C: 1005 checks in at A's event on both, and
# pledges on both. Both records are kept everywhere, counted once.
tick
ck A checkin "$EA" 1005 >/dev/null; trained[1005]=1
ck C checkin "$EA" 1005 >/dev/null
ck A pledge 1005 --keyed >/dev/null; pledged[1005]=1
tick
ck C pledge 1005 --keyed >/dev/null

# A closes its event and opens it again, saying why (schema 3): the
# reopening is a record of A's chain that every kiosk applies.
tick; ck A event close "$EA" >/dev/null
tick; ck A event open "$EA" --reopen --reason "Faltó registrar a dos personas" >/dev/null

# ---- convergence: rounds with nothing new
round
round
round
for k in A B C; do
    check "audit verify on $k after the syncs" "$(ck $k audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
done
ck A indicators --year 2025 --format json > "$T/ind.A"
for k in B C; do
    ck $k indicators --year 2025 --format json > "$T/ind.$k"
    check "indicators of $k = indicators of A (byte for byte)" "$(cmp -s "$T/ind.A" "$T/ind.$k" && echo same)" same
done
"$B" --db "$T/A.db" central indicators --year 2025 --format json --url "$OWN" > "$T/ind.central"
check "central indicators = kiosk indicators (as JSON)" "$(jeq "$(cat "$T/ind.central")" "$(cat "$T/ind.A")")" t
check "central indicators printed the same way" "$(cmp -s "$T/ind.A" "$T/ind.central" && echo same)" same
# Hand count: staff of 2025 = the union of the rosters (1001-1030), all active.
want_trained=${#trained[@]} want_pledged=${#pledged[@]}
got=$(grep -o '"overall": {"staff": [0-9]*, "trained": [0-9]*' "$T/ind.A" | grep -o '[0-9]*' | tr '\n' ' ')
check "hand count: 30 staff, trained = distinct people at qualifying events" "$got" "30 $want_trained "
check "hand count: pledged = distinct people who pledged" \
    "$(tr -d '\n' < "$T/ind.A" | grep -o '"pledged": [0-9]*, "pledged_pct"' | head -n 1 | grep -o '[0-9]*')" "$want_pledged"
check "I.2: the units that held a qualifying training, at any kiosk (SCLC, CHE; TAP's was cine)" \
    "$(tr -d '\n' < "$T/ind.A" | grep -o '"units_covered": [0-9]*, "units_total": [0-9]*' | grep -o '[0-9]*' | tr '\n' ' ')" "2 3 "
for e in "$EA" "$EB" "$EC"; do
    for k in A B C; do ck $k export attendance "$e" --format csv --force -o "$T/list.$k.csv" >/dev/null; done
    check "attendance list ${e:0:8}: identical on A, B and C" \
        "$(cmp -s "$T/list.A.csv" "$T/list.B.csv" && cmp -s "$T/list.A.csv" "$T/list.C.csv" && echo same)" same
done
check "the reopening of A's event is held by every kiosk" \
    "$(for k in A B C; do sqlite3 "$T/$k.db" "SELECT group_concat(uuid || ':' || at || ':' || reason) FROM event_reopen"; done | sort -u | wc -l) $(sqlite3 "$T/B.db" "SELECT reason FROM event_reopen")" \
    "1 Faltó registrar a dos personas"
check "every record's method and snapshot of unit, area and position are the same on every kiosk" \
    "$(for k in A B C; do sqlite3 "$T/$k.db" "SELECT group_concat(uuid || method || ifnull(snap_unit, '-') || ifnull(snap_area, '-') || ifnull(snap_position, '-'), ' ') FROM (SELECT * FROM attendance ORDER BY uuid)" | md5sum; done | sort -u | wc -l) $(sqlite3 "$T/A.db" "SELECT count(*) FROM attendance WHERE snap_unit IS NOT NULL AND method = 'desk'") " \
    "1 $(sqlite3 "$T/A.db" "SELECT count(*) FROM attendance") "
ck A export attendance "$EA" --format csv --force -o "$T/list.csv" >/dev/null
check "the person checked in on two offline kiosks: two records, one marked" \
    "$(grep -c ',1005,' "$T/list.csv") $(grep -c 'registro repetido' "$T/list.csv")" "2 1"
check "the central keeps both records and flags them" \
    "$(q -c "SELECT string_agg(employee_no || ':' || records, ' ' ORDER BY employee_no) FROM ck.attendance_duplicate")" \
    "1005:2"
check "a person who pledged on two kiosks: both kept, flagged" \
    "$(q -c "SELECT string_agg(employee_no || ':' || records, ' ' ORDER BY employee_no) FROM ck.pledge_duplicate")" "1005:2 1011:2"
check "master data: the version rule picked B's later change of 1015 everywhere" \
    "$(for k in A B C; do sqlite3 "$T/$k.db" "SELECT area FROM person WHERE employee_no = '1015'"; done | sort -u | tr '\n' ' ')$(q -c "SELECT area FROM ck.person WHERE employee_no = '1015'")" \
    "Área nueva Área nueva"
check "UTF-8 names survive the round trip" "$(sqlite3 "$T/C.db" "SELECT given_name || ' ' || surname1 || ' ' || surname2 FROM person WHERE employee_no = '1013'")" \
    "Inés 1013 Peña Íñiguez"
check "every record of every kiosk at the central, once" \
    "$(q -c "SELECT count(*) FROM ck.attendance") $(q -c "SELECT count(*) FROM ck.pledge")" \
    "$(sqlite3 "$T/A.db" "SELECT count(*) FROM attendance") $(sqlite3 "$T/A.db" "SELECT count(*) FROM pledge")"
# A new kiosk takes everything from B's bundle alone: B's own chain comes
# first in it, with check-ins at events other kiosks created (further on in
# the bundle): they wait, then apply.
"$B" --db "$T/G.db" init --institution "$INST" --unit SCLC >/dev/null
ck G keys import "$T/all.keys" >/dev/null 2>&1
ck B bundle export "$T/b.bundle" >/dev/null
out=$(ck G bundle import "$T/b.bundle")
check "a new kiosk from B's bundle alone: nothing left waiting" "$(grep -c 'en espera' <<<"$out")" 0
check "... it holds B's records, people and events" \
    "$(local_rows G | cut -d' ' -f2-5)" "$(local_rows B | cut -d' ' -f2-5)"
check "... and its audit verify passes" "$(ck G audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
ck G indicators --year 2025 --format json > "$T/ind.G"
check "... with the same indicators" "$(cmp -s "$T/ind.A" "$T/ind.G" && echo same)" same
# Chain format 2 on both sides: the kiosk (audit.c's store_chain_hash)
# and PostgreSQL (ck.chain_hash) compute the same hashes, byte for byte,
# UTF-8 names included; every entry arrived in format 2.
KA=$(sqlite3 "$T/A.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
check "format 2 everywhere: ck.chain_hash(2, ...) recomputes every hash at the central" \
    "$(q -c "SELECT count(*) FILTER (WHERE chain_format <> 2) || ' ' || count(*) FILTER (WHERE hash IS DISTINCT FROM
             ck.chain_hash(chain_format, kiosk_id, prev_hash, at, kind, uuid, content)) FROM ck.audit_entry")" "0 0"
check "A's chain as the kiosk hashed it = A's chain at the central" \
    "$(sqlite3 "$T/A.db" "SELECT format || ':' || pos || ':' || hash FROM audit WHERE kiosk_id = '$KA' ORDER BY seq" | md5sum)" \
    "$(q -c "SELECT chain_format || ':' || seq || ':' || hash FROM ck.audit_entry WHERE kiosk_id = '$KA' ORDER BY seq" | md5sum)"
check "... and B's chain as A holds it" \
    "$(sqlite3 "$T/A.db" "SELECT format || ':' || pos || ':' || hash FROM audit WHERE kiosk_id =
                          '$(sqlite3 "$T/B.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")' ORDER BY seq" | md5sum)" \
    "$(sqlite3 "$T/B.db" "SELECT format || ':' || pos || ':' || hash FROM audit WHERE kiosk_id = (SELECT value FROM meta WHERE key = 'kiosk_id') ORDER BY seq" | md5sum)"
status=$("$B" central status --url "$OWN")
check "central status lists the four enrolled kiosks (D has pushed nothing)" "$(grep -cE '^[0-9A-Z]{7} ' <<<"$status")" 4
check "central audit verify: all in order" "$("$B" central audit verify --url "$OWN" | grep -c 'todo en orden')" 1

# ---- the same UUID with other content: kept aside, never applied. Kiosk F
# (enrolled, never synced) holds a record forged with the UUID of one of
# A's, properly chained and its head signed with F's own key (whoever
# holds a kiosk's key file can: SECURITY.md), so its own audit verify
# passes.
# sign_head KEYFILE KIOSK EPOCH POS HASH SIGNED_AT: the Ed25519 signature
# (hex) of that chain head's CKH1 message by the key file's seed (its first
# 32 bytes), through openssl.
sign_head() {
    { printf '302e020100300506032b657004220420'; head -c 32 "$1" | xxd -p | tr -d '\n'; } | xxd -r -p > "$T/seed.der"
    openssl pkey -inform DER -in "$T/seed.der" -out "$T/seed.pem" 2>/dev/null
    printf 'CKH1\n%s\n%s\n%s\n%s\n%s\n' "$2" "$3" "$4" "$5" "$6" > "$T/head.msg"
    openssl pkeyutl -sign -inkey "$T/seed.pem" -rawin -in "$T/head.msg" | xxd -p | tr -d '\n'
    rm -f "$T/seed.der" "$T/seed.pem" "$T/head.msg"
}
"$B" --db "$T/F.db" init --institution "$INST" --unit SCLC >/dev/null
ck F roster import "$T/a.csv" >/dev/null
ck F keys export "$T/F.keys" 2>/dev/null
psql_as ck_admin postgres -q -c "CREATE ROLE k_f LOGIN IN ROLE cepci_kiosk"
"$B" central enroll "$T/F.keys" --role k_f --url "$OWN" >/dev/null
EF=$(ck F event add --title "Otro" --kind taller --topics etica --unit SCLC --start "2025-08-01 10:00" --no-signature)
KF=$(sqlite3 "$T/F.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
KA=$(sqlite3 "$T/A.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
U=$(sqlite3 "$T/A.db" "SELECT uuid FROM attendance WHERE kiosk_id = '$KA' AND employee_no = '1002'")
held_a=$(sqlite3 "$T/A.db" "SELECT group_concat(at || folio) FROM attendance WHERE uuid = '$U'")
tick
IFS='|' read -r ep pos prev < <(sqlite3 "$T/F.db" "SELECT epoch, pos, hash FROM audit WHERE kiosk_id = '$KF' ORDER BY seq DESC LIMIT 1")
content=$(sqlite3 "$T/F.db" "SELECT json_array('attendance', '$U', '$KF', '$EF', '1018', NULL, $NOW, 'number', NULL, '$KF-000001')")
hash=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$prev" "$KF" "$NOW" attendance "$U" "$content" | sha256sum | cut -d' ' -f1)
sig=$(sign_head "$T/F.db.key" "$KF" "$ep" $((pos + 1)) "$hash" "$NOW")
sqlite3 "$T/F.db" "INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, at, method, folio)
  SELECT '$U', '$KF', id, '1018', $NOW, 'number', '$KF-000001' FROM event WHERE uuid = '$EF';
  INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, format, epoch, pos)
  VALUES ('$KF', $NOW, 'attendance', '$U', '$content', '$prev', '$hash', 2, '$ep', $((pos + 1)));
  INSERT INTO meta(key, value) VALUES ('folio_seq', '1') ON CONFLICT(key) DO UPDATE SET value = '1';
  INSERT OR REPLACE INTO head_sig(kiosk_id, epoch, pos, hash, signed_at, signature)
  VALUES ('$KF', '$ep', $((pos + 1)), '$hash', $NOW, X'$sig');"
check "the forged record passes F's own audit verify" "$(ck F audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
check "F's sync: A's record with that UUID is kept aside here" "$(ck F sync --url "$(url F)" | grep -o '[0-9]* apartados')" "1 apartados"
check "the central keeps F's as a conflict" "$(q -c "SELECT count(*) || ' ' || min(kiosk_id) FROM ck.conflict WHERE uuid = '$U'")" "1 $KF"
check "central status: F has one conflict" "$("$B" central status --url "$OWN" | awk -v k="$KF" '$1 == k {print $(NF-2)}')" 1
check "A's sync: F's entry is kept aside" "$(ck A sync --url "$(url A)" | grep -o '[0-9]* apartados')" "1 apartados"
check "A's record is untouched" "$(sqlite3 "$T/A.db" "SELECT group_concat(at || folio) FROM attendance WHERE uuid = '$U'")" "$held_a"
check "A's audit verify still passes" "$(ck A audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
check "F's audit verify still passes" "$(ck F audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
check "A lists the conflict" "$(sqlite3 "$T/A.db" "SELECT kiosk_id || ' ' || uuid FROM sync_conflict")" "$KF $U"
check "sync --status shows it" "$(ck A sync --status | grep -c "apartado: quiosco $KF, posición [0-9]*, attendance $U")" 1
# The program never reuses a UUID: the central's audit names the conflict
# (one kiosk took another's record identifier), and nothing else.
audit_only_conflict() {
    local out
    out=$("$B" central audit verify --url "$OWN" 2>&1)
    echo "$(grep -c "^quiosco $KF, posición [0-9]*: su attendance $U usa un identificador que la central ya tenía de un envío del quiosco $KA" <<<"$out") $(grep -c '^quiosco ' <<<"$out")"
}
check "central audit verify names the conflict, and only it" "$(audit_only_conflict)" "1 1"

# ---- bundles: a byte changed, an unknown kiosk, a replay
before_a=$(local_rows A) before_c=$(central_rows)
sed '2s/"at":1/"at":2/' "$T/c.bundle" > "$T/bad1.bundle"
cmp -s "$T/c.bundle" "$T/bad1.bundle" && no "the tampered bundle differs" || ok "the tampered bundle differs by one byte"
fails "bundle with one byte changed refused at a kiosk" "fue modificado" ck A bundle import "$T/bad1.bundle"
fails "bundle with one byte changed refused at the central" "fue modificado" "$B" central import "$T/bad1.bundle" --url "$OWN"
sed "1s/^CKBUNDLE1 [0-9A-Z]*/CKBUNDLE1 $(sqlite3 "$T/B.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")/" "$T/c.bundle" > "$T/bad2.bundle"
fails "bundle passed off as another kiosk's refused" "fue modificado" ck A bundle import "$T/bad2.bundle"
check "nothing imported at the kiosk" "$(local_rows A)" "$before_a"
check "nothing stored at the central" "$(central_rows)" "$before_c"
"$B" --db "$T/E.db" init --institution "$INST" --unit SCLC >/dev/null
before_e=$(local_rows E)
fails "bundle of a kiosk unknown here refused" "desconocido" ck E bundle import "$T/c.bundle"
check "the unknown kiosk's bundle left nothing" "$(local_rows E)" "$before_e"
cp "$T/c.bundle" "$T/old.bundle"
tick; ck C checkin "$EC" 1028 >/dev/null
step C
before_a=$(local_rows A) before_c=$(central_rows)
check "a replayed old bundle changes nothing at a kiosk" "$(ck A bundle import "$T/old.bundle" | grep -o '[0-9]* entradas nuevas')" "0 entradas nuevas"
check "... nor at the central" "$("$B" central import "$T/old.bundle" --url "$OWN" | grep -o '[0-9]* entradas nuevas')" "0 entradas nuevas"
check "replay: kiosk rows unchanged" "$(local_rows A)" "$before_a"
check "replay: central rows unchanged but the late head" "$(central_rows | cut -d' ' -f1-5)" "$(cut -d' ' -f1-5 <<<"$before_c")"
check "replay: central audit verify finds nothing new" "$(audit_only_conflict)" "1 1"

# ---- a database restored from a backup made before its records reached
# the central: its new epoch continues from the copy's head, which the
# central does not hold yet; the sync sends the parent epoch up to there
# first, then the new one. What the lost database recorded after the copy
# and never sent is lost (the backup is older); nothing else.
"$B" --db "$T/H.db" init --institution "$INST" --unit SCLC >/dev/null
ck H roster import "$T/a.csv" >/dev/null
ck H keys export "$T/H.keys" 2>/dev/null
psql_as ck_admin postgres -q -c "CREATE ROLE k_h LOGIN IN ROLE cepci_kiosk"
"$B" central enroll "$T/H.keys" --role k_h --url "$OWN" >/dev/null
KH=$(sqlite3 "$T/H.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
tick; EH=$(ck H event add --title "Respaldo" --kind taller --topics etica --unit SCLC --start "2025-09-01 10:00" --no-signature)
ck H event open "$EH" >/dev/null
tick; ck H checkin "$EH" 1001 >/dev/null
mkdir -p "$T/respaldos"
ck H backup "$T/respaldos" >/dev/null
tick; ck H checkin "$EH" 1002 >/dev/null       # after the copy: lost with the database
rm -f "$T/H.db" "$T/H.db-wal" "$T/H.db-shm"
cp "$(ls "$T"/respaldos/*.db | head -n 1)" "$T/H.db"
check "the restored database verifies" "$(ck H audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
tick; ck H checkin "$EH" 1003 >/dev/null
check "its first sync sends the parent epoch, then the new one" \
    "$(ck H sync --url "$(url H)" >/dev/null && q -c "SELECT count(*) || ' ' || count(DISTINCT epoch_no) FROM ck.audit_entry WHERE kiosk_id = '$KH'")" \
    "$(sqlite3 "$T/H.db" "SELECT count(*) || ' ' || count(DISTINCT epoch) FROM audit WHERE kiosk_id = '$KH'")"
check "... the central holds its check-ins before and after the copy" \
    "$(q -c "SELECT string_agg(employee_no, ' ' ORDER BY employee_no) FROM ck.attendance WHERE kiosk_id = '$KH'")" "1001 1003"
check "... and central audit verify finds nothing new" "$(audit_only_conflict)" "1 1"

# ---- tampered kiosk databases after their records reached the central
ck B sync --url "$(url B)" >/dev/null
own_pos() { sqlite3 "$T/$1.db" "SELECT max(pos) FROM audit WHERE kiosk_id = (SELECT value FROM meta WHERE key = 'kiosk_id')"; }
# A chain cut by hand (its newest entry deleted): the kiosk's own signed
# heads tell, and it syncs nothing.
sqlite3 "$T/B.db" ".backup '$T/B.cut.db'"
cp "$T/B.db.key" "$T/B.cut.db.key"
sqlite3 "$T/B.cut.db" "DROP TRIGGER audit_no_delete; DROP TRIGGER attendance_no_delete; DROP TRIGGER pledge_no_delete;
  CREATE TEMP TABLE gone AS SELECT seq, record_uuid FROM audit
   WHERE kiosk_id = (SELECT value FROM meta WHERE key = 'kiosk_id') ORDER BY seq DESC LIMIT 1;
  DELETE FROM attendance WHERE uuid IN (SELECT record_uuid FROM gone);
  DELETE FROM pledge WHERE uuid IN (SELECT record_uuid FROM gone);
  DELETE FROM audit WHERE seq IN (SELECT seq FROM gone);"
before=$(central_rows)
fails "a chain cut by hand: the sync refuses, one line" "no está cubierta por su firma" \
    "$B" --db "$T/B.cut.db" sync --url "$(url B)"
check "... and stores nothing" "$(central_rows)" "$before"
rm -f "$T/B.cut.db" "$T/B.cut.db.key"
# B: its database replaced by an older copy of its file (its last check-in
# gone), and another record written in its place: the same position,
# other content; the copy is consistent, signed heads and all.
posB=$(own_pos B)
sqlite3 "$T/B.db" ".backup '$T/B.old.db'"
tick; ck B checkin "$EB" 1016 >/dev/null
ck B sync --url "$(url B)" >/dev/null
rm -f "$T/B.db-wal" "$T/B.db-shm"; mv "$T/B.old.db" "$T/B.db"
tick; ck B checkin "$EB" 1017 >/dev/null
check "B's own audit verify cannot see it" "$(ck B audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
fails "B's sync: the central keeps the batch aside, one line" "guardó aparte.*fork, posición $((posB + 1))" ck B sync --url "$(url B)"
KB=$(sqlite3 "$T/B.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
out=$("$B" central audit verify --url "$OWN" 2>&1 || true)
check "central audit verify names B and the position" \
    "$(grep -c "quiosco $KB, posición $((posB + 1)): su base de datos fue reescrita" <<<"$out")" 1
fails "central audit verify exits non-zero" "hallazgo" "$B" central audit verify --url "$OWN"
# A: its two newest entries gone after they reached the central (the
# database replaced by an older copy of its file).
sqlite3 "$T/A.db" ".backup '$T/A.old.db'"
posA0=$(own_pos A)
tick; ck A checkin "$EA" 1006 >/dev/null; tick; ck A checkin "$EA" 1007 >/dev/null
ck A sync --url "$(url A)" >/dev/null
posA=$(own_pos A)
rm -f "$T/A.db-wal" "$T/A.db-shm"; mv "$T/A.old.db" "$T/A.db"
check "A's sync goes on under a new epoch" "$(ck A sync --url "$(url A)" | grep -c 'época nueva')" 1
KA=$(sqlite3 "$T/A.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
out=$("$B" central audit verify --url "$OWN" 2>&1 || true)
check "central audit verify names A and the lost positions" \
    "$(grep -c "quiosco $KA, posición $((posA0 + 1)): su base de datos perdió las posiciones $((posA0 + 1)) a $posA" <<<"$out")" 1
check "the deleted records are still at the central" \
    "$(q -c "SELECT count(*) FROM ck.attendance WHERE employee_no IN ('1006', '1007')")" 2
check "... and central indicators leaves out nothing of the restored epochs (their heads cover them)" \
    "$("$B" --db "$T/A.db" central indicators --year 2025 --url "$OWN" 2>&1 >/dev/null | grep -c "cabeza firmada válida")" 0

# ---- the version rule (an event's versions differ only in their state, a
# person's keep the employee number) at the central, in bundles and on
# pull (the session-5 red team): root on kiosk Q (Q's key and login)
# writes, in Q's own chain with its head signed, a version of kiosk P's
# person under another employee number, and one of P's event with another
# date. Two centrals of their own: one of this version (cepci6) and one of
# version 5 (cepci5: db/central/001-005, no rule for people), which lets
# the person's version in — as every central did before.
psql_as ck_admin postgres -q -c "CREATE DATABASE cepci6 OWNER cepci_owner" -c "CREATE DATABASE cepci5 OWNER cepci_owner" \
    -c "CREATE ROLE k_p LOGIN IN ROLE cepci_kiosk" -c "CREATE ROLE k_q LOGIN IN ROLE cepci_kiosk"
for f in "$CK_SOURCE_DIR"/db/central/00[1-5]_*.sql; do psql_as cepci_owner cepci5 -q -1 -f "$f" >/dev/null; done
u6() { echo "host=$PGHOST port=$PGPORT dbname=cepci6 user=${1:-cepci_owner}"; }
u5() { echo "host=$PGHOST port=$PGPORT dbname=cepci5 user=${1:-cepci_owner}"; }
"$B" central init --url "$(u6)" >/dev/null
for k in P Q; do
    "$B" --db "$T/$k.db" init --institution "Otra Institución" --unit SCLC >/dev/null
    ck $k keys export --own "$T/$k.own" 2>/dev/null
    for c in u6 u5; do "$B" central enroll "$T/$k.own" --role "k_${k,,}" --url "$($c)" >/dev/null; done
done
printf 'numero_empleado,nombre,primer_apellido,unidad\n1001,Inés,Peña,SCLC\n1002,José,Núñez,SCLC\n' > "$T/p.csv"
tick; ck P roster import "$T/p.csv" >/dev/null
EP=$(ck P event add --title "Ética" --kind taller --topics etica --unit SCLC --start "2025-10-01 10:00" --no-signature)
ck P event open "$EP" >/dev/null; tick; ck P checkin "$EP" 1001 >/dev/null
ck P sync --url "$(u6 k_p)" >/dev/null; ck Q sync --url "$(u6 k_q)" >/dev/null; ck P sync --url "$(u6 k_p)" >/dev/null
KQ=$(sqlite3 "$T/Q.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
# forge DB KIND UUID CONTENT: appends the entry (at 2100-01-01, so it
# wins) to DB's own chain and signs the new head with DB's key file.
forge() {
    local kid ep pos prev hash sig at=4102444800
    kid=$(sqlite3 "$1" "SELECT value FROM meta WHERE key = 'kiosk_id'")
    IFS='|' read -r ep pos prev < <(sqlite3 "$1" "SELECT epoch, pos, hash FROM audit WHERE kiosk_id = '$kid' ORDER BY seq DESC LIMIT 1")
    hash=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$prev" "$kid" "$at" "$2" "$3" "$4" | sha256sum | cut -d' ' -f1)
    sig=$(sign_head "$1.key" "$kid" "$ep" $((pos + 1)) "$hash" "$NOW")
    sqlite3 "$1" "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, format, epoch, pos)
      VALUES ('$kid', $at, '$2', '$3', '$4', '$prev', '$hash', 2, '$ep', $((pos + 1)));
      INSERT OR REPLACE INTO head_sig(kiosk_id, epoch, pos, hash, signed_at, signature)
      VALUES ('$kid', '$ep', $((pos + 1)), '$hash', $NOW, X'$sig');"
    echo $((pos + 1))
}
IFS='|' read -r PU PC < <(sqlite3 "$T/Q.db" "SELECT record_uuid, content FROM audit WHERE kind = 'person' AND json_extract(content, '\$[2]') = '1001' ORDER BY seq DESC LIMIT 1")
EC=$(sqlite3 "$T/Q.db" "SELECT content FROM audit WHERE kind = 'event' AND record_uuid = '$EP' ORDER BY seq DESC LIMIT 1")
sqlite3 "$T/Q.db" ".backup '$T/Q2.db'"; cp "$T/Q.db.key" "$T/Q2.db.key"
tick; posQ=$(forge "$T/Q.db" person "$PU" "${PC/\"1001\"/\"9999\"}")
tick; ck Q pledge 1002 --keyed >/dev/null        # a genuine record after it
forge "$T/Q2.db" event "$EP" "${EC/2025-10-01 10:00/2024-01-01 10:00}" >/dev/null
# 1. The central refuses the push whole and keeps it aside; its audit says so.
fails "the central keeps aside a push with another employee number for a person's version" \
    "guardó aparte el envío de este quiosco (version, posición $posQ)" ck Q sync --url "$(u6 k_q)"
check "... nothing of it applied" "$(psql_as cepci_owner cepci6 -At -c "SELECT string_agg(employee_no, ' ' ORDER BY employee_no) FROM ck.person")" "1001 1002"
check "... and central audit verify names the kiosk and the position" \
    "$("$B" central audit verify --url "$(u6)" 2>&1 | grep -c "quiosco $KQ, posición $posQ: envió una versión de una persona o de un evento que rompe la regla de versiones")" 1
# 2. P's bundle import refuses Q's bundle whole, person or event alike.
ck Q bundle export "$T/q.bundle" >/dev/null; "$B" --db "$T/Q2.db" bundle export "$T/q2.bundle" >/dev/null
before_p=$(local_rows P)-$(sqlite3 "$T/P.db" "SELECT group_concat(employee_no) || ' ' || (SELECT start_local FROM event) FROM person")
fails "a bundle with another employee number for a person's version is refused whole" \
    "quiosco $KQ, posición $posQ: su versión de la persona $PU cambia el número de empleado (1001 .*, 9999 en ella)" \
    ck P bundle import "$T/q.bundle"
fails "a bundle with a version of an event that changes its date is refused whole" \
    "su versión del evento $EP cambia algo más que el estado" ck P bundle import "$T/q2.bundle"
check "... P's database unchanged" \
    "$(local_rows P)-$(sqlite3 "$T/P.db" "SELECT group_concat(employee_no) || ' ' || (SELECT start_local FROM event) FROM person")" "$before_p"
# 3. A central of version 5 let the person's version in. P's pull keeps it
# aside with one line and goes on (it no longer stops every later pull
# with "UNIQUE constraint failed: person.uuid").
ck P sync --url "$(u5 k_p)" >/dev/null; ck Q sync --url "$(u5 k_q)" >/dev/null
rc=0; out=$(ck P sync --url "$(u5 k_p)" 2>"$T/p.err") || rc=$?
check "a pulled person's version with another employee number: the sync goes on (exit 0)" "$rc $(grep -o '[0-9]* apartados' <<<"$out")" "0 1 apartados"
check "... one line says so, naming the kiosk, the position and the person" \
    "$(wc -l < "$T/p.err") $(grep -c "quiosco $KQ, posición $posQ: su versión de la persona $PU cambia el número de empleado (1001 .*, 9999 en ella)" "$T/p.err") $(grep -c "una versión se guardó aparte, no se aplicó" "$T/p.err")" "1 1 1"
check "... not applied; the genuine record after it is" \
    "$(sqlite3 "$T/P.db" "SELECT group_concat(employee_no) FROM person") $(sqlite3 "$T/P.db" "SELECT count(*) FROM pledge WHERE employee_no = '1002'")" \
    "1001,1002 1"
check "... listed by sync --status" "$(ck P sync --status | grep -c "apartado: quiosco $KQ, posición $posQ, person $PU: versión que cambia el número de empleado")" 1
check "... P's audit verify passes" "$(ck P audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
check "... and the next pull is not blocked" "$(ck P sync --url "$(u5 k_p)" 2>&1 | cut -d: -f1)" "sincronizado con $PGHOST"
check "central audit verify reports the version that got into an older central" \
    "$("$B" central audit verify --url "$(u5)" 2>&1 | grep -c "quiosco $KQ, posición $posQ: su versión de la persona $PU cambia el número de empleado (1001 en la primera versión")" 1


# ---- a kiosk's login used without its key (the session-5 red team) ----
# PostgreSQL cannot check Ed25519: a push through P's login with a head
# signature of junk bytes is taken. The program checks every head when it
# reads the central's figures, says so on stderr (the figures on stdout
# stay clean) and leaves out what no valid head covers (schema 8).
trained_2025() { "$B" central indicators --url "$(u6)" --year 2025 --institution "Otra Institución" --format json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["overall"]["trained"])'; }
trained_before=$(trained_2025)
check "before it, central indicators warns of nothing (restored epochs' entries are covered by their heads)" \
    "$("$B" central indicators --url "$(u6)" --year 2025 --institution "Otra Institución" 2>&1 >/dev/null)" ""
KP=$(sqlite3 "$T/P.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
IFS="|" read -r cep cseq chash < <(
    psql_as cepci_owner cepci6 -At -c "SELECT epoch, head_seq, head_hash FROM ck.kiosk_epoch WHERE kiosk_id = '$KP' ORDER BY epoch_no DESC LIMIT 1")
J=$(python3 - "$KP" "$cep" $((cseq + 1)) "$chash" "$EP" <<'PY'
import base64, hashlib, json, sys, uuid
kiosk, epoch, seq, prev, ev = sys.argv[1:6]
seq, at, u = int(seq), 1759334400, str(uuid.uuid4())
content = json.dumps(["attendance", u, kiosk, ev, "1002", None, at, "keyed", None, f"{kiosk}-000077", "SCLC", "", ""],
                     separators=(",", ":"), ensure_ascii=False)
h = hashlib.sha256(f"{prev}\n{kiosk}\n{at}\nattendance\n{u}\n{content}\n".encode()).hexdigest()
print(json.dumps({"format": 1, "chain_format": 2, "kiosk": kiosk, "epoch": epoch, "sent_at": at,
                  "head": {"seq": seq, "hash": h, "signed_at": at, "signature": base64.b64encode(b"\1" * 64).decode()},
                  "audit": [{"seq": seq, "at": at, "kind": "attendance", "uuid": u, "content": content,
                             "prev_hash": prev, "hash": h, "format": 2}], "signatures": [], "units": []}))
PY
)
psql_as k_p cepci6 -At -v j="$J" <<<"SELECT ck.ingest(:'j'::jsonb);" > /dev/null 2>&1
"$B" central indicators --url "$(u6)" --year 2025 --institution "Otra Institución" > "$T/ind.out" 2> "$T/ind.err"
check "indicators through a login without its key: every bad head named on stderr, and what it means" \
    "$(grep -c "^AVISO: quiosco $KP, posición $((cseq + 1)): la firma de la cabeza no corresponde a la clave inscrita" "$T/ind.err") $(grep -c "^AVISO: 1 hallazgo (arriba): estos indicadores pueden contar versiones de personas o eventos que ningún quiosco firmó" "$T/ind.err")" "1 1"
check "... the figures on stdout carry no warning" "$(grep -c AVISO "$T/ind.out")" 0
check "... the made-up attendance is held by the central (PostgreSQL took it)" \
    "$(psql_as cepci_owner cepci6 -At -c "SELECT count(*) FROM ck.attendance WHERE employee_no = '1002' AND kiosk_id = '$KP'")" 1
check "... and not counted: trained as before it (1001 only), the position named" \
    "$trained_before $(trained_2025) $(grep -c "^AVISO: quiosco $KP: la posición $((cseq + 1)) no tiene una cabeza firmada válida; sus asistencias y cartas no cuentan en estos indicadores" "$T/ind.err")" "1 1 1"
check "... ck.indicators without the program's list counts it (what a reader's psql gets)" \
    "$(psql_as cepci_owner cepci6 -At -c "SELECT ck.indicators('Otra Institución', 2025)->'overall'->>'trained'")" 2

# ---- a unit's time zone from a bare unit list (the session-5 red team) ----
# P's login sends a batch with no new entries and a unit list naming a unit
# no chain has yet, with a zone a week off: it is reported by `central audit
# verify` and `central indicators`, and the unit's own kiosk's signed entry
# replaces it when it arrives (db/central/007_units.sql).
IFS="|" read -r hseq hhash hsig hat < <(psql_as cepci_owner cepci6 -At -c "SELECT h.seq, h.hash, encode(h.signature, 'base64'), h.signed_at
    FROM ck.chain_head h JOIN ck.kiosk_epoch e USING (epoch_no) WHERE e.kiosk_id = '$KP' AND h.seq = e.head_seq LIMIT 1" | tr -d '\n'; echo)
J=$(python3 - "$KP" "$cep" "$hseq" "$hhash" "$hsig" "$hat" <<'PY'
import json, sys
kiosk, epoch, seq, h, sig, at = sys.argv[1:7]
print(json.dumps({"format": 1, "chain_format": 2, "kiosk": kiosk, "epoch": epoch, "sent_at": int(at),
                  "head": {"seq": int(seq), "hash": h, "signed_at": int(at), "signature": sig},
                  "audit": [], "signatures": [], "units": [{"code": "ZZZ", "name": "ZZZ", "timezone": "<X>-167"}]}))
PY
)
psql_as k_p cepci6 -At -v j="$J" <<<"SELECT ck.ingest(:'j'::jsonb);" > /dev/null 2>&1
check "a unit's zone from a bare unit list is taken (the kiosk's list adds units the central lacks)" \
    "$(psql_as cepci_owner cepci6 -At -c "SELECT timezone || ' ' || from_chain FROM ck.unit WHERE code = 'ZZZ'")" "<X>-167 false"
check "... and reported by central audit verify" \
    "$("$B" central audit verify --url "$(u6)" 2>&1 | grep -c "la unidad ZZZ: la central usa la zona horaria <X>-167, que trajo un envío del quiosco $KP, y ninguna cadena firmada tiene esa unidad")" 1
check "... and by central indicators, on stderr" \
    "$("$B" central indicators --url "$(u6)" --year 2025 --institution "Otra Institución" 2>&1 >/dev/null | grep -c "^AVISO: la unidad ZZZ: ")" 1
psql_as ck_admin postgres -q -c "CREATE ROLE k_r LOGIN IN ROLE cepci_kiosk"
"$B" --db "$T/R.db" init --institution "Otra Institución" --unit ZZZ >/dev/null
ck R keys export --own "$T/R.own" 2>/dev/null
"$B" central enroll "$T/R.own" --role k_r --url "$(u6)" >/dev/null
KR=$(sqlite3 "$T/R.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
zr=$(sqlite3 "$T/R.db" "SELECT timezone FROM unit WHERE code = 'ZZZ'")
# Its push goes in; its pull meets P's head with junk bytes from the block
# above: P's chain is not taken from there on, everything else is, and one
# line says so (before, every pull of every other kiosk failed on it for
# good: the session-6 red team).
rc=0; ck R sync --url "$(u6 k_r)" >/dev/null 2>"$T/r.err" || rc=$?
check "a pull meeting a head with a bad signature goes on (exit 0), one line naming the chain" \
    "$rc $(wc -l < "$T/r.err") $(grep -c "quiosco $KP, época $cep: su cabeza firmada en la posición $((cseq + 1)) tiene una firma no válida (se envió con la contraseña de ese quiosco sin su llave); sus entradas después de la posición $cseq no se toman" "$T/r.err")" "0 1 1"
check "... P's genuine records are taken, the made-up one is not" \
    "$(sqlite3 "$T/R.db" "SELECT group_concat(employee_no, ' ') FROM (SELECT employee_no FROM attendance WHERE kiosk_id = '$KP' ORDER BY 1)")" "1001"
check "... R verifies, and sync --status lists the chain" \
    "$(ck R audit verify 2>&1 | head -n 1 | cut -d: -f1) $(ck R sync --status | grep -c "apartado: quiosco $KP, posición $((cseq + 1)), época $cep: su cabeza firmada en la posición $((cseq + 1)) tiene una firma no válida")" \
    "cadena de auditoría íntegra 1"
rc=0; ck R sync --url "$(u6 k_r)" >/dev/null 2>"$T/r.err" || rc=$?
check "... and the next sync says nothing more" "$rc $(wc -c < "$T/r.err")" "0 0"
rm -f "$T/Y.db"*; sqlite3 "$T/R.db" ".backup '$T/Y.db'"; cp "$T/R.db.key" "$T/Y.db.key"
sqlite3 "$T/Y.db" "INSERT INTO sync_refused SELECT kiosk_id, epoch, 0, 1, 0 FROM sync_chain WHERE kiosk_id <> '$KP' LIMIT 1"
fails "... a chain marked not to be taken by hand (to starve R of a kiosk's records): audit verify reports it" \
    "lo que la sincronización apartó aquí (entradas de otros quioscos retenidas o en espera, cadenas no tomadas) ya no coincide con ella" ck Y audit verify
rm -f "$T/Y.db"*
check "the unit's own kiosk's signed entry replaces the zone when it arrives" \
    "$(psql_as cepci_owner cepci6 -At -c "SELECT timezone || ' ' || from_chain || ' ' || from_kiosk FROM ck.unit WHERE code = 'ZZZ'")" "$zr true $KR"
check "... and central audit verify no longer reports it" "$("$B" central audit verify --url "$(u6)" 2>&1 | grep -c "la unidad ZZZ")" 0
# A head with a bad signature replayed at an old position of R's chain
# (its hash, an older time), through R's login: the central stores it, and
# a pull skips it and takes nothing away (R's later records still arrive;
# before, every pull failed on it).
psql_as ck_admin postgres -q -c "CREATE ROLE k_s LOGIN IN ROLE cepci_kiosk"
"$B" --db "$T/S.db" init --institution "Otra Institución" --unit ZZZ >/dev/null
ck S keys export --own "$T/S.own" 2>/dev/null
"$B" central enroll "$T/S.own" --role k_s --url "$(u6)" >/dev/null
ck S sync --url "$(u6 k_s)" >/dev/null 2>&1 || true
IFS="|" read -r repoch rat rhash < <(psql_as cepci_owner cepci6 -At -c "SELECT e.epoch, min(h.signed_at) - 1,
    (SELECT x.hash FROM ck.audit_entry x WHERE x.epoch_no = e.epoch_no AND x.seq = 1) FROM ck.kiosk_epoch e
    JOIN ck.chain_head h USING (epoch_no) WHERE e.kiosk_id = '$KR' GROUP BY e.epoch, e.epoch_no LIMIT 1")
J=$(python3 - "$KR" "$repoch" "$rat" "$rhash" <<'PY'
import base64, json, sys
kiosk, epoch, at, h = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
print(json.dumps({"format": 1, "chain_format": 2, "kiosk": kiosk, "epoch": epoch, "sent_at": at,
                  "head": {"seq": 1, "hash": h, "signed_at": at, "signature": base64.b64encode(b"\2" * 64).decode()},
                  "audit": [], "signatures": [], "units": []}))
PY
)
psql_as k_r cepci6 -At -v j="$J" <<<"SELECT ck.ingest(:'j'::jsonb);" > "$T/replay.out" 2>&1 || true
check "... the central took that head (PostgreSQL cannot check it)" \
    "$(psql_as cepci_owner cepci6 -At -c "SELECT count(*) FROM ck.chain_head WHERE kiosk_id = '$KR' AND seq = 1 AND signature = decode(repeat('02', 64), 'hex')")" 1
tick; ck R checkin "$EP" 1002 >/dev/null; ck R sync --url "$(u6 k_r)" >/dev/null 2>&1 || true
rc=0; ck S sync --url "$(u6 k_s)" >/dev/null 2>"$T/s.err" || rc=$?
check "a bad head replayed at an old position: S's pull goes on, says nothing, and takes R's later record" \
    "$rc $(wc -c < "$T/s.err") $(sqlite3 "$T/S.db" "SELECT count(*) FROM attendance WHERE kiosk_id = '$KR' AND employee_no = '1002'") $(sqlite3 "$T/S.db" "SELECT count(*) FROM sync_refused WHERE kiosk_id = '$KR'")" \
    "0 0 1 0"

# An attendance whose event the central does not hold (the event was kept
# aside as a conflict: a key holder took its UUID first) counts nowhere:
# central audit verify says so (the outcome set up directly, as the owner).
ev_orphan=00000000-0000-4000-8000-00000000e0e0
psql_as cepci_owner cepci6 -q -c "INSERT INTO ck.attendance (uuid, institution, kiosk_id, epoch_no, seq, event_uuid,
    employee_no, at, method, folio) SELECT '00000000-0000-4000-8000-00000000a0a0', (SELECT institution FROM ck.kiosk k WHERE k.id = kiosk_id), kiosk_id, epoch_no,
    999999, '$ev_orphan', '1001', 1759334400, 'keyed', kiosk_id || '-099999' FROM ck.kiosk_epoch WHERE kiosk_id = '$KR' LIMIT 1"
check "central audit verify names attendances whose event the central does not hold" \
    "$("$B" central audit verify --url "$(u6)" 2>&1 | grep -c "^quiosco $KR: 1 asistencia(s) al evento $ev_orphan, que la central no tiene (quedó aparte), no cuentan en los indicadores")" 1

# ---- what the sync decided, under this kiosk's chain (the session-6 red
# team): with A's file and plain sqlite3 (no key), an entry of another
# kiosk marked kept aside (kept, held, pending) hid its record from audit
# verify, and a deleted row of the version index undid another kiosk's
# change to a person. Each attack on a copy of A (with its key).
copy_a() { rm -f "$T/X.db"*; sqlite3 "$T/A.db" ".backup '$T/X.db'"; cp "$T/A.db.key" "$T/X.db.key"; }
KA=$(sqlite3 "$T/A.db" "SELECT value FROM meta WHERE key = 'kiosk_id'")
check "A holds other kiosks' entries, and one entry of its own covers what it kept aside" \
    "$(sqlite3 "$T/A.db" "SELECT (SELECT count(*) > 0 FROM sync_entry) || ' ' || (SELECT count(*) > 0 FROM audit WHERE kind = 'sync' AND kiosk_id = '$KA')")" "1 1"
check "... and A verifies" "$(ck A audit verify 2>&1 | head -n 1 | cut -d: -f1)" "cadena de auditoría íntegra"
IFS="|" read -r hseq hkiosk < <(sqlite3 "$T/A.db" "SELECT a.seq, a.kiosk_id FROM attendance t JOIN audit a ON a.record_uuid = t.uuid
    JOIN sync_entry e ON e.audit_seq = a.seq WHERE e.status = 'applied' ORDER BY a.seq LIMIT 1")
for st in kept held pending; do
    copy_a
    sqlite3 "$T/X.db" "DROP TRIGGER IF EXISTS attendance_no_delete; UPDATE sync_entry SET status = '$st' WHERE audit_seq = $hseq;
        DELETE FROM attendance WHERE uuid = (SELECT record_uuid FROM audit WHERE seq = $hseq)"
    case $st in
    kept) want="entrada $hseq de la auditoría (registro de asistencia .* del quiosco $hkiosk): las tablas de la sincronización la marcan como guardada sin aplicar" ;;
    *) want="lo que la sincronización apartó aquí (entradas de otros quioscos retenidas o en espera, cadenas no tomadas) ya no coincide con ella; las tablas de la sincronización se modificaron por fuera del programa" ;;
    esac
    fails "another kiosk's attendance deleted from A, its entry marked $st: audit verify reports it" "$want" ck X audit verify
done
fails "... and the next sync syncs nothing over it" "las entradas de otros quioscos apartadas aquí se modificaron por fuera del programa" \
    ck X sync --url "$(url A)"
copy_a
IFS="|" read -r oseq okind < <(sqlite3 "$T/X.db" "SELECT seq, kind FROM audit WHERE kiosk_id = '$KA' AND kind = 'person' ORDER BY seq DESC LIMIT 1")
sqlite3 "$T/X.db" "INSERT INTO sync_entry SELECT kiosk_id, epoch, pos, seq, 'kept' FROM audit WHERE seq = $oseq"
fails "an entry of A's own marked kept aside by the sync: audit verify reports it" \
    "entrada $oseq de la auditoría (persona .* del quiosco $KA): las tablas de la sincronización la marcan como guardada sin aplicar" \
    ck X audit verify
copy_a
IFS="|" read -r vseq vident < <(sqlite3 "$T/X.db" "SELECT audit_seq, ident FROM sync_version WHERE kind = 'person' ORDER BY audit_seq LIMIT 1")
sqlite3 "$T/X.db" "DELETE FROM sync_version WHERE audit_seq = $vseq"
fails "a row of the sync's version index deleted (person $vident): audit verify reports it" \
    "entrada $vseq de la auditoría (persona .*): el índice de versiones de otros quioscos no la incluye" ck X audit verify
copy_a
sqlite3 "$T/X.db" "UPDATE sync_version SET at = at - 1 WHERE audit_seq = $vseq"
fails "... or changed: audit verify reports it" \
    "entrada $vseq de la auditoría (persona .*): el índice de versiones de otros quioscos la registra mal" ck X audit verify
rm -f "$T/X.db"*

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
