#!/usr/bin/env bash
# test_central_sql.sh — the central PostgreSQL side (db/central/*.sql) on a
# real throwaway PostgreSQL 15 (tests/pg_lib.sh): schema init is idempotent;
# roles; enrollment; ingest (idempotent, conflicts, append-only, chains that
# do not extend the held head, epochs); pull in pages; the indicators
# against a hand count; and, when $CK_BIN is built, chains written by the
# real kiosk ingested and its `indicators --format json` matched.
# Exits 77 (skipped) without PostgreSQL 15.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/pg_lib.sh
. "$HERE/pg_lib.sh"
pg_start

n=0
bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1" >&2; }
check() { # check NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else no "$1: got [$2], want [$3]"; fi
}
q() { psql_as cepci_owner cepci -At "$@"; }            # as the owner
qk() { psql_as ck_kiosk1 cepci -At "$@"; }             # as kiosk K1's login
qk2() { psql_as ck_kiosk2 cepci -At "$@"; }            # as kiosk K2's login
# expect_err NAME SQLSTATE ROLE SQL: the statement fails with SQLSTATE.
expect_err() {
    local out
    if out=$(psql_as "$3" cepci -At -v VERBOSITY=verbose -c "$4" 2>&1); then
        no "$1: succeeded: $out"
    elif grep -q "ERROR:  $2:" <<<"$out"; then
        ok "$1 ($(grep -m1 'ERROR:' <<<"$out" | cut -c1-110))"
    else
        no "$1: wrong error: $out"
    fi
}
# A one-line fingerprint of everything stored.
stored() {
    q -c "SELECT (SELECT count(*) FROM ck.audit_entry) || ' ' || (SELECT count(*) FROM ck.attendance) || ' ' ||
                 (SELECT count(*) FROM ck.pledge) || ' ' || (SELECT count(*) FROM ck.person) || ' ' ||
                 (SELECT count(*) FROM ck.event) || ' ' || (SELECT count(*) FROM ck.signature) || ' ' ||
                 (SELECT count(*) FROM ck.chain_head) || ' ' || (SELECT count(*) FROM ck.batch) || ' ' ||
                 (SELECT count(*) FROM ck.conflict) || ' ' || (SELECT count(*) FROM ck.kiosk_epoch) || ' ' ||
                 (SELECT coalesce(sum(head_seq), 0) FROM ck.kiosk_epoch) || ' ' ||
                 (SELECT md5(string_agg(p::text, ',' ORDER BY employee_no)) FROM ck.person p)"
}

# ---- 1. schema init, twice
check "init applies 001 to 008" "$(pg_central_init cepci | tr '\n' ' ')" "1 2 3 4 5 6 7 8 "
check "init again applies nothing" "$(pg_central_init cepci | tr '\n' ' ')" ""
check "schema_version" "$(q -c 'SELECT string_agg(version::text, $$,$$ ORDER BY version) FROM ck.schema_version')" "1,2,3,4,5,6,7,8"
if psql_as cepci_owner cepci -1 -f "$CK_SOURCE_DIR/db/central/002_indicators.sql" >/dev/null 2>&1; then
    no "a migration applied twice by hand must fail"
else
    ok "a migration applied twice by hand fails and changes nothing"
fi
psql_as ck_admin postgres -c "CREATE DATABASE cepci_su OWNER cepci_owner" >/dev/null
if out=$(psql_as ck_admin cepci_su -1 -f "$CK_SOURCE_DIR/db/central/001_init.sql" 2>&1); then
    no "init as a superuser must be refused"
else
    check "init as a superuser refused" "$(grep -c 'no como superusuario' <<<"$out")" 1
fi

# ---- 2. roles and enrollment
psql_as ck_admin postgres -c "CREATE ROLE ck_kiosk1 LOGIN IN ROLE cepci_kiosk" \
    -c "CREATE ROLE ck_kiosk2 LOGIN IN ROLE cepci_kiosk" \
    -c "CREATE ROLE ck_kiosk3 LOGIN IN ROLE cepci_kiosk" -c "CREATE ROLE ck_auditor LOGIN IN ROLE cepci_reader" >/dev/null
INST="Institución Uno"
q >/dev/null <<SQL
SELECT ck.enroll('K1AAAAA', '$INST', 'MX', sha256('k1'), 'ck_kiosk1');
SELECT ck.enroll('K2BBBBB', '$INST', 'QR', sha256('k2'), 'ck_kiosk2');
SELECT ck.enroll('K3CCCCC', '$INST', 'SC', sha256('k3'), 'ck_kiosk3');
SELECT ck.enroll('K4DDDDD', '$INST', 'SC', sha256('k4'));
INSERT INTO ck.unit (institution, code, name, timezone) VALUES
  ('$INST', 'MX', 'Ciudad de México', 'America/Mexico_City'),
  ('$INST', 'QR', 'Chetumal', 'America/Cancun'),
  ('$INST', 'SC', 'San Cristóbal', 'America/Mexico_City'),
  ('$INST', 'VAC', 'Vacía', 'America/Mexico_City');
SQL
check "enroll again with the same key" "$(q -c "SELECT ck.enroll('K2BBBBB', '$INST', 'QR', sha256('k2'), 'ck_kiosk2')")" "unchanged"
expect_err "enroll with another key" CK007 cepci_owner "SELECT ck.enroll('K2BBBBB', '$INST', 'QR', sha256('x'))"
for t in attendance pledge audit_entry person kiosk; do
    expect_err "kiosk role cannot read ck.$t" 42501 ck_kiosk1 "SELECT count(*) FROM ck.$t"
done
expect_err "kiosk role cannot insert" 42501 ck_kiosk1 \
    "INSERT INTO ck.pledge VALUES (gen_random_uuid(), 'x', 'K1AAAAA', 1, 1, '1', 1, 'a', 'b', 'keyed', NULL, 'f')"
expect_err "kiosk role cannot delete" 42501 ck_kiosk1 "DELETE FROM ck.attendance"
expect_err "kiosk role cannot enroll" 42501 ck_kiosk1 "SELECT ck.enroll('K9ZZZZZ', 'x', 'y', sha256('z'))"
expect_err "kiosk role cannot call helpers" 42501 ck_kiosk1 "SELECT ck.chain_hash(1, 'a', 'b', 1, 'c', 'd', 'e')"
expect_err "kiosk role cannot read indicators" 42501 ck_kiosk1 "SELECT ck.indicators('$INST', 2025)"
expect_err "reader cannot ingest" 42501 ck_auditor "SELECT ck.ingest('{}')"
expect_err "reader cannot write" 42501 ck_auditor "UPDATE ck.kiosk SET unit_code = 'x'"
check "reader reads" "$(psql_as ck_auditor cepci -At -c 'SELECT count(*) FROM ck.kiosk')" 4

