-- cepci-kiosk central schema, version 2: the PAT indicators in SQL.
--
-- The same rules and JSON shape as the kiosk's `indicators --format json`
-- (kiosk/domain/indicators.c; README "Decisions worth knowing"):
--   * over the active roster: a person counts once, in their current unit
--     (the winning version); guests and inactive staff never count;
--   * trained (I.1): attended >= 1 qualifying event (a topic among the
--     institution's topics) whose start_local falls in the year; two
--     records of one person at one event (two offline kiosks) count once;
--   * pledged (IV.3): the person's first pledge (any Carta version) was
--     made before 1 January of year+1, 00:00 in the unit's time zone;
--   * I.2: a unit "held" a training when a qualifying event of the year in
--     that unit is not a draft and staff (not only guests) attended it;
--   * units_total: units with active staff or a held training; the others
--     are left out of the list and the totals;
--   * percentages: round(num * 10000 / den) / 100, half away from zero,
--     0 when den is 0; printed without trailing zeros (10.5, 100, 0).
-- Goals and topics: the institution row (defaults of the kiosk config), or
-- the arguments when given.

-- A unit's time zone, or America/Mexico_City when PostgreSQL does not know
-- it (the kiosk falls back the same way).
CREATE FUNCTION ck.safe_tz(p_tz text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM now() AT TIME ZONE p_tz;
  RETURN p_tz;
EXCEPTION WHEN others THEN
  RETURN 'America/Mexico_City';
END
$$;

-- num/den as a percentage with two decimals, as indicators_pct() does.
CREATE FUNCTION ck.pct(p_num bigint, p_den bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_den <= 0 THEN 0 ELSE trim_scale(round(p_num * 10000.0 / p_den) / 100) END
$$;

-- The indicators of the given institutions (NULL: all) for year, one row
-- per institution, each the kiosk's JSON object. One set-based query, so
-- all institutions cost one pass, not one pass each.
CREATE FUNCTION ck.indicators_of(p_institutions text[], p_year integer, p_topics text[] DEFAULT NULL,
                                 p_goal_trained numeric DEFAULT NULL, p_goal_units numeric DEFAULT NULL,
                                 p_goal_pledged numeric DEFAULT NULL)
RETURNS TABLE (institution text, indicators jsonb)
LANGUAGE sql STABLE SET search_path = ck, pg_temp AS $$
WITH inst AS (
  SELECT i.id, coalesce(p_topics, i.topics) AS topics,
         coalesce(p_goal_trained, i.goal_trained) AS goal_trained,
         coalesce(p_goal_units, i.goal_units) AS goal_units,
         coalesce(p_goal_pledged, i.goal_pledged) AS goal_pledged
    FROM ck.institution i
   WHERE p_institutions IS NULL OR i.id = ANY (p_institutions)
), u AS MATERIALIZED (         -- the zone's year end once per unit, not per row
  SELECT u.institution, u.code, u.name,
         extract(epoch FROM make_timestamptz(p_year + 1, 1, 1, 0, 0, 0, ck.safe_tz(u.timezone)))::bigint AS year_end
    FROM ck.unit u JOIN inst ON inst.id = u.institution
), ev AS (                      -- qualifying events of the year
  SELECT e.institution, e.uuid, e.unit_code, e.state
    FROM ck.event e JOIN inst ON inst.id = e.institution
   WHERE e.start_year = p_year AND e.start_month BETWEEN 1 AND 12 AND e.topics && inst.topics
), held AS (                    -- I.2: not a draft, and staff attended
  SELECT DISTINCT ev.institution, ev.unit_code
    FROM ev
   WHERE ev.state <> 'draft'
     AND EXISTS (SELECT 1 FROM ck.attendance a WHERE a.event_uuid = ev.uuid AND a.employee_no IS NOT NULL
                                                 AND a.institution = ev.institution)
), trained AS (                 -- once per person, however many records
  SELECT DISTINCT ev.institution, a.employee_no
    FROM ev JOIN ck.attendance a ON a.event_uuid = ev.uuid AND a.institution = ev.institution
   WHERE a.employee_no IS NOT NULL
), first_pledge AS (
  SELECT p.institution, p.employee_no, min(p.at) AS at
    FROM ck.pledge p JOIN inst ON inst.id = p.institution
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
  'year', p_year,
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
$$;

-- The indicators of one institution for year (NULL if unknown).
CREATE FUNCTION ck.indicators(p_institution text, p_year integer, p_topics text[] DEFAULT NULL,
                              p_goal_trained numeric DEFAULT NULL, p_goal_units numeric DEFAULT NULL,
                              p_goal_pledged numeric DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = ck, pg_temp AS $$
  SELECT indicators FROM ck.indicators_of(ARRAY[p_institution], p_year, p_topics, p_goal_trained, p_goal_units,
                                          p_goal_pledged)
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ck FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ck.safe_tz(text), ck.pct(bigint, bigint),
  ck.indicators_of(text[], integer, text[], numeric, numeric, numeric),
  ck.indicators(text, integer, text[], numeric, numeric, numeric) TO cepci_reader;

INSERT INTO ck.schema_version (version) VALUES (2);
