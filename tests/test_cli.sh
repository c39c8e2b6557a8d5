#!/usr/bin/env bash
# End-to-end test of the coordinator command line, as a new user would use
# it: init, a roster saved by Spanish-locale Excel (semicolons,
# Windows-1252, CRLF), events, check-ins, pledges, indicators, audit,
# backup; and every bad input gives one clear line, a non-zero exit, and no
# change to the data.
set -u
B=$(readlink -f "${CK_BIN:?}")
# The export checks read the PDF's QR back; without the tools the test
# cannot run whole, so it reports skipped (77), not passed.
for tool in pdftoppm zbarimg; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (scripts/setup.sh installs it)"; exit 77; }
done
T=$(mktemp -d /tmp/ck-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
DB=$T/k.db
fails=0
pass=0
ck() { "$B" --db "$DB" "$@"; }
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect_error DESCRIPTION PATTERN -- COMMAND...: exit != 0, exactly one
# stderr line matching PATTERN (a grep regular expression; an empty one
# would match any message, so it fails the check), nothing on stdout, data
# unchanged.
snapshot() { { ck roster list; ck event list; ck audit verify; } 2>&1 | sha256sum; }
expect_error() {
  local what=$1 pat=$2; shift 3
  local before after out err rc
  if [ -z "$pat" ]; then bad "$what: expect_error needs a non-empty pattern"; return; fi
  before=$(snapshot)
  out=$("$@" 2>"$T/err"); rc=$?
  err=$(cat "$T/err")
  after=$(snapshot)
  if [ $rc -eq 0 ]; then bad "$what: exit 0"; return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [ -z "$err" ]; then bad "$what: want one stderr line, got: $err"; return; fi
  if ! printf '%s' "$err" | grep -q -- "$pat"; then bad "$what: stderr '$err' lacks '$pat'"; return; fi
  if [ -n "$out" ]; then bad "$what: stdout not empty: $out"; return; fi
  if [ "$before" != "$after" ]; then bad "$what: data changed"; return; fi
  ok
}

umask 000
kiosk=$(ck init --institution "El Colegio de la Frontera Sur" --unit SCLC) || bad "init"
[[ $kiosk =~ ^[0-9A-Z]{7}$ ]] && ok || bad "init printed '$kiosk'"
[ "$(stat -c %a "$DB")" = 600 ] && ok || bad "db mode $(stat -c %a "$DB")"
[ "$(stat -c %a "$DB.key")" = 600 ] && ok || bad "key mode"
umask 022
expect_error "init twice" "ya existe" -- ck init --institution X --unit SCLC

# A roster as Spanish-locale Excel saves it: ';', Windows-1252, CRLF, quotes.
printf 'N\xfamero de Empleado;Nombre;Primer Apellido;Segundo Apellido;Unidad;\xc1rea;Puesto;Activo\r\n' > "$T/padron.csv"
printf '1001;Jos\xe9;Pe\xf1a;\xcd\xf1iguez;SCLC;"Direcci\xf3n; General";Jefe;S\xed\r\n' >> "$T/padron.csv"
printf '1002;Mar\xeda;L\xf3pez;Ruiz;SCLC;Salud;Analista;si\r\n' >> "$T/padron.csv"
printf '1003;Juan;P\xe9rez;;CHE;Salud;T\xe9cnico;1\r\n' >> "$T/padron.csv"
printf '1004;Ana;G\xf3mez;;CHE;Salud;T\xe9cnica;no\r\n' >> "$T/padron.csv"
printf '1005;Luis;Ortiz;;TAP;Salud;Auxiliar;S\xcd\r\n' >> "$T/padron.csv"
out=$(ck roster import "$T/padron.csv") && ok || bad "roster import: $out"
out=$(ck roster import "$T/padron.csv")
echo "$out" | grep -q "0 altas, 0 cambios" && ok || bad "second import changed something: $out"
ck roster list --search pena | grep -q $'1001\tJosé Peña Íñiguez\tSCLC\tDirección; General' && ok || bad "accents lost"
ck roster list --search "JOSÉ" | grep -q "^1001" && ok || bad "search JOSÉ"
[ "$(ck roster list --unit CHE | wc -l)" = 2 ] && ok || bad "unit list"

# A bad roster changes nothing and names the line.
printf 'numero_empleado,nombre,primer_apellido,unidad\n2001,A,B,SCLC\n2002,C,D,SCLC\n2001,E,F,SCLC\n' > "$T/dup.csv"
expect_error "duplicate number" "dup.csv:4:" -- ck roster import "$T/dup.csv"
printf 'numero_empleado,nombre,primer_apellido,unidad\n2001,A,,SCLC\n' > "$T/noname.csv"
expect_error "missing surname" "noname.csv:2:" -- ck roster import "$T/noname.csv"
expect_error "missing file" "nope.csv" -- ck roster import "$T/nope.csv"

# Events.
expect_error "bad kind" "tipo desconocido" -- ck event add --title T --kind fiesta --topics etica --unit SCLC --start "2020-11-25 10:00"
expect_error "bad topic" "tema desconocido" -- ck event add --title T --kind taller --topics chismes --unit SCLC --start "2020-11-25 10:00"
expect_error "bad unit" "unidad desconocida" -- ck event add --title T --kind taller --topics etica --unit MARS --start "2020-11-25 10:00"
expect_error "bad date" "inicio no válido" -- ck event add --title T --kind taller --topics etica --unit SCLC --start "2020-02-30 10:00"
expect_error "missing title" "necesita --title" -- ck event add --kind taller --topics etica --unit SCLC --start "2020-11-25 10:00"
E=$(ck event add --title "Taller de ética pública" --kind taller --topics etica,integridad --unit SCLC \
      --start "2020-11-25 10:00" --end "2020-11-25 12:00" --place Auditorio --pat 1.2.3 --no-signature) || bad "event add"
[[ $E =~ ^[0-9a-f-]{36}$ ]] && ok || bad "event id '$E'"
expect_error "check-in before open" "todavía no está abierto" -- ck checkin "$E" 1001
ck event open "$E" && ok || bad "event open"
expect_error "unknown event" "no hay un evento" -- ck event open ffffffff

# Check-ins: folio then QR payload; duplicate; unknown; inactive.
out=$(ck checkin "$E" 1001) || bad "checkin 1001"
folio=$(echo "$out" | head -1)
[[ $folio =~ ^$kiosk-000001$ ]] && ok || bad "folio '$folio'"
ck checkin "$E" 1003 >/dev/null || bad "checkin 1003"
expect_error "duplicate check-in" "ya está registrada en este evento desde 2" -- ck checkin "$E" 1001
expect_error "unknown person" "no está en el padrón" -- ck checkin "$E" 9999
expect_error "inactive person" "inactivo" -- ck checkin "$E" 1004
ck event close "$E"
expect_error "closed event" "está cerrado" -- ck checkin "$E" 1002
ck checkin "$E" 1002 --keyed >/dev/null && ok || bad "keyed on a closed event"

# Without a usable signing key nothing is recorded (a record must get its QR).
chmod 644 "$DB.key"
expect_error "key readable by others" "no se registró nada" -- ck checkin "$E" 1005 --keyed
chmod 600 "$DB.key"

# An init that fails (file size limit) leaves nothing behind to block a retry.
(ulimit -f 8; "$B" --db "$T/small.db" init --institution X --unit SCLC >/dev/null 2>&1)
[ ! -e "$T/small.db" ] && [ ! -e "$T/small.db-wal" ] && ok || bad "failed init left files"

# Pledges typed in from paper.
ck pledge 1001 --keyed --date 2020-02-01 >/dev/null && ok || bad "pledge"
expect_error "pledge twice" "ya firmó" -- ck pledge 1001 --keyed
expect_error "pledge bad date" "--date no válida" -- ck pledge 1002 --keyed --date 2020-13-01
expect_error "pledge unsigned at the CLI" "uso" -- ck pledge 1002
ck pledge 1005 --keyed --date 2021-03-01 >/dev/null && ok || bad "pledge 2021"

# Indicators (by hand): active staff 4 (1001, 1002 SCLC; 1003 CHE; 1005 TAP).
# Trained 2020: 1001, 1003, 1002 (keyed) = 3 -> 75 %; pledged by end of
# 2020: 1001 -> 25 %. Units: SCLC covered; CHE, TAP not -> 1 of 3.
want='{"year": 2020,
 "goals": {"trained_pct": 15, "units_covered_pct": 100, "pledged_pct": 50},
 "overall": {"staff": 4, "trained": 3, "trained_pct": 75,
             "pledged": 1, "pledged_pct": 25},
 "units_covered": 1, "units_total": 3,
 "units": [{"code": "CHE", "name": "CHE", "staff": 1,
            "trained": 1, "trained_pct": 100, "pledged": 0,
            "pledged_pct": 0, "has_training": false},
           {"code": "SCLC", "name": "SCLC", "staff": 2,
            "trained": 2, "trained_pct": 100, "pledged": 1,
            "pledged_pct": 50, "has_training": true},
           {"code": "TAP", "name": "TAP", "staff": 1,
            "trained": 0, "trained_pct": 0, "pledged": 0,
            "pledged_pct": 0, "has_training": false}]}'