# ---- test helpers (owner-only schema t): contents as the kiosk writes
# them, and batches with a real hash chain.
q >/dev/null <<'SQL'
CREATE SCHEMA t;
CREATE FUNCTION t.u(n integer) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT '00000000-0000-4000-8000-' || lpad(n::text, 12, '0') $$;
CREATE FUNCTION t.ts(s text) RETURNS bigint LANGUAGE sql IMMUTABLE AS
  $$ SELECT extract(epoch FROM s::timestamptz)::bigint $$;
CREATE FUNCTION t.person(id integer, emp text, unit text, active integer, area text DEFAULT '') RETURNS jsonb
  LANGUAGE sql AS $$ SELECT jsonb_build_array('person', t.u(id), emp, 'Inés', 'Peña', 'Íñiguez', unit, area, '', '', active) $$;
CREATE FUNCTION t.event(id integer, kiosk text, unit text, start text, topics text[], state text) RETURNS jsonb
  LANGUAGE sql AS $$ SELECT jsonb_build_array('event', t.u(id), kiosk, 'Taller ' || id, 'taller', to_jsonb(topics), unit,
                                              start, '', '', '', '', 0, state) $$;
CREATE FUNCTION t.att(id integer, kiosk text, ev integer, emp text, at bigint, sig text DEFAULT NULL) RETURNS jsonb
  LANGUAGE sql AS $$ SELECT jsonb_build_array('attendance', t.u(id), kiosk, t.u(ev), emp,
                                              CASE WHEN emp IS NULL THEN 'Invitada Núñez' END, at,
                                              CASE WHEN emp IS NULL THEN 'guest' ELSE 'number' END, sig,
                                              kiosk || '-' || lpad(id::text, 6, '0')) $$;
CREATE FUNCTION t.pledge(id integer, kiosk text, emp text, at bigint) RETURNS jsonb
  LANGUAGE sql AS $$ SELECT jsonb_build_array('pledge', t.u(id), kiosk, emp, at, repeat('a', 64), repeat('b', 64),
                                              'keyed', NULL::text, kiosk || '-' || lpad(id::text, 6, '0')) $$;
-- A batch of kiosk `kiosk`, epoch `epoch`: the contents (with their entry
-- times) chained from position start after hash prev; extra is merged in.
CREATE FUNCTION t.batch(kiosk text, epoch integer, start bigint, prev text, items jsonb, extra jsonb DEFAULT '{}')
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  entries jsonb := '[]';
  c jsonb;
  seq bigint := start;
  h text;
  at bigint;
BEGIN
  FOR c IN SELECT value FROM jsonb_array_elements(items) LOOP
    at := coalesce((c->>'at')::bigint, 1700000000);
    h := ck.chain_hash(1, kiosk, prev, at, c->'c'->>0, c->'c'->>1, (c->'c')::text);
    entries := entries || jsonb_build_object('seq', seq, 'at', at, 'kind', c->'c'->>0, 'uuid', c->'c'->>1,
                                             'content', (c->'c')::text, 'prev_hash', prev, 'hash', h);
    prev := h;
    seq := seq + 1;
  END LOOP;
  RETURN jsonb_build_object('format', 1, 'kiosk', kiosk, 'epoch', t.u(900000 + epoch),
           'sent_at', extract(epoch FROM now())::bigint + 3600, 'audit', entries,
           'head', jsonb_build_object('seq', seq - 1, 'hash', prev, 'signed_at', extract(epoch FROM clock_timestamp())::bigint,
                                      'signature', encode(sha512(gen_random_uuid()::text::bytea), 'base64')))
         || extra;
END
$$;
CREATE FUNCTION t.i(c jsonb, at bigint DEFAULT NULL) RETURNS jsonb LANGUAGE sql AS
  $$ SELECT jsonb_build_object('c', c, 'at', at) $$;
CREATE TABLE t.b (name text PRIMARY KEY, batch jsonb);
-- The helpers only build batches; the kiosk login may use them.
GRANT USAGE ON SCHEMA t TO ck_kiosk1, ck_kiosk2;
GRANT SELECT ON t.b TO ck_kiosk1, ck_kiosk2;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA t TO ck_kiosk1, ck_kiosk2, ck_kiosk3;
GRANT USAGE ON SCHEMA t TO ck_kiosk3;
SQL

# The fixture (hand count below). Units: MX (Mexico_City), QR (Cancun), SC,
# VAC (no staff, no event). Events of 2025: 11 MX etica closed; 12 QR otro
# (not qualifying); 13 QR integridad open, only a guest; 15 QR hsas closed.
# 14: QR etica of 2024.
q >/dev/null <<'SQL'
INSERT INTO t.b VALUES ('k1a', t.batch('K1AAAAA', 1, 1, repeat('0', 64), jsonb_build_array(
  t.i(t.person(1, '1001', 'MX', 1)), t.i(t.person(2, '1002', 'MX', 1)), t.i(t.person(3, '1003', 'MX', 0)),
  t.i(t.person(4, '1004', 'MX', 1)), t.i(t.person(5, '2001', 'QR', 1)), t.i(t.person(6, '2002', 'QR', 1)),
  t.i(t.person(7, '2003', 'QR', 1)), t.i(t.person(8, '3001', 'SC', 1)),
  t.i(t.event(11, 'K1AAAAA', 'MX', '2025-03-10 10:00', '{etica}', 'draft')),
  t.i(t.event(11, 'K1AAAAA', 'MX', '2025-03-10 10:00', '{etica}', 'open'), 1700000100),
  t.i(t.event(12, 'K1AAAAA', 'QR', '2025-06-01 10:00', '{otro}', 'closed')),
  t.i(t.event(13, 'K1AAAAA', 'QR', '2025-09-01 10:00', '{integridad,otro}', 'open')),
  t.i(t.event(14, 'K1AAAAA', 'QR', '2024-11-01 10:00', '{etica}', 'closed')),
  t.i(t.event(15, 'K1AAAAA', 'QR', '2025-10-01 10:00', '{hsas}', 'closed'))),
  jsonb_build_object('units', jsonb_build_array(jsonb_build_object('code', 'MX', 'name', 'Ciudad de México',
                                                                   'timezone', 'America/Mexico_City')))));
