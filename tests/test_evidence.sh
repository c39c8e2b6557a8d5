#!/usr/bin/env bash
# The coordinator's year in one command (issue 14, "Done when"), end to end
# through the real program: a realistic year (1,200 staff, five units, a
# dozen events, an online course imported from an XLSX, paper lists from
# CSV, attachments; tests/evidence_lib.sh), then one `export evidence`:
#  - `verify --package` passes, with the kiosk's database or, as an auditor
#    has it, with only a `keys export` file; OpenSSL alone checks the
#    signature as LEEME.txt says;
#  - one changed byte in any file of the package is named; a file removed
#    or added is named; random byte flips in the ZIP never pass as intact;
#  - every figure matches a hand count (tests/evidence_handcount.py);
#  - every PDF page renders; the lists' QR codes read and verify;
#  - certificates: one page per staff attendee, QR read back and verified
#    naming the person and the event; a person's year; a changed character
#    fails;
#  - the combined list of a unit, the event list formats, -o and --force,
#    `audit verify` naming an altered attachment;
#  - each list's signed fingerprint (HUELLAS.csv): the PDF's QR code, and
#    the SHA-256 of its CSV; a package re-signed with fingerprints swapped
#    between two lists is caught;
#  - the package's signed chain head (CADENA.txt): `audit verify --head`
#    takes it, and on a database whose newest records were deleted and
#    whose own signed heads were wound back (which the database alone
#    cannot tell) `verify --package` reports it.
set -u
B=$(readlink -f "${CK_BIN:?}")
export B
for tool in python3 pdftoppm pdfinfo zbarimg convert openssl unzip sqlite3; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (scripts/setup.sh installs it)"; exit 77; }
done
if [ "${CK_TEST_HOOKS:-0}" != 1 ] && [ "${CK_TEST_HOOKS:-}" != ON ]; then
  echo "SKIP: needs a test build (CK_TEST_HOOKS=ON) for CEPCI_NOW"; exit 77
