//! The central register's schema: versioned, append-only steps tracked in
//! `fleet.schema_version`, applied by the database owner with `kiosk fleet setup`; and the
//! roles: one login role per kiosk (member of `kiosk_fleet_kiosk`: insert and read its own
//! requests only, by row-level security) and staff roles (members of `kiosk_fleet_staff`: read
//! every request, move it on, purge its personal data, write the audit log; never delete).

use super::FleetError;
use postgres::Client;

/// Schema steps, applied in order; never edit one that shipped, append a new one.
pub const STEPS: &[&str] = &[
    r#"
CREATE SCHEMA fleet;
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_fleet_kiosk') THEN
        CREATE ROLE kiosk_fleet_kiosk NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_fleet_staff') THEN
        CREATE ROLE kiosk_fleet_staff NOLOGIN;
    END IF;
END $$;
CREATE TABLE fleet.kiosks (
    kiosk_id text PRIMARY KEY CHECK (kiosk_id ~ '^[A-Z0-9]{2,8}$'),
    db_role  name NOT NULL UNIQUE,
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE fleet.requests (
    receipt_no          text PRIMARY KEY,
    kiosk_id            text NOT NULL REFERENCES fleet.kiosks,
    seq                 bigint NOT NULL CHECK (seq > 0),
    received_on         date NOT NULL,
    -- The kiosk's own receipt time (local): the legal receipt date is the day the resident filed.
    submitted_at        timestamp NOT NULL,
    central_received_at timestamptz NOT NULL DEFAULT now(),
    applicant_type      text NOT NULL,
    staff_assisted      boolean NOT NULL,
    hints               text NOT NULL,
    applicant_hash      bytea,
    -- Sealed by the kiosk's key (XChaCha20-Poly1305): ciphertext only.
    personal            bytea,
    key_fingerprint     text NOT NULL,
    due_on              date,
    payload_hash        text NOT NULL CHECK (payload_hash ~ '^[0-9a-f]{64}$'),
    status              text NOT NULL DEFAULT 'received',
    outcome             text,
    closed_on           date,
    purged_on           date,
    UNIQUE (kiosk_id, seq),
    CHECK (starts_with(receipt_no, kiosk_id || '-'))
);
CREATE TABLE fleet.refusals (
    id           bigserial PRIMARY KEY,
    kiosk_id     text NOT NULL REFERENCES fleet.kiosks,
    receipt_no   text NOT NULL,
    payload_hash text NOT NULL,
    central_hash text,
    reason       text NOT NULL,
    reported_at  timestamptz NOT NULL DEFAULT now(),
    settled_at   timestamptz
);
CREATE TABLE fleet.heartbeats (
    kiosk_id        text PRIMARY KEY REFERENCES fleet.kiosks,
    reported_at     timestamptz NOT NULL DEFAULT now(),
    kiosk_time      timestamp NOT NULL,
    generation      text,
    data_date       date,
    printer         text NOT NULL,
    queued_receipts integer NOT NULL,
    outbox_waiting  integer NOT NULL,
    outbox_refused  integer NOT NULL,
    version         text NOT NULL
);
-- The kiosk of the connected login role (security definer: kiosks need no other access).
CREATE FUNCTION fleet.my_kiosk_id() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = fleet, pg_temp
    AS $$ SELECT kiosk_id FROM fleet.kiosks WHERE db_role = session_user $$;
REVOKE ALL ON FUNCTION fleet.my_kiosk_id() FROM PUBLIC;
REVOKE ALL ON SCHEMA fleet FROM PUBLIC;
GRANT USAGE ON SCHEMA fleet TO kiosk_fleet_kiosk, kiosk_fleet_staff;
GRANT EXECUTE ON FUNCTION fleet.my_kiosk_id() TO kiosk_fleet_kiosk, kiosk_fleet_staff;

ALTER TABLE fleet.requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE fleet.refusals ENABLE ROW LEVEL SECURITY;
ALTER TABLE fleet.heartbeats ENABLE ROW LEVEL SECURITY;

-- A kiosk: files and reads its own requests; never changes or deletes one.
GRANT SELECT, INSERT ON fleet.requests TO kiosk_fleet_kiosk;
CREATE POLICY kiosk_reads_own ON fleet.requests FOR SELECT TO kiosk_fleet_kiosk
    USING (kiosk_id = fleet.my_kiosk_id());
CREATE POLICY kiosk_files_own ON fleet.requests FOR INSERT TO kiosk_fleet_kiosk
    WITH CHECK (kiosk_id = fleet.my_kiosk_id());
GRANT SELECT, INSERT ON fleet.refusals TO kiosk_fleet_kiosk;
GRANT USAGE ON SEQUENCE fleet.refusals_id_seq TO kiosk_fleet_kiosk;
CREATE POLICY kiosk_reports_own_refusals ON fleet.refusals TO kiosk_fleet_kiosk
    USING (kiosk_id = fleet.my_kiosk_id()) WITH CHECK (kiosk_id = fleet.my_kiosk_id());
GRANT SELECT, INSERT, UPDATE ON fleet.heartbeats TO kiosk_fleet_kiosk;
CREATE POLICY kiosk_reports_own_heartbeat ON fleet.heartbeats TO kiosk_fleet_kiosk
    USING (kiosk_id = fleet.my_kiosk_id()) WITH CHECK (kiosk_id = fleet.my_kiosk_id());

-- Staff: read everything, move requests on, purge personal data, settle refusals.
GRANT SELECT ON fleet.kiosks, fleet.heartbeats TO kiosk_fleet_staff;
GRANT SELECT, UPDATE (status, outcome, due_on, closed_on, purged_on, personal, applicant_hash)
    ON fleet.requests TO kiosk_fleet_staff;
GRANT SELECT, UPDATE (settled_at) ON fleet.refusals TO kiosk_fleet_staff;
CREATE POLICY staff_all_requests ON fleet.requests TO kiosk_fleet_staff USING (true) WITH CHECK (true);
CREATE POLICY staff_all_refusals ON fleet.refusals TO kiosk_fleet_staff USING (true) WITH CHECK (true);
CREATE POLICY staff_all_heartbeats ON fleet.heartbeats FOR SELECT TO kiosk_fleet_staff USING (true);
"#,
    r#"
-- Step 2: staff work at the centre (docs/fleet.md): the clock of each request, its pauses and
-- an audit log, so a status change there follows the rules of a kiosk's register.
ALTER TABLE fleet.requests
    ADD COLUMN clock_start  date,
    ADD COLUMN extended     boolean NOT NULL DEFAULT false,
    ADD COLUMN paused_since date,
    ADD COLUMN due_warnings text;
CREATE TABLE fleet.pauses (
    receipt_no text NOT NULL REFERENCES fleet.requests,
    from_on    date NOT NULL,
    until_on   date NOT NULL
);
CREATE INDEX pauses_by_request ON fleet.pauses (receipt_no);
CREATE TABLE fleet.audit (
    id          bigserial PRIMARY KEY,
    receipt_no  text NOT NULL REFERENCES fleet.requests,
    at          timestamp NOT NULL,
    actor       text NOT NULL,
    field       text NOT NULL,
    from_value  text,
    to_value    text NOT NULL,
    -- The program's own notes ("retention 180 days"); never personal.
    note        text NOT NULL DEFAULT '',
    -- Staff notes, sealed with the key of the kiosk that filed the request.
    note_sealed bytea
);
CREATE INDEX audit_by_request ON fleet.audit (receipt_no, id);

-- The first audit line of a delivered request: received at the kiosk (the kiosk role may not
-- write the audit log itself, hence security definer).
CREATE FUNCTION fleet.audit_delivery() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = fleet, pg_temp AS $$
BEGIN
    INSERT INTO fleet.audit (receipt_no, at, actor, field, from_value, to_value)
    VALUES (NEW.receipt_no, NEW.submitted_at,
            CASE WHEN NEW.staff_assisted THEN 'staff' ELSE 'kiosk' END,
            'status', NULL, 'received');
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION fleet.audit_delivery() FROM PUBLIC;
CREATE TRIGGER requests_audit_delivery AFTER INSERT ON fleet.requests
    FOR EACH ROW EXECUTE FUNCTION fleet.audit_delivery();
INSERT INTO fleet.audit (receipt_no, at, actor, field, from_value, to_value)
SELECT receipt_no, submitted_at, CASE WHEN staff_assisted THEN 'staff' ELSE 'kiosk' END,
       'status', NULL, 'received'
FROM fleet.requests ORDER BY kiosk_id, seq;

-- The audit log is append-only; a purge may only clear notes.
CREATE FUNCTION fleet.audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.note_sealed IS NOT NULL OR NEW.note <> ''
       OR (NEW.id, NEW.receipt_no, NEW.at, NEW.actor, NEW.field, NEW.from_value, NEW.to_value)
          IS DISTINCT FROM
          (OLD.id, OLD.receipt_no, OLD.at, OLD.actor, OLD.field, OLD.from_value, OLD.to_value)
    THEN
        RAISE EXCEPTION 'the audit log is append-only (a purge may only clear notes)';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE ON fleet.audit
    FOR EACH ROW EXECUTE FUNCTION fleet.audit_append_only();

-- Purged personal data never comes back, and sealed data is never rewritten at the centre.
CREATE FUNCTION fleet.personal_only_cleared() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.personal IS NOT NULL AND NEW.personal IS DISTINCT FROM OLD.personal)
       OR (NEW.applicant_hash IS NOT NULL AND NEW.applicant_hash IS DISTINCT FROM OLD.applicant_hash)
    THEN
        RAISE EXCEPTION 'personal data at the centre may only be purged, never changed';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER requests_personal_only_cleared BEFORE UPDATE ON fleet.requests
    FOR EACH ROW EXECUTE FUNCTION fleet.personal_only_cleared();

-- Staff move the clock, write the audit log, clear notes in a purge; kiosks get nothing here.
GRANT UPDATE (clock_start, extended, paused_since, due_warnings) ON fleet.requests
    TO kiosk_fleet_staff;
GRANT SELECT, INSERT, DELETE ON fleet.pauses TO kiosk_fleet_staff;
GRANT SELECT, INSERT, UPDATE (note, note_sealed) ON fleet.audit TO kiosk_fleet_staff;
GRANT USAGE ON SEQUENCE fleet.audit_id_seq TO kiosk_fleet_staff;
ALTER TABLE fleet.pauses ENABLE ROW LEVEL SECURITY;
ALTER TABLE fleet.audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_all_pauses ON fleet.pauses TO kiosk_fleet_staff USING (true) WITH CHECK (true);
CREATE POLICY staff_all_audit ON fleet.audit TO kiosk_fleet_staff USING (true) WITH CHECK (true);
"#,
];