SQL
B1=$(q -c "SELECT batch FROM t.b WHERE name = 'k1a'")
H1=$(q -c "SELECT batch->'head'->>'hash' FROM t.b WHERE name = 'k1a'")
q >/dev/null <<SQL
INSERT INTO t.b VALUES ('k1b', t.batch('K1AAAAA', 1, 15, '$H1', jsonb_build_array(
  t.i(t.event(11, 'K1AAAAA', 'MX', '2025-03-10 10:00', '{etica}', 'closed'), 1700000200),
  t.i(t.att(101, 'K1AAAAA', 11, '1001', t.ts('2025-03-10 10:05-06'))),
  t.i(t.att(102, 'K1AAAAA', 11, '1003', t.ts('2025-03-10 10:06-06'))),
  t.i(t.att(103, 'K1AAAAA', 11, NULL, t.ts('2025-03-10 10:07-06'))),
  t.i(t.att(104, 'K1AAAAA', 14, '2001', t.ts('2024-11-01 10:05-05'))),
  t.i(t.att(105, 'K1AAAAA', 15, '2002', t.ts('2025-10-01 10:05-05'))),
  t.i(t.pledge(201, 'K1AAAAA', '1001', t.ts('2025-05-01 12:00-06'))),
  t.i(t.pledge(202, 'K1AAAAA', '1003', t.ts('2025-05-01 12:00-06'))),
  t.i(t.pledge(203, 'K1AAAAA', '1004', t.ts('2025-12-31 23:30-06'))),
  t.i(t.pledge(204, 'K1AAAAA', '2002', t.ts('2025-02-01 12:00-05'))),
  t.i(t.att(106, 'K1AAAAA', 11, '1002', t.ts('2025-03-10 10:08-06'), encode(sha256('trazos 106'), 'hex'))),
  t.i(t.person(2, '1002', 'MX', 1, 'área K1'), 1800000000),
  t.i(jsonb_build_array('meta', 'institution', 'Institución Uno'))),
  jsonb_build_object('signatures', jsonb_build_array(jsonb_build_object('uuid', t.u(301),
                                                     'strokes', encode('trazos 106', 'base64'))))));
INSERT INTO t.b VALUES ('k2a', t.batch('K2BBBBB', 2, 1, repeat('0', 64), jsonb_build_array(
  t.i(t.att(111, 'K2BBBBB', 15, '2002', t.ts('2025-10-01 10:06-05'))),
  t.i(t.att(112, 'K2BBBBB', 12, '2003', t.ts('2025-06-01 10:06-05'))),
  t.i(t.att(113, 'K2BBBBB', 13, NULL, t.ts('2025-09-01 10:06-05'))),
  t.i(t.pledge(211, 'K2BBBBB', '2001', t.ts('2025-12-31 23:30-05'))),
  t.i(t.pledge(212, 'K2BBBBB', '2003', t.ts('2026-01-01 00:30-05'))),
  t.i(t.pledge(213, 'K2BBBBB', '2002', t.ts('2025-03-01 12:00-05'))),
  t.i(t.person(52, '1002', 'MX', 1, 'área K2'), 1800000000))));
SQL
B1b=$(q -c "SELECT batch FROM t.b WHERE name = 'k1b'")
B2=$(q -c "SELECT batch FROM t.b WHERE name = 'k2a'")
cat > "$PG_DIR/b1.json" <<<"$B1"

# ---- 3. an unenrolled kiosk: refused, nothing stored
before=$(stored)
expect_err "unenrolled kiosk refused" CK001 ck_kiosk1 \
    "SELECT ck.ingest(jsonb_set('$B1'::jsonb, '{kiosk}', '\"K9ZZZZZ\"'))"
expect_err "unenrolled kiosk cannot pull" CK001 ck_kiosk1 "SELECT ck.pull('K9ZZZZZ', '$(q -c "SELECT t.u(1)")', 0)"
check "nothing stored for an unenrolled kiosk" "$(stored)" "$before"
expect_err "kiosk bound to another login" CK002 ck_kiosk1 \
    "SELECT ck.ingest(jsonb_set('$B1'::jsonb, '{kiosk}', '\"K3CCCCC\"'))"
# A kiosk enrolled without a login of its own: no kiosk login may write its
# chain (db/central/005_logins.sql; the central cannot check signatures).
expect_err "a kiosk enrolled without a login: another kiosk's login cannot push for it" CK002 ck_kiosk1 \
    "SELECT ck.ingest(jsonb_set('$B1'::jsonb, '{kiosk}', '\"K4DDDDD\"'))"
check "nothing stored for it" "$(stored)" "$before"
expect_err "batch without a head" CK004 ck_kiosk1 "SELECT ck.ingest('$B1'::jsonb - 'head')"
expect_err "batch with an unknown format" CK005 ck_kiosk1 "SELECT ck.ingest(jsonb_set('$B1'::jsonb, '{format}', '2'))"
expect_err "entry with a hash that is not hex" CK004 ck_kiosk1 \
    "SELECT ck.ingest(jsonb_set('$B1'::jsonb, '{audit,3,hash}', to_jsonb(repeat('Z', 64))))"
expect_err "event with a bad date" CK004 ck_kiosk1 "SELECT ck.ingest(t.batch('K1AAAAA', 1, 1, repeat('0', 64),
    jsonb_build_array(t.i(t.event(198, 'K1AAAAA', 'MX', '2025-3-1', '{etica}', 'open')))))"
NOTJSON=$(q <<'SQL'
WITH h AS (SELECT ck.chain_hash(1, 'K1AAAAA', repeat('0', 64), 1, 'person', t.u(197), '["person"') AS h)
SELECT jsonb_build_object('format', 1, 'kiosk', 'K1AAAAA', 'epoch', t.u(900001), 'sent_at', 1,
         'audit', jsonb_build_array(jsonb_build_object('seq', 1, 'at', 1, 'kind', 'person', 'uuid', t.u(197),
                                                       'content', '["person"', 'prev_hash', repeat('0', 64), 'hash', h)),
         'head', jsonb_build_object('seq', 1, 'hash', h, 'signed_at', 1, 'signature', encode(sha512('x'), 'base64')))
  FROM h;
SQL
)
expect_err "entry whose content is not JSON" CK004 ck_kiosk1 "SELECT ck.ingest('$NOTJSON')"
expect_err "batch starting after a gap" CK003 ck_kiosk1 "SELECT ck.ingest('$B1b')"
expect_err "attendance naming another kiosk" CK004 ck_kiosk1 "SELECT ck.ingest(t.batch('K1AAAAA', 1, 1, repeat('0', 64),
    jsonb_build_array(t.i(t.att(199, 'K2BBBBB', 11, '1001', 1)))))"
check "nothing stored by refused batches" "$(stored)" "$before"

# ---- 4. ingest; the same batch twice is stored once
check "K1 first batch" "$(qk -c "SELECT r->>'status', r->>'ack', r->'stored'->>'entries' FROM ck.ingest('$B1') r" | tr '|' ' ')" \
    "accepted 14 14"
after1=$(stored)
check "same batch again: accepted, nothing new" \
    "$(qk -c "SELECT r->>'status', r->>'ack', r->'stored'->>'entries' FROM ck.ingest('$B1') r" | tr '|' ' ')" "accepted 14 0"
check "same batch again stores nothing" "$(stored)" "$after1"
expect_err "missing signature strokes refused" CK004 ck_kiosk1 "SELECT ck.ingest('$B1b'::jsonb - 'signatures')"
check "K1 second batch" "$(qk -c "SELECT r->>'ack', r->'stored'->>'attendance', r->'stored'->>'pledges', r->'stored'->>'signatures' FROM ck.ingest('$B1b') r" | tr '|' ' ')" \
    "27 6 4 1"
