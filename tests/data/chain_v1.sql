-- A kiosk database made by cepci-kiosk before schema 2 (audit chain format
-- 1), for tests/test_chain.sh: the upgrade must keep it verifying. Made with
-- the previous release's executable (main at 755ac37) and CEPCI_NOW=1700000000:
--   init --institution "Institución Peña Íñiguez" --unit SCLC
--   roster import (1001 José Peña Íñiguez, 1002 María José López Ruiz, 1003 Juan Pérez)
--   event add --title "Taller de ética pública" ... --no-signature; event open
--   checkin EVENT 1001; checkin EVENT 1003 --keyed; pledge 1002 --keyed
--   event close; admin set-pin (2468)
-- then `sqlite3 v1.db .dump` after "PRAGMA user_version = 1;". Its signing
-- key is chain_v1.key.b64 (base64 of the 64-byte key file); the receipt of
-- folio QDECM8W-000001 that executable printed is chain_v1.receipt.
PRAGMA user_version = 1;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta VALUES('created_at','1700000000');
INSERT INTO meta VALUES('folio_seq','3');
INSERT INTO meta VALUES('institution','Institución Peña Íñiguez');
INSERT INTO meta VALUES('kiosk_id','QDECM8W');
INSERT INTO meta VALUES('pin_failures','0');
INSERT INTO meta VALUES('pin_hash','$argon2id$v=19$m=65536,t=2,p=1$YLClGR/zJhlPq4M3t8URRQ$AR2CD7Mgl4akzt44Vq2Kf4MPzdU9Ust65TagDSwo/Zo');
INSERT INTO meta VALUES('pin_locked_until','0');
INSERT INTO meta VALUES('unit','SCLC');
CREATE TABLE kiosk_key (
  kiosk_id    TEXT PRIMARY KEY,
  public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
  institution TEXT NOT NULL DEFAULT '',
  unit_code   TEXT NOT NULL DEFAULT '',
  added_at    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO kiosk_key VALUES('QDECM8W',X'dece62b5ca7c400c0f2eb56ccf71c8a890fa6c942e85a96866523dbdb78558bd','Institución Peña Íñiguez','SCLC',1700000000);
CREATE TABLE unit (
  code     TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'America/Mexico_City'
) WITHOUT ROWID;
INSERT INTO unit VALUES('CHE','CHE','America/Mexico_City');
INSERT INTO unit VALUES('SCLC','SCLC','America/Mexico_City');
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
INSERT INTO person VALUES(1,'40090568-04af-4321-aa91-ef1c37239ad0','QDECM8W','1001','José','Peña','Íñiguez','SCLC','Ética','Analista','',1,'jose pena iniguez',1700000000);
INSERT INTO person VALUES(2,'4cc7293f-6944-43bc-9bb3-ec13abd7f8a3','QDECM8W','1002','María José','López','Ruiz','SCLC','Ética','Jefa','',1,'maria jose lopez ruiz',1700000000);
INSERT INTO person VALUES(3,'154a80a9-39e6-4816-9435-05a49ccf2c9e','QDECM8W','1003','Juan','Pérez','','CHE','Recursos','Auxiliar','',1,'juan perez',1700000000);
CREATE TABLE name_token (
  token     TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES person(id),
  PRIMARY KEY (token, person_id)
) WITHOUT ROWID;
INSERT INTO name_token VALUES('iniguez',1);
INSERT INTO name_token VALUES('jose',1);
INSERT INTO name_token VALUES('jose',2);
INSERT INTO name_token VALUES('juan',3);
INSERT INTO name_token VALUES('lopez',2);
INSERT INTO name_token VALUES('maria',2);
INSERT INTO name_token VALUES('pena',1);
INSERT INTO name_token VALUES('perez',3);
INSERT INTO name_token VALUES('ruiz',2);
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
INSERT INTO event VALUES(1,'17797f04-43f0-4de3-b9c1-88574b97a1fd','QDECM8W','Taller de ética pública','taller','SCLC','2023-11-14 10:00','','','','',0,'closed',1700000000);
CREATE TABLE event_topic (
  event_id INTEGER NOT NULL REFERENCES event(id),
  topic    TEXT NOT NULL CHECK (topic IN ('etica','integridad','conflicto-intereses',
             'igualdad-genero','violencia-genero','hsas','discriminacion',
             'codigo-conducta','otro')),
  PRIMARY KEY (event_id, topic)
) WITHOUT ROWID;
INSERT INTO event_topic VALUES(1,'etica');
INSERT INTO event_topic VALUES(1,'integridad');
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
INSERT INTO attendance VALUES(1,'00a5c396-dcb5-4387-a13f-3ce05be00ea5','QDECM8W',1,'1001',NULL,1700000000,'number',NULL,'QDECM8W-000001');
INSERT INTO attendance VALUES(2,'6e2640a6-636f-40a7-a33d-3416d540f891','QDECM8W',1,'1003',NULL,1700000000,'keyed',NULL,'QDECM8W-000002');
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
INSERT INTO pledge VALUES(1,'ca554f06-3214-49a8-8c0a-377b58f76a95','QDECM8W','1002',1700000000,'e8f7f7fe5f9055f7038a19c8f9533d360614d17d8503bba9cd522dadc003efc3','61d9884ed8c179e8f3e6396429fb01c7c6850b26fc390a598c4b68f4d5e7f89e','keyed',NULL,'QDECM8W-000003');
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
INSERT INTO audit VALUES(1,'QDECM8W',1700000000,'person','40090568-04af-4321-aa91-ef1c37239ad0','["person","40090568-04af-4321-aa91-ef1c37239ad0","1001","José","Peña","Íñiguez","SCLC","Ética","Analista","",1]','0000000000000000000000000000000000000000000000000000000000000000','359ccc594100e5e2ab3ad5aea55525697a8764e2fba32e8b96b7075c09725b2a');
INSERT INTO audit VALUES(2,'QDECM8W',1700000000,'person','4cc7293f-6944-43bc-9bb3-ec13abd7f8a3','["person","4cc7293f-6944-43bc-9bb3-ec13abd7f8a3","1002","María José","López","Ruiz","SCLC","Ética","Jefa","",1]','359ccc594100e5e2ab3ad5aea55525697a8764e2fba32e8b96b7075c09725b2a','2328cd4812c1ce9768da175d7596db21dd79f3ecd8434cbb6a677dad533ee93a');
INSERT INTO audit VALUES(3,'QDECM8W',1700000000,'person','154a80a9-39e6-4816-9435-05a49ccf2c9e','["person","154a80a9-39e6-4816-9435-05a49ccf2c9e","1003","Juan","Pérez","","CHE","Recursos","Auxiliar","",1]','2328cd4812c1ce9768da175d7596db21dd79f3ecd8434cbb6a677dad533ee93a','5a15b9be0116520c635812ab85e12f514e2920c2cd889dc536f63f83d4a57937');
INSERT INTO audit VALUES(4,'QDECM8W',1700000000,'event','17797f04-43f0-4de3-b9c1-88574b97a1fd','["event","17797f04-43f0-4de3-b9c1-88574b97a1fd","QDECM8W","Taller de ética pública","taller",["etica","integridad"],"SCLC","2023-11-14 10:00","","","","",0,"draft"]','5a15b9be0116520c635812ab85e12f514e2920c2cd889dc536f63f83d4a57937','dd1fa329504fe63ec40c9744f7860a981be5640241ab89c581a13a5995f177d0');
INSERT INTO audit VALUES(5,'QDECM8W',1700000000,'event','17797f04-43f0-4de3-b9c1-88574b97a1fd','["event","17797f04-43f0-4de3-b9c1-88574b97a1fd","QDECM8W","Taller de ética pública","taller",["etica","integridad"],"SCLC","2023-11-14 10:00","","","","",0,"open"]','dd1fa329504fe63ec40c9744f7860a981be5640241ab89c581a13a5995f177d0','21724880f17dda44c2b61132118d5140ce367609f52041cfe20a3583d8d2f39c');
INSERT INTO audit VALUES(6,'QDECM8W',1700000000,'attendance','00a5c396-dcb5-4387-a13f-3ce05be00ea5','["attendance","00a5c396-dcb5-4387-a13f-3ce05be00ea5","QDECM8W","17797f04-43f0-4de3-b9c1-88574b97a1fd","1001",null,1700000000,"number",null,"QDECM8W-000001"]','21724880f17dda44c2b61132118d5140ce367609f52041cfe20a3583d8d2f39c','c6b69c4a166807783471befccf8106844fccdeb29e502acdad6f13266401f6fb');
INSERT INTO audit VALUES(7,'QDECM8W',1700000000,'attendance','6e2640a6-636f-40a7-a33d-3416d540f891','["attendance","6e2640a6-636f-40a7-a33d-3416d540f891","QDECM8W","17797f04-43f0-4de3-b9c1-88574b97a1fd","1003",null,1700000000,"keyed",null,"QDECM8W-000002"]','c6b69c4a166807783471befccf8106844fccdeb29e502acdad6f13266401f6fb','b0dcc81561c5ba46fc3aad3086bc2962548b4532744ceab49b82357412e2e4d2');
INSERT INTO audit VALUES(8,'QDECM8W',1700000000,'pledge','ca554f06-3214-49a8-8c0a-377b58f76a95','["pledge","ca554f06-3214-49a8-8c0a-377b58f76a95","QDECM8W","1002",1700000000,"e8f7f7fe5f9055f7038a19c8f9533d360614d17d8503bba9cd522dadc003efc3","61d9884ed8c179e8f3e6396429fb01c7c6850b26fc390a598c4b68f4d5e7f89e","keyed",null,"QDECM8W-000003"]','b0dcc81561c5ba46fc3aad3086bc2962548b4532744ceab49b82357412e2e4d2','99bbc10328a5cfda76458b0725e8317f8283153f634cf91c3fb41863f2d084cd');
INSERT INTO audit VALUES(9,'QDECM8W',1700000000,'event','17797f04-43f0-4de3-b9c1-88574b97a1fd','["event","17797f04-43f0-4de3-b9c1-88574b97a1fd","QDECM8W","Taller de ética pública","taller",["etica","integridad"],"SCLC","2023-11-14 10:00","","","","",0,"closed"]','99bbc10328a5cfda76458b0725e8317f8283153f634cf91c3fb41863f2d084cd','fec4bb07b8a21cf58c880926a633826c9d9bd4be6a843657c586ecdf15f3ae7d');
CREATE INDEX person_unit ON person(unit_code, active);
CREATE INDEX event_start ON event(start_local);
CREATE UNIQUE INDEX attendance_once ON attendance(event_id, employee_no)
  WHERE employee_no IS NOT NULL;
CREATE INDEX attendance_person ON attendance(employee_no, event_id);
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
COMMIT;
