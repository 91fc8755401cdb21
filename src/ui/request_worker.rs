//! The background thread behind the request form: owns the request desk (the register, its
//! key, the holiday calendar and the printers, opened once), files and prints requests and
//! answers status lookups, so the UI thread never touches SQLite or a printer. Technical
//! errors are logged here once; the form gets polite Chinese sentences.

use super::request_form::{Action, Filed, RequestFormState, Stage};
use crate::config::Settings;
use crate::desk::requests::{DeskError, RequestDesk};
use std::sync::mpsc::{channel, Receiver, Sender};

/// What the worker tells the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Filed(Filed),
    FileFailed(String),
    Lookup(String),
}

/// The visit a command was sent from (the app's visit number); its reply
/// carries it back so the UI drops replies of a visit that has been wiped.
pub type VisitNo = u64;

/// The UI side of the worker.
pub struct RequestWorker {
    pub commands: Sender<(VisitNo, Action)>,
    pub replies: Receiver<(VisitNo, Reply)>,
}

const CANNOT_FILE: &str =
    "系统暂时无法受理申请，您填写的内容仍保留在屏幕上。请稍后再试，或联系现场工作人员办理。";
/// The register refuses requests until staff act (lost or wrong key, damaged file).
const SUSPENDED: &str = "暂停受理，请到窗口办理。您填写的内容仍保留在屏幕上，可请工作人员协助。";
const NOT_FOUND: &str = "未查到该申请，请核对受理编号和查询码后重新输入。";

const CANNOT_LOOK_UP: &str = "系统暂时无法查询，请稍后再试或联系现场工作人员。";

/// Starts the worker; `wake` is called after every reply (the UI's repaint request).
pub fn spawn(
    settings: Settings,
    wake: impl Fn() + Send + 'static,
) -> std::io::Result<RequestWorker> {
    let (cmd_tx, cmd_rx) = channel::<(VisitNo, Action)>();
    let (reply_tx, reply_rx) = channel::<(VisitNo, Reply)>();
    std::thread::Builder::new()
        .name("request-worker".into())
        .spawn(move || {
            let mut desk = Desk {
                settings,
                open: None,
            };
            for (visit, action) in cmd_rx {
                if let Some(reply) = desk.handle(action) {
                    if reply_tx.send((visit, reply)).is_err() {
                        return;
                    }
                    wake();
                }
            }
        })?;
    Ok(RequestWorker {
        commands: cmd_tx,
        replies: reply_rx,
    })
}

/// The desk, opened on the first action and kept; opened again only after it failed (a lost
/// key file or a damaged register that staff have since restored).
struct Desk {
    settings: Settings,
    open: Option<RequestDesk>,
}

impl Desk {
    fn get(&mut self) -> Result<&mut RequestDesk, DeskError> {
        if self.open.is_none() {
            self.open = Some(RequestDesk::open(&self.settings)?);
        }
        Ok(self.open.as_mut().expect("opened above"))
    }

    fn handle(&mut self, action: Action) -> Option<Reply> {
        let now = chrono::Local::now().naive_local();
        let central = self.settings.fleet.central.clone();
        let app = format!("kiosk-{}-lookup", self.settings.requests.kiosk_id);
        let desk = match self.get() {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "request register unavailable");
                return Some(match action {
                    Action::Submit(_) if e.suspends_filing() => Reply::FileFailed(SUSPENDED.into()),
                    Action::Submit(_) => Reply::FileFailed(CANNOT_FILE.into()),
                    _ => Reply::Lookup(CANNOT_LOOK_UP.into()),
                });
            }
        };
        match action {
            Action::Submit(request) => Some(match desk.file(&request, true, now) {
                Ok(filed) => Reply::Filed(Filed {
                    print_note: filed
                        .printed
                        .and_then(Result::err)
                        .map(|_| crate::print::backend::PRINT_FAILED_MESSAGE.to_string()),
                    receipt_no: filed.receipt.receipt_no,
                    query_code: filed.receipt.query_code,
                    received_on: filed.receipt.received_on,
                    due: filed.receipt.due.date,
                }),
                Err(e) => {
                    tracing::error!(error = %e, "request not registered");
                    if e.suspends_filing() {
                        // Open again next time: staff may restore the files meanwhile.
                        self.open = None;
                        Reply::FileFailed(SUSPENDED.into())
                    } else {
                        Reply::FileFailed(CANNOT_FILE.into())
                    }
                }
            }),
            Action::Lookup {
                receipt_no,
                query_code,
            } => Some(Reply::Lookup(
                match crate::desk::lookup::lookup(
                    desk,
                    central.as_ref(),
                    &app,
                    &receipt_no,
                    &query_code,
                ) {
                    Ok(Some(found)) => {
                        let s = found.stored;
                        let due = s
                            .due
                            .map(|d| format!("，答复期限{}前", d.date.format("%Y年%m月%d日")))
                            .unwrap_or_default();
                        format!(
                            "受理编号{}：{}{}。{}",
                            s.receipt_no,
                            s.status.label(),
                            due,
                            crate::desk::lookup::source_note(&found.source)
                        )
                    }
                    Ok(None) => NOT_FOUND.into(),
                    Err(e) => {
                        tracing::error!(error = %e, "status lookup failed");
                        CANNOT_LOOK_UP.into()
                    }
                },
            )),
            Action::Close | Action::OpenPublished(_) => None,
        }
    }
}

