-- cepci-kiosk central schema, version 8: the indicators can leave out what
-- no kiosk signed.
--
-- PostgreSQL has no Ed25519: a kiosk's login can push entries under a head
-- whose signature is junk (the session-5 red team pushed a made-up
-- attendance through a login without the kiosk's key, and the central
-- counted it). The program checks every head's signature when it reads the
-- figures (`cepci-kiosk central indicators`, kiosk/central/central_audit.c)
-- and now passes what it found as p_unsigned: a JSON array of
-- {"epoch_no": N, "after_seq": M}, one per epoch whose entries after
-- position M are covered by no valid signed head. Attendance and pledge
-- records of those entries do not count. Versions of people and events are
-- not left out (the winner of a version cannot be recomputed without the
-- one it replaced); the program names them on stderr.
-- Without p_unsigned (or with []) the query is exactly version 2's, so a
-- reader's `SELECT ck.indicators('ECOSUR', 2025)` and the benchmark figures
-- are unchanged.

DROP FUNCTION ck.indicators(text, integer, text[], numeric, numeric, numeric);
DROP FUNCTION ck.indicators_of(text[], integer, text[], numeric, numeric, numeric);

-- The indicators of the given institutions (NULL: all) for year, one row
-- per institution (the rules: 002_indicators.sql), leaving out attendance
-- and pledge records after each p_unsigned limit.
CREATE FUNCTION ck.indicators_of(p_institutions text[], p_year integer, p_topics text[] DEFAULT NULL,
                                 p_goal_trained numeric DEFAULT NULL, p_goal_units numeric DEFAULT NULL,
                                 p_goal_pledged numeric DEFAULT NULL, p_unsigned jsonb DEFAULT NULL)
RETURNS TABLE (institution text, indicators jsonb)
LANGUAGE plpgsql STABLE SET search_path = ck, pg_temp AS $f$
DECLARE
  att text := 'ck.attendance';
  plg text := 'ck.pledge';
  -- (the list is read once, in the CTE unsigned below: an anti-join by
  -- epoch, not a scan of the list for every record)
  keep constant text := '(SELECT * FROM ck.%s r WHERE NOT EXISTS (SELECT 1 FROM unsigned s '
                        'WHERE s.epoch_no = r.epoch_no AND r.seq > s.after_seq))';
