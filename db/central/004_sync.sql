-- cepci-kiosk central schema, version 4: what the kiosk side of issue 11
-- phase 2 needs (kiosk/central/, kiosk/store/sync.c).
--
--   * ck.central: this central's id. A kiosk keeps its high-water mark and
--     pull cursor per central id, so a second central (or a database
--     restored to an empty one) is never taken for the first.
--   * chain format 2 (issue 12: the kiosk id under the hash,
--     /work/briefs/chain-v2.md): ck.chain_hash computes it and ck.ingest
--     accepts it, per entry (a kiosk upgraded from format 1 keeps its older
--     entries in format 1: an entry may say "format", else the batch's
--     chain_format holds). CK005 now answers only formats past 2.
--   * ck.hello: what a kiosk asks first (its enrollment, what the central
--     holds of its chain, the public keys of its institution's kiosks, the
--     central's clock).
--   * bundles (`central import FILE`): the database owner may ingest for
--     any kiosk (the kiosk's db_role binds kiosk logins, not the owner); a
--     batch with "via": "bundle" has no meaningful sent_at, so it measures
--     no clock skew. The kiosk program checks the bundle's Ed25519
--     signatures with the enrolled keys before (PostgreSQL has no Ed25519).
--   * a signed head older than the held one is a deletion only when it was
--     signed after the newest head held (rollback); signed before, it is a
--     bundle made before later pushes, imported late, and is stored.
--   * ck.pull also says where each new epoch of the page continues from
--     ("epochs": parent, base_seq, base_hash), so a puller can check a
--     restored kiosk's chain as the central did.

CREATE TABLE ck.central (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  one        boolean NOT NULL DEFAULT true UNIQUE CHECK (one),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ck.central DEFAULT VALUES;

-- Format 1: SHA-256 over prev, at, kind, uuid and content, each followed
-- by "\n". Format 2: the same with the kiosk id after prev.
CREATE OR REPLACE FUNCTION ck.chain_hash(fmt integer, kiosk text, prev text, at bigint, kind text, uuid text,
                                         content text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE fmt
    WHEN 1 THEN encode(sha256(convert_to(prev || E'\n' || at || E'\n' || kind || E'\n' || uuid || E'\n'
                                         || content || E'\n', 'UTF8')), 'hex')
    WHEN 2 THEN encode(sha256(convert_to(prev || E'\n' || kiosk || E'\n' || at || E'\n' || kind || E'\n' || uuid
                                         || E'\n' || content || E'\n', 'UTF8')), 'hex')
  END
$$;

ALTER TYPE ck.wire_entry ADD ATTRIBUTE format smallint;

-- 1 if role r owns the schema ck (the database owner, e.g. cepci_owner).
CREATE FUNCTION ck.is_owner(r name) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = 'ck' AND pg_get_userbyid(n.nspowner) = r)
$$;

-- ck.ingest of version 1, with the changes above.
CREATE OR REPLACE FUNCTION ck.ingest(p_batch jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ck, pg_temp AS $$
DECLARE
  v_kiosk   text := p_batch->>'kiosk';
  v_epoch   text := p_batch->>'epoch';
  v_fmt     integer;
  v_sha     bytea := sha256(convert_to(p_batch::text, 'UTF8'));
  k         ck.kiosk;
  ep        ck.kiosk_epoch;
  v_ep      bigint;
  v_parent  bigint;
  v_base    bigint := 0;
  v_bhash   text := repeat('0', 64);
  v_held    text;
  v_entries ck.wire_entry[];
  v_first   bigint;
  v_last    bigint;
  v_count   bigint;
  v_head    bigint;          -- held high-water mark
  v_hhash   text;
  h_seq     bigint;          -- the batch's signed head
  h_hash    text;
  h_at      bigint;
  h_sig     bytea;
  v_skew    bigint;
  v_bad     bigint;
  v_why     text;
  v_rx      bigint;
  v_batch   bigint;
  v_new     bigint;
  v_headnew integer := 0;
  n_att     bigint := 0;
  n_pl      bigint := 0;
  n_per     bigint := 0;
  n_ev      bigint := 0;
  n_sig     bigint := 0;
  n_dup     bigint := 0;
  n_conf    bigint := 0;
  v_result  jsonb;
BEGIN
  -- 1. Who is pushing.
  IF jsonb_typeof(p_batch) IS DISTINCT FROM 'object' OR v_kiosk IS NULL THEN
    RAISE EXCEPTION 'lote inválido: falta el quiosco' USING ERRCODE = 'CK004';
  END IF;
  SELECT * INTO k FROM ck.kiosk WHERE id = v_kiosk;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'el quiosco % no está inscrito en la central; no se guardó nada', v_kiosk
      USING ERRCODE = 'CK001';
  END IF;
  IF k.db_role IS NOT NULL AND k.db_role <> session_user AND NOT ck.is_owner(session_user) THEN
    RAISE EXCEPTION 'el quiosco % sólo puede enviar como %, no como %', v_kiosk, k.db_role, session_user
      USING ERRCODE = 'CK002';
  END IF;
  IF p_batch ? 'institution' AND p_batch->>'institution' IS DISTINCT FROM k.institution THEN
    RAISE EXCEPTION 'el quiosco % está inscrito en "%", no en "%"', v_kiosk, k.institution, p_batch->>'institution'
      USING ERRCODE = 'CK002';
  END IF;
  -- One ingest at a time per institution: receive positions (rx) are then
  -- handed out in commit order, so a pull cursor never skips a row.
  PERFORM 1 FROM ck.institution WHERE id = k.institution FOR UPDATE;
  PERFORM 1 FROM ck.kiosk WHERE id = v_kiosk FOR UPDATE;

  -- 2. Shape.
  IF coalesce(p_batch->>'format', '') <> '1' THEN
    RAISE EXCEPTION 'formato de lote % no soportado por esta central (actualícela)', p_batch->>'format'
      USING ERRCODE = 'CK005';
  END IF;
  v_fmt := CASE WHEN coalesce(p_batch->>'chain_format', '1') ~ '^[0-9]{1,4}$'
                THEN coalesce(p_batch->>'chain_format', '1')::integer END;
  IF v_fmt IS NULL OR v_fmt NOT IN (1, 2) THEN
    RAISE EXCEPTION 'formato de cadena % no soportado por esta central (actualícela)', v_fmt USING ERRCODE = 'CK005';
  END IF;
  IF v_epoch IS NULL OR NOT ck.is_uuid(v_epoch) THEN
    RAISE EXCEPTION 'lote inválido: época "%"', v_epoch USING ERRCODE = 'CK004';
  END IF;
  IF (jsonb_typeof(p_batch->'sent_at') IS DISTINCT FROM 'number' AND p_batch->>'via' IS DISTINCT FROM 'bundle')
     OR jsonb_typeof(p_batch->'head') IS DISTINCT FROM 'object'
     OR jsonb_typeof(p_batch->'audit') IS DISTINCT FROM 'array'
     OR coalesce(jsonb_typeof(p_batch->'signatures'), 'array') <> 'array'
     OR coalesce(jsonb_typeof(p_batch->'units'), 'array') <> 'array' THEN
    RAISE EXCEPTION 'lote inválido: faltan sent_at, head o audit' USING ERRCODE = 'CK004';
  END IF;
  BEGIN
    IF p_batch->>'via' IS DISTINCT FROM 'bundle' THEN
      v_skew := (p_batch->>'sent_at')::bigint - extract(epoch FROM statement_timestamp())::bigint;
    END IF;
    h_seq := (p_batch->'head'->>'seq')::bigint;
    h_hash := p_batch->'head'->>'hash';
    h_at := (p_batch->'head'->>'signed_at')::bigint;
    h_sig := decode(p_batch->'head'->>'signature', 'base64');
    SELECT array_agg(e ORDER BY e.seq) INTO v_entries
      FROM jsonb_populate_recordset(NULL::ck.wire_entry, p_batch->'audit') e;
    IF EXISTS (SELECT 1 FROM unnest(v_entries) e WHERE e.format IS NOT NULL AND e.format NOT IN (1, 2)) THEN
      RAISE EXCEPTION 'formato de cadena no soportado por esta central (actualícela)' USING ERRCODE = 'CK005';
    END IF;
  EXCEPTION WHEN others THEN
    RAISE EXCEPTION 'lote inválido: %', SQLERRM USING ERRCODE = 'CK004';
  END;
  IF h_seq IS NULL OR h_seq < 0 OR h_hash IS NULL OR h_hash !~ '^[0-9a-f]{64}$' OR h_at IS NULL OR length(h_sig) IS DISTINCT FROM 64 THEN
    RAISE EXCEPTION 'lote inválido: cabeza firmada incompleta (seq, hash, signed_at, signature de 64 bytes)'
      USING ERRCODE = 'CK004';
  END IF;
  SELECT min(e.seq), max(e.seq), count(*),
         count(*) FILTER (WHERE e.seq IS NULL OR e.at IS NULL OR e.kind IS NULL OR e.uuid IS NULL OR e.content IS NULL
                             OR length(e.prev_hash) IS DISTINCT FROM 64 OR length(e.hash) IS DISTINCT FROM 64
                             OR ltrim(e.prev_hash || e.hash, '0123456789abcdef') <> '')
    INTO v_first, v_last, v_count, v_bad
    FROM unnest(v_entries) e;
  IF v_bad > 0 THEN
    RAISE EXCEPTION 'lote inválido: % entradas de auditoría incompletas o con hash no hexadecimal', v_bad
      USING ERRCODE = 'CK004';
  END IF;
  IF v_count > 0 AND (v_last - v_first + 1 <> v_count OR v_first < 1) THEN
    RAISE EXCEPTION 'lote inválido: las posiciones % a % no son consecutivas', v_first, v_last USING ERRCODE = 'CK004';
  END IF;
  IF v_count > 0 AND (h_seq <> v_last OR h_hash <> v_entries[v_count].hash) THEN
    RAISE EXCEPTION 'lote inválido: la cabeza firmada (%) no es la última entrada (%)', h_seq, v_last
      USING ERRCODE = 'CK004';
  END IF;

  -- 3. The epoch: known, or new (a fresh database, or a restored one that
  -- continues from base). A new epoch is only created when accepted.
  SELECT * INTO ep FROM ck.kiosk_epoch WHERE kiosk_id = v_kiosk AND epoch = v_epoch;
  IF FOUND THEN
    v_ep := ep.epoch_no; v_base := ep.base_seq; v_head := ep.head_seq; v_hhash := ep.head_hash;
  ELSIF jsonb_typeof(p_batch->'epoch_base') = 'object' THEN
    SELECT epoch_no INTO v_parent FROM ck.kiosk_epoch
     WHERE kiosk_id = v_kiosk AND epoch = p_batch->'epoch_base'->>'epoch';
    BEGIN
      v_base := (p_batch->'epoch_base'->>'seq')::bigint;
      v_bhash := p_batch->'epoch_base'->>'hash';
    EXCEPTION WHEN others THEN
      RAISE EXCEPTION 'lote inválido: epoch_base' USING ERRCODE = 'CK004';
    END;
    IF v_base IS NULL OR v_base < 1 OR v_bhash !~ '^[0-9a-f]{64}$' THEN
      RAISE EXCEPTION 'lote inválido: epoch_base' USING ERRCODE = 'CK004';
    END IF;
    v_held := ck.hash_at(v_parent, v_base);
    IF v_parent IS NULL OR v_held IS NULL THEN
      RAISE EXCEPTION 'la época anterior % del quiosco % no está en la central hasta la posición %; envíela primero',
        p_batch->'epoch_base'->>'epoch', v_kiosk, v_base USING ERRCODE = 'CK003';
    END IF;
    IF v_held <> v_bhash THEN
      RETURN ck.quarantine(p_batch, v_sha, v_kiosk, v_epoch, NULL, v_base, 'fork', v_base,
        'la base de la nueva época no coincide con la cadena que la central tiene en esa posición', v_skew,
        v_first, v_last);
    END IF;
    v_head := v_base; v_hhash := v_bhash;
  ELSE
    IF EXISTS (SELECT 1 FROM ck.kiosk_epoch WHERE kiosk_id = v_kiosk) THEN
      RETURN ck.quarantine(p_batch, v_sha, v_kiosk, v_epoch, NULL, 0, 'root', 1,
        'una segunda cadena desde la posición 1 sin base: la base de datos del quiosco fue reemplazada', v_skew,
        v_first, v_last);
    END IF;
    v_head := 0; v_hhash := repeat('0', 64);
  END IF;
  UPDATE ck.kiosk SET last_contact = now(), clock_skew = coalesce(v_skew, clock_skew),
         max_skew = CASE WHEN v_skew IS NOT NULL AND (max_skew IS NULL OR abs(v_skew) > abs(max_skew)) THEN v_skew
                         ELSE max_skew END
   WHERE id = v_kiosk;

  -- 4. Does the batch extend the held head?
  IF v_count > 0 AND v_first <= v_base THEN
    RAISE EXCEPTION 'lote inválido: la posición % es de la época anterior', v_first USING ERRCODE = 'CK004';
  END IF;
  IF (v_count > 0 AND v_first > v_head + 1) OR (v_count = 0 AND h_seq > v_head) THEN
    RAISE EXCEPTION 'lote fuera de orden: la central tiene hasta la posición % del quiosco %; reenvíe desde ahí',
      v_head, v_kiosk USING ERRCODE = 'CK003';
  END IF;
  IF v_count = 0 AND h_seq < v_base THEN
    RAISE EXCEPTION 'lote inválido: cabeza % anterior a la base de la época', h_seq USING ERRCODE = 'CK004';
  END IF;
  -- Entries the central holds already must be the very same.
  SELECT min(e.seq) INTO v_bad
    FROM unnest(v_entries) e LEFT JOIN ck.audit_entry a ON a.epoch_no = v_ep AND a.seq = e.seq
   WHERE e.seq <= v_head
     AND (a.seq IS NULL OR (a.at, a.kind, a.uuid, a.content, a.prev_hash, a.hash)
                           IS DISTINCT FROM (e.at, e.kind, e.uuid, e.content, e.prev_hash, e.hash));
  IF v_bad IS NOT NULL THEN
    RETURN ck.quarantine(p_batch, v_sha, v_kiosk, v_epoch, v_ep, v_head, 'fork', v_bad,
      format('la entrada %s difiere de la que la central ya tiene: la cadena del quiosco fue reescrita', v_bad),
      v_skew, v_first, v_last);
  END IF;
  -- A head the kiosk signed now, older than the held one: entries were
  -- deleted after they reached the central. A head signature already held
  -- is a replayed old batch, and changes nothing.
  IF h_seq < v_head THEN
    IF ck.hash_at(coalesce(v_ep, v_parent), h_seq) IS DISTINCT FROM h_hash THEN
      RETURN ck.quarantine(p_batch, v_sha, v_kiosk, v_epoch, v_ep, v_head, 'fork', h_seq,
        format('la cabeza firmada en la posición %s difiere de la cadena que tiene la central', h_seq),
        v_skew, v_first, v_last);
    END IF;
    -- (Version 3: a head signed before the newest head held is not new: a
    -- bundle made before later pushes, imported late. It is stored; a
    -- deletion is a head signed after the central's newest.)
    IF NOT EXISTS (SELECT 1 FROM ck.chain_head WHERE epoch_no = v_ep AND seq = h_seq AND signature = h_sig)
       AND h_at > coalesce((SELECT max(signed_at) FROM ck.chain_head WHERE epoch_no = v_ep AND seq > h_seq), h_at - 1)
    THEN
      RETURN ck.quarantine(p_batch, v_sha, v_kiosk, v_epoch, v_ep, v_head, 'rollback', h_seq,
        format('el quiosco firmó una cabeza en la posición %s, y la central ya tiene hasta la %s: se borraron entradas',
               h_seq, v_head), v_skew, v_first, v_last);
    END IF;
  ELSIF h_seq = v_head AND v_count = 0 AND h_hash <> v_hhash THEN
    RETURN ck.quarantine(p_batch, v_sha, v_kiosk, v_epoch, v_ep, v_head, 'fork', h_seq,
      format('la cabeza firmada en la posición %s difiere de la cadena que tiene la central', h_seq),
      v_skew, v_first, v_last);
  END IF;
  -- New entries: each links to the one before and hashes to itself.
  WITH n AS (
    SELECT e.*, lag(e.hash) OVER (ORDER BY e.seq) AS prev_in_batch
      FROM unnest(v_entries) e WHERE e.seq > v_head
  )
  SELECT min(seq) FILTER (WHERE prev_hash <> coalesce(prev_in_batch, v_hhash)),
         min(seq) FILTER (WHERE hash <> ck.chain_hash(coalesce(format, v_fmt), v_kiosk, prev_hash, at, kind, uuid,
                                                       content))
    INTO v_bad, v_new FROM n;
  IF v_bad IS NOT NULL AND (v_new IS NULL OR v_bad <= v_new) THEN
    RETURN ck.quarantine(p_batch, v_sha, v_kiosk, v_epoch, v_ep, v_head, CASE WHEN v_bad = v_head + 1 THEN 'fork' ELSE 'link' END,
      v_bad, format('la entrada %s no enlaza con la anterior%s', v_bad,
                    CASE WHEN v_bad = v_head + 1 THEN ' que tiene la central: la cadena del quiosco fue reescrita' ELSE '' END),
      v_skew, v_first, v_last);
  ELSIF v_new IS NOT NULL THEN
    RETURN ck.quarantine(p_batch, v_sha, v_kiosk, v_epoch, v_ep, v_head, 'hash', v_new,
      format('el hash de la entrada %s no corresponde a su contenido: fue alterada', v_new), v_skew, v_first, v_last);
  END IF;
  -- Contents of the kinds the central applies must have the kiosk's layout.
  BEGIN                          -- one subtransaction for all, not one each
    PERFORM count(e.content::jsonb) FROM unnest(v_entries) e
     WHERE e.seq > v_head AND e.kind IN ('attendance', 'pledge', 'person', 'event');
  EXCEPTION WHEN others THEN
    RAISE EXCEPTION 'lote inválido: contenido que no es JSON: %', SQLERRM USING ERRCODE = 'CK004';
  END;
  WITH p AS MATERIALIZED (       -- one call per entry
    SELECT e.seq, ck.content_problem(e.kind, e.uuid, e.content::jsonb, v_kiosk) AS why
      FROM unnest(v_entries) e
     WHERE e.seq > v_head AND e.kind IN ('attendance', 'pledge', 'person', 'event')
  )
  SELECT p.seq, p.why INTO v_bad, v_why FROM p WHERE p.why IS NOT NULL ORDER BY p.seq LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'lote inválido: entrada %: %', v_bad, v_why USING ERRCODE = 'CK004';
  END IF;

  -- 5. Accepted: store. The epoch first, if new.
  IF v_ep IS NULL THEN
    INSERT INTO ck.kiosk_epoch (kiosk_id, epoch, parent_epoch_no, base_seq, base_hash, head_seq, head_hash)
    VALUES (v_kiosk, v_epoch, v_parent, v_base, v_bhash, v_base, v_bhash)
    RETURNING epoch_no INTO v_ep;
  END IF;
  v_batch := nextval(pg_get_serial_sequence('ck.batch', 'id'));   -- the row is written last, with its result
  SELECT rx INTO v_rx FROM ck.institution WHERE id = k.institution;
  v_new := greatest(coalesce(v_last, 0) - v_head, 0);

  INSERT INTO ck.audit_entry (epoch_no, seq, kiosk_id, institution, at, kind, uuid, content, prev_hash, hash,
                              chain_format, rx, batch_id)
  SELECT v_ep, e.seq, v_kiosk, k.institution, e.at, e.kind, e.uuid, e.content, e.prev_hash, e.hash,
         coalesce(e.format, v_fmt), v_rx + e.seq - v_head, v_batch
    FROM unnest(v_entries) e WHERE e.seq > v_head;

  -- Signature strokes: every one the new records name must be at hand. A
  -- signature UUID held with other strokes (or as another kind) conflicts.
  BEGIN
    WITH s AS (
      SELECT DISTINCT ON (uuid) * FROM (
        SELECT (x->>'uuid')::uuid AS uuid, decode(x->>'strokes', 'base64') AS strokes
          FROM jsonb_array_elements(coalesce(p_batch->'signatures', '[]')) x) y
       ORDER BY uuid
    ), ins AS (
      INSERT INTO ck.record_uuid (uuid, kind, institution, epoch_no, seq)
      SELECT s.uuid, 'signature', k.institution, v_ep, 0 FROM s
      ON CONFLICT DO NOTHING RETURNING uuid
    )
    INSERT INTO ck.signature (uuid, institution, kiosk_id, sha256, strokes, batch_id)
    SELECT s.uuid, k.institution, v_kiosk, encode(sha256(s.strokes), 'hex'), s.strokes, v_batch
      FROM s JOIN ins USING (uuid);
    GET DIAGNOSTICS n_sig = ROW_COUNT;
    WITH s AS (
      SELECT (x->>'uuid')::uuid AS uuid, encode(sha256(decode(x->>'strokes', 'base64')), 'hex') AS sha,
             x::text AS received
        FROM jsonb_array_elements(coalesce(p_batch->'signatures', '[]')) x
    ), c AS (
      INSERT INTO ck.conflict (institution, uuid, kind, held_kind, held_content, new_content, kiosk_id, epoch_no,
                               seq, batch_id)
      SELECT k.institution, s.uuid::text, 'signature', r.kind, 'sha256 ' || g.sha256, s.received, v_kiosk, v_ep, 0,
             v_batch
        FROM s JOIN ck.record_uuid r ON r.uuid = s.uuid LEFT JOIN ck.signature g ON g.uuid = s.uuid
       WHERE r.kind <> 'signature' OR r.institution <> k.institution OR g.sha256 <> s.sha
      RETURNING 1
    )
    SELECT count(*) INTO n_conf FROM c;
  EXCEPTION WHEN invalid_text_representation OR invalid_parameter_value OR not_null_violation THEN
    RAISE EXCEPTION 'lote inválido: firma: %', SQLERRM USING ERRCODE = 'CK004';
  END;
  SELECT e.seq INTO v_bad
    FROM unnest(v_entries) e
   WHERE e.seq > v_head AND e.kind IN ('attendance', 'pledge')
     AND (e.content::jsonb)->>8 IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM ck.signature g
                      WHERE g.institution = k.institution AND g.sha256 = (e.content::jsonb)->>8)
   ORDER BY e.seq LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'lote inválido: falta el trazo de la firma de la entrada %', v_bad USING ERRCODE = 'CK004';
  END IF;

  -- Records and versions: a UUID's first entry owns it.
  INSERT INTO ck.record_uuid (uuid, kind, institution, epoch_no, seq)
  SELECT DISTINCT ON (e.uuid) e.uuid::uuid, e.kind, k.institution, v_ep, e.seq
    FROM unnest(v_entries) e
   WHERE e.seq > v_head AND e.kind IN ('attendance', 'pledge', 'person', 'event')
   ORDER BY e.uuid, e.seq
  ON CONFLICT DO NOTHING;

  -- Conflicts: a UUID held as another kind or institution, or a record held
  -- with other content. The same record again is a duplicate, stored once.
  WITH n AS (
    SELECT e.seq, e.kind, e.uuid, e.content, r.kind AS held_kind, r.institution AS held_inst,
           r.epoch_no AS r_ep, r.seq AS r_seq, a.content AS held_content
      FROM unnest(v_entries) e
      JOIN ck.record_uuid r ON r.uuid = e.uuid::uuid
      LEFT JOIN ck.audit_entry a ON a.epoch_no = r.epoch_no AND a.seq = r.seq
     WHERE e.seq > v_head AND e.kind IN ('attendance', 'pledge', 'person', 'event')
       AND NOT (r.epoch_no = v_ep AND r.seq = e.seq)
  ), c AS (
    INSERT INTO ck.conflict (institution, uuid, kind, held_kind, held_content, new_content, kiosk_id, epoch_no, seq,
                             batch_id)
    SELECT k.institution, n.uuid, n.kind, n.held_kind, n.held_content, n.content, v_kiosk, v_ep, n.seq, v_batch
      FROM n
     WHERE n.held_kind <> n.kind OR n.held_inst <> k.institution
        OR (n.kind IN ('attendance', 'pledge') AND n.held_content IS DISTINCT FROM n.content)
    RETURNING 1
  )
  SELECT n_conf + (SELECT count(*) FROM c),
         (SELECT count(*) FROM n WHERE n.kind IN ('attendance', 'pledge') AND n.held_kind = n.kind
                                   AND n.held_inst = k.institution AND n.held_content = n.content)
    INTO n_conf, n_dup;

  INSERT INTO ck.attendance (uuid, institution, kiosk_id, epoch_no, seq, event_uuid, employee_no, guest_name, at,
                             method, sig_sha256, folio)
  SELECT r.uuid, k.institution, v_kiosk, v_ep, e.seq, (c->>3)::uuid, c->>4, c->>5, (c->>6)::bigint, c->>7, c->>8, c->>9
    FROM (SELECT x.seq, x.uuid, x.content::jsonb AS c FROM unnest(v_entries) x
           WHERE x.seq > v_head AND x.kind = 'attendance') e
    JOIN ck.record_uuid r ON r.uuid = e.uuid::uuid AND r.epoch_no = v_ep AND r.seq = e.seq;
  GET DIAGNOSTICS n_att = ROW_COUNT;

  INSERT INTO ck.pledge (uuid, institution, kiosk_id, epoch_no, seq, employee_no, at, carta_sha256, privacy_sha256,
                         method, sig_sha256, folio)
  SELECT r.uuid, k.institution, v_kiosk, v_ep, e.seq, c->>3, (c->>4)::bigint, c->>5, c->>6, c->>7, c->>8, c->>9
    FROM (SELECT x.seq, x.uuid, x.content::jsonb AS c FROM unnest(v_entries) x
           WHERE x.seq > v_head AND x.kind = 'pledge') e
    JOIN ck.record_uuid r ON r.uuid = e.uuid::uuid AND r.epoch_no = v_ep AND r.seq = e.seq;
  GET DIAGNOSTICS n_pl = ROW_COUNT;

  -- Master data: the winning version (highest changed_at, kiosk, seq,
  -- epoch) becomes the current row. Within one batch, one kiosk and epoch.
  INSERT INTO ck.person AS p (institution, employee_no, uuid, given_name, surname1, surname2, unit_code, area,
                              position, email, active, v_changed_at, v_kiosk, v_seq, v_epoch)
  SELECT DISTINCT ON (c->>2) k.institution, c->>2, (c->>1)::uuid, c->>3, c->>4, c->>5, c->>6, c->>7, c->>8, c->>9,
         c->>10 = '1', e.at, v_kiosk, e.seq, v_epoch
    FROM (SELECT x.seq, x.at, x.uuid, x.content::jsonb AS c FROM unnest(v_entries) x
           WHERE x.seq > v_head AND x.kind = 'person'
             AND NOT EXISTS (SELECT 1 FROM ck.conflict f WHERE f.epoch_no = v_ep AND f.seq = x.seq)) e
   ORDER BY c->>2, e.at DESC, e.seq DESC
  ON CONFLICT (institution, employee_no) DO UPDATE
     SET uuid = excluded.uuid, given_name = excluded.given_name, surname1 = excluded.surname1,
         surname2 = excluded.surname2, unit_code = excluded.unit_code, area = excluded.area,
         position = excluded.position, email = excluded.email, active = excluded.active,
         v_changed_at = excluded.v_changed_at, v_kiosk = excluded.v_kiosk, v_seq = excluded.v_seq,
         v_epoch = excluded.v_epoch
   WHERE (excluded.v_changed_at, excluded.v_kiosk, excluded.v_seq, excluded.v_epoch)
       > (p.v_changed_at, p.v_kiosk, p.v_seq, p.v_epoch);
  GET DIAGNOSTICS n_per = ROW_COUNT;

  INSERT INTO ck.event AS v (uuid, institution, creator_kiosk, title, kind, topics, unit_code, start_local, end_local,
                             place, instructor, pat_key, signature, state, v_changed_at, v_kiosk, v_seq, v_epoch)
  SELECT DISTINCT ON (e.uuid) e.uuid::uuid, k.institution, c->>2, c->>3, c->>4,
         ARRAY(SELECT jsonb_array_elements_text(c->5)), c->>6, c->>7, c->>8, c->>9, c->>10, c->>11, c->>12 = '1',
         c->>13, e.at, v_kiosk, e.seq, v_epoch
    FROM (SELECT x.seq, x.at, x.uuid, x.content::jsonb AS c FROM unnest(v_entries) x
           WHERE x.seq > v_head AND x.kind = 'event'
             AND NOT EXISTS (SELECT 1 FROM ck.conflict f WHERE f.epoch_no = v_ep AND f.seq = x.seq)) e
   ORDER BY e.uuid, e.at DESC, e.seq DESC
  ON CONFLICT (uuid) DO UPDATE
     SET creator_kiosk = excluded.creator_kiosk, title = excluded.title, kind = excluded.kind,
         topics = excluded.topics, unit_code = excluded.unit_code, start_local = excluded.start_local,
         end_local = excluded.end_local, place = excluded.place, instructor = excluded.instructor,
         pat_key = excluded.pat_key, signature = excluded.signature, state = excluded.state,
         v_changed_at = excluded.v_changed_at, v_kiosk = excluded.v_kiosk, v_seq = excluded.v_seq,
         v_epoch = excluded.v_epoch
   WHERE v.institution = excluded.institution
     AND (excluded.v_changed_at, excluded.v_kiosk, excluded.v_seq, excluded.v_epoch)
       > (v.v_changed_at, v.v_kiosk, v.v_seq, v.v_epoch);
  GET DIAGNOSTICS n_ev = ROW_COUNT;

  -- Units the central lacks (units are not audited yet: see README).
  BEGIN
    INSERT INTO ck.unit (institution, code, name, timezone, from_kiosk)
    SELECT k.institution, x->>'code', coalesce(x->>'name', x->>'code'), coalesce(x->>'timezone', 'America/Mexico_City'),
           v_kiosk
      FROM jsonb_array_elements(coalesce(p_batch->'units', '[]')) x
    ON CONFLICT DO NOTHING;
  EXCEPTION WHEN not_null_violation THEN
    RAISE EXCEPTION 'lote inválido: unidad sin código' USING ERRCODE = 'CK004';
  END;
  INSERT INTO ck.kiosk_flag (kiosk_id, epoch, seq, reason, detail, batch_id)
  SELECT v_kiosk, v_epoch, NULL, 'unit',
         format('la unidad %s del quiosco (%s, %s) difiere de la central (%s, %s)', u.code, x->>'name',
                x->>'timezone', u.name, u.timezone), v_batch
    FROM jsonb_array_elements(coalesce(p_batch->'units', '[]')) x
    JOIN ck.unit u ON u.institution = k.institution AND u.code = x->>'code'
   WHERE (u.name, u.timezone) IS DISTINCT FROM (x->>'name', x->>'timezone')
     AND NOT EXISTS (SELECT 1 FROM ck.kiosk_flag f WHERE f.kiosk_id = v_kiosk AND f.reason = 'unit'
                        AND f.detail LIKE 'la unidad ' || u.code || ' %');

  -- The signed head as received.
  INSERT INTO ck.chain_head (epoch_no, kiosk_id, institution, seq, hash, signed_at, signature, rx, batch_id)
  VALUES (v_ep, v_kiosk, k.institution, h_seq, h_hash, h_at, h_sig, v_rx + v_new + 1, v_batch)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS v_headnew = ROW_COUNT;

  -- 6. The high-water mark moves, in this transaction only.
  UPDATE ck.institution SET rx = v_rx + v_new + v_headnew WHERE id = k.institution;
  IF v_new > 0 THEN
    UPDATE ck.kiosk_epoch SET head_seq = v_last, head_hash = v_entries[v_count].hash, last_push = now()
     WHERE epoch_no = v_ep;
    v_head := v_last;
  ELSE
    UPDATE ck.kiosk_epoch SET last_push = now() WHERE epoch_no = v_ep;
  END IF;
  UPDATE ck.kiosk SET last_push = now() WHERE id = v_kiosk;
  v_result := jsonb_build_object('status', 'accepted', 'kiosk', v_kiosk, 'epoch', v_epoch, 'ack', v_head,
    'stored', jsonb_build_object('entries', v_new, 'attendance', n_att, 'pledges', n_pl, 'people', n_per,
                                 'events', n_ev, 'signatures', n_sig),
    'duplicates', n_dup, 'conflicts', n_conf);
  -- The batch log: a batch that brought nothing new (a replay) leaves none.
  IF v_new > 0 OR v_headnew > 0 OR n_sig > 0 OR n_conf > 0 THEN
    INSERT INTO ck.batch (id, kiosk_id, epoch, epoch_no, payload_sha256, first_seq, last_seq, status, clock_skew, result)
    VALUES (v_batch, v_kiosk, v_epoch, v_ep, v_sha, v_first, v_last, 'accepted', v_skew, v_result);
  END IF;
  RETURN v_result;
END
$$;

-- ck.pull of version 1, with "epochs".
CREATE OR REPLACE FUNCTION ck.pull(p_kiosk text, p_epoch text, p_cursor bigint, p_page integer DEFAULT 1000) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ck, pg_temp AS $$
DECLARE
  k      ck.kiosk;
  v_ep   bigint;
  v_end  bigint;
  v_more boolean;
  v_out  jsonb;
BEGIN
  SELECT * INTO k FROM ck.kiosk WHERE id = p_kiosk;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'el quiosco % no está inscrito en la central', p_kiosk USING ERRCODE = 'CK001';
  END IF;
  IF k.db_role IS NOT NULL AND k.db_role <> session_user THEN
    RAISE EXCEPTION 'el quiosco % sólo puede leer como %, no como %', p_kiosk, k.db_role, session_user
      USING ERRCODE = 'CK002';
  END IF;
  IF p_cursor IS NULL OR p_cursor < 0 OR p_page IS NULL OR p_page < 1 OR p_page > 100000 THEN
    RAISE EXCEPTION 'pull: cursor o página inválidos' USING ERRCODE = 'CK004';
  END IF;
  SELECT epoch_no INTO v_ep FROM ck.kiosk_epoch WHERE kiosk_id = p_kiosk AND epoch = p_epoch;
  WITH items AS (
    SELECT rx FROM ck.audit_entry
     WHERE institution = k.institution AND rx > p_cursor AND epoch_no IS DISTINCT FROM v_ep
    UNION ALL
    SELECT rx FROM ck.chain_head
     WHERE institution = k.institution AND rx > p_cursor AND epoch_no IS DISTINCT FROM v_ep
    ORDER BY rx LIMIT p_page + 1
  )
  SELECT max(rx) FILTER (WHERE n <= p_page), count(*) > p_page INTO v_end, v_more
    FROM (SELECT rx, row_number() OVER (ORDER BY rx) AS n FROM items) x;
  IF NOT v_more THEN
    SELECT rx INTO v_end FROM ck.institution WHERE id = k.institution;   -- past the caller's own rows too
  END IF;
  SELECT jsonb_build_object(
    'entries', coalesce((
      SELECT jsonb_agg(jsonb_build_object('rx', a.rx, 'kiosk', a.kiosk_id, 'epoch', e.epoch, 'seq', a.seq,
               'at', a.at, 'kind', a.kind, 'uuid', a.uuid, 'content', a.content, 'prev_hash', a.prev_hash,
               'hash', a.hash, 'chain_format', a.chain_format,
               'conflict', EXISTS (SELECT 1 FROM ck.conflict f WHERE f.epoch_no = a.epoch_no AND f.seq = a.seq))
               ORDER BY a.rx)
        FROM ck.audit_entry a JOIN ck.kiosk_epoch e USING (epoch_no)
       WHERE a.institution = k.institution AND a.rx > p_cursor AND a.rx <= v_end
         AND a.epoch_no IS DISTINCT FROM v_ep), '[]'),
    'heads', coalesce((
      SELECT jsonb_agg(jsonb_build_object('rx', h.rx, 'kiosk', h.kiosk_id, 'epoch', e.epoch, 'seq', h.seq,
               'hash', h.hash, 'signed_at', h.signed_at, 'signature', encode(h.signature, 'base64'))
               ORDER BY h.rx)
        FROM ck.chain_head h JOIN ck.kiosk_epoch e USING (epoch_no)
       WHERE h.institution = k.institution AND h.rx > p_cursor AND h.rx <= v_end
         AND h.epoch_no IS DISTINCT FROM v_ep), '[]'),
    'signatures', coalesce((
      SELECT jsonb_agg(jsonb_build_object('uuid', g.uuid, 'kiosk', g.kiosk_id, 'sha256', g.sha256,
               'strokes', encode(g.strokes, 'base64')) ORDER BY g.uuid)
        FROM ck.signature g
       WHERE g.institution = k.institution AND g.uuid IN (
             SELECT DISTINCT ON (g2.sha256) g2.uuid
               FROM ck.audit_entry a JOIN ck.signature g2
                 ON g2.institution = a.institution AND g2.sha256 = (a.content::jsonb)->>8
              WHERE a.institution = k.institution AND a.rx > p_cursor AND a.rx <= v_end
                AND a.epoch_no IS DISTINCT FROM v_ep AND a.kind IN ('attendance', 'pledge')
              ORDER BY g2.sha256, g2.uuid)), '[]'),
    'epochs', coalesce((
      SELECT jsonb_agg(jsonb_build_object('kiosk', e.kiosk_id, 'epoch', e.epoch, 'parent', p.epoch,
               'base_seq', e.base_seq, 'base_hash', e.base_hash) ORDER BY e.epoch_no)
        FROM ck.kiosk_epoch e JOIN ck.kiosk_epoch p ON p.epoch_no = e.parent_epoch_no
       WHERE e.kiosk_id IN (SELECT id FROM ck.kiosk WHERE institution = k.institution)
         AND e.epoch_no IS DISTINCT FROM v_ep
         AND EXISTS (SELECT 1 FROM ck.audit_entry a WHERE a.epoch_no = e.epoch_no AND a.rx > p_cursor
                        AND a.rx <= v_end)), '[]'),
    'units', coalesce((
      SELECT jsonb_agg(jsonb_build_object('code', u.code, 'name', u.name, 'timezone', u.timezone)
               ORDER BY u.code COLLATE "C")
        FROM ck.unit u WHERE u.institution = k.institution), '[]'),
    'cursor', coalesce(v_end, p_cursor),
    'more', v_more)
  INTO v_out;
  RETURN v_out;
END
$$;

-- What kiosk p_kiosk (now in epoch p_epoch, its head at position p_pos)
-- asks before it pushes: {central, formats, now, institution, unit,
-- held: {epoch, seq, hash} (what the central holds of p_epoch: seq 0 when
-- nothing), hash_at_pos (the hash the central holds at p_pos of p_epoch, or
-- null), keys: [{kiosk, public_key (base64), unit}] of the institution's
-- kiosks, quarantined: batches of this kiosk kept aside, rx: the
-- institution's last receive position (a pull cursor past it means the
-- central was restored from an older copy: pull again from 0)}. Errors as
-- ck.ingest: CK001 not enrolled, CK002 another login.
CREATE FUNCTION ck.hello(p_kiosk text, p_epoch text, p_pos bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ck, pg_temp AS $$
DECLARE
  k  ck.kiosk;
  ep ck.kiosk_epoch;
BEGIN
  SELECT * INTO k FROM ck.kiosk WHERE id = p_kiosk;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'el quiosco % no está inscrito en la central; inscríbalo con: cepci-kiosk central enroll', p_kiosk
      USING ERRCODE = 'CK001';
  END IF;
  IF k.db_role IS NOT NULL AND k.db_role <> session_user AND NOT ck.is_owner(session_user) THEN
    RAISE EXCEPTION 'el quiosco % sólo puede conectarse como %, no como %', p_kiosk, k.db_role, session_user
      USING ERRCODE = 'CK002';
  END IF;
  SELECT * INTO ep FROM ck.kiosk_epoch WHERE kiosk_id = p_kiosk AND epoch = p_epoch;
  RETURN jsonb_build_object(
    'central', (SELECT id FROM ck.central),
    'formats', jsonb_build_array(1, 2),
    'now', extract(epoch FROM statement_timestamp())::bigint,
    'institution', k.institution, 'unit', k.unit_code,
    'held', jsonb_build_object('epoch', p_epoch, 'seq', coalesce(ep.head_seq, 0),
                               'hash', coalesce(ep.head_hash, repeat('0', 64))),
    'hash_at_pos', CASE WHEN ep.epoch_no IS NOT NULL AND p_pos IS NOT NULL AND p_pos >= 0
                        THEN ck.hash_at(ep.epoch_no, p_pos) END,
    'keys', coalesce((SELECT jsonb_agg(jsonb_build_object('kiosk', o.id, 'public_key', encode(o.public_key, 'base64'),
                                                          'unit', o.unit_code) ORDER BY o.id)
                        FROM ck.kiosk o WHERE o.institution = k.institution), '[]'),
    'quarantined', (SELECT count(*) FROM ck.batch b WHERE b.kiosk_id = p_kiosk AND b.status = 'quarantined'),
    'rx', (SELECT rx FROM ck.institution WHERE id = k.institution));
END
$$;

-- The batches of a bundle (`central import FILE`, kiosk/central/bundle.c),
-- one per chain in the bundle's order: its entries up to its newest signed
-- head, that head, and the strokes those entries name; the exporting
-- kiosk's chain also carries the bundle's units. "via": "bundle" (no clock
-- skew). The caller checked every signature first; ck.ingest decides.
CREATE FUNCTION ck.bundle_batches(p jsonb) RETURNS TABLE (n bigint, kiosk text, batch jsonb)
LANGUAGE sql IMMUTABLE AS $$
  SELECT c.n, c.v->>'kiosk', jsonb_build_object(
           'format', 1, 'chain_format', coalesce(p->'chain_format', '1'), 'via', 'bundle',
           'kiosk', c.v->>'kiosk', 'epoch', c.v->>'epoch', 'epoch_base', c.v->'epoch_base',
           'audit', coalesce((SELECT jsonb_agg(e ORDER BY (e->>'seq')::bigint)
                                FROM jsonb_array_elements(c.v->'entries') e WHERE (e->>'seq')::bigint <= hd.seq), '[]'),
           'signatures', coalesce((
             SELECT jsonb_agg(jsonb_build_object('uuid', g->>'uuid', 'strokes', g->>'strokes'))
               FROM jsonb_array_elements(p->'signatures') g
              WHERE g->>'sha256' IN (SELECT (e->>'content')::jsonb->>8 FROM jsonb_array_elements(c.v->'entries') e
                                      WHERE e->>'kind' IN ('attendance', 'pledge') AND (e->>'seq')::bigint <= hd.seq)),
             '[]'),
           'units', CASE WHEN c.v->>'kiosk' = p->>'kiosk' THEN coalesce(p->'units', '[]') ELSE '[]' END,
           'head', hd.h)
    FROM jsonb_array_elements(p->'chains') WITH ORDINALITY c(v, n)
    CROSS JOIN LATERAL (SELECT h, (h->>'seq')::bigint AS seq FROM jsonb_array_elements(c.v->'heads') h
                         ORDER BY (h->>'seq')::bigint DESC, (h->>'signed_at')::bigint DESC LIMIT 1) hd
   ORDER BY c.n
$$;

-- ---------------------------------------------------------------- privileges

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ck FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ck.ingest(jsonb) TO cepci_kiosk;
GRANT EXECUTE ON FUNCTION ck.pull(text, text, bigint, integer) TO cepci_kiosk;
GRANT EXECUTE ON FUNCTION ck.hello(text, text, bigint) TO cepci_kiosk;
GRANT EXECUTE ON FUNCTION ck.safe_tz(text), ck.pct(bigint, bigint),
  ck.indicators_of(text[], integer, text[], numeric, numeric, numeric),
  ck.indicators(text, integer, text[], numeric, numeric, numeric) TO cepci_reader;
GRANT SELECT ON ck.central TO cepci_reader;

INSERT INTO ck.schema_version (version) VALUES (4);