check "K2 batch (one attendance duplicates K1's, one pledge twice)" \
    "$(qk2 -c "SELECT r->>'ack', r->>'conflicts', r->>'duplicates' FROM ck.ingest('$B2') r" | tr '|' ' ')" "7 0 0"
check "replayed first batch after later ones: nothing new" \
    "$(qk -c "SELECT r->>'status', r->>'ack' FROM ck.ingest('$B1') r" | tr '|' ' ')" "accepted 27"
check "meta entry kept in the chain, not applied" "$(q -c "SELECT count(*) FROM ck.audit_entry WHERE kind = 'meta'")" 1
check "event version: latest wins" "$(q -c "SELECT state FROM ck.event WHERE uuid = t.u(11)::uuid")" "closed"
check "duplicate attendance flagged" "$(q -c "SELECT employee_no || ' ' || records FROM ck.attendance_duplicate")" "2002 2"
check "pledge twice flagged" "$(q -c "SELECT employee_no || ' ' || records FROM ck.pledge_duplicate")" "2002 2"
check "clock skew measured (the kiosk is an hour ahead)" "$(q -c "SELECT clock_skew BETWEEN 3300 AND 3600 FROM ck.kiosk WHERE id = 'K2BBBBB'")" "t"
check "units: a kiosk adds none it has, the central keeps its own" "$(q -c "SELECT count(*) FROM ck.unit")" 4

# Concurrent change of person 1002 (same changed_at on K1 and K2): the
# higher kiosk id wins, whatever the order the batches arrive in.
check "concurrent versions: deterministic winner" "$(q -c "SELECT area, v_kiosk FROM ck.person WHERE employee_no = '1002'" | tr '|' ' ')" \
    "área K2 K2BBBBB"
psql_as ck_admin postgres -c "CREATE DATABASE cepci2 OWNER cepci_owner" >/dev/null
pg_central_init cepci2 >/dev/null
psql_as cepci_owner cepci2 -q -c "SELECT ck.enroll('K1AAAAA', '$INST', 'MX', sha256('k1'))" \
    -c "SELECT ck.enroll('K2BBBBB', '$INST', 'QR', sha256('k2'))" \
    -c "SELECT ck.ingest('$B2')" -c "SELECT ck.ingest('$B1')" -c "SELECT ck.ingest('$B1b')" >/dev/null
check "the other arrival order gives the same people" \
    "$(psql_as cepci_owner cepci2 -At -c "SELECT md5(string_agg(p::text, ',' ORDER BY employee_no)) FROM ck.person p")" \
    "$(q -c "SELECT md5(string_agg(p::text, ',' ORDER BY employee_no)) FROM ck.person p")"
check "the other arrival order gives the same events" \
    "$(psql_as cepci_owner cepci2 -At -c "SELECT md5(string_agg(e::text, ',' ORDER BY uuid)) FROM ck.event e")" \
    "$(q -c "SELECT md5(string_agg(e::text, ',' ORDER BY uuid)) FROM ck.event e")"

# ---- 5. the same UUID with other content, or as another kind: conflicts
H2=$(q -c "SELECT head_hash FROM ck.kiosk_epoch WHERE kiosk_id = 'K2BBBBB'")
q >/dev/null <<SQL
INSERT INTO t.b VALUES ('k2b', t.batch('K2BBBBB', 2, 8, '$H2', jsonb_build_array(
  t.i(t.att(101, 'K2BBBBB', 11, '1001', t.ts('2025-03-10 11:00-06'))),
  t.i(t.event(102, 'K2BBBBB', 'QR', '2025-03-10 10:00', '{etica}', 'open')),
  t.i(t.att(114, 'K2BBBBB', 11, '1002', 1741622400))),
  jsonb_build_object('signatures', jsonb_build_array(jsonb_build_object('uuid', t.u(301),
                                                     'strokes', encode('otros trazos', 'base64'))))));
SQL
before=$(q -c "SELECT md5(string_agg(a::text, ',' ORDER BY uuid)) FROM ck.attendance a")
check "conflicting batch accepted, conflicts reported" \
    "$(qk2 -c "SELECT r->>'status', r->>'conflicts' FROM ck.ingest((SELECT batch FROM t.b WHERE name = 'k2b')) r" | tr '|' ' ')" \
    "accepted 3"
check "conflicts kept aside" "$(q -c "SELECT string_agg(kind || '/' || held_kind, ' ' ORDER BY seq) FROM ck.conflict")" \
    "signature/signature attendance/attendance event/attendance"
check "held record not overwritten" "$(q -c "SELECT md5(string_agg(a::text, ',' ORDER BY uuid)) FROM ck.attendance a WHERE uuid <> t.u(114)::uuid")" "$before"
check "conflicted event not applied" "$(q -c "SELECT count(*) FROM ck.event WHERE uuid = t.u(102)::uuid")" 0
check "conflicting entries kept in the chain" "$(q -c "SELECT head_seq FROM ck.kiosk_epoch WHERE kiosk_id = 'K2BBBBB'")" 10

# ---- 6. append-only
expect_err "attendance cannot be updated" CK008 cepci_owner "UPDATE ck.attendance SET at = 0"
expect_err "pledges cannot be deleted" CK008 cepci_owner "DELETE FROM ck.pledge"
expect_err "the chain cannot be deleted" CK008 cepci_owner "DELETE FROM ck.audit_entry WHERE seq = 27"
expect_err "conflicts cannot be truncated" CK008 cepci_owner "TRUNCATE ck.conflict"
expect_err "signatures cannot be updated" CK008 cepci_owner "UPDATE ck.signature SET strokes = ''"

# ---- 7. batches that do not extend the held head are stored aside
before=$(stored)
flags0=$(q -c "SELECT count(*) FROM ck.kiosk_flag")
# a) rewritten: a different entry at position 20 of K1 (held up to 27)
P19=$(q -c "SELECT hash FROM ck.audit_entry a JOIN ck.kiosk_epoch e USING (epoch_no) WHERE e.kiosk_id = 'K1AAAAA' AND seq = 19")
FORK=$(q -c "SELECT t.batch('K1AAAAA', 1, 20, '$P19', jsonb_build_array(t.i(t.att(120, 'K1AAAAA', 11, '1002', 1))))")
check "rewritten chain quarantined" \
    "$(qk -c "SELECT r->>'status', r->>'reason', r->>'position', r->>'ack' FROM ck.ingest('$FORK') r" | tr '|' ' ')" \
    "quarantined fork 20 27"
check "the same rewritten batch again is stored aside once" \
    "$(qk -c "SELECT r->>'status' FROM ck.ingest('$FORK') r"; q -c "SELECT count(*) FROM ck.batch WHERE status = 'quarantined'")" \
    "quarantined
