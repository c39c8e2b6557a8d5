-- cepci-kiosk schema, version 5: syncing with a central PostgreSQL and USB
-- bundles (issue 11). See kiosk/store/sync.c and db/central/README.md.
--
-- 1. Records of other kiosks. After a sync a database holds every kiosk's
--    attendance and pledges, and a business oddity must be kept, not
--    refused: one person checked in at one event on two offline kiosks (or
--    pledged on both) is two records, both kept, counted once; a restored
--    kiosk may reuse a folio. So the "once" rules hold for the first record
--    only: a record that arrives by sync and clashes with one held is
--    stored with dup_key = its own UUID. Every record written here has
--    dup_key '' and still meets every rule (the unique indexes below are
--    what store_checkin/store_pledge rely on for "already registered" and
--    "already signed", including against records of other kiosks). The
--    tables are rebuilt (SQLite cannot drop a UNIQUE constraint), keeping
--    row ids and UUIDs, every column and CHECK of 003 (the method 'desk',
--    the snapshots snap_unit/snap_area/snap_position), and every index and
--    trigger the earlier migrations put on them is made again after the
--    rebuild: 001's append-only triggers and indexes, 002's and 003's UUID
--    registry triggers (the UUIDs are in record_uuid already). 004's
--    attendance_import names attendance rows by id: the ids are kept, and
--    its foreign key is checked at the end of this migration's transaction
--    (deferred: dropping the old table would otherwise break it for a
--    moment). dup_key is local bookkeeping, not part of a record's
--    canonical content.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE attendance_new (
  id           INTEGER PRIMARY KEY,
  uuid         TEXT NOT NULL UNIQUE,
  kiosk_id     TEXT NOT NULL,
  event_id     INTEGER NOT NULL REFERENCES event(id),
  employee_no  TEXT REFERENCES person(employee_no),   -- NULL for a guest
  guest_name   TEXT,
  at           INTEGER NOT NULL,                      -- Unix seconds, UTC
  method       TEXT NOT NULL CHECK (method IN ('badge','number','search','guest','keyed','desk')),
  signature_id INTEGER REFERENCES signature(id),
  folio        TEXT NOT NULL,
  snap_unit     TEXT,                                 -- NULL: written before version 3
  snap_area     TEXT,
  snap_position TEXT,
  dup_key      TEXT NOT NULL DEFAULT '',              -- '' or, for a synced duplicate, its uuid
  CHECK ((employee_no IS NULL) = (method = 'guest')),
  CHECK ((guest_name IS NULL) = (method <> 'guest')),
  CHECK ((snap_unit IS NULL) = (snap_area IS NULL) AND (snap_unit IS NULL) = (snap_position IS NULL))
);
INSERT INTO attendance_new (id, uuid, kiosk_id, event_id, employee_no, guest_name, at, method, signature_id, folio,
                            snap_unit, snap_area, snap_position)
  SELECT id, uuid, kiosk_id, event_id, employee_no, guest_name, at, method, signature_id, folio,
         snap_unit, snap_area, snap_position FROM attendance;
DROP TABLE attendance;
-- Legacy rename, as 003 does: nothing else is rewritten.
PRAGMA legacy_alter_table = ON;
ALTER TABLE attendance_new RENAME TO attendance;
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX attendance_once ON attendance(event_id, employee_no, dup_key)
  WHERE employee_no IS NOT NULL;
CREATE INDEX attendance_person ON attendance(employee_no, event_id);
CREATE UNIQUE INDEX attendance_folio ON attendance(folio, dup_key);
CREATE TRIGGER attendance_no_update BEFORE UPDATE ON attendance
  BEGIN SELECT RAISE(ABORT, 'attendance records are append-only'); END;
CREATE TRIGGER attendance_no_delete BEFORE DELETE ON attendance
  BEGIN SELECT RAISE(ABORT, 'attendance records are append-only'); END;
CREATE TRIGGER attendance_uuid AFTER INSERT ON attendance BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'attendance') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;

CREATE TABLE pledge_new (
  id             INTEGER PRIMARY KEY,
  uuid           TEXT NOT NULL UNIQUE,
  kiosk_id       TEXT NOT NULL,
  employee_no    TEXT NOT NULL REFERENCES person(employee_no),
  at             INTEGER NOT NULL,
  carta_sha256   TEXT NOT NULL,
  privacy_sha256 TEXT NOT NULL,
  method         TEXT NOT NULL CHECK (method IN ('kiosk','keyed')),
  signature_id   INTEGER REFERENCES signature(id),
  folio          TEXT NOT NULL,
  snap_unit      TEXT,                                -- NULL: written before version 3
  snap_area      TEXT,
  snap_position  TEXT,
  dup_key        TEXT NOT NULL DEFAULT ''
);
INSERT INTO pledge_new (id, uuid, kiosk_id, employee_no, at, carta_sha256, privacy_sha256, method, signature_id, folio,
                        snap_unit, snap_area, snap_position)
  SELECT id, uuid, kiosk_id, employee_no, at, carta_sha256, privacy_sha256, method, signature_id, folio,
         snap_unit, snap_area, snap_position FROM pledge;
DROP TABLE pledge;
PRAGMA legacy_alter_table = ON;
ALTER TABLE pledge_new RENAME TO pledge;
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX pledge_once ON pledge(employee_no, carta_sha256, dup_key);
CREATE UNIQUE INDEX pledge_folio ON pledge(folio, dup_key);
CREATE TRIGGER pledge_no_update BEFORE UPDATE ON pledge
  BEGIN SELECT RAISE(ABORT, 'pledge records are append-only'); END;
