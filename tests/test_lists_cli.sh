#!/usr/bin/env bash
# Issue 12 (items 6-11, 14, 16-18) through the real executable: a database
# of the previous version upgrades and still verifies; leading zeros; event
# reopening with a reason; desk and keyed check-ins (inactive staff with a
# warning); verify PAYLOAD --db; keys import refuses terminal escapes;
# concurrent paper pledges of one person; an XLSX on a full disk fails in
# one line; backups after the clock went back.
set -u
B=$(readlink -f "${CK_BIN:?}")
for tool in sqlite3 base64 pdftoppm zbarimg pdftotext; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (scripts/setup.sh installs it)"; exit 77; }
done
FX=${CK_SOURCE_DIR:?}/tests/fixtures
T=$(mktemp -d /tmp/ck-lists-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fails=0
pass=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got [$2], want [$3]"; fi; }
export CEPCI_NOW=1741881600   # 2025-03-13, the day after the fixture's events (test builds read it)
ck() { "$B" --db "$T/k.db" "$@"; }

# ---- a database of the previous version (schema 1) ----
sqlite3 k.db < "$FX/v1-kiosk.sql" || { echo "cannot load the fixture"; exit 1; }
base64 -d "$FX/v1-kiosk.key.b64" > k.db.key && chmod 600 k.db k.db.key
EA=e7ac08f3-9370-4144-89b1-6bd577bf4b56   # closed, 4 check-ins (one typed in)
EB=db2a8521-1e2a-4c0e-ac00-ae0bb18c6b31   # open, 1 check-in
out=$(ck audit verify 2>&1) && ok "the upgraded database verifies: $out" || bad "audit verify after the upgrade: $out"
check "upgraded to this version's schema" "$(sqlite3 k.db 'PRAGMA user_version')" \
    "$(ls "$CK_SOURCE_DIR"/db/[0-9][0-9][0-9]_*.sql | wc -l)"
check "rows, ids and folios kept" "$(sqlite3 k.db "SELECT group_concat(id || ':' || folio || ':' || method, ' ') FROM attendance")" \
    "$(sqlite3 -cmd ".read $FX/v1-kiosk.sql" :memory: "SELECT group_concat(id || ':' || folio || ':' || method, ' ') FROM attendance")"
check "append-only and UUID registry triggers kept" \
    "$(sqlite3 k.db "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'attendance' ORDER BY name)")" \
    "attendance_no_delete attendance_no_update attendance_uuid"
sqlite3 k.db "UPDATE attendance SET at = 0" 2>/dev/null && bad "attendance accepted an UPDATE" || ok "attendance still refuses UPDATE"
# The rebuilt table and the new one still check the UUID registry of
# db/002_chain.sql: a row put in by hand with an event's UUID fails.
out=$(sqlite3 k.db "INSERT INTO attendance(uuid, kiosk_id, event_id, guest_name, at, method, folio) SELECT '$EA', kiosk_id, event_id, 'X', 0, 'guest', 'X-1' FROM attendance LIMIT 1" 2>&1) \
    && bad "an attendance with an event's UUID was accepted" \
    || { case $out in *"another kind"*) ok "attendance still checks the UUID registry";; *) bad "attendance with an event's UUID: $out";; esac; }
out=$(sqlite3 k.db "INSERT INTO event_reopen(uuid, kiosk_id, event_id, at, reason) SELECT uuid, kiosk_id, event_id, 0, 'x' FROM attendance LIMIT 1" 2>&1) \
    && bad "a reopening with an attendance's UUID was accepted" \
    || { case $out in *"another kind"*) ok "event_reopen checks the UUID registry";; *) bad "reopening with an attendance's UUID: $out";; esac; }

