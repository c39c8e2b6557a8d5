#!/usr/bin/env bash
# central_bench.sh — figures for the central PostgreSQL (not a test).
#
#   bash tools/central_bench.sh [ATTENDANCE [INSTITUTIONS [INGEST]]]
#
# Starts a throwaway PostgreSQL 15 (tests/pg_lib.sh; fsync off, larger
# buffers), applies db/central, fills it with tools/central_gen.sql
# (default 10,000,000 attendance rows over 300 institutions), prints the
# sizes, then times ck.indicators for one institution (median of 9, each a
# different institution) and ck.indicators_of for all (median of 3). Last,
# ingest: INGEST attendance records (default 100,000) of one new kiosk,
# pushed through ck.ingest in batches of 5,000 with real hash chains, one
# transaction per batch; prints the time and records/s. Everything is
# removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ATT=${1:-10000000}
NINST=${2:-300}
INGEST=${3:-100000}
PG_EXTRA_OPTS="-c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB -c max_wal_size=16GB \
 -c checkpoint_timeout=1h -c max_parallel_workers_per_gather=2"
# shellcheck source=tests/pg_lib.sh
. tests/pg_lib.sh
pg_start
pg_central_init cepci >/dev/null
q() { psql_as cepci_owner cepci -At "$@"; }
now() { date +%s.%N; }

t0=$(now)
psql_as cepci_owner cepci -v institutions="$NINST" -v attendance="$ATT" -f tools/central_gen.sql >/dev/null
t1=$(now)
printf 'generate: %s attendance rows, %s institutions: %.1f s\n' "$ATT" "$NINST" "$(awk "BEGIN { print $t1 - $t0 }")"
q -F ' ' -c "SELECT 'rows: attendance ' || (SELECT count(*) FROM ck.attendance) || ', people ' || (SELECT count(*) FROM ck.person)
                  || ', pledges ' || (SELECT count(*) FROM ck.pledge) || ', events ' || (SELECT count(*) FROM ck.event)"
q -c "SELECT 'size: attendance ' || pg_size_pretty(pg_total_relation_size('ck.attendance')) || ' (indexes '
             || pg_size_pretty(pg_indexes_size('ck.attendance')) || '), people '
             || pg_size_pretty(pg_total_relation_size('ck.person')) || ', pledges '
             || pg_size_pretty(pg_total_relation_size('ck.pledge')) || ', database '
             || pg_size_pretty(pg_database_size('cepci'))"

psql_as cepci_owner cepci <<'SQL'
\set QUIET on
DO $$
DECLARE
  t0 timestamptz;
  ms float8[] := '{}';
  r jsonb;
  n integer := (SELECT count(*) FROM ck.institution WHERE id LIKE 'BENCH-%');
BEGIN
  PERFORM ck.indicators('BENCH-001', 2025);          -- warm the catalog caches
  FOR i IN 1 .. 9 LOOP
    t0 := clock_timestamp();
    r := ck.indicators(format('BENCH-%s', lpad((1 + (i * 37) % n)::text, 3, '0')), 2025);
    ms := ms || extract(epoch FROM clock_timestamp() - t0) * 1000;
  END LOOP;
  RAISE NOTICE 'ck.indicators, one institution (% staff): median % ms (min %, max %)',
    r->'overall'->>'staff', round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 1),
    round((SELECT min(x) FROM unnest(ms) x)::numeric, 1), round((SELECT max(x) FROM unnest(ms) x)::numeric, 1);
  ms := '{}';
  FOR i IN 1 .. 3 LOOP
    t0 := clock_timestamp();
    PERFORM count(*) FROM ck.indicators_of(NULL, 2025);
    ms := ms || extract(epoch FROM clock_timestamp() - t0) * 1000;
  END LOOP;
  RAISE NOTICE 'ck.indicators_of, all % institutions: median % ms', n,
    round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 1);
END
$$;
SQL

# Ingest: one new kiosk's chain, built here, pushed in batches.
BATCH=5000
q >/dev/null <<SQL
SELECT ck.enroll('BNCHK01', 'BENCH-001', 'U1', sha256('bench'));
CREATE TABLE bench_batch (n integer PRIMARY KEY, batch jsonb);
DO \$\$
DECLARE
  prev text := repeat('0', 64);
  entries jsonb[];
  c text;
  h text;
  u text;
  s bigint := 0;
BEGIN
  FOR b IN 1 .. ceil($INGEST::numeric / $BATCH) LOOP
    entries := '{}';
    FOR i IN 1 .. least($BATCH, $INGEST - s) LOOP
      s := s + 1;
      u := md5('bench/' || s)::uuid::text;
      c := jsonb_build_array('attendance', u, 'BNCHK01', md5('BENCH-001/e/' || (1 + s % 120))::uuid, (1 + s % 1000)::text,
                             NULL, 1735700000 + s, 'number', NULL, 'BNCHK01-' || lpad(s::text, 6, '0'))::text;
      h := ck.chain_hash(1, 'BNCHK01', prev, 1735700000 + s, 'attendance', u, c);
      entries[i] := jsonb_build_object('seq', s, 'at', 1735700000 + s, 'kind', 'attendance', 'uuid', u, 'content', c,
                                       'prev_hash', prev, 'hash', h);
      prev := h;
    END LOOP;
    INSERT INTO bench_batch VALUES (b, jsonb_build_object('format', 1, 'kiosk', 'BNCHK01',
      'epoch', '00000000-0000-4000-8000-0000000b0001', 'sent_at', 1735700000 + s, 'audit', to_jsonb(entries),
      'head', jsonb_build_object('seq', s, 'hash', prev, 'signed_at', 1735700000 + s,
                                 'signature', encode(sha512(prev::bytea), 'base64'))));
  END LOOP;
END
\$\$;
SQL
nb=$(q -c "SELECT count(*) FROM bench_batch")
t0=$(now)
for b in $(seq 1 "$nb"); do
    q -c "SELECT ck.ingest(batch)->>'ack' FROM bench_batch WHERE n = $b" >/dev/null
done
t1=$(now)
secs=$(awk "BEGIN { print $t1 - $t0 }")
printf 'ingest: %s records in %s batches of %s: %.2f s, %.0f records/s\n' "$INGEST" "$nb" "$BATCH" "$secs" \
    "$(awk "BEGIN { print $INGEST / $secs }")"
t0=$(now)
for b in $(seq 1 "$nb"); do
    q -c "SELECT ck.ingest(batch)->>'ack' FROM bench_batch WHERE n = $b" >/dev/null
done
t1=$(now)
printf 'ingest again (every batch already held): %.2f s\n' "$(awk "BEGIN { print $t1 - $t0 }")"
