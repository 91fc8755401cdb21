//! The central register as a kiosk and staff see it: connecting with the configured role,
//! delivering outbox rows (`INSERT … ON CONFLICT (receipt_no) DO NOTHING` plus the payload
//! hash), heartbeats, and what staff read (the kiosks, the requests' payloads).

use super::heartbeat::Report;
use super::{tls, FleetError};
use crate::config::{CentralSettings, CentralTls};
use crate::requests::register::outbox::{hex, unhex};
use crate::requests::{OutboxRow, Payload};
use chrono::{NaiveDate, NaiveDateTime};
use postgres::config::SslMode;
use postgres::{Client, NoTls, Statement};
use std::time::Duration;

/// Opens a connection as the configured role (the password read from its file): over TLS
/// checked against the district CA when `fleet.ca_file` is set, refusing a centre that does not
/// pass the check before anything is sent; in clear otherwise (warned about in the log, once,
/// when the centre is on another machine).
pub fn connect(central: &CentralSettings, application: &str) -> Result<Client, FleetError> {
    let mut config: postgres::Config = central
        .url
        .parse()
        .map_err(|e| FleetError::Invalid(format!("fleet.central_url: {e}")))?;
    if let Some(path) = &central.password_file {
        let text = std::fs::read_to_string(path).map_err(|source| FleetError::Credentials {
            path: path.clone(),
            source,
        })?;
        config.password(text.trim_end_matches(['\n', '\r']));
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    config
        .application_name(application)
        .keepalives_idle(Duration::from_secs(30))
        // A centre that hangs must not hold the sender forever.
        .options("-c statement_timeout=30000");
    match &central.tls {
        CentralTls::Off { explicit } => {
            tls::warn_in_clear(&config, *explicit);
            config.ssl_mode(SslMode::Disable);
            Ok(config.connect(NoTls)?)
        }
        CentralTls::Required {
            ca_file,
            check_host,
            mode,
        } => {
            let connector = tls::connector(ca_file, *check_host)?;
            config.ssl_mode(SslMode::Require);
            config
                .connect(connector)
                .map_err(|e| tls::explain(e, &tls::hosts(&config), ca_file, mode.as_str()))
        }
    }
}

/// What the centre said to one delivered row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// New at the centre: inserted.
    Inserted,
    /// The centre already held this receipt with the same payload hash: acknowledged again,
    /// not inserted.
    Duplicate,
    /// The centre holds this receipt number (or this kiosk's sequence number) with other
    /// content: refused, kept in the outbox, raised to staff.
    Refused {
        central_hash: Option<String>,
        reason: String,
    },
}

/// One kiosk as `kiosk fleet status` shows it.
#[derive(Debug, Clone)]
pub struct KioskStatus {
    pub kiosk_id: String,
    /// Seconds since its last heartbeat; `None`: never reported.
    pub silent_for: Option<i64>,
    pub generation: Option<String>,
    pub data_date: Option<NaiveDate>,
    pub printer: Option<String>,
    pub queued_receipts: Option<i32>,
    pub outbox_waiting: Option<i32>,
    pub outbox_refused: Option<i32>,
    /// Requests the centre holds from this kiosk, and the highest sequence number among them
    /// (a difference is a gap: requests not delivered yet, or lost).
    pub requests: i64,
    pub max_seq: Option<i64>,
    /// Refusals staff have not settled.
    pub refusals: i64,
}

/// The insert and the comparison of one delivery, in one statement: the CTE's reads see the
/// table as it was before this statement, so `held` is the centre's row if there was one.
const DELIVER: &str = "
WITH ins AS (
    INSERT INTO fleet.requests (receipt_no, kiosk_id, seq, received_on, submitted_at,
        applicant_type, staff_assisted, hints, applicant_hash, personal, key_fingerprint,
        due_on, payload_hash)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
    WHERE NOT EXISTS (SELECT 1 FROM fleet.requests
                      WHERE kiosk_id = $2 AND seq = $3 AND receipt_no <> $1)
    ON CONFLICT (receipt_no) DO NOTHING
    RETURNING payload_hash)