1"
# a2) rewritten from 26 on and extended past the held head: reported at 26
P25=$(q -c "SELECT hash FROM ck.audit_entry a JOIN ck.kiosk_epoch e USING (epoch_no) WHERE e.kiosk_id = 'K1AAAAA' AND seq = 25")
FORK2=$(q -c "SELECT t.batch('K1AAAAA', 1, 26, '$P25', jsonb_build_array(t.i(t.att(125, 'K1AAAAA', 11, '1002', 1)),
               t.i(t.att(126, 'K1AAAAA', 11, '1004', 1)), t.i(t.att(127, 'K1AAAAA', 11, '2001', 1))))")
check "rewritten and extended chain quarantined at the first rewritten entry" \
    "$(qk -c "SELECT r->>'reason', r->>'position' FROM ck.ingest('$FORK2') r" | tr '|' ' ')" "fork 26"
# b) extends the held head in positions but links to a rewritten entry
H27=$(q -c "SELECT head_hash FROM ck.kiosk_epoch WHERE kiosk_id = 'K1AAAAA'")
LINK=$(q -c "SELECT t.batch('K1AAAAA', 1, 28, repeat('1', 64), jsonb_build_array(t.i(t.att(121, 'K1AAAAA', 11, '1002', 1))))")
check "chain not linked to the held head quarantined" \
    "$(qk -c "SELECT r->>'reason', r->>'position' FROM ck.ingest('$LINK') r" | tr '|' ' ')" "fork 28"
# c) an entry whose content was altered after hashing
ALT=$(q -c "SELECT jsonb_set(b, '{audit,0,content}', to_jsonb(replace(b->'audit'->0->>'content', '\"1002\"', '\"1001\"')))
            FROM t.batch('K1AAAAA', 1, 28, '$H27', jsonb_build_array(t.i(t.att(122, 'K1AAAAA', 15, '1002', 1)))) b")
check "altered entry quarantined" "$(qk -c "SELECT r->>'reason', r->>'position' FROM ck.ingest('$ALT') r" | tr '|' ' ')" "hash 28"
# d) the newest entries deleted at the kiosk: a head at 20 signed after the
# newest head held (version 4: one signed before is a late bundle, stored)
LATE=$(q -c "SELECT jsonb_build_object('format', 1, 'kiosk', 'K1AAAAA', 'epoch', t.u(900001), 'sent_at', 1, 'audit', '[]'::jsonb,
              'head', jsonb_build_object('seq', 20, 'hash', hash, 'signed_at', 2, 'signature', encode(sha512('late'), 'base64')))
             FROM ck.audit_entry a JOIN ck.kiosk_epoch e USING (epoch_no) WHERE e.kiosk_id = 'K1AAAAA' AND seq = 20")
heads0=$(q -c "SELECT count(*) FROM ck.chain_head")
check "a head signed before the newest held (a late bundle) is accepted, nothing applied" \
    "$(qk -c "SELECT r->>'status', r->>'ack', r->'stored'->>'entries' FROM ck.ingest('$LATE') r" | tr '|' ' ')" "accepted 27 0"
check "the late head is kept" "$(q -c "SELECT count(*) - $heads0 FROM ck.chain_head")" 1
before=$(stored)
ROLL=$(q -c "SELECT jsonb_build_object('format', 1, 'kiosk', 'K1AAAAA', 'epoch', t.u(900001), 'sent_at', 1, 'audit', '[]'::jsonb,
              'head', jsonb_build_object('seq', 20, 'hash', hash, 'signed_at', extract(epoch FROM now())::bigint + 100,
                                         'signature', encode(sha512('x'), 'base64')))
             FROM ck.audit_entry a JOIN ck.kiosk_epoch e USING (epoch_no) WHERE e.kiosk_id = 'K1AAAAA' AND seq = 20")
check "head older than the held one, signed after it, quarantined" \
    "$(qk -c "SELECT r->>'reason', r->>'position', r->>'ack' FROM ck.ingest('$ROLL') r" | tr '|' ' ')" "rollback 20 27"
# e) a second chain from position 1 under a new epoch with no base
ROOT=$(q -c "SELECT t.batch('K1AAAAA', 17, 1, repeat('0', 64), jsonb_build_array(t.i(t.att(123, 'K1AAAAA', 11, '1002', 1))))")
check "second root chain quarantined" "$(qk -c "SELECT r->>'reason' FROM ck.ingest('$ROOT') r")" "root"
check "stored aside: nothing applied" "$(stored | cut -d' ' -f1-7,9-)" "$(cut -d' ' -f1-7,9- <<<"$before")"
check "kiosk flagged for each" "$(q -c "SELECT count(*) - $flags0 FROM ck.kiosk_flag WHERE kiosk_id = 'K1AAAAA'")" 6
check "quarantined payloads kept" "$(q -c "SELECT count(*) FROM ck.batch WHERE status = 'quarantined' AND payload IS NOT NULL")" 6
check "status view" "$(q -c "SELECT conflicts || ' ' || flags || ' ' || quarantined || ' ' || head_seq FROM ck.kiosk_status WHERE kiosk_id = 'K1AAAAA'")" \
    "0 6 6 27"

# ---- 8. epochs: a database restored from a backup taken at position 20
R1=$(q -c "SELECT t.batch('K1AAAAA', 11, 21, '$P19', '[]', jsonb_build_object('epoch_base',
            jsonb_build_object('epoch', t.u(900001), 'seq', 20, 'hash', '$P19')))")
check "new epoch whose base is not the held chain quarantined" "$(qk -c "SELECT r->>'reason' FROM ck.ingest('$R1') r")" "fork"
P20=$(q -c "SELECT hash FROM ck.audit_entry a JOIN ck.kiosk_epoch e USING (epoch_no) WHERE e.kiosk_id = 'K1AAAAA' AND seq = 20")
R2=$(q -c "SELECT t.batch('K1AAAAA', 11, 21, '$P20', jsonb_build_array(t.i(t.att(124, 'K1AAAAA', 11, '1002', 1741622500)),
            t.i(t.pledge(224, 'K1AAAAA', '1002', 1741622500))), jsonb_build_object('epoch_base',
            jsonb_build_object('epoch', t.u(900001), 'seq', 20, 'hash', '$P20')))")
check "restored database: new epoch reuses positions 21-22" \
    "$(qk -c "SELECT r->>'status', r->>'ack', r->'stored'->>'attendance' FROM ck.ingest('$R2') r" | tr '|' ' ')" "accepted 22 1"
R3=$(q -c "SELECT t.batch('K1AAAAA', 12, 31, repeat('0', 64), '[]', jsonb_build_object('epoch_base',
            jsonb_build_object('epoch', t.u(900001), 'seq', 30, 'hash', repeat('0', 64))))")
expect_err "new epoch based past the held head" CK003 ck_kiosk1 "SELECT ck.ingest('$R3')"
check "epochs held" "$(q -c "SELECT string_agg(epoch_no || ':' || head_seq || ':' || coalesce(parent_epoch_no::text, '-'), ' ' ORDER BY epoch_no) FROM ck.kiosk_epoch WHERE kiosk_id = 'K1AAAAA'")" \
    "2:27:- 4:22:2"

