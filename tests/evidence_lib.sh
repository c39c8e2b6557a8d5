#!/usr/bin/env bash
# evidence_lib.sh — a realistic year of a committee, built through the real
# command line, for tests/test_evidence*.sh (sourced; not a test itself):
#   evidence_year DIR        DIR/k.db, DIR/kiosk.ini, DIR/usb/, DIR/lists/, DIR/files/
# 1,200 staff in ECOSUR's five units; a dozen events of 2026 (an online
# course whose completion list comes as an XLSX, workshops per unit whose
# paper lists are typed in a spreadsheet, a conference with people
# registered at the coordinator's desk, the Code of Conduct oath, an event
# whose topic does not count, a draft); keyed pledges; attachments (photos,
# a scanned list, a certificate screenshot). Needs $B (the binary), python3
# and ImageMagick's convert. The clock is 2026-12-15 12:00 (CEPCI_NOW; a
# test build). Prints nothing on success; returns non-zero on failure.

# evidence_xlsx OUT.xlsx ROWS_FILE: a minimal workbook as another program
# writes it (shared strings, numbers, a date style), from lines
# "number<TAB>YYYY-MM-DD<TAB>note<TAB>name".
evidence_xlsx() {
  python3 - "$1" "$2" <<'PY'
import sys, zipfile, datetime
from xml.sax.saxutils import escape
out, rows = sys.argv[1], [l.rstrip('\n').split('\t') for l in open(sys.argv[2], encoding='utf-8') if l.strip()]
strings, index = [], {}
def s(v):
    if v not in index:
        index[v] = len(strings); strings.append(v)
    return index[v]
def col(i): return 'ABCD'[i]
sheet = ['<row r="1">'] + ['<c r="%s1" t="s"><v>%d</v></c>' % (col(i), s(h)) for i, h in
         enumerate(['Número de empleado', 'Fecha de conclusión', 'Observaciones', 'Nombre'])] + ['</row>']
base = datetime.date(1899, 12, 30)
for r, (no, date, note, name) in enumerate(rows, start=2):
    serial = (datetime.date.fromisoformat(date) - base).days
    sheet.append('<row r="%d"><c r="A%d"><v>%s</v></c><c r="B%d" s="1"><v>%d</v></c>' % (r, r, no, r, serial))
    if note:
        sheet.append('<c r="C%d" t="s"><v>%d</v></c>' % (r, s(note)))
    sheet.append('<c r="D%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (r, escape(name)))
ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/hoja1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    z.writestr('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr('xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook %s %s><sheets><sheet name="Acreditados" sheetId="1" r:id="rId7"/></sheets></workbook>' % (ns, rel))
    z.writestr('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/hoja1.xml"/></Relationships>')
    z.writestr('xl/styles.xml', '<?xml version="1.0" encoding="UTF-8"?><styleSheet %s><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>' % ns)
    z.writestr('xl/sharedStrings.xml', '<?xml version="1.0" encoding="UTF-8"?><sst %s count="%d" uniqueCount="%d">%s</sst>' % (ns, len(strings), len(strings), ''.join('<si><t>%s</t></si>' % escape(v) for v in strings)))
    z.writestr('xl/worksheets/hoja1.xml', '<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, ''.join(sheet)))
PY
}

# evidence_jpeg_pdf IN.jpg OUT.pdf: a one-page PDF holding the JPEG, as a
# scanner makes it (ImageMagick's policy on Debian forbids writing PDF).
evidence_jpeg_pdf() {
  python3 - "$1" "$2" <<'PY'
import sys, struct
jpg = open(sys.argv[1], 'rb').read()
i, w, h = 2, 0, 0
while i < len(jpg):
    marker, length = jpg[i + 1], struct.unpack('>H', jpg[i + 2:i + 4])[0]
    if marker in (0xC0, 0xC1, 0xC2):
        h, w = struct.unpack('>HH', jpg[i + 5:i + 9]); break
    i += 2 + length
content = b'q 612 0 0 792 0 0 cm /Im0 Do Q'
objs = [b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>',
        b'<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n' % (w, h, len(jpg)) + jpg + b'\nendstream',
        b'<< /Length %d >>\nstream\n' % len(content) + content + b'\nendstream']
out, offs = b'%PDF-1.4\n', []
for n, o in enumerate(objs, 1):
    offs.append(len(out)); out += b'%d 0 obj\n' % n + o + b'\nendobj\n'
x = len(out)
out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1) + b''.join(b'%010d 00000 n \n' % o for o in offs)
out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, x)
open(sys.argv[2], 'wb').write(out)
PY
}

evidence_year() {
  local D=$1 ck e i n
  mkdir -p "$D/usb" "$D/lists" "$D/files" "$D/truth" || return 1
  # The truth, for the hand count: each event (title, unit, topics, state)
  # and each attendee (title, employee number), as they are typed in.
  : > "$D/truth/events.tsv"; : > "$D/truth/att.tsv"; : > "$D/truth/pledges.txt"
  truth_event() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$D/truth/events.tsv"; }
  truth_att() { awk -v t="$1" '{ print t "\t" $1 }' >> "$D/truth/att.tsv"; }
  export CEPCI_NOW=1797357600   # 2026-12-15 12:00 in Mexico City
  sed -e "s#^dir = .*#dir = $D/usb#" "${CK_SOURCE_DIR:?}/config/ecosur.example.ini" > "$D/kiosk.ini"
  sed -i -e "s#^carta = .*#carta = $CK_SOURCE_DIR/assets/carta-compromiso.txt#" \
         -e "s#^privacy = .*#privacy = $CK_SOURCE_DIR/assets/aviso-privacidad.txt#" \
         -e "s#^logo = .*#logo =#" -e "s#^attract = .*#attract = $CK_SOURCE_DIR/assets/attract#" "$D/kiosk.ini"
  ck() { "$B" --db "$D/k.db" --config "$D/kiosk.ini" "$@"; }
  ck init --institution "El Colegio de la Frontera Sur" --unit SCLC >/dev/null || return 1
  "${CK_BUILD_DIR:?}/ck-gen-roster" 1200 2026 > "$D/lists/padron.csv" || return 1
  ck roster import "$D/lists/padron.csv" >/dev/null || return 1
  # The active staff of each unit, in roster order.
  for u in SCLC CHE CAM TAP VHSA; do
    awk -F, -v u=$u 'NR > 1 && $5 == u && $NF == "sí" { print $1 }' "$D/lists/padron.csv" > "$D/lists/activos_$u.txt"
  done
  awk -F, 'NR > 1 && $NF == "sí" { print $1 }' "$D/lists/padron.csv" > "$D/lists/activos.txt"
  ev() { ck event add "$@" || return 1; }
  # 1. The online course of 1.1.1, its completion list exported as XLSX.
  e=$(ev --title "Curso en línea «Nueva Ética e Integridad en el Servicio Público»" --kind curso --topics etica,integridad \
        --unit SCLC --start "2026-03-02 09:00" --end "2026-11-30 18:00" --place "Plataforma SICAVISP (en línea)" \
        --instructor "Secretaría de la Función Pública" --pat 1.1.1 --no-signature) || return 1
  ck event open "$e" >/dev/null && ck event close "$e" >/dev/null || return 1
  echo "$e" > "$D/ev_curso"
  truth_event "Curso en línea «Nueva Ética e Integridad en el Servicio Público»" SCLC etica,integridad closed
  awk 'NR % 4 == 1' "$D/lists/activos.txt" | head -260 |
    awk -v OFS='\t' '{ m = 3 + NR % 8; d = 2 + NR % 26; printf "%s\t2026-%02d-%02d\t%s\tPersona %s\n", $1, m, d, (NR % 10 == 0 ? "constancia enviada por correo" : ""), $1 }' \
    > "$D/lists/curso.tsv"
  evidence_xlsx "$D/lists/acreditados_nueva_etica.xlsx" "$D/lists/curso.tsv" || return 1
  cut -f1 "$D/lists/curso.tsv" | truth_att "Curso en línea «Nueva Ética e Integridad en el Servicio Público»"
  ck attendance import "$e" "$D/lists/acreditados_nueva_etica.xlsx" >/dev/null || return 1
  # 2-6. A workshop in each unit; its paper list typed in a spreadsheet.
  i=0
  for u in SCLC CHE CAM TAP VHSA; do
    i=$((i + 1))
    e=$(ev --title "Taller de prevención de conflictos de intereses ($u)" --kind taller --topics conflicto-intereses \
          --unit $u --start "2026-0$((i + 2))-1$i 10:00" --end "2026-0$((i + 2))-1$i 13:30" --place "Sala de juntas" \
          --instructor "Mtra. Lucía Núñez Ibáñez" --pat 1.2.1) || return 1
    [ $u = VHSA ] && echo "$e" > "$D/ev_vhsa"
    ck event open "$e" >/dev/null && ck event close "$e" >/dev/null || return 1
    n=$((20 + i * 6))
    # Spanish-locale Excel: ';', Windows-1252, CRLF; a date per row for some.
    { printf 'N\xfamero de empleado;Nombre completo;Observaciones\r\n'
      sed -n "$((i * 3)),$((i * 3 + n - 1))p" "$D/lists/activos_$u.txt" |
        awk -v i=$i '{ printf "%s;Asistente %s;%s\r\n", $1, NR, (NR == 2 ? "Lleg\xf3 tarde" : "") }'
    } > "$D/lists/lista_taller_$u.csv"
    ck attendance import "$e" "$D/lists/lista_taller_$u.csv" >/dev/null || return 1
    truth_event "Taller de prevención de conflictos de intereses ($u)" $u conflicto-intereses closed
    sed -n "$((i * 3)),$((i * 3 + n - 1))p" "$D/lists/activos_$u.txt" |
      truth_att "Taller de prevención de conflictos de intereses ($u)"
  done
  # 7. A conference for 1.2.3 (25 November): people registered at the desk.
  e=$(ev --title "Conversatorio sobre la violencia hacia las mujeres" --kind conversatorio --topics violencia-genero,igualdad-genero \
        --unit SCLC --start "2026-11-25 11:00" --end "2026-11-25 13:00" --place "Auditorio principal" \
        --instructor "Dra. Ana Sofía Peña Íñiguez" --pat 1.2.3 --no-signature) || return 1
  echo "$e" > "$D/ev_conv"
  CEPCI_NOW=1795627800 ck event open "$e" >/dev/null || return 1   # 2026-11-25 11:30
  for no in $(sed -n 40,64p "$D/lists/activos_SCLC.txt"); do
    CEPCI_NOW=1795627800 ck checkin "$e" "$no" >/dev/null || return 1
  done
  ck event close "$e" >/dev/null || return 1
  truth_event "Conversatorio sobre la violencia hacia las mujeres" SCLC violencia-genero,igualdad-genero closed
  sed -n 40,64p "$D/lists/activos_SCLC.txt" | truth_att "Conversatorio sobre la violencia hacia las mujeres"
  # 8. The Code of Conduct oath (4.3.1, no key given: filed under 4.3.1).
  e=$(ev --title "Protesta del Código de Conducta" --kind protesta --topics codigo-conducta --unit CHE \
        --start "2026-05-20 09:00" --end "2026-05-20 10:00" --place "Explanada") || return 1
  ck event open "$e" >/dev/null && ck event close "$e" >/dev/null || return 1
  { echo "numero_empleado,fecha"; sed -n 1,30p "$D/lists/activos_CHE.txt" | sed 's#$#,20/05/2026#'; } > "$D/lists/protesta.csv"
  ck attendance import "$e" "$D/lists/protesta.csv" >/dev/null || return 1
  truth_event "Protesta del Código de Conducta" CHE codigo-conducta closed
  sed -n 1,30p "$D/lists/activos_CHE.txt" | truth_att "Protesta del Código de Conducta"
  # 9. A film forum in TAP (hostigamiento y acoso sexual).
  e=$(ev --title "Cine-debate: hostigamiento y acoso sexual" --kind cine-debate --topics hsas --unit TAP \
        --start "2026-09-08 17:00" --end "2026-09-08 19:30" --place "Aula 3" --pat 1.1.2) || return 1
  ck event open "$e" >/dev/null && ck event close "$e" >/dev/null || return 1
  { echo "numero_empleado"; sed -n 30,47p "$D/lists/activos_TAP.txt"; } > "$D/lists/cine.csv"
  ck attendance import "$e" "$D/lists/cine.csv" >/dev/null || return 1
  truth_event "Cine-debate: hostigamiento y acoso sexual" TAP hsas closed
  sed -n 30,47p "$D/lists/activos_TAP.txt" | truth_att "Cine-debate: hostigamiento y acoso sexual"
  # 10. A meeting whose topic does not count for the indicators.
  e=$(ev --title "Reunión informativa del programa de archivo" --kind otro --topics otro --unit CAM \
        --start "2026-10-05 12:00" --end "2026-10-05 13:00") || return 1
  ck event open "$e" >/dev/null && ck event close "$e" >/dev/null || return 1
  { echo "numero_empleado"; sed -n 1,12p "$D/lists/activos_CAM.txt"; } > "$D/lists/reunion.csv"
  ck attendance import "$e" "$D/lists/reunion.csv" >/dev/null || return 1
  truth_event "Reunión informativa del programa de archivo" CAM otro closed
  sed -n 1,12p "$D/lists/activos_CAM.txt" | truth_att "Reunión informativa del programa de archivo"
  # 11. A second event in VHSA (1.1.2), a platica, some people also in the workshop.
  e=$(ev --title "Plática: la Nueva Ética Pública" --kind platica --topics etica --unit VHSA \
        --start "2026-08-14 10:00" --end "2026-08-14 11:00" --place "Auditorio" --pat 1.1.2 --no-signature) || return 1
  ck event open "$e" >/dev/null && ck event close "$e" >/dev/null || return 1
  { echo "numero_empleado;nota"; sed -n 10,31p "$D/lists/activos_VHSA.txt" | sed 's/$/;/'; } > "$D/lists/platica.csv"
  ck attendance import "$e" "$D/lists/platica.csv" >/dev/null || return 1
  truth_event "Plática: la Nueva Ética Pública" VHSA etica closed
  sed -n 10,31p "$D/lists/activos_VHSA.txt" | truth_att "Plática: la Nueva Ética Pública"
  # 12. A draft, never held.
  ev --title "Taller de ética (por programar)" --kind taller --topics etica --unit SCLC --start "2026-12-18 10:00" \
     >/dev/null || return 1
  truth_event "Taller de ética (por programar)" SCLC etica draft
  # Pledges of the Carta, typed from paper letters through the year.
  n=0
  for no in $(awk 'NR % 5 == 2' "$D/lists/activos.txt" | head -150); do
    n=$((n + 1))
    ck pledge "$no" --keyed --date "2026-$(printf %02d $((1 + n % 11)))-1$((n % 9))" >/dev/null || return 1
    echo "$no" >> "$D/truth/pledges.txt"
  done
  # Attachments: photos of two workshops, the scanned paper list, a certificate screenshot.
  convert -size 1600x1200 plasma:skyblue-white -pointsize 64 -fill black -annotate +80+600 'Taller VHSA, 15/07/2026' \
    "$D/files/foto taller.jpg" 2>/dev/null || return 1
  convert -size 1200x900 gradient:gold-tomato -pointsize 48 -annotate +60+450 'Taller VHSA: grupo' \
    "$D/files/grupo.jpg" || return 1
  convert -size 1275x1650 xc:white -pointsize 36 -annotate +100+200 'Lista de asistencia (firmada)' \
    -annotate +100+300 '1. ______________________' "$D/files/escaneo.jpg" || return 1
  evidence_jpeg_pdf "$D/files/escaneo.jpg" "$D/files/lista firmada.pdf" || return 1
  convert -size 1024x640 xc:lightgray -pointsize 30 -annotate +40+320 'Constancia: curso acreditado' \
    "$D/files/captura constancia.png" || return 1
  ck event attach "$(cat "$D/ev_vhsa")" "$D/files/foto taller.jpg" --note "Al inicio del taller" >/dev/null || return 1
  ck event attach "$(cat "$D/ev_vhsa")" "$D/files/grupo.jpg" >/dev/null || return 1
  ck event attach "$(cat "$D/ev_vhsa")" "$D/files/lista firmada.pdf" >/dev/null || return 1
  ck event attach "$(cat "$D/ev_curso")" "$D/files/captura constancia.png" --kind constancia >/dev/null || return 1
  ck event attach "$(cat "$D/ev_conv")" "$D/files/grupo.jpg" >/dev/null || return 1
}