SELECT (SELECT payload_hash FROM ins),
       (SELECT payload_hash FROM fleet.requests WHERE receipt_no = $1),
       (SELECT receipt_no FROM fleet.requests WHERE kiosk_id = $2 AND seq = $3)";

const REFUSAL: &str = "
INSERT INTO fleet.refusals (kiosk_id, receipt_no, payload_hash, central_hash, reason)
SELECT $1, $2, $3, $4, $5
WHERE NOT EXISTS (SELECT 1 FROM fleet.refusals WHERE receipt_no = $2 AND payload_hash = $3
                  AND settled_at IS NULL)";

const HEARTBEAT: &str = "
INSERT INTO fleet.heartbeats (kiosk_id, reported_at, kiosk_time, generation, data_date,
    printer, queued_receipts, outbox_waiting, outbox_refused, version)
VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (kiosk_id) DO UPDATE SET reported_at = now(), kiosk_time = EXCLUDED.kiosk_time,
    generation = EXCLUDED.generation, data_date = EXCLUDED.data_date,
    printer = EXCLUDED.printer, queued_receipts = EXCLUDED.queued_receipts,
    outbox_waiting = EXCLUDED.outbox_waiting, outbox_refused = EXCLUDED.outbox_refused,
    version = EXCLUDED.version";

/// A connection to the central register with its statements prepared.
pub struct Central {
    client: Client,
    deliver: Statement,
    refusal: Statement,
}

impl std::fmt::Debug for Central {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Central").finish_non_exhaustive()
    }
}

/// The typed values of a payload, as the centre stores them.
struct Columns {
    received_on: NaiveDate,
    submitted_at: NaiveDateTime,
    applicant_hash: Option<Vec<u8>>,
    personal: Option<Vec<u8>>,
    due_on: Option<NaiveDate>,
}

fn columns(p: &Payload) -> Result<Columns, String> {
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("{s}: {e}"));
    let bytes = |s: &Option<String>| match s {
        Some(h) => unhex(h).map(Some).ok_or_else(|| "not hex".to_string()),
        None => Ok(None),
    };
    Ok(Columns {
        received_on: date(&p.received_on)?,
        submitted_at: NaiveDateTime::parse_from_str(&p.submitted_at, "%Y-%m-%dT%H:%M:%S")
            .map_err(|e| format!("{}: {e}", p.submitted_at))?,
        applicant_hash: bytes(&p.applicant_hash)?,
        personal: bytes(&p.personal)?,
        due_on: p.due_on.as_deref().map(date).transpose()?,
    })
}

impl Central {
    /// Connects as the configured role and prepares the statements.
    pub fn open(central: &CentralSettings, application: &str) -> Result<Central, FleetError> {
        Central::with_client(connect(central, application)?)
    }

    pub fn with_client(mut client: Client) -> Result<Central, FleetError> {
        let deliver = client.prepare(DELIVER)?;
        let refusal = client.prepare(REFUSAL)?;
        Ok(Central {
            client,
            deliver,
            refusal,
        })
    }