# ---- 9. pull: what K2 lacks, in pages
E2=$(q -c "SELECT t.u(900002)")
pulled=0 cursor=0 pages=0 more=true own=0 sigs=0
while [ "$more" = true ] && [ $pages -lt 50 ]; do
    IFS='|' read -r cnt own_n sig_n cursor more < <(qk2 -c "SELECT jsonb_array_length(p->'entries') + jsonb_array_length(p->'heads'),
        (SELECT count(*) FROM jsonb_array_elements(p->'entries') x WHERE x->>'kiosk' = 'K2BBBBB'),
        jsonb_array_length(p->'signatures'), p->>'cursor', p->>'more' FROM ck.pull('K2BBBBB', '$E2', $cursor, 4) p")
    pulled=$((pulled + cnt)) own=$((own + own_n)) sigs=$((sigs + sig_n)) pages=$((pages + 1))
done
want=$(q -c "SELECT (SELECT count(*) FROM ck.audit_entry WHERE kiosk_id <> 'K2BBBBB') + (SELECT count(*) FROM ck.chain_head WHERE kiosk_id <> 'K2BBBBB')")
check "pull: every entry and head of the other kiosks, in pages of 4" "$pulled" "$want"
check "pull: none of the caller's own" "$own" 0
check "pull: pages" "$pages" $(((want + 3) / 4))
check "pull: signature strokes with the entries" "$sigs" 1
check "pull: the cursor ends at the institution's position" "$cursor" "$(q -c "SELECT rx FROM ck.institution")"
check "pull: nothing after the end" "$(qk2 -c "SELECT jsonb_array_length(p->'entries') || ' ' || (p->>'more') FROM ck.pull('K2BBBBB', '$E2', $cursor) p")" "0 false"
check "pull: a restored K1 gets its own older epoch back" \
    "$(qk -c "SELECT count(*) FROM jsonb_array_elements((ck.pull('K1AAAAA', t.u(900011), 0, 1000))->'entries') x WHERE x->>'kiosk' = 'K1AAAAA'")" 27

# ---- 9b. the high-water mark moves only with the commit; pulls never
# skip a row committed late; a connection killed mid-push stores nothing.
HK1=$(q -c "SELECT head_hash FROM ck.kiosk_epoch WHERE kiosk_id = 'K1AAAAA' AND epoch = t.u(900001)")
HK2=$(q -c "SELECT head_hash FROM ck.kiosk_epoch WHERE kiosk_id = 'K2BBBBB'")
C1=$(q -c "SELECT t.batch('K1AAAAA', 1, 28, '$HK1', jsonb_build_array(t.i(t.att(130, 'K1AAAAA', 12, '1004', 1741622600))))")
C2=$(q -c "SELECT t.batch('K2BBBBB', 2, 11, '$HK2', jsonb_build_array(t.i(t.att(131, 'K2BBBBB', 12, '2003', 1741622600))))")
cursor0=$(q -c "SELECT rx FROM ck.institution WHERE id = '$INST'")
before=$(stored)
# A push whose connection is killed before COMMIT: nothing of it stays.
psql_as ck_kiosk1 cepci -At -c "BEGIN" -c "SELECT ck.ingest('$C1')->>'ack'" -c "SELECT pg_sleep(30)" -c "COMMIT" \
    >"$PG_DIR/killed.out" 2>&1 &
kpid=$!
for _ in $(seq 1 100); do
    [ "$(psql_as ck_admin postgres -At -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'ck_kiosk1' AND query LIKE '%pg_sleep%'")" = 1 ] && break
    sleep 0.1
done
psql_as ck_admin cepci -At -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'ck_kiosk1' AND query LIKE '%pg_sleep%'" >/dev/null
wait $kpid 2>/dev/null || true
check "connection killed mid-push: nothing stored, ack unchanged" "$(stored)" "$before"
# K1's push holds its transaction open; K2's waits for it; a pull taken
# meanwhile sees neither, and the next pull from its cursor sees both.
psql_as ck_kiosk1 cepci -At -c "BEGIN" -c "SELECT ck.ingest('$C1')->>'ack'" -c "SELECT pg_sleep(8)" -c "COMMIT" \
    >"$PG_DIR/a.out" 2>&1 &
apid=$!
for _ in $(seq 1 100); do
    [ "$(psql_as ck_admin postgres -At -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'ck_kiosk1' AND query LIKE '%pg_sleep%'")" = 1 ] && break
    sleep 0.1
done
psql_as ck_kiosk2 cepci -At -c "SELECT ck.ingest('$C2')->>'ack'" >"$PG_DIR/b.out" 2>&1 &
bpid=$!
for _ in $(seq 1 100); do   # K2's push is waiting for K1's
    [ "$(psql_as ck_admin postgres -At -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'ck_kiosk2' AND wait_event_type = 'Lock'")" = 1 ] && break
    sleep 0.1
done
mid=$(psql_as ck_kiosk3 cepci -At -c "SELECT (p->>'cursor') || ' ' || jsonb_array_length(p->'entries') FROM ck.pull('K3CCCCC', t.u(900003), $cursor0) p" 2>&1 || true)
wait $apid $bpid
check "pushes of one institution commit in turn" "$(grep -v '^COMMIT\|^BEGIN\|^$' "$PG_DIR/a.out"; cat "$PG_DIR/b.out")" "28
11"
check "a pull during an open push sees nothing of it" "$mid" "$cursor0 0"
check "the next pull gets both pushes, in commit order" \
    "$(psql_as ck_kiosk3 cepci -At -c "SELECT string_agg(x->>'kiosk', ' ' ORDER BY (x->>'rx')::bigint) FROM jsonb_array_elements((ck.pull('K3CCCCC', t.u(900003), $cursor0))->'entries') x")" \
    "K1AAAAA K2BBBBB"
# A version of K1's event, pushed in K2's own chain by K2's key holder,
# that changes its date and topics (the session-4 red team): refused whole,
# kept aside as evidence (db/central/006_versions.sql; 005 raised CK004 and
# kept nothing).
HK2b=$(q -c "SELECT head_hash FROM ck.kiosk_epoch WHERE kiosk_id = 'K2BBBBB'")
SK2=$(( $(q -c "SELECT head_seq FROM ck.kiosk_epoch WHERE kiosk_id = 'K2BBBBB'") + 1 ))
# versions NAME ITEMS [N]: K2's next batch of ITEMS (t.i(...) list) is
# kept aside for the version rule at its item N (default 1), and nothing
# of it is applied (everything stored but the batch log as before).
versions() {
    local b before res
    b=$(q -c "SELECT t.batch('K2BBBBB', 2, $SK2, '$HK2b', jsonb_build_array($2))")
    before=$(stored | cut -d' ' -f1-7,9-)
    res=$(qk2 -c "SELECT r->>'status', r->>'reason', r->>'position', r->>'detail' FROM ck.ingest('$b') r" 2>&1) || true
    check "$1: kept aside whole" "$(cut -d'|' -f1-3 <<<"$res" | tr '|' ' ')" "quarantined version $((SK2 + ${3:-1} - 1))"
    check "... nothing of that push applied" "$(stored | cut -d' ' -f1-7,9-)" "$before"
    echo "# $(cut -d'|' -f4 <<<"$res")"
}
versions "a version of another kiosk's event that changes more than its state" \
    "t.i(t.event(11, 'K1AAAAA', 'MX', '2025-01-01 10:00', '{otro}', 'closed'), 4102444800)"
check "... the event as it was" "$(q -c "SELECT start_local || ' ' || topics::text FROM ck.event WHERE uuid = t.u(11)::uuid")" \
    "2025-03-10 10:00 {etica}"
# The session-5 red team: the same on a person. ck.person is keyed by the
# employee number, so a version of K1's person 1001 (UUID 1) under 9999
# made a second row with that UUID (a phantom staff member), and every
# kiosk holding the person could pull no more.
versions "a version of another kiosk's person with another employee number" \
    "t.i(t.person(1, '9999', 'MX', 1), 4102444800)"
check "... no person 9999, 1001 as it was" \
    "$(q -c "SELECT count(*) FILTER (WHERE employee_no = '9999') || ' ' || string_agg(employee_no, ',') FILTER (WHERE uuid = t.u(1)::uuid) FROM ck.person")" \
    "0 1001"
# A version that loses the winner rule (an older time) was never checked
# by version 5's trigger on ck.event, yet every kiosk pulls it.
versions "an event version that does not win (older time) and changes the date" \
    "t.i(t.event(11, 'K1AAAAA', 'MX', '2025-01-01 10:00', '{etica}', 'closed'), 1)"
versions "a bad version behind a good one in the same push" \
    "t.i(t.event(11, 'K1AAAAA', 'MX', '2025-03-10 10:00', '{etica}', 'open'), 4102444800),
     t.i(t.person(2, '1002', 'MX', 1, 'área K2 otra'), 4102444800), t.i(t.person(2, '1003', 'MX', 1), 4102444801)" 3
check "flagged for each, reason version" \
    "$(q -c "SELECT count(*) FROM ck.kiosk_flag WHERE kiosk_id = 'K2BBBBB' AND reason = 'version'")" 4
# What the program does to another kiosk's records is still let in: a
# state change of K1's event, a version of K1's person with the same
# employee number and another area.
check "another kiosk's event reopened and its person's area changed: accepted" \
    "$(qk2 -c "SELECT r->>'status', r->'stored'->>'entries' FROM ck.ingest(t.batch('K2BBBBB', 2, $SK2, '$HK2b', jsonb_build_array(
        t.i(t.event(11, 'K1AAAAA', 'MX', '2025-03-10 10:00', '{etica}', 'open'), 1800000300),
        t.i(t.person(1, '1001', 'MX', 1, 'área de K2'), 1800000300)))) r" | tr '|' ' ')" "accepted 2"
check "... and applied" "$(q -c "SELECT (SELECT state FROM ck.event WHERE uuid = t.u(11)::uuid) || ' ' || area FROM ck.person WHERE uuid = t.u(1)::uuid")" \
    "open área de K2"

# ---- 10. indicators against a hand count (2025):
#   MX: staff 1001 1002 1004 (1003 inactive): trained 1001 (event 11) and
#       1002 (restored K1's record); pledged 1001, 1004 (23:30 Dec 31
#       Mexico City), 1002 (restored K1) -> 3; held event 11.
#   QR: staff 2001 2002 2003: trained 2002 (event 15, two records, once;
#       2001's event is of 2024, 2003's does not qualify); pledged 2001
#       (23:30 Dec 31 Cancún), 2002 (twice, once); 2003 pledged 00:30 Jan 1
#       Cancún = 23:30 Dec 31 Mexico City: not in 2025. Held event 15.
#   SC: staff 3001, nothing. VAC: no staff, no event: left out.
want='{"year": 2025, "goals": {"trained_pct": 15, "units_covered_pct": 100, "pledged_pct": 50},
 "overall": {"staff": 7, "trained": 3, "trained_pct": 42.86, "pledged": 5, "pledged_pct": 71.43},
 "units_covered": 2, "units_total": 3,
 "units": [{"code": "MX", "name": "Ciudad de México", "staff": 3, "trained": 2, "trained_pct": 66.67, "pledged": 3,
            "pledged_pct": 100, "has_training": true},
           {"code": "QR", "name": "Chetumal", "staff": 3, "trained": 1, "trained_pct": 33.33, "pledged": 2,
            "pledged_pct": 66.67, "has_training": true},
           {"code": "SC", "name": "San Cristóbal", "staff": 1, "trained": 0, "trained_pct": 0, "pledged": 0,
            "pledged_pct": 0, "has_training": false}]}'