got=$(ck indicators --year 2020 --format json)
[ "$got" = "$want" ] && ok || bad "indicators json: $got"
ck indicators --year 2020 | grep -q "Todas las unidades" && ok || bad "indicators text"
ck indicators --year 2020 --format csv | grep -q $'2020,TOTAL,Todas las unidades,4,3,75,15,1,25,50,1 de 3 unidades\r' && ok || bad "indicators csv"
expect_error "indicators bad format" "--format no válido" -- ck indicators --format xml
expect_error "indicators bad year" "--year no válido" -- ck indicators --year 20x0

# Exports: the attendance list's fingerprint QR verifies with `verify`.
ck export attendance "$E" --format pdf -o "$T/lista.pdf" >/dev/null && ok || bad "export pdf"
pdftoppm -r 150 -png "$T/lista.pdf" "$T/page" && qr=$(zbarimg --raw -q "$T"/page-*.png 2>/dev/null | grep '^CKL2:' | head -1)
[ -n "$qr" ] && ok || bad "no fingerprint QR in the PDF"
ck verify "$qr" | grep -q "auténtica: lista de asistencia firmada por el quiosco $kiosk" && ok || bad "verify CKL2"
mutated="${qr:0:20}$( [ "${qr:20:1}" = A ] && echo B || echo A )${qr:21}"
expect_error "tampered fingerprint" 'NO es válida\|mal formada' -- ck verify "$mutated"
ck export attendance "$E" --format csv -o "$T/lista.csv" >/dev/null && head -c 3 "$T/lista.csv" | od -An -tx1 | grep -q "ef bb bf" && ok || bad "csv export"