    /// The connection, for what this type does not offer.
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Delivers rows in one central transaction; what the centre said to each, once it has
    /// committed (an error: nothing was acknowledged, send them again).
    pub fn deliver(&mut self, rows: &[OutboxRow]) -> Result<Vec<Delivered>, FleetError> {
        let mut tx = self.client.transaction()?;
        let mut answers = Vec::with_capacity(rows.len());
        for row in rows {
            let p = &row.payload;
            let answer = if p.hash() != row.payload_hash {
                Delivered::Refused {
                    central_hash: None,
                    reason: "the outbox row does not match its own hash (damaged)".into(),
                }
            } else {
                match columns(p) {
                    Err(what) => Delivered::Refused {
                        central_hash: None,
                        reason: format!("the outbox payload cannot be read: {what}"),
                    },
                    Ok(c) => {
                        let r = tx.query_one(
                            &self.deliver,
                            &[
                                &p.receipt_no,
                                &p.kiosk_id,
                                &p.seq,
                                &c.received_on,
                                &c.submitted_at,
                                &p.applicant_type,
                                &p.staff_assisted,
                                &p.hints,
                                &c.applicant_hash,
                                &c.personal,
                                &p.key_fingerprint,
                                &c.due_on,
                                &row.payload_hash,
                            ],
                        )?;
                        judge(
                            &row.payload_hash,
                            &p.receipt_no,
                            r.get(0),
                            r.get(1),
                            r.get(2),
                        )
                    }
                }
            };
            if let Delivered::Refused {
                central_hash,
                reason,
            } = &answer
            {
                tx.execute(
                    &self.refusal,
                    &[
                        &p.kiosk_id,
                        &p.receipt_no,
                        &row.payload_hash,
                        central_hash,
                        reason,
                    ],
                )?;
            }
            answers.push(answer);
        }
        tx.commit()?;
        Ok(answers)
    }

    /// Records this kiosk's state (one row per kiosk, replaced each time).
    pub fn heartbeat(&mut self, r: &Report) -> Result<(), FleetError> {
        let n = |v: u64| i32::try_from(v).unwrap_or(i32::MAX);
        self.client.execute(
            HEARTBEAT,
            &[
                &r.kiosk_id,
                &r.kiosk_time,
                &r.generation,
                &r.data_date,
                &r.printer,
                &n(r.queued_receipts),
                &n(r.outbox_waiting),
                &n(r.outbox_refused),
                &r.version,
            ],
        )?;
        Ok(())
    }

    /// Every kiosk known to the centre with its last report (staff role).
    pub fn kiosks(&mut self) -> Result<Vec<KioskStatus>, FleetError> {
        let rows = self.client.query(
            "SELECT k.kiosk_id,
                    EXTRACT(EPOCH FROM now() - h.reported_at)::bigint,
                    h.generation, h.data_date, h.printer, h.queued_receipts,
                    h.outbox_waiting, h.outbox_refused,
                    (SELECT count(*) FROM fleet.requests r WHERE r.kiosk_id = k.kiosk_id),
                    (SELECT max(seq) FROM fleet.requests r WHERE r.kiosk_id = k.kiosk_id),
                    (SELECT count(*) FROM fleet.refusals f
                      WHERE f.kiosk_id = k.kiosk_id AND f.settled_at IS NULL)
             FROM fleet.kiosks k LEFT JOIN fleet.heartbeats h USING (kiosk_id)
             ORDER BY k.kiosk_id",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| KioskStatus {
                kiosk_id: r.get(0),
                silent_for: r.get(1),
                generation: r.get(2),
                data_date: r.get(3),
                printer: r.get(4),
                queued_receipts: r.get(5),
                outbox_waiting: r.get(6),
                outbox_refused: r.get(7),
                requests: r.get(8),
                max_seq: r.get(9),
                refusals: r.get(10),
            })
            .collect())
    }

    /// The requests the connected role may read, as payloads rebuilt from the stored columns,
    /// with the stored hash: `payload.hash() == stored` proves the content arrived unchanged.
    pub fn payloads(&mut self) -> Result<Vec<(Payload, String)>, FleetError> {
        let rows = self.client.query(
            "SELECT receipt_no, kiosk_id, seq, received_on, submitted_at, applicant_type,
                    staff_assisted, hints, applicant_hash, personal, key_fingerprint, due_on,
                    payload_hash
             FROM fleet.requests ORDER BY kiosk_id, seq",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
                let payload = Payload {
                    receipt_no: r.get(0),
                    kiosk_id: r.get(1),
                    seq: r.get(2),
                    received_on: r.get::<_, NaiveDate>(3).format("%Y-%m-%d").to_string(),
                    submitted_at: r
                        .get::<_, NaiveDateTime>(4)
                        .format("%Y-%m-%dT%H:%M:%S")
                        .to_string(),
                    applicant_type: r.get(5),
                    staff_assisted: r.get(6),
                    hints: r.get(7),
                    applicant_hash: r.get::<_, Option<Vec<u8>>>(8).map(|b| hex(&b)),
                    personal: r.get::<_, Option<Vec<u8>>>(9).map(|b| hex(&b)),
                    key_fingerprint: r.get(10),
                    due_on: day(r.get(11)),
                };
                (payload, r.get(12))
            })
            .collect())
    }

    /// The central status of one of this role's requests (a kiosk sees only its own):
    /// status code, outcome code, deadline, and the sealed personal data to check the 查询码.
    pub fn status_of(&mut self, receipt_no: &str) -> Result<Option<CentralStatus>, FleetError> {
        let row = self.client.query_opt(
            "SELECT status, outcome, due_on, closed_on, personal FROM fleet.requests
             WHERE receipt_no = $1",
            &[&receipt_no],
        )?;
        Ok(row.map(|r| CentralStatus {
            status: r.get(0),
            outcome: r.get(1),
            due_on: r.get(2),
            closed_on: r.get(3),
            personal: r.get(4),
        }))
    }
}

