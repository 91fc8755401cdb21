//! The print job of a document or checklist a visitor asked for: rendered and sent to the
//! printer on a thread of its own (started by the app), its outcome sent back to the screen.

use crate::config::Settings;
use crate::print::layout::Block;
use std::sync::mpsc::{channel, Receiver};

/// What the screen says when a print job failed.
pub const PRINT_FAILED: &str =
    "打印机暂时无法使用。您可以扫描屏幕上的二维码在手机上查看，或到服务窗口索取纸质文本。";

/// Starts one print job; the receiver gets its outcome (the screen's sentence when it failed).
pub fn spawn(
    settings: Settings,
    wake: impl Fn() + Send + 'static,
    blocks: Vec<Block>,
    title: String,
) -> std::io::Result<Receiver<Result<(), String>>> {
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("print".into())
        .spawn(move || {
            let result = crate::staff_requests::printers(&settings)
                .map_err(|e| e.to_string())
                .and_then(|p| {
                    let pdf =
                        crate::print::pdf::render(&blocks, &p.font).map_err(|e| e.to_string())?;
                    crate::print::backend::cups_submit(&p.cups_queue, &pdf, &title)
                        .map_err(|e| e.to_string())
                });
            let result = match result {
                Ok(job) => {
                    tracing::info!(job, title, "document printed");
                    Ok(())
                }
                Err(e) => {
                    tracing::warn!(error = %e, title, "document not printed");
                    Err(PRINT_FAILED.to_string())
                }
            };
            let _ = tx.send(result);
            wake();
        })?;
    Ok(rx)
}