got=$(psql_as ck_auditor cepci -At -c "SELECT ck.indicators('$INST', 2025)")
check "indicators 2025 = hand count" "$(q -c "SELECT '$got'::jsonb = '$want'::jsonb")" t
[ "$(q -c "SELECT '$got'::jsonb = '$want'::jsonb")" = t ] || echo "got: $got" >&2
check "indicators 2026: 2003's pledge of 00:30 Jan 1 Cancún counts" \
    "$(q -c "SELECT (x->'overall'->>'pledged') || ' ' || (x->'overall'->>'trained') || ' ' || (x->>'units_covered') FROM ck.indicators('$INST', 2026) x")" "6 0 0"
check "indicators with the topics of the config (event 12: 1004 and 2003)" \
    "$(q -c "SELECT x->'overall'->>'trained' FROM ck.indicators('$INST', 2025, '{otro}') x")" 2
check "indicators of all institutions" "$(q -c "SELECT count(*) FROM ck.indicators_of(NULL, 2025)")" 1
# p_unsigned (008): the program's list of what no valid signed head covers.
check "indicators with an empty p_unsigned = the hand count" \
    "$(q -c "SELECT ck.indicators('$INST', 2025, NULL, NULL, NULL, NULL, '[]') = '$want'::jsonb")" t
all_epochs=$(q -c "SELECT coalesce(jsonb_agg(jsonb_build_object('epoch_no', epoch_no, 'after_seq', 0)), '[]') FROM ck.kiosk_epoch")
check "indicators leaving out every epoch's entries: staff stay, no record counts" \
    "$(q -c "SELECT concat_ws(' ', x->'overall'->>'staff', x->'overall'->>'trained', x->'overall'->>'pledged', x->>'units_covered') FROM ck.indicators('$INST', 2025, NULL, NULL, NULL, NULL, '$all_epochs') x")" "7 0 0 0"
check "... a reader may pass it" \
    "$(psql_as ck_auditor cepci -At -c "SELECT x->'overall'->>'trained' FROM ck.indicators('$INST', 2025, p_unsigned => '$all_epochs') x")" 0