# 16. "007" and "7" were two people before: both kept, each found by its
# exact number; "0007" is the one already canonical; roster import warns.
check "clashing numbers kept" "$(ck roster list | cut -f1,2 | grep -c $'^0*7\t')" 2
ck checkin "$EB" 0007 >/dev/null 2>&1 && ok "checkin 0007" || bad "checkin 0007"
ck checkin "$EB" 007 >/dev/null 2>&1 && ok "checkin 007 (the other person)" || bad "checkin 007"
check "0007 is 7 (Beto), 007 is Ana" \
    "$(sqlite3 k.db "SELECT group_concat(x, ' ') FROM (SELECT a.employee_no || '=' || p.given_name AS x FROM attendance a JOIN person p USING (employee_no) JOIN event e ON e.id = a.event_id WHERE e.uuid = '$EB' AND a.employee_no IN ('7', '007') ORDER BY a.id)")" \
    "7=Beto 007=Ana"
ck checkin "$EB" 8 >/dev/null 2>&1 && ok "checkin 8 finds 0008" || bad "checkin 8"
check "0008's record names its stored number" "$(sqlite3 k.db "SELECT employee_no FROM attendance ORDER BY id DESC LIMIT 1")" 0008
printf 'numero_empleado,primer_apellido,unidad\n8,Díaz,CHE\n' > r8.csv
ck roster import r8.csv > imp.out 2> imp.err && ok "roster import 8" || bad "roster import 8: $(cat imp.err)"
grep -q "1 sin cambios" imp.out && ok "8 updates 0008, no new person" || bad "import of 8: $(cat imp.out)"
grep -q "ceros a la izquierda" imp.err && ok "roster import warns of the clash" || bad "no clash warning: $(cat imp.err)"
check "area of 0008 kept (no area column)" "$(ck roster list | grep '^0008' | cut -f4)" "Jurídico"

# 8. Old records: unit, area and position from today's roster, marked.
ck export attendance "$EA" --format csv -o a.csv >/dev/null && ok "export the old list" || bad "export the old list"
check "old rows say padrón actual" "$(grep -c 'padrón actual' a.csv)" 4
ck export attendance "$EA" --format pdf -o a.pdf >/dev/null && pdftotext a.pdf - | grep -q "padrón actual" && ok "the PDF notes it" || bad "old rows not noted in the PDF"
ck export attendance "$EB" --format csv -o b.csv >/dev/null
check "new rows say al registro" "$(grep -c 'al registro' b.csv)" 3
ck audit verify >/dev/null 2>&1 && ok "verifies after new records" || bad "audit verify after new records: $(ck audit verify 2>&1)"

# ---- 7. reopening a closed event ----
err=$(ck event open "$EA" 2>&1) && bad "event open of a closed event succeeded" || ok "event open of a closed event refused"
echo "$err" | grep -q -- "--reopen --reason" && ok "it says how" || bad "no hint: $err"
ck event open "$EA" --reopen 2>/dev/null && bad "--reopen without a reason" || ok "--reopen needs --reason"
ck event open "$EA" --reopen --reason "Faltó capturar la lista de la tarde" && ok "reopened with a reason" || bad "reopen"
check "open again" "$(ck event list | grep "^$EA" | cut -f4)" open
# 10. A paper list of someone who has since left: accepted, with a warning.
before=$(ck indicators --year 2025 --format json)
ck checkin "$EA" 1004 2>/dev/null && bad "desk check-in of inactive staff" || ok "desk check-in of inactive staff refused"
ck checkin "$EA" 1004 --keyed > k.out 2> k.err && ok "keyed check-in of inactive staff accepted" || bad "keyed inactive: $(cat k.err)"
grep -q "inactivo" k.err && [ "$(wc -l < k.err)" -eq 1 ] && ok "with one warning line" || bad "warning: $(cat k.err)"
check "indicators unchanged (inactive staff do not count)" "$(ck indicators --year 2025 --format json)" "$before"
ck event close "$EA"
ck export attendance "$EA" --format pdf -o r.pdf >/dev/null
pdftotext r.pdf - | tr '\n' ' ' | grep -q "Faltó capturar la lista de la tarde" && ok "the reason is printed" || bad "reason not on the list"
check "the reopening is audited" "$(sqlite3 k.db "SELECT count(*) FROM audit WHERE kind = 'reopen'")" 1
# 7. A check-in at the desk says so.
ck event open "$EA" --reopen --reason "Registro tardío en la coordinación" >/dev/null
ck checkin "$EA" 1001 2>/dev/null; ck checkin "$EB" 0008 2>/dev/null
ck export attendance "$EB" --format csv -o b.csv >/dev/null
check "desk check-ins say mesa de registro" "$(grep -c 'mesa de registro' b.csv)" 3

