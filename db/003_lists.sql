-- cepci-kiosk schema, version 3: lists bound to their records (issue 12,
-- items 7, 8 and 16).
--
-- * attendance.method gains 'desk' (registered at the coordinator's desk,
--   a command-line check-in without --keyed). SQLite cannot change a CHECK
--   in place, so the table is rebuilt: same row ids, UUIDs and folios, and
--   the append-only triggers and indexes of 001 and the UUID registry
--   trigger of 002 are made again (the copy itself registers nothing: its
--   UUIDs are in record_uuid already).
-- * attendance and pledge gain a snapshot of the person's unit, area and
--   position as they were when the record was made (snap_*). Rows written
--   before this version keep NULL there ("not recorded"): their canonical
--   audit content stays as it was, and the lists say their unit, area and
--   position come from the current roster. New rows always fill the three
--   (empty strings for a guest), and their canonical content carries them.
-- * event_reopen: why a closed event was opened again (append-only,
--   audited as kind 'reopen', printed on the list; its UUIDs in the
--   registry of 002 like every record's).
-- * person.employee_key: the canonical employee number (README, "Employee
--   numbers"): a number of digits only loses its leading zeros ("007" ->
--   "7"); anything else is kept as it is. Every lookup goes through it, so
--   "007", "7" and "0007" are one person. Numbers stored before this
--   version are not rewritten (records and audit entries name them); two
--   people whose numbers were already the same canonical number keep both
--   their rows: the one whose number is already canonical (else the older
--   row) gets the key, the other keeps a NULL key and is found by its exact
--   number only.

CREATE TABLE attendance_v3 (
  id           INTEGER PRIMARY KEY,
  uuid         TEXT NOT NULL UNIQUE,
  kiosk_id     TEXT NOT NULL,
  event_id     INTEGER NOT NULL REFERENCES event(id),
  employee_no  TEXT REFERENCES person(employee_no),   -- NULL for a guest
  guest_name   TEXT,
  at           INTEGER NOT NULL,                      -- Unix seconds, UTC
  method       TEXT NOT NULL CHECK (method IN ('badge','number','search','guest','keyed','desk')),
  signature_id INTEGER REFERENCES signature(id),
  folio        TEXT NOT NULL UNIQUE,
  snap_unit     TEXT,                                 -- NULL: written before version 3
  snap_area     TEXT,
  snap_position TEXT,
  CHECK ((employee_no IS NULL) = (method = 'guest')),
  CHECK ((guest_name IS NULL) = (method <> 'guest')),
  CHECK ((snap_unit IS NULL) = (snap_area IS NULL) AND (snap_unit IS NULL) = (snap_position IS NULL))
);
INSERT INTO attendance_v3 (id, uuid, kiosk_id, event_id, employee_no, guest_name, at, method, signature_id, folio)
  SELECT id, uuid, kiosk_id, event_id, employee_no, guest_name, at, method, signature_id, folio FROM attendance;
DROP TABLE attendance;
-- Legacy rename: nothing else is rewritten, and objects of other
-- migrations that name "attendance" keep naming the rebuilt table.
PRAGMA legacy_alter_table = ON;
ALTER TABLE attendance_v3 RENAME TO attendance;
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX attendance_once ON attendance(event_id, employee_no)
  WHERE employee_no IS NOT NULL;
CREATE INDEX attendance_person ON attendance(employee_no, event_id);
CREATE TRIGGER attendance_no_update BEFORE UPDATE ON attendance
  BEGIN SELECT RAISE(ABORT, 'attendance records are append-only'); END;
CREATE TRIGGER attendance_no_delete BEFORE DELETE ON attendance
  BEGIN SELECT RAISE(ABORT, 'attendance records are append-only'); END;
CREATE TRIGGER attendance_uuid AFTER INSERT ON attendance BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'attendance') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;

ALTER TABLE pledge ADD COLUMN snap_unit TEXT;
ALTER TABLE pledge ADD COLUMN snap_area TEXT;
ALTER TABLE pledge ADD COLUMN snap_position TEXT;

CREATE TABLE event_reopen (
  id       INTEGER PRIMARY KEY,
  uuid     TEXT NOT NULL UNIQUE,
  kiosk_id TEXT NOT NULL,
  event_id INTEGER NOT NULL REFERENCES event(id),
  at       INTEGER NOT NULL,
  reason   TEXT NOT NULL CHECK (length(reason) > 0)
);
CREATE INDEX event_reopen_event ON event_reopen(event_id, at);
CREATE TRIGGER event_reopen_no_update BEFORE UPDATE ON event_reopen
  BEGIN SELECT RAISE(ABORT, 'reopen records are append-only'); END;
CREATE TRIGGER event_reopen_no_delete BEFORE DELETE ON event_reopen
  BEGIN SELECT RAISE(ABORT, 'reopen records are append-only'); END;
CREATE TRIGGER event_reopen_uuid AFTER INSERT ON event_reopen BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'reopen') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;

ALTER TABLE person ADD COLUMN employee_key TEXT;
UPDATE person SET employee_key =
  CASE WHEN employee_no <> '' AND employee_no NOT GLOB '*[^0-9]*'
       THEN coalesce(nullif(ltrim(employee_no, '0'), ''), '0')
       ELSE employee_no END;
UPDATE person SET employee_key = NULL WHERE id IN (
  SELECT p.id FROM person p WHERE EXISTS (
    SELECT 1 FROM person q WHERE q.employee_key = p.employee_key AND q.id <> p.id
       AND (q.employee_no = q.employee_key OR (p.employee_no <> p.employee_key AND q.id < p.id))));
CREATE UNIQUE INDEX person_key ON person(employee_key);
