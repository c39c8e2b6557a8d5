-- cepci-kiosk schema, version 2: audit chain format 2, epochs and positions,
-- signed chain heads, and one registry of record UUIDs (issue 12; the
-- decision is /work/briefs/chain-v2.md, the code kiosk/store/audit.c).
--
-- After this file the store appends, in the same transaction and from C
-- (kiosk/store/store.c, migrate_v2), one audit entry for each unit and each
-- audited meta key, so that units (time zones) and settings are audited
-- from the upgrade on.

-- ---- audit entries: format, epoch, position ----
-- format 1: SHA-256(prev "\n" at "\n" kind "\n" uuid "\n" content "\n"),
--           the entries written before this upgrade;
-- format 2: SHA-256(prev "\n" kiosk_id "\n" at "\n" kind "\n" uuid "\n"
--           content "\n"): the kiosk id is under the hash.
-- epoch: the UUID of the database lineage the entry was written in (meta
-- 'epoch'; a backup copy gets a fresh one). pos: the entry's position in
-- its kiosk's chain, 1, 2, 3 ... A new epoch continues the numbering of
-- its base (meta 'epoch_base' = "parent-epoch pos hash"): its first entry
-- is base pos + 1 and links to the base hash.
ALTER TABLE audit ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit ADD COLUMN epoch TEXT;
ALTER TABLE audit ADD COLUMN pos INTEGER;

-- The first epoch of this database: a random (version 4) UUID.
INSERT OR IGNORE INTO meta(key, value)
SELECT 'epoch', lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
       || '-' || substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-'
       || hex(randomblob(6)));
INSERT OR IGNORE INTO meta(key, value) VALUES ('epoch_base', '');

-- Entries written before the upgrade: the first epoch, and their order in
-- their kiosk's chain.
DROP TRIGGER audit_no_update;
UPDATE audit SET epoch = (SELECT value FROM meta WHERE key = 'epoch'), pos = w.n
  FROM (SELECT seq AS s, row_number() OVER (PARTITION BY kiosk_id ORDER BY seq) AS n FROM audit) AS w
 WHERE w.s = audit.seq;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- (No index on positions: a kiosk's head is its last entry by seq, and
-- audit verify holds every position's hash in memory.)
-- The entries of one record (its versions, for master data).
CREATE INDEX audit_record ON audit(kind, record_uuid);

-- ---- signed chain heads ----
-- Ed25519 signatures by a kiosk's key of the message
--   "CKH1\n" kiosk_id "\n" epoch "\n" pos "\n" hash "\n" signed_at "\n"
-- made by this kiosk (at every export, backup, sync, `audit head`, when its
-- key was made) or received (sync, `audit verify --head`), kept for good;
-- source says which.
CREATE TABLE signed_head_log (
  id        INTEGER PRIMARY KEY,
  kiosk_id  TEXT NOT NULL,
  epoch     TEXT NOT NULL,
  pos       INTEGER NOT NULL CHECK (pos >= 0),
  hash      TEXT NOT NULL,
  signed_at INTEGER NOT NULL,
  signature BLOB NOT NULL CHECK (length(signature) = 64),
  source    TEXT NOT NULL
);
CREATE INDEX signed_head_pos ON signed_head_log(kiosk_id, pos);
CREATE TRIGGER signed_head_no_update BEFORE UPDATE ON signed_head_log
  BEGIN SELECT RAISE(ABORT, 'signed heads are append-only'); END;
CREATE TRIGGER signed_head_no_delete BEFORE DELETE ON signed_head_log
  BEGIN SELECT RAISE(ABORT, 'signed heads are append-only'); END;
-- The head each kiosk signed at its last write (every transaction that
-- appends entries signs the new head): one row per kiosk, replaced at each
-- write, so a record costs one more page, not one more row.
CREATE TABLE head_sig (
  kiosk_id  TEXT PRIMARY KEY,
  epoch     TEXT NOT NULL,
  pos       INTEGER NOT NULL CHECK (pos >= 0),
  hash      TEXT NOT NULL,
  signed_at INTEGER NOT NULL,
  signature BLOB NOT NULL CHECK (length(signature) = 64)
) WITHOUT ROWID;
-- Every signed head the database holds, as the program reads them.
CREATE VIEW signed_head AS
  SELECT id, kiosk_id, epoch, pos, hash, signed_at, signature, source FROM signed_head_log
  UNION ALL
  SELECT 9223372036854775807, kiosk_id, epoch, pos, hash, signed_at, signature, 'write' FROM head_sig;

-- ---- one registry of record UUIDs ----
-- A UUID names one record of one kind (attendance, pledge, person, event),
-- whatever the table: a row inserted by hand with the UUID of a record of
-- another kind fails here. (Signature strokes are not records of the
-- chain: an entry names them by their SHA-256.)
CREATE TABLE record_uuid (
  uuid TEXT PRIMARY KEY,
  kind TEXT NOT NULL
) WITHOUT ROWID;
-- OR IGNORE: a database tampered with before the upgrade still upgrades
-- (audit verify then reports the clash).
INSERT OR IGNORE INTO record_uuid(uuid, kind) SELECT uuid, 'attendance' FROM attendance;
INSERT OR IGNORE INTO record_uuid(uuid, kind) SELECT uuid, 'pledge' FROM pledge;
INSERT OR IGNORE INTO record_uuid(uuid, kind) SELECT uuid, 'person' FROM person;
INSERT OR IGNORE INTO record_uuid(uuid, kind) SELECT uuid, 'event' FROM event;
CREATE TRIGGER record_uuid_no_update BEFORE UPDATE ON record_uuid
  BEGIN SELECT RAISE(ABORT, 'record UUIDs are append-only'); END;
CREATE TRIGGER record_uuid_no_delete BEFORE DELETE ON record_uuid
  BEGIN SELECT RAISE(ABORT, 'record UUIDs are append-only'); END;

-- Records and events register their UUIDs by trigger (one B-tree insert),
-- so a row put in by hand with a UUID already used fails; the same UUID
-- again in the same table (a table rebuilt by a later migration) is not a
-- clash. People are registered by the store itself (kiosk/store/people.c:
-- a trigger would cost a roster import of 100,000 people a second); a
-- person put in by hand is reported by audit verify.
CREATE TRIGGER attendance_uuid AFTER INSERT ON attendance BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'attendance') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;
CREATE TRIGGER pledge_uuid AFTER INSERT ON pledge BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'pledge') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;
CREATE TRIGGER event_uuid AFTER INSERT ON event BEGIN
  INSERT INTO record_uuid(uuid, kind) VALUES (NEW.uuid, 'event') ON CONFLICT(uuid) DO UPDATE
    SET kind = RAISE(ABORT, 'UUID already used by a record of another kind') WHERE kind <> excluded.kind;
END;
-- People and events change in place, but never their UUID.
CREATE TRIGGER person_uuid_fixed BEFORE UPDATE OF uuid ON person WHEN NEW.uuid IS NOT OLD.uuid
  BEGIN SELECT RAISE(ABORT, 'a record keeps its UUID'); END;
CREATE TRIGGER event_uuid_fixed BEFORE UPDATE OF uuid ON event WHEN NEW.uuid IS NOT OLD.uuid
  BEGIN SELECT RAISE(ABORT, 'a record keeps its UUID'); END;
