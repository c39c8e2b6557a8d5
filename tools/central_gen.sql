-- central_gen.sql — fills a central database (db/central applied) with
-- synthetic data for the indicator benchmark, with generate_series.
--
--   psql -v institutions=300 -v attendance=10000000 -f tools/central_gen.sql
--
-- Run as the owner role on a throwaway database (tools/central_bench.sh
-- does all of it). Per institution BENCH-001...: five units in three time
-- zones, 1,000-5,700 staff (1 in 17 inactive), 120 events over 2024-2025
-- (qualifying and not, 1 in 10 a draft), the attendance rows spread over
-- the institutions (1 in 20 a guest; a person at one event twice happens,
-- as from two offline kiosks), and a pledge for 3 people in 5 between
-- 2024 and 2026. Deterministic: the same arguments give the same data.
--
-- The rows go straight into the indicator tables, without audit chains;
-- the ingest path is measured by tools/central_bench.sh on its own. The
-- attendance indexes are dropped for the load and built again after it.
\set ON_ERROR_STOP on
\if :{?institutions}
\else
  \set institutions 300
\endif
\if :{?attendance}
\else
  \set attendance 10000000
\endif

SET synchronous_commit = off;
SET maintenance_work_mem = '1GB';

CREATE TEMP TABLE gen_inst AS
  SELECT k, format('BENCH-%s', lpad(k::text, 3, '0')) AS id, 1000 + (k * 7919) % 4700 AS staff, 120 AS events
    FROM generate_series(1, :institutions) k;

INSERT INTO ck.institution (id) SELECT id FROM gen_inst;
INSERT INTO ck.unit (institution, code, name, timezone)
SELECT i.id, 'U' || u, 'Unidad ' || u,
       (ARRAY['America/Mexico_City', 'America/Cancun', 'America/Mexico_City', 'America/Tijuana', 'America/Merida'])[u]
  FROM gen_inst i, generate_series(1, 5) u;

INSERT INTO ck.person (institution, employee_no, uuid, given_name, surname1, surname2, unit_code, area, position,
                       email, active, v_changed_at, v_kiosk, v_seq, v_epoch)
SELECT i.id, j::text, md5(i.id || '/p/' || j)::uuid, 'Nombre ' || j, 'Peña', 'Íñiguez', 'U' || (1 + j % 5), '', '',
       '', j % 17 <> 0, 1700000000, 'BENCH00', j, '00000000-0000-4000-8000-000000000000'
  FROM gen_inst i, generate_series(1, i.staff) j;

INSERT INTO ck.event (uuid, institution, creator_kiosk, title, kind, topics, unit_code, start_local, end_local,
                      place, instructor, pat_key, signature, state, v_changed_at, v_kiosk, v_seq, v_epoch)
SELECT md5(i.id || '/e/' || j)::uuid, i.id, 'BENCH00', 'Evento ' || j, 'taller',
       CASE j % 5 WHEN 0 THEN '{etica}'::text[] WHEN 1 THEN '{otro}' WHEN 2 THEN '{integridad,otro}' WHEN 3 THEN '{hsas}'
                  ELSE '{codigo-conducta}' END,
       'U' || (1 + (j * 7) % 5),
       format('%s-%s-%s 10:00', 2024 + j % 2, lpad((1 + j % 12)::text, 2, '0'), lpad((1 + j % 28)::text, 2, '0')),
       '', '', '', '', false, CASE WHEN j % 10 = 0 THEN 'draft' ELSE 'closed' END,
       1700000000, 'BENCH00', j, '00000000-0000-4000-8000-000000000000'
  FROM gen_inst i, generate_series(1, i.events) j;

ALTER TABLE ck.attendance DROP CONSTRAINT attendance_pkey;
DROP INDEX ck.attendance_event;
DROP INDEX ck.attendance_person;

-- Row g: institution 1 + g % N; event and person from a hash of g.
INSERT INTO ck.attendance (uuid, institution, kiosk_id, epoch_no, seq, event_uuid, employee_no, guest_name, at, method,
                           sig_sha256, folio)
SELECT md5('a/' || g)::uuid, i.id, 'BENCH00', 0, g,
       md5(i.id || '/e/' || (1 + h % i.events))::uuid,
       CASE WHEN g % 20 <> 0 THEN (1 + (h >> 8) % i.staff)::text END,
       CASE WHEN g % 20 = 0 THEN 'Invitada ' || g END,
       1700000000 + g % 50000000, CASE WHEN g % 20 = 0 THEN 'guest' ELSE 'number' END, NULL,
       'BENCH00-' || g
  FROM (SELECT g, abs(hashint8(g::bigint)::bigint) AS h FROM generate_series(1, :attendance) g) s
  JOIN gen_inst i ON i.k = 1 + s.g % :institutions;

ALTER TABLE ck.attendance ADD PRIMARY KEY (uuid);
CREATE INDEX attendance_event ON ck.attendance (event_uuid, employee_no);
CREATE INDEX attendance_person ON ck.attendance (institution, employee_no) WHERE employee_no IS NOT NULL;

INSERT INTO ck.pledge (uuid, institution, kiosk_id, epoch_no, seq, employee_no, at, carta_sha256, privacy_sha256,
                       method, sig_sha256, folio)
SELECT md5(i.id || '/pl/' || j)::uuid, i.id, 'BENCH00', 0, j, j::text,
       1704067200 + abs(hashint8(i.k * 1000000 + j)::bigint) % (3 * 365 * 86400), repeat('a', 64), repeat('b', 64),
       'kiosk', NULL, 'BENCH00-P' || j
  FROM gen_inst i, generate_series(1, i.staff) j
 WHERE j % 5 < 3;

VACUUM ANALYZE ck.institution, ck.unit, ck.person, ck.event, ck.attendance, ck.pledge;
