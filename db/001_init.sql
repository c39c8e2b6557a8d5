-- cepci-kiosk schema, version 1.
-- Identities that cross kiosks are UUIDs (records), employee numbers (staff)
-- and unit codes. Integer rowids are local only and never leave this file.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Public keys of this and other kiosks, for receipt verification.
CREATE TABLE kiosk_key (
  kiosk_id    TEXT PRIMARY KEY,
  public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
  institution TEXT NOT NULL DEFAULT '',
  unit_code   TEXT NOT NULL DEFAULT '',
  added_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE unit (
  code     TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'America/Mexico_City'
) WITHOUT ROWID;

-- The roster (padrón). Master data: an import updates rows in place, and
-- every change is appended to the audit chain.
CREATE TABLE person (
  id          INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,
  kiosk_id    TEXT NOT NULL,
  employee_no TEXT NOT NULL UNIQUE,
  given_name  TEXT NOT NULL DEFAULT '',
  surname1    TEXT NOT NULL,
  surname2    TEXT NOT NULL DEFAULT '',
  unit_code   TEXT NOT NULL REFERENCES unit(code),
  area        TEXT NOT NULL DEFAULT '',
  position    TEXT NOT NULL DEFAULT '',
  email       TEXT NOT NULL DEFAULT '',
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  name_norm   TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX person_unit ON person(unit_code, active);

-- One row per word of a person's folded name: prefix search by range scan.
-- Maintained by the program (old words out, new words in) on every change.
CREATE TABLE name_token (
  token     TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES person(id),
  PRIMARY KEY (token, person_id)
) WITHOUT ROWID;

CREATE TABLE event (
  id          INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,
  kiosk_id    TEXT NOT NULL,
  title       TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('curso','taller','conferencia',
                'conversatorio','cine-debate','platica','protesta','otro')),
  unit_code   TEXT NOT NULL REFERENCES unit(code),
  start_local TEXT NOT NULL,          -- 'YYYY-MM-DD HH:MM' in the unit's zone
  end_local   TEXT NOT NULL DEFAULT '',
  place       TEXT NOT NULL DEFAULT '',
  instructor  TEXT NOT NULL DEFAULT '',
  pat_key     TEXT NOT NULL DEFAULT '',
  signature   INTEGER NOT NULL DEFAULT 1 CHECK (signature IN (0, 1)),
  state       TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','open','closed')),
  created_at  INTEGER NOT NULL
);
CREATE INDEX event_start ON event(start_local);

CREATE TABLE event_topic (
  event_id INTEGER NOT NULL REFERENCES event(id),
  topic    TEXT NOT NULL CHECK (topic IN ('etica','integridad','conflicto-intereses',
             'igualdad-genero','violencia-genero','hsas','discriminacion',
             'codigo-conducta','otro')),
  PRIMARY KEY (event_id, topic)
) WITHOUT ROWID;

-- Signature strokes, compactly encoded (see kiosk/signature.c).
CREATE TABLE signature (
  id       INTEGER PRIMARY KEY,
  uuid     TEXT NOT NULL UNIQUE,
  kiosk_id TEXT NOT NULL,
  strokes  BLOB NOT NULL
);

CREATE TABLE attendance (
  id           INTEGER PRIMARY KEY,
  uuid         TEXT NOT NULL UNIQUE,
  kiosk_id     TEXT NOT NULL,
  event_id     INTEGER NOT NULL REFERENCES event(id),
  employee_no  TEXT REFERENCES person(employee_no),   -- NULL for a guest
  guest_name   TEXT,
  at           INTEGER NOT NULL,                      -- Unix seconds, UTC
  method       TEXT NOT NULL CHECK (method IN ('badge','number','search','guest','keyed')),
  signature_id INTEGER REFERENCES signature(id),
  folio        TEXT NOT NULL UNIQUE,
  CHECK ((employee_no IS NULL) = (method = 'guest')),
  CHECK ((guest_name IS NULL) = (method <> 'guest'))
);
CREATE UNIQUE INDEX attendance_once ON attendance(event_id, employee_no)
  WHERE employee_no IS NOT NULL;
-- Covering index for the indicators: a merge by employee number, no lookups.
CREATE INDEX attendance_person ON attendance(employee_no, event_id);

CREATE TABLE pledge (
  id             INTEGER PRIMARY KEY,
  uuid           TEXT NOT NULL UNIQUE,
  kiosk_id       TEXT NOT NULL,
  employee_no    TEXT NOT NULL REFERENCES person(employee_no),
  at             INTEGER NOT NULL,
  carta_sha256   TEXT NOT NULL,
  privacy_sha256 TEXT NOT NULL,
  method         TEXT NOT NULL CHECK (method IN ('kiosk','keyed')),
  signature_id   INTEGER REFERENCES signature(id),
  folio          TEXT NOT NULL UNIQUE,
  UNIQUE (employee_no, carta_sha256)
);

-- Hash-chained log: hash = SHA-256(prev_hash || entry text). One chain per
-- kiosk, so databases of several kiosks can be merged.
CREATE TABLE audit (
  seq         INTEGER PRIMARY KEY,
  kiosk_id    TEXT NOT NULL,
  at          INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  record_uuid TEXT NOT NULL,
  content     TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);

-- Records are append-only: refuse edits and deletions at the engine level.
CREATE TRIGGER attendance_no_update BEFORE UPDATE ON attendance
  BEGIN SELECT RAISE(ABORT, 'attendance records are append-only'); END;
CREATE TRIGGER attendance_no_delete BEFORE DELETE ON attendance
  BEGIN SELECT RAISE(ABORT, 'attendance records are append-only'); END;
CREATE TRIGGER pledge_no_update BEFORE UPDATE ON pledge
  BEGIN SELECT RAISE(ABORT, 'pledge records are append-only'); END;
CREATE TRIGGER pledge_no_delete BEFORE DELETE ON pledge
  BEGIN SELECT RAISE(ABORT, 'pledge records are append-only'); END;
CREATE TRIGGER signature_no_update BEFORE UPDATE ON signature
  BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
CREATE TRIGGER signature_no_delete BEFORE DELETE ON signature
  BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
