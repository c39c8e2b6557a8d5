#!/usr/bin/env bash
# The audit chain against an attacker with a shell and plain `sqlite3` on
# the database file (issue 12, items 1-4), through the real executable:
#   - a database of the previous version (chain format 1) upgrades and
#     still verifies; its old receipts still verify; new entries are format 2;
#   - a hand-inserted row that reuses another record's UUID fails, or with
#     the triggers dropped is reported (item 1);
#   - a master-data row edited by hand: no new version is written over it,
#     and audit verify reports it whatever was written after (item 2);
#   - the newest records deleted: the folio gap is reported; with the
#     counter and the signed heads wound back too, a receipt, an export, a
#     backup or a head kept elsewhere shows it, and the kiosk refuses to
#     write on the shorter chain (item 3);
#   - the kiosk id, a unit's time zone and the settings are covered (item 4);
#   - records under a made-up kiosk id, or in a second lineage of this
#     kiosk's chain, in format 2 or claiming format 1, are reported (every
#     chain but the database's own epoch must end at a signed head); the
#     canonical employee number badge reads go through is checked;
#   - a backup copy continues under a fresh epoch.
# Each attack is checked to get through nothing: the check fails if the
# program accepts it. Exits 77 without sqlite3.
set -u
B=${CK_BIN:?}
SRC=${CK_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
command -v sqlite3 >/dev/null || { echo "skipped: sqlite3 missing"; exit 77; }
T=$(mktemp -d /tmp/ck-chain-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect_broken NAME WANT-SUBSTRING COMMAND...: the command fails with one
# error line that contains WANT.
expect_broken() {
  local name=$1 want=$2 out err rc
  shift 2
  out=$("$@" 2>err.txt); rc=$?
  err=$(cat err.txt)
  if [ $rc -eq 0 ]; then bad "$name: accepted ($out)"; return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then bad "$name: not one error line: $err"; return; fi
  case $err in *"$want"*) ok "$name" ;; *) bad "$name: unexpected message: $err" ;; esac
}
intact() { # intact NAME DB [--head X]...
  local name=$1 db=$2 out
  shift 2
  if out=$("$B" --db "$db" audit verify "$@" 2>&1); then ok "$name"; else bad "$name: $out"; fi
}
# A fresh kiosk with a roster, an open event, two check-ins and a pledge.
new_kiosk() { # new_kiosk DB
  "$B" --db "$1" init --institution "Institución Peña Íñiguez" --unit SCLC >/dev/null || bad "init $1"
  printf '%s\n' 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad' '1001,José,Peña,Íñiguez,SCLC' \
    '1002,María José,López,Ruiz,SCLC' '1003,Juan,Pérez,,CHE' '1004,Inés,Núñez,,CHE' > r.csv
  "$B" --db "$1" roster import r.csv >/dev/null || bad "roster import $1"
  E=$("$B" --db "$1" event add --title "Taller de ética" --kind taller --topics etica --unit SCLC \
        --start "2025-11-24 10:00" --no-signature) || bad "event add $1"
  "$B" --db "$1" event open "$E" >/dev/null || bad "event open $1"
  "$B" --db "$1" checkin "$E" 1001 > r1.txt || bad "checkin 1001"
  "$B" --db "$1" checkin "$E" 1002 > r2.txt || bad "checkin 1002"
  "$B" --db "$1" pledge 1003 --keyed > r3.txt || bad "pledge 1003"
  printf '2468\n2468\n' | "$B" --db "$1" admin set-pin >/dev/null || bad "set-pin $1"
}
copy_db() { rm -f "$2" "$2-wal" "$2-shm"; sqlite3 "$1" ".backup '$2'"; cp "$1.key" "$2.key"; chmod 600 "$2.key"; }

# ---- 0. a database of the previous version upgrades and still verifies ----
sqlite3 v1.db < "$SRC/tests/data/chain_v1.sql"
base64 -d "$SRC/tests/data/chain_v1.key.b64" > v1.db.key
chmod 600 v1.db.key
intact "v1 database verifies after the upgrade" v1.db
got=$(sqlite3 v1.db "SELECT group_concat(format || '@' || pos, ' ') FROM (SELECT * FROM audit ORDER BY seq LIMIT 9)")
[ "$got" = "1@1 1@2 1@3 1@4 1@5 1@6 1@7 1@8 1@9" ] && ok "v1 entries kept as format 1, positions 1..9" \
  || bad "v1 entries: $got"
[ "$(sqlite3 v1.db "SELECT count(*) FROM audit WHERE format = 2 AND kind IN ('unit', 'meta')")" = 7 ] \
  && ok "the upgrade audits the 2 units and 5 settings (the PIN hash too)" || bad "upgrade baseline"
[ "$(sqlite3 v1.db "SELECT value FROM meta WHERE key = 'epoch'" | grep -cE '^[0-9a-f-]{36}$')" = 1 ] \
  && ok "the upgrade gives the database an epoch" || bad "no epoch"
out=$("$B" --db v1.db verify "$(cat "$SRC/tests/data/chain_v1.receipt")" 2>&1) \
  && case $out in *"folio: QDECM8W-000001"*) ok "a CK1 receipt of the old version verifies" ;; *) bad "CK1: $out" ;; esac \
  || bad "CK1 receipt refused: $out"
