-- cepci-kiosk central schema, version 6: every version of a person or
-- event keeps the kiosks' version rule, whoever pushes it and whether or
-- not it wins; a push that breaks it is kept aside whole.
--
-- Before: version 5 checked an event's versions only when one became the
-- current row (a trigger on ck.event), and a person's not at all. The
-- session-5 red team, with root on kiosk B (B's key and B's login),
-- pushed in B's own chain a version of kiosk A's person (A's UUID) with
-- another employee number: ck.person is keyed by employee number, so the
-- central then held the UUID under two numbers (a phantom staff member,
-- I.1 fell), `central audit verify` said all was in order, and every kiosk
-- that had the person could no longer pull ("UNIQUE constraint failed:
-- person.uuid"). An event version that loses the winner rule (an older
-- `at`) was not checked either, and every kiosk that pulled it then found
-- its own `audit verify` broken.
-- Now: an audit entry of kind person or event breaks the rule when an
-- entry of the same kind, UUID and institution held already (of any
-- kiosk, or earlier in the same push) differs from it in more than an
-- event's state (content element 13) or in a person's employee number
-- (element 2) — the rule every kiosk keeps (kiosk/store/audit.c) and
-- applies to what it pulls or imports (kiosk/store/sync_apply.c). The
-- first version the central holds is the reference. Such a push is
-- refused whole and kept aside like a rewritten chain (ck.batch status
-- quarantined, reason "version", the kiosk flagged): nothing of it is
-- applied, the kiosk's sync says so, and `central audit verify` names the
-- kiosk and position — the attempt leaves evidence. `central audit
-- verify` also reports a version that got in before this version.
-- Units, settings and trusted keys are not versioned here: the central
-- keeps their entries in the chains and applies none of them (a unit the
-- central lacks comes from a batch's unit list, and a differing one only
-- flags the kiosk), so no other table can be rewritten this way.
--
-- How: a trigger on ck.audit_entry raises CK009 with the finding; ck.ingest
-- (that of version 4, renamed ck.ingest_v4) runs in a subtransaction of
-- the new ck.ingest, which on CK009 stores the batch aside instead. The
-- trigger on ck.event of version 5 stays as a second guard.

CREATE FUNCTION ck.versions_keep_fields() RETURNS trigger
LANGUAGE plpgsql SET search_path = ck, pg_temp AS $$
DECLARE
  c   jsonb := NEW.content::jsonb;
  old ck.audit_entry;
BEGIN
  SELECT a.* INTO old FROM ck.audit_entry a
   WHERE a.uuid = NEW.uuid AND a.kind = NEW.kind AND a.institution = NEW.institution
     AND CASE NEW.kind WHEN 'person' THEN (a.content::jsonb)->>2 IS DISTINCT FROM c->>2
                       ELSE (a.content::jsonb) - 13 IS DISTINCT FROM c - 13 END
   ORDER BY a.rx LIMIT 1;
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  IF NEW.kind = 'person' THEN
    RAISE EXCEPTION 'su versión de la persona % cambia el número de empleado (% en la versión del quiosco %, % en '
                    'esta); el programa nunca lo hace, la entrada se escribió por fuera de él', NEW.uuid,
                    (old.content::jsonb)->>2, old.kiosk_id, c->>2
      USING ERRCODE = 'CK009', DETAIL = NEW.seq::text;
  END IF;
  RAISE EXCEPTION 'su versión del evento % cambia algo más que su estado (frente a la versión del quiosco %); el '
                  'programa nunca lo hace, la entrada se escribió por fuera de él', NEW.uuid, old.kiosk_id
    USING ERRCODE = 'CK009', DETAIL = NEW.seq::text;
END
$$;

CREATE TRIGGER audit_entry_versions_keep_fields BEFORE INSERT ON ck.audit_entry
  FOR EACH ROW WHEN (NEW.kind IN ('person', 'event')) EXECUTE FUNCTION ck.versions_keep_fields();

ALTER FUNCTION ck.ingest(jsonb) RENAME TO ingest_v4;

-- ck.ingest of version 4 (now ck.ingest_v4), with a push that breaks the
-- version rule kept aside: its answer is {status: "quarantined", reason:
-- "version", position, detail}, as for a rewritten chain. Every other
-- outcome, error or answer is ck.ingest_v4's.
CREATE FUNCTION ck.ingest(p_batch jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ck, pg_temp AS $$
DECLARE
  v_kiosk text := p_batch->>'kiosk';
  v_epoch text := p_batch->>'epoch';
  v_msg   text;
  v_pos   text;
  ep      ck.kiosk_epoch;
  v_skew  bigint;
BEGIN
  BEGIN
    RETURN ck.ingest_v4(p_batch);
  EXCEPTION WHEN SQLSTATE 'CK009' THEN
    GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_pos = PG_EXCEPTION_DETAIL;
  END;
  -- Nothing of the batch is left (its subtransaction was rolled back);
  -- ck.ingest_v4 got as far as storing it, so the batch is well formed.
  PERFORM 1 FROM ck.institution i JOIN ck.kiosk k ON k.institution = i.id WHERE k.id = v_kiosk FOR UPDATE OF i;
  SELECT * INTO ep FROM ck.kiosk_epoch WHERE kiosk_id = v_kiosk AND epoch = v_epoch;
  IF p_batch->>'via' IS DISTINCT FROM 'bundle' THEN
    v_skew := (p_batch->>'sent_at')::bigint - extract(epoch FROM statement_timestamp())::bigint;
  END IF;
  RETURN ck.quarantine(p_batch, sha256(convert_to(p_batch::text, 'UTF8')), v_kiosk, v_epoch, ep.epoch_no,
    coalesce(ep.head_seq, (p_batch->'epoch_base'->>'seq')::bigint, 0), 'version', v_pos::bigint,
    v_msg, v_skew,
    (SELECT min((e->>'seq')::bigint) FROM jsonb_array_elements(p_batch->'audit') e),
    (SELECT max((e->>'seq')::bigint) FROM jsonb_array_elements(p_batch->'audit') e));
END
$$;

REVOKE ALL ON FUNCTION ck.ingest_v4(jsonb), ck.ingest(jsonb), ck.versions_keep_fields() FROM PUBLIC;
REVOKE ALL ON FUNCTION ck.ingest_v4(jsonb) FROM cepci_kiosk;
GRANT EXECUTE ON FUNCTION ck.ingest(jsonb) TO cepci_kiosk;

INSERT INTO ck.schema_version (version) VALUES (6);