fi
T=$(mktemp -d /tmp/ck-evidence-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
. "${CK_SOURCE_DIR:?}/tests/evidence_lib.sh"
start=$(date +%s%N)
evidence_year "$T" || { echo "FAIL: could not build the year"; exit 1; }
echo "year built in $(( ($(date +%s%N) - start) / 1000000 )) ms"
ck() { "$B" --db "$T/k.db" --config "$T/kiosk.ini" "$@"; }
cd "$T" || exit 1

# ---- one export evidence ----
start=$(date +%s%N)
Z=$(ck export evidence 2>"$T/err") || bad "export evidence: $(cat "$T/err")"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "export evidence: $ms ms ($(cat "$T/err"))"
[ "$Z" = "$T/usb/evidencias_2026_SCLC.zip" ] && ok || bad "default name '$Z'"
[ "$(stat -c %a "$Z")" = 600 ] && ok || bad "package mode $(stat -c %a "$Z")"
ls -A "$T/usb" | grep -q '^\.' && bad "temporary files left in the export folder: $(ls -A "$T/usb")" || ok
out=$(ck verify --package "$Z"); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "Resultado: ÍNTEGRO" && ok || bad "verify --package: rc $rc: $out"
echo "$out" | grep -q "^Huellas de las listas: 13 de 13 firmadas por el quiosco y iguales al SHA-256 de su CSV$" &&
  ok || bad "verify --package does not check the lists' fingerprints: $out"
echo "$out" | grep -q "^Cadena de auditoría: cabeza firmada en la posición [0-9]* (huella [0-9a-f]*…); la cadena de esta base de datos la conserva$" &&
  ok || bad "verify --package does not check the chain head: $out"
# The auditor: no database, only the published keys.
ck keys export "$T/llaves.txt" 2>/dev/null || bad "keys export"
out=$(cd / && "$B" --db "$T/nada.db" verify --package "$Z" --keys "$T/llaves.txt"); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "cabeza firmada en la posición .*sin la base de datos del quiosco" && ok ||
  bad "auditor's verify: rc $rc: $out"
out=$(cd / && "$B" --db "$T/nada.db" verify --package "$Z"); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "NO VERIFICADO" && ok || bad "unknown key must not pass: rc $rc: $out"

# ---- the package's contents ----
mkdir -p "$T/pkg" && (cd "$T/pkg" && unzip -q "$Z") || bad "unzip"
for f in LEEME.txt MANIFEST.csv MANIFEST.sig CADENA.txt HUELLAS.csv eventos_2026.csv indicadores/informe-indicadores_2026.pdf \
         indicadores/indicadores_2026.csv 4.3.2/base-datos-carta-compromiso_2026.pdf \
         4.3.2/base-datos-carta-compromiso_2026.csv 4.3.2/base-datos-carta-compromiso_2026.xlsx \
         "1.1.1/2026-03-02_curso-linea-nueva_SCLC/anexos/constancia-1_captura-constancia.png" \
         "1.2.1/2026-07-15_taller-prevencion-conflictos_VHSA/anexos/fotografia-1_foto-taller.jpg" \
         "1.2.1/2026-07-15_taller-prevencion-conflictos_VHSA/anexos/lista-en-papel-1_lista-firmada.pdf" \
         "1.2.3/2026-11-25_conversatorio-violencia-hacia_SCLC/lista-asistencia_2026-11-25_conversatorio-violencia-hacia_SCLC.pdf" \
         "4.3.1/2026-05-20_protesta-codigo-conducta_CHE/lista-asistencia_2026-05-20_protesta-codigo-conducta_CHE.csv" \
         "sin-clave-pat/2026-10-05_reunion-informativa-programa_CAM/lista-asistencia_2026-10-05_reunion-informativa-programa_CAM.pdf"; do
  [ -s "$T/pkg/$f" ] && ok || bad "the package lacks $f"
done
find "$T/pkg" -path '*por-programar*' | grep -q . && bad "a draft event has a list in the package" || ok
# Every file is in the manifest with its hash and size, and nothing else.
python3 - "$T/pkg" <<'PY' && ok || bad "manifest does not describe the files"
import csv, hashlib, os, sys
root = sys.argv[1]
rows = list(csv.reader(open(os.path.join(root, 'MANIFEST.csv'), encoding='utf-8-sig', newline='')))
assert rows[0] == ['Archivo', 'SHA-256', 'Tamaño (bytes)', 'Actividad PAT', 'Evidencia'], rows[0]
listed = {}
for r in rows[1:]:
    data = open(os.path.join(root, r[0]), 'rb').read()
    assert hashlib.sha256(data).hexdigest() == r[1] and len(data) == int(r[2]), r[0]
    assert r[3] or r[0] in ('LEEME.txt', 'CADENA.txt', 'HUELLAS.csv'), r[0]
    assert r[0].split('/')[0] in ('indicadores', '4.3.2') or r[0].count('/') == 0 or r[0].split('/')[0] == r[3], r
    listed[r[0]] = 1
files = [os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs]
assert sorted(set(files) - {'MANIFEST.csv', 'MANIFEST.sig'}) == sorted(listed), set(files) ^ set(listed)
PY
# The signature, with OpenSSL alone (as LEEME.txt tells an auditor).
(cd "$T/pkg" &&
  grep '^clave-publica-ed25519:' MANIFEST.sig | cut -d' ' -f2 | base64 -d > "$T/llave.bin" &&
  (printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; cat "$T/llave.bin") > "$T/llave.der" &&
  grep '^firma-ed25519:' MANIFEST.sig | cut -d' ' -f2 | base64 -d > "$T/firma.bin" &&
  (printf 'CKM1\n'; cat MANIFEST.csv) > "$T/mensaje.bin" &&
  openssl pkeyutl -verify -pubin -keyform DER -inkey "$T/llave.der" -rawin -in "$T/mensaje.bin" \
    -sigfile "$T/firma.bin" >/dev/null) && ok || bad "openssl does not verify MANIFEST.sig"
grep -q 'openssl pkeyutl -verify' "$T/pkg/LEEME.txt" && ok || bad "LEEME.txt does not say how to check the signature"
# ... and the key's fingerprint is computed from the key openssl used, not
# read from MANIFEST.sig's unsigned line (the session-6 red team: a kiosk
# of one's own, a package of its own, the genuine kiosk's id and
# fingerprint typed into MANIFEST.sig, and openssl and every sha256sum
# pass).
grep -q 'sha256sum llave.bin' "$T/pkg/LEEME.txt" && ok || bad "LEEME.txt does not say to compute the key's fingerprint"
genuine_fp=$(grep '^huella-de-la-llave:' "$T/pkg/MANIFEST.sig" | cut -d' ' -f2)
[ "$(sha256sum < "$T/llave.bin" | cut -d' ' -f1)" = "$genuine_fp" ] && ok || bad "sha256sum llave.bin is not the kiosk's fingerprint"
mkdir -p "$T/forger/pkg"
"$B" --db "$T/forger/f.db" --config "$T/kiosk.ini" init --institution X --unit SCLC >/dev/null 2>&1 &&
  FZ=$("$B" --db "$T/forger/f.db" --config "$T/kiosk.ini" export evidence -o "$T/forger/f.zip" 2>/dev/null) &&
  (cd "$T/forger/pkg" && unzip -q "$FZ") || bad "the forger's package"
genuine_id=$(grep '^quiosco:' "$T/pkg/MANIFEST.sig" | cut -d' ' -f2)
(cd "$T/forger/pkg" &&
  sed -i "s/^quiosco: .*/quiosco: $genuine_id/; s/^huella-de-la-llave: .*/huella-de-la-llave: $genuine_fp/" MANIFEST.sig &&
  grep '^clave-publica-ed25519:' MANIFEST.sig | cut -d' ' -f2 | base64 -d > llave.bin &&
  (printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; cat llave.bin) > llave.der &&
  grep '^firma-ed25519:' MANIFEST.sig | cut -d' ' -f2 | base64 -d > firma.bin &&
  (printf 'CKM1\n'; cat MANIFEST.csv) > mensaje.bin &&
  openssl pkeyutl -verify -pubin -keyform DER -inkey llave.der -rawin -in mensaje.bin -sigfile firma.bin >/dev/null) &&
  ok || bad "the forger's package should pass openssl (it is signed, by another key)"
[ "$(sha256sum < "$T/forger/pkg/llave.bin" | cut -d' ' -f1)" != "$genuine_fp" ] && ok ||
  bad "the manual check as LEEME.txt says it does not tell the forger's key from the kiosk's"
# The year line of MANIFEST.sig is not signed either: relabelled, the
# package is not intact (the session-6 red team: one sed, "Año: 2024 …
# ÍNTEGRO").
python3 - "$Z" "$T/relabel.zip" <<'PY' || bad "relabel"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as zin, zipfile.ZipFile(sys.argv[2], 'w') as zo:
    for info in zin.infolist():
        data = zin.read(info)
        if info.filename == 'MANIFEST.sig':
            data = data.replace('año: 2026\n'.encode(), 'año: 2024\n'.encode())
        zo.writestr(info, data)
PY
out=$(ck verify --package "$T/relabel.zip" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "MANIFEST.sig dice año 2024 y el manifiesto firmado no es de ese año (no lista eventos_2024.csv)" &&
  ok || bad "a package relabelled 2024: rc $rc: $out"
# The chain head in CADENA.txt is one `audit verify --head` takes.
out=$(ck audit verify --head "$T/pkg/CADENA.txt" 2>&1) && echo "$out" | grep -q "en la cadena" && ok ||
  bad "audit verify --head CADENA.txt: $out"
# The indicator report lists the events that counted, each linked to its
# list in the package (a relative link from indicadores/).
python3 - "$T/pkg" <<'PY' && ok || bad "the indicator report's links do not reach the lists"
import os, re, sys
root = sys.argv[1]
pdf = open(os.path.join(root, 'indicadores', 'informe-indicadores_2026.pdf'), 'rb').read()
links = re.findall(rb'/URI \(([^)]*)\)', pdf)
assert len(links) == 9, len(links)      # nine events counted (not the oath, the meeting, the draft)
for l in links:
    assert os.path.isfile(os.path.normpath(os.path.join(root, 'indicadores', l.decode()))), l
PY

# ---- every figure against a hand count ----
out=$(python3 "$CK_SOURCE_DIR/tests/evidence_handcount.py" "$T/truth" "$T/lists/padron.csv" "$T/pkg" 2026); rc=$?
echo "$out" | tail -1
[ $rc -eq 0 ] && ok || bad "hand count: $out"
# The hand count can fail: one pledge less in the truth is a mismatch.
cp -r "$T/truth" "$T/truth2" && sed -i 1d "$T/truth2/pledges.txt"
python3 "$CK_SOURCE_DIR/tests/evidence_handcount.py" "$T/truth2" "$T/lists/padron.csv" "$T/pkg" 2026 >/dev/null &&
  bad "the hand count passes a wrong truth" || ok

# ---- one changed byte in any file is named ----
python3 - "$Z" "$T/tamper" <<'PY' || bad "could not make the tampered packages"
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
names = zipfile.ZipFile(src).namelist()
with open(os.path.join(out, 'names.txt'), 'w') as f:
    for i, victim in enumerate(names):
        f.write('%d\t%s\n' % (i, victim))
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(os.path.join(out, '%d.zip' % i), 'w') as zo:
            for info in zin.infolist():
                data = bytearray(zin.read(info))
                if info.filename == victim:
                    data[len(data) // 2] ^= 0x01
                zo.writestr(info, bytes(data))
    for name, how in (('removed', 'r'), ('added', 'a')):
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(os.path.join(out, name + '.zip'), 'w') as zo:
            for info in zin.infolist():
                if how == 'r' and info.filename == 'eventos_2026.csv':
                    continue
                zo.writestr(info, zin.read(info))
            if how == 'a':
                zo.writestr('1.1.2/extra.pdf', b'%PDF-1.4 not in the manifest')
PY
n=0
while IFS=$'\t' read -r i name; do
  n=$((n + 1))
  out=$(ck verify --package "$T/tamper/$i.zip" 2>&1); rc=$?
  case "$name" in
    MANIFEST.csv) want="MANIFIESTO: MANIFEST.csv" ;;
    MANIFEST.sig) want="FIRMA: MANIFEST.sig" ;;
    *) want="MODIFICADO: $name" ;;
  esac
  [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -qF "$want" && ok || bad "one byte changed in $name: rc $rc, not named: $out"
done < "$T/tamper/names.txt"
[ $n -ge 30 ] && ok || bad "only $n files tampered with"
out=$(ck verify --package "$T/tamper/removed.zip"); [ $? -eq 1 ] && echo "$out" | grep -q "FALTA: eventos_2026.csv" && ok ||
  bad "removed file not named: $out"
out=$(ck verify --package "$T/tamper/added.zip"); [ $? -eq 1 ] && echo "$out" | grep -q "AGREGADO: 1.1.2/extra.pdf" && ok ||
  bad "added file not named: $out"
# Random byte flips anywhere in the ZIP (headers included): never "intact"
# unless every file's content is still exactly the original.
seed=${CK_SEED:-$RANDOM}
echo "byte flips: CK_SEED=$seed"
python3 - "$Z" "$T/flips" "$seed" <<'PY' || bad "could not make the flipped packages"
import os, random, sys
src, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out)
data = open(src, 'rb').read()
rnd = random.Random(seed)
offsets = sorted(set([rnd.randrange(len(data)) for _ in range(60)] + list(range(len(data) - 400, len(data), 37))))
for k, off in enumerate(offsets):
    d = bytearray(data)
    d[off] ^= 1 << rnd.randrange(8)
    open(os.path.join(out, '%d.zip' % k), 'wb').write(bytes(d))
