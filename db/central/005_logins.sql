-- cepci-kiosk central schema, version 5: a kiosk's chain is written only
-- from the login enrolled for that kiosk; an event's versions change only
-- its state.
--
-- Before: a kiosk enrolled without a database role (`central enroll KEYFILE`
-- with no --role) could be pushed for by any login in cepci_kiosk. The
-- central stores what a push carries and checks its hashes, but cannot
-- check the Ed25519 signature of its head (PostgreSQL has no Ed25519; the
-- program's `central audit verify` checks them with the enrolled keys), so
-- the login of one kiosk could extend another kiosk's chain with records
-- under a head signed by its own key, and the indicators counted them at
-- once (found by the session-4 red team).
-- Now: every row of a kiosk's chain (its entries, its signed heads, its
-- batches) is refused unless the session's login is the one enrolled for
-- that kiosk (ck.kiosk.db_role), or the owner of the schema (`central
-- import` of a bundle, whose signatures the program checked first). A kiosk
-- enrolled without a role pushes nothing until it is enrolled again with
-- --role (`central enroll KEYFILE --role ROLE`, which now requires it).

CREATE FUNCTION ck.only_own_login() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ck, pg_temp AS $$
BEGIN
  IF ck.is_owner(session_user) THEN
    RETURN NEW;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ck.kiosk k WHERE k.id = NEW.kiosk_id AND k.db_role = session_user) THEN
    RAISE EXCEPTION 'el quiosco % no tiene inscrito el inicio de sesión %; solo su propio inicio de sesión puede '
                    'enviar su cadena (inscríbalo con: cepci-kiosk central enroll ARCHIVO --role ROL); no se guardó nada',
                    NEW.kiosk_id, session_user
      USING ERRCODE = 'CK002';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER audit_entry_own_login BEFORE INSERT ON ck.audit_entry
  FOR EACH ROW EXECUTE FUNCTION ck.only_own_login();
CREATE TRIGGER chain_head_own_login BEFORE INSERT ON ck.chain_head
  FOR EACH ROW EXECUTE FUNCTION ck.only_own_login();
CREATE TRIGGER batch_own_login BEFORE INSERT ON ck.batch
  FOR EACH ROW EXECUTE FUNCTION ck.only_own_login();
CREATE TRIGGER kiosk_epoch_own_login BEFORE INSERT ON ck.kiosk_epoch
  FOR EACH ROW EXECUTE FUNCTION ck.only_own_login();

-- An event's versions differ only in their state (open, closed, ...): the
-- rule every kiosk keeps and `audit verify` checks. The central keeps it
-- too: a version that changes anything else (a kiosk's key holder rewriting
-- another kiosk's event, found by the session-4 red team: new topics and
-- date, at = 2100, and the indicators of that event's trainings fell to 0)
-- refuses the whole push; nothing of it is stored.
CREATE FUNCTION ck.event_versions_keep_fields() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.creator_kiosk, NEW.title, NEW.kind, NEW.topics, NEW.unit_code, NEW.start_local, NEW.end_local, NEW.place,
      NEW.instructor, NEW.pat_key, NEW.signature)
     IS DISTINCT FROM
     (OLD.creator_kiosk, OLD.title, OLD.kind, OLD.topics, OLD.unit_code, OLD.start_local, OLD.end_local, OLD.place,
      OLD.instructor, OLD.pat_key, OLD.signature) THEN
    RAISE EXCEPTION 'una versión del evento % (quiosco %) cambia algo más que su estado; el programa nunca lo hace, '
                    'la entrada se escribió por fuera de él; no se guardó nada', OLD.uuid, NEW.v_kiosk
      USING ERRCODE = 'CK004';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER event_versions_keep_fields BEFORE UPDATE ON ck.event
  FOR EACH ROW EXECUTE FUNCTION ck.event_versions_keep_fields();

INSERT INTO ck.schema_version (version) VALUES (5);
