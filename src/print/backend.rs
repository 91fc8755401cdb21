//! Where printed bytes go: a CUPS queue through the `lp` command, or an ESC/POS printer on a
//! raw device or a TCP port (9100). Also the one place that prints a registered request and
//! clears its 待打印 flag, so a printer failure never loses a request.
//!
//! Shells out to `lpstat`/`lp` (the CUPS command-line client) rather than speaking IPP itself.

use super::layout::{application_form, receipt, Block, CopyKind, Letterhead};
use super::{escpos, pdf};
use crate::config::EscposTarget;
use crate::requests::{RegisterError, RequestStore};
use std::io::Write;
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("printer queue `{0}` does not exist (lpstat -p lists queues)")]
    NoQueue(String),
    #[error("printer queue `{queue}` is not ready: {state}")]
    NotReady { queue: String, state: String },
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },
    #[error("ESC/POS printer {target}: {source}")]
    Escpos {
        target: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error("the personal data of {0} was purged: nothing to print")]
    Purged(String),
    #[error(transparent)]
    Register(#[from] RegisterError),
}

/// What the kiosk tells the resident when a receipt cannot be printed (the request is filed).
pub const PRINT_FAILED_MESSAGE: &str = "打印机暂时无法使用，但您的申请已经成功提交。请记下屏幕上的受理编号和查询码，工作人员将为您补打回执，给您带来不便，敬请谅解。";

impl PrintError {
    /// What the kiosk tells the resident (the request itself is registered).
    pub fn resident_message(&self) -> &'static str {
        PRINT_FAILED_MESSAGE
    }
}

/// The printers of this kiosk.
#[derive(Debug, Clone)]
pub struct Printers {
    pub cups_queue: String,
    pub escpos: Option<EscposTarget>,
    /// OpenType bytes of the CJK font for PDFs.
    pub font: Vec<u8>,
}

