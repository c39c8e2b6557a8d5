-- cepci-kiosk schema 6: what a sync keeps aside is covered by this
-- kiosk's own chain.
--
-- The statuses of other kiosks' entries (sync_entry: held, pending) are
-- this kiosk's decisions, in no other kiosk's chain; audit verify skips
-- what they mark, so a hand-edited status hid another kiosk's record (the
-- session-6 red team). Each sync or bundle import that changes the held
-- and pending ones now appends an entry of kind sync (key "sync") whose
-- content counts and hashes them (kiosk/store/audit.c, CANON_SYNC); this
-- index keeps that cheap however many entries the sync holds.
CREATE INDEX sync_entry_aside ON sync_entry(kiosk_id, epoch, pos, status) WHERE status IN ('held', 'pending');

-- Chains of other kiosks a pull stopped taking: a head of (kiosk, epoch)
-- came with a bad signature (entries pushed with a kiosk's PostgreSQL
-- login but not its key: the central cannot check Ed25519). Its entries
-- after after_pos (the last position a good head of that chain covers)
-- are not taken, and the pull goes on with everything else (the
-- session-6 red team stopped every other kiosk's pulls for good with one
-- such push). Covered by the entry of kind sync too.
CREATE TABLE sync_refused (
  kiosk_id  TEXT NOT NULL,
  epoch     TEXT NOT NULL,
  after_pos INTEGER NOT NULL,
  pos       INTEGER NOT NULL,     -- the head with the bad signature
  found_at  INTEGER NOT NULL,
  PRIMARY KEY (kiosk_id, epoch)
) WITHOUT ROWID;

-- A database that already holds other kiosks' entries has no such entry
-- yet, and the migration cannot write one (it runs before the key is
-- loaded): its next sync or bundle import does, and until then audit
-- verify does not ask for it. (An unaudited mark: once the entry exists
-- it no longer matters, and the store removes it.)
INSERT OR REPLACE INTO meta(key, value) SELECT 'sync_cover_pending', '1' WHERE EXISTS (SELECT 1 FROM sync_entry);
