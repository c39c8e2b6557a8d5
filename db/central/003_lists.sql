-- cepci-kiosk central schema, version 3: the kiosk's schema 3 (issue 12,
-- lists bound to their records).
--
-- Attendance and pledge contents written by a kiosk of schema 3 or later
-- end with a snapshot of the person's unit, area and position when the
-- record was made (kiosk/store/audit.c, CANON_SNAP): 13 elements instead
-- of 10. Older contents stay valid. The kiosk's new audit kind 'reopen'
-- (why a closed event was opened again) is kept in the chain and not
-- applied, like every kind the central does not know.

CREATE OR REPLACE FUNCTION ck.content_problem(p_kind text, p_uuid text, c jsonb, p_kiosk text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  n integer;
  ok boolean;
  -- element types the layout asks for: s string, S non-empty string, n
  -- number, b 0/1, h SHA-256 hex or null, z string or null, a array
  layout text;
BEGIN
  IF p_kind NOT IN ('attendance', 'pledge', 'person', 'event') THEN
    RETURN NULL;                 -- kept in the chain, not applied
  END IF;
  IF NOT ck.is_uuid(p_uuid) THEN
    RETURN 'uuid inválido';
  END IF;
  IF jsonb_typeof(c) <> 'array' OR c->>0 IS DISTINCT FROM p_kind OR c->>1 IS DISTINCT FROM p_uuid THEN
    RETURN 'contenido no corresponde a la entrada';
  END IF;
  layout := CASE p_kind WHEN 'attendance' THEN 'SSSSzznShS' WHEN 'pledge' THEN 'SSSSnSSShS'
                        WHEN 'person' THEN 'SSSsSsSsssb' WHEN 'event' THEN 'SSSSSaSSssssbS' END;
  -- Since the kiosk's schema 3, attendance and pledges also carry the
  -- person's unit, area and position when the record was made.
  IF p_kind IN ('attendance', 'pledge') AND jsonb_array_length(c) = length(layout) + 3 THEN
    layout := layout || 'sss';
  END IF;
  n := length(layout);
  IF jsonb_array_length(c) <> n THEN
    RETURN format('contenido de %s con %s campos (se esperaban %s)', p_kind, jsonb_array_length(c), n);
  END IF;
  FOR i IN 0 .. n - 1 LOOP
    ok := CASE substr(layout, i + 1, 1)
        WHEN 's' THEN jsonb_typeof(c->i) = 'string'
        WHEN 'S' THEN jsonb_typeof(c->i) = 'string' AND c->>i <> ''
        WHEN 'z' THEN jsonb_typeof(c->i) IN ('string', 'null')
        WHEN 'n' THEN jsonb_typeof(c->i) = 'number' AND c->>i ~ '^-?[0-9]{1,18}$'
        WHEN 'b' THEN jsonb_typeof(c->i) = 'number' AND c->>i IN ('0', '1')
        WHEN 'h' THEN jsonb_typeof(c->i) = 'null' OR c->>i ~ '^[0-9a-f]{64}$'
        WHEN 'a' THEN jsonb_typeof(c->i) = 'array'
      END;
    IF NOT ok THEN
      RETURN format('campo %s del contenido de %s inválido', i, p_kind);
    END IF;
  END LOOP;
  IF p_kind IN ('attendance', 'pledge') AND c->>2 <> p_kiosk THEN
    RETURN format('registro del quiosco %s en la cadena de %s', c->>2, p_kiosk);
  END IF;
  IF p_kind = 'attendance' AND (NOT ck.is_uuid(c->>3) OR (c->>4 IS NULL) = (c->>5 IS NULL)) THEN
    RETURN 'asistencia: evento o persona inválidos';
  END IF;
  IF p_kind = 'event' AND (c->>7 !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$'
                           OR EXISTS (SELECT 1 FROM jsonb_array_elements(c->5) t WHERE jsonb_typeof(t) <> 'string')) THEN
    RETURN 'evento: fecha o temas inválidos';
  END IF;
  RETURN NULL;
END
$$;

INSERT INTO ck.schema_version (version) VALUES (3);