fn run(command: &mut Command, stdin: Option<&[u8]>) -> Result<String, PrintError> {
    let name = format!("{command:?}");
    let fail = |detail: String| PrintError::Command {
        command: name.clone(),
        detail,
    };
    command
        .env("LC_ALL", "C")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| fail(e.to_string()))?;
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(bytes).map_err(|e| fail(e.to_string()))?;
    }
    let out = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(fail(format!(
            "{}: {}{}",
            out.status,
            stdout.trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Checks that the queue exists, is enabled and accepts jobs.
pub fn cups_ready(queue: &str) -> Result<(), PrintError> {
    let state = match run(Command::new("lpstat").args(["-p", queue]), None) {
        Ok(s) => s,
        Err(PrintError::Command { detail, .. }) if detail.contains("Invalid destination") => {
            return Err(PrintError::NoQueue(queue.to_string()))
        }
        Err(e) => return Err(e),
    };
    let line = state.lines().next().unwrap_or("").trim().to_string();
    if !line.starts_with(&format!("printer {queue} ")) {
        return Err(PrintError::NoQueue(queue.to_string()));
    }
    if line.contains("disabled") {
        return Err(PrintError::NotReady {
            queue: queue.to_string(),
            state: line,
        });
    }
    let accepting = run(Command::new("lpstat").args(["-a", queue]), None)?;
    if !accepting.contains("accepting requests") || accepting.contains("not accepting") {
        return Err(PrintError::NotReady {
            queue: queue.to_string(),
            state: accepting.trim().to_string(),
        });
    }
    Ok(())
}

/// Sends a PDF to a CUPS queue with `lp`; returns the job id (`QUEUE-N`). The PDF holds
/// personal data: cupsd deletes its spooled copy when the job is done only with
/// `PreserveJobFiles No` (server-wide in CUPS 2.4; `deploy/cups/setup-cups.sh` sets it).
pub fn cups_submit(queue: &str, pdf: &[u8], title: &str) -> Result<String, PrintError> {
    cups_ready(queue)?;
    let out = run(
        Command::new("lp").args(["-d", queue, "-t", title, "-o", "media=A4", "--", "-"]),
        Some(pdf),
    )?;
    // "request id is KioskTest-12 (1 file(s))"
    out.split_whitespace()
        .skip_while(|w| *w != "is")
        .nth(1)
        .map(str::to_string)
        .ok_or_else(|| PrintError::Command {
            command: "lp".into(),
            detail: format!("unexpected answer: {}", out.trim()),
        })
}

/// Writes ESC/POS bytes to a device file or a `host:port` raw socket.
pub fn escpos_send(target: &EscposTarget, bytes: &[u8]) -> Result<(), PrintError> {
    let (name, result) = match target {
        EscposTarget::Device(path) => (
            path.display().to_string(),
            std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| f.write_all(bytes).and_then(|_| f.flush())),
        ),
        EscposTarget::Tcp(addr) => (addr.clone(), send_tcp(addr, bytes)),
    };
    result.map_err(|source| PrintError::Escpos {
        target: name,
        source,
    })
}

fn send_tcp(addr: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::net::ToSocketAddrs;
    let timeout = std::time::Duration::from_secs(5);
    let sock = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("address does not resolve"))?;
    let mut stream = std::net::TcpStream::connect_timeout(&sock, timeout)?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(bytes)?;
    stream.flush()
}

/// Prints the applicant's copy of a registered request: on a thermal printer the receipt, on
/// the CUPS queue the receipt and the application form as one PDF. Clears the 待打印 flag only
/// after every part was handed to a printer; on failure the flag stays for `print-pending`.
pub fn print_receipt(
    register: &mut dyn RequestStore,
    receipt_no: &str,
    head: &Letterhead,
    printers: &Printers,
    now: chrono::NaiveDateTime,
) -> Result<Option<String>, PrintError> {
    let stored = register.get(receipt_no)?;
    let purged = || PrintError::Purged(receipt_no.to_string());
    let receipt_blocks = receipt(&stored, head, CopyKind::Applicant).ok_or_else(purged)?;
    let job = match &printers.escpos {
        Some(target) => {
            escpos_send(target, &escpos::render(&receipt_blocks))?;
            None
        }
        None => {
            let mut blocks: Vec<Block> = receipt_blocks;
            blocks.push(Block::PageBreak);
            blocks.extend(application_form(&stored, head, CopyKind::Applicant).ok_or_else(purged)?);
            let bytes = pdf::render(&blocks, &printers.font)?;
            Some(cups_submit(&printers.cups_queue, &bytes, receipt_no)?)
        }
    };
    register.set_print_pending(receipt_no, false, now, "kiosk")?;
    tracing::info!(
        receipt_no,
        job = job.as_deref().unwrap_or("escpos"),
        "receipt printed"
    );
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    #[test]
    fn a_receipt_reaches_a_raw_port_9100_printer_in_gb18030_and_a_dead_printer_is_an_error() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let printer = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            s.read_to_end(&mut got).unwrap();
            got
        });
        let blocks = vec![
            Block::Title("政府信息公开申请受理回执".into()),
            Block::Field("受理编号".into(), "QH01-20261125-0001".into()),
            Block::Field("证件号码".into(), "110105********002X".into()),
        ];
        escpos_send(&EscposTarget::Tcp(addr), &escpos::render(&blocks)).unwrap();
        let got = printer.join().unwrap();
        // Initialise, then Chinese mode, then GB18030 text.
        assert!(
            got.starts_with(&[0x1B, 0x40, 0x1C, 0x26]),
            "{:02x?}",
            &got[..8]
        );
        let (text, _, bad) = encoding_rs::GB18030.decode(&got);
        assert!(!bad);
        for want in [
            "政府信息公开申请受理回执",
            "QH01-20261125-0001",
            "110105********002X",
        ] {
            assert!(text.contains(want), "{want} missing from {text}");
        }

        // A printer that is switched off: nothing listens on its port.
        let gone = TcpListener::bind("127.0.0.1:0").unwrap();
        let dead = gone.local_addr().unwrap().to_string();
        drop(gone);
        let err = escpos_send(&EscposTarget::Tcp(dead), b"x").unwrap_err();
        assert!(matches!(err, PrintError::Escpos { .. }), "{err}");
        assert!(!err.resident_message().is_empty());
    }
}
