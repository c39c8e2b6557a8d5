-- cepci-kiosk central schema, version 7: a unit's name and time zone come
-- from a kiosk's signed chain, not from a bare unit list.
--
-- Before: a unit the central lacked took the name and zone of the first
-- batch's `units` list, which no signature covers; the session-5 red team,
-- with kiosk A's login (not even its key: a batch with no new entries),
-- set unit UN's zone to '<X>-167' before UN's own kiosk first synced. The
-- central cuts the pledge year in the unit's zone: a Carta of 28 December
-- left the year at the central (IV.3 of UN 0 % while every kiosk said
-- 50 %), and only the genuine kiosk was flagged.
-- Now: when a chain entry of kind unit (["unit", code, name, zone], signed
-- with its kiosk's chain) is stored for a unit whose row came from a bare
-- list, the row takes the entry's name and zone, once: from then on the
-- unit is chain-backed (from_chain), and a later differing entry or list
-- only flags its kiosk, as before. `central audit verify` and `central
-- indicators` also report a unit whose zone no signed chain has, or which
-- a kiosk's chain has otherwise (kiosk/central/central_audit.c).

ALTER TABLE ck.unit ADD COLUMN from_chain boolean NOT NULL DEFAULT false;

CREATE FUNCTION ck.unit_from_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ck, pg_temp AS $$
DECLARE
  c jsonb := NEW.content::jsonb;
BEGIN
  IF jsonb_typeof(c) = 'array' AND c->>0 = 'unit' AND c->>1 IS NOT NULL AND c->>3 IS NOT NULL THEN
    INSERT INTO ck.unit (institution, code, name, timezone, from_kiosk, from_chain)
    VALUES (NEW.institution, c->>1, coalesce(c->>2, c->>1), c->>3, NEW.kiosk_id, true)
    ON CONFLICT (institution, code) DO UPDATE
       SET name = excluded.name, timezone = excluded.timezone, from_kiosk = excluded.from_kiosk, from_chain = true
     WHERE NOT ck.unit.from_chain;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER unit_from_chain AFTER INSERT ON ck.audit_entry
  FOR EACH ROW WHEN (NEW.kind = 'unit') EXECUTE FUNCTION ck.unit_from_chain();

-- Units already held: backed by the first chain entry of each, if any.
UPDATE ck.unit u SET name = coalesce(x.c->>2, u.name), timezone = x.c->>3, from_kiosk = x.kiosk_id, from_chain = true
  FROM (SELECT DISTINCT ON (institution, content::jsonb->>1) institution, kiosk_id, content::jsonb AS c
          FROM ck.audit_entry WHERE kind = 'unit' ORDER BY institution, content::jsonb->>1, rx) x
 WHERE x.institution = u.institution AND x.c->>1 = u.code AND x.c->>3 IS NOT NULL;

REVOKE ALL ON FUNCTION ck.unit_from_chain() FROM PUBLIC;

INSERT INTO ck.schema_version (version) VALUES (7);
