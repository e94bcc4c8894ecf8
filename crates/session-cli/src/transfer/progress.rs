//! Progress output: an indicatif bar on a terminal, a plain line every second otherwise.

use std::io::IsTerminal as _;
use std::time::Duration;

use session_transfer::{Progress, TransferHandle};

/// Shows `handle`'s progress until it ends, then returns its result.
pub(crate) async fn follow<T>(
    label: &str,
    handle: TransferHandle<T>,
    quiet: bool,
) -> Result<T, session_transfer::TransferError> {
    if quiet {
        return handle.await;
    }
    let mut rx = handle.subscribe();
    let terminal = std::io::stderr().is_terminal();
    let bar = terminal.then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b.set_message(label.to_owned());
        b
    });
    let mut handle = handle;
    let mut last_line = std::time::Instant::now();
    let result = loop {
        tokio::select! {
            r = &mut handle => break r,
            changed = rx.changed() => {
                if changed.is_err() {
                    break handle.await;
                }
                let p: Progress = *rx.borrow();
                match &bar {
                    Some(b) => {
                        if let Some(t) = p.bytes_total { b.set_length(t); }
                        b.set_position(p.bytes_done);
                    }
                    None if last_line.elapsed() >= Duration::from_secs(1) => {
                        last_line = std::time::Instant::now();
                        eprintln!("{label}: {}", line(&p));
                    }
                    None => {}
                }
            }
        }
    };
    let p = handle_final(&rx);
    match bar {
        Some(b) => b.finish_and_clear(),
        None => eprintln!("{label}: {}", line(&p)),
    }
    result
}

fn handle_final(rx: &tokio::sync::watch::Receiver<Progress>) -> Progress {
    *rx.borrow()
}

fn line(p: &Progress) -> String {
    let mut s = match p.bytes_total {
        Some(t) => format!("{} of {} bytes", p.bytes_done, t),
        None => format!("{} bytes", p.bytes_done),
    };
    if let Some(t) = p.parts_total {
        s.push_str(&format!(", {} of {t} parts", p.parts_done));
    }
    if let Some(t) = p.files_total {
        s.push_str(&format!(", {} of {t} files", p.files_done + p.files_failed));
        if p.files_failed > 0 {
            s.push_str(&format!(" ({} failed)", p.files_failed));
        }
    }
    s
}