/// Brings the central schema up to date (as the database owner); the version reached.
pub fn migrate(client: &mut Client) -> Result<i32, FleetError> {
    let known = STEPS.len() as i32;
    let mut tx = client.transaction()?;
    // One setup at a time (two administrators, or a test and a bench).
    tx.execute("SELECT pg_advisory_xact_lock(7412001)", &[])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS public.kiosk_fleet_schema (
            version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    )?;
    let found: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM public.kiosk_fleet_schema",
            &[],
        )?
        .get(0);
    if found > known {
        return Err(FleetError::TooNew { found, known });
    }
    for (i, step) in STEPS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(step)?;
        tx.execute(
            "INSERT INTO public.kiosk_fleet_schema (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )?;
    }
    tx.commit()?;
    Ok(known)
}

/// The login role of a kiosk: `kiosk_` and its id in lower case.
pub fn kiosk_role(kiosk_id: &str) -> String {
    format!("kiosk_{}", kiosk_id.to_ascii_lowercase())
}

fn plain_name(what: &str, s: &str) -> Result<(), FleetError> {
    let ok = (2..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(FleetError::Invalid(format!(
            "{what} `{s}` must be 2 to 40 letters, digits, `_` or `-`"
        )))
    }
}

/// Creates (or, when it exists, gives a new password to) the login role of a kiosk and records
/// the kiosk. `password` is set as the role's password (SCRAM, hashed by the server).
pub fn add_kiosk(
    client: &mut Client,
    kiosk_id: &str,
    password: &str,
) -> Result<String, FleetError> {
    let id_ok = (2..=8).contains(&kiosk_id.len())
        && kiosk_id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !id_ok {
        return Err(FleetError::Invalid(format!(
            "kiosk id `{kiosk_id}` is not 2 to 8 capital letters or digits"
        )));
    }
    plain_name("password", password)?;
    let role = kiosk_role(kiosk_id);
    let mut tx = client.transaction()?;
    create_login(&mut tx, &role, password, "kiosk_fleet_kiosk")?;
    tx.execute(
        "INSERT INTO fleet.kiosks (kiosk_id, db_role) VALUES ($1, $2)
         ON CONFLICT (kiosk_id) DO UPDATE SET db_role = EXCLUDED.db_role",
        &[&kiosk_id, &role],
    )?;
    tx.commit()?;
    Ok(role)
}

/// Creates (or gives a new password to) a staff login role.
pub fn add_staff(client: &mut Client, name: &str, password: &str) -> Result<String, FleetError> {
    plain_name("staff name", name)?;
    plain_name("password", password)?;
    let role = format!("staff_{}", name.to_ascii_lowercase().replace('-', "_"));
    let mut tx = client.transaction()?;
    create_login(&mut tx, &role, password, "kiosk_fleet_staff")?;
    tx.commit()?;
    Ok(role)
}

/// `role` and `password` are checked plain names: utility statements take no parameters.
fn create_login(
    tx: &mut postgres::Transaction<'_>,
    role: &str,
    password: &str,
    group: &str,
) -> Result<(), FleetError> {
    let exists = tx
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role])?
        .is_some();
    let verb = if exists { "ALTER" } else { "CREATE" };
    tx.batch_execute(&format!(
        "SET LOCAL password_encryption = 'scram-sha-256';
         {verb} ROLE \"{role}\" LOGIN PASSWORD '{password}';
         GRANT {group} TO \"{role}\";"
    ))?;
    Ok(())
}