# Audit and backup.
ck audit verify | grep -q "cadena de auditoría íntegra" && ok || bad "audit verify"
(cd / && "$B" --db "$DB" backup >/dev/null) && [ -n "$(ls "$T/backups/")" ] && ok || bad "default backup folder is not beside the database"
bk=$(ck backup "$T/bk") && ok || bad "backup"
[ -f "$bk" ] && [ "$(stat -c %a "$bk")" = 600 ] && ok || bad "backup file mode"
"$B" --db "$bk" audit verify >/dev/null && ok || bad "backup is not a sound database"

# Configuration errors name the file and line.
printf '[kiosk]\nidle_timeout = soon\n' > "$T/bad.ini"
expect_error "bad config" "bad.ini:2:" -- "$B" --db "$DB" --config "$T/bad.ini" event list
expect_error "orden desconocida" "orden desconocida" -- ck fly
expect_error "missing database" "no existe la base de datos" -- "$B" --db "$T/none.db" event list
# COMMAND --help: its usage on stdout, exit 0, nothing opened or read (not
# taken for a file called "--help"); a bad option: one Spanish line.
for c in "roster import --help" "checkin -h" "verify --help" "event add --title x --help"; do
  before=$(snapshot)
  # shellcheck disable=SC2086
  out=$(cd "$T" && "$B" --db "$T/none.db" $c 2>"$T/err"); rc=$?
  [ $rc -eq 0 ] && [ ! -s "$T/err" ] && printf '%s' "$out" | grep -q "^uso: cepci-kiosk ${c%% *} " &&
    [ ! -e "$T/none.db" ] && [ "$before" = "$(snapshot)" ] && ok || bad "$c: rc $rc, out '$out', err '$(cat "$T/err")'"
done
expect_error "opción desconocida" "checkin: opción desconocida o incompleta '--bogus'; uso: checkin" -- ck checkin 1 2 --bogus

echo "$pass passed, $fails failed"
[ $fails -eq 0 ]