EV=$(sqlite3 v1.db "SELECT uuid FROM event")
sqlite3 v1.db "SELECT 1" >/dev/null
"$B" --db v1.db event open "$EV" >/dev/null 2>&1   # closed: an upgrade keeps the old rules
"$B" --db v1.db pledge 1001 --keyed > v1r.txt || bad "a pledge after the upgrade"
[ "$(sqlite3 v1.db "SELECT format FROM audit ORDER BY seq DESC LIMIT 1")" = 2 ] && ok "new entries are format 2" \
  || bad "new entry format"
intact "v1 database verifies after new records" v1.db
out=$("$B" --db v1.db receipt QDECM8W-000002 2>&1 | grep '^QR: ' | cut -c5-)
intact "an old record's new CK2 receipt is a head of the upgraded chain" v1.db --head "$out"
# The format-2 hash, recomputed from the documented bytes with sha256sum.
IFS='|' read -r prev kiosk at kind uuid hash < <(sqlite3 v1.db \
  "SELECT prev_hash, kiosk_id, at, kind, record_uuid, hash FROM audit ORDER BY seq DESC LIMIT 1")
content=$(sqlite3 v1.db "SELECT content FROM audit ORDER BY seq DESC LIMIT 1")
want=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$prev" "$kiosk" "$at" "$kind" "$uuid" "$content" | sha256sum | cut -c1-64)
[ "$want" = "$hash" ] && ok "format 2 hash = SHA-256(prev, kiosk, at, kind, uuid, content, each + LF)" \
  || bad "format 2 hash differs from the documented bytes"

# ---- 1. rows must match their own entries; UUIDs are one per record ----
new_kiosk k.db
intact "a new kiosk verifies" k.db
ATT=$(sqlite3 k.db "SELECT uuid FROM attendance LIMIT 1")
P1=$(sqlite3 k.db "SELECT uuid FROM person WHERE employee_no = '1001'")
copy_db k.db a1.db
if sqlite3 a1.db "INSERT INTO event(uuid, kiosk_id, title, kind, unit_code, start_local, state, created_at)
     VALUES ('$ATT', (SELECT value FROM meta WHERE key='kiosk_id'), 'Falso', 'curso', 'SCLC', '2025-01-01 10:00',
             'closed', 1)" 2>/dev/null; then
  bad "an event reusing an attendance's UUID was inserted"
else
  ok "an event reusing an attendance's UUID is refused by the schema"
fi
sqlite3 a1.db "DROP TRIGGER event_uuid; DROP TRIGGER attendance_uuid;
  INSERT INTO event(uuid, kiosk_id, title, kind, unit_code, start_local, state, created_at)
  VALUES ('$ATT', (SELECT value FROM meta WHERE key='kiosk_id'), 'Falso', 'curso', 'SCLC', '2025-01-01 10:00',
          'closed', 1);"
expect_broken "an event reusing an attendance's UUID (triggers dropped) is reported" "evento $ATT" \
  "$B" --db a1.db audit verify
copy_db k.db a2.db
sqlite3 a2.db "DROP TRIGGER attendance_uuid;
  INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, at, method, folio)
  VALUES ('$P1', (SELECT value FROM meta WHERE key='kiosk_id'), (SELECT id FROM event), '1004', 1, 'keyed', 'X-1');"
expect_broken "an attendance reusing a person's UUID is reported" "registro de asistencia $P1" "$B" --db a2.db audit verify

copy_db k.db a3.db
sqlite3 a3.db "INSERT INTO person(uuid, kiosk_id, employee_no, surname1, unit_code, name_norm, updated_at)
  VALUES ('$ATT', (SELECT value FROM meta WHERE key='kiosk_id'), '9999', 'Falsa', 'SCLC', 'falsa', 1)"
expect_broken "a person put in by hand with an attendance's UUID is reported" "persona $ATT" \
  "$B" --db a3.db audit verify

# ---- 2. master data cannot be laundered ----
copy_db k.db m.db
sqlite3 m.db "UPDATE event SET start_local = '2024-11-24 10:00'"
expect_broken "a new version over an event edited by hand is refused" "evento $E: se modificó por fuera del programa (ya no coincide con su entrada de auditoría)" \
  "$B" --db m.db event close "$E"
expect_broken "the edited event is reported" "evento $E: se modificó después de registrarse" "$B" --db m.db audit verify
"$B" --db m.db checkin "$E" 1004 >/dev/null 2>&1
expect_broken "... whatever was written after it" "evento $E: se modificó después de registrarse" "$B" --db m.db audit verify
# ... and a forged version entry (correct hash, chain intact) does not
# launder it: an event's versions differ only in its state. (Dated after
# every version held: the version rule makes the latest time current.)
copy_db k.db m3.db
sqlite3 m3.db "UPDATE event SET start_local = '2024-11-24 10:00'"
IFS='|' read -r kid ep pos prev < <(sqlite3 m3.db "SELECT kiosk_id, epoch, pos, hash FROM audit ORDER BY seq DESC LIMIT 1")
content=$(sqlite3 m3.db "SELECT json_array('event', t.uuid, t.kiosk_id, t.title, t.kind, (SELECT json_group_array(topic)
  FROM (SELECT topic FROM event_topic x WHERE x.event_id = t.id ORDER BY topic)), t.unit_code, t.start_local,
  t.end_local, t.place, t.instructor, t.pat_key, t.signature, t.state) FROM event t")
