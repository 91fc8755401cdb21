//! Disclosure requests as the kiosk handles them: one [`RequestDesk`] opened once from the
//! settings (the store, its key, the holiday calendar, the printers and the letterhead) that
//! the screen's request worker, the staff area and `kiosk requests …` all call. It files,
//! prints, looks up, lists, shows, moves on, exports, purges and recomputes; it returns typed
//! values and prints nothing: the command line and the screen only render them.

use crate::config::Settings;
use crate::fleet::CentralStore;
use crate::print::backend::{print_receipt, PrintError, Printers};
use crate::print::Letterhead;
use crate::requests::crypto::{KeyError, KeyRing, Keys};
use crate::requests::deadlines::CalendarError;
use crate::requests::export::{self, ExportError};
use crate::requests::report::{year_counts, YearCounts};
use crate::requests::{
    AuditEntry, Calendar, Due, Listing, Outcome, RawForm, Receipt, Register, RegisterError,
    Request, RequestStore, Status, StatusChange, Stored,
};
use chrono::{NaiveDate, NaiveDateTime};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Print(#[from] PrintError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a request form: {message}")]
    Form { path: String, message: String },
    #[error("the form has errors:\n{0}")]
    Invalid(String),
    #[error("unknown {what} `{value}`; use one of: {choices}")]
    Choice {
        what: &'static str,
        value: String,
        choices: String,
    },
    #[error("output: {0}")]
    Output(#[from] std::io::Error),
    #[error(
        "this kiosk delivers its requests to the central register (`fleet.central_url`): staff \
         change statuses and deadlines there, on a staff workstation (`fleet.staff = true`, \
         docs/fleet.md); a change in this kiosk's copy would never reach the centre"
    )]
    AtTheCentre,
}

impl DeskError {
    /// True when the register refuses to take requests until staff act (a lost or wrong key
    /// file, a damaged register file): the kiosk says 暂停受理 rather than "try again".
    pub fn suspends_filing(&self) -> bool {
        match self {
            DeskError::Register(e) => e.suspends_filing(),
            DeskError::Key(KeyError::Length { .. }) => true,
            _ => false,
        }
    }

    /// What the staff screen says instead of the technical error (which the caller logs
    /// once): polite Chinese with the next step.
    pub fn staff_message(&self) -> &'static str {
        match self {
            DeskError::AtTheCentre => {
                "本终端的申请已送区级登记簿，办理状态须在区级登记簿变更（使用工作人员账户的电脑）。本机记录仅供查看。"
            }
            DeskError::Register(RegisterError::Central {
                unreachable: true, ..
            }) => {
                "暂时无法连接区级登记簿，申请无法查看和办理。请检查网络连接后点「刷新状态」重试；如仍不行，请联系系统管理员（详情已记入系统日志）。"
            }
            DeskError::Register(RegisterError::Central { .. }) => {
                "区级登记簿未能完成此项操作。请联系系统管理员核对工作人员账户的权限（详情已记入系统日志）。"
            }
            DeskError::Key(KeyError::NotInRing(_) | KeyError::Folder { .. })
            | DeskError::Register(RegisterError::Key(
                KeyError::NotInRing(_) | KeyError::Folder { .. },
            )) => {
                "缺少受理该申请的终端的密钥文件，无法读取个人信息。请系统管理员将全区各终端的密钥文件复制到配置项 key_dir 所指的文件夹。"
            }
            e if e.suspends_filing() => {
                "申请登记簿或其密钥文件有问题，终端已暂停受理申请。请按使用说明从备份恢复登记簿和密钥文件，或联系系统管理员。"
            }
            DeskError::Key(_) | DeskError::Calendar(_) | DeskError::Read { .. } => {
                "无法打开申请登记簿（密钥文件、节假日文件或字体文件无法读取）。请检查配置和存储，或联系系统管理员。"
            }
            DeskError::Register(RegisterError::NotFound(_)) => {
                "未找到该申请，可能已被删除或编号有误。请刷新列表后再试。"
            }
            DeskError::Register(
                RegisterError::Transition { .. }
                | RegisterError::Rule(_)
                | RegisterError::StatusDate { .. },
            ) => "该申请当前不能这样办理。请刷新后核对办理状态和日期，再重新选择。",
            DeskError::Print(_) => {
                "打印机未能打印。请检查打印机电源、纸张和连接后再试，申请仍标记为待打印。"
            }
            _ => "操作未能完成。请稍后再试；如仍不行，请联系系统管理员（详情已记入系统日志）。",
        }
    }
}