CREATE TRIGGER pledge_no_delete BEFORE DELETE ON pledge
  BEGIN SELECT RAISE(ABORT, 'pledge records are append-only'); END;
CREATE TRIGGER pledge_uuid AFTER INSERT ON pledge BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'pledge') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;

-- A kiosk's own entries are found by kiosk (the chain head, the push)
-- without walking past the entries of other kiosks.
CREATE INDEX audit_kiosk ON audit(kiosk_id, seq);

-- 2. This kiosk against each central it syncs with (keyed by the central's
--    own id, ck.central): the high-water mark acknowledged after the
--    central committed (position and hash in this kiosk's chain, epoch),
--    the pull cursor (ck.pull's receive position, stored only in the
--    transaction that applied the rows it covers), and what the
--    coordinator sees.
CREATE TABLE sync_central (
  central    TEXT PRIMARY KEY,
  label      TEXT NOT NULL DEFAULT '',     -- host and database, never a password
  epoch      TEXT NOT NULL DEFAULT '',     -- the epoch acked_* refer to
  acked_pos  INTEGER NOT NULL DEFAULT 0,
  acked_seq  INTEGER NOT NULL DEFAULT 0,   -- audit.seq of that entry (0: none)
  acked_hash TEXT NOT NULL DEFAULT '',
  cursor     INTEGER NOT NULL DEFAULT 0,
  last_try   INTEGER NOT NULL DEFAULT 0,
  last_ok    INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  clock_skew INTEGER,                      -- this kiosk's clock minus the central's, last contact
  pushed     INTEGER NOT NULL DEFAULT 0,   -- entries acknowledged, all time
  pulled     INTEGER NOT NULL DEFAULT 0    -- entries of other kiosks received, all time
) WITHOUT ROWID;

-- 3. Chains of other kiosks held here (pulled, or imported from bundles),
--    one row per kiosk and epoch: where it starts (a restored kiosk's
--    epoch continues its parent's chain after base_pos), its head and the
--    format of its last entry (a chain's format never goes back). The
--    entries themselves are rows of audit with their kiosk, format, epoch
--    and position as their kiosk wrote them (db/002_chain.sql); their
--    signed heads go to signed_head_log (source 'sync' or 'bundle').
CREATE TABLE sync_chain (
  kiosk_id     TEXT NOT NULL,
  epoch        TEXT NOT NULL,
  parent_epoch TEXT NOT NULL DEFAULT '',
  base_pos     INTEGER NOT NULL DEFAULT 0,
  base_hash    TEXT NOT NULL,
  head_pos     INTEGER NOT NULL DEFAULT 0,
  head_hash    TEXT NOT NULL,
  head_format  INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (kiosk_id, epoch)
) WITHOUT ROWID;

-- Each entry of another kiosk: its position in its chain and the local
-- audit row that holds it verbatim. status: applied (its record or
-- version is in the tables), held (kept in the chain, not applied: the
-- central marked it a conflict, or its UUID is held here with other
-- content, or it breaks a rule of this program), pending (waits for the
-- event or person it names), kept (a unit, setting or key of that kiosk:
-- kept in its chain, applied only by that kiosk; see README, "Rules").
-- audit verify skips every entry that is not applied.
CREATE TABLE sync_entry (
  kiosk_id  TEXT NOT NULL,
  epoch     TEXT NOT NULL,
  pos       INTEGER NOT NULL,
  audit_seq INTEGER NOT NULL UNIQUE REFERENCES audit(seq),
  status    TEXT NOT NULL CHECK (status IN ('applied', 'held', 'pending', 'kept')),
  PRIMARY KEY (kiosk_id, epoch, pos)
) WITHOUT ROWID;
CREATE INDEX sync_entry_pending ON sync_entry(status) WHERE status = 'pending';

-- Signature strokes of other kiosks' records, by SHA-256 (the chain names a
-- record's signature only by its hash).
CREATE TABLE sync_signature (
  sha256       TEXT PRIMARY KEY,
  signature_id INTEGER NOT NULL REFERENCES signature(id)
) WITHOUT ROWID;

-- What a sync found and kept aside, for the coordinator: a UUID held with
-- other content, an entry the central marked as a conflict, a version
-- naming a unit or event unknown here.
CREATE TABLE sync_conflict (
  id        INTEGER PRIMARY KEY,
  audit_seq INTEGER NOT NULL REFERENCES audit(seq),
  kiosk_id  TEXT NOT NULL,
  kind      TEXT NOT NULL,
  uuid      TEXT NOT NULL,
  reason    TEXT NOT NULL,
  found_at  INTEGER NOT NULL
);

-- 4. Master data versions of other kiosks (every person and event entry
--    a sync applied), by identity: a person is its employee number across
--    kiosks, an event its UUID. The current row is the version with the
--    highest (at, kiosk_id, position) of these and this database's own
--    entries of the record (found through audit_record: nothing is indexed
--    when this kiosk writes): the central's rule (db/central/README.md), so
--    every copy picks the same winner in any arrival order. The entries of
--    one kiosk are stored here in chain order, so audit_seq orders them as
--    their positions do (kiosk/store/sync_apply.c).
CREATE TABLE sync_version (
  kind      TEXT NOT NULL CHECK (kind IN ('person', 'event')),
  ident     TEXT NOT NULL,
  at        INTEGER NOT NULL,
  kiosk_id  TEXT NOT NULL,
  audit_seq INTEGER NOT NULL UNIQUE REFERENCES audit(seq),
  PRIMARY KEY (kind, ident, at, kiosk_id, audit_seq)
) WITHOUT ROWID;