# ---- 6. verify PAYLOAD --db ----
ck event close "$EA"
ck export attendance "$EA" --format pdf -o v.pdf >/dev/null
pages=$(pdfinfo v.pdf | sed -n 's/^Pages: *//p')
pdftoppm -r 150 -png -f "$pages" -l "$pages" v.pdf q && qr=$(zbarimg --raw -q q-*.png 2>/dev/null | grep '^CKL2:' | head -1)
[ -n "$qr" ] && ok "the list's QR" || bad "no QR"
ck verify "$qr" > v.out 2>&1 && ok "verify" || bad "verify: $(cat v.out)"
for want in "evento: Taller de ética pública" "fecha: 12 de marzo de 2025, 10:00 h" "unidad: SCLC" "filas: 5" \
            "estado: definitiva (evento cerrado)" "institución: Institución de Prueba" "firmada por el quiosco 098535Q"; do
  grep -q "$want" v.out && ok "verify says $want" || bad "verify lacks '$want': $(cat v.out)"
done
"$B" verify "$qr" --db k.db > v2.out && grep -q "coincide (5 filas)" v2.out && ok "--db: coincide" || bad "--db: $(cat v2.out)"
check "the fingerprint is sha256sum of the CSV" "$(grep '^huella' v.out | cut -d' ' -f3)" \
    "$(ck export attendance "$EA" --format csv -o v.csv >/dev/null && sha256sum v.csv | cut -c1-64)"
ck event open "$EA" --reopen --reason "Una persona más" >/dev/null
printf 'numero_empleado,primer_apellido,unidad\n2001,Nueva,SCLC\n' > rn.csv && ck roster import rn.csv >/dev/null 2>&1
ck checkin "$EA" 2001 >/dev/null 2>&1
"$B" verify "$qr" --db k.db > v3.out; rc=$?
check "--db after one more check-in: exit 1" "$rc" 1
grep -q "no coincide (1 filas difieren" v3.out && ok "--db: no coincide (1 filas difieren)" || bad "--db after a check-in: $(cat v3.out)"
# A copy edited by hand so that its printed rows are the signed ones again
# (the later check-in deleted, the counter wound back) while a signed row
# no longer stands behind its audit entry (its UUID changed): the printed
# columns match, the records do not (the session-5 red team).
cp k.db e.db
sqlite3 e.db "DROP TRIGGER attendance_no_update; DROP TRIGGER attendance_no_delete; DROP TRIGGER record_uuid_no_delete;
  DELETE FROM attendance WHERE employee_no = '2001';
  UPDATE attendance SET uuid = '11111111-1111-4111-8111-111111111111' WHERE id = (SELECT min(id) FROM attendance)"
"$B" verify "$qr" --db e.db > v4.out 2> v4.err; rc=$?
check "--db on a copy edited by hand: exit 1" "$rc" 1
grep -q "no coincide: la base de datos fue alterada fuera del programa" v4.out && ! grep -q ": coincide" v4.out &&
  [ "$(wc -l < v4.err)" = 1 ] && grep -q "e.db: cadena de auditoría ROTA" v4.err &&
  ok "--db: a hand-edited copy does not match, one error line" || bad "--db on an edited copy: $(cat v4.out v4.err)"