/// The answer deadline as staff read it: the date, 暂停计算 while the clock stands still
/// (补正, consultation), or `-` once answered or closed. The one text of the command line
/// and the staff screen.
pub fn due_text(s: &Stored) -> String {
    match &s.due {
        Some(d) => d.date.to_string(),
        None if matches!(s.status, Status::Correcting | Status::Consulting) => "暂停计算".into(),
        None => "-".into(),
    }
}

/// The first `chars` characters of what a request asks for, or the note that its personal
/// data was purged. The one text of the command line and the staff screen.
pub fn description_text(s: &Stored, chars: usize) -> String {
    s.request
        .as_ref()
        .map(|r| r.info.description.chars().take(chars).collect())
        .unwrap_or_else(|| PURGED.into())
}

/// What a list shows in place of a purged request's description.
pub const PURGED: &str = "（个人信息已删除）";

/// The warning line for rows that could not be read, if any.
pub fn damaged_warning(damaged: &[String]) -> Option<String> {
    (!damaged.is_empty()).then(|| {
        format!(
            "警告：有{}条记录无法读取：{}（已跳过，其余记录照常列出；请检查密钥文件和登记簿备份）",
            damaged.len(),
            damaged.join("、")
        )
    })
}

/// Opens the register named in the settings, with its key file and holiday calendar (see
/// [`Register::open_files`]: a register with requests is never given a new key).
pub fn open_register(settings: &Settings) -> Result<Register, DeskError> {
    let r = &settings.requests;
    let calendar = Calendar::load_dir(&r.holidays)?;
    Ok(Register::open_files(
        &r.register,
        &r.key_file,
        calendar,
        &r.kiosk_id,
    )?)
}

pub fn letterhead(settings: &Settings) -> Letterhead {
    Letterhead {
        agency: settings.requests.agency.clone(),
        hall: settings.hall_name.clone(),
        phone: settings.requests.agency_phone.clone(),
    }
}

/// The printers, with the kiosk's font (or the bundled subset) for PDFs.
pub fn printers(settings: &Settings) -> Result<Printers, DeskError> {
    let font_path = settings.font.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/NotoSansSC-kiosk-subset.otf")
    });
    let font = std::fs::read(&font_path).map_err(|source| DeskError::Read {
        path: font_path.display().to_string(),
        source,
    })?;
    Ok(Printers {
        cups_queue: settings.requests.cups_queue.clone(),
        escpos: settings.requests.escpos.clone(),
        font,
    })
}