BEGIN
  IF jsonb_typeof(p_unsigned) = 'array' AND jsonb_array_length(p_unsigned) > 0 THEN
    att := format(keep, 'attendance');
    plg := format(keep, 'pledge');
  END IF;
  RETURN QUERY EXECUTE format($q$
WITH unsigned AS MATERIALIZED (
  SELECT * FROM jsonb_to_recordset(CASE WHEN jsonb_typeof($7) = 'array' THEN $7 ELSE '[]' END)
           AS s(epoch_no bigint, after_seq bigint)
), inst AS (
  SELECT i.id, coalesce($3, i.topics) AS topics,
         coalesce($4, i.goal_trained) AS goal_trained,
         coalesce($5, i.goal_units) AS goal_units,
         coalesce($6, i.goal_pledged) AS goal_pledged
    FROM ck.institution i
   WHERE $1 IS NULL OR i.id = ANY ($1)
), u AS MATERIALIZED (         -- the zone's year end once per unit, not per row
  SELECT u.institution, u.code, u.name,
         extract(epoch FROM make_timestamptz($2 + 1, 1, 1, 0, 0, 0, ck.safe_tz(u.timezone)))::bigint AS year_end
    FROM ck.unit u JOIN inst ON inst.id = u.institution
), ev AS (                      -- qualifying events of the year
  SELECT e.institution, e.uuid, e.unit_code, e.state
    FROM ck.event e JOIN inst ON inst.id = e.institution
   WHERE e.start_year = $2 AND e.start_month BETWEEN 1 AND 12 AND e.topics && inst.topics
), held AS (                    -- I.2: not a draft, and staff attended
  SELECT DISTINCT ev.institution, ev.unit_code
    FROM ev
   WHERE ev.state <> 'draft'
     AND EXISTS (SELECT 1 FROM %1$s a WHERE a.event_uuid = ev.uuid AND a.employee_no IS NOT NULL
                                                 AND a.institution = ev.institution)
), trained AS (                 -- once per person, however many records
  SELECT DISTINCT ev.institution, a.employee_no
    FROM ev JOIN %1$s a ON a.event_uuid = ev.uuid AND a.institution = ev.institution
   WHERE a.employee_no IS NOT NULL
), first_pledge AS (
  SELECT p.institution, p.employee_no, min(p.at) AS at
    FROM %2$s p JOIN inst ON inst.id = p.institution
   GROUP BY p.institution, p.employee_no
), per_unit AS (
  SELECT u.institution, u.code, u.name,
         count(s.employee_no) AS staff,
         count(t.employee_no) AS trained,
         count(fp.at) FILTER (WHERE fp.at < u.year_end) AS pledged,
         h.unit_code IS NOT NULL AS has_training
    FROM u
    LEFT JOIN held h ON h.institution = u.institution AND h.unit_code = u.code
    LEFT JOIN ck.person s ON s.institution = u.institution AND s.unit_code = u.code AND s.active
    LEFT JOIN trained t ON t.institution = s.institution AND t.employee_no = s.employee_no
    LEFT JOIN first_pledge fp ON fp.institution = s.institution AND fp.employee_no = s.employee_no
   GROUP BY u.institution, u.code, u.name, u.year_end, h.unit_code
), kept AS (
  SELECT * FROM per_unit WHERE staff > 0 OR has_training
)
SELECT inst.id, jsonb_build_object(
  'year', $2,
  'goals', jsonb_build_object('trained_pct', trim_scale(round(inst.goal_trained, 2)),
                              'units_covered_pct', trim_scale(round(inst.goal_units, 2)),
                              'pledged_pct', trim_scale(round(inst.goal_pledged, 2))),
  'overall', jsonb_build_object('staff', coalesce(sum(k.staff), 0),
                                'trained', coalesce(sum(k.trained), 0),
                                'trained_pct', ck.pct(coalesce(sum(k.trained), 0)::bigint, coalesce(sum(k.staff), 0)::bigint),
                                'pledged', coalesce(sum(k.pledged), 0),
                                'pledged_pct', ck.pct(coalesce(sum(k.pledged), 0)::bigint, coalesce(sum(k.staff), 0)::bigint)),
  'units_covered', count(*) FILTER (WHERE k.has_training),
  'units_total', count(k.code),
  'units', coalesce(jsonb_agg(jsonb_build_object('code', k.code, 'name', k.name, 'staff', k.staff,
                                                 'trained', k.trained, 'trained_pct', ck.pct(k.trained, k.staff),
                                                 'pledged', k.pledged, 'pledged_pct', ck.pct(k.pledged, k.staff),
                                                 'has_training', k.has_training)
                              ORDER BY k.code COLLATE "C") FILTER (WHERE k.code IS NOT NULL), '[]'))
  FROM inst LEFT JOIN kept k ON k.institution = inst.id
 GROUP BY inst.id, inst.goal_trained, inst.goal_units, inst.goal_pledged
$q$, att, plg) USING p_institutions, p_year, p_topics, p_goal_trained, p_goal_units, p_goal_pledged, p_unsigned;
END
$f$;

-- The indicators of one institution for year (NULL if unknown).
CREATE FUNCTION ck.indicators(p_institution text, p_year integer, p_topics text[] DEFAULT NULL,
                              p_goal_trained numeric DEFAULT NULL, p_goal_units numeric DEFAULT NULL,
                              p_goal_pledged numeric DEFAULT NULL, p_unsigned jsonb DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = ck, pg_temp AS $$
  SELECT indicators FROM ck.indicators_of(ARRAY[p_institution], p_year, p_topics, p_goal_trained, p_goal_units,
                                          p_goal_pledged, p_unsigned)
$$;

REVOKE ALL ON FUNCTION ck.indicators_of(text[], integer, text[], numeric, numeric, numeric, jsonb),
  ck.indicators(text, integer, text[], numeric, numeric, numeric, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ck.indicators_of(text[], integer, text[], numeric, numeric, numeric, jsonb),
  ck.indicators(text, integer, text[], numeric, numeric, numeric, jsonb) TO cepci_reader;

INSERT INTO ck.schema_version (version) VALUES (8);
