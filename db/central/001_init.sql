-- cepci-kiosk central schema, version 1 (PostgreSQL 15).
--
-- Applied by `cepci-kiosk central init` (and tests/pg_lib.sh's
-- pg_central_init) in one transaction, connected as the database's owner
-- role (e.g. cepci_owner: LOGIN CREATEROLE, not a superuser). Everything
-- lives in the schema ck. See db/central/README.md for the wire contract.
--
-- Shape: the kiosks push their audit chains. Every record (attendance,
-- pledge) and every master-data version (person, event) is an audit entry
-- whose canonical content (the JSON array kiosk/store/store.c hashes) holds
-- all its fields, so the central derives its tables from the entries it
-- verified and holds exactly what a kiosk has. Signature strokes, which the
-- chain covers only by their SHA-256, travel beside the entries.

DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'central init: conéctese como el rol dueño de la base (p. ej. cepci_owner), no como superusuario'
      USING ERRCODE = 'CK006';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cepci_kiosk') THEN
    CREATE ROLE cepci_kiosk NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cepci_reader') THEN
    CREATE ROLE cepci_reader NOLOGIN;
  END IF;
END
$$;

CREATE SCHEMA ck;
REVOKE ALL ON SCHEMA ck FROM PUBLIC;
GRANT USAGE ON SCHEMA ck TO cepci_kiosk, cepci_reader;
-- Functions are executable by PUBLIC unless said otherwise: not those of
-- this (dedicated) owner role. Each migration also revokes explicitly.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE TABLE ck.schema_version (
  version    integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------- tenants

-- An institution is named by the text its kiosks were initialised with
-- (`init --institution`); its indicator settings mirror the kiosk config.
CREATE TABLE ck.institution (
  id           text PRIMARY KEY CHECK (id <> '' AND length(id) <= 256),
  goal_trained numeric NOT NULL DEFAULT 15  CHECK (goal_trained BETWEEN 0 AND 100),
  goal_units   numeric NOT NULL DEFAULT 100 CHECK (goal_units BETWEEN 0 AND 100),
  goal_pledged numeric NOT NULL DEFAULT 50  CHECK (goal_pledged BETWEEN 0 AND 100),
  topics       text[] NOT NULL DEFAULT '{etica,integridad,conflicto-intereses,igualdad-genero,violencia-genero,hsas,discriminacion}',
  rx           bigint NOT NULL DEFAULT 0,   -- last receive position handed out (pull cursors)
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Units and their time zones (pledges count up to the end of the year in
-- the unit's zone). Until the kiosks audit units (issue 12), a batch's unit
-- list only adds units the central lacks; see README.
CREATE TABLE ck.unit (
  institution text NOT NULL REFERENCES ck.institution,
  code        text NOT NULL,
  name        text NOT NULL,
  timezone    text NOT NULL DEFAULT 'America/Mexico_City',
  from_kiosk  text,
  PRIMARY KEY (institution, code)
);

CREATE TABLE ck.kiosk (
  id            text PRIMARY KEY CHECK (id ~ '^[0-9A-HJKMNP-TV-Z]{7}$'),
  institution   text NOT NULL REFERENCES ck.institution,
  unit_code     text NOT NULL,
  public_key    bytea NOT NULL CHECK (length(public_key) = 32),
  db_role       name,            -- when set, pushes only from this login
  enrolled_at   timestamptz NOT NULL DEFAULT now(),
  last_push     timestamptz,     -- last accepted batch
  last_contact  timestamptz,     -- last batch of any outcome
  clock_skew    bigint,          -- seconds, kiosk clock minus central clock, last batch
  max_skew      bigint           -- the largest |skew| seen (signed)
);
CREATE INDEX kiosk_institution ON ck.kiosk (institution);

-- One row per epoch of a kiosk's chain. A database restored from a backup
-- starts a new epoch whose chain continues from the backup's head (base):
-- its positions after base reuse numbers the parent epoch may also hold.
-- head_seq/head_hash is the high-water mark acknowledged to the kiosk; it
-- moves only inside the ingest transaction that stored the entries.
CREATE TABLE ck.kiosk_epoch (
  epoch_no        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kiosk_id        text NOT NULL REFERENCES ck.kiosk,
  epoch           text COLLATE "C" NOT NULL CHECK (epoch ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  parent_epoch_no bigint REFERENCES ck.kiosk_epoch,
  base_seq        bigint NOT NULL DEFAULT 0 CHECK (base_seq >= 0),
  base_hash       text NOT NULL DEFAULT repeat('0', 64),
  head_seq        bigint NOT NULL DEFAULT 0,
  head_hash       text NOT NULL DEFAULT repeat('0', 64),
  first_push      timestamptz NOT NULL DEFAULT now(),
  last_push       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kiosk_id, epoch),
  CHECK (head_seq >= base_seq),
  CHECK ((parent_epoch_no IS NULL) = (base_seq = 0))
);

-- ---------------------------------------------------------------- chains

-- Each kiosk's audit chain as the kiosk wrote it, position by position.
-- seq is the entry's position in its kiosk's chain (1, 2, 3, ...), not the
-- kiosk database's row id. hash = chain_hash(chain_format, ...).
CREATE TABLE ck.audit_entry (
  epoch_no     bigint NOT NULL REFERENCES ck.kiosk_epoch,
  seq          bigint NOT NULL CHECK (seq > 0),
  kiosk_id     text NOT NULL,
  institution  text NOT NULL,
  at           bigint NOT NULL,         -- kiosk clock, Unix seconds
  kind         text NOT NULL,
  uuid         text NOT NULL,
  content      text NOT NULL,           -- canonical JSON array, verbatim
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  chain_format smallint NOT NULL,
  rx           bigint NOT NULL,         -- receive position within the institution
  batch_id     bigint NOT NULL,
  PRIMARY KEY (epoch_no, seq)
);
CREATE INDEX audit_entry_rx ON ck.audit_entry (institution, rx);
CREATE INDEX audit_entry_uuid ON ck.audit_entry (uuid);

-- Signed chain heads as received (Ed25519 over the message in README, by
-- the kiosk's enrolled key; verified by `central audit verify`).
CREATE TABLE ck.chain_head (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  epoch_no    bigint NOT NULL REFERENCES ck.kiosk_epoch,
  kiosk_id    text NOT NULL,
  institution text NOT NULL,
  seq         bigint NOT NULL,
  hash        text NOT NULL,
  signed_at   bigint NOT NULL,
  signature   bytea NOT NULL CHECK (length(signature) = 64),
  rx          bigint NOT NULL,
  batch_id    bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (epoch_no, seq, signature)
);
CREATE INDEX chain_head_rx ON ck.chain_head (institution, rx);

-- Every batch received, accepted or not. A quarantined batch keeps its
-- payload: it was stored aside, nothing of it was applied.
CREATE TABLE ck.batch (
  id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  kiosk_id       text NOT NULL REFERENCES ck.kiosk,
  epoch          text NOT NULL,
  epoch_no       bigint REFERENCES ck.kiosk_epoch,
  received_at    timestamptz NOT NULL DEFAULT now(),
  payload_sha256 bytea NOT NULL,
  first_seq      bigint,
  last_seq       bigint,
  status         text NOT NULL CHECK (status IN ('accepted', 'quarantined')),
  reason         text,
  position       bigint,
  clock_skew     bigint,
  payload        jsonb,
  result         jsonb NOT NULL
);
CREATE INDEX batch_kiosk ON ck.batch (kiosk_id, payload_sha256);

-- Anything found wrong with a kiosk's chain: fork (an entry differs from
-- the one held at its position), link/hash (the chain does not hold
-- together), rollback (a newly signed head older than the held one), root
-- (a second chain from position 1), unit (its unit table differs).
CREATE TABLE ck.kiosk_flag (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kiosk_id   text NOT NULL REFERENCES ck.kiosk,
  epoch      text NOT NULL,
  seq        bigint,
  reason     text NOT NULL,
  detail     text NOT NULL,
  batch_id   bigint NOT NULL,
  flagged_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kiosk_flag_kiosk ON ck.kiosk_flag (kiosk_id);

-- ---------------------------------------------------------------- records

-- UUIDs are unique across kinds: the first entry that brought a UUID is
-- its owner; a record's held content is that entry's content.
CREATE TABLE ck.record_uuid (
  uuid        uuid PRIMARY KEY,
  kind        text NOT NULL,
  institution text NOT NULL,
  epoch_no    bigint NOT NULL,
  seq         bigint NOT NULL
);

-- The same UUID with different content (or of another kind, or of another
-- institution): kept here, reported, never dropped or applied.
CREATE TABLE ck.conflict (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  institution  text NOT NULL,
  uuid         text NOT NULL,
  kind         text NOT NULL,
  held_kind    text NOT NULL,
  held_content text,
  new_content  text NOT NULL,
  kiosk_id     text NOT NULL,
  epoch_no     bigint NOT NULL,
  seq          bigint NOT NULL,
  batch_id     bigint NOT NULL,
  detected_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conflict_entry ON ck.conflict (epoch_no, seq);
CREATE INDEX conflict_institution ON ck.conflict (institution);

CREATE TABLE ck.signature (
  uuid        uuid PRIMARY KEY,
  institution text NOT NULL,
  kiosk_id    text NOT NULL,
  sha256      text NOT NULL,
  strokes     bytea NOT NULL,
  batch_id    bigint NOT NULL
);
CREATE INDEX signature_sha ON ck.signature (institution, sha256);

-- Append-only records, one per UUID; (epoch_no, seq) is their audit entry.
-- Two records of one person at one event (two offline kiosks) are both
-- kept; the indicators count the person once (view attendance_duplicate).
CREATE TABLE ck.attendance (
  uuid        uuid PRIMARY KEY,
  institution text NOT NULL,
  kiosk_id    text NOT NULL,
  epoch_no    bigint NOT NULL,
  seq         bigint NOT NULL,
  event_uuid  uuid NOT NULL,
  employee_no text,                 -- NULL for a guest
  guest_name  text,
  at          bigint NOT NULL,      -- Unix seconds, UTC
  method      text NOT NULL,
  sig_sha256  text,
  folio       text NOT NULL,
  CHECK ((employee_no IS NULL) <> (guest_name IS NULL))
);
-- The indicator joins: event -> staff attendance, index-only.
CREATE INDEX attendance_event ON ck.attendance (event_uuid, employee_no);
CREATE INDEX attendance_person ON ck.attendance (institution, employee_no) WHERE employee_no IS NOT NULL;

CREATE TABLE ck.pledge (
  uuid           uuid PRIMARY KEY,
  institution    text NOT NULL,
  kiosk_id       text NOT NULL,
  epoch_no       bigint NOT NULL,
  seq            bigint NOT NULL,
  employee_no    text NOT NULL,
  at             bigint NOT NULL,
  carta_sha256   text NOT NULL,
  privacy_sha256 text NOT NULL,
  method         text NOT NULL,
  sig_sha256     text,
  folio          text NOT NULL
);
-- First pledge per person: index-only GroupAggregate.
CREATE INDEX pledge_person ON ck.pledge (institution, employee_no, at);

-- ---------------------------------------------------------------- master data

-- Current people and events: each row is the winning version. Versions
-- are the audit entries of kind person/event (views person_version and
-- event_version). Winner: the highest (v_changed_at, v_kiosk, v_seq,
-- v_epoch), compared as (bigint, bytes, bigint, bytes) — the same rule on
-- every kiosk, so every copy converges on the same row.
CREATE TABLE ck.person (
  institution  text NOT NULL,
  employee_no  text NOT NULL,
  uuid         uuid NOT NULL,       -- the row's UUID at the kiosk that won
  given_name   text NOT NULL,
  surname1     text NOT NULL,
  surname2     text NOT NULL,
  unit_code    text NOT NULL,
  area         text NOT NULL,
  position     text NOT NULL,
  email        text NOT NULL,
  active       boolean NOT NULL,
  v_changed_at bigint NOT NULL,
  v_kiosk      text COLLATE "C" NOT NULL,
  v_seq        bigint NOT NULL,
  v_epoch      text COLLATE "C" NOT NULL,
  PRIMARY KEY (institution, employee_no)
);
CREATE INDEX person_unit ON ck.person (institution, unit_code) INCLUDE (employee_no) WHERE active;

CREATE TABLE ck.event (
  uuid          uuid PRIMARY KEY,
  institution   text NOT NULL,
  creator_kiosk text NOT NULL,
  title         text NOT NULL,
  kind          text NOT NULL,
  topics        text[] NOT NULL,
  unit_code     text NOT NULL,
  start_local   text NOT NULL CHECK (start_local ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$'),
  end_local     text NOT NULL,
  place         text NOT NULL,
  instructor    text NOT NULL,
  pat_key       text NOT NULL,
  signature     boolean NOT NULL,
  state         text NOT NULL,
  start_year    integer GENERATED ALWAYS AS (substr(start_local, 1, 4)::integer) STORED,
  start_month   integer GENERATED ALWAYS AS (substr(start_local, 6, 2)::integer) STORED,
  v_changed_at  bigint NOT NULL,
  v_kiosk       text COLLATE "C" NOT NULL,
  v_seq         bigint NOT NULL,
  v_epoch       text COLLATE "C" NOT NULL
);
CREATE INDEX event_year ON ck.event (institution, start_year);

-- ---------------------------------------------------------------- append-only

CREATE FUNCTION ck.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ck.%: registros de solo anexado; no se modifican ni se borran', TG_TABLE_NAME
    USING ERRCODE = 'CK008';
END
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['audit_entry', 'chain_head', 'batch', 'kiosk_flag', 'record_uuid', 'conflict',
                           'signature', 'attendance', 'pledge'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON ck.%I FOR EACH ROW EXECUTE FUNCTION ck.refuse_change()',
                   t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON ck.%I FOR EACH STATEMENT EXECUTE FUNCTION ck.refuse_change()',
                   t || '_no_truncate', t);
  END LOOP;
END
$$;

-- ---------------------------------------------------------------- helpers

-- The kiosk's chain hash. Format 1 is kiosk/store/store.c's chain_hash
-- today: SHA-256 over prev, at, kind, uuid and content, each followed by
-- "\n". Format 2 (issue 12: the kiosk id under the hash) is added here with
-- the kiosk change; an unknown format is refused before any hash is read.
CREATE FUNCTION ck.chain_hash(fmt integer, kiosk text, prev text, at bigint, kind text, uuid text, content text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE fmt
    WHEN 1 THEN encode(sha256(convert_to(prev || E'\n' || at || E'\n' || kind || E'\n' || uuid || E'\n'
                                         || content || E'\n', 'UTF8')), 'hex')
  END
$$;

-- The hash held at position seq of the chain of epoch_no (walking back into
-- parent epochs below its base); the zero hash at 0; NULL if not held.
CREATE FUNCTION ck.hash_at(p_epoch_no bigint, p_seq bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  e ck.kiosk_epoch;
  h text;
BEGIN
  IF p_seq = 0 THEN
    RETURN repeat('0', 64);
  END IF;
  LOOP
    SELECT * INTO e FROM ck.kiosk_epoch WHERE epoch_no = p_epoch_no;
    IF NOT FOUND THEN
      RETURN NULL;
    ELSIF p_seq > e.base_seq THEN
      SELECT hash INTO h FROM ck.audit_entry WHERE epoch_no = p_epoch_no AND seq = p_seq;
      RETURN h;
    ELSIF p_seq = e.base_seq THEN
      RETURN e.base_hash;        -- checked against the parent when the epoch began
    END IF;
    p_epoch_no := e.parent_epoch_no;
  END LOOP;
END
$$;

CREATE FUNCTION ck.is_uuid(t text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT t ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
$$;

-- What is wrong with an entry's canonical content c (parsed) for a kind
-- the central applies (NULL if nothing). The layouts are
-- kiosk/store/store.c's CANON_*.
CREATE FUNCTION ck.content_problem(p_kind text, p_uuid text, c jsonb, p_kiosk text) RETURNS text
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

CREATE TYPE ck.wire_entry AS (
  seq bigint, at bigint, kind text, uuid text, content text, prev_hash text, hash text
);

-- ---------------------------------------------------------------- enrollment

-- Registers a kiosk (from a `keys export` file) under its institution and
-- unit, creating the institution if needed. Owner only. Returns 'enrolled',
-- or 'unchanged' when the same kiosk is enrolled again with the same key;
-- another key or institution for a known kiosk id is refused (CK007).
CREATE FUNCTION ck.enroll(p_kiosk text, p_institution text, p_unit text, p_public_key bytea,
                          p_db_role name DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SET search_path = ck, pg_temp AS $$
DECLARE
  k ck.kiosk;
BEGIN
  SELECT * INTO k FROM ck.kiosk WHERE id = p_kiosk FOR UPDATE;
  IF FOUND THEN
    IF k.public_key <> p_public_key OR k.institution <> p_institution THEN
      RAISE EXCEPTION 'el quiosco % ya está inscrito con otra clave o institución', p_kiosk USING ERRCODE = 'CK007';
    END IF;
    UPDATE ck.kiosk SET unit_code = p_unit, db_role = p_db_role WHERE id = p_kiosk;
    RETURN 'unchanged';
  END IF;
  INSERT INTO ck.institution (id) VALUES (p_institution) ON CONFLICT DO NOTHING;
  INSERT INTO ck.kiosk (id, institution, unit_code, public_key, db_role)
  VALUES (p_kiosk, p_institution, p_unit, p_public_key, p_db_role);
  RETURN 'enrolled';
END
$$;

-- ---------------------------------------------------------------- ingest

-- Stores a batch aside: nothing of it is applied, the kiosk is flagged and
-- the acknowledged position stays where it was. The same payload twice is
-- stored once. Internal to ck.ingest.
CREATE FUNCTION ck.quarantine(p_batch jsonb, p_sha bytea, p_kiosk text, p_epoch text, p_epoch_no bigint,
                              p_ack bigint, p_reason text, p_seq bigint, p_detail text, p_skew bigint,
                              p_first bigint, p_last bigint) RETURNS jsonb
LANGUAGE plpgsql SET search_path = ck, pg_temp AS $$
DECLARE
  v_result jsonb;
  v_batch bigint;
BEGIN
  v_result := jsonb_build_object('status', 'quarantined', 'kiosk', p_kiosk, 'epoch', p_epoch, 'ack', p_ack,
                                 'reason', p_reason, 'position', p_seq, 'detail', p_detail);
  PERFORM 1 FROM ck.batch WHERE kiosk_id = p_kiosk AND payload_sha256 = p_sha AND status = 'quarantined';
  IF NOT FOUND THEN
    INSERT INTO ck.batch (kiosk_id, epoch, epoch_no, payload_sha256, first_seq, last_seq, status, reason, position,
                          clock_skew, payload, result)
    VALUES (p_kiosk, p_epoch, p_epoch_no, p_sha, p_first, p_last, 'quarantined', p_reason, p_seq, p_skew, p_batch,
            v_result)
    RETURNING id INTO v_batch;
    INSERT INTO ck.kiosk_flag (kiosk_id, epoch, seq, reason, detail, batch_id)
    VALUES (p_kiosk, p_epoch, p_seq, p_reason, p_detail, v_batch);
  END IF;
  RETURN v_result;
END
$$;

-- Ingests one batch of one kiosk and epoch (shape: README, "Push"), in the
-- caller's transaction. Returns {status, kiosk, epoch, ack, ...}:
--   accepted     the entries extend the held head; records, versions,
--                signatures and the signed head are stored; ack is the new
--                high-water mark. The same batch again stores nothing more.
--   quarantined  the entries do not extend the held chain (fork, broken
--                link or hash, a newly signed head older than the held one,
--                a second root chain): the batch is kept aside with the
--                reason and position, the kiosk flagged, nothing applied.
-- Errors (nothing stored): CK001 kiosk not enrolled, CK002 wrong login or
-- institution, CK003 out of order (gap after the ack, parent epoch not
-- held: push the earlier entries first), CK004 malformed batch, CK005
-- unsupported format.
CREATE FUNCTION ck.ingest(p_batch jsonb) RETURNS jsonb
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
  IF k.db_role IS NOT NULL AND k.db_role <> session_user THEN
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
  IF v_fmt IS DISTINCT FROM 1 THEN
    RAISE EXCEPTION 'formato de cadena % no soportado por esta central (actualícela)', v_fmt USING ERRCODE = 'CK005';
  END IF;
  IF v_epoch IS NULL OR NOT ck.is_uuid(v_epoch) THEN
    RAISE EXCEPTION 'lote inválido: época "%"', v_epoch USING ERRCODE = 'CK004';
  END IF;
  IF jsonb_typeof(p_batch->'sent_at') IS DISTINCT FROM 'number' OR jsonb_typeof(p_batch->'head') IS DISTINCT FROM 'object'
     OR jsonb_typeof(p_batch->'audit') IS DISTINCT FROM 'array'
     OR coalesce(jsonb_typeof(p_batch->'signatures'), 'array') <> 'array'
     OR coalesce(jsonb_typeof(p_batch->'units'), 'array') <> 'array' THEN
    RAISE EXCEPTION 'lote inválido: faltan sent_at, head o audit' USING ERRCODE = 'CK004';
  END IF;
  BEGIN
    v_skew := (p_batch->>'sent_at')::bigint - extract(epoch FROM statement_timestamp())::bigint;
    h_seq := (p_batch->'head'->>'seq')::bigint;
    h_hash := p_batch->'head'->>'hash';
    h_at := (p_batch->'head'->>'signed_at')::bigint;
    h_sig := decode(p_batch->'head'->>'signature', 'base64');
    SELECT array_agg(e ORDER BY e.seq) INTO v_entries
      FROM jsonb_populate_recordset(NULL::ck.wire_entry, p_batch->'audit') e;
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
  UPDATE ck.kiosk SET last_contact = now(), clock_skew = v_skew,
         max_skew = CASE WHEN max_skew IS NULL OR abs(v_skew) > abs(max_skew) THEN v_skew ELSE max_skew END
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
    IF NOT EXISTS (SELECT 1 FROM ck.chain_head WHERE epoch_no = v_ep AND seq = h_seq AND signature = h_sig) THEN
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
         min(seq) FILTER (WHERE hash <> ck.chain_hash(v_fmt, v_kiosk, prev_hash, at, kind, uuid, content))
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
         v_fmt, v_rx + e.seq - v_head, v_batch
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

-- ---------------------------------------------------------------- pull

-- One page of what kiosk p_kiosk (now in epoch p_epoch) lacks: every audit
-- entry and signed head of its institution received after p_cursor, except
-- its own in p_epoch, in receive order; the signature strokes those entries
-- name; the institution's units. Returns {entries, heads, signatures,
-- units, cursor, more}: pass cursor back for the next page; more=false
-- means caught up. STABLE: one snapshot for the whole page.
CREATE FUNCTION ck.pull(p_kiosk text, p_epoch text, p_cursor bigint, p_page integer DEFAULT 1000) RETURNS jsonb
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

-- ---------------------------------------------------------------- views

-- Versions of master data: every audit entry that changed a person/event.
CREATE VIEW ck.person_version AS
  SELECT a.institution, (a.content::jsonb)->>2 AS employee_no, a.uuid, a.kiosk_id, e.epoch, a.seq,
         a.at AS changed_at, a.content,
         EXISTS (SELECT 1 FROM ck.conflict f WHERE f.epoch_no = a.epoch_no AND f.seq = a.seq) AS conflict
    FROM ck.audit_entry a JOIN ck.kiosk_epoch e USING (epoch_no)
   WHERE a.kind = 'person';

CREATE VIEW ck.event_version AS
  SELECT a.institution, a.uuid, a.kiosk_id, e.epoch, a.seq, a.at AS changed_at, a.content,
         EXISTS (SELECT 1 FROM ck.conflict f WHERE f.epoch_no = a.epoch_no AND f.seq = a.seq) AS conflict
    FROM ck.audit_entry a JOIN ck.kiosk_epoch e USING (epoch_no)
   WHERE a.kind = 'event';

-- Business oddities, accepted and flagged: one person checked in at one
-- event on several kiosks; one person pledged more than once; a folio
-- issued twice (a restored kiosk reuses its counter).
CREATE VIEW ck.attendance_duplicate AS
  SELECT institution, event_uuid, employee_no, count(*) AS records, array_agg(uuid ORDER BY at) AS uuids,
         array_agg(DISTINCT kiosk_id) AS kiosks
    FROM ck.attendance WHERE employee_no IS NOT NULL
   GROUP BY institution, event_uuid, employee_no HAVING count(*) > 1;

CREATE VIEW ck.pledge_duplicate AS
  SELECT institution, employee_no, count(*) AS records, array_agg(uuid ORDER BY at) AS uuids,
         array_agg(DISTINCT kiosk_id) AS kiosks
    FROM ck.pledge GROUP BY institution, employee_no HAVING count(*) > 1;

CREATE VIEW ck.folio_reuse AS
  SELECT institution, folio, count(*) AS records
    FROM (SELECT institution, folio FROM ck.attendance UNION ALL SELECT institution, folio FROM ck.pledge) r
   GROUP BY institution, folio HAVING count(*) > 1;

-- Per kiosk: what `central status` prints.
CREATE VIEW ck.kiosk_status AS
  SELECT k.id AS kiosk_id, k.institution, k.unit_code, k.enrolled_at, k.last_push,
         extract(epoch FROM now() - k.last_push)::bigint AS lag_seconds, k.clock_skew, k.max_skew,
         (SELECT e.epoch FROM ck.kiosk_epoch e WHERE e.kiosk_id = k.id ORDER BY e.last_push DESC, e.epoch_no DESC LIMIT 1)
           AS epoch,
         (SELECT e.head_seq FROM ck.kiosk_epoch e WHERE e.kiosk_id = k.id ORDER BY e.last_push DESC, e.epoch_no DESC LIMIT 1)
           AS head_seq,
         (SELECT count(*) FROM ck.attendance a WHERE a.kiosk_id = k.id) AS attendance,
         (SELECT count(*) FROM ck.pledge p WHERE p.kiosk_id = k.id) AS pledges,
         (SELECT count(*) FROM ck.conflict c WHERE c.kiosk_id = k.id) AS conflicts,
         (SELECT count(*) FROM ck.kiosk_flag f WHERE f.kiosk_id = k.id) AS flags,
         (SELECT count(*) FROM ck.batch b WHERE b.kiosk_id = k.id AND b.status = 'quarantined') AS quarantined
    FROM ck.kiosk k;

-- ---------------------------------------------------------------- privileges

-- The kiosk role may only call ingest and pull; the reader reads.
REVOKE ALL ON ALL TABLES IN SCHEMA ck FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ck FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ck.ingest(jsonb) TO cepci_kiosk;
GRANT EXECUTE ON FUNCTION ck.pull(text, text, bigint, integer) TO cepci_kiosk;
GRANT SELECT ON ALL TABLES IN SCHEMA ck TO cepci_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA ck GRANT SELECT ON TABLES TO cepci_reader;

INSERT INTO ck.schema_version (version) VALUES (1);
