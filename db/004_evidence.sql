-- cepci-kiosk schema, version 5: the coordinator's evidence (issue 14).
--
-- * attachment: a scan of a signed paper list, a photo or a certificate
--   screenshot kept with an event. The file itself is not in the database
--   (which must stay small): it lives in the folder beside the database,
--   "<database>.anexos/", named by its SHA-256. The row holds the hash and
--   size, so `audit verify` checks every file; append-only and audited
--   (kind 'attachment').
-- * import_batch: one bulk attendance import (`attendance import EVENT
--   FILE`): the event, the file's name and SHA-256 and the rows it added.
--   attendance_import links each attendance row it wrote to its batch, so a
--   row says it was typed from a list, and which. Append-only; the batch is
--   audited (kind 'import') after its rows, and its canonical content names
--   the UUIDs of those rows, so a link removed or added by hand is reported.

CREATE TABLE attachment (
  id         INTEGER PRIMARY KEY,
  uuid       TEXT NOT NULL UNIQUE,
  kiosk_id   TEXT NOT NULL,
  event_id   INTEGER NOT NULL REFERENCES event(id),
  kind       TEXT NOT NULL CHECK (kind IN ('foto', 'lista', 'constancia', 'otro')),
  media_type TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
  size       INTEGER NOT NULL CHECK (size > 0),
  name       TEXT NOT NULL,               -- the file's name when it was attached
  note       TEXT NOT NULL DEFAULT '',
  at         INTEGER NOT NULL,
  UNIQUE (event_id, sha256)
);
CREATE TRIGGER attachment_no_update BEFORE UPDATE ON attachment
  BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
CREATE TRIGGER attachment_no_delete BEFORE DELETE ON attachment
  BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;

CREATE TABLE import_batch (
  id        INTEGER PRIMARY KEY,
  uuid      TEXT NOT NULL UNIQUE,
  kiosk_id  TEXT NOT NULL,
  event_id  INTEGER NOT NULL REFERENCES event(id),
  sha256    TEXT NOT NULL CHECK (length(sha256) = 64),   -- of the file as read
  name      TEXT NOT NULL,
  rows      INTEGER NOT NULL CHECK (rows >= 0),           -- attendance rows it added
  at        INTEGER NOT NULL
);
CREATE INDEX import_batch_event ON import_batch(event_id, sha256);
CREATE TRIGGER import_batch_no_update BEFORE UPDATE ON import_batch
  BEGIN SELECT RAISE(ABORT, 'import records are append-only'); END;
CREATE TRIGGER import_batch_no_delete BEFORE DELETE ON import_batch
  BEGIN SELECT RAISE(ABORT, 'import records are append-only'); END;

CREATE TABLE attendance_import (
  attendance_id INTEGER PRIMARY KEY REFERENCES attendance(id),
  batch_id      INTEGER NOT NULL REFERENCES import_batch(id),
  note          TEXT NOT NULL DEFAULT ''              -- the row's `nota` column
);
CREATE INDEX attendance_import_batch ON attendance_import(batch_id);
CREATE TRIGGER attendance_import_no_update BEFORE UPDATE ON attendance_import
  BEGIN SELECT RAISE(ABORT, 'import records are append-only'); END;
CREATE TRIGGER attendance_import_no_delete BEFORE DELETE ON attendance_import
  BEGIN SELECT RAISE(ABORT, 'import records are append-only'); END;

-- Their UUIDs join the registry of record UUIDs (db/002_chain.sql): a row
-- put in by hand with a UUID of another record fails here.
CREATE TRIGGER attachment_uuid AFTER INSERT ON attachment BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'attachment') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;
CREATE TRIGGER import_batch_uuid AFTER INSERT ON import_batch BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'import') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;
