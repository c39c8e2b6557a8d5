#!/usr/bin/env bash
# Installs what is missing, builds, creates the demo database (if it does not
# exist yet) and starts the kiosk full screen. Extra arguments go to `run`
# (e.g. --windowed 1280x800).
#   DEMO_DIR  where the demo database lives (default: demo/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

BIN=build/cepci-kiosk
DEMO_DIR=${DEMO_DIR:-demo}
CONFIG=config/ecosur.example.ini
DB=$DEMO_DIR/cepci-kiosk.db
ck() { "$BIN" --db "$DB" --config "$CONFIG" "$@"; }

if [ ! -f "$DB" ]; then
  mkdir -p "$DEMO_DIR" exports backups
  chmod 700 "$DEMO_DIR"
  ck init --institution "El Colegio de la Frontera Sur" --unit SCLC >/dev/null
  roster="$DEMO_DIR/padron-demo.csv"
  build/ck-gen-roster 300 7 > "$roster"
  chmod 600 "$roster"
  ck roster import "$roster"
  year=$(date +%Y)
  today=$(date +%Y-%m-%d)
  # Earlier this year: two closed trainings whose paper lists were typed in.
  past1=$(ck event add --title "Curso: Nueva Ética e Integridad en el Servicio Público" --kind curso \
            --topics etica,integridad --unit SCLC --start "$year-03-10 10:00" --end "$year-03-10 13:00" \
            --place "Auditorio" --pat 1.1.2 --instructor "Unidad de Ética")
  past2=$(ck event add --title "Conversatorio sobre violencia hacia las mujeres" --kind conversatorio \
            --topics violencia-genero,igualdad-genero --unit CHE --start "$year-05-14 11:00" \
            --place "Sala de juntas" --pat 1.2.3)
  for e in "$past1" "$past2"; do ck event open "$e"; done
  for n in $(seq 100001 100060); do ck checkin "$past1" "$n" --keyed >/dev/null 2>&1 || true; done
  for n in $(seq 100100 100130); do ck checkin "$past2" "$n" --keyed >/dev/null 2>&1 || true; done
  for e in "$past1" "$past2"; do ck event close "$e"; done
  for n in $(seq 100001 100090); do ck pledge "$n" --keyed --date "$year-02-15" >/dev/null 2>&1 || true; done
  # Today: the open event at this kiosk (no signature: the badge path needs no tap).
  now=$(ck event add --title "Taller: Prevención de conflictos de intereses" --kind taller \
          --topics conflicto-intereses,etica --unit SCLC --start "$today 09:00" --end "$today 18:00" \
          --place "Sala de usos múltiples" --pat 1.2.1 --instructor "CEPCI" --no-signature)
  ck event open "$now"
  # A known PIN for the demo only (a real kiosk sets its own with admin set-pin).
  printf '2468\n2468\n' | ck admin set-pin >/dev/null
  echo "demo: database $DB with 300 people, open event $now"
  echo "demo: badge/employee numbers 100001-100300"
  echo "demo: coordinator mode = hold the top-left corner 3 s, PIN 2468"
fi
exec "$BIN" --db "$DB" --config "$CONFIG" run "$@"