/// Reads and validates a JSON form.
pub fn read_form(path: &Path, today: NaiveDate) -> Result<Request, DeskError> {
    let text = std::fs::read_to_string(path).map_err(|source| DeskError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let raw: RawForm = serde_json::from_str(&text).map_err(|e| DeskError::Form {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    raw.validate(today).map_err(|errors| {
        DeskError::Invalid(
            errors
                .iter()
                .map(|e| format!("  {e}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

/// A status by its code (`received`) or its label (`已受理`).
pub fn parse_status(s: &str) -> Result<Status, DeskError> {
    Status::ALL
        .into_iter()
        .find(|st| st.code() == s || st.label() == s)
        .ok_or_else(|| DeskError::Choice {
            what: "status",
            value: s.to_string(),
            choices: Status::ALL.map(|s| s.code()).join(", "),
        })
}

/// An outcome by its code of the yearly report (`1`, `3.1`, …).
pub fn parse_outcome(code: &str) -> Result<Outcome, DeskError> {
    Outcome::from_code(code).ok_or_else(|| DeskError::Choice {
        what: "outcome code",
        value: code.to_string(),
        choices: Outcome::TABLE
            .map(|r| format!("{} {}", r.1, r.2))
            .join("; "),
    })
}

/// A request filed, and what became of its receipt when printing was asked for.
#[derive(Debug)]
pub struct Filed {
    pub receipt: Receipt,
    /// `None` when not printed on purpose; the print job (`None` for ESC/POS) or why not.
    pub printed: Option<Result<Option<String>, DeskError>>,
}

/// One request with its audit log, for `kiosk requests show` and the staff screen.
#[derive(Debug)]
pub struct Detail {
    pub stored: Stored,
    pub audit: Vec<AuditEntry>,
}

/// A deadline computed again: what it was and what it is now (`None` while it stands still).
#[derive(Debug)]
pub struct Recomputed {
    pub old: Option<NaiveDate>,
    pub new: Option<Due>,
}

/// The register written to a file.
#[derive(Debug)]
pub struct Exported {
    pub count: usize,
    pub damaged: Vec<String>,
}

/// One 待打印 receipt tried again.
#[derive(Debug)]
pub struct Reprint {
    pub receipt_no: String,
    pub result: Result<Option<String>, PrintError>,
}

/// The font could not be read when the desk was opened (kept to report at print time).
#[derive(Debug, Clone)]
struct FontUnread {
    path: String,
    kind: std::io::ErrorKind,
    message: String,
}

impl FontUnread {
    fn error(&self) -> DeskError {
        DeskError::Read {
            path: self.path.clone(),
            source: std::io::Error::new(self.kind, self.message.clone()),
        }
    }
}

/// Which register a desk works on, as staff see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A kiosk on its own: its register is the register.
    Alone,
    /// A kiosk of a district: its own copy, where staff read but decide nothing (statuses are
    /// changed at the centre, and a change here would never reach it).
    KioskOfDistrict,
    /// A staff workstation (`fleet.staff = true`): the district's central register.
    Centre,
}

/// Where staff of the machine of `settings` work (see [`RequestDesk::open_staff`]).
pub fn place_of(settings: &Settings) -> Place {
    match (&settings.fleet.staff, &settings.fleet.central) {
        (Some(_), Some(_)) => Place::Centre,
        (_, Some(_)) => Place::KioskOfDistrict,
        _ => Place::Alone,
    }
}

/// Everything the kiosk needs to handle requests, opened once.
pub struct RequestDesk {
    store: Box<dyn RequestStore>,
    place: Place,
    key_file: PathBuf,
    register_path: PathBuf,
    head: Letterhead,
    /// Set up on the first print (reading the font takes time a filing without print does
    /// not spend); kept, as is a font that could not be read.
    printers: Option<Result<Printers, FontUnread>>,
    settings: Settings,
    retention_days: u32,
}

impl std::fmt::Debug for RequestDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestDesk")
            .field("register", &self.register_path)
            .finish_non_exhaustive()
    }
}

impl RequestDesk {
    /// Opens the SQLite register of the settings with its key and holiday calendar, reads the
    /// font for the printers. A font that cannot be read fails only printing, later.
    pub fn open(settings: &Settings) -> Result<RequestDesk, DeskError> {
        let register = open_register(settings)?;
        Ok(RequestDesk::with_store(Box::new(register), settings))
    }

    /// The desk staff work at: on a staff workstation (`fleet.staff = true`) the central
    /// register, opened with the district's key files; on a kiosk of a district its own copy,
    /// for reading; on a kiosk alone its register. Filing and printing always use
    /// [`RequestDesk::open`].
    pub fn open_staff(settings: &Settings) -> Result<RequestDesk, DeskError> {
        let fleet = &settings.fleet;
        match (place_of(settings), &fleet.staff, &fleet.central) {
            (Place::Centre, Some(staff), Some(central)) => {
                let calendar = Calendar::load_dir(&settings.requests.holidays)?;
                let keys = KeyRing::load_dir(&staff.key_dir)?;
                if keys.is_empty() {
                    return Err(DeskError::Key(KeyError::Folder {
                        path: staff.key_dir.clone(),
                        source: std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            "it holds no key file: copy there the register key file of every \
                             kiosk of the district",
                        ),
                    }));
                }
                let store = CentralStore::open(central, keys, calendar, "kiosk-staff")?;
                let mut desk = RequestDesk::with_store(Box::new(store), settings);
                desk.place = Place::Centre;
                Ok(desk)
            }
            (Place::KioskOfDistrict, ..) => {
                let mut desk = RequestDesk::open(settings)?;
                desk.place = Place::KioskOfDistrict;
                Ok(desk)
            }
            _ => RequestDesk::open(settings),
        }
    }

    /// Which register this desk works on.
    pub fn place(&self) -> Place {
        self.place
    }

    /// Staff decisions are made at the centre, not in a district kiosk's copy.
    fn decides(&self) -> Result<(), DeskError> {
        match self.place {
            Place::KioskOfDistrict => Err(DeskError::AtTheCentre),
            Place::Alone | Place::Centre => Ok(()),
        }
    }

    /// A desk over any store (another register kind, a test double). The key file of the
    /// settings is checked before every filing, whatever the store.
    pub fn with_store(store: Box<dyn RequestStore>, settings: &Settings) -> RequestDesk {
        RequestDesk {
            store,
            place: Place::Alone,
            key_file: settings.requests.key_file.clone(),
            register_path: settings.requests.register.clone(),
            head: letterhead(settings),
            printers: None,
            settings: settings.clone(),
            retention_days: settings.requests.retention_days,
        }
    }

    /// Reads the font for the printers once.
    fn set_up_printers(&mut self) {
        if self.printers.is_none() {
            self.printers = Some(printers(&self.settings).map_err(|e| match e {
                DeskError::Read { path, source } => FontUnread {
                    path,
                    kind: source.kind(),
                    message: source.to_string(),
                },
                other => FontUnread {
                    path: String::new(),
                    kind: std::io::ErrorKind::Other,
                    message: other.to_string(),
                },
            }));
        }
    }

    /// Sets up the printers, or says why the font could not be read.
    fn ready_printers(&mut self) -> Result<(), DeskError> {
        self.set_up_printers();
        match &self.printers {
            Some(Err(f)) => Err(f.error()),
            _ => Ok(()),
        }
    }

    /// The store, for reading what the desk does not offer.
    pub fn store(&self) -> &dyn RequestStore {
        self.store.as_ref()
    }

    pub fn letterhead(&self) -> &Letterhead {
        &self.head
    }

    pub fn retention_days(&self) -> u32 {
        self.retention_days
    }

    /// The printers, or why the font could not be read.
    pub fn printers(&mut self) -> Result<&Printers, DeskError> {
        self.ready_printers()?;
        match &self.printers {
            Some(Ok(p)) => Ok(p),
            _ => Err(DeskError::Output(std::io::Error::other(
                "printers not set up",
            ))),
        }
    }

    /// The key file must still be there and still be the register's key: the register is
    /// open with the key in memory, but a request sealed while the file is lost or replaced
    /// could not be read after the next start. Same errors as opening (暂停受理).
    pub fn check_key_file(&self) -> Result<(), DeskError> {
        let expected = self.store.key_fingerprint();
        match Keys::load(&self.key_file)? {
            Some(k) if k.fingerprint() == expected => Ok(()),
            Some(k) => Err(RegisterError::KeyMismatch {
                expected: expected.to_string(),
                found: k.fingerprint().to_string(),
            }
            .into()),
            None => Err(RegisterError::KeyMissing {
                key_file: self.key_file.clone(),
                register: self.register_path.clone(),
                holds: "is in use".into(),
                expected: expected.to_string(),
            }
            .into()),
        }
    }

    /// Files a request (after checking the key file); with `print`, prints its receipt. A
    /// printer failure leaves the request 待打印 and is returned in [`Filed::printed`], not as
    /// a failure: the request is registered.
    pub fn file(
        &mut self,
        request: &Request,
        print: bool,
        now: NaiveDateTime,
    ) -> Result<Filed, DeskError> {
        if !self.store.takes_filings() {
            return Err(RegisterError::Rule(
                "this register takes no filings: file the request at a kiosk",
            )
            .into());
        }
        self.check_key_file()?;
        let receipt = self.store.submit(request, now)?;
        let printed = print.then(|| self.print_receipt(&receipt.receipt_no, now));
        if let Some(Err(e)) = &printed {
            tracing::warn!(receipt_no = %receipt.receipt_no, error = %e, "receipt not printed");
        }
        Ok(Filed { receipt, printed })
    }

    /// Prints the applicant's copy of a registered request and clears its 待打印 flag.
    pub fn print_receipt(
        &mut self,
        receipt_no: &str,
        now: NaiveDateTime,
    ) -> Result<Option<String>, DeskError> {
        self.ready_printers()?;
        let Some(Ok(printers)) = &self.printers else {
            return Err(DeskError::Output(std::io::Error::other(
                "printers not set up",
            )));
        };
        Ok(print_receipt(
            self.store.as_mut(),
            receipt_no,
            &self.head,
            printers,
            now,
        )?)
    }

    /// The request of a 受理编号 and its 查询码, as a visitor looks it up.
    pub fn lookup(&self, receipt_no: &str, query_code: &str) -> Result<Option<Stored>, DeskError> {
        Ok(self.store.lookup(receipt_no, query_code)?)
    }

    pub fn list(&self, status: Option<Status>) -> Result<Listing, DeskError> {
        Ok(self.store.list(status)?)
    }

    pub fn show(&self, receipt_no: &str) -> Result<Detail, DeskError> {
        let stored = self.store.get(receipt_no)?;
        let audit = self.store.audit(receipt_no)?;
        Ok(Detail { stored, audit })
    }

    /// Moves a request on (see [`Register::set_status`] for the rules); the request after.
    pub fn set_status(
        &mut self,
        receipt_no: &str,
        change: &StatusChange,
        now: NaiveDateTime,
    ) -> Result<Stored, DeskError> {
        self.decides()?;
        self.store.set_status(receipt_no, change, now)?;
        Ok(self.store.get(receipt_no)?)
    }

    /// Writes the whole register to a `csv` or `xlsx` file (ID numbers masked).
    pub fn export(&self, format: &str, path: &Path) -> Result<Exported, DeskError> {
        let listing = self.store.list(None)?;
        match format {
            "csv" => export::write_csv(&listing.rows, path)?,
            "xlsx" => export::write_xlsx(&listing.rows, path)?,
            other => {
                return Err(DeskError::Choice {
                    what: "format",
                    value: other.to_string(),
                    choices: "xlsx, csv".into(),
                })
            }
        }
        Ok(Exported {
            count: listing.rows.len(),
            damaged: listing.damaged,
        })
    }

    /// The counts of the yearly report for the requests received in `year`, from this desk's
    /// register (the central one on a staff workstation); and the rows that could not be read.
    pub fn report(&self, year: i32) -> Result<(YearCounts, Vec<String>), DeskError> {
        let listing = self.store.list(None)?;
        Ok((year_counts(&listing.rows, year), listing.damaged))
    }

    /// Removes personal data of requests closed longer than the retention period.
    pub fn purge(
        &mut self,
        today: NaiveDate,
        actor: &str,
        now: NaiveDateTime,
    ) -> Result<Vec<String>, DeskError> {
        let days = self.retention_days;
        // A kiosk of a district closes nothing itself: what the centre closed long enough ago
        // goes from its copy too. Asked first: when the centre cannot be reached, nothing is
        // purged and the purge is run again later.
        let closed_at_centre = match (self.place, &self.settings.fleet.central) {
            (Place::KioskOfDistrict, Some(central)) => {
                let cutoff = crate::requests::rules::purge_cutoff(today, days);
                let app = format!("kiosk-{}-purge", self.settings.requests.kiosk_id);
                Some(
                    crate::fleet::Central::open(central, &app)
                        .and_then(|mut c| c.closed_before(cutoff))
                        .map_err(|e| RegisterError::Central {
                            unreachable: e.is_unreachable()
                                || matches!(&e, crate::fleet::FleetError::Pg(p) if p.as_db_error().is_none()),
                            message: format!(
                                "{e}; nothing was purged (the centre says which requests are closed): run the purge again when the centre can be reached"
                            ),
                        })?,
                )
            }
            _ => None,
        };
        let mut purged = self.store.purge(today, days, now, actor)?;
        if let Some(closed) = closed_at_centre {
            purged.extend(
                self.store
                    .purge_closed_at_centre(&closed, today, days, now, actor)?,
            );
        }
        Ok(purged)
    }

    /// Computes one deadline again with the current holiday files (an explicit staff action:
    /// stored deadlines never move by themselves).
    pub fn recompute_due(
        &mut self,
        receipt_no: &str,
        actor: &str,
        now: NaiveDateTime,
    ) -> Result<Recomputed, DeskError> {
        self.decides()?;
        let (old, new) = self.store.recompute_due(receipt_no, now, actor)?;
        Ok(Recomputed { old, new })
    }

    /// Tries every 待打印 receipt again, oldest first. Fails at once only when the printers
    /// cannot be set up (the font) or the register cannot be read.
    pub fn print_pending(&mut self, now: NaiveDateTime) -> Result<Vec<Reprint>, DeskError> {
        self.ready_printers()?;
        let Some(Ok(printers)) = &self.printers else {
            return Err(DeskError::Output(std::io::Error::other(
                "printers not set up",
            )));
        };
        let pending = self.store.print_pending()?;
        Ok(pending
            .into_iter()
            .map(|receipt_no| {
                let result =
                    print_receipt(self.store.as_mut(), &receipt_no, &self.head, printers, now);
                Reprint { receipt_no, result }
            })
            .collect())
    }
}

#[cfg(test)]
#[path = "requests_tests.rs"]
mod tests;
