//! A result computed on a named thread of its own, polled by the screen each frame.

use std::sync::mpsc::{channel, Receiver};

/// A result computed on another thread.
pub struct Job<T> {
    rx: Receiver<T>,
    result: Option<T>,
}

impl<T: Send + 'static> Job<T> {
    pub fn spawn(
        name: &str,
        ctx: Option<egui::Context>,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Job<T> {
        let (tx, rx) = channel();
        let started = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let _ = tx.send(f());
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            });
        if let Err(e) = started {
            tracing::error!(error = %e, name, "cannot start a staff thread");
        }
        Job { rx, result: None }
    }

    /// The result once there is one.
    pub fn poll(&mut self) -> Option<&T> {
        if self.result.is_none() {
            self.result = self.rx.try_recv().ok();
        }
        self.result.as_ref()
    }

    pub fn done(&self) -> bool {
        self.result.is_some()
    }
}