impl Central {
    /// The receipt numbers of this role's requests (a kiosk: its own) that the centre closed
    /// before `cutoff`: their personal data may go from the kiosk's copy too.
    pub fn closed_before(&mut self, cutoff: NaiveDate) -> Result<Vec<String>, FleetError> {
        Ok(self
            .client
            .query(
                "SELECT receipt_no FROM fleet.requests WHERE status = 'closed'
                 AND closed_on < $1 ORDER BY seq",
                &[&cutoff],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }
}

/// A request's state at the centre.
#[derive(Debug, Clone)]
pub struct CentralStatus {
    pub status: String,
    pub outcome: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub personal: Option<Vec<u8>>,
}

/// What one delivery statement's three answers mean.
fn judge(
    ours: &str,
    receipt_no: &str,
    inserted: Option<String>,
    held: Option<String>,
    seq_holder: Option<String>,
) -> Delivered {
    match (inserted, held, seq_holder) {
        (Some(_), _, _) => Delivered::Inserted,
        (None, Some(h), _) if h == ours => Delivered::Duplicate,
        (None, Some(h), _) => Delivered::Refused {
            reason: format!(
                "the centre holds {receipt_no} with other content (hash {})",
                &h[..h.len().min(12)]
            ),
            central_hash: Some(h),
        },
        (None, None, Some(other)) if other != receipt_no => Delivered::Refused {
            central_hash: None,
            reason: format!(
                "this kiosk's sequence number is taken at the centre by {other} (a register \
                 restored from an old backup, or two kiosks with one id)"
            ),
        },
        _ => Delivered::Refused {
            central_hash: None,
            reason: format!(
                "{receipt_no} exists at the centre but this kiosk may not read it (another kiosk's)"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_is_judged_by_what_the_centre_held_before() {
        let r = "QH01-20261202-0001";
        assert_eq!(
            judge("a", r, Some("a".into()), None, None),
            Delivered::Inserted
        );
        assert_eq!(
            judge("a", r, None, Some("a".into()), Some(r.into())),
            Delivered::Duplicate
        );
        assert!(matches!(
            judge("a", r, None, Some("b".into()), Some(r.into())),
            Delivered::Refused { central_hash: Some(h), .. } if h == "b"
        ));
        assert!(matches!(
            judge("a", r, None, None, Some("QH01-20261201-0003".into())),
            Delivered::Refused { central_hash: None, reason } if reason.contains("sequence")
        ));
        assert!(matches!(
            judge("a", r, None, None, None),
            Delivered::Refused { reason, .. } if reason.contains("another kiosk")
        ));
    }
}