/// Applies a worker reply to the form state.
pub fn apply(state: &mut RequestFormState, reply: Reply) {
    match reply {
        Reply::Filed(f) => state.stage = Stage::Filed(f),
        Reply::FileFailed(msg) => state.stage = Stage::Failed(msg),
        Reply::Lookup(answer) => {
            state.lookup_answer = Some(answer);
            state.show_answer = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::{IdKind, RawForm};
    use std::time::Duration;

    /// Settings with the register and key in `dir`, the holidays from `holidays` and a print
    /// queue that does not exist.
    fn settings_in(dir: &std::path::Path, holidays: &std::path::Path) -> Settings {
        let text = format!(
            "[kiosk]\nhall_name='大厅'\nindex_dir='i'\n[requests]\nregister={:?}\nkey_file={:?}\nholidays={:?}\ncups_queue='NoSuchQueue'\n",
            dir.join("r.sqlite").display().to_string(),
            dir.join("k.key").display().to_string(),
            holidays.display().to_string()
        );
        Settings::parse(&text, &dir.join("kiosk.toml")).unwrap()
    }

    fn citizen() -> RawForm {
        RawForm {
            name: "张三".into(),
            id_kind: Some(IdKind::ResidentId),
            id_number: "11010519491231002X".into(),
            phone: "13812345678".into(),
            description: "城区道路改造项目立项批复".into(),
            ..RawForm::default()
        }
    }

    #[test]
    fn the_worker_files_a_request_tells_of_a_missing_printer_and_answers_lookups() {
        let tmp = tempfile::tempdir().unwrap();
        let holidays =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/holidays");
        let settings = settings_in(tmp.path(), &holidays);
        let worker = spawn(settings, || {}).unwrap();
        let today = chrono::Local::now().date_naive();
        let form = citizen();
        let request = form.validate(today).unwrap();
        worker
            .commands
            .send((7, Action::Submit(Box::new(request))))
            .unwrap();
        let wait = Duration::from_secs(30);
        let (7, Reply::Filed(filed)) = worker.replies.recv_timeout(wait).unwrap() else {
            panic!("expected a filed reply")
        };
        assert!(filed.receipt_no.starts_with("QH01-"));
        assert!(filed.print_note.unwrap().contains("已经成功提交"));
        let mut state = RequestFormState::new(today);
        for (code, expect) in [
            (filed.query_code.clone(), "已受理"),
            ("WRONGCODE".into(), "未查到"),
        ] {
            worker
                .commands
                .send((
                    8,
                    Action::Lookup {
                        receipt_no: filed.receipt_no.clone(),
                        query_code: code,
                    },
                ))
                .unwrap();
            let (visit, reply) = worker.replies.recv_timeout(wait).unwrap();
            assert_eq!(visit, 8, "the reply names the visit it answers");
            apply(&mut state, reply);
            let answer = state.lookup_answer.clone().unwrap();
            assert!(answer.contains(expect), "{answer}");
        }

        // The key file is lost: the register holds a request, so no new key is made and the
        // screen sends the visitor to the counter.
        std::fs::remove_file(tmp.path().join("k.key")).unwrap();
        let request = form.validate(today).unwrap();
        worker
            .commands
            .send((9, Action::Submit(Box::new(request))))
            .unwrap();
        let (visit, reply) = worker.replies.recv_timeout(wait).unwrap();
        assert_eq!(visit, 9);
        apply(&mut state, reply);
        let Stage::Failed(message) = &state.stage else {
            panic!("filed without its key")
        };
        assert!(message.starts_with("暂停受理，请到窗口办理"), "{message}");
        assert!(!tmp.path().join("k.key").exists());
    }

    #[test]
    fn the_worker_opens_the_register_once_and_files_after_the_holiday_folder_is_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let holidays = tmp.path().join("holidays");
        std::fs::create_dir(&holidays).unwrap();
        let shipped =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/holidays");
        for entry in std::fs::read_dir(shipped).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, holidays.join(path.file_name().unwrap())).unwrap();
        }
        let settings = settings_in(tmp.path(), &holidays);
        let worker = spawn(settings, || {}).unwrap();
        let today = chrono::Local::now().date_naive();
        let form = citizen();
        let wait = Duration::from_secs(30);
        for round in 0..2 {
            let request = form.validate(today).unwrap();
            worker
                .commands
                .send((1, Action::Submit(Box::new(request))))
                .unwrap();
            let (_, reply) = worker.replies.recv_timeout(wait).unwrap();
            assert!(matches!(reply, Reply::Filed(_)), "round {round}: {reply:?}");
            // The calendar was read when the register was opened; it is not read again.
            std::fs::remove_dir_all(&holidays).ok();
        }
    }
}