# ---- 18. keys import refuses terminal escapes ----
ck keys export keys.txt 2>/dev/null
grep -q "^# 098535Q: huella SHA-256 de la llave pública" keys.txt && ok "keys export prints the key fingerprint" || bad "no key fingerprint in keys export"
pk=$(grep '^CKKEY1' keys.txt | head -1 | cut -f3)
printf 'CKKEY1\tABCDEFG\t%s\tSCLC\tInstituto \033]0;pwned\007\033[2J\n' "$pk" > evil.txt
err=$(ck keys import evil.txt 2>&1) && bad "keys import took terminal escapes" || ok "keys import refuses terminal escapes"
echo "$err" | grep -q "evil.txt:1: " && ok "at FILE:LINE" || bad "keys import error: $err"
printf '%s' "$err" | grep -q $'\033' && bad "the error echoes the escape" || ok "the error carries no escape"
printf 'CKKEY1\tABCDEFG\t%s\tSCLC\tAna \342\200\256zeréP\n' "$pk" > bidi.txt
ck keys import bidi.txt 2>/dev/null && bad "keys import took a bidi control" || ok "keys import refuses bidi controls"
sqlite3 k.db "UPDATE kiosk_key SET institution = 'Inst' || char(27) || '[2J'"
ck keys export 2>/dev/null | grep -q $'\033' && bad "keys export prints an escape stored before" || ok "keys export neutralises a stored escape"

# ---- 18. concurrent paper pledges of one person ----
printf 'numero_empleado,primer_apellido,unidad\n1002,Nuevo,SCLC\n' > r2.csv && ck roster import r2.csv >/dev/null 2>&1
for i in 1 2 3 4 5 6; do ( ck pledge 1002 --keyed > q$i.out 2> q$i.err; echo $? > q$i.rc ) & done
wait
check "concurrent: one pledge" "$(cat q?.rc | grep -c '^0$')" 1
check "concurrent: five already signed" "$(cat q?.err | grep -c 'ya firmó esta Carta')" 5
check "one pledge row" "$(sqlite3 k.db "SELECT count(*) FROM pledge WHERE employee_no = '1002'")" 1
cat q?.err | grep -qi "unique\|constraint" && bad "a raw SQLite error: $(cat q?.err)" || ok "no raw UNIQUE error"

# ---- 19 / 18. an XLSX cut short by a full disk fails in one line ----
{ echo "numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto"
  for i in $(seq 3000 3599); do echo "$i,Nombre$i,Apellido$i,Segundo$i,SCLC,Área $((i % 7)),Puesto $((i % 5))"; done; } > big.csv
ck roster import big.csv >/dev/null 2>&1
EC=$(ck event add --title "Curso masivo" --kind curso --topics etica --unit SCLC --start "2025-03-13 09:00" --no-signature)
ck event open "$EC"
for i in $(seq 3000 3599); do ck checkin "$EC" "$i" >/dev/null; done
for lim in 40 55 70; do
  ( ulimit -f $lim; trap '' XFSZ; "$B" --db "$T/k.db" export attendance "$EC" --format xlsx -o "$T/x$lim.xlsx" ) > x.out 2> x.err
  rc=$?
  if [ $rc -eq 0 ]; then
    rows=$(unzip -p "x$lim.xlsx" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)
    check "xlsx at ${lim} KiB complete" "$rows" 601
  else
    [ "$(wc -l < x.err)" -eq 1 ] && grep -q "no se puede escribir" x.err && ok "xlsx at ${lim} KiB: one line" || bad "xlsx at ${lim} KiB: $(cat x.err)"
    [ -e "x$lim.xlsx" ] && bad "xlsx at ${lim} KiB left a file" || ok "xlsx at ${lim} KiB: no file"
  fi
done
ls | grep -q '\.tmp' && bad "temporary files left: $(ls | grep '\.tmp')" || ok "no temporary files left"

# ---- 11. backups after the clock went back ----
for d in 1 2 3 4 5 6 7; do CEPCI_NOW=$((4102444800 + d * 86400)) ck backup bk >/dev/null 2>&1; done
out=$(ck backup bk 2> bk.err)
[ -e "$out" ] && ok "the copy just made is kept" || bad "the new copy is gone: $out"
grep -q "aviso: el reloj se atrasó" bk.err && ok "it warns the clock went back" || bad "no warning: $(cat bk.err)"
check "seven copies kept" "$(ls bk | grep -c '^cepci-kiosk-')" 7

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