h=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$prev" "$kid" 4102444800 event "$E" "$content" | sha256sum | cut -c1-64)
sqlite3 m3.db "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, format, epoch, pos)
  VALUES ('$kid', 4102444800, 'event', '$E', '$(printf '%s' "$content" | sed "s/'/''/g")', '$prev', '$h', 2, '$ep', $((pos + 1)))"
expect_broken "a forged event version with a correct hash is reported" "cambia algo más que el estado del evento" \
  "$B" --db m3.db audit verify
copy_db k.db m2.db
sqlite3 m2.db "UPDATE person SET unit_code = 'CHE' WHERE employee_no = '1001'"
printf '%s\n' 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area' '1001,José,Peña,Íñiguez,CHE,Otra' > r2.csv
expect_broken "a roster import over a person edited by hand is refused" "no se importó nada: persona $P1: se modificó por fuera del programa" \
  "$B" --db m2.db roster import r2.csv
expect_broken "the edited person is reported" "persona $P1: se modificó después de registrarse" "$B" --db m2.db audit verify

# ---- 3. the chain head is signed ----
copy_db k.db t.db
R2=$(sed -n 2p r2.txt)   # the receipt of the last check-in
H=$("$B" --db t.db audit head)
mkdir -p copias && "$B" --db t.db backup copias > backup.txt || bad "backup"
BK=$(cat backup.txt)
"$B" --db t.db pledge 1004 --keyed > r4.txt || bad "pledge after the backup"
R4=$(sed -n 2p r4.txt)
"$B" --db t.db export attendance "$E" --format pdf -o lista.pdf >/dev/null || bad "export"
pdftotext lista.pdf lista.txt 2>/dev/null || : > lista.txt
intact "receipts, export, backup and a kept head all verify before the attack" t.db --head "$R2" --head "$R4" \
  --head "$H" --head "$BK" $([ -s lista.txt ] && echo --head lista.txt)
# Delete the newest record and its entry (what the issue did).
sqlite3 t.db "DROP TRIGGER pledge_no_delete; DROP TRIGGER audit_no_delete;
  DELETE FROM pledge WHERE folio = (SELECT max(folio) FROM pledge);
  DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);"
expect_broken "the newest record deleted: the folio gap is reported" "faltan los folios" "$B" --db t.db audit verify
sqlite3 t.db "UPDATE meta SET value = value - 1 WHERE key = 'folio_seq'"
expect_broken "... and with the counter wound back, the signed heads kept in the database" "termina en la" \
  "$B" --db t.db audit verify
sqlite3 t.db "DROP TRIGGER signed_head_no_delete; DELETE FROM signed_head_log WHERE pos > (SELECT max(pos) FROM audit)"
expect_broken "... and with the counter and the kept heads wound back, the last write's signed head" \
  "termina en la" "$B" --db t.db audit verify
# The attacker puts back the last write's signed head of an older copy of
# the file (here the backup's): the database alone then cannot tell.
sqlite3 t.db "ATTACH '$(cat backup.txt)' AS old; DELETE FROM head_sig; INSERT INTO head_sig SELECT * FROM old.head_sig;"
intact "with its signed heads wound back too, the database alone cannot tell" t.db
copy_db t.db t1.db
expect_broken "... the receipt of the deleted record tells" "termina en la" "$B" --db t.db audit verify --head "$R4"
if [ -s lista.txt ]; then
  expect_broken "... so does the head printed in an export (pdftotext)" "termina en la" \
    "$B" --db t1.db audit verify --head lista.txt
  copy_db t.db t1.db
  "$B" --db t1.db pledge 1001 --keyed >/dev/null || bad "a new record at the deleted position"
  expect_broken "... also once another record took its position" "esta cadena fue reescrita" \
    "$B" --db t1.db audit verify --head lista.txt
else
  echo "skipped: pdftotext missing (export head checks)"
fi
copy_db k.db t2.db
"$B" --db t2.db pledge 1004 --keyed >/dev/null || bad "pledge before backup 2"
"$B" --db t2.db backup copias2 > backup2.txt || bad "backup 2"
sqlite3 t2.db "DROP TRIGGER pledge_no_delete; DROP TRIGGER audit_no_delete; DROP TRIGGER signed_head_no_delete;
  DELETE FROM pledge WHERE folio = (SELECT max(folio) FROM pledge);
  DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);
  UPDATE meta SET value = value - 1 WHERE key = 'folio_seq';
  DELETE FROM signed_head_log WHERE pos > (SELECT max(pos) FROM audit); DELETE FROM head_sig;"
expect_broken "a backup made before the deletion tells (its signed head)" "termina en la" \
  "$B" --db t2.db audit verify --head "$(cat backup2.txt)"
expect_broken "once shown a newer head, the kiosk refuses to write on the shorter chain" "se eliminaron o reescribieron entradas" \
  "$B" --db t2.db checkin "$E" 1004 --keyed
# Entries hand-appended by someone without the key (hashes recomputed).
copy_db k.db f.db
sqlite3 f.db "UPDATE person SET unit_code = 'CHE' WHERE employee_no = '1001'"
IFS='|' read -r kid ep pos prev < <(sqlite3 f.db "SELECT kiosk_id, epoch, pos, hash FROM audit ORDER BY seq DESC LIMIT 1")
content=$(sqlite3 f.db "SELECT json_array('person', uuid, employee_no, given_name, surname1, surname2, unit_code, area,
  position, email, active) FROM person WHERE employee_no = '1001'")
