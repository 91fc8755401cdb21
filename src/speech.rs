//! Reading aloud (读屏, issue 18 item 9; 条例 Art. 43): the [`Speech`] handle the screens call
//! (`speak`, `stop`) and the named thread that runs the speech engine as a child process, one
//! utterance at a time. Owns nothing but that process; knows nothing of egui or of the screens.
//!
//! **Engine.** espeak-ng's Mandarin voice (`espeak-ng -v cmn-latn-pinyin --stdin`, Debian's
//! `espeak-ng` package; the default of `kiosk.read_aloud_command`), run as a child process. The
//! `cmn-latn-pinyin` variant, not plain `cmn`: Debian's `cmn` hands the pinyin of every character
//! outside its short list (三, 府, 信, 秀 …) to its English rules, so 张三 comes out half English. Chosen over speech-dispatcher because it needs no daemon, no
//! session bus and no C library to build against; stopping is killing the process, which silences
//! it at once; and any other engine with a command line (a test script, a vendor's TTS) is one
//! configuration line away (`kiosk.read_aloud_command`). The text goes in on standard input from a
//! short-lived writer thread, so a long document never blocks the speech thread.
//!
//! **Never blocking.** `speak` and `stop` only send on a channel. A new utterance, `stop`, the
//! idle reset (which calls `stop`) and dropping the last handle all end the one speaking.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// How often the speech thread looks whether the engine finished on its own (only while one
/// speaks; otherwise it sleeps on the channel).
const REAP_EVERY: Duration = Duration::from_millis(250);

enum Message {
    Speak(String),
    Stop,
}

/// The handle the UI holds. Cheap to clone; every method returns at once.
#[derive(Clone, Debug)]
pub struct Speech {
    tx: Option<Sender<Message>>,
}

impl Speech {
    /// Starts the speech thread for `command` (program and arguments; the text goes to its
    /// standard input). The engine itself starts only with the first utterance.
    pub fn spawn(command: Vec<String>) -> std::io::Result<Speech> {
        let (tx, rx) = channel();
        std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || run(&command, rx))?;
        Ok(Speech { tx: Some(tx) })
    }

    /// A handle that speaks nothing (no engine configured, or the thread could not start).
    pub fn silent() -> Speech {
        Speech { tx: None }
    }

    /// Reads `text` aloud, ending whatever is being read.
    pub fn speak(&self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.send(Message::Speak(text.to_string()));
        }
    }

    /// Ends whatever is being read.
    pub fn stop(&self) {
        self.send(Message::Stop);
    }

    fn send(&self, m: Message) {
        if let Some(tx) = &self.tx {
            if tx.send(m).is_err() {
                tracing::error!("the speech thread has stopped");
            }
        }
    }
}

/// The speech thread: the newest message wins; a finished engine is reaped.
fn run(command: &[String], rx: Receiver<Message>) {
    let mut speaking: Option<Child> = None;
    loop {
        let first = if speaking.is_some() {
            match rx.recv_timeout(REAP_EVERY) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => break,
            }
        };
        // What was asked since counts; only the newest message matters.
        let newest = rx.try_iter().last().or(first);
        if let Some(child) = speaking.as_mut() {
            if matches!(child.try_wait(), Ok(Some(_))) {
                speaking = None;
            }
        }
        match newest {
            Some(Message::Stop) => silence(&mut speaking),
            Some(Message::Speak(text)) => {
                silence(&mut speaking);
                speaking = start(command, text);
            }
            None => {}
        }
    }
    silence(&mut speaking);
}

/// Ends the engine if it is still speaking, and reaps it.
fn silence(speaking: &mut Option<Child>) {
    if let Some(mut child) = speaking.take() {
        // An engine that already finished cannot be killed; either way it is reaped.
        let _ = child.kill();
        if let Err(e) = child.wait() {
            tracing::warn!(error = %e, "cannot reap the speech engine");
        }
    }
}

/// Starts the engine on `text`; its input is written by a writer thread, so a long text never
/// holds up the next `stop`.
fn start(command: &[String], text: String) -> Option<Child> {
    let (program, args) = command.split_first()?;
    let spawned = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, program, "cannot start the speech engine");
            return None;
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let writer = std::thread::Builder::new()
            .name("speech-input".into())
            .spawn(move || {
                // A killed engine closes the pipe: the write fails, which is expected.
                let _ = stdin.write_all(text.as_bytes());
            });
        if let Err(e) = writer {
            tracing::error!(error = %e, "cannot start the speech input thread");
        }
    }
    Some(child)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::time::Instant;

    /// An engine that records its input and the id of its process, then "speaks" for a minute.
    fn recording_engine(dir: &Path) -> Vec<String> {
        let script =
            "echo $$ >> \"$0/pids\"; cat >> \"$0/spoken\"; echo >> \"$0/spoken\"; exec sleep 60";
        vec![
            "sh".into(),
            "-c".into(),
            script.into(),
            dir.display().to_string(),
        ]
    }

    fn wait_for(what: &str, done: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    fn pids(dir: &Path) -> Vec<u32> {
        read(&dir.join("pids"))
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    fn running(pid: u32) -> bool {
        Path::new(&format!("/proc/{pid}")).exists()
    }

    #[test]
    fn the_engine_gets_the_text_and_a_new_utterance_or_stop_ends_the_one_speaking() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let speech = Speech::spawn(recording_engine(&dir)).unwrap();
        speech.speak("姓名，请输入");
        wait_for("the first utterance", || {
            read(&dir.join("spoken")).contains("姓名，请输入")
        });
        let first = pids(&dir)[0];
        assert!(running(first));

        speech.speak("证件号码");
        wait_for("the second utterance", || {
            read(&dir.join("spoken")).contains("证件号码")
        });
        wait_for("the first engine to end", || !running(first));
        let second = pids(&dir)[1];
        assert!(running(second), "the second utterance is being read");

        speech.stop();
        wait_for("stop to end the engine", || !running(second));
        let spoken = read(&dir.join("spoken"));
        let (a, b) = (spoken.find("姓名，请输入"), spoken.find("证件号码"));
        assert!(a.is_some() && a < b, "in the order asked: {spoken}");
    }
}