# ---- 11. chains written by the real kiosk (when it is built)
if [ -x "${CK_BIN:-}" ] && command -v sqlite3 >/dev/null; then
    K=$PG_DIR/kiosk
    mkdir -p "$K"
    ck() { "$CK_BIN" --db "$K/k.db" "$@"; }
    export CEPCI_NOW=1767225600   # 2026-01-01, test builds read it
    ck init --institution "Institución Real" --unit SCLC >/dev/null
    printf '%s\n' 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,activo' \
        '1001,Inés,Peña,Íñiguez,SCLC,sí' '1002,José,Núñez,,SCLC,sí' '1003,Ana,Ruiz,,TAP,sí' \
        '1004,Luis,Soto,,TAP,no' '1005,Eva,Díaz,,TAP,sí' > "$K/r.csv"
    ck roster import "$K/r.csv" >/dev/null
    EA=$(ck event add --title "Ética pública" --kind taller --topics etica,otro --unit SCLC --start "2025-03-01 10:00" --no-signature)
    EB=$(ck event add --title "Cine" --kind cine-debate --topics otro --unit TAP --start "2025-04-01 10:00" --no-signature)
    ck event open "$EA" >/dev/null; ck event open "$EB" >/dev/null
    ck checkin "$EA" 1001 >/dev/null; ck checkin "$EA" 1003 --keyed >/dev/null; ck checkin "$EB" 1005 >/dev/null
    ck checkin "$EA" 1004 --keyed >/dev/null 2>&1 || true
    ck event close "$EA" >/dev/null
    ck pledge 1001 --keyed --date 2025-12-31 >/dev/null; ck pledge 1003 --keyed --date 2025-06-01 >/dev/null
    ck keys export "$K/keys.txt" >/dev/null 2>&1
    IFS=$'\t' read -r _ KID KPK KUNIT KINST < <(grep '^CKKEY1' "$K/keys.txt")
    q -c "SELECT ck.enroll('$KID', '$KINST', '$KUNIT', decode('$KPK', 'base64'), 'ck_kiosk1')" >/dev/null
    # The batch as phase 2 will build it: this kiosk's chain with positions.
    # A new kiosk writes chain format 2 (issue 12); a central without it
    # (db/central/003, issue 11) answers CK005, and the checks below wait.
    sqlite3 "$K/k.db" > "$K/batch.json" <<SQL
SELECT json_object('format', 1, 'chain_format', 2, 'kiosk', '$KID', 'epoch', (SELECT value FROM meta WHERE key = 'epoch'),
  'sent_at', $CEPCI_NOW,
  'audit', (SELECT json_group_array(json_object('seq', pos, 'at', at, 'kind', kind, 'uuid', record_uuid,
                                                'content', content, 'prev_hash', prev_hash, 'hash', hash))
              FROM (SELECT * FROM audit WHERE kiosk_id = '$KID' ORDER BY seq)),
  'units', (SELECT json_group_array(json_object('code', code, 'name', name, 'timezone', timezone)) FROM unit),
  'head', (SELECT json_object('seq', count(*), 'hash', (SELECT hash FROM audit WHERE kiosk_id = '$KID' ORDER BY seq DESC LIMIT 1),
                              'signed_at', $CEPCI_NOW, 'signature', hex(randomblob(64))) FROM audit WHERE kiosk_id = '$KID'));
SQL
    nkiosk=$(sqlite3 "$K/k.db" "SELECT count(*) FROM audit")
    if [ "$(q -c "SELECT ck.chain_hash(2, 'K', '0', 0, 'k', 'u', 'c') IS NOT NULL" 2>/dev/null)" != t ]; then
        echo "# real-kiosk checks skipped: this central does not know chain format 2 yet (db/central/003, issue 11)"
    else
    # psql reads the file; the signature goes from hex to base64 there.
    res=$(psql_as ck_kiosk1 cepci -At -v b="$(cat "$K/batch.json")" <<'SQL'
SELECT r->>'status', r->>'ack' FROM ck.ingest(jsonb_set(:'b'::jsonb, '{head,signature}',
       to_jsonb(encode(decode(:'b'::jsonb->'head'->>'signature', 'hex'), 'base64')))) r;
SQL
)
    check "a real kiosk chain is accepted whole (hashes verified)" "$res" "accepted|$nkiosk"
    res=$(psql_as ck_kiosk1 cepci -At -v b="$(cat "$K/batch.json")" <<'SQL'
SELECT r->>'status', r->'stored'->>'entries' FROM ck.ingest(jsonb_set(:'b'::jsonb, '{head,signature}',
       to_jsonb(encode(decode(:'b'::jsonb->'head'->>'signature', 'hex'), 'base64')))) r;
SQL
)
    check "the real kiosk's batch again stores nothing" "$res" "accepted|0"
    check "every record of the kiosk held" \
        "$(q -c "SELECT (SELECT count(*) FROM ck.attendance WHERE kiosk_id = '$KID') || ' ' || (SELECT count(*) FROM ck.pledge WHERE kiosk_id = '$KID') || ' ' || (SELECT count(*) FROM ck.person WHERE institution = '$KINST')")" \
        "$(sqlite3 "$K/k.db" "SELECT (SELECT count(*) FROM attendance) || ' ' || (SELECT count(*) FROM pledge) || ' ' || (SELECT count(*) FROM person)")"
    check "UTF-8 names survive" "$(q -c "SELECT given_name || ' ' || surname1 || ' ' || surname2 FROM ck.person WHERE institution = '$KINST' AND employee_no = '1001'")" \
        "Inés Peña Íñiguez"
    for y in 2025 2026; do
        local_json=$(ck indicators --year $y --format json)
        central_json=$(q -c "SELECT ck.indicators('$KINST', $y)")
        check "central indicators $y = kiosk indicators" \
            "$(psql_as cepci_owner cepci -At -v a="$local_json" -v b="$central_json" <<<"SELECT :'a'::jsonb = :'b'::jsonb;")" t
    done
    check "the real kiosk's figures (trained, pledged, units covered of total)" \
        "$(q -c "SELECT concat_ws(' ', x->'overall'->>'trained', x->'overall'->>'pledged', x->>'units_covered', x->>'units_total') FROM ck.indicators('$KINST', 2025) x")" \
        "2 2 1 2"
    # The kiosk prints numbers as it prints them; compare the text too.
    check "same numbers as printed" "$(ck indicators --year 2025 --format json | tr -d ' \n' | grep -o '"trained_pct":[0-9.]*' | tr '\n' ' ')" \
        "$(q -c "SELECT ck.indicators('$KINST', 2025)" | tr -d ' ' | grep -o '"trained_pct":[0-9.]*' | tr '\n' ' ')"
    fi
else
    echo "# real-kiosk checks skipped: CK_BIN not built or sqlite3 missing"
fi

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