PY
flips=0 caught=0
for f in "$T"/flips/*.zip; do
  flips=$((flips + 1))
  ck verify --package "$f" >/dev/null 2>&1; rc=$?
  if [ $rc -eq 0 ]; then
    python3 - "$Z" "$f" <<'PY' && ok || bad "verify passed $f, whose content differs"
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
assert sorted(a.namelist()) == sorted(b.namelist())
for n in a.namelist():
    assert a.read(n) == b.read(n), n
PY
  elif [ $rc -eq 1 ]; then caught=$((caught + 1)); ok
  else bad "verify of a flipped package crashed (rc $rc)"; fi
done
echo "byte flips: $caught of $flips reported, the rest left every file intact"

# ---- every page renders; the lists' QR codes verify ----
pages=0
while IFS= read -r -d '' pdf; do
  n=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
  [ "${n:-0}" -ge 1 ] && ok || { bad "pdfinfo $pdf"; continue; }
  pages=$((pages + n))
  pdftoppm -r 30 -png "$pdf" "$T/page" && ok || bad "pdftoppm $pdf"
  rm -f "$T"/page*.png
done < <(find "$T/pkg" -name '*.pdf' -print0)
echo "pages rendered: $pages"
L="$T/pkg/1.2.1/2026-07-15_taller-prevencion-conflictos_VHSA/lista-asistencia_2026-07-15_taller-prevencion-conflictos_VHSA.pdf"
last=$(pdfinfo "$L" | awk '/^Pages:/ { print $2 }')
pdftoppm -r 200 -png -f "$last" -l "$last" "$L" "$T/qr"
payload=$(zbarimg --raw -q "$T"/qr*.png 2>/dev/null | grep '^CK' | head -1)
ck verify "$payload" >/dev/null && ok || bad "the list's QR does not verify: '$payload'"
# HUELLAS.csv carries that very QR code, next to the list's CSV.
python3 - "$T/pkg" "$payload" "${L#$T/pkg/}" <<'PY' && ok || bad "HUELLAS.csv does not carry the PDF's QR code"
import csv, os, sys
root, qr, pdf = sys.argv[1:4]
rows = list(csv.reader(open(os.path.join(root, 'HUELLAS.csv'), encoding='utf-8-sig', newline='')))
assert rows[0] == ['Lista (PDF)', 'Lista (CSV)', 'Huella SHA-256', 'Filas', 'Estado', 'Código QR firmado'], rows[0]
row = [r for r in rows[1:] if r[0] == pdf]
assert len(row) == 1 and row[0][5] == qr, row
assert len(rows) == 14, len(rows)    # eleven lists, the pledge database and the indicator report
PY
rm -f "$T"/qr*.png

# The indicator report carries its own fingerprint QR (CKI2:): the SHA-256
# of its CSV, signed; `verify --db` recomputes it from the records.
I="$T/pkg/indicadores/informe-indicadores_2026.pdf"
pdftoppm -r 200 -png -f 1 -l 1 "$I" "$T/iq"   # under the charts of the first page
payload=$(zbarimg --raw -q "$T"/iq*.png 2>/dev/null | grep '^CKI2:' | head -1)
rm -f "$T"/iq*.png
out=$(ck verify "$payload" --db "$T/k.db"); rc=$?
sha=$(sha256sum "$T/pkg/indicadores/indicadores_2026.csv" | cut -c1-64)
[ $rc -eq 0 ] && echo "$out" | grep -q "^auténtica: huella del informe de indicadores firmada por el quiosco" &&
  echo "$out" | grep -q "^huella SHA-256: $sha$" && echo "$out" | grep -q "coincide (6 filas)" && ok ||
  bad "the indicator report's QR: rc $rc: '$payload' $out"
grep -qF "$payload" "$T/pkg/HUELLAS.csv" && ok || bad "HUELLAS.csv lacks the indicator report's QR"

# ---- certificates ----
V=$(cat "$T/ev_vhsa")
C=$(ck export certificates "$V" 2>"$T/err") || bad "export certificates: $(cat "$T/err")"
case "$C" in "$T/usb/constancias_2026-07-15_taller-prevencion-conflictos_VHSA.pdf") ok ;; *) bad "certificates name '$C'" ;; esac
[ "$(pdfinfo "$C" | awk '/^Pages:/ { print $2 }')" = 50 ] && ok || bad "certificates: want 50 pages (one per attendee)"
pdftoppm -r 150 -png -f 2 -l 2 "$C" "$T/cert"
payload=$(zbarimg --raw -q "$T"/cert*.png 2>/dev/null | grep '^CKC1:' | head -1)
out=$(ck verify "$payload"); rc=$?
who=$(sed -n 3p "$T/lists/lista_taller_VHSA.csv" | cut -d';' -f1)   # the second row of the VHSA list
[ $rc -eq 0 ] && echo "$out" | grep -q "número de empleado $who" &&
  echo "$out" | grep -q "evento: Taller de prevención de conflictos de intereses (VHSA)" &&
  echo "$out" | grep -q "fecha del evento: 2026-07-15" && ok || bad "certificate QR: rc $rc: $out"
# --db FILE: FILE's records must stand behind it (the session-6 red team:
# with the attendance deleted from FILE it still said only "auténtica").
out=$(ck verify "$payload" --db "$T/k.db"); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "^registros de $T/k.db: coincide$" && ok || bad "certificate --db: rc $rc: $out"
cfolio=$(echo "$out" | sed -n 's/^folio: //p')
sqlite3 "$T/k.db" ".backup '$T/cert-copy.db'"
sqlite3 "$T/cert-copy.db" "DROP TRIGGER attendance_no_delete; DELETE FROM attendance WHERE folio = '$cfolio'"
out=$(ck verify "$payload" --db "$T/cert-copy.db" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "^registros de $T/cert-copy.db: no coincide: la base de datos fue alterada" &&
  ok || bad "certificate --db over a copy whose attendance was deleted: rc $rc: $out"
rm -f "$T/cert-copy.db"*
pdftotext -f 2 -l 2 "$C" - | grep -q "CONSTANCIA DE PARTICIPACIÓN" && ok || bad "certificate text"
forged=$(printf '%s' "$payload" | sed 's/\(.\{40\}\)\(.\)/\1\2/; s/^\(.\{40\}\)./\1Z/')
[ "$forged" != "$payload" ] && ! ck verify "$forged" >/dev/null 2>&1 && ok || bad "a changed character in a certificate QR verifies"
rm -f "$T"/cert*.png
# A person's year: someone who attended the VHSA workshop and the talk.
P=$(sed -n 12p "$T/lists/activos_VHSA.txt")
Y=$(ck export certificates --person "$P" --year 2026 2>"$T/err") || bad "certificate of a year: $(cat "$T/err")"
pdftoppm -r 150 -png "$Y" "$T/year"
out=$(ck verify "$(zbarimg --raw -q "$T"/year*.png 2>/dev/null | grep '^CKC1:' | head -1)"); rc=$?
n=$(awk -F'\t' -v p="$P" '$2 == p' "$T/truth/att.tsv" | wc -l)
[ $rc -eq 0 ] && echo "$out" | grep -q "actividades: $n" && echo "$out" | grep -q "año: 2026" && ok ||
  bad "year certificate ($n activities): rc $rc: $out"
out=$(ck verify "$(zbarimg --raw -q "$T"/year*.png 2>/dev/null | grep '^CKC1:' | head -1)" --db "$T/k.db"); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "^registros de $T/k.db: coincide$" && ok || bad "year certificate --db: rc $rc: $out"
rm -f "$T"/year*.png
out=$(ck export certificates "$V" 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q -- "--force" && ok || bad "an existing file must ask for --force: $out"
ck export certificates "$V" --force >/dev/null 2>&1 && ok || bad "--force"
out=$(ck export certificates "$(cat "$T/ev_curso")" -o "$T/usb/c.pdf" 2>&1) && ok || bad "course certificates: $out"

# ---- lists the way coordinators file them ----
U=$(ck export attendance --year 2026 --unit CHE --format csv 2>"$T/err") || bad "attendance --unit: $(cat "$T/err")"
python3 - "$U" "$T/truth/att.tsv" "$T/lists/padron.csv" <<'PY' && ok || bad "the CHE list is not the CHE staff's rows"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
unit = {r[0]: r[4] for r in csv.reader(open(sys.argv[3], encoding='utf-8', newline=''))}
want = sorted(l.rstrip('\n').split('\t')[1] for l in open(sys.argv[2], encoding='utf-8')
              if unit.get(l.rstrip('\n').split('\t')[1]) == 'CHE')
col = rows[0].index('Número de empleado')
got = sorted(r[col] for r in rows[1:])
assert got == want, (len(got), len(want))
assert all(r[rows[0].index('Unidad')] == 'CHE' for r in rows[1:])
dates = [r[1] for r in rows[1:]]
assert dates == sorted(dates), 'not by event date'
PY
A=$(ck export attendance --year 2026 --format pdf -o "$T/usb/anual.pdf" 2>"$T/err") && pdftoppm -r 30 -png "$A" "$T/an" &&
  ok || bad "the year's combined list: $(cat "$T/err")"
rm -f "$T"/an*.png
ck event list --year 2026 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d) == 12 and all("staff_counted" in e for e in d)' &&
  ok || bad "event list --format json"
[ "$(ck event list --year 2026 --format csv | head -1 | cut -c1-10)" = $'\xef\xbb\xbfTítulo' ] && ok || bad "event list --format csv"
[ "$(ck event list --year 2026 | wc -l)" = 13 ] && ok || bad "event list text: header + 12 events"
out=$(ck event list --format xml 2>&1); [ $? -ne 0 ] && [ "$(echo "$out" | wc -l)" = 1 ] && ok || bad "bad format: $out"
out=$(ck export evidence 2>&1); [ $? -ne 0 ] && echo "$out" | grep -q -- "--force" && ok || bad "package onto an existing file: $out"

# ---- a package re-signed with two lists' fingerprints swapped ----
# (what a kiosk that signed the wrong list would make): the manifest's
# signature is good, the fingerprints are not their CSVs'.
python3 - "$Z" "$T/swapped.zip" "$T/k.db.key" "$T/sk.der" <<'PY' || bad "could not make the swapped package"
import base64, csv, hashlib, io, subprocess, sys, zipfile
src, dst, keyfile, der = sys.argv[1:5]
zin = zipfile.ZipFile(src)
files = {i.filename: zin.read(i) for i in zin.infolist()}
rows = list(csv.reader(io.StringIO(files['HUELLAS.csv'].decode('utf-8-sig'), newline='')))
rows[1][5], rows[2][5] = rows[2][5], rows[1][5]
out = io.StringIO(newline='')
csv.writer(out, lineterminator='\r\n').writerows(rows)
files['HUELLAS.csv'] = b'\xef\xbb\xbf' + out.getvalue().encode()
man = list(csv.reader(io.StringIO(files['MANIFEST.csv'].decode('utf-8-sig'), newline='')))
for r in man[1:]:
    if r[0] == 'HUELLAS.csv':
        r[1], r[2] = hashlib.sha256(files['HUELLAS.csv']).hexdigest(), str(len(files['HUELLAS.csv']))
out = io.StringIO(newline='')
csv.writer(out, lineterminator='\r\n').writerows(man)
files['MANIFEST.csv'] = b'\xef\xbb\xbf' + out.getvalue().encode()
seed = open(keyfile, 'rb').read()[:32]
open(der, 'wb').write(bytes.fromhex('302e020100300506032b657004220420') + seed)
open(der + '.msg', 'wb').write(b'CKM1\n' + files['MANIFEST.csv'])   # (openssl signs Ed25519 from a file, not a pipe)
sig = subprocess.run(['openssl', 'pkeyutl', '-sign', '-keyform', 'DER', '-inkey', der, '-rawin', '-in', der + '.msg'],
                     capture_output=True, check=True).stdout
assert len(sig) == 64
text = files['MANIFEST.sig'].decode().splitlines(True)
text[-1] = 'firma-ed25519: ' + base64.b64encode(sig).decode() + '\n'
files['MANIFEST.sig'] = ''.join(text).encode()
with zipfile.ZipFile(dst, 'w') as zo:
    for name, data in files.items():
        zo.writestr(name, data)
PY
rm -f "$T/sk.der" "$T/sk.der.msg"
out=$(ck verify --package "$T/swapped.zip" 2>&1); rc=$?
[ $rc -eq 1 ] && ! echo "$out" | grep -q "^MANIFIESTO\|^FIRMA\|^MODIFICADO" &&
  [ "$(echo "$out" | grep -c "^HUELLA: .*la huella firmada de la lista (.*) no es la de este CSV")" = 2 ] && ok ||
  bad "swapped fingerprints under a good signature: rc $rc: $out"

# ---- a backup keeps the attachments too ----
# They live beside the database, not in it: the backup copies them into
# its folder's anexos/ (once: a second backup copies nothing again), and a
# database restored from the copy with them verifies.
BK1=$(ck backup "$T/resp" 2>"$T/err") && [ ! -s "$T/err" ] || bad "backup: $(cat "$T/err")"
[ "$(ls "$T/resp/anexos" | wc -l)" = "$(ls "$T/k.db.anexos" | wc -l)" ] && ok ||
  bad "the backup lacks attachments: $(ls "$T/resp/anexos" | wc -l) of $(ls "$T/k.db.anexos" | wc -l)"
for f in "$T/k.db.anexos"/*; do cmp -s "$f" "$T/resp/anexos/$(basename "$f")" || bad "backup of $f differs"; done
touch -d @1 "$T/resp/anexos"/*
ck backup "$T/resp" >/dev/null 2>&1 && [ -z "$(find "$T/resp/anexos" -type f -newermt @2)" ] && ok ||
  bad "a second backup copied the attachments again"
mkdir -p "$T/rest" && cp "$BK1" "$T/rest/k.db" && cp "$T/k.db.key" "$T/rest/k.db.key" && chmod 600 "$T/rest/k.db.key" &&
  mkdir -m 700 "$T/rest/k.db.anexos" && cp "$T/resp/anexos"/* "$T/rest/k.db.anexos/"
out=$("$B" --db "$T/rest/k.db" audit verify 2>&1) && echo "$out" | grep -q "anexos: 5 archivos coinciden" && ok ||
  bad "the restored database with its attachments: $out"

# ---- the package's chain head tells what the database alone cannot ----
# A copy of the kiosk: backed up, one record more, a package; then the
# record, its audit entry, the counter and the signed heads wound back to
# the backup's (test_chain.sh's attack). The copy verifies on its own; the
# package's head shows the chain lost an entry.
rm -rf "$T/t.db"* && sqlite3 "$T/k.db" ".backup '$T/t.db'" && cp "$T/k.db.key" "$T/t.db.key" && chmod 600 "$T/t.db.key" &&
  cp -a "$T/k.db.anexos" "$T/t.db.anexos" || bad "copy of the kiosk"
ckt() { "$B" --db "$T/t.db" --config "$T/kiosk.ini" "$@"; }
mkdir -p "$T/copias" && BK=$(ckt backup "$T/copias") || bad "backup of the copy"
P=$(sed -n 40p "$T/lists/activos_VHSA.txt")
grep -qx "$P" "$T/truth/pledges.txt" && bad "pick a person without a pledge" ||
  ckt pledge "$P" --keyed --date 2026-12-01 >/dev/null || bad "pledge on the copy"
Z2=$(ckt export evidence -o "$T/usb/copia.zip" 2>"$T/err") && ckt verify --package "$Z2" >/dev/null ||
  bad "package of the copy: $(cat "$T/err")"
sqlite3 "$T/t.db" "DROP TRIGGER pledge_no_delete; DROP TRIGGER audit_no_delete;
  DELETE FROM pledge WHERE folio = (SELECT max(folio) FROM pledge);
  DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);
  UPDATE meta SET value = value - 1 WHERE key = 'folio_seq';
  DROP TRIGGER signed_head_no_delete; DELETE FROM signed_head_log WHERE pos > (SELECT max(pos) FROM audit);
  ATTACH '$BK' AS old; DELETE FROM head_sig; INSERT INTO head_sig SELECT * FROM old.head_sig;" ||
  bad "the attack on the copy"
out=$(ckt audit verify 2>&1) && ok || bad "the attacked copy must verify on its own (else the test proves nothing): $out"
out=$(ckt verify --package "$Z2" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "^CADENA: CADENA.txt: la cadena de auditoría de esta base de datos no respalda el paquete: .*termina en la" &&
  echo "$out" | grep -q "NO la conserva" && ok || bad "verify --package on a chain that lost entries: rc $rc: $out"
# An auditor without the database still sees a good signature.
out=$("$B" --db "$T/nada.db" verify --package "$Z2" --keys "$T/llaves.txt" 2>&1) && ok ||
  bad "the copy's package without a database: $out"

# ---- audit verify checks the attachments' files ----
ck audit verify >/dev/null && ok || bad "audit verify"
f=$(ls "$T/k.db.anexos/"*.jpg | head -1)
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null
out=$(ck audit verify 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "anexo ALTERADO: $f" && ok || bad "audit verify misses an altered attachment: $out"
out=$(ck export evidence -o "$T/usb/otro.zip" 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "ya no coincide" && [ ! -e "$T/usb/otro.zip" ] && ok ||
  bad "a package with an altered attachment: rc $rc: $out"
ls -A "$T/usb" | grep -q '^\.' && bad "temporary files left after a failed package: $(ls -A "$T/usb")" || ok

echo "test_evidence: $pass checks passed, $fails failed"
[ $fails -eq 0 ]