h=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$prev" "$kid" 4102444800 person "$P1" "$content" | sha256sum | cut -c1-64)
sqlite3 f.db "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, format, epoch, pos)
  VALUES ('$kid', 4102444800, 'person', '$P1', '$(printf '%s' "$content" | sed "s/'/''/g")', '$prev', '$h', 2, '$ep', $((pos + 1)))"
expect_broken "a version forged with a correct hash carries no signature" "no llevan firma de su llave" \
  "$B" --db f.db audit verify
expect_broken "... and the kiosk refuses to write on top of it" "no lleva firma de su llave" \
  "$B" --db f.db checkin "$E" 1004 --keyed
# Without the key file, nothing is written to a signed database (it could
# not be signed after, and the kiosk would refuse to write on top of it).
copy_db k.db nk.db
rm -f nk.db.key
expect_broken "without its key file, a signed database is not written" "solo se escribe con esa llave" \
  "$B" --db nk.db event close "$E"
intact "... and still verifies" nk.db
# Unknown or forged signed heads.
forged=$(printf '%s' "$H" | sed 's/:\([0-9a-f]\)\([0-9a-f]*\)$/:0\2/')
[ "$forged" = "$H" ] && forged=$(printf '%s' "$H" | sed 's/:\([0-9a-f]\)\([0-9a-f]*\)$/:1\2/')
expect_broken "a signed head with a changed signature is refused" "firma no válida" \
  "$B" --db k.db audit verify --head "$forged"

# ---- 4. the kiosk id, units and settings are covered ----
copy_db k.db u.db
sqlite3 u.db "UPDATE unit SET timezone = 'America/Tijuana' WHERE code = 'SCLC'"
expect_broken "a unit's time zone changed by hand is reported" "unidad SCLC: se modificó después de registrarse" "$B" --db u.db audit verify
copy_db k.db u2.db
sqlite3 u2.db "UPDATE meta SET value = 'Otra institución' WHERE key = 'institution'"
expect_broken "the institution changed by hand is reported" "ajuste institution: se modificó después de registrarse" "$B" --db u2.db audit verify
copy_db k.db u3.db
sqlite3 u3.db "UPDATE meta SET value = '\$argon2id\$v=19\$m=65536,t=2,p=1\$forged' WHERE key = 'pin_hash'"
expect_broken "a PIN hash replaced by hand is reported" "ajuste pin_hash: se modificó después de registrarse" "$B" --db u3.db audit verify
copy_db k.db u4.db
sqlite3 u4.db "DROP TRIGGER audit_no_update; UPDATE audit SET kiosk_id = 'ZZZZZZZ' WHERE seq = (SELECT max(seq) FROM audit)"
expect_broken "an entry moved to another kiosk's chain breaks its hash (the kiosk id is under it)" "la huella no coincide" "$B" --db u4.db audit verify

# ---- records under a made-up kiosk id, or a key put in by hand ----
copy_db k.db z.db
sqlite3 z.db "INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, at, method, folio)
  VALUES ('00000000-0000-4000-8000-000000000001', 'ZZZZZZZ', (SELECT id FROM event), '1004', 1767225600, 'keyed',
          'ZZZZZZZ-000001')"
zc=$(sqlite3 z.db "SELECT json_array('attendance', t.uuid, t.kiosk_id, e.uuid, t.employee_no, t.guest_name, t.at,
  t.method, NULL, t.folio) FROM attendance t JOIN event e ON e.id = t.event_id WHERE t.kiosk_id = 'ZZZZZZZ'")
zh=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n' 0000000000000000000000000000000000000000000000000000000000000000 ZZZZZZZ \
  1767225600 attendance 00000000-0000-4000-8000-000000000001 "$zc" | sha256sum | cut -c1-64)
sqlite3 z.db "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, format, epoch, pos)
  VALUES ('ZZZZZZZ', 1767225600, 'attendance', '00000000-0000-4000-8000-000000000001', '$zc',
          '0000000000000000000000000000000000000000000000000000000000000000', '$zh', 2,
          '00000000-0000-4000-8000-00000000000e', 1)"
expect_broken "an attendance under a made-up kiosk with its own consistent chain is reported" \
  "cuya llave pública no está en esta base de datos" "$B" --db z.db audit verify
sqlite3 z.db "INSERT INTO kiosk_key(kiosk_id, public_key, added_at) VALUES ('ZZZZZZZ', randomblob(32), 1)"
expect_broken "... and so is a public key put in by hand to vouch for it" "llave pública ZZZZZZZ no está en la bitácora de auditoría" \
  "$B" --db z.db audit verify

# forge_run DB KIOSK-ON-ROW KIOSK-ON-ENTRY FORMAT FOLIO-NUMBER: an attendance of 1004 under
# KIOSK-ON-ROW, and an audit entry under KIOSK-ON-ENTRY that starts a chain
# of its own (a new epoch, position 1, the zero hash before it), whose hash
# is right for FORMAT (1: without the kiosk id, as before the upgrade).
forge_run() {
  local db=$1 rk=$2 ek=$3 fmt=$4 n=$5 u=00000000-0000-4000-8000-0000000000f1 at=1767225600 c h
  local folio; folio=$(printf '%s-%06d' "$rk" "$n")
  local zero=0000000000000000000000000000000000000000000000000000000000000000
  sqlite3 "$db" "INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, at, method, folio)
    VALUES ('$u', '$rk', (SELECT id FROM event), '1004', $at, 'keyed', '$folio');
    UPDATE meta SET value = '$n' WHERE key = 'folio_seq' AND '$rk' = (SELECT value FROM meta WHERE key = 'kiosk_id')"
  c=$(sqlite3 "$db" "SELECT json_array('attendance', t.uuid, t.kiosk_id, e.uuid, t.employee_no, t.guest_name, t.at,
    t.method, NULL, t.folio) FROM attendance t JOIN event e ON e.id = t.event_id WHERE t.uuid = '$u'")
  if [ "$fmt" = 1 ]; then
    h=$(printf '%s\n%s\n%s\n%s\n%s\n' $zero $at attendance $u "$c" | sha256sum | cut -c1-64)
  else
    h=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n' $zero "$ek" $at attendance $u "$c" | sha256sum | cut -c1-64)
  fi
  sqlite3 "$db" "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, format, epoch, pos)
    VALUES ('$ek', $at, 'attendance', '$u', '$c', '$zero', '$h', $fmt, '00000000-0000-4000-8000-0000000000e1', 1)"
}
KID=$(sqlite3 k.db "SELECT value FROM meta WHERE key = 'kiosk_id'")
NF=$(( $(sqlite3 k.db "SELECT value FROM meta WHERE key = 'folio_seq'") + 1 ))
copy_db k.db z1.db
forge_run z1.db ZZZZZZZ ZZZZZZZ 1 1
expect_broken "... also when its entry claims the format from before the upgrade (format 1)" \
  "cuya llave pública no está en esta base de datos" "$B" --db z1.db audit verify
if command -v pdftotext >/dev/null; then
  "$B" --db z1.db export attendance "$E" --format pdf -o z1.pdf >/dev/null 2>&1
  pdftotext z1.pdf - 2>/dev/null | grep -q "Cadena de auditoría NO verificada" \
    && ok "... and the attendance list PDF says its chain is not verified" \
    || bad "the list PDF of a database with a forged chain does not say so"
else
  echo "skipped: the PDF check (pdftotext missing)"
fi
copy_db k.db z2.db
forge_run z2.db "$KID" "$KID" 2 "$NF"
expect_broken "a second lineage of this kiosk's chain (new epoch from position 1, next folio, counter moved on) is reported" \
  "no llevan firma de su llave" "$B" --db z2.db audit verify
copy_db k.db z3.db
forge_run z3.db ZZZZZZZ "$KID" 2 1
expect_broken "... and so is one holding a row of a made-up kiosk" "no llevan firma de su llave" "$B" --db z3.db audit verify
copy_db k.db z4.db
forge_run z4.db "$KID" "$KID" 1 "$NF"
sqlite3 z4.db "DROP TRIGGER audit_no_update; UPDATE audit SET seq = -seq WHERE epoch = '00000000-0000-4000-8000-0000000000e1'"
expect_broken "... and one in format 1 put first in the log (a negative seq)" "no llevan firma de su llave" \
  "$B" --db z4.db audit verify

# A record appended by hand on top of the chain (the next position, the
# right hash, the next folio): no receipt is signed for it, not even a
# reprint by folio (the session-5 red team got a genuine CK2 that way), and
# a backup of the database signs no epoch over it.
copy_db k.db z5.db
IFS='|' read -r ze zp zh < <(sqlite3 z5.db "SELECT epoch, pos, hash FROM audit WHERE kiosk_id = '$KID' ORDER BY seq DESC LIMIT 1")
zu=00000000-0000-4000-8000-0000000000f5 zat=1767225600
zf=$(printf '%s-%06d' "$KID" "$NF")
sqlite3 z5.db "INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, at, method, folio)
  VALUES ('$zu', '$KID', (SELECT id FROM event), '1004', $zat, 'keyed', '$zf');
  UPDATE meta SET value = '$NF' WHERE key = 'folio_seq'"
zc=$(sqlite3 z5.db "SELECT json_array('attendance', t.uuid, t.kiosk_id, e.uuid, t.employee_no, t.guest_name, t.at,
  t.method, NULL, t.folio) FROM attendance t JOIN event e ON e.id = t.event_id WHERE t.uuid = '$zu'")
zhash=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$zh" "$KID" $zat attendance $zu "$zc" | sha256sum | cut -c1-64)
sqlite3 z5.db "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, format, epoch, pos)
  VALUES ('$KID', $zat, 'attendance', '$zu', '$zc', '$zh', '$zhash', 2, '$ze', $((zp + 1)))"
"$B" --db z5.db receipt "$zf" > z5.out 2> z5.err; rc=$?
[ "$rc" != 0 ] && ! grep -q "CK2:" z5.out && [ "$(wc -l < z5.err)" = 1 ] && grep -q "no lleva firma" z5.err \
  && ok "no receipt is signed for a record appended by hand (a reprint by folio)" \
  || bad "receipt of a record appended by hand: rc $rc, $(cat z5.out z5.err)"
"$B" --db z5.db backup z5bk > /dev/null 2>&1
[ "$(sqlite3 z5bk/*.db "SELECT count(*) FROM meta WHERE key LIKE 'epoch_sig:%'")" = 0 ] \
  && ok "... and a backup of it signs no epoch over it" || bad "a backup signed an epoch over a record appended by hand"
"$B" --db z5.db export certificates "$E" -o z5cert.pdf > z5c.out 2> z5c.err; rc=$?
[ "$rc" != 0 ] && [ ! -e z5cert.pdf ] && [ "$(wc -l < z5c.err)" = 1 ] && grep -q "no se firman constancias" z5c.err \
  && ok "... nor a certificate (one line, no file)" || bad "certificate over a record appended by hand: rc $rc, $(cat z5c.out z5c.err)"

# ---- the canonical employee number is derived, not trusted ----
copy_db k.db ek.db
sqlite3 ek.db "UPDATE person SET employee_key = 'x1001' WHERE employee_no = '1001';
  UPDATE person SET employee_key = '1001' WHERE employee_no = '1003'"
expect_broken "a person's canonical number changed by hand is reported" \
  "el número de empleado canónico con el que se busca se modificó" "$B" --db ek.db audit verify
"$B" --db ek.db checkin "$E" 01001 >/dev/null 2>&1
[ "$(sqlite3 ek.db "SELECT count(*) FROM attendance WHERE employee_no = '1003'")" = 0 ] \
  && ok "... and a badge read of 01001 is not recorded as 1003's" || bad "badge 01001 recorded as employee 1003"
copy_db k.db ek2.db
sqlite3 ek2.db "UPDATE person SET employee_key = NULL WHERE employee_no = '1002'"
expect_broken "... and so is a key removed where no other person holds it" \
  "el número de empleado canónico con el que se busca se modificó" "$B" --db ek2.db audit verify

# ---- a backup copy continues under a fresh epoch ----
BK=$(cat backup.txt)
cp "$BK" restored.db && cp k.db.key restored.db.key
intact "a restored backup verifies" restored.db
e1=$(sqlite3 k.db "SELECT value FROM meta WHERE key = 'epoch'")
IFS=' ' read -r be bp bh < <(sqlite3 restored.db "SELECT value FROM meta WHERE key = 'epoch_base'")
[ "$(sqlite3 restored.db "SELECT value FROM meta WHERE key = 'epoch'")" != "$e1" ] && [ "$be" = "$e1" ] \
  && ok "the copy has a new epoch whose base is the live one's" || bad "backup epoch: $be $bp"
"$B" --db restored.db pledge 1004 --keyed >/dev/null || bad "a record in the restored database"
got=$(sqlite3 restored.db "SELECT epoch = (SELECT value FROM meta WHERE key='epoch') AND pos = $bp + 1 AND prev_hash = '$bh'
  FROM audit ORDER BY seq DESC LIMIT 1")
[ "$got" = 1 ] && ok "the restored database's first entry continues from the base" || bad "restored first entry"
intact "the restored database verifies after new records" restored.db
# A receipt printed after the backup, shown to the restored database once a
# new record took its position: the message says the database continues a
# copy (a restore) — not only "rewritten" (the session-4 red team).
mkdir rs && (
  cd rs || exit 1
  "$B" --db r.db init --institution I --unit SCLC >/dev/null
  printf '%s\n' 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad' '1001,José,Peña,Íñiguez,SCLC' \
    '1002,Ana,Ruiz,,SCLC' '1003,Juan,Pérez,,SCLC' > r.csv
  "$B" --db r.db roster import r.csv >/dev/null
  RE=$("$B" --db r.db event add --title T --kind taller --topics etica --unit SCLC --start "2025-11-24 10:00" --no-signature)
  "$B" --db r.db event open "$RE" >/dev/null
  "$B" --db r.db checkin "$RE" 1001 >/dev/null
  "$B" --db r.db backup bk >/dev/null
  ck2=$("$B" --db r.db checkin "$RE" 1002 | sed -n 2p)
  mv r.db r.db.broken; rm -f r.db-wal r.db-shm; cp bk/*.db r.db; chmod 600 r.db
  "$B" --db r.db checkin "$RE" 1003 >/dev/null
  "$B" --db r.db audit verify --head "$ck2" > out.txt 2>&1 && echo accepted >> out.txt
) 
grep -q "continúa una copia hecha en la posición" rs/out.txt \
  && ok "a receipt printed after the backup: the restored database says it continues a copy" \
  || bad "receipt after a restore: $(cat rs/out.txt)"
# ... but deleted records passed off as a restore (the file's epoch and its
# base relabelled by hand, no backup ever made) are not given that story:
# no signed head covers the claimed base (the session-4 red team).
fake_restore() { # DIR EXTRA_SQL: the attack above, then EXTRA_SQL
mkdir "$1" && (
  cd "$1" || exit 1
  "$B" --db k.db init --institution I --unit SCLC >/dev/null
  printf '%s\n' 'numero_empleado,nombre,primer_apellido,unidad' '1001,Ana,Pérez,SCLC' '1002,Beto,López,SCLC' \
    '1003,Carla,Ruiz,SCLC' > r.csv
  "$B" --db k.db roster import r.csv >/dev/null
  FE=$("$B" --db k.db event add --title T --kind curso --topics etica --unit SCLC --start '2025-11-20 10:00')
  "$B" --db k.db event open "$FE" >/dev/null
  "$B" --db k.db checkin "$FE" 1001 --keyed >/dev/null
  sqlite3 k.db ".backup 'old.db'"
  "$B" --db k.db checkin "$FE" 1002 --keyed | grep '^CK2:' | head -1 > receipt.txt
  F=$(sqlite3 k.db "SELECT folio FROM attendance ORDER BY id DESC LIMIT 1")
  sqlite3 k.db "ATTACH 'old.db' AS o;
    DROP TRIGGER attendance_no_delete; DROP TRIGGER record_uuid_no_delete; DROP TRIGGER audit_no_delete;
    DELETE FROM record_uuid WHERE uuid = (SELECT uuid FROM attendance WHERE folio = '$F');
    DELETE FROM attendance WHERE folio = '$F';
    DELETE FROM audit WHERE seq > (SELECT max(seq) FROM o.audit);
    UPDATE meta SET value = (SELECT value FROM o.meta WHERE key = 'folio_seq') WHERE key = 'folio_seq';
    DELETE FROM head_sig; INSERT INTO head_sig SELECT * FROM o.head_sig;
    UPDATE meta SET value = '00000000-1111-4111-8111-111111111111' WHERE key = 'epoch';
    UPDATE meta SET value = (SELECT epoch || ' ' || pos || ' ' || hash FROM audit ORDER BY seq DESC LIMIT 1)
     WHERE key = 'epoch_base';
    $2"
  "$B" --db k.db checkin "$FE" 1003 --keyed >/dev/null
  "$B" --db k.db audit verify --head receipt.txt > out.txt 2>&1 && echo accepted >> out.txt
)
}
fake_restore fr ""
grep -q "ninguna cabeza firmada cubre esa posición" fr/out.txt \
  && ok "... and deleted records passed off as a restore are told apart (no signed head at the claimed base)" \
  || bad "fake restore: $(cat fr/out.txt)"

# ... nor when the old copy's signed head of the last write before the
# deleted record is logged again as a backup's (the source is not signed;
# the session-5 red team): a genuine copy carries the key's signature of
# its epoch and base, which no head stands in for.
fake_restore fr2 "INSERT INTO signed_head_log(kiosk_id, epoch, pos, hash, signed_at, signature, source)
     SELECT kiosk_id, epoch, pos, hash, signed_at, signature, 'backup' FROM o.head_sig;"
grep -q "ninguna cabeza firmada cubre esa posición" fr2/out.txt \
  && ok "... also with an older write's signed head logged again as a backup's" \
  || bad "fake restore with a relogged head: $(cat fr2/out.txt)"
[ "$(sqlite3 rs/r.db "SELECT count(*) FROM meta WHERE key LIKE 'epoch_sig:%' AND length(value) = 128")" -ge 1 ] \
  && ok "a backup copy holds the key's signature of its epoch" || bad "no epoch_sig in the restored copy"

# A genuine restore does not cover a later deletion: after a documented
# restore, a record made once the restored copy was written on, deleted by
# hand (its entries, the counter and the last head wound back from an older
# copy, no key and no backup file), is not told "restored from a backup":
# its receipt is dated after the restored epoch's first entry (the
# session-5 red team). Times through CEPCI_NOW (a test build).
mkdir rc && (
  cd rc || exit 1
  at() { CEPCI_NOW=$1 "$B" --db k.db "${@:2}"; }
  at 1764000000 init --institution I --unit SCLC >/dev/null
  printf '%s\n' 'numero_empleado,nombre,primer_apellido,unidad' '1001,Ana,Pérez,SCLC' '1002,Beto,López,SCLC' \
    '1003,Carla,Ruiz,SCLC' '1004,Dora,Díaz,SCLC' '1005,Eva,Gil,SCLC' > r.csv
  at 1764000000 roster import r.csv >/dev/null
  CE=$(at 1764000000 event add --title T --kind curso --topics etica --unit SCLC --start '2025-11-20 10:00')
  at 1764000000 event open "$CE" >/dev/null
  at 1764000010 checkin "$CE" 1001 --keyed >/dev/null
  at 1764000020 backup bk >/dev/null
  at 1764000030 checkin "$CE" 1002 --keyed | grep '^CK2:' > lost.txt   # lost by the restore
  mv k.db k.db.broken; rm -f k.db-wal k.db-shm; cp bk/*.db k.db; chmod 600 k.db
  at 1764000100 checkin "$CE" 1003 --keyed >/dev/null                  # the first record after it
  sqlite3 k.db ".backup 'old.db'"
  at 1764000200 checkin "$CE" 1004 --keyed | grep '^CK2:' > later.txt
  sqlite3 k.db "ATTACH 'old.db' AS o;
    DROP TRIGGER attendance_no_delete; DROP TRIGGER record_uuid_no_delete; DROP TRIGGER audit_no_delete;
    DELETE FROM record_uuid WHERE uuid = (SELECT uuid FROM attendance WHERE employee_no = '1004');
    DELETE FROM attendance WHERE employee_no = '1004';
    DELETE FROM audit WHERE seq > (SELECT max(seq) FROM o.audit);
    UPDATE meta SET value = (SELECT value FROM o.meta WHERE key = 'folio_seq') WHERE key = 'folio_seq';
    DELETE FROM head_sig; INSERT INTO head_sig SELECT * FROM o.head_sig;"
  at 1764000300 checkin "$CE" 1005 --keyed >/dev/null
  "$B" --db k.db audit verify --head later.txt > later.out 2>&1 && echo accepted >> later.out
  "$B" --db k.db audit verify --head lost.txt > lost.out 2>&1 && echo accepted >> lost.out
)
grep -q "esa restauración no la perdió" rc/later.out && ! grep -q "continúa una copia" rc/later.out \
  && ok "a record deleted after a genuine restore is not passed off as lost by it" || bad "later deletion: $(cat rc/later.out)"
grep -q "continúa una copia hecha en la posición" rc/lost.out \
  && ok "... while the record that restore did lose still gets the restore message" || bad "lost record: $(cat rc/lost.out)"

# verify 'CK2:…' --db FILE says whether FILE holds that record: its entry
# at the signed position AND its row as signed (the session-5 red team:
# with the row deleted or moved to another person by hand, it said
# "coincide"), in both orders of the arguments.
mkdir rv && (
  cd rv || exit 1
  "$B" --db k.db init --institution I --unit SCLC >/dev/null
  printf '%s\n' 'numero_empleado,nombre,primer_apellido,unidad' '1001,Ana,Pérez,SCLC' '1002,Beto,López,SCLC' \
    '1003,Carla,Ruiz,SCLC' > r.csv
  "$B" --db k.db roster import r.csv >/dev/null
  VE=$("$B" --db k.db event add --title T --kind curso --topics etica --unit SCLC --start '2025-11-20 10:00')
  "$B" --db k.db event open "$VE" >/dev/null
  cp k.db before.db    # a copy from before the record (a rollback, a restore)
  "$B" --db k.db checkin "$VE" 1001 --keyed | grep '^CK2:' > ck2.txt
  "$B" --db k.db checkin "$VE" 1002 --keyed >/dev/null
  cp k.db edit.db && cp k.db del.db
  sqlite3 edit.db "DROP TRIGGER attendance_no_update; UPDATE attendance SET employee_no = '1003' WHERE folio LIKE '%-000001'"
  sqlite3 del.db "DROP TRIGGER attendance_no_delete; DELETE FROM attendance WHERE folio LIKE '%-000001'"
  for f in k edit del before; do
    "$B" verify "$(cat ck2.txt)" --db $f.db > $f.a 2>&1; echo "rc=$?" >> $f.a
    "$B" --db $f.db verify "$(cat ck2.txt)" > $f.b 2>&1; echo "rc=$?" >> $f.b
  done
)
for o in a b; do
  grep -q "coincide con esta base de datos" rv/k.$o && grep -q "rc=0" rv/k.$o \
    && ok "verify CK2 --db ($o): the database that holds the record matches" || bad "verify CK2 ($o): $(cat rv/k.$o)"
  grep -q "se cambió a mano" rv/edit.$o && grep -q "rc=1" rv/edit.$o && ! grep -q "coincide con esta" rv/edit.$o \
    && ok "verify CK2 --db ($o): a row moved to another person by hand is reported" || bad "edited row ($o): $(cat rv/edit.$o)"
  grep -q "se borró a mano" rv/del.$o && grep -q "rc=1" rv/del.$o && ! grep -q "coincide con esta" rv/del.$o \
    && ok "verify CK2 --db ($o): a row deleted by hand is reported" || bad "deleted row ($o): $(cat rv/del.$o)"
done
# (a) only: --db after the payload asks whether FILE holds it; a copy from
# before the record does not, exit 1 (the session-6 red team: it said so
# and exited 0). (b), the kiosk's own --db, may simply not have it yet.
grep -q "el registro no está en esta base de datos" rv/before.a && grep -q "rc=1" rv/before.a &&
  grep -q "no tiene el registro de este comprobante" rv/before.a \
  && ok "verify CK2 --db FILE: a copy from before the record does not hold it, exit 1" || bad "before (a): $(cat rv/before.a)"

# A PIN change wound back by someone who can write the file (not the key)
# and knows the old PIN: the file alone verifies (the newest entries wound
# back, as documented), but set-pin prints the signed head at the change,
# and shown later it tells (the session-5 red team).
mkdir pr && (
  cd pr || exit 1
  "$B" --db k.db init --institution I --unit SCLC >/dev/null
  printf '1111\n1111\n' | "$B" --db k.db admin set-pin >/dev/null
  "$B" --db k.db backup bk >/dev/null 2>&1
  printf '987654\n987654\n' | "$B" --db k.db admin set-pin > setpin.out
  grep '^CKH1:' setpin.out > pin-head.txt
  old=$(sqlite3 bk/*.db "SELECT value FROM meta WHERE key = 'pin_hash'")
  me=$(sqlite3 k.db "SELECT value FROM meta WHERE key = 'kiosk_id'")
  sqlite3 k.db "DROP TRIGGER audit_no_delete; DROP TRIGGER signed_head_no_delete;
    DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);
    DELETE FROM signed_head_log WHERE id = (SELECT max(id) FROM signed_head_log WHERE source = 'pin');
    DELETE FROM head_sig;
    INSERT INTO head_sig SELECT kiosk_id, epoch, pos, hash, signed_at, signature FROM signed_head_log
      WHERE kiosk_id = '$me' AND id = (SELECT max(id) FROM signed_head_log WHERE kiosk_id = '$me');
    UPDATE meta SET value = '$old' WHERE key = 'pin_hash';"
  "$B" --db k.db audit verify > alone.out 2>&1 && echo accepted >> alone.out
  "$B" --db k.db audit verify --head pin-head.txt > shown.out 2>&1 && echo accepted >> shown.out
)
[ "$(grep -c '^CKH1:' pr/setpin.out)" = 1 ] && grep -q "guárdela fuera del quiosco" pr/setpin.out \
  && ok "admin set-pin prints the signed head at the change" || bad "set-pin output: $(cat pr/setpin.out)"
grep -q "cadena de auditoría ROTA" pr/shown.out && ! grep -q accepted pr/shown.out \
  && ok "... which tells a PIN change wound back by hand (the file alone verifies: $(grep -c accepted pr/alone.out))" \
  || bad "PIN rollback with the head shown: $(cat pr/shown.out)"

echo "$fails failed"
[ "$fails" -eq 0 ]
