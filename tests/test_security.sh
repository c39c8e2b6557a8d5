#!/usr/bin/env bash
# Security properties through the real executable, under a permissive umask:
#   - the database (and its -wal/-shm while the kiosk has it open), the
#     signing key, receipt PNGs, exports and backups are mode 0600, and the
#     folders we create (backups) 0700;
#   - a signing key readable by others is refused;
#   - the private key never appears in `keys export` (stdout or file);
#   - exports neutralise spreadsheet formulas in CSV;
#   - the running kiosk listens on no network port (TCP or UDP, v4 or v6).
# The PIN lockout is tested at the C level in tests/test_pin.c.
set -u
B=${CK_BIN:?}
T=$(mktemp -d /tmp/ck-sec-XXXXXX)
KPID=
cleanup() {
  [ -n "$KPID" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
DB=$T/k.db
ck() { "$B" --db "$DB" "$@"; }
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# mode PATH WANT NAME
mode() {
  local got
  got=$(stat -c %a "$1" 2>/dev/null) || { bad "$3: $1 does not exist"; return; }
  [ "$got" = "$2" ] && ok || bad "$3: $1 has mode $got, want $2"
}

umask 000

# ---- database and signing key ----
ck init --institution "Prueba" --unit SCLC >/dev/null || { echo "FAIL: init"; exit 1; }
mode "$DB" 600 "database"
mode "$DB.key" 600 "signing key"
cat > "$T/r.csv" <<'EOF'
numero_empleado,nombre,primer_apellido,unidad,area,puesto
1001,Ana,"=HYPERLINK(""http://x"")",SCLC,"+cmd|' /C calc'!A0",@SUM(1+1)
1002,Beto,-2+3,SCLC,Área,Puesto
EOF
ck roster import "$T/r.csv" >/dev/null || bad "roster import"
E=$(ck event add --title "=1+1 Taller" --kind taller --topics etica --unit SCLC --start "2020-11-25 10:00" --no-signature)
ck event open "$E" || bad "event open"
out=$(ck checkin "$E" 1001) || bad "checkin"
FOLIO=$(printf '%s\n' "$out" | head -n 1)
ck checkin "$E" 1002 >/dev/null || bad "checkin 1002"
ck pledge 1001 --keyed >/dev/null || bad "pledge"

# ---- receipt PNG ----
ck receipt "$FOLIO" --png "$T/receipt.png" >/dev/null || bad "receipt --png"
mode "$T/receipt.png" 600 "receipt PNG"

# A signing key that others can read is refused (and never used).
chmod 644 "$DB.key"
if err=$(ck receipt "$FOLIO" --png "$T/receipt2.png" 2>&1); then
  bad "a world-readable signing key was used"
else
  case $err in *"pueden leer la llave de firma"*) ok ;; *) bad "world-readable key: unexpected message: $err" ;; esac
fi
chmod 600 "$DB.key"

# ---- exports ----
for fmt in csv pdf xlsx; do
  if ck export attendance "$E" --format $fmt -o "$T/att.$fmt" >/dev/null; then
    mode "$T/att.$fmt" 600 "attendance export ($fmt)"
  else
    bad "export attendance --format $fmt"
  fi
  if ck export pledges --year 2020 --format $fmt -o "$T/pl.$fmt" >/dev/null; then
    mode "$T/pl.$fmt" 600 "pledge export ($fmt)"
  else
    bad "export pledges --format $fmt"
  fi
done
for fmt in csv pdf; do
  if ck export indicators --year 2020 --format $fmt -o "$T/ind.$fmt" >/dev/null; then
    mode "$T/ind.$fmt" 600 "indicator export ($fmt)"
  else
    bad "export indicators --format $fmt"
  fi
done
# Formula injection: no CSV field starts with = + - @ (after an optional quote).
if [ -f "$T/att.csv" ]; then
  if tr -d '\r' < "$T/att.csv" | tr ',' '\n' | sed 's/^"//' | grep -qE '^[=+@-]'; then
    bad "attendance CSV holds a field that a spreadsheet runs as a formula: $(grep -E '(^|,)"?[=+@-]' "$T/att.csv" | head -n 1)"
  else
    ok
  fi
fi

# ---- backups ----
ck backup "$T/backups" >/dev/null || bad "backup"
mode "$T/backups" 700 "backup folder"
for f in "$T"/backups/cepci-kiosk-*.db; do mode "$f" 600 "backup file"; done

# ---- keys export: public keys only ----
pub=$(ck keys export) || bad "keys export"
ck keys export "$T/keys.txt" 2>/dev/null || bad "keys export FILE"
sk_b64=$(base64 -w0 < "$DB.key")
seed_b64=$(head -c 32 "$DB.key" | base64 -w0)
seed_hex=$(head -c 32 "$DB.key" | od -An -tx1 | tr -d ' \n')
seed_b64_body=${seed_b64%%=*}
for where in stdout file; do
  text=$pub
  [ $where = file ] && text=$(cat "$T/keys.txt")
  leaked=0
  for secret in "$sk_b64" "$seed_b64_body" "$seed_hex" "${sk_b64:0:40}"; do
    case $text in *"$secret"*) leaked=1 ;; esac
  done
  [ $leaked = 0 ] && ok || bad "keys export ($where) contains the private key"
  # Each key line carries exactly one 32-byte public key.
  n=$(printf '%s\n' "$text" | awk -F'\t' '$1 == "CKKEY1" { print $3 }' | while read -r k; do
        printf '%s' "$k" | base64 -d 2>/dev/null | wc -c; done | sort -u | tr '\n' ' ')
  [ "$n" = "32 " ] && ok || bad "keys export ($where): key sizes '$n', want only 32-byte public keys"
done

# ---- the running kiosk: -wal/-shm private, no network listener ----
SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software "$B" --db "$DB" run --windowed 1280x800 \
  > "$T/run.log" 2>&1 &
KPID=$!
# Up to 10 s for the kiosk to open its database (slow under sanitizers),
# then a moment more for anything it would start after that.
for _ in $(seq 50); do
  [ -e "$DB-shm" ] && break
  kill -0 "$KPID" 2>/dev/null || break
  sleep 0.2
done
sleep 1
if ! kill -0 "$KPID" 2>/dev/null; then
  bad "the kiosk did not start: $(head -c 300 "$T/run.log")"
else
  mode "$DB-wal" 600 "database WAL while the kiosk runs"
  mode "$DB-shm" 600 "database shared memory while the kiosk runs"
  # Socket inodes of the kiosk process and its threads.
  inodes=$(ls -l /proc/$KPID/fd 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' | sort -u)
  listening=
  for proto in tcp tcp6 udp udp6; do
    [ -r /proc/net/$proto ] || continue
    # Columns: sl local remote st ... inode(10th). TCP LISTEN = 0A; any
    # bound UDP socket receives datagrams, so it counts as listening.
    while read -r local st inode; do
      for i in $inodes; do
        [ "$i" = "$inode" ] || continue
        if [ "${proto#udp}" != "$proto" ] || [ "$st" = 0A ]; then
          listening="$listening $proto:$local(state $st)"
        fi
      done
    done < <(awk 'NR > 1 { print $2, $4, $10 }' /proc/net/$proto)
  done
  [ -z "$listening" ] && ok || bad "the kiosk listens on the network:$listening"
fi
kill "$KPID" 2>/dev/null
wait "$KPID" 2>/dev/null
KPID=

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
